"""Tamper-evident history, in three layers (docs/RELIABILITY.md, "Historial"):

1. Hash chain: each plan's events are chained with SHA-256 over the previous hash and the row (``row_hash``);
   the head is kept on the plan row. Anyone holding the rows can recompute it; it catches an accidental or
   careless edit, and a deletion in the middle. Rows written before this module had a key still verify here.
2. Keyed seal: ``row_mac`` = HMAC-SHA256(HISTORY_KEY, row_hash). The key lives outside the database, so an
   insider who can write the tables but does not hold the key cannot rewrite a row and re-seal it. Rows
   written before the key existed are vouched for once by ``pdt seal-history`` (one keyed anchor per plan).
3. Signed checkpoints (``services/integrity/checkpoints.py``): every plan's ``row_hash`` head, signed with an Ed25519 key
   and published. A rewrite before a published head is detected even by someone who holds HISTORY_KEY.
4. Anchored heads: every history row also writes the plan's new head into ``history_heads`` (a trigger on
   PostgreSQL; append-only; the runtime role can neither delete from it nor disable its triggers). Deleting the last acts and moving the plan's head
   back, between two checkpoints, leaves an anchored head the chain no longer reaches.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from workflow_app.models import HistoryAnchor, HistoryHead, Plan, PlanEvent, utcnow

GENESIS = "0" * 64
ANCHOR_SCOPE = "all"  # the global anchor (plan_id NULL): the sealing happened once


def _iso(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):  # the same instant reads back in the session's time zone: normalise
        if value.tzinfo is None:  # SQLite hands back naive UTC
            value = value.replace(tzinfo=timezone.utc)
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


def chain_hash(prev_hash: str, event: PlanEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(event)).hexdigest()


def row_mac(key: str, row_hash: str) -> str:
    return hmac.new(key.encode(), b"pdt-history-row:" + row_hash.encode(), hashlib.sha256).hexdigest()


def anchor_mac(key: str, plan_id: int | None, last_event_id: int, head: str) -> str:
    scope = ANCHOR_SCOPE if plan_id is None else str(plan_id)
    message = f"pdt-history-anchor:{scope}:{last_event_id}:{head}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def seal(plan: Plan, event: PlanEvent, key: str) -> None:
    """Link ``event`` after the plan's current head, seal it with the key and move the head to it."""
    event.prev_hash = plan.history_head or GENESIS
    event.row_hash = chain_hash(event.prev_hash, event)
    event.row_mac = row_mac(key, event.row_hash)
    plan.history_head = event.row_hash
    # The head is anchored in ``history_heads`` in the act's own transaction: on PostgreSQL by a trigger on the
    # history's INSERT (any writer, no statement of its own); on SQLite (the trial instance) here.
    session = object_session(plan)
    if session is not None and session.get_bind().dialect.name != "postgresql":
        session.add(HistoryHead(plan_id=plan.id, head=event.row_hash, created_at=event.occurred_at or utcnow()))


@dataclass(frozen=True)
class Finding:
    plan_id: int
    event_id: int | None
    problem: str  # Spanish


def verify(session: Session, key: str | None, checkpoint_heads: Mapping[int, str] | None = None
           ) -> tuple[int, list[Finding]]:
    """Recompute every chain; check every seal when ``key`` is given; and, given a checkpoint's heads
    ({plan_id: row_hash}), that each signed head is still a row of its plan's intact chain.
    Returns (rows checked, findings)."""
    findings: list[Finding] = []
    checked = 0
    heads = dict(session.execute(select(Plan.id, Plan.history_head)).all())
    anchors = _valid_anchors(session, key, findings) if key else {}
    last: dict[int, str] = {}
    seen: dict[int, set[str]] = {}
    broken: set[int] = set()
    for event in session.scalars(select(PlanEvent).order_by(PlanEvent.plan_id, PlanEvent.id)).yield_per(2000):
        checked += 1
        expected_prev = last.get(event.plan_id, GENESIS)
        problem = _row_problem(event, expected_prev, key, anchors)
        if problem:
            findings.append(Finding(event.plan_id, event.id, problem))
            broken.add(event.plan_id)
        elif event.plan_id not in broken:
            seen.setdefault(event.plan_id, set()).add(event.row_hash)
        last[event.plan_id] = event.row_hash or expected_prev
    for plan_id, head in heads.items():
        if (head or GENESIS) != last.get(plan_id, GENESIS):
            findings.append(Finding(plan_id, None, "el último acto registrado no coincide: se borraron filas al final"))
    reported: set[int] = set()
    for plan_id, anchored in session.execute(select(HistoryHead.plan_id, HistoryHead.head)
                                             .order_by(HistoryHead.id)).yield_per(5000):
        if plan_id not in broken and plan_id not in reported and anchored not in seen.get(plan_id, set()):
            reported.add(plan_id)
            findings.append(Finding(plan_id, None, "el historial ya no contiene un acto cuya cabeza quedó anclada al "
                                                   "registrarlo: se borraron actos al final y se movió la cabeza"))
    for plan_id, signed_head in (checkpoint_heads or {}).items():
        if signed_head not in seen.get(plan_id, set()):
            findings.append(Finding(plan_id, None, "el historial ya no contiene el último acto firmado en el punto de "
                                                   "control: fue reescrito o borrado después de publicarse"))
    return checked, findings


