"""A brand's own complaint model, learned from people's labels: training, scoring, storage.

Pure: no store access. ``listener.judging.training`` gathers the labels and saves the bytes;
the judge calls ``blend`` for every mention. The model is a logistic regression over the
hashed features of ``listener.judging.features`` plus the rule judge's named features
("extras"). scikit-learn fits it; scoring is a plain Python dot product over the few dozen
buckets a text touches, because a call into scikit-learn per mention costs more than the
whole budget (5,000 mentions/s).
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
from typing import Any

from listener.judging.features import DIMS, FEATURES_VERSION, features

__all__ = [
    "FEATURES_VERSION",
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
# the rules' features level from 3 to 30. Features are binary and L2-normalised, so the
# scale is the same for any text length.
MIN_C, MAX_C, EXAMPLES_PER_C = 1.0, 10.0, 200
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

    def score(self, text: str, extras: Mapping[str, float] = _NO_EXTRAS) -> float:
        """The probability (0…1) that ``text`` is a complaint."""
        weights = self.weights
        z = self.intercept
        for key, value in features(text, extras).items():
            weight = weights.get(key)
            if weight is not None:
                z += weight * value
        return _sigmoid(z)

    def to_bytes(self) -> bytes:
        """A safe, compact form for the store: JSON header, bucket indices, float32 weights.

        Not pickle: the store file may be shared, and loading a pickle runs code.
        """
        keys = sorted(self.weights)
        header = json.dumps(
            {
                "features_version": self.features_version,
                "dims": DIMS,
                "intercept": float(self.intercept),
                "labels": self.labels,
                "positives": self.positives,
                "count": len(keys),
            },
            sort_keys=True,
        ).encode("utf-8")
        body = b"".join(
            (
                _HEAD.pack(_MAGIC, len(header)),
                header,
                struct.pack(f"<{len(keys)}I", *keys),
                struct.pack(f"<{len(keys)}f", *(self.weights[k] for k in keys)),
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
        count = header["count"]
        offset = _HEAD.size + header_size
        if len(body) != offset + 8 * count:
            raise ValueError("stored complaint model is damaged (wrong length)")
        keys = struct.unpack_from(f"<{count}I", body, offset)
        values = struct.unpack_from(f"<{count}f", body, offset + 4 * count)
        if any(b <= a for a, b in pairwise(keys)) or (keys and keys[-1] >= DIMS):
            raise ValueError("stored complaint model is damaged (bad feature indices)")
        if not all(math.isfinite(v) for v in values):
            raise ValueError("stored complaint model is damaged (weights not finite)")
        return cls(
            intercept=header["intercept"],
            weights=dict(zip(keys, values, strict=True)),
            labels=header["labels"],
            positives=header["positives"],
            features_version=header["features_version"],
        )


def _header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
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
    return header


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # never overflows for z < 0
    return e / (1.0 + e)


def train_complaint_model(
    examples: Sequence[tuple[str, Mapping[str, float], bool]], *, c: float | None = None
) -> ComplaintModel:
    """Fit a model on (text, the rules' named features, is a complaint) examples.

    Classes are weighted "balanced": labels people give are rarely half complaints, and a
    model that learns the majority share would only echo it. ValueError without both kinds.
    ``c`` overrides the regularisation chosen from the number of examples.
    """
    # Imported here: scikit-learn takes 1-2 s to import, and only training needs it.
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    positives = sum(1 for _, _, is_complaint in examples if is_complaint)
    if positives == 0 or positives == len(examples):
        raise ValueError("training needs both complaints and non-complaints among the labels")
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for text, extras, _ in examples:
        row = sorted(features(text, extras).items())
        indices.extend(k for k, _ in row)
        values.extend(v for _, v in row)
        indptr.append(len(indices))
    matrix = csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int32), indptr),
        shape=(len(examples), DIMS),
    )
    target = np.array([is_complaint for _, _, is_complaint in examples], dtype=np.int8)
    # liblinear: exact and deterministic on a few thousand sparse rows; 3,000 examples take
    # ~0.35 s here, featurizing included.
    fitted = LogisticRegression(
        C=c if c is not None else regularisation(len(examples)),
        solver="liblinear",
        class_weight="balanced",
        random_state=0,
    ).fit(matrix, target)
    coef = fitted.coef_[0].astype(np.float32)  # stored as float32: keep what is scored equal
    nonzero = np.flatnonzero(coef)
    return ComplaintModel(
        intercept=float(fitted.intercept_[0]),
        weights=dict(zip(nonzero.tolist(), coef[nonzero].tolist(), strict=True)),
        labels=len(examples),
        positives=positives,
    )


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


def blend(
    rule_score: float,
    model: ComplaintModel | None,
    text: str,
    extras: Mapping[str, float],
    *,
    min_labels: int,
    full_labels: int,
) -> tuple[float, str]:
    """The complaint score and who gave it: "rules", "rules+learned" or "learned"."""
    if (
        model is None
        or model.features_version != FEATURES_VERSION
        or min(model.positives, model.labels - model.positives) < MIN_PER_CLASS
    ):
        return rule_score, "rules"
    share = model_weight(model.labels, min_labels=min_labels, full_labels=full_labels)
    if share <= 0.0:
        return rule_score, "rules"
    learned = model.score(text, extras)
    if share >= 1.0:
        return learned, "learned"
    return (1.0 - share) * rule_score + share * learned, "rules+learned"
