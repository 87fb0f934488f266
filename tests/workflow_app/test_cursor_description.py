"""``infra.database.description``: the application's PostgreSQL cursors describe their results as psycopg does,
with the columns made only when read (issue 22). On the real server: psycopg's own description is the reference."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from workflow_app.infra.database.description import Cursor, Description
from workflow_app.infra.extensions import db

QUERY = "SELECT 1::int AS uno, 'dos'::text AS dos, now()::date AS tres, NULL::numeric(5, 2) AS cuatro"


def _columns(description) -> list[tuple]:
    return [(c.name, c.type_code, c.display_size, c.internal_size, c.precision, c.scale, c.null_ok)
            for c in description]


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_the_description_is_psycopgs_own_made_when_read(database_url):
    with psycopg.connect(_libpq(database_url)) as plain, psycopg.connect(_libpq(database_url),
                                                                        cursor_factory=Cursor) as ours:
        expected = plain.execute(QUERY).description
        cursor = ours.execute(QUERY)
        described = cursor.description
        assert isinstance(described, Description) and described._columns is None  # nothing made yet
        assert len(described) == 4
        assert _columns(described) == _columns(expected)
        assert described[0].name == "uno" and described[-1].name == "cuatro"
        assert [c.name for c in described[1:3]] == ["dos", "tres"]
        assert described == list(described) and described != ["otra"]
        assert cursor.fetchall()[0][:2] == (1, "dos")
        # No rows to describe: None, as psycopg says.
        assert ours.execute("SET LOCAL statement_timeout = 0").description is None
        assert plain.execute("SET LOCAL statement_timeout = 0").description is None
        # A result without columns that still says it has rows (``SELECT ;``) is described, empty.
        assert len(ours.execute("SELECT").description) == 0 == len(plain.execute("SELECT").description)


def test_a_description_read_later_still_describes_its_own_result(database_url):
    with psycopg.connect(_libpq(database_url), cursor_factory=Cursor) as conn:
        cursor = conn.cursor()
        described = cursor.execute(QUERY).description
        cursor.execute("SELECT 42 AS otra")  # the cursor moves on before the columns are first asked for
        assert [c.name for c in described] == ["uno", "dos", "tres", "cuatro"]
        assert [c.name for c in cursor.description] == ["otra"]


def test_the_apps_connections_use_it_and_sqlalchemy_reads_through_it(app):
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            assert isinstance(raw.driver_connection.cursor(), Cursor)
        finally:
            raw.close()
        # A statement's first run builds SQLAlchemy's metadata from the description (it iterates the columns);
        # the next runs take the cached metadata and only ask whether it is None.
        statement = text("SELECT 7 AS siete, 'ocho' AS ocho, :n AS nueve")
        for n in (9, 10, 11):
            row = db.session.execute(statement, {"n": n}).mappings().one()
            assert dict(row) == {"siete": 7, "ocho": "ocho", "nueve": n}
        db.session.rollback()


@pytest.mark.parametrize("statement", ["UPDATE users SET name = name WHERE false", "SELECT 1 WHERE false"])
def test_sqlalchemy_tells_statements_without_rows_from_empty_results(app, statement):
    with app.app_context():
        result = db.session.execute(text(statement))
        assert result.returns_rows is statement.startswith("SELECT")
        if result.returns_rows:
            assert result.all() == []
        db.session.rollback()
