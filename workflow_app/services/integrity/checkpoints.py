"""Signed history checkpoints: every plan's history head (``plans.history_head``, the SHA-256 chain of
``workflow_app/history.py``), signed with an Ed25519 key that lives outside the database (the file named by
``CHECKPOINT_KEY``), published on the public portal, and verifiable offline with
``flask pdt verify-history --checkpoint FILE``.

Once a checkpoint has been downloaded by anyone, rewriting a row it covers is detected even by someone who holds
HISTORY_KEY (who can re-seal rows) or the database (who can rechain them): the signed head no longer appears in
the recomputed chain. Published at least daily (the sweep's scheduler: ``publish_if_due``) and on demand
(``flask pdt checkpoint``). Without CHECKPOINT_KEY the service still runs, logs a warning and publishes nothing;
``checkpoint_status()`` says so (``/salud``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow_app.infra.clock import bogota_day, clock
from workflow_app.infra.extensions import db
from workflow_app.models import HistoryCheckpoint, Plan, PlanEvent

FORMAT = "ruta-pdt-checkpoint/1"
log = logging.getLogger(__name__)


class CheckpointError(Exception):
    """``message`` is Spanish and shown as is."""


# --- The key ------------------------------------------------------------------------------------------------

def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's fingerprint: SHA-256 of its 32 raw bytes (hex), as printed and published."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def create_key_file(path: str | Path) -> tuple[Path, Path, str]:
    """A new Ed25519 key in ``path`` (mode 0600; never overwrites) and its public half in ``path.pub``."""
    path = Path(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CheckpointError(f"{path} ya existe: no se sobrescribe una clave de firma.") from exc
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path = path.with_name(path.name + ".pub")
    public_path.write_text(public_pem(key.public_key()))
    return path, public_path, key_id(key.public_key())


def load_signing_key(path: str | Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CheckpointError(f"No se pudo leer la clave de firma {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} no es una clave Ed25519.")
    return key


def signing_key() -> Ed25519PrivateKey | None:
    """The configured key, or None when CHECKPOINT_KEY is not set (checkpoints are then not published)."""
    path = current_app.config.get("CHECKPOINT_KEY")
    return load_signing_key(path) if path else None


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise CheckpointError("La clave pública no es un PEM válido.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError("La clave pública no es Ed25519.")
    return key


def warn_if_unsigned(config) -> None:
    """At start-up: a production instance without a signing key runs, and says why it publishes nothing."""
    if config.get("ENV_NAME") == "production" and not config.get("CHECKPOINT_KEY"):
        log.warning("CHECKPOINT_KEY no está definida: el servicio no publica puntos de control firmados del "
                    "historial (cree una clave con `flask pdt checkpoint-key`).")


# --- Publishing ---------------------------------------------------------------------------------------------

def current_heads(session: Session) -> dict[int, dict]:
    counts = dict(session.execute(select(PlanEvent.plan_id, func.count()).group_by(PlanEvent.plan_id)).all())
    return {plan_id: {"head": head, "events": counts.get(plan_id, 0)}
            for plan_id, head in session.execute(select(Plan.id, Plan.history_head)
                                                 .where(Plan.history_head.is_not(None)).order_by(Plan.id))}


def publish_checkpoint(session: Session, now: datetime | None = None) -> HistoryCheckpoint:
    key = signing_key()
    if key is None:
        raise CheckpointError("CHECKPOINT_KEY no está definida: no hay con qué firmar el punto de control.")
    now = now or datetime.now(timezone.utc)
    heads = current_heads(session)
    body = json.dumps({
        "format": FORMAT, "instance": current_app.config.get("BASE_URL", ""),
        "created_at": now.astimezone(timezone.utc).isoformat(), "key_id": key_id(key.public_key()),
        "public_key": public_pem(key.public_key()),
        "plans": {str(plan_id): value for plan_id, value in heads.items()},
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    checkpoint = HistoryCheckpoint(created_at=now, key_id=key_id(key.public_key()), plans=len(heads),
                                   events=sum(v["events"] for v in heads.values()), body=body,
                                   signature=key.sign(body.encode()).hex())
    session.add(checkpoint)
    session.commit()
    return checkpoint


def publish_if_due(session: Session, now: datetime) -> HistoryCheckpoint | None:
    """At least one checkpoint a day (Bogotá): the scheduler calls this on every tick; cheap when done."""
    if not current_app.config.get("CHECKPOINT_KEY"):
        return None
    last = latest_checkpoint(session)
    if last is not None and bogota_day(last.created_at) >= bogota_day(now):
        return None
    return publish_checkpoint(session, now)


def checkpoint_job() -> int | None:
    """RQ cron entry (notifications/cron_config.py): runs inside the worker's app context."""
    checkpoint = publish_if_due(db.session, clock().stamp())
    return checkpoint.id if checkpoint else None


