"""Fixed-window rate limits shared by every worker and host: Redis when REDIS_URL is set, the database otherwise.
The in-process counter is only the fallback while Redis does not answer (never the normal case of a service
with several workers)."""
from __future__ import annotations

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


class RateLimitHit(db.Model):
    """One (key, window) counter of ``DatabaseWindow``."""

    __tablename__ = "rate_limit_hits"
    bucket_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


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
        bucket = int(time.time() // window_seconds)
        bucket_key = f"{key}:{window_seconds}:{bucket}"[:255]
        now = datetime.now(timezone.utc)
        expires = now + timedelta(seconds=window_seconds * 2)
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
        bucket = int(time.time() // window_seconds)
        with self._engine().begin() as conn:
            value = conn.execute(select(RateLimitHit.count).where(
                RateLimitHit.bucket_key == f"{key}:{window_seconds}:{bucket}"[:255])).scalar()
        return int(value or 0)

    def reset(self) -> None:
        with self._engine().begin() as conn:
            conn.execute(delete(RateLimitHit))


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
    app.extensions["rate_limiter"] = RedisWindow(url) if url else DatabaseWindow(app)


def is_blocked(key: str, limit: int, window_seconds: int = 60) -> bool:
    """True when ``limit`` failures were already counted in the current window."""
    return current_app.extensions["rate_limiter"].count(key, window_seconds) >= limit


def record_failure(key: str, window_seconds: int = 60) -> None:
    current_app.extensions["rate_limiter"].hit(key, window_seconds)
