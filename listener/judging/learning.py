"""A brand's own complaint model, learned from people's labels: training, scoring, storage.

Pure: no store access. ``listener.judging.training`` gathers the labels and saves the bytes;
the judge calls ``blend`` for every mention. The model is a logistic regression over the
hashed features of ``listener.judging.features`` plus the rule judge's named features
("extras"), fitted in two stages (see ``train_complaint_model``) by scikit-learn. Scoring is
a plain Python dot product over the few dozen buckets a text touches, because a call into
scikit-learn per mention costs more than the whole budget (5,000 mentions/s).
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType
from typing import Any, NamedTuple

from listener.judging.embeddings import DIMENSIONS as DENSE_DIMENSIONS
from listener.judging.features import (
    DIMS,
    FEATURES_VERSION,
    context_features,
    features,
    text_features,
)

__all__ = [
    "MIN_PER_CLASS",
    "ComplaintModel",
    "blend",
    "model_weight",
    "regularisation",
    "train_complaint_model",
]

MIN_PER_CLASS = 5  # fewer complaints (or non-complaints) than this teach a model nothing
# Inverse regularisation strength, by the number of examples: more labels support a freer
# fit. Measured on the complaints dev set, leave-one-domain-out with the rules' features,
# training on n random labels: n=30 and 100 do best at C=1 (C=10 loses 0.02-0.05 F1),
# n=300 is level for C in 1-10; all ~2,000: text alone 0.64/0.67/0.68 for C=1/3/10, with
# the rules' features level from 3 to 30 (measured with one joint fit; with the two stages,
# C=10 and 30 measured the same at ~2,000). Word features are binary and L2-normalised, so
# the scale is the same for any text length. Two stages also beat one joint fit with few
# labels (n random labels, the same measure): n=30 0.59 vs 0.56, 100 0.63 vs 0.63, 300 0.70
# vs 0.67.
MIN_C, MAX_C, EXAMPLES_PER_C = 1.0, 10.0, 200
# Stage 2's regularisation (see train_complaint_model): it fits a few dozen weights, and
# C=1 and C=10 measured the same (0.769 vs 0.770 F1); the stronger one is kept.
CONTEXT_C = 1.0
# The C tried for the word model and for the embedding model; each is chosen by the inner
# folds' held-out log-loss (never by data outside the training labels).
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
DENSE_C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
# Inner folds for the word model's held-out verdicts: 5 and 10 measured the same, 5 is faster.
INNER_FOLDS = 5
FIRST_WEIGHT = 0.5  # the model's share of the blended score at min_labels; 1.0 at full_labels

_NO_EXTRAS: Mapping[str, float] = MappingProxyType({})
_MAGIC = b"LSTNCM1\n"  # listener complaint model, format 1
_HEAD = struct.Struct("<8sI")  # magic, header length
_CRC = struct.Struct("<I")


@dataclass(frozen=True)
class ComplaintModel:
    """A trained model: ``weights`` holds only the non-zero buckets (float32 values)."""

    intercept: float
    weights: Mapping[int, float]
    labels: int  # examples it was trained on
    positives: int  # of which complaints
    features_version: str = FEATURES_VERSION
    # Weights of the sentence embedding (``listener.judging.embeddings``), empty for a model
    # trained without it. A text scored without a vector (the extra is not installed, or
    # the model cannot read its language) gets none of this part: the intercept already
    # holds the embedding model's prior, so it reads as "the embedding has no opinion".
    dense: tuple[float, ...] = ()

    def score(
        self, text: str, extras: Mapping[str, float] = _NO_EXTRAS, *, vector: Any = None
    ) -> float:
        """The probability (0…1) that ``text`` is a complaint; ``vector`` is its sentence
        embedding, read only by a model trained with them."""
        weights = self.weights
        z = self.intercept
        for key, value in features(text, extras).items():
            weight = weights.get(key)
            if weight is not None:
                z += weight * value
        if self.dense and vector is not None:
            z += math.fsum(w * float(v) for w, v in zip(self.dense, vector, strict=True))
        return _sigmoid(z)

    def to_bytes(self) -> bytes:
        """A safe, compact form for the store: JSON header, bucket indices, float32 weights.

        Not pickle: the store file may be shared, and loading a pickle runs code.
        """
        keys = sorted(self.weights)
        fields: dict[str, Any] = {
            "features_version": self.features_version,
            "dims": DIMS,
            "intercept": float(self.intercept),
            "labels": self.labels,
            "positives": self.positives,
            "count": len(keys),
        }
        if self.dense:  # absent otherwise: a model without embeddings keeps its old bytes
            fields["dense"] = len(self.dense)
        header = json.dumps(fields, sort_keys=True).encode("utf-8")
        body = b"".join(
            (
                _HEAD.pack(_MAGIC, len(header)),
                header,
                struct.pack(f"<{len(keys)}I", *keys),
                struct.pack(f"<{len(keys)}f", *(self.weights[k] for k in keys)),
                struct.pack(f"<{len(self.dense)}f", *self.dense),
            )
        )
        return body + _CRC.pack(zlib.crc32(body))

    @classmethod
    def from_bytes(cls, data: bytes) -> ComplaintModel:
        """The model stored by ``to_bytes``; ValueError if the bytes are damaged or foreign."""
        data = bytes(data)
        if len(data) < _HEAD.size + _CRC.size or not data.startswith(_MAGIC):
            raise ValueError("not a stored complaint model (unknown format)")
        body, (crc,) = data[: -_CRC.size], _CRC.unpack(data[-_CRC.size :])
        if zlib.crc32(body) != crc:
            raise ValueError("stored complaint model is damaged (checksum mismatch)")
        _, header_size = _HEAD.unpack_from(body)
        header = _header(body[_HEAD.size : _HEAD.size + header_size])
        count, dense_count = header["count"], header.get("dense", 0)
        offset = _HEAD.size + header_size
        if len(body) != offset + 8 * count + 4 * dense_count:
            raise ValueError("stored complaint model is damaged (wrong length)")
        keys = struct.unpack_from(f"<{count}I", body, offset)
        values = struct.unpack_from(f"<{count}f", body, offset + 4 * count)
        dense = struct.unpack_from(f"<{dense_count}f", body, offset + 8 * count)
        if any(b <= a for a, b in pairwise(keys)) or (keys and keys[-1] >= DIMS):
            raise ValueError("stored complaint model is damaged (bad feature indices)")
        if not all(math.isfinite(v) for v in (*values, *dense)):
            raise ValueError("stored complaint model is damaged (weights not finite)")
        return cls(
            intercept=header["intercept"],
            weights=dict(zip(keys, values, strict=True)),
            labels=header["labels"],
            positives=header["positives"],
            features_version=header["features_version"],
            dense=tuple(dense),
        )


def _header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"))
    # Deep nesting ("[[[…") makes json raise RecursionError: damaged all the same.
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"stored complaint model has an unreadable header: {error}") from None
    if not isinstance(header, dict):
        raise ValueError("stored complaint model has an unreadable header")
    version = header.get("features_version")
    if version != FEATURES_VERSION:
        raise ValueError(
            f"stored complaint model uses features {version!r}, this version reads"
            f" {FEATURES_VERSION!r}: it must be retrained"
        )
    ints = ("dims", "labels", "positives", "count")
    if not all(type(header.get(k)) is int and header[k] >= 0 for k in ints) or not (
        isinstance(header.get("intercept"), float) and math.isfinite(header["intercept"])
    ):
        raise ValueError("stored complaint model has an incomplete header")
    if header["dims"] != DIMS or header["positives"] > header["labels"]:
        raise ValueError("stored complaint model does not fit this version's features")
    if "dense" in header and header["dense"] != DENSE_DIMENSIONS:
        raise ValueError("stored complaint model does not fit this version's embeddings")
    return header


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # never overflows for z < 0
    return e / (1.0 + e)


def train_complaint_model(
    examples: Sequence[tuple[str, Mapping[str, float], bool]],
    *,
    c: float | None = None,
    vectors: Sequence[Any] | None = None,
) -> ComplaintModel:
    """Fit a model on (text, the rules' named features, is a complaint) examples.

    Two stages, folded into one linear model at the end:
    1. a word model on the text features alone;
    2. a small model on the word model's verdict (its log-odds for each example, from a
       model that did *not* see that example: inner cross-validation) beside the context
       features (the rules' named features, the commerce topic).
    Fitting both at once lets thousands of word weights drown the few rule features, which
    know what a complaint is in any domain; stage 2 learns how far to trust the words from
    how well they did on texts they had not seen. Measured leave-one-domain-out on the
    complaints dev set: one joint model 0.74 F1, the two stages 0.77.

    Classes are weighted "balanced" in both: labels people give are rarely half complaints,
    and a model that learns the majority share would only echo it. ValueError without both
    kinds. ``c`` overrides the word model's regularisation chosen from the number of examples.

    ``vectors`` (one sentence embedding per example, ``listener.judging.embeddings``) add a
    third model beside the word model in stage 1, a logistic regression on the vectors,
    whose held-out verdict stage 2 weighs like the words'. Needs the inner folds (at least
    two of each kind); with fewer the vectors are not used.
    """
    positives = sum(1 for _, _, is_complaint in examples if is_complaint)
    if positives == 0 or positives == len(examples):
        raise ValueError("training needs both complaints and non-complaints among the labels")
    c_grid = (c,) if c is not None else C_GRID
    text_rows = [text_features(text) for text, _, _ in examples]
    context_rows = [context_features(text, extras) for text, extras, _ in examples]
    target = [is_complaint for _, _, is_complaint in examples]
    folds = min(INNER_FOLDS, positives, len(examples) - positives)
    dense: tuple[float, ...] = ()
    if folds < 2:  # too few of one kind to hold any out: one joint fit
        joint = [t | x for t, x in zip(text_rows, context_rows, strict=True)]
        intercept, weights = _fit(joint, target, regularisation(len(examples)))
    else:
        intercept, weights, dense = _fit_stacked(
            text_rows, context_rows, target, c_grid, folds, vectors
        )
    return ComplaintModel(
        intercept=intercept,
        weights=weights,
        labels=len(examples),
        positives=positives,
        dense=dense,
    )


def _fit_stacked(
    text_rows: Sequence[Mapping[int, float]],
    context_rows: Sequence[Mapping[int, float]],
    target: Sequence[bool],
    c_grid: Sequence[float],
    folds: int,
    vectors: Sequence[Any] | None = None,
) -> tuple[float, dict[int, float], tuple[float, ...]]:
    """The two stages of ``train_complaint_model``, as one intercept, one weight map and
    the embedding's weights (empty without ``vectors``)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    words, used_words = _compacted(_matrix(text_rows))
    dense = np.asarray(vectors, dtype=np.float64) if vectors is not None else None
    y = np.array(target, dtype=np.int8)
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=0).split(words, y))
    c, verdict = _chosen(words, y, splits, c_grid)
    if dense is not None:
        dense_c, dense_verdict = _chosen(dense, y, splits, DENSE_C_GRID)
    word_model = _model(c).fit(words, y)
    # Stage 2 reads the verdicts in extra columns past the hashed buckets.
    columns = [verdict] if dense is None else [verdict, dense_verdict]
    context, used_context = _compacted(_matrix(context_rows, extra_columns=columns))
    stage2 = _model(CONTEXT_C).fit(context, y)
    stage2_weights = _expanded(stage2.coef_[0], used_context, DIMS + len(columns))
    trust = float(stage2_weights[DIMS])
    # Both stages are linear, so the whole is too: trust × word weights + context weights.
    word_weights = _expanded(word_model.coef_[0], used_words, DIMS)
    combined = trust * word_weights + stage2_weights[:DIMS]
    intercept = trust * float(word_model.intercept_[0]) + float(stage2.intercept_[0])
    dense_weights: tuple[float, ...] = ()
    if dense is not None:
        dense_model = _model(dense_c).fit(dense, y)
        dense_trust = float(stage2_weights[DIMS + 1])
        intercept += dense_trust * float(dense_model.intercept_[0])
        stored = np.asarray(dense_trust * dense_model.coef_[0], dtype=np.float32)
        dense_weights = tuple(float(w) for w in stored)
    return intercept, _sparse_weights(combined), dense_weights


