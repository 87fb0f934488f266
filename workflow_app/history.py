"""Tamper-evident history: each plan's events form a hash chain (SHA-256 over the previous hash and the row).

The chain's head is kept on the plan row, which every act updates anyway; `flask pdt verify-history`
recomputes every chain and reports altered rows (hash mismatch) and deleted ones (broken link or head).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow_app.models import Plan, PlanEvent

GENESIS = "0" * 64


def _iso(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):  # the same instant reads back in the session's time zone: normalise
        return value.astimezone(timezone.utc).isoformat()
    return value.isoformat() if value is not None else None


def canonical(event: PlanEvent) -> bytes:
    """The fields that make the act, in a fixed order and encoding."""
    fields = {
        "plan_id": event.plan_id, "machine": event.machine, "subject": event.subject,
        "from_state": event.from_state, "to_state": event.to_state, "trigger": event.trigger,
        "actor_id": event.actor_id, "role": event.role, "occurred_at": _iso(event.occurred_at),
        "act_on": _iso(event.act_on), "reference": event.reference, "reason": event.reason,
        "legal_basis": event.legal_basis, "evidence_ids": list(event.evidence_ids or []),
        "payload": event.payload or {},
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def seal(plan: Plan, event: PlanEvent) -> None:
    """Link ``event`` after the plan's current head and move the head to it."""
    event.prev_hash = plan.history_head or GENESIS
    event.row_hash = hashlib.sha256(event.prev_hash.encode() + canonical(event)).hexdigest()
    plan.history_head = event.row_hash


@dataclass(frozen=True)
class Finding:
    plan_id: int
    event_id: int | None
    problem: str  # Spanish


def verify(session: Session) -> tuple[int, list[Finding]]:
    """Recompute every chain. Returns (rows checked, findings)."""
    findings: list[Finding] = []
    checked = 0
    heads = dict(session.execute(select(Plan.id, Plan.history_head)).all())
    last: dict[int, str] = {}
    for event in session.scalars(select(PlanEvent).order_by(PlanEvent.plan_id, PlanEvent.id)).yield_per(2000):
        checked += 1
        expected_prev = last.get(event.plan_id, GENESIS)
        if event.row_hash is None:
            findings.append(Finding(event.plan_id, event.id, "fila sin sello de integridad"))
        elif event.prev_hash != expected_prev:
            findings.append(Finding(event.plan_id, event.id,
                                    "la cadena está rota antes de esta fila: falta o se alteró una fila anterior"))
        elif hashlib.sha256(event.prev_hash.encode() + canonical(event)).hexdigest() != event.row_hash:
            findings.append(Finding(event.plan_id, event.id, "el contenido de la fila fue alterado"))
        last[event.plan_id] = event.row_hash or expected_prev
    for plan_id, head in heads.items():
        if (head or GENESIS) != last.get(plan_id, GENESIS):
            findings.append(Finding(plan_id, None, "el último acto registrado no coincide: se borraron filas al final"))
    return checked, findings
