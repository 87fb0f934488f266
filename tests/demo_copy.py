"""The demo data (`ensure_demo_data`) for the tests that start from it, built once per test process and clock.

`ensure_demo_data` walks five plans through some sixty acts, their documents, notices and Phase II procedures:
a few seconds of this process's and PostgreSQL's work, and about a hundred tests start from it. `demo_data()`
runs the real function the first time a process needs it on a clean database (per simulated day, evidence store,
mail settings and password hashing), then keeps a copy of what it wrote: every row of the tables the per-test
cleanup empties (`COPY … TO` in PostgreSQL's binary format), their sequences, the entities' editable settings it
set and the evidence files it stored. The next test on a clean database gets that copy back (`COPY … FROM`, with
the same triggers off as the cleanup), the same rows the function would write again, in a fraction of the time.

Anything else (a database that is not clean, an RQ runner, SQLite) runs the real function. The tests of the
function itself (idempotence, the trial instance, `flask pdt demo`) call it directly.
"""
from __future__ import annotations

from pathlib import Path

from tests.conftest import emptied_sequences, emptied_tables

_COPIES: dict[tuple, "Snapshot"] = {}
_EDITABLE = "nonworking_weekdays <> '5,6' OR fiscal_category IS NOT NULL OR executive_title IS NOT NULL"


class Snapshot:
    """What a run wrote: the emptied tables' rows (binary COPY), their sequences, the entities' editable settings
    and the evidence files it stored (tests/walk_copy.py keeps its walks the same way)."""

    def __init__(self, tables: dict[str, bytes], sequences: list[tuple[str, int, bool]],
                 entities: list[tuple], files: dict[str, bytes], accounts: list | None = None):
        self.tables, self.sequences, self.entities, self.files, self.accounts = (
            tables, sequences, entities, files, accounts)


def take_snapshot(session, tables: list[str], uploads: Path, before: set, accounts: list | None = None) -> Snapshot:
    """The rows of ``tables`` as committed now, their sequences, the edited entities and the files stored in
    ``uploads`` since ``before`` (the folder's content when the run began)."""
    session.commit()
    raw = session.connection().connection.driver_connection
    copied = {}
    with raw.cursor() as cursor:
        for table in tables:
            if cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
                with cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as out:
                    copied[table] = b"".join(bytes(block) for block in out)
        sequences = [(name, *cursor.execute(f"SELECT last_value, is_called FROM {name}").fetchone())
                     for name in emptied_sequences(session)]
        entities = cursor.execute("SELECT id, nonworking_weekdays, fiscal_category, executive_title "
                                  f"FROM entities WHERE {_EDITABLE}").fetchall()
    session.commit()
    files = {p.name: p.read_bytes() for p in (set(uploads.iterdir()) if uploads.is_dir() else set()) - before}
    return Snapshot(copied, sequences, entities, files, accounts)


def put_back(session, snapshot: Snapshot, uploads: Path, clear: list[str] | None = None) -> None:
    """``snapshot``'s rows, sequences, entity settings and files back, with the same triggers off as the cleanup;
    ``clear``: tables to empty first (and the entities' settings reset), for a database that is not clean."""
    from sqlalchemy import text

    session.commit()
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # as the cleanup: no triggers, any order
        if clear:
            cursor.execute(f"LOCK TABLE {', '.join(clear)} IN EXCLUSIVE MODE")
            for table in clear:
                cursor.execute(f"DELETE FROM {table}")
        for table, data in snapshot.tables.items():
            with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as into:
                into.write(data)
        for name, value, called in snapshot.sequences:
            cursor.execute("SELECT setval(%s, %s, %s)", (name, value, called))
        if clear:
            cursor.execute("UPDATE entities SET nonworking_weekdays = '5,6', fiscal_category = NULL, "
                           f"executive_title = NULL WHERE {_EDITABLE}")
        for row in snapshot.entities:
            cursor.execute("UPDATE entities SET nonworking_weekdays = %s, fiscal_category = %s, executive_title = %s "
                           "WHERE id = %s", (*row[1:], row[0]))
    # Through the ORM, as a raw write: processes that keep reference rows read them again, public copies move on.
    session.execute(text("UPDATE reference_version SET version = version + 1"))
    session.commit()
    session.expire_all()
    uploads.mkdir(parents=True, exist_ok=True)
    for name, content in snapshot.files.items():
        if not (uploads / name).exists():
            (uploads / name).write_bytes(content)


def _key(app) -> tuple | None:
    from workflow_app.models import User

    runner = app.extensions["job_runner"]
    if not hasattr(runner, "join") or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return None
    config = tuple(app.config.get(k) for k in ("EVIDENCE_STORE", "SMTP_HOST", "SMTP_PORT", "PDT_MAIL_DIR",
                                                "UPLOAD_DIR", "HISTORY_KEY"))
    return (app.extensions["clock"].today(), User.password_hash_method, *config)


def _is_clean(session, tables: list[str]) -> bool:
    from sqlalchemy import text

    written = " OR ".join(f"EXISTS (SELECT 1 FROM {t})" for t in tables)
    return not session.execute(text(f"SELECT ({written}) OR EXISTS (SELECT 1 FROM entities WHERE {_EDITABLE})"
                                    )).scalar()


def demo_data() -> list:
    """`ensure_demo_data()`'s result and rows, copied back after its first run in this process (see above)."""
    from flask import current_app

    from workflow_app.infra.extensions import db
    from workflow_app.services.cycle.demo import ensure_demo_data

    app = current_app._get_current_object()
    key = _key(app)
    session = db.session
    tables = emptied_tables(session) if key else []
    if key is None or not _is_clean(session, tables):
        return ensure_demo_data()
    copy = _COPIES.get(key)
    uploads = Path(app.config["UPLOAD_DIR"])
    if copy is None:
        before = set(uploads.iterdir()) if uploads.is_dir() else set()
        accounts = ensure_demo_data()
        app.extensions["job_runner"].join()  # its notices delivered (or failed) before the copy is taken
        _COPIES[key] = take_snapshot(session, tables, uploads, before, accounts)
        return accounts
    put_back(session, copy, uploads)
    return list(copy.accounts)
