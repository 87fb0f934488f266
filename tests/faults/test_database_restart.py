"""PostgreSQL restarted under load: clean Spanish 503 pages meanwhile, full recovery without restarting the app.

The test runs its own PostgreSQL instance (initdb into a temporary folder, a spare port) so that stopping it
disturbs nothing else on the machine.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest

from tests.conftest import IN_CI

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:] or [""]


def _as_postgres(*cmd: str) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + list(cmd), capture_output=True, text=True, timeout=60)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnPostgres:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "pgdata"
        self.port = _free_port()
        self.ctl = os.path.join(PG_BIN[0], "pg_ctl")

    def init(self) -> None:
        self.data.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data.parent, "postgres")
        done = _as_postgres(os.path.join(PG_BIN[0], "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                            "postgres", "--no-sync")
        assert done.returncode == 0, done.stderr

    def start(self) -> None:
        done = _as_postgres(self.ctl, "-D", str(self.data), "-w", "-l", str(self.root / "server.log"), "-o",
                            f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        assert done.returncode == 0, done.stderr

    def stop(self) -> None:
        _as_postgres(self.ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def own_postgres():
    if not PG_BIN[0] or not os.path.exists(os.path.join(PG_BIN[0], "initdb")):
        if IN_CI:
            pytest.fail("initdb de PostgreSQL no está instalado: en CI esta prueba no puede omitirse.")
        pytest.skip("initdb de PostgreSQL no está instalado en esta máquina")
    import tempfile

    pg = OwnPostgres(Path(tempfile.mkdtemp(prefix="pdt-faults-")))  # PostgreSQL's own user must reach it
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(pg.root, ignore_errors=True)


def _serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _get(url: str) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except HTTPError as e:
        return e.code, e.read().decode()
    except URLError as e:
        return 0, str(e)


def test_database_restart_gives_spanish_503_then_recovers_without_restarting_the_app(own_postgres):
    from flask_migrate import upgrade

    from workflow_app.app import create_app

    app = create_app("test", SQLALCHEMY_DATABASE_URI=own_postgres.url, REDIS_URL=None,
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_timeout": 3,  # the service's own liveness check
                                                "connect_args": {"connect_timeout": 2}})
    with app.app_context():
        upgrade()
    server, base = _serve(app)
    try:
        assert _get(base + "/salud")[0] == 200
        results: list[tuple[float, int, str]] = []
        stop = threading.Event()

        def load():  # a steady client during the outage, bounded in time
            deadline = time.monotonic() + 40
            while not stop.is_set() and time.monotonic() < deadline:
                status, body = _get(base + "/salud")
                results.append((time.monotonic(), status, body))
                time.sleep(0.05)

        client = threading.Thread(target=load)
        client.start()
        time.sleep(0.5)
        own_postgres.stop()
        time.sleep(2)
        during = [r for r in results if r[1] != 200]
        restarted_at = time.monotonic()
        own_postgres.start()
        recovered_at = None
        while time.monotonic() - restarted_at < 15:
            if _get(base + "/salud")[0] == 200:
                recovered_at = time.monotonic()
                break
            time.sleep(0.1)
        stop.set()
        client.join()
        assert during, "the outage was not observed"
        assert {status for _, status, _ in during} == {503}, {status for _, status, _ in during}
        assert all("temporalmente no disponible" in body for _, _, body in during)
        assert recovered_at is not None and recovered_at - restarted_at < 5
        print(f"\n503 durante la caída: {len(during)} respuestas; recuperación en {recovered_at - restarted_at:.2f} s")
        assert all(status in (200, 503) for _, status, _ in results)  # never a 500
    finally:
        server.shutdown()
        with app.app_context():
            from workflow_app.infra.extensions import db

            db.engine.dispose()


def test_a_connection_that_rested_through_a_restart_is_replaced_before_use(own_postgres):
    """Issue 22: the pool no longer pings at every checkout (a round trip on every page), only a connection that
    rested longer than ``DATABASE_PING_AFTER_IDLE_SECONDS`` (``infra/database/liveness.py``). One that rested
    through a restart is found dead by that ping and replaced: the person sees nothing. With the ping put off
    (a threshold of an hour) the same request fails, cleanly, and the next one is served: what the ping buys."""
    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db

    options = {"pool_timeout": 3, "connect_args": {"connect_timeout": 2}}
    pinged = create_app("test", SQLALCHEMY_DATABASE_URI=own_postgres.url, REDIS_URL=None,
                        SQLALCHEMY_ENGINE_OPTIONS=dict(options))
    never = create_app("test", SQLALCHEMY_DATABASE_URI=own_postgres.url, REDIS_URL=None,
                       SQLALCHEMY_ENGINE_OPTIONS=dict(options), DATABASE_PING_AFTER_IDLE_SECONDS=3600)
    with pinged.app_context():
        from flask_migrate import upgrade

        upgrade()
    servers = [_serve(app) for app in (pinged, never)]
    try:
        (_, pinged_base), (_, never_base) = servers
        assert _get(pinged_base + "/salud")[0] == 200 and _get(never_base + "/salud")[0] == 200  # one pooled each
        own_postgres.stop()
        own_postgres.start()
        time.sleep(1.2)  # longer than the default threshold (1 s), whatever the restart took
        assert _get(pinged_base + "/salud")[0] == 200  # the rested connection was pinged, found dead, replaced
        status, body = _get(never_base + "/salud")
        assert status == 503 and "temporalmente no disponible" in body  # used unpinged: the restart is seen once
        assert _get(never_base + "/salud")[0] == 200  # that failure discarded the pool's old connections
    finally:
        for server, _ in servers:
            server.shutdown()
        for app in (pinged, never):
            with app.app_context():
                db.engine.dispose()
