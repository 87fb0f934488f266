"""Issue 19 (insiders): the database role the service runs as cannot rewrite the record. On real PostgreSQL: a
runtime role made as the README says cannot TRUNCATE, disable or drop a trigger, or delete history; TRUNCATE is
refused by trigger even to the owner; and deleting the last act (as an owner, moving the plan's head back) is
reported by `pdt verify-history` through the heads anchored at every act."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.workflow_app.story import Cast, make_plan, walk_to
from workflow_app.infra.extensions import db
from workflow_app.models import HistoryHead, PlanEvent
from workflow_app.services.integrity.database_roles import grant_runtime_role, runtime_role_problems


@pytest.fixture
def walked(db_session, set_today):
    set_today("2028-03-10")
    cast = Cast(db_session, make_plan(db_session, "63302"))
    walk_to(cast, "submitted_to_ctp")
    return cast


@pytest.fixture
def runtime_engine(app, db_session, database_url):
    """A role created as the README's production section does, granted by `pdt grant-runtime-role`."""
    name = f"pdt_rt_{uuid.uuid4().hex[:10]}"
    db_session.execute(text(f"CREATE ROLE {name} LOGIN"))
    db_session.commit()
    with db.engine.begin() as connection:
        assert grant_runtime_role(connection, name) > 20
    engine = create_engine(make_url(database_url).set(username=name))
    yield engine
    engine.dispose()
    db_session.rollback()
    db_session.execute(text(f"DROP OWNED BY {name}"))
    db_session.execute(text(f"DROP ROLE {name}"))
    db_session.commit()


def refused(engine, sql: str) -> str:
    with engine.connect() as connection:
        with pytest.raises(DBAPIError) as caught:
            connection.execute(text(sql))
        connection.rollback()
    return str(caught.value.orig)


def test_the_runtime_role_cannot_truncate_disable_a_trigger_or_delete_history(walked, runtime_engine):
    for table in ("plan_events", "access_log", "history_checkpoints", "history_heads", "people_log"):
        assert "permission denied" in refused(runtime_engine, f"TRUNCATE {table}")
    assert "must be owner" in refused(runtime_engine,
                                      "ALTER TABLE plan_events DISABLE TRIGGER plan_events_append_only")
    assert "must be owner" in refused(runtime_engine, "ALTER TABLE access_log DISABLE TRIGGER ALL")
    assert "must be owner" in refused(runtime_engine, "DROP TRIGGER plan_events_append_only ON plan_events")
    assert "must be owner" in refused(runtime_engine, "ALTER TABLE plans ADD COLUMN x integer")
    assert "permission denied" in refused(runtime_engine, "CREATE TABLE pdt_shadow (id integer)")
    assert "permission denied" in refused(runtime_engine, "DELETE FROM plan_events")
    assert "permission denied" in refused(runtime_engine, "UPDATE history_heads SET head = 'x'")
    with runtime_engine.begin() as connection:  # what the service needs still works
        assert connection.scalar(text("SELECT count(*) FROM plan_events")) > 0
        connection.execute(text("UPDATE plans SET updated_at = updated_at"))
        connection.execute(text("INSERT INTO access_log (occurred_at, action, detail) "
                                "VALUES (now(), 'board_export', 'prueba')"))
        assert runtime_role_problems(connection) == []


def test_truncate_is_refused_by_trigger_even_to_the_owner(db_session, walked):
    for table in ("plan_events", "access_log", "history_heads", "people_log"):
        with pytest.raises(DBAPIError, match="no se puede vaciar"):
            db_session.execute(text(f"TRUNCATE {table} CASCADE"))
        db_session.rollback()


def test_the_owner_connection_is_reported_as_able_to_rewrite_the_record(db_session):
    with db.engine.connect() as connection:
        problems = runtime_role_problems(connection)
    assert any("superusuario" in p for p in problems) and any("dueño" in p for p in problems)


def test_deleting_the_last_act_and_moving_the_head_back_is_reported(app, db_session, walked):
    plan_id = walked.plan.id
    events = db_session.scalars(select(PlanEvent).where(PlanEvent.plan_id == plan_id).order_by(PlanEvent.id)).all()
    anchored = db_session.scalars(select(HistoryHead.head).where(HistoryHead.plan_id == plan_id)
                                  .order_by(HistoryHead.id)).all()
    assert anchored == [e.row_hash for e in events]  # one anchored head per act
    # As the owner would: delete the last act and point the plan's head at the act before it, so the chain and
    # every seal still verify.
    db_session.execute(text("ALTER TABLE plan_events DISABLE TRIGGER plan_events_append_only"))
    db_session.execute(text("DELETE FROM plan_events WHERE id = :i"), {"i": events[-1].id})
    db_session.execute(text("ALTER TABLE plan_events ENABLE TRIGGER plan_events_append_only"))
    db_session.execute(text("UPDATE plans SET history_head = :h WHERE id = :i"),
                       {"h": events[-2].row_hash, "i": plan_id})
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["pdt", "verify-history"])
    assert result.exit_code == 1, result.output
    assert "se borraron actos al final y se movió la cabeza" in result.output


def test_the_service_acts_as_the_runtime_role(app, db_session, runtime_engine, tmp_path):
    """The privileges are enough for the route: a second app whose DATABASE_URL is the runtime role walks a plan."""
    from workflow_app.app import create_app

    runtime_app = create_app("test", SQLALCHEMY_DATABASE_URI=runtime_engine.url.render_as_string(hide_password=False),
                             UPLOAD_DIR=str(tmp_path), PDT_TODAY="2028-03-10", REDIS_URL=None,
                             HISTORY_KEY=app.config["HISTORY_KEY"])
    with runtime_app.app_context():
        try:
            assert db.session.scalar(text("SELECT current_user")).startswith("pdt_rt_")
            cast = Cast(db.session, make_plan(db.session, "63111"))
            walk_to(cast, "submitted_to_ctp")
            assert db.session.scalar(select(HistoryHead.head).order_by(HistoryHead.id.desc()).limit(1)) == \
                cast.plan.history_head
        finally:
            db.session.remove()
            db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["pdt", "verify-history"])
    assert result.exit_code == 0, result.output


def test_the_commands_grant_the_runtime_role_and_report_an_owner_connection(app, db_session):
    name = f"pdt_rt_{uuid.uuid4().hex[:10]}"
    db_session.execute(text(f"CREATE ROLE {name} LOGIN"))
    db_session.commit()
    try:
        runner = app.test_cli_runner()
        granted = runner.invoke(args=["pdt", "grant-runtime-role", name])
        assert granted.exit_code == 0 and "sin TRUNCATE, DDL ni control de disparadores" in granted.output
        assert db_session.scalar(text(f"SELECT has_table_privilege('{name}', 'plan_events', 'INSERT') AND NOT "
                                      f"has_table_privilege('{name}', 'plan_events', 'DELETE') AND NOT "
                                      f"has_table_privilege('{name}', 'access_log', 'TRUNCATE')"))
        bad = runner.invoke(args=["pdt", "grant-runtime-role", "Robert'); DROP TABLE plans;--"])
        assert bad.exit_code == 1 and "Nombre de rol no válido" in bad.output
        owner = runner.invoke(args=["pdt", "database-role"])  # the tests connect as the owner, a superuser
        assert owner.exit_code == 1 and "superusuario" in owner.output
    finally:
        db_session.rollback()
        db_session.execute(text(f"DROP OWNED BY {name}"))
        db_session.execute(text(f"DROP ROLE {name}"))
        db_session.commit()
