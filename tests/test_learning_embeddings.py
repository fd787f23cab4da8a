"""A learned complaint model with sentence vectors beside its words: trained, scored, stored.

The vectors here are made by hand (no extra needed): complaints point one way, praise
another, and the texts say nothing, so only the vectors can tell them apart.
"""

from __future__ import annotations

import json
import random
import struct
import zlib

import pytest

from listener.judging.embeddings import DIMENSIONS
from listener.judging.learning import ComplaintModel, train_complaint_model


def vector(direction: int, rng: random.Random) -> list[float]:
    values = [rng.gauss(0.0, 0.05) for _ in range(DIMENSIONS)]
    values[direction] += 1.0
    return values


@pytest.fixture(scope="module")
def trained() -> tuple[ComplaintModel, random.Random]:
    rng = random.Random(7)
    texts = [f"@acme post {i}" for i in range(40)]
    examples = [(text, {}, i % 2 == 0) for i, text in enumerate(texts)]
    vectors = [vector(0 if i % 2 == 0 else 1, rng) for i in range(40)]
    return train_complaint_model(examples, vectors=vectors), rng


def test_the_vectors_decide_when_the_words_cannot(
    trained: tuple[ComplaintModel, random.Random],
) -> None:
    model, rng = trained
    assert len(model.dense) == DIMENSIONS
    assert model.score("@acme post 99", vector=vector(0, rng)) > 0.7
    assert model.score("@acme post 99", vector=vector(1, rng)) < 0.3


def test_a_text_without_a_vector_is_scored_by_the_rest(
    trained: tuple[ComplaintModel, random.Random],
) -> None:
    model, _ = trained
    # No vector (the extra is absent, or the language is not English): no dense part,
    # the same score as for a vector that points nowhere.
    assert model.score("@acme post 99") == pytest.approx(
        model.score("@acme post 99", vector=[0.0] * DIMENSIONS)
    )


def test_stored_and_loaded_with_its_vector_weights(
    trained: tuple[ComplaintModel, random.Random],
) -> None:
    model, rng = trained
    loaded = ComplaintModel.from_bytes(model.to_bytes())
    assert loaded == model
    probe = vector(0, rng)
    assert loaded.score("@acme hi", vector=probe) == model.score("@acme hi", vector=probe)


def test_a_model_without_vectors_keeps_the_old_format() -> None:
    examples = [(f"@acme late parcel {i}", {}, True) for i in range(6)] + [
        (f"@acme lovely thanks {i}", {}, False) for i in range(6)
    ]
    model = train_complaint_model(examples)
    assert model.dense == ()
    assert b'"dense"' not in model.to_bytes()  # read by older versions as before


def test_damaged_vector_weights_are_refused(
    trained: tuple[ComplaintModel, random.Random],
) -> None:
    data = trained[0].to_bytes()
    with pytest.raises(ValueError, match="damaged"):
        ComplaintModel.from_bytes(data[:-12] + data[-8:])  # four bytes of weights cut out


@pytest.mark.parametrize("dense", [383, 384.0, "384", -1, None])
def test_a_resigned_header_with_a_wrong_vector_size_is_refused(
    trained: tuple[ComplaintModel, random.Random], dense: object
) -> None:
    """Checks beyond the checksum: a header re-signed with another vector size."""
    data = trained[0].to_bytes()
    magic, size = struct.unpack_from("<8sI", data)
    header = json.loads(data[12 : 12 + size]) | {"dense": dense}
    raw = json.dumps(header).encode()
    body = struct.pack("<8sI", magic, len(raw)) + raw + data[12 + size : -4]
    with pytest.raises(ValueError, match="stored complaint model"):
        ComplaintModel.from_bytes(body + struct.pack("<I", zlib.crc32(body)))
