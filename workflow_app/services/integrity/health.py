"""``/salud``: what a load balancer and an operator need to know about this host's dependencies."""
from __future__ import annotations

from datetime import datetime, timezone

import redis
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from workflow_app.models import Delivery
from workflow_app.services.integrity.checkpoints import checkpoint_status

#: A delivery waiting longer than this means the workers (or Redis, or SMTP) need attention.
STALE_DELIVERY_SECONDS = 15 * 60


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
            redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1).ping()
            report["redis"] = "ok"
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
