"""A brand's own complaint model, learned from people's labels: training and blending.

Pure: no store access. ``listener.judging.training`` gathers the labels and saves the bytes;
the judge calls ``blend`` for every mention. The model is a logistic regression over the
hashed features of ``listener.judging.features`` plus the rule judge's named features
("extras"), and optionally sentence embeddings (``listener.judging.embeddings``), fitted in
two stages (see ``train_complaint_model``) by scikit-learn. The fitted model, its scoring and
its stored form are in ``listener.judging.complaint_model``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from listener.judging.complaint_model import ComplaintModel, rule_logit
from listener.judging.features import (
    DIMS,
    FEATURES_VERSION,
    context_features,
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
# Inverse regularisation strength, by the number of examples, for the one joint fit left
# when too few of one kind can be held out (the two stages choose theirs: C_GRID). More
# labels support a freer fit. Measured on the complaints dev set, leave-one-domain-out with
# the rules' features, training on n random labels: n=30 and 100 do best at C=1 (C=10 loses
# 0.02-0.05 F1), n=300 is level for C in 1-10; all ~2,000: text alone 0.64/0.67/0.68 for
# C=1/3/10, with the rules' features level from 3 to 30 (measured with one joint fit; with
# the two stages, C=10 and 30 measured the same at ~2,000). Word features are binary and
# L2-normalised, so the scale is the same for any text length. Two stages also beat one
# joint fit with few labels (n random labels, the same measure): n=30 0.59 vs 0.56, 100 0.63
# vs 0.63, 300 0.70 vs 0.67.
MIN_C, MAX_C, EXAMPLES_PER_C = 1.0, 10.0, 200
# Stage 2's regularisation (see train_complaint_model): it fits a few dozen weights, and
# C=1 and C=10 measured the same (0.769 vs 0.770 F1); the stronger one is kept. Choosing it
# from a grid by the inner folds too was tried (bench/learning.py): 10-fold CV +0.002/+0.005
# (without/with embeddings) but 50 labels -0.007/-0.009 and leave-one-domain-out -0.003: not kept.
CONTEXT_C = 1.0
# The C tried for the word model and for the embedding model; each is chosen by the inner
# folds' held-out log-loss (never by data outside the training labels). Against the fixed
# C by example count (bench/learning.py, without embeddings): 10-fold CV 0.837 → 0.841,
# leave-one-domain-out 0.768 either way, 50 labels 0.731 either way; with embeddings a
# fixed C=1 for the vectors gave 0.851 / 0.769 / 0.747, the grid 0.855 / 0.778 / 0.744.
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
DENSE_C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
# Inner folds for the word model's held-out verdicts: 5 and 10 measured the same, 5 is faster.
INNER_FOLDS = 5
# The rules' own verdict (the log-odds of their score) is a column of stage 2 beside the
# words' verdict: a model of a few dozen labels then starts from what the rules say and
# learns a correction, where before it had to rebuild the rules' judgment from their
# separate features, each pulled to 0 by the penalty. The column is scaled up so that its
# weight is barely penalised: an offset whose size the labels choose. Measured with
# bench/learning.py (without embeddings, before → after): 25 labels 0.684 → 0.722,
# 50 labels 0.744 → 0.757, 100 labels 0.757 → 0.763, leave-one-domain-out F1 0.772 → 0.773,
# 10-fold 0.841 either way; a scale of 1 (the usual penalty) measured within 0.002 of 10.
RULES_SCALE = 10.0
FIRST_WEIGHT = 0.5  # the model's share of the blended score at min_labels; 1.0 at full_labels


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
       model that did *not* see that example: inner cross-validation) beside the rules'
       own verdict (the log-odds of their score, see ``RULES_SCALE``) and the context
       features (the rules' named features, the commerce topic).
    Fitting both at once lets thousands of word weights drown the few rule features, which
    know what a complaint is in any domain; stage 2 learns how far to trust the words from
    how well they did on texts they had not seen. Measured leave-one-domain-out on the
    complaints dev set: one joint model 0.74 F1, the two stages 0.77.

    Classes are weighted "balanced" in both: labels people give are rarely half complaints,
    and a model that learns the majority share would only echo it. ValueError without both
    kinds. ``c`` overrides the word model's regularisation (else chosen from ``C_GRID``).

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
    rules = 0.0
    if folds < 2:  # too few of one kind to hold any out: one joint fit
        joint = [t | x for t, x in zip(text_rows, context_rows, strict=True)]
        intercept, weights = _fit(joint, target, regularisation(len(examples)))
    else:
        logits = [rule_logit(extras) for _, extras, _ in examples]
        intercept, weights, dense, rules = _fit_stacked(
            text_rows, context_rows, target, c_grid, folds, vectors, logits
        )
    return ComplaintModel(
        intercept=intercept,
        weights=weights,
        labels=len(examples),
        positives=positives,
        dense=dense,
        rules=rules,
    )


def _fit_stacked(
    text_rows: Sequence[Mapping[int, float]],
    context_rows: Sequence[Mapping[int, float]],
    target: Sequence[bool],
    c_grid: Sequence[float],
    folds: int,
    vectors: Sequence[Any] | None = None,
    logits: Sequence[float] | None = None,
) -> tuple[float, dict[int, float], tuple[float, ...], float]:
    """The two stages of ``train_complaint_model``, as one intercept, one weight map,
    the embedding's weights (empty without ``vectors``) and the rules' log-odds weight."""
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
    if logits is not None:
        columns.append([RULES_SCALE * v for v in logits])
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
    rules = 0.0
    if logits is not None:  # stored as float32, like every weight: score what is stored
        rules = float(np.float32(stage2_weights[DIMS + len(columns) - 1] * RULES_SCALE))
    return intercept, _sparse_weights(combined), dense_weights, rules


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
