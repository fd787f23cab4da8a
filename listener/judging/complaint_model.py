"""A brand's learned complaint model as the daemon holds it: scoring and the stored form.

Scoring is a plain Python dot product over the few dozen hashed buckets a text touches (and,
for a model trained with sentence embeddings, 384 more weights), because a call into
scikit-learn per mention costs more than the whole budget (5,000 mentions/s). Training is
in ``listener.judging.learning``.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from listener.judging.embeddings import DIMENSIONS as DENSE_DIMENSIONS
from listener.judging.features import DIMS, FEATURES_VERSION, features

__all__ = ["ComplaintModel", "Embed", "rule_logit"]

# A text → its sentence vector, or None where the embedding model cannot read it.
Embed = Callable[[str], Any]

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
    # The weight of the rules' own verdict, as log-odds (``rule_logit`` of the extras'
    # "rule_score"): a model of a few dozen labels starts from what the rules say and
    # learns a correction. 0 for a model stored before it existed (its header lacks it).
    rules: float = 0.0
    # How a text gets its vector when the caller gives none (``training.load_models``
    # attaches it when ``judgments.learning.embeddings`` allows); not part of the model.
    embed: Embed | None = field(default=None, compare=False, repr=False)

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
        if self.rules:
            z += self.rules * rule_logit(extras)
        if self.dense and vector is None and self.embed is not None:
            vector = self.embed(text)
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
        if self.rules:  # absent otherwise, as "dense"
            fields["rules"] = float(self.rules)
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
            rules=header.get("rules", 0.0),
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
    if "dense" in header and (
        type(header["dense"]) is not int or header["dense"] != DENSE_DIMENSIONS
    ):
        raise ValueError("stored complaint model does not fit this version's embeddings")
    if "rules" in header and not (
        isinstance(header["rules"], float) and math.isfinite(header["rules"])
    ):
        raise ValueError("stored complaint model has an incomplete header")
    return header


# The rules' score is clamped this far from 0 and 1 before its log-odds are taken: a rule
# score of exactly 0 or 1 would otherwise be an infinite vote.
_RULE_SCORE_FLOOR = 1e-4


def rule_logit(extras: Mapping[str, float]) -> float:
    """The log-odds of the rules' score in ``extras`` ("rule_score"); 0 (no opinion) when
    it is absent or not finite."""
    score = extras.get("rule_score")
    if score is None or not math.isfinite(score):
        return 0.0
    score = min(1.0 - _RULE_SCORE_FLOOR, max(_RULE_SCORE_FLOOR, float(score)))
    return math.log(score / (1.0 - score))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # never overflows for z < 0
    return e / (1.0 + e)
