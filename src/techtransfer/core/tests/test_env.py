"""Configuration helpers: CACHE_URL, numbers."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from techtransfer.env import ConfigError, cache_config, env_float


def test_cache_defaults_to_local_memory(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert cache_config("CACHE_URL") == {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "techtransfer"}
    }
    monkeypatch.setenv("CACHE_URL", "locmem")
    assert cache_config("CACHE_URL")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_url_selects_redis(monkeypatch):
    monkeypatch.setenv("CACHE_URL", " redis://127.0.0.1:6379/3 ")
    assert cache_config("CACHE_URL") == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
            "KEY_PREFIX": "techtransfer",
        }
    }


@pytest.mark.parametrize("value", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "redis"])
def test_cache_url_refuses_what_it_cannot_use(monkeypatch, value):
    monkeypatch.setenv("CACHE_URL", value)
    with pytest.raises(ConfigError) as exc:
        cache_config("CACHE_URL")
    assert str(exc.value) == f"CACHE_URL must be empty, 'locmem' or a redis:// URL, got {value!r}"


@pytest.mark.skipif(not os.environ.get("CACHE_URL", "").startswith("redis"), reason="CACHE_URL is not a Redis URL")
def test_configured_redis_cache_is_shared_storage():
    """In the PostgreSQL lane of CI the whole suite runs with CACHE_URL=redis://…: a value written
    through Django's cache is in Redis itself, where another worker process would read it."""
    import redis

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("env-test", "共享", 30)
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = [k.decode() for k in client.keys("techtransfer:*env-test")]
    assert keys == ["techtransfer:1:env-test"]
    assert cache.get("env-test") == "共享"


def test_env_float_reads_a_number_in_range_and_refuses_the_rest(monkeypatch):
    monkeypatch.delenv("X_SHARE", raising=False)
    assert env_float("X_SHARE", 0.25, minimum=0.01, maximum=1.0) == 0.25
    monkeypatch.setenv("X_SHARE", " 0.5 ")
    assert env_float("X_SHARE", 0.25, minimum=0.01, maximum=1.0) == 0.5
    for bad in ("half", "2", "0", "nan"):
        monkeypatch.setenv("X_SHARE", bad)
        with pytest.raises(ConfigError, match="X_SHARE must be a number"):
            env_float("X_SHARE", 0.25, minimum=0.01, maximum=1.0)
