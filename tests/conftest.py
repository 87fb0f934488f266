"""Shared fixtures: a PostgreSQL database per test process (migrated, reference data loaded) and Redis.

The suite runs in parallel (`make test` passes `-n auto` to pytest-xdist) or in one process (a plain
`python -m pytest tests/some_file.py`); the fixtures are the same in both:

- PostgreSQL: the first process that needs a database builds a template for the run (`pdt_tpl_<run>`: migrated,
  reference data loaded) under an advisory lock; every process (xdist worker) then gets its own copy,
  `CREATE DATABASE pdt_test_<run>_<worker> TEMPLATE pdt_tpl_<run>`, in a fraction of a second. Tests clean the
  tables they wrote after themselves (MUTABLE_TABLES). The copies are dropped by their process at the end, the
  template by the controller (the process that started the workers).
- Redis: TEST_REDIS_URL (default ``redis://127.0.0.1:6379/12``) names the database of the first process; the
  xdist worker ``gwN`` uses database number + N (``/12``, ``/13``…), so two runs at the same time on one Redis
  need bases at least their worker count apart (e.g. ``/1`` and ``/5`` with four workers each). Each test that
  asks for `redis_url` starts and ends with that database flushed (FLUSHDB: never another database).
- Temporary folders (`tmp_path`), the aiosmtpd sinks, RQ workers, second Redis/PostgreSQL servers and the live
  servers of the browser tests take free ports and the worker's own folders and databases.

In CI (CI=true) a missing PostgreSQL or Redis fails the run; on a developer machine the tests that need
the service are skipped with the reason.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
import zlib
from datetime import date

import pytest

# An app a test makes would otherwise keep what it writes by default in the checkout's instance/ (config.py: the
# evidence PDFs in instance/uploads, a development app's generated history_key; test_board_cache once left a PDF
# there): this process's temporary folder is the instance folder instead. Set before config.py is imported, which
# reads it once.
_INSTANCE = tempfile.mkdtemp(prefix="pdt-test-instance-")
os.environ.setdefault("PDT_INSTANCE_DIR", _INSTANCE)
atexit.register(shutil.rmtree, _INSTANCE, ignore_errors=True)

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# "gw0", "gw1"… under pytest-xdist (set before this module is imported); the single process is "main".
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
RUN_ID_VARIABLE = "PDT_TEST_RUN_ID"  # one id per run, shared by the controller and its workers through the env


def _worker_redis_url(base: str, worker: str) -> str:
    """TEST_REDIS_URL with its database number moved up by the xdist worker's index (``gw2`` → number + 2)."""
    index = int(worker[2:]) if worker.startswith("gw") else 0
    head, _, number = base.rstrip("/").rpartition("/")
    if not number.isdigit():
        head, number = base.rstrip("/"), "0"
    return f"{head}/{int(number) + index}"


TEST_REDIS_URL = _worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12"), WORKER)

# Tables a test may write; reference data (entities, authorities, periods) stays loaded for the run.
MUTABLE_TABLES = ("corporation_sessions", "people_log", "history_heads", "plan_summaries", "access_log", "history_checkpoints", "history_anchors", "document_chunks", "rate_limit_hits",
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


def _url_of(name: str) -> str:
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def _template_name() -> str:
    return f"pdt_tpl_{os.environ[RUN_ID_VARIABLE]}"


def pytest_configure(config):
    # The controller (or the single process) names the run; xdist workers inherit the variable when spawned.
    if not hasattr(config, "workerinput"):
        os.environ[RUN_ID_VARIABLE] = uuid.uuid4().hex[:10]


#: The longest tests (each 10 s or more of a quiet machine: subprocess benchmarks, a sweep over 1,135 plans,
#: hypothesis and schemathesis runs, started servers, browser walks), run first so that the rest fill in around them: under
#: `--dist worksteal` a worker left with nothing takes half of another's queue, but no one can take half a test.
SLOW_FIRST = (
    "tests/test_benchmarks_smoke.py::",
    "tests/e2e/test_production_walk.py::",
    "tests/test_peers_bench.py::",
    "tests/workflow_app/test_law_clock.py::test_a_silent_country_is_overdue_on_16_march_2028",
    "tests/workflow_app/test_hostile_input.py::test_act_form_never_fails",
    "tests/workflow_app/test_hostile_input.py::test_calendar_api_never_fails",
    "tests/workflow_app/test_app_setup.py::test_embedded_default_serves_login_on_sqlite_without_redis",
    "tests/workflow_app/test_concurrency.py::test_a_thousand_acts_on_different_plans_at_once_all_succeed",
    "tests/workflow_app/test_api_schemathesis.py::",
    "tests/test_trial_instance.py::",
    "tests/test_two_hosts.py::",
    # The longest browser walks (10 to 30 s each with Chromium): started late, one of them was the run's tail.
    "tests/e2e/test_phase2_walk.py::",
    "tests/e2e/test_walks.py::test_municipio_walks_from_posesion_to_vigente_through_the_pages",
    "tests/e2e/test_last_stretch_walks.py::test_bogota_objects_on_the_sixth_day",
    "tests/e2e/test_walks.py::test_departamento_with_two_cars_reaches_the_asamblea_through_the_pages",
    "tests/e2e/test_case_file_pages.py::test_finished_plan_pages_are_accessible_light_and_fit_a_phone",
    "tests/e2e/test_monitoreo360_walk.py::",
    "tests/state_machines/test_properties.py::test_random_acts_on_pdt_never_leave_the_table_nor_bypass_a_guard",
    "tests/workflow_app/test_hostile_input.py::test_login_form_never_fails",
    "tests/workflow_app/test_accounts.py::test_sign_in_takes_the_same_time_for_unknown_and_known_accounts",
)


def pytest_collection_modifyitems(config, items):
    """The SLOW_FIRST tests at the front, in that order; the others keep theirs (every process sorts alike)."""
    def rank(item) -> int:
        return next((i for i, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)), len(SLOW_FIRST))

    items.sort(key=rank)  # stable


