"""Search backends behind one interface (`base.SearchBackend`)."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from techtransfer.search.backends.base import SearchBackend

_lock = threading.Lock()
_backends: dict[Path, SearchBackend] = {}


def get_backend(path: Path | None = None) -> SearchBackend:
    """The process-wide backend for the index at `path` (settings.SEARCH_INDEX_DIR by default)."""
    from techtransfer.search.backends.hybrid import HybridBackend
    from techtransfer.search.registry import types
    from techtransfer.search.semantic.deep import DeepVectors, get_contextual_encoder
    from techtransfer.search.semantic.store import DatabaseSync

    where = Path(path or settings.SEARCH_INDEX_DIR)
    with _lock:
        backend = _backends.get(where)
        if backend is None:
            deep_encoder = get_contextual_encoder()
            backend = _backends[where] = HybridBackend(
                where,
                list(types().values()),
                sync=DatabaseSync(),
                hnsw_threshold=getattr(settings, "SEARCH_HNSW_THRESHOLD", None),
                deep_vectors=DeepVectors() if deep_encoder is not None else None,
                deep_encoder=deep_encoder,
            )
        return backend


def reset_backends() -> None:
    """Forget the open indexes (tests point SEARCH_INDEX_DIR somewhere new)."""
    with _lock:
        _backends.clear()
