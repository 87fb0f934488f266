"""Background jobs: RQ on Redis when REDIS_URL is set, an in-process worker thread otherwise.

Jobs take ids, never objects, and are enqueued only after the database commit that created their rows
(transactional outbox): a rolled-back change never sends anything, and a job lost because Redis was down is
re-enqueued by the sweep from the rows still pending.
"""
from __future__ import annotations

import importlib
import logging
import queue
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from workflow_app.infra.extensions import db

log = logging.getLogger(__name__)
QUEUE_NAME = "pdt"
PENDING_KEY = "pdt_jobs_after_commit"


#: The advisory-lock namespaces of the long jobs that hold one while they run (``running_alone``).
LOCK_KINDS = {"period_opening": 1, "onboarding": 2}
_TRY_LOCK = text("SELECT pg_try_advisory_lock(:k, :i)")
_UNLOCK = text("SELECT pg_advisory_unlock(:k, :i)")
#: A row «queued» this long with no job holding it lost its job (Redis emptied, say): the sweep queues it again.
STALLED_QUEUED = timedelta(minutes=15)


@contextmanager
def running_alone(kind: str, row_id: int) -> Iterator[bool]:
    """Hold PostgreSQL's advisory lock (``kind``, ``row_id``) on a connection of its own while the job runs: yields
    False when another job holds it. The server frees it when the job's process dies (kill -9 included), so a free
    lock on a row still «running» means its job is gone (``job_is_gone``), and a retry or the sweep's re-queue can
    never run beside a live one. SQLite (the trial, one in-process worker): always True."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = {"k": LOCK_KINDS[kind], "i": row_id}
    with db.engine.connect() as conn:
        got = conn.execute(_TRY_LOCK, key).scalar()
        conn.commit()
        try:
            yield bool(got)
        finally:
            if got:
                conn.execute(_UNLOCK, key)
                conn.commit()


def job_is_gone(kind: str, row_id: int) -> bool:
    """Whether no job holds the row's lock now (PostgreSQL; on SQLite never: the in-process runner does not lose a
    job without losing the process)."""
    if db.engine.dialect.name != "postgresql":
        return False
    key = {"k": LOCK_KINDS[kind], "i": row_id}
    with db.engine.connect() as conn:
        free = conn.execute(_TRY_LOCK, key).scalar()
        if free:
            conn.execute(_UNLOCK, key)
        conn.commit()
    return bool(free)


def requeue_gone(kind: str, func_path: str, rows: Iterable[tuple[int, str, datetime]], now: datetime) -> int:
    """Queue ``func_path(id)`` again for the rows (id, status, since) whose job is gone: «running» with no job
    holding its lock (its worker was killed), or «queued» since ``STALLED_QUEUED`` with none. A second job for a
    live row finds its lock and leaves (``running_alone``). Returns how many were queued."""
    gone = [row_id for row_id, status, since in rows
            if (status == "running" or _aware(since) <= now - STALLED_QUEUED) and job_is_gone(kind, row_id)]
    submit_all([(func_path, (row_id,)) for row_id in gone])
    return len(gone)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite returns naive UTC


def enqueue_after_commit(session: Session, func_path: str, *args: Any) -> None:
    """Queue ``func_path(*args)`` to run once ``session`` commits (dropped on rollback)."""
    session.info.setdefault(PENDING_KEY, []).append((func_path, args))


#: func_path -> (batch func_path, batch size): see ``register_batch``.
_BATCHES: dict[str, tuple[str, int]] = {}


def register_batch(func_path: str, batch_path: str, size: int) -> None:
    """Single-id jobs ``func_path(id)`` submitted together go out as ``batch_path([id, …])``, ``size`` ids per
    job: one commit that tells 2,000 people enqueues 40 jobs, not 2,000."""
    _BATCHES[func_path] = (batch_path, size)


def fold(pending: list[tuple[str, tuple]]) -> list[tuple[str, tuple]]:
    """The jobs to submit for ``pending``, with registered single-id jobs folded into batches (order kept
    within each kind; a lone id stays a single job)."""
    out: list[tuple[str, tuple]] = []
    groups: dict[str, list] = {}
    for func_path, args in pending:
        if func_path in _BATCHES and len(args) == 1:
            groups.setdefault(func_path, []).append(args[0])
        else:
            out.append((func_path, args))
    for func_path, ids in groups.items():
        batch_path, size = _BATCHES[func_path]
        if len(ids) == 1:
            out.append((func_path, (ids[0],)))
            continue
        out.extend((batch_path, (ids[i:i + size],)) for i in range(0, len(ids), size))
    return out


def submit_all(pending: list[tuple[str, tuple]]) -> None:
    """Submit ``pending`` (folded into batches) to this app's runner."""
    jobs = runner()
    for func_path, args in fold(pending):
        jobs.submit(func_path, args)


def resolve(func_path: str):
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


class EmbeddedRunner:
    """One daemon thread running jobs in order inside an app context (make run, no Redis)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, func_path: str, args: tuple) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="pdt-jobs", daemon=True)
                self._thread.start()
        self.queue.put((func_path, args))

    def _loop(self) -> None:
        while True:
            func_path, args = self.queue.get()
            try:
                with self.app.app_context():
                    resolve(func_path)(*args)
            except Exception:  # the row stays pending; the sweep retries it
                log.exception("Trabajo en segundo plano falló: %s%r", func_path, args)
            finally:
                self.queue.task_done()

    def join(self) -> None:
        self.queue.join()


class RQRunner:
    def __init__(self, redis_url: str) -> None:
        from redis import Redis

        self.connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)

    def submit(self, func_path: str, args: tuple) -> None:
        from rq import Queue, Retry

        try:
            Queue(QUEUE_NAME, connection=self.connection).enqueue(
                func_path, *args, retry=Retry(max=5, interval=[10, 30, 60, 300, 900]),
                job_timeout=600 if _is_batch(func_path) else 120,
            )
        except Exception as exc:  # Redis down: the committed rows stay pending for the sweep
            log.warning("No se pudo encolar %s (%s); quedará para el barrido", func_path, exc)


def _is_batch(func_path: str) -> bool:
    return any(batch_path == func_path for batch_path, _ in _BATCHES.values()) or func_path in _LONG


#: Single jobs that may run for minutes (a people file of thousands of rows): the batches' time limit.
_LONG: set[str] = set()


def register_long(func_path: str) -> None:
    _LONG.add(func_path)


def runner() -> EmbeddedRunner | RQRunner:
    return current_app.extensions["job_runner"]


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["job_runner"] = RQRunner(url) if url else EmbeddedRunner(app)
    _listen_once()


_listening = False


def _listen_once() -> None:
    """Session events are global: register them once and route each commit to its app's runner."""
    global _listening
    if _listening:
        return
    @event.listens_for(db.session, "after_commit")
    def _submit_pending(session):  # noqa: ANN001 - SQLAlchemy event signature
        if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is still to come
            return
        pending = session.info.pop(PENDING_KEY, [])
        if pending:
            submit_all(pending)

    @event.listens_for(db.session, "after_rollback")
    def _drop_pending(session):  # noqa: ANN001
        if session.in_nested_transaction():  # a SAVEPOINT rolled back: the outer transaction's jobs stand
            return
        session.info.pop(PENDING_KEY, None)

    _listening = True
