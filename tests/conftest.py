"""Shared fixtures: a fresh PostgreSQL database per run (migrated, reference data loaded) and Redis.

In CI (CI=true) a missing PostgreSQL or Redis fails the run; on a developer machine the tests that need
the service are skipped with the reason.
"""
from __future__ import annotations

import os
import uuid
from datetime import date

import pytest

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Tables a test may write; reference data (entities, authorities, periods) stays loaded for the run.
MUTABLE_TABLES = ("people_log", "history_heads", "plan_summaries", "access_log", "history_checkpoints", "history_anchors", "document_chunks", "rate_limit_hits",
                  "user_sessions", "onboarding_batches", "period_openings", "account_tokens", "api_tokens",
                  "citizen_proposals", "ppi_items", "ppi_versions", "milestone_checks", "deliveries", "notifications",
                  "plan_events", "procedures", "documents", "plans", "memberships", "users")


def service_missing(what: str, exc: Exception):
    message = f"{what} no está disponible ({exc})"
    if IN_CI:
        pytest.fail(f"{message}: en CI ningún servicio puede faltar.", pytrace=False)
    pytest.skip(f"{message}: prueba omitida fuera de CI")


def _admin_connect():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def database_url():
    """Create a throwaway database for this run and drop it afterwards."""
    try:
        admin = _admin_connect()
    except Exception as exc:  # noqa: BLE001 - any connection failure means the service is missing
        service_missing("PostgreSQL", exc)
    name = f"pdt_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


class IsolatedClient:
    """Mixin for the test client: requests reuse the fixture's app context, so start each with an empty ``g``
    as a real request does (else Flask-Login's cached user and Flask-WTF's CSRF token leak between clients)."""

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    from workflow_app.app import create_app
    from workflow_app.services.cycle.reference import load_reference

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
        PDT_TODAY=None,
        REDIS_URL=None,
    )
    from flask.testing import FlaskClient

    app.test_client_class = type("IsolatedFlaskClient", (IsolatedClient, FlaskClient), {})
    with app.app_context():
        upgrade()
        load_reference()
    return app


@pytest.fixture
def db_session(app):
    """An app context over a clean database (reference data kept)."""
    from workflow_app.infra.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()
        runner = app.extensions["job_runner"]
        if hasattr(runner, "join"):  # in-process jobs (deliveries of invitations…) finish before the tables go
            runner.join()
        # The append-only tables refuse TRUNCATE by trigger (0018i); the test superuser sets them aside for this
        # transaction only (a role that is not a superuser cannot).
        db.session.execute(db.text("SET LOCAL session_replication_role = replica"))
        db.session.execute(db.text(f"TRUNCATE {', '.join(MUTABLE_TABLES)} RESTART IDENTITY CASCADE"))
        # Reference rows stay loaded, but their editable settings go back to the defaults.
        db.session.execute(db.text("UPDATE entities SET nonworking_weekdays = '5,6', fiscal_category = NULL, "
                                   "executive_title = NULL WHERE nonworking_weekdays <> '5,6' "
                                   "OR fiscal_category IS NOT NULL OR executive_title IS NOT NULL"))
        # Raw SQL bypasses the ORM hook: processes that keep reference rows read them again (reference_cache).
        db.session.execute(db.text("UPDATE reference_version SET version = version + 1"))
        db.session.commit()
        db.session.remove()
    app.extensions["rate_limiter"].reset()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def redis_url():
    import redis

    try:
        conn = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
        conn.ping()
    except Exception as exc:  # noqa: BLE001
        service_missing("Redis", exc)
    conn.flushdb()
    yield TEST_REDIS_URL
    conn.flushdb()


@pytest.fixture
def set_today(app):
    """Move the injected clock (training mode / time travel) for one test."""
    clock = app.extensions["clock"]
    original = clock.simulated_today

    def _set(day: date | str | None):
        clock.simulated_today = date.fromisoformat(day) if isinstance(day, str) else day

    yield _set
    clock.simulated_today = original