def _chosen(matrix: Any, y: Any, splits: Sequence[Any], grid: Sequence[float]) -> tuple[float, Any]:
    """The C of ``grid`` whose held-out verdicts (inner folds of the training labels only)
    have the lowest balanced log-loss, and those verdicts; the first C wins a tie."""
    import numpy as np

    best: tuple[float, float, Any] | None = None
    for c in grid:
        verdict = np.zeros(len(y))
        for train, held in splits:
            verdict[held] = _model(c).fit(matrix[train], y[train]).decision_function(matrix[held])
        # log(1 + e^-z) for complaints, log(1 + e^z) for the rest, each class weighing half.
        signed = np.where(y == 1, verdict, -verdict)
        losses = np.logaddexp(0.0, -signed)
        loss = (losses[y == 1].mean() + losses[y == 0].mean()) / 2
        if best is None or loss < best[0]:
            best = (loss, c, verdict)
    assert best is not None
    return best[1], best[2]


def _fit(
    rows: Sequence[Mapping[int, float]], target: Sequence[bool], c: float
) -> tuple[float, dict[int, float]]:
    import numpy as np

    matrix, used = _compacted(_matrix(rows))
    fitted = _model(c).fit(matrix, np.array(target, dtype=np.int8))
    return float(fitted.intercept_[0]), _sparse_weights(_expanded(fitted.coef_[0], used, DIMS))


