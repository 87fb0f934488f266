"""Rate limits shared by every worker and host: Redis when REDIS_URL is set, the database otherwise. The
in-process counter is only the fallback while Redis does not answer (never the normal case of a service with
several workers).

Each limit counts in fixed windows, but reads them as a sliding one (``sliding_count``): the current window's count
plus the previous window's, weighted by how much of it still lies within the last ``window_seconds``. A fixed
window alone let twice the limit through across a boundary (five failed sign-ins at 10:00:59 and five more at
10:01:00); the sliding reading lets at most about the limit through in any ``window_seconds``."""
from __future__ import annotations

import math
import random
import threading
import time
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app, has_app_context
from sqlalchemy import DateTime, Integer, String, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from workflow_app.infra.extensions import db


def _buckets(window_seconds: int, now: float | None = None) -> tuple[int, float]:
    """The current window's number and how much of it has run (0 to 1)."""
    position = (time.time() if now is None else now) / window_seconds
    return int(position), position - int(position)


def sliding_count(current: int, previous: int, elapsed: float) -> int:
    """The hits of the last window's length: the current window's, plus the previous window's share that still
    falls within it (rounded up: the reading never forgets an attempt)."""
    return current + math.ceil(previous * (1 - elapsed) - 1e-9)


class RateLimitHit(db.Model):
    """One (key, window) counter of ``DatabaseWindow``."""

    __tablename__ = "rate_limit_hits"
    bucket_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class MemoryWindow:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, dict[int, int]] = {}  # key -> {window number: count}, the last two windows

    def hit(self, key: str, window_seconds: int) -> int:
        bucket, _ = _buckets(window_seconds)
        with self._lock:
            counts = self._hits.setdefault(f"{key}:{window_seconds}", {})
            counts[bucket] = counts.get(bucket, 0) + 1
            for old in [b for b in counts if b < bucket - 1]:
                del counts[old]
            return counts[bucket]

    def count(self, key: str, window_seconds: int) -> int:
        bucket, elapsed = _buckets(window_seconds)
        with self._lock:
            counts = self._hits.get(f"{key}:{window_seconds}", {})
            return sliding_count(counts.get(bucket, 0), counts.get(bucket - 1, 0), elapsed)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class DatabaseWindow:
    """Counters in the ``rate_limit_hits`` table (PostgreSQL or SQLite), on a connection of their own so a
    failed request's rollback does not forget its failed attempt."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _engine(self):
        if has_app_context():
            return db.engine
        with self.app.app_context():
            return db.engine

    def hit(self, key: str, window_seconds: int) -> int:
        bucket, _ = _buckets(window_seconds)
        bucket_key = self._key(key, window_seconds, bucket)
        now = datetime.now(timezone.utc)
        expires = now + timedelta(seconds=window_seconds * 2)  # read while it is the current or the previous window
        with self._engine().begin() as conn:
            insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
            statement = insert(RateLimitHit).values(bucket_key=bucket_key, count=1, expires_at=expires)
            statement = statement.on_conflict_do_update(index_elements=["bucket_key"],
                                                        set_={"count": RateLimitHit.count + 1})
            count = conn.execute(statement.returning(RateLimitHit.count)).scalar_one()
            if random.random() < 0.02:  # old windows are swept now and then
                conn.execute(delete(RateLimitHit).where(RateLimitHit.expires_at < now))
        return int(count)

    def count(self, key: str, window_seconds: int) -> int:
        bucket, elapsed = _buckets(window_seconds)
        keys = {self._key(key, window_seconds, b): b for b in (bucket, bucket - 1)}
        with self._engine().begin() as conn:
            rows = conn.execute(select(RateLimitHit.bucket_key, RateLimitHit.count)
                                .where(RateLimitHit.bucket_key.in_(keys))).all()
        counts = {keys[k]: int(c) for k, c in rows}
        return sliding_count(counts.get(bucket, 0), counts.get(bucket - 1, 0), elapsed)

    @staticmethod
    def _key(key: str, window_seconds: int, bucket: int) -> str:
        # The window's number first: a long key cut at 255 characters keeps it.
        return f"{window_seconds}:{bucket}:{key}"[:255]

    def reset(self) -> None:
        with self._engine().begin() as conn:
            conn.execute(delete(RateLimitHit))


class RedisWindow:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._fallback = MemoryWindow()

    def hit(self, key: str, window_seconds: int) -> int:
        bucket, _ = _buckets(window_seconds)
        redis_key = f"pdt:ratelimit:{key}:{window_seconds}:{bucket}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(redis_key)
            pipe.expire(redis_key, 2 * window_seconds + 1)  # read while it is the current or the previous window
            return int(pipe.execute()[0])
        except Exception:  # Redis down: keep limiting, per process, rather than failing sign-in
            current_app.logger.warning("Redis no disponible; límite de intentos en memoria")
            return self._fallback.hit(key, window_seconds)

    def count(self, key: str, window_seconds: int) -> int:
        bucket, elapsed = _buckets(window_seconds)
        try:
            current, previous = self._redis.mget([f"pdt:ratelimit:{key}:{window_seconds}:{b}"
                                                  for b in (bucket, bucket - 1)])
            return sliding_count(int(current or 0), int(previous or 0), elapsed)
        except Exception:
            return self._fallback.count(key, window_seconds)

    def reset(self) -> None:
        self._fallback.reset()


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["rate_limiter"] = RedisWindow(url) if url else DatabaseWindow(app)


def is_blocked(key: str, limit: int, window_seconds: int = 60) -> bool:
    """True when ``limit`` failures were already counted in the last ``window_seconds`` (``sliding_count``)."""
    return current_app.extensions["rate_limiter"].count(key, window_seconds) >= limit


def record_failure(key: str, window_seconds: int = 60) -> None:
    current_app.extensions["rate_limiter"].hit(key, window_seconds)
