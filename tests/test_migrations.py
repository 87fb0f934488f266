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
