"""Fixed-window rate limits: Redis-backed when REDIS_URL is set, in-process otherwise."""
from __future__ import annotations

import threading
import time

from flask import Flask, current_app


class MemoryWindow:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, window_seconds: int) -> int:
        bucket = int(time.time() // window_seconds)
        with self._lock:
            old_bucket, count = self._hits.get(key, (bucket, 0))
            count = count + 1 if old_bucket == bucket else 1
            self._hits[key] = (bucket, count)
            return count

    def count(self, key: str, window_seconds: int) -> int:
        bucket = int(time.time() // window_seconds)
        with self._lock:
            old_bucket, count = self._hits.get(key, (bucket, 0))
            return count if old_bucket == bucket else 0

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class RedisWindow:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._fallback = MemoryWindow()

    def hit(self, key: str, window_seconds: int) -> int:
        bucket = int(time.time() // window_seconds)
        redis_key = f"pdt:ratelimit:{key}:{bucket}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(redis_key)
            pipe.expire(redis_key, window_seconds + 1)
            return int(pipe.execute()[0])
        except Exception:  # Redis down: keep limiting, per process, rather than failing sign-in
            current_app.logger.warning("Redis no disponible; límite de intentos en memoria")
            return self._fallback.hit(key, window_seconds)

    def count(self, key: str, window_seconds: int) -> int:
        bucket = int(time.time() // window_seconds)
        try:
            return int(self._redis.get(f"pdt:ratelimit:{key}:{bucket}") or 0)
        except Exception:
            return self._fallback.count(key, window_seconds)

    def reset(self) -> None:
        self._fallback.reset()


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["rate_limiter"] = RedisWindow(url) if url else MemoryWindow()


def is_blocked(key: str, limit: int, window_seconds: int = 60) -> bool:
    """True when ``limit`` failures were already counted in the current window."""
    return current_app.extensions["rate_limiter"].count(key, window_seconds) >= limit


def record_failure(key: str, window_seconds: int = 60) -> None:
    current_app.extensions["rate_limiter"].hit(key, window_seconds)
