"""Issue 18: the README's production lines for `rq worker` and `rq cron`, run as written, reach the Redis of
REDIS_URL (here a database number that is not Redis's default 0), not the local default."""

import os
import re
import shlex
import signal
import subprocess

import redis
from rq import Queue
from rq.cron_scheduler_registry import get_registry_key

from tests.notifications.conftest import ROOT, RQ, wait_until

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_command(program: str) -> list[str]:
    """The README's one production line for ``rq <program>``, its variables expanded, with this tree's rq."""
    lines = re.findall(rf"`(rq {program} [^`]+)`", README)
    production = [line for line in lines if "--url" in line]
    assert len(production) >= 1, f"el README no trae la línea de producción de rq {program} con --url"
    words = shlex.split(os.path.expandvars(production[0]))
    return [RQ, *words[1:]]


def _env(database_url: str, redis_url: str, smtp_port: int) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port), "PDT_ENV": "test", "PDT_TODAY": "", "RQ_REDIS_URL": ""}


def test_readme_lines_pass_redis_url_to_rq():
    assert '--url "$REDIS_URL"' in README
    for program in ("worker", "cron"):
        assert re.search(rf'`rq {program} --url "\$REDIS_URL" ', README), program


def test_the_readme_worker_line_runs_a_job_queued_on_redis_url(db_session, database_url, redis_url, smtp_sink,
                                                                monkeypatch):
    assert not redis_url.rstrip("/").endswith("/0")  # the point: not Redis's default database
    monkeypatch.setenv("REDIS_URL", redis_url)
    conn = redis.Redis.from_url(redis_url)
    job = Queue("pdt", connection=conn).enqueue("workflow_app.services.integrity.checkpoints.checkpoint_job")
    command = readme_command("worker") + ["--burst"]
    done = subprocess.run(command, cwd=ROOT, env=_env(database_url, redis_url, smtp_sink.port), timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    job.refresh()
    assert job.get_status() == "finished", done.stderr[-2000:]


def test_the_readme_cron_line_registers_its_scheduler_on_redis_url(db_session, database_url, redis_url, smtp_sink,
                                                                   monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", redis_url)
    conn = redis.Redis.from_url(redis_url)
    conn.delete(get_registry_key())
    log = open(tmp_path / "cron.log", "wb")
    proc = subprocess.Popen(readme_command("cron"), cwd=ROOT, env=_env(database_url, redis_url, smtp_sink.port),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: conn.zcard(get_registry_key()) > 0, timeout=60,
                   what="que el programador de rq cron se registre en el Redis de REDIS_URL")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
        conn.delete(get_registry_key())


def test_the_readme_worker_line_runs_a_retry_that_a_cut_left_scheduled(db_session, database_url, redis_url,
                                                                        smtp_sink, monkeypatch):
    """QA, 7 December 2026: a worker killed mid-import left its job scheduled for a retry (``Retry``), which only a
    worker with a scheduler enqueues: without ``--with-scheduler`` the import stayed «en curso» for good."""
    from datetime import timedelta

    monkeypatch.setenv("REDIS_URL", redis_url)
    conn = redis.Redis.from_url(redis_url)
    job = Queue("pdt", connection=conn).enqueue_in(
        timedelta(seconds=1), "workflow_app.services.integrity.checkpoints.checkpoint_job")
    assert job.get_status() == "scheduled"
    proc = subprocess.Popen(readme_command("worker"), cwd=ROOT,
                            env=_env(database_url, redis_url, smtp_sink.port), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: job.get_status(refresh=True) == "finished", timeout=60,
                   what="que el rq worker del README ejecute el reintento programado")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
