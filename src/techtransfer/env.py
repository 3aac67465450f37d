"""Typed helpers that read configuration from environment variables and fail loudly.

Every variable read here is listed in `.env.example` with a comment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

_N = TypeVar("_N", int, float)


class ConfigError(RuntimeError):
    """A configuration variable has a value the platform cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {raw!r}")


def _number(name: str, convert: Callable[[str], _N], kind: str) -> tuple[_N, str] | None:
    """The variable converted, with its raw text; None when it is unset or empty."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return convert(raw), raw
    except ValueError as exc:
        raise ConfigError(f"{name} must be {kind}, got {raw!r}") from exc


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    found = _number(name, int, "an integer")
    if found is None:
        return default
    value, _raw = found
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None, maximum: float | None = None) -> float:
    found = _number(name, float, "a number")
    if found is None:
        return default
    value, raw = found
    if value != value or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigError(f"{name} must be a number from {minimum} to {maximum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def cache_config(name: str, default: str = "") -> dict[str, dict[str, object]]:
    """Django's CACHES from a URL: empty or "locmem" → a cache per process (the default);
    redis://host:port/db (or rediss://, unix://) → one Redis shared by every worker process.

    Several web workers each keep their own local-memory cache, so a cached search page or export
    is computed once per worker; a shared Redis computes it once for all of them.
    """
    url = os.environ.get(name, default).strip()
    if url in ("", "locmem"):
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "techtransfer"}}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "techtransfer",
            }
        }
    raise ConfigError(f"{name} must be empty, 'locmem' or a redis:// URL, got {url!r}")
