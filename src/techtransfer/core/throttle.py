"""Counting failed attempts (passwords, access tokens) per key in the shared cache, to stop guessing.

A fixed window per key: the first failure starts it, and the count is forgotten when it ends. The cache
is Redis in production (`CACHE_URL`), so every worker process counts the same attempts; with the local
memory cache each process counts its own.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def key(kind: str, value: str) -> str:
    """A cache key for `value` (a user name, an address) that does not spell it out."""
    return f"throttle:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def failures(cache_key: str) -> int:
    return int(cache.get(cache_key, 0))


def fail(cache_key: str, window_seconds: int) -> int:
    """Count one failure under `cache_key`; the count after it."""
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # the window ended between add and incr: this failure starts a new one
        cache.set(cache_key, 1, timeout=window_seconds)
        return 1


def forget(cache_key: str) -> None:
    cache.delete(cache_key)