def latest_checkpoint(session: Session) -> HistoryCheckpoint | None:
    return session.scalar(select(HistoryCheckpoint).order_by(HistoryCheckpoint.id.desc()).limit(1))


def published_checkpoints(session: Session, limit: int = 60) -> list[HistoryCheckpoint]:
    return session.scalars(select(HistoryCheckpoint).order_by(HistoryCheckpoint.id.desc()).limit(limit)).all()


def checkpoint_file(checkpoint: HistoryCheckpoint) -> str:
    """What is downloaded: the exact signed text and its signature."""
    return json.dumps({"body": checkpoint.body, "signature": checkpoint.signature}, ensure_ascii=False, indent=1)


def checkpoint_status(session: Session | None = None) -> dict:
    """For /salud: whether checkpoints are signed and published, and when the last one was."""
    if not current_app.config.get("CHECKPOINT_KEY"):
        return {"status": "sin_clave", "detail": "CHECKPOINT_KEY no está definida: no se publican puntos de "
                                                 "control firmados del historial."}
    try:
        key = signing_key()
    except CheckpointError as exc:
        return {"status": "clave_ilegible", "detail": exc.args[0]}
    status = {"status": "ok", "key_id": key_id(key.public_key())}
    if session is not None:
        last = latest_checkpoint(session)
        status["last_checkpoint_at"] = last.created_at.isoformat() if last else None
    return status


# --- Verifying a downloaded file ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckedCheckpoint:
    created_at: str
    key_id: str
    heads: dict[int, str]
    trusted: bool  # the key was compared with one the verifier trusts (not only the one inside the file)


def read_checkpoint_file(data: bytes, trusted_keys: list[Ed25519PublicKey] | None = None) -> CheckedCheckpoint:
    """Check the signature of a downloaded checkpoint; the heads it vouches for. Raises CheckpointError."""
    try:
        outer = json.loads(data)
        body_text, signature = outer["body"], bytes.fromhex(outer["signature"])
        body = json.loads(body_text)
        if body.get("format") != FORMAT:
            raise ValueError("format")
        embedded = load_public_key(body["public_key"].encode())
        heads = {int(plan_id): value["head"] for plan_id, value in body["plans"].items()}
    except CheckpointError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError("El archivo no es un punto de control de la Ruta PDT.") from exc
    if key_id(embedded) != body.get("key_id"):
        raise CheckpointError("La huella de la clave no corresponde a la clave incluida en el punto de control.")
    trusted = False
    if trusted_keys:
        if key_id(embedded) not in {key_id(k) for k in trusted_keys}:
            raise CheckpointError("El punto de control está firmado con una clave distinta de la publicada.")
        trusted = True
    try:
        embedded.verify(signature, body_text.encode())
    except InvalidSignature as exc:
        raise CheckpointError("La firma del punto de control no es válida: el archivo fue alterado.") from exc
    return CheckedCheckpoint(body["created_at"], body["key_id"], heads, trusted)