def pytest_unconfigure(config):
    if hasattr(config, "workerinput"):  # a worker: the controller drops the template once every worker is done
        return
    try:
        admin = _admin_connect()
    except Exception:  # noqa: BLE001 - no PostgreSQL, so no template either
        return
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_template_name()}" WITH (FORCE)')


def _build_template(admin, name: str) -> None:
    """Migrate a new database and load the reference data into it, then leave it with no connection open."""
    from flask_migrate import upgrade

    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db
    from workflow_app.services.cycle.reference import load_reference

    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        builder = create_app("test", SQLALCHEMY_DATABASE_URI=_url_of(name), PDT_TODAY=None, REDIS_URL=None)
        with builder.app_context():
            upgrade()
            load_reference()
            db.session.remove()
            db.engine.dispose()
    except BaseException:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        raise


@pytest.fixture(scope="session")
def database_url():
    """This process's own database, copied from the run's template (built by whichever process comes first)."""
    try:
        admin = _admin_connect()
    except Exception as exc:  # noqa: BLE001 - any connection failure means the service is missing
        service_missing("PostgreSQL", exc)
    template = _template_name()
    name = f"pdt_test_{os.environ[RUN_ID_VARIABLE]}_{WORKER}"
    lock = zlib.crc32(template.encode())  # the lock is per run: other runs build their templates meanwhile
    admin.execute("SELECT pg_advisory_lock(%s)", (lock,))
    try:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone() is None:
            _build_template(admin, template)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        # A test database need not survive a crash of the server: commits stop waiting for the disk (every
        # connection to it, the RQ workers' and gunicorn's included). What other sessions see is unchanged.
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        admin.execute("SELECT pg_advisory_unlock(%s)", (lock,))
    yield _url_of(name)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


#: scrypt with N=2**10 instead of werkzeug's 2**15 for the accounts the tests create: the same hashing and checking
#: code, 1/32 of the work (the suite creates and signs in hundreds of accounts). `strong_password_hashing` puts
#: the shipped work factor back for a test that needs it (the sign-in timing test).
TEST_PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    from workflow_app.models import User

    shipped = User.password_hash_method
    User.password_hash_method = TEST_PASSWORD_HASH_METHOD
    yield
    User.password_hash_method = shipped


@pytest.fixture
def strong_password_hashing(monkeypatch):
    from workflow_app.models import User

    monkeypatch.setattr(User, "password_hash_method", "scrypt")


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
    from workflow_app.app import create_app

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
        PDT_TODAY=None,
        REDIS_URL=None,
    )
    from flask.testing import FlaskClient

    app.test_client_class = type("IsolatedFlaskClient", (IsolatedClient, FlaskClient), {})
    return app


_EMPTYING_SQL: list[str] = []
_EMPTIED: dict[str, list[str]] = {}


def emptied_tables(session) -> list[str]:
    """MUTABLE_TABLES and the tables that refer to them, as TRUNCATE ... CASCADE finds them (the per-test cleanup
    empties them all; tests/demo_copy.py copies them)."""
    from sqlalchemy import text

    if "tables" not in _EMPTIED:
        tables = set(MUTABLE_TABLES)
        while True:
            referring = set(session.execute(text(
                "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
                "AND confrelid::regclass::text = ANY(:names)"), {"names": sorted(tables)}).scalars())
            if referring <= tables:
                break
            tables |= referring
        _EMPTIED["tables"] = sorted(tables)
    return _EMPTIED["tables"]


def emptied_sequences(session) -> list[str]:
    """The sequences owned by the emptied tables' columns."""
    from sqlalchemy import text

    if "sequences" not in _EMPTIED:
        _EMPTIED["sequences"] = session.execute(text(
            "SELECT s.oid::regclass::text FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a' "
            "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' AND t.relname = ANY(:names)"),
            {"names": emptied_tables(session)}).scalars().all()
    return _EMPTIED["sequences"]


def _emptying_sql(session) -> str:
    """What ``TRUNCATE <MUTABLE_TABLES> RESTART IDENTITY CASCADE`` does, at a fraction of its cost on small tables
    (TRUNCATE makes new files for every table and index: about a second per test on a busy machine): the tables
    locked against writers (a write still in flight ends first), every row deleted (with the tables that refer
    to them, as CASCADE would, whether listed or not), their sequences restarted. Triggers are off for this
    transaction only (``session_replication_role``), so the append-only history tables can be emptied and the
    order of the tables does not matter."""
    if not _EMPTYING_SQL:
        tables = emptied_tables(session)
        names = ", ".join(tables)
        _EMPTYING_SQL.append("; ".join([
            "SET LOCAL session_replication_role = replica",
            f"LOCK TABLE {names} IN EXCLUSIVE MODE",
            *(f"DELETE FROM {table}" for table in tables),
            *(f"SELECT setval('{sequence}', 1, false)" for sequence in emptied_sequences(session)),
        ]))
    return _EMPTYING_SQL[0]


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
        db.session.connection().exec_driver_sql(_emptying_sql(db.session))
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