def _compacted(matrix: Any) -> tuple[Any, Any]:
    """``matrix`` without its empty columns, and each kept column's index in ``matrix``.

    liblinear's work grows with the width: fitting 2**18 mostly empty buckets took ~1 s
    even for 60 labels. An empty column gets weight 0 either way (the L2 penalty pulls it
    there and no example pushes back), so the fit is the same, only faster.
    """
    import numpy as np

    used = np.unique(matrix.indices)
    return matrix[:, used], used


def _expanded(coef: Any, used: Any, width: int) -> Any:
    """The weights of a compacted fit, back at their columns (0 elsewhere)."""
    import numpy as np

    full = np.zeros(width)
    full[used] = coef
    return full


def _model(c: float) -> Any:
    # Imported here: scikit-learn takes 1-2 s to import, and only training needs it.
    from sklearn.linear_model import LogisticRegression

    # liblinear: exact and deterministic on a few thousand sparse rows.
    return LogisticRegression(C=c, solver="liblinear", class_weight="balanced", random_state=0)


def _matrix(rows: Sequence[Mapping[int, float]], extra_columns: Sequence[Any] = ()) -> Any:
    """A CSR matrix of hashed rows, with ``extra_columns`` past them (index DIMS on)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for i, vector in enumerate(rows):
        row = sorted(vector.items())
        indices.extend(k for k, _ in row)
        values.extend(v for _, v in row)
        for n, column in enumerate(extra_columns):
            indices.append(DIMS + n)
            values.append(float(column[i]))
        indptr.append(len(indices))
    width = DIMS + len(extra_columns)
    return csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int32), indptr),
        shape=(len(rows), width),
    )


def _sparse_weights(coef: Any) -> dict[int, float]:
    import numpy as np

    weights = np.asarray(coef, dtype=np.float32)  # stored as float32: score what is stored
    nonzero = np.flatnonzero(weights)
    return dict(zip(nonzero.tolist(), weights[nonzero].tolist(), strict=True))


def regularisation(examples: int) -> float:
    """The C used for this many examples (see MIN_C)."""
    return min(MAX_C, max(MIN_C, examples / EXAMPLES_PER_C))


def model_weight(labels: int, *, min_labels: int, full_labels: int) -> float:
    """The model's share of the blended score: 0 below min_labels, then FIRST_WEIGHT rising
    linearly to 1.0 at full_labels.

    It starts at a half rather than near zero because the model already sees the rules'
    own features. Measured (complaints dev set, models trained on n labels from the other
    domains, F1 at 0.5): at n=30 rules alone 0.53, half-and-half 0.58, model alone 0.57; at
    n=300 half-and-half 0.61-0.63, three quarters and model alone 0.64.
    """
    if labels < min_labels:
        return 0.0
    if labels >= full_labels:
        return 1.0
    return FIRST_WEIGHT + (1.0 - FIRST_WEIGHT) * (labels - min_labels) / (full_labels - min_labels)


class Blend(NamedTuple):
    """The complaint score, who gave it ("rules", "rules+learned", "learned"), and the cut
    that score must reach to be a complaint."""

    score: float
    by: str
    cut: float


# The learned model is fitted with balanced class weights, so 0.5 is its natural cut; the
# rules have their own (``judgments.complaint_threshold``). A blended score is cut at the
# same blend of the two, so handing a brand over to its model moves the cut with it.
MODEL_CUT = 0.5


def blend(
    rule_score: float,
    model: ComplaintModel | None,
    text: str,
    extras: Mapping[str, float],
    *,
    min_labels: int,
    full_labels: int,
    rules_cut: float = MODEL_CUT,
) -> Blend:
    """The complaint score, who gave it, and its cut (see ``Blend``)."""
    if (
        model is None
        or model.features_version != FEATURES_VERSION
        or min(model.positives, model.labels - model.positives) < MIN_PER_CLASS
    ):
        return Blend(rule_score, "rules", rules_cut)
    share = model_weight(model.labels, min_labels=min_labels, full_labels=full_labels)
    if share <= 0.0:
        return Blend(rule_score, "rules", rules_cut)
    learned = model.score(text, extras)
    if share >= 1.0:
        return Blend(learned, "learned", MODEL_CUT)
    return Blend(
        (1.0 - share) * rule_score + share * learned,
        "rules+learned",
        (1.0 - share) * rules_cut + share * MODEL_CUT,
    )
