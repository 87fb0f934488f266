"""Embedded mode (no REDIS_URL): a daemon thread in the web process runs the sweep, the daily digest, the
daily signed history checkpoint (when CHECKPOINT_KEY is set), the monthly survey's notice and the fortnightly
SETA cut (Monitoreo 360).

Started only when asked (``PDT_EMBEDDED_SCHEDULER``), so tests and CLI commands never get a background thread.
"""
from __future__ import annotations

import logging
import os
import threading
from datetime import time

from flask import Flask

from notifications.digest import send_digests
from notifications.sweep import run_sweep
from workflow_app.infra.extensions import db
from workflow_app.services.followup.cuts import cut_job
from workflow_app.services.followup.survey import send_monthly_survey
from workflow_app.services.integrity.checkpoints import publish_if_due

log = logging.getLogger(__name__)
SWEEP_EVERY_SECONDS = 300
DIGEST_AT = time(7, 0)  # America/Bogota
SURVEY_AT = time(8, 0)  # Bogotá, as notifications/cron_config.py
SETA_CUT_AT = time(23, 50)
_started: set[int] = set()


def wants_embedded_scheduler(app: Flask) -> bool:
    flag = app.config.get("PDT_EMBEDDED_SCHEDULER", os.environ.get("PDT_EMBEDDED_SCHEDULER", ""))
    return str(flag).strip().lower() in {"1", "true", "yes", "si", "sí", "on"} and not app.config.get("REDIS_URL")


def start_embedded_scheduler(app: Flask, every_seconds: float | None = None) -> threading.Thread | None:
    if id(app) in _started:
        return None
    _started.add(id(app))
    every = every_seconds or float(app.config.get("PDT_SWEEP_EVERY_SECONDS", SWEEP_EVERY_SECONDS))
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(app, every, stop), name="pdt-sweep", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread


def _loop(app: Flask, every: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with app.app_context():
                clock = app.extensions["clock"]
                run_sweep(clock.today())
                if clock.now().time() >= DIGEST_AT:
                    send_digests(clock.today())  # once a day: the digest key makes later calls no-ops
                publish_if_due(db.session, clock.stamp())  # the day's signed history checkpoint, once
                if clock.now().time() >= SURVEY_AT:  # Monitoreo 360: the month's survey notices, once per person
                    send_monthly_survey(db.session, clock.today())
                if clock.now().time() >= SETA_CUT_AT:  # the fortnightly SETA cut (15th, last day), once
                    cut_job()
                db.session.remove()
        except Exception:  # the next tick tries again
            log.exception("Barrido embebido falló")
        stop.wait(every)
