"""Benchmark of e-mail delivery: 10,000 due reminders delivered by 2 RQ workers to a local SMTP sink.

Run from the repository root:  .venv/bin/python -m bench.notifications  [--count 10000] [--workers 2]

Creates its own scratch PostgreSQL database and its own redis-server on a free port, writes ``count`` urgent
reminders (notification + pending delivery rows, as the sweep does), enqueues them as the app does (folded into
``deliver_batch`` jobs of 50; ``--no-batch``: one ``deliver`` job per row, as before batching), and
starts ``workers`` real `rq worker` processes (``workflow_app.worker.AppWorker``, a SimpleWorker, burst mode) sending to an aiosmtpd sink in this
process. Reports messages per second, duplicates (a Message-ID seen twice) and losses (a row not sent or a
message never received); both must be 0. Target: all 10,000 in at most 60 s on this 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    def __init__(self):
        self.ids: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.ids[line.split(b":", 1)[1].strip().decode()] += 1
                break
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-batch", dest="batch", action="store_false",
                        help="one RQ job per message (before batching), for comparison")
    args = parser.parse_args()

    import psycopg
    import redis
    from aiosmtpd.controller import Controller

    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    name = f"pdt_bench_mail_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    redis_port = free_port()
    workdir = tempfile.mkdtemp(prefix="pdt-bench-")
    redis_proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", workdir],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    workers: list[subprocess.Popen] = []
    try:
        for _ in range(100):
            try:
                if redis.Redis.from_url(redis_url).ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        run(args, url, redis_url, smtp_port, sink, workers)
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
        controller.stop()
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run(args, url: str, redis_url: str, smtp_port: int, sink: Sink, workers: list) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select

    from notifications.email import message_id
    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db
    from workflow_app.infra.jobs import RQRunner
    from workflow_app.models import Delivery, Notification, User, utcnow

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url, PDT_TODAY=None)
    with app.app_context():
        upgrade()
        users = [{"id": i, "email": f"persona{i}@bench.co", "name": f"Persona {i}", "password_hash": "x",
                  "is_active_account": True, "is_demo": False, "wants_immediate_email": False,
                  "ical_token": uuid.uuid4().hex} for i in range(1, 1001)]
        db.session.execute(insert(User), users)
        now = utcnow()
        notes = [{"id": i, "user_id": 1 + i % 1000, "plan_id": None, "kind": "due_today",
                  "dedupe_key": f"bench:{i}", "subject": f"Plan {i}: hoy vence el plazo", "is_urgent": True,
                  "body": "Hoy es el último día para emitir el concepto del Consejo Territorial de Planeación.",
                  "step_key": "ctp_concept", "due_on": date(2028, 3, 28), "legal_basis": "L152 art. 39 num. 6",
                  "link": f"/planes/{i}", "created_at": now} for i in range(1, args.count + 1)]
        db.session.execute(insert(Notification), notes)
        rows = [{"id": i, "notification_id": i, "channel": "email", "recipient": f"persona{1 + i % 1000}@bench.co",
                 "delivery_key": f"email:bench:{i}", "status": "pending", "attempts": 0, "created_at": now}
                for i in range(1, args.count + 1)]
        db.session.execute(insert(Delivery), rows)
        db.session.commit()
        from rq import Queue

        from workflow_app.infra.jobs import fold
        from workflow_app.services.outbox import DELIVER_JOB

        queue = Queue("pdt", connection=RQRunner(redis_url).connection)
        t0 = time.perf_counter()
        # As a commit (or the sweep's requeue) submits them: single-id jobs folded into batches.
        singles = [(DELIVER_JOB, (i,)) for i in range(1, args.count + 1)]
        jobs = fold(singles) if args.batch else singles  # --no-batch: one job per message, as before
        with queue.connection.pipeline() as pipe:
            queue.enqueue_many([Queue.prepare_data(func, args_, timeout=600) for func, args_ in jobs], pipeline=pipe)
            pipe.execute()
        enqueued = time.perf_counter() - t0
        print(f"{args.count} deliveries written and enqueued as {len(jobs)} jobs ({enqueued:.2f} s to enqueue)")

        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "SMTP_HOST": "127.0.0.1",
               "SMTP_PORT": str(smtp_port), "PDT_ENV": "test", "PDT_TODAY": ""}
        rq = str(Path(sys.executable).with_name("rq"))
        start = time.perf_counter()
        for _ in range(args.workers):
            workers.append(subprocess.Popen([rq, "worker", "-w", "workflow_app.worker.AppWorker", "--burst", "--url",
                                             redis_url, "--logging_level", "ERROR", "pdt"], cwd=ROOT, env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for proc in workers:
            proc.wait(600)
        elapsed = time.perf_counter() - start
        time.sleep(0.2)  # the sink may still be writing its last answer
        sent = db.session.scalar(select(func.count()).where(Delivery.status == "sent"))
        keys = db.session.scalars(select(Delivery.delivery_key)).all()
        expected = {message_id(k) for k in keys}
        received = sum(sink.ids.values())
        duplicates = sum(n - 1 for n in sink.ids.values() if n > 1)
        lost = len(expected - set(sink.ids)) + (args.count - sent)
        print(f"workers: {args.workers} (SimpleWorker, burst), wall time {elapsed:.1f} s incl. worker start-up")
        print(f"delivered rows: {sent}/{args.count}; messages received by the sink: {received}")
        print(f"throughput: {sent / elapsed:.0f} messages/s")
        print(f"duplicates: {duplicates}; losses: {lost}")
        print(f"target all {args.count} in <= 60 s with 0 duplicates and 0 losses: "
              f"{'met' if elapsed <= 60 and duplicates == 0 and lost == 0 else 'NOT met'}")
        db.session.remove()
        db.engine.dispose()
    if duplicates or lost:  # timings are reported, never asserted; a duplicate or a loss is a failure (exit 1)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
