"""Issue 22: the pages marked ``reads_only`` (infra/database/read_only.py) run their statements without a transaction on
PostgreSQL, so psycopg keeps its prepared statements between visits (every ROLLBACK made it forget them) and
PostgreSQL stops parsing and planning the page's statements on every visit. Each visit here starts and ends as a
production request does: no transaction open before it, the session removed after it."""
from collections import Counter

import psycopg
import pytest
from sqlalchemy import event

from state_machines.core.roles import Role
from tests.workflow_app.helpers import login
from tests.workflow_app.story import make_plan, make_user
from workflow_app.infra.extensions import db

PASSWORD = "clave-de-prueba"


@pytest.fixture
def commands_sent(monkeypatch):
    """The transaction commands psycopg sends on its own (BEGIN before a first statement, ROLLBACK, COMMIT): they
    never pass through SQLAlchemy's cursor events."""
    sent: list[bytes] = []
    original = psycopg.Connection._exec_command

    def spy(self, command, *args, **kwargs):
        sent.append(bytes(command) if isinstance(command, (bytes, bytearray)) else command.as_bytes(self))
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "_exec_command", spy)
    return sent


def _visit(client, path: str) -> None:
    db.session.remove()  # as a new request starts: no transaction, the connection back in the pool
    assert client.get(path).status_code == 200, path
    db.session.remove()  # the request's teardown


def _signed_in_planning_secretary(client, db_session):
    plan = make_plan(db_session, "63302")
    person = make_user(db_session, "planeacion@genova.co", Role.PLANEACION, plan.entity)
    assert login(client, person.email, PASSWORD).status_code == 302
    return plan.id


def test_the_marked_pages_send_no_begin_or_rollback_and_an_unmarked_page_still_does(client, db_session, set_today,
                                                                                    commands_sent):
    set_today("2028-03-10")
    plan_id = _signed_in_planning_secretary(client, db_session)
    for path in ("/", f"/planes/{plan_id}", "/ayuda"):
        _visit(client, path)  # first visits: templates, the memberships' copy, the kept parts
    # The tests keep session records in the database: their lookup is a transaction of its own, committed
    # (infra/sessions.DatabaseStore); in production they are in Redis.
    record_lookup = [b"BEGIN", b"COMMIT"]
    for path in ("/", f"/planes/{plan_id}"):
        commands_sent.clear()
        _visit(client, path)
        assert [c.split()[0] for c in commands_sent] == record_lookup, (path, commands_sent)
    commands_sent.clear()
    _visit(client, "/ayuda")  # not marked: its statements run in a transaction, rolled back at the end (and
    #                           psycopg then drops what the connection had prepared: DEALLOCATE ALL)
    sent = [c.split()[0] for c in commands_sent if not c.startswith(b"DEALLOCATE")]
    assert sent == record_lookup + [b"BEGIN", b"ROLLBACK"], commands_sent


STATEMENTS = {  # the marked pages' statements, by what marks them
    "the person, on every page": lambda sql: "FROM users" in sql and "unread" in sql,
    "the inbox's stamp": lambda sql: "FROM plans" in sql and "survey_responses" in sql,
    "the plan's graph": lambda sql: "FROM plans" in sql and "checklist_reviews" in sql,
    "the plan page's documents": lambda sql: "FROM documents" in sql,
}


def test_the_marked_pages_statements_are_prepared_after_a_few_visits(client, db_session, set_today):
    """psycopg prepares a statement at its sixth run on one connection (``prepare_threshold`` = 5). The pool hands
    its connections out in turn, so the visits go on until each statement ran six times on one of them; on that
    connection PostgreSQL's own list of prepared statements must hold it."""
    set_today("2028-03-10")
    plan_id = _signed_in_planning_secretary(client, db_session)
    runs = Counter()  # (connection, statement) -> times run

    def note(conn, _cursor, statement, *_args):
        for name, marks in STATEMENTS.items():
            if marks(statement):
                runs[conn.connection.dbapi_connection, name] += 1

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        for _ in range(60):
            _visit(client, "/")
            _visit(client, f"/planes/{plan_id}")
            if all(any(count >= 6 for (_c, n), count in runs.items() if n == name) for name in STATEMENTS):
                break
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    listed = {}  # connection -> what PostgreSQL holds prepared on it (asked once: the ROLLBACK after it drops them)
    for raw in {raw for raw, _name in runs}:
        listed[raw] = [row[0] for row in raw.execute("SELECT statement FROM pg_prepared_statements").fetchall()]
        raw.rollback()
    checked = set()
    for (raw, name), count in runs.items():
        if count >= 6:
            assert any(STATEMENTS[name](sql) for sql in listed[raw]), (name, listed[raw])
            checked.add(name)
    assert checked == set(STATEMENTS), checked
