"""A pooled PostgreSQL connection is asked whether it is alive only when it rested in the pool (issue 22).

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` at every checkout: one round trip more on every page and every
act, the costliest statement of the inbox under load (py-spy on the gunicorn workers in ``bench.http``, 7 December
2026: 22 % of the request's samples), to find out what only a connection that waited can have lost (a restart or a
failover of PostgreSQL, a firewall's idle cut). A connection checked in less than ``DATABASE_PING_AFTER_IDLE_SECONDS``
(default 1 s) ago was answering a moment ago and is used at once; one that rested longer is pinged first, and if
the ping fails SQLAlchemy is told (``DisconnectionError``), which drops it and checks out a fresh one, as the
pre-ping did. A connection just opened is not pinged.

What it changes: after a restart of PostgreSQL that lasts less than the threshold, a connection used just before it
fails the request that takes it (a clean Spanish 503, ``infra.errors``, nothing written), and that first failure
makes SQLAlchemy discard every older connection of the pool. A restart longer than the threshold (PostgreSQL's
takes seconds) is invisible once it is over, as before: ``tests/faults/test_database_restart.py``. An operator who
wants every checkout pinged sets ``pool_pre_ping`` in ``SQLALCHEMY_ENGINE_OPTIONS`` (then nothing is added here)
or the threshold to 0. SQLite (the trial instance) is a file: nothing to ping.
"""
from __future__ import annotations

import time
from functools import partial

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

from workflow_app.infra.extensions import db

DEFAULT_PING_AFTER_IDLE_SECONDS = 1.0
_CHECKED_IN = "pdt_checked_in_at"


def init_app(app: Flask) -> None:
    """After ``db.init_app``: on a PostgreSQL engine without ``pool_pre_ping``, ping only rested connections."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql" or (app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("pool_pre_ping"):
        return
    seconds = app.config.get("DATABASE_PING_AFTER_IDLE_SECONDS")
    seconds = DEFAULT_PING_AFTER_IDLE_SECONDS if seconds is None else float(seconds)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", partial(_ping_if_rested, engine.dialect, seconds))


def _note_checkin(_dbapi_connection, record) -> None:
    if record is not None:
        record.info[_CHECKED_IN] = time.monotonic()


def _ping_if_rested(dialect, seconds: float, dbapi_connection, record, _proxy) -> None:
    checked_in = record.info.get(_CHECKED_IN)
    if checked_in is None or time.monotonic() - checked_in < seconds:
        return  # just opened, or answering a moment ago
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        raise DisconnectionError("La conexión con PostgreSQL no respondió tras reposar en el grupo") from exc
