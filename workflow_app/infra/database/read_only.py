"""Pages that only read, served on PostgreSQL without a transaction around their statements.

Every request used to end with a ROLLBACK of the transaction its first statement opened, and psycopg forgets
its prepared statements on every ROLLBACK (psycopg/_connection_base.py ``_rollback_gen``: a rollback may have
undone a PREPARE). So no page's statement was ever prepared: PostgreSQL parsed and planned each one on every
visit, and each visit paid two more round trips (BEGIN, ROLLBACK). A page marked ``reads_only`` takes its
connection in autocommit: no BEGIN, no ROLLBACK, and the statements it sends on every visit are prepared after
psycopg's fifth use on that connection (``prepare_threshold``).

What it changes for the page: nothing a reader can see. Under READ COMMITTED, PostgreSQL's level here, each
statement already sees the data committed when it starts, inside a transaction or not. A page marked so must
not write anything that needs a transaction: each statement commits on its own. The one write among the marked
pages is the board's refill of a summary row found older than its plan (``board_summary.store``: one statement,
which the board committed at once before as now). ``tests/workflow_app/test_page_statements.py`` holds the
statements of the marked pages as they are usually served (SELECTs only). SQLite (the trial instance) keeps its
transactions: nothing of this applies there.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app

from workflow_app.infra.extensions import db

AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


def reads_only(view):
    """Put outermost on the view (above ``login_required``): the person's statement is the page's first."""
    @wraps(view)
    def read(*args, **kwargs):
        if _on_postgresql() and not db.session().in_transaction():
            db.session.connection(execution_options=AUTOCOMMIT)
        return view(*args, **kwargs)

    return read


def _on_postgresql() -> bool:
    flag = current_app.extensions.get("pdt_on_postgresql")
    if flag is None:
        flag = current_app.extensions["pdt_on_postgresql"] = db.engine.dialect.name == "postgresql"
    return flag
