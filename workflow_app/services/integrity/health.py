"""``/salud``: what a load balancer and an operator need to know about this host's dependencies."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import redis
from rq import Queue, Worker
from rq.cron_scheduler_registry import get_registry_key
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from workflow_app.infra.jobs import QUEUE_NAME
from workflow_app.models import Delivery
from workflow_app.services.integrity.checkpoints import checkpoint_status

#: A delivery waiting longer than this means the workers (or Redis, or SMTP) need attention.
STALE_DELIVERY_SECONDS = 15 * 60
#: ``rq cron`` beats every few seconds (rq's scheduler TTL is 120 s): no beat for this long means it is not running,
#: and with it the sweep, which applies the law's automatic effects and sends the reminders.
CRON_SILENT_SECONDS = 5 * 60


def _background(conn: redis.Redis, report: dict) -> None:
    """Whether someone runs the jobs (QA, 7 December 2026: with the worker killed, or ``rq cron`` killed, /salud
    said «ok» until a mail had waited 15 minutes, or never). A worker killed without its goodbye stays listed until
    its key expires (rq's worker TTL: about 7 minutes when idle, up to 11 in a long job)."""
    workers = len(Worker.all(queue=Queue(QUEUE_NAME, connection=conn)))
    report["workers"] = workers
    if workers == 0:
        report["status"] = "degradado"
        report["workers_message"] = (f"Ningún «rq worker» atiende la cola «{QUEUE_NAME}»: no salen correos ni corren "
                                     "la apertura de períodos ni las cargas de funcionarios.")
    beats = [score for _name, score in conn.zrange(get_registry_key(), 0, -1, withscores=True)]
    if beats and time.time() - max(beats) <= CRON_SILENT_SECONDS:
        report["cron"] = "ok"
    else:
        report["status"] = "degradado"
        report["cron"] = ("sin latido: «rq cron» no está corriendo; sin él no corre el barrido de plazos (efectos "
                          "legales automáticos, recordatorios, reintentos de correo)")


def health_report(session: Session, redis_url: str | None) -> tuple[dict, int]:
    """(JSON body, HTTP status). 503 only when the database does not answer: without it this host can do
    nothing, so a balancer should send people elsewhere. Redis down or old pending deliveries leave the host
    serving (limits and sessions fall back to the database) and are reported as ``degradado``."""
    report: dict = {"status": "ok"}
    try:
        session.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not answering"
        session.rollback()
        report.update(status="error", database=f"error: {type(exc).__name__}",
                      message="El servicio está temporalmente no disponible: la base de datos no responde.")
        return report, 503
    if redis_url:
        try:
            conn = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
            conn.ping()
            report["redis"] = "ok"
            _background(conn, report)
        except Exception as exc:  # noqa: BLE001
            report.update(status="degradado", redis=f"error: {type(exc).__name__}")
    else:
        report["redis"] = "no configurado (trabajos en el mismo proceso)"
    oldest = session.scalar(select(func.min(Delivery.created_at)).where(Delivery.status.in_(("pending", "sending"))))
    if oldest is None:
        report["oldest_pending_delivery_seconds"] = 0
    else:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=timezone.utc)
        age = int((datetime.now(timezone.utc) - oldest).total_seconds())
        report["oldest_pending_delivery_seconds"] = max(age, 0)
        if age > STALE_DELIVERY_SECONDS:
            report["status"] = "degradado"
    report["history_checkpoints"] = checkpoint_status(session)  # signed checkpoints, or why there are none
    session.rollback()  # end the read transaction
    return report, 200
