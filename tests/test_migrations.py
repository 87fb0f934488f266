"""Migrations: a single head, and upgrade → downgrade → upgrade on an empty PostgreSQL database."""
import uuid

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from tests.conftest import PG_ADMIN_URL, _admin_connect, service_missing
from workflow_app.app import create_app


def test_single_head():
    app = create_app("test")
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_downgrade_upgrade_on_empty_postgresql():
    try:
        admin = _admin_connect()
    except Exception as exc:  # noqa: BLE001
        service_missing("PostgreSQL", exc)
    name = f"pdt_mig_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            tables = set(inspect(create_engine(url)).get_table_names())
            assert {"plans", "plan_events", "entities", "users", "memberships", "documents"} <= tables
            downgrade(revision="base")
            assert set(inspect(create_engine(url)).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert "plan_events" in inspect(create_engine(url)).get_table_names()
            from workflow_app.infra.extensions import db
            db.engine.dispose()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_the_extensions_already_recorded_reach_the_plans_calendar_facts(db_session):
    """0022e_session_extension_facts on PostgreSQL: an extension and a convocation for the plan recorded before it
    (corporation_sessions rows only) are copied into their plan's event_dates, a convocation for something else is
    not, the plan's version moves; the downgrade takes them out again."""
    import importlib
    from datetime import date

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from tests.workflow_app.story import make_plan
    from workflow_app.models import CorporationSession

    plan = make_plan(db_session, "63302")
    db_session.add(CorporationSession(entity_id=plan.entity_id, plan_id=plan.id, kind="extension",
                                      starts_on=date(2028, 6, 1), ends_on=date(2028, 6, 10),
                                      period_end=date(2028, 5, 31), purpose="", covers_plan=True,
                                      for_objections=False, recorded_on=date(2028, 5, 16), reference="EXT-1"))
    for covers, first in ((True, date(2028, 5, 1)), (False, date(2028, 8, 1))):  # the second is not the plan's
        db_session.add(CorporationSession(entity_id=plan.entity_id, plan_id=plan.id, kind="convocation",
                                          starts_on=first, ends_on=first.replace(day=31), purpose="Plan",
                                          covers_plan=covers, for_objections=False, recorded_on=first,
                                          reference="DEC-1"))
    db_session.commit()
    version = plan.version
    migration = importlib.import_module("migrations.versions.0022e_session_extension_facts")
    with Operations.context(MigrationContext.configure(db_session.connection())):
        migration.upgrade()
    db_session.commit()
    db_session.refresh(plan)
    assert plan.event_dates["session_extensions"] == [["2028-06-01", "2028-06-10"]]
    assert plan.event_dates["session_convocations"] == [["2028-05-01", "2028-05-31"]]
    assert plan.version == version + 1
    with Operations.context(MigrationContext.configure(db_session.connection())):
        migration.downgrade()
    db_session.commit()
    db_session.refresh(plan)
    assert "session_extensions" not in plan.event_dates and "session_convocations" not in plan.event_dates
