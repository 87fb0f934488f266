"""psycopg's ``cursor.description`` made when it is read, not at every statement (issue 22).

psycopg builds a new list of ``Column`` objects each time ``cursor.description`` is read: per column, its name
decoded, its type looked up in the connection's registry, its modifier and size read from the result. SQLAlchemy
reads the description after every statement, and when the statement's compiled form already holds the metadata
of its result (every statement after the first of its shape, in a process) it only asks whether it is ``None``
and throws the list away. The inbox's two statements bring 41 columns, the plan page's and the act's read of the
plan about as many: all built for nothing, on every page and every act (``bench.pages --profile``: 41
``Column.__init__`` per inbox request).

Here ``description`` is ``None`` exactly when psycopg's is, and otherwise a ``Description``: a sequence of the same
``Column`` objects (length, index, slice, iteration), made the first time one is asked for, from the result it was
read for even if the cursor has moved on since. The connections of the application's engine use this cursor
(``init_app``: set on each new PostgreSQL connection); nothing else changes in what they send or read.
"""
from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import psycopg
from flask import Flask
from psycopg import Column
from psycopg.pq import ExecStatus
from sqlalchemy import event

from workflow_app.infra.extensions import db

#: The statuses psycopg describes even without columns (``SELECT ;``), as its own ``description`` does.
_ROWS_STATUSES = frozenset({ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK})


class Description(Sequence):
    """The columns of one result, as psycopg describes them, made on first access."""

    __slots__ = ("_cursor", "_result", "_count", "_columns")

    def __init__(self, cursor: psycopg.Cursor, result, count: int):
        self._cursor, self._result, self._count = cursor, result, count
        self._columns: list[Column] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        columns = self._columns
        if columns is None:
            cursor = self._cursor
            # What psycopg's Column reads of a cursor, pinned to this result (the cursor may hold another by now).
            source = SimpleNamespace(pgresult=self._result, _encoding=cursor._encoding, adapters=cursor.adapters)
            columns = self._columns = [Column(source, i) for i in range(self._count)]  # type: ignore[arg-type]
            self._cursor = self._result = None
        return columns[index]

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Description):
            other = list(other)
        return list(self) == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment] # a list's equality, so unhashable as a list is

    def __repr__(self) -> str:
        return repr(list(self))


class Cursor(psycopg.Cursor):
    """psycopg's client cursor, with ``description`` made when read."""

    @property
    def description(self) -> Description | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS_STATUSES):
            return Description(self, result, result.nfields)
        return None


def init_app(app: Flask) -> None:
    """After ``db.init_app``: every new connection of a PostgreSQL engine makes its cursors with ``Cursor``."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        event.listen(engine, "connect", _use_cursor)


def _use_cursor(dbapi_connection, _record) -> None:
    dbapi_connection.cursor_factory = Cursor
