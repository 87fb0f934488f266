"""A worker told to stop stops: at a deploy (SIGTERM) and at the end of a ``--burst`` run, the worker's
command-channel thread must not hold the process for RQ's 60-second wait (redis-py 8 joins that thread)."""
from __future__ import annotations

import os
import signal
import subprocess

import redis
from rq import Worker

from tests.notifications.conftest import wait_until
from workflow_app.worker import COMMAND_POLL_SECONDS, AppWorker


def test_the_command_thread_looks_for_a_stop_every_second(redis_url):
    worker = AppWorker(["pdt"], connection=redis.Redis.from_url(redis_url))
    worker.subscribe()
    try:
        assert worker.pubsub_thread.sleep_time == COMMAND_POLL_SECONDS <= 1
        assert worker.pubsub_thread.is_alive()
    finally:
        worker.unsubscribe()
    assert not worker.pubsub_thread.is_alive()  # unsubscribe returned only once the thread had ended


def test_a_burst_worker_with_nothing_to_do_exits_at_once(rq_workers):
    (proc,) = rq_workers.start(1, burst=True)
    try:
        code = proc.wait(20)  # the bug held it up to 60 s; a liveness bound, not a measurement
    except subprocess.TimeoutExpired:
        raise AssertionError("el worker --burst siguió vivo 20 s sin trabajo que hacer") from None
    assert code == 0


def test_a_worker_sent_sigterm_exits_by_itself(rq_workers, redis_url):
    (proc,) = rq_workers.start(1)
    connection = redis.Redis.from_url(redis_url)
    # Idle, not merely registered: RQ registers the worker (bootstrap) before it installs its signal handlers, and
    # a SIGTERM in between ends it as the default action does (-15; seen once on a loaded machine).
    wait_until(lambda: [w.get_state() for w in Worker.all(connection=connection)] == ["idle"], timeout=30,
               what="que el worker se registre y espere trabajo")
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        code = proc.wait(20)
    except subprocess.TimeoutExpired:
        raise AssertionError("el worker siguió vivo 20 s después de SIGTERM") from None
    assert code == 0
    assert Worker.all(connection=connection) == []  # it unregistered itself on the way out
