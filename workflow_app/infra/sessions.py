"""Server-side session records, shared by every worker and host: Redis when ``REDIS_URL`` is set, the database
otherwise (and whenever Redis does not answer). Never per process.

The signed cookie only carries a random session id; the record says whose session it is and when it was last
used. Ending a session deletes its record, so a copied cookie stops working at once on every host. Only the
SHA-256 of the id is stored: whoever reads the store cannot take over a session.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app
from sqlalchemy import DateTime, ForeignKey, String, delete, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from workflow_app.infra.extensions import db

log = logging.getLogger(__name__)
#: A record's last use is written at most this often (a page load does not write to the store every time).
TOUCH_EVERY = timedelta(seconds=60)


class ServerSession(db.Model):
    __tablename__ = "user_sessions"
    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class SessionRecord:
    user_id: int
    created_at: datetime  # aware, UTC


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite returns naive UTC


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class DatabaseStore:
    """Records in the ``user_sessions`` table, written on a connection of their own (never the request's
    transaction: a page that fails and rolls back does not take the sign-in with it)."""

    def create(self, user_id: int) -> str:
        sid, now = secrets.token_urlsafe(32), _now()
        with db.engine.begin() as conn:
            conn.execute(insert(ServerSession).values(id_sha256=_digest(sid), user_id=user_id, created_at=now,
                                                      last_seen_at=now))
        return sid

    def lookup(self, sid: str, idle: timedelta) -> SessionRecord | None:
        key, now = _digest(sid), _now()
        with db.engine.begin() as conn:
            row = conn.execute(select(ServerSession.user_id, ServerSession.created_at, ServerSession.last_seen_at)
                               .where(ServerSession.id_sha256 == key)).first()
            if row is None:
                return None
            if _aware(row.last_seen_at) + idle < now:
                conn.execute(delete(ServerSession).where(ServerSession.id_sha256 == key))
                return None
            if _aware(row.last_seen_at) + TOUCH_EVERY < now:
                conn.execute(update(ServerSession).where(ServerSession.id_sha256 == key).values(last_seen_at=now))
        return SessionRecord(row.user_id, _aware(row.created_at))

    def delete(self, sid: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(ServerSession).where(ServerSession.id_sha256 == _digest(sid)))

    def delete_user(self, user_id: int) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(ServerSession).where(ServerSession.user_id == user_id))

    def count_user(self, user_id: int) -> int:
        with db.engine.begin() as conn:
            return len(conn.execute(select(ServerSession.id_sha256).where(ServerSession.user_id == user_id)).all())


class RedisStore:
    """Records as Redis keys that expire after the idle timeout, with the database as the fallback: a session
    opened while Redis was down lives in the database, and every lookup that Redis cannot answer goes there."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.fallback = DatabaseStore()

    @staticmethod
    def _key(sid_sha: str) -> str:
        return f"pdt:session:{sid_sha}"

    @staticmethod
    def _user_key(user_id: int) -> str:
        return f"pdt:user-sessions:{user_id}"

    def create(self, user_id: int) -> str:
        sid = secrets.token_urlsafe(32)
        key = _digest(sid)
        idle = idle_timeout()
        try:
            pipe = self._redis.pipeline()
            pipe.hset(self._key(key), mapping={"user_id": user_id, "created_at": _now().timestamp()})
            pipe.expire(self._key(key), int(idle.total_seconds()))
            pipe.sadd(self._user_key(user_id), key)
            pipe.expire(self._user_key(user_id), int(idle.total_seconds()) + 86400)
            pipe.execute()
            return sid
        except Exception as exc:  # noqa: BLE001 - Redis down: the database keeps sign-in working
            log.warning("Redis no disponible para sesiones (%s); la sesión queda en la base de datos", exc)
            return self.fallback.create(user_id)

    def lookup(self, sid: str, idle: timedelta) -> SessionRecord | None:
        key = _digest(sid)
        try:
            pipe = self._redis.pipeline()
            pipe.hgetall(self._key(key))
            pipe.expire(self._key(key), int(idle.total_seconds()))
            data = pipe.execute()[0]
        except Exception:  # noqa: BLE001
            return self.fallback.lookup(sid, idle)
        if not data:
            return self.fallback.lookup(sid, idle)
        created = datetime.fromtimestamp(float(data[b"created_at"]), timezone.utc)
        return SessionRecord(int(data[b"user_id"]), created)

    def delete(self, sid: str) -> bool:
        """False when Redis could not be told (the caller then ends every session of the person)."""
        self.fallback.delete(sid)
        try:
            self._redis.delete(self._key(_digest(sid)))
            return True
        except Exception as exc:  # noqa: BLE001
            log.warning("Redis no disponible al cerrar una sesión (%s)", exc)
            return False

    def delete_user(self, user_id: int) -> None:
        self.fallback.delete_user(user_id)
        try:
            keys = self._redis.smembers(self._user_key(user_id))
            pipe = self._redis.pipeline()
            for key in keys:
                pipe.delete(self._key(key.decode()))
            pipe.delete(self._user_key(user_id))
            pipe.execute()
        except Exception as exc:  # noqa: BLE001 - users.sessions_valid_after still ends them
            log.warning("Redis no disponible al cerrar las sesiones de la cuenta %s (%s)", user_id, exc)

    def count_user(self, user_id: int) -> int:
        try:
            keys = self._redis.smembers(self._user_key(user_id))
            alive = sum(1 for key in keys if self._redis.exists(self._key(key.decode())))
        except Exception:  # noqa: BLE001
            alive = 0
        return alive + self.fallback.count_user(user_id)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["session_store"] = RedisStore(url) if url else DatabaseStore()


def store() -> DatabaseStore | RedisStore:
    return current_app.extensions["session_store"]


def idle_timeout() -> timedelta:
    minutes = current_app.config.get("SESSION_IDLE_MINUTES")
    return timedelta(minutes=480 if minutes is None else int(minutes))


def open_session(user_id: int) -> str:
    return store().create(user_id)


def find_session(sid: str) -> SessionRecord | None:
    return store().lookup(sid, idle_timeout())


def end_session(sid: str) -> bool:
    """End one session; False if a copy of it might survive somewhere (Redis unreachable)."""
    result = store().delete(sid)
    return result is not False


def end_all_sessions(user_id: int) -> None:
    store().delete_user(user_id)
