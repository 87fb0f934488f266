"""Real services for the notification tests: an aiosmtpd sink, RQ worker processes, a second Redis to stop."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RQ = str(Path(sys.executable).with_name("rq"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 15.0, every: float = 0.05, what: str = "la condición"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"no se cumplió {what} en {timeout} s")


class SinkHandler:
    """Stores every accepted message; can refuse (451) or hold a RCPT for a while, to play a failing server."""

    def __init__(self):
        self.messages = []
        self.refuse_next = 0
        self.hold_next_seconds = 0.0
        self.holding = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            refuse = self.refuse_next > 0
            if refuse:
                self.refuse_next -= 1
            hold, self.hold_next_seconds = self.hold_next_seconds, 0.0
        if refuse:
            return "451 4.3.0 Servidor ocupado, intente más tarde"
        if hold:
            self.holding.set()
            await asyncio.sleep(hold)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
        return "250 Mensaje aceptado"

    # --- reading back ---
    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(m["Message-ID"] for m in self.messages)

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text_of(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_sink(app):
    from aiosmtpd.controller import Controller

    handler = SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_USER")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, SMTP_USER=None)
    yield handler
    app.config.update(saved)
    controller.stop()


@pytest.fixture
def fast_retries(app):
    """Seconds instead of minutes for leases, backoff and the requeue grace (the test process's side)."""
    keys = ("PDT_DELIVERY_LEASE_SECONDS", "PDT_DELIVERY_BACKOFF_SECONDS", "PDT_REQUEUE_GRACE_SECONDS")
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(PDT_DELIVERY_LEASE_SECONDS=2, PDT_DELIVERY_BACKOFF_SECONDS="0.3", PDT_REQUEUE_GRACE_SECONDS=0)
    yield
    app.config.update(saved)


@pytest.fixture
def use_rq(app, redis_url):
    """The app enqueues on real Redis (as in production) instead of its in-process thread."""
    from workflow_app.infra.jobs import RQRunner

    saved = app.extensions["job_runner"]

    def _use(url: str = redis_url):
        app.extensions["job_runner"] = RQRunner(url)
        return app.extensions["job_runner"]

    _use()
    yield _use
    app.extensions["job_runner"] = saved


@pytest.fixture
def embedded_jobs(app):
    """The in-process job thread; ``join()`` waits for queued deliveries."""
    return app.extensions["job_runner"]


class Workers:
    def __init__(self, database_url: str, redis_url: str, smtp_port: int, log_dir: Path):
        self.database_url, self.redis_url, self.smtp_port, self.log_dir = database_url, redis_url, smtp_port, log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self, count: int = 1, redis_url: str | None = None, burst: bool = False,
              lease_seconds: float = 2) -> list[subprocess.Popen]:
        env = {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": redis_url or self.redis_url,
               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.smtp_port), "PDT_ENV": "test",
               "PDT_DELIVERY_LEASE_SECONDS": str(lease_seconds), "PDT_DELIVERY_BACKOFF_SECONDS": "0.3", "PDT_TODAY": ""}
        started = []
        for _ in range(count):
            log = open(self.log_dir / f"worker-{len(self.procs)}.log", "wb")
            args = [RQ, "worker", "-w", "workflow_app.worker.AppWorker", "--url", redis_url or self.redis_url,
                    "--logging_level", "WARNING", "pdt"]
            if burst:
                args.append("--burst")
            proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            self.procs.append(proc)
            started.append(proc)
        return started

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@pytest.fixture
def rq_workers(db_session, database_url, redis_url, smtp_sink, tmp_path):
    """Real `rq worker` processes on the test database; stopped before the tables are truncated."""
    workers = Workers(database_url, redis_url, smtp_sink.port, tmp_path)
    yield workers
    workers.stop_all()


class SecondRedis:
    """A redis-server of our own on a free port, so a test may stop it (never the machine's main Redis)."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        wait_until(lambda: _pings(redis, self.url), timeout=10, what="que arranque el segundo Redis")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _pings(redis_module, url: str) -> bool:
    try:
        return redis_module.Redis.from_url(url, socket_connect_timeout=0.2).ping()
    except Exception:  # noqa: BLE001 - not up yet
        return False


@pytest.fixture
def second_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server no está instalado")
    server = SecondRedis(tmp_path)
    server.start()
    yield server
    server.stop()
