"""The trial instance (`make run`) runs on SQLite: give it the SQL functions PostgreSQL has and the pages use.

``translate(text, from, to)`` folds accents in the name search (services/public/public.folded); SQLite has no such
function, and the search answered 503 there.
"""
from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def translate(text: str | None, source: str | None, target: str | None) -> str | None:
    """PostgreSQL's translate(): each character of ``source`` becomes the one at its place in ``target``, or is
    dropped when ``target`` is shorter."""
    if text is None or source is None or target is None:
        return None
    table = {}
    for index, char in enumerate(source):
        table.setdefault(ord(char), target[index] if index < len(target) else None)
    return text.translate(table)


def _add_functions(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("translate", 3, translate, deterministic=True)


def init_app(app: Flask) -> None:
    """Every SQLite connection any engine opens gets the functions (before the first query)."""
    if not event.contains(Engine, "connect", _add_functions):
        event.listen(Engine, "connect", _add_functions)
