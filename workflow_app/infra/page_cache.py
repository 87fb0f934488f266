"""Caches of built page parts, shared by the web areas: Redis when ``REDIS_URL`` is set (every worker and host
shares them; entries expire after two days), a small in-process LRU otherwise. Keys carry everything the cached
text depends on, so nothing is ever invalidated by hand (the plan page's pictures, the public entity pages).
Below them, the public pages' generation: a counter in Redis that every commit changing what they show moves."""
from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from threading import Lock
from typing import Any, Callable, Hashable

from flask import current_app, has_app_context, request
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

log = logging.getLogger(__name__)
TTL_SECONDS = 2 * 86400


class LocalCache:
    """A small in-process LRU: the cache without Redis (text), and the memo of built parts (``kept_part``)."""

    def __init__(self, size: int = 512) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size, self._lock = size, Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: Hashable, value: Any) -> None:
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


def part_key(name: str, *material) -> str:
    """A kept part's key: ``pdt:<name>:`` and a digest of everything the part shows (``material``), the release
    (its templates) and the application root (its links)."""
    shown = repr((*material, current_app.config.get("RELEASE", ""), request.script_root))
    return f"pdt:{name}:" + hashlib.sha256(shown.encode()).hexdigest()[:32]


def app_cache(name: str, size: int) -> LocalCache | RedisCache:
    """The app's cache called ``name``, made on first use."""
    cache = current_app.extensions.get(name)
    if cache is None:
        url = current_app.config.get("REDIS_URL")
        cache = current_app.extensions[name] = RedisCache(url) if url else LocalCache(size)
    return cache


# ---------------------------------------------------------------------------------------------------------------
# The public pages' generation: answered before the app does any work (web/public/front.py)
#
# Every commit that wrote something a public page may show moves one counter in Redis, after the commit; the
# copies of the public pages kept for anonymous visitors carry the counter's value read before they were built,
# so a copy is served only while nothing was written since. The writes are seen where they happen, in the
# ORM's flushes and statements of every process that shares the Redis (web workers, RQ workers, the sweep, the
# CLI), not service by service: a new write path cannot forget to move it.

GENERATION_KEY = "pdt:public:generation"
#: Tables no public page shows: a commit that wrote only these leaves the copies current.
UNSHOWN_TABLES = frozenset({"user_sessions", "access_log", "rate_limit_hits", "deliveries", "notifications",
                            "account_tokens", "api_tokens", "history_checkpoints", "history_anchors",
                            "onboarding_batches"})
_CHANGED = "public_pages_changed"


def process_memo(name: str, size: int) -> LocalCache:
    """This process's own LRU named ``name`` (never Redis): for values a key names completely, so a copy here is
    as good as a shared one."""
    memo = current_app.extensions.get(name)
    if memo is None:
        memo = current_app.extensions[name] = LocalCache(size)
    return memo


def kept_part(name: str, key: Hashable, build: Callable[[], str], size: int) -> Markup:
    """A part of a page kept in this process by a key that names all it shows: built on a miss; the ``size`` most
    recently used are kept."""
    memo = process_memo(name, size)
    kept = memo.get(key)
    if kept is None:
        kept = Markup(build())
        memo.set(key, kept)
    return kept


def public_generation(app) -> "redis.Redis | None":  # noqa: F821 - the client, when REDIS_URL is set
    """The Redis client that keeps the generation (shared by every worker and host), or None without Redis:
    then no copy is answered before the app (an in-process counter would not see other processes' writes)."""
    if "public_generation" not in app.extensions:
        url = app.config.get("REDIS_URL")
        if url:
            import redis

            app.extensions["public_generation"] = redis.Redis.from_url(url, socket_timeout=0.5,
                                                                        socket_connect_timeout=0.5)
        else:
            app.extensions["public_generation"] = None
    return app.extensions["public_generation"]


def note_public_change(session: Session, **_ignored) -> None:
    """Mark the session's transaction as changing what public pages show (also an ``act_recorded`` receiver)."""
    session.info[_CHANGED] = True


def _shown(table) -> bool:
    return getattr(table, "name", None) not in UNSHOWN_TABLES


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if session.info.get(_CHANGED):
        return
    for instance in (*session.new, *session.dirty, *session.deleted):
        if _shown(getattr(instance, "__table__", None)):
            note_public_change(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state) -> None:
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        if _shown(getattr(statement, "table", None)):
            note_public_change(state.session)
    elif isinstance(statement, TextClause) and not statement.text.lstrip().lower().startswith(("select", "with")):
        note_public_change(state.session)  # raw SQL that may write: assume it changed something


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop(_CHANGED, False) or not has_app_context():
        return
    client = public_generation(current_app._get_current_object())
    if client is None:
        return
    try:
        client.incr(GENERATION_KEY)
    except Exception as exc:  # noqa: BLE001 - the copies expire on their own (FRONT_TTL_SECONDS)
        log.warning("Redis no disponible para marcar un cambio de las páginas públicas (%s)", exc)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
