"""The walks of `tests/workflow_app/story.walk_to`, taken once per test process and copied back, as
tests/demo_copy.py does for the demo data.

About 165 tests walk a fresh plan through the route (up to twenty acts, each with its evidence, history seal,
notices and summary row) before testing what comes next, and most walk the same plan to the same state from the
same start. `walked(cast, stop, walk)` runs the real walk the first time a process meets a start and a stop, then
keeps what it wrote: every row of the tables the per-test cleanup empties (`COPY … TO`, binary), their sequences,
the entities' editable settings and the evidence files it stored. The next test that reaches the same walk from
the same start gets those rows back (`COPY … FROM`, with the same triggers off as the cleanup) instead of the acts.

The start is the database's content when the walk begins: every row of those tables, read in one query, without
the values that differ from one run to the next and that no act reads to decide anything (timestamps, random
tokens, password hashes, hashes of the sealed history, which seal those timestamps, and random storage names).
Two starts that differ in anything else are different walks. The copy holds those values as the first walk
wrote them, which is what a walk on another day of the same run would have written too.

The rest runs the real walk: a walk that resumes an earlier one (the plan has left "elected"), a walk while the
test listens to the statements sent (it counts the acts' own), SQLite, an RQ runner, mail to an SMTP server or a folder of the test's own (the
messages go out again only if the acts run again), and any other simulated day, evidence store, upload folder,
history key or password hashing than the first walk's (tests/demo_copy.py `_key`).
"""
from __future__ import annotations

from pathlib import Path

from tests.conftest import emptied_tables
from tests.demo_copy import _EDITABLE, Snapshot, _key, put_back, take_snapshot

_WALKS: dict[tuple, Snapshot] = {}
_START_SQL: list[str] = []
#: Columns left out of a start's description (with every timestamp): what differs between two runs of the same steps.
_VARYING = {"ical_token", "password_hash", "salt", "token_sha256", "storage_name", "row_hash", "prev_hash", "row_mac",
            "history_head", "head", "mac"}


def _start_sql(session, tables: list[str]) -> str:
    """One statement describing every row of the emptied tables (and the edited entities), in a stable order."""
    from sqlalchemy import text

    if not _START_SQL:
        varying: dict[str, list[str]] = {}
        for table, column, kind in session.execute(text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ANY(:names)"), {"names": tables}):
            if kind.startswith("timestamp") or column in _VARYING:
                varying.setdefault(table, []).append(column)
        parts = []
        for table in tables:
            dropped = "".join(f" - '{column}'" for column in sorted(varying.get(table, [])))
            parts.append(f"(SELECT string_agg(r, ',' ORDER BY r) FROM (SELECT (to_jsonb(t){dropped})::text AS r "
                         f"FROM {table} t) s)")
        parts.append(f"(SELECT string_agg(to_jsonb(e)::text, ',' ORDER BY e.id) FROM (SELECT id, nonworking_weekdays, "
                     f"fiscal_category, executive_title FROM entities WHERE {_EDITABLE}) e)")
        _START_SQL.append("SELECT " + ", ".join(parts))
    return _START_SQL[0]


def walked(cast, stop: str, walk) -> None:
    """``walk()`` (which brings ``cast.plan`` to ``stop``), or the copy of its first run from the same start."""
    from flask import current_app
    from sqlalchemy import text

    app = current_app._get_current_object()
    key = _key(app)
    session = cast.session
    session.commit()
    engine = session.get_bind()
    watched = len(engine.dispatch.before_cursor_execute) + len(engine.dispatch.after_cursor_execute)
    session.refresh(cast.plan)
    if key is None or watched or cast.plan.state != "elected" or stop == "elected":
        walk()  # a test that counts the walk's statements, or a walk that resumes an earlier one: the real acts
        return
    tables = emptied_tables(session)
    start = tuple(session.execute(text(_start_sql(session, tables))).one())
    key = (*key, stop, start)
    copy = _WALKS.get(key)
    uploads = Path(app.config["UPLOAD_DIR"])
    if copy is None:
        before = set(uploads.iterdir()) if uploads.is_dir() else set()
        walk()
        app.extensions["job_runner"].join()  # its notices delivered (or failed) before the copy is taken
        _WALKS[key] = take_snapshot(session, tables, uploads, before)
        return
    put_back(session, copy, uploads, clear=tables)
