"""Caches of built page parts, shared by the web areas: Redis when ``REDIS_URL`` is set (every worker and host
shares them; entries expire after two days), a small in-process LRU otherwise. Keys carry everything the cached
text depends on, so nothing is ever invalidated by hand (the plan page's pictures, the public entity pages)."""
from __future__ import annotations

import logging
from collections import OrderedDict
from threading import Lock

from flask import current_app

log = logging.getLogger(__name__)
TTL_SECONDS = 2 * 86400


class LocalCache:
    def __init__(self, size: int = 512) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._size, self._lock = size, Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class RedisCache:
    """Redis down: every call answers as a miss, and the page is built as without a cache."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> str | None:
        try:
            value = self._redis.get(key)
        except Exception as exc:  # noqa: BLE001
            log.warning("Redis no disponible para la caché de páginas (%s)", exc)
            return None
        return value.decode() if value is not None else None

    def set(self, key: str, value: str) -> None:
        try:
            self._redis.set(key, value, ex=TTL_SECONDS)
        except Exception as exc:  # noqa: BLE001
            log.warning("Redis no disponible para la caché de páginas (%s)", exc)


def app_cache(name: str, size: int) -> LocalCache | RedisCache:
    """The app's cache called ``name``, made on first use."""
    cache = current_app.extensions.get(name)
    if cache is None:
        url = current_app.config.get("REDIS_URL")
        cache = current_app.extensions[name] = RedisCache(url) if url else LocalCache(size)
    return cache
