"""The optional sentence embeddings (``listener[embeddings]``): pinned files, unit vectors
whose neighbours make sense, English only."""

from __future__ import annotations

import pytest

from listener.judging import embeddings
from listener.judging.embeddings import (
    DIMENSIONS,
    EmbeddingsUnavailable,
    SentenceEmbedder,
    reads_language,
)

needs_extra = pytest.mark.skipif(
    embeddings.unavailable_reason() is not None,
    reason=f"the embeddings extra is absent: {embeddings.unavailable_reason()}",
)


def test_only_english_or_undecided_posts_are_read() -> None:
    assert reads_language("en") and reads_language(None)
    assert not reads_language("te") and not reads_language("bn")


@needs_extra
def test_vectors_are_unit_length_and_near_in_meaning() -> None:
    import numpy as np

    vectors = SentenceEmbedder().embed(
        [
            "my parcel never arrived",
            "the delivery did not come",
            "I love this song so much",
        ]
    )
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


@needs_extra
def test_a_text_gets_the_same_vector_alone_or_in_a_batch() -> None:
    import numpy as np

    embedder = SentenceEmbedder()
    alone = embedder.embed(["the app crashes on start"])[0]
    batched = embedder.embed(["a longer text that pads the batch out", "the app crashes on start"])
    assert np.allclose(alone, batched[1], atol=1e-4)
    assert embedder.embed([]).shape == (0, DIMENSIONS)


@needs_extra
def test_a_file_other_than_the_pinned_one_is_refused() -> None:
    model = embeddings._package_file(embeddings.MODEL_PACKAGE, embeddings.MODEL_FILE)
    assert model is not None
    with pytest.raises(EmbeddingsUnavailable, match="not the pinned"):
        embeddings._verified(embeddings.MODEL_PACKAGE, embeddings.MODEL_FILE, "0" * 64)
    # The real file passes its own pin.
    assert (
        embeddings._verified(
            embeddings.MODEL_PACKAGE, embeddings.MODEL_FILE, embeddings.MODEL_SHA256
        )
        == model
    )