def _row_problem(event: PlanEvent, expected_prev: str, key: str | None, anchors: dict) -> str | None:
    if event.row_hash is None:
        return "fila sin sello de integridad"
    if event.prev_hash != expected_prev:
        return "la cadena está rota antes de esta fila: falta o se alteró una fila anterior"
    if chain_hash(event.prev_hash, event) != event.row_hash:
        return "el contenido de la fila fue alterado"
    if key is None:
        return None
    if event.row_mac is None:
        anchor = anchors.get(event.plan_id)
        if anchor is None or event.id > anchor.last_event_id:
            return ("fila sin sello con clave: escrita sin HISTORY_KEY o alterada (si acaba de actualizar el "
                    "servicio, ejecute una vez `flask pdt seal-history`)")
        if event.id == anchor.last_event_id and event.row_hash != anchor.head:
            return "la fila no coincide con la sellada al adoptar la clave: el historial anterior fue reescrito"
        return None
    if not hmac.compare_digest(event.row_mac, row_mac(key, event.row_hash)):
        return "el sello con clave de la fila no corresponde: la fila fue reescrita sin la clave del historial"
    return None


def _valid_anchors(session: Session, key: str, findings: list[Finding]) -> dict[int, HistoryAnchor]:
    valid = {}
    for anchor in session.scalars(select(HistoryAnchor).where(HistoryAnchor.plan_id.is_not(None))):
        if hmac.compare_digest(anchor.mac, anchor_mac(key, anchor.plan_id, anchor.last_event_id, anchor.head)):
            valid[anchor.plan_id] = anchor
        else:
            findings.append(Finding(anchor.plan_id, None, "el ancla del historial anterior a la clave es falsa"))
    return valid


class AlreadySealed(Exception):
    """``pdt seal-history`` runs once; ``message`` is Spanish."""


def seal_legacy(session: Session, key: str, now: datetime) -> int:
    """Vouch once, with the key, for the rows written before it existed (each plan's chain must be intact).
    Returns the number of plans anchored. Refuses to run twice: a later unsealed row is an alteration."""
    existing = session.scalar(select(HistoryAnchor).where(HistoryAnchor.plan_id.is_(None)))
    if existing is not None:
        raise AlreadySealed("El historial anterior a la clave ya se selló; una fila sin sello posterior es una "
                            "alteración, no se vuelve a sellar.")
    _, findings = verify(session, None)
    if findings:
        raise AlreadySealed(f"El historial tiene {len(findings)} hallazgo(s): corríjalos antes de sellarlo.")
    last_unsealed: dict[int, tuple[int, str]] = {}
    for plan_id, event_id, head in session.execute(
            select(PlanEvent.plan_id, PlanEvent.id, PlanEvent.row_hash).where(PlanEvent.row_mac.is_(None))
            .order_by(PlanEvent.plan_id, PlanEvent.id)):
        last_unsealed[plan_id] = (event_id, head)
    for plan_id, (event_id, head) in last_unsealed.items():
        session.add(HistoryAnchor(plan_id=plan_id, last_event_id=event_id, head=head,
                                  mac=anchor_mac(key, plan_id, event_id, head), created_at=now))
    top = session.scalar(select(PlanEvent.id).order_by(PlanEvent.id.desc()).limit(1)) or 0
    session.add(HistoryAnchor(plan_id=None, last_event_id=top, head=GENESIS,
                              mac=anchor_mac(key, None, top, GENESIS), created_at=now))
    session.commit()
    return len(last_unsealed)
