"""A checked PDF sent on a form that came back with an error (an act's, a document's correction), held so the
person need not send it again.

Browsers never refill a file input: a form that comes back with an error (a date to mend, a refusal of the
law) used to ask for the PDF again, and on a weak rural connection a scanned acta of a few megabytes costs
minutes each time. When the PDF itself passed its check, its bytes are held here, in the database (every host
of a deployment reads the same row), under a random token of which only the SHA-256 is stored. The hold is
bound to the person, the plan and the act (``act_key``) and lasts ``HOLD_FOR``; the form carries the token in a
hidden field. The next send without a new file takes the held bytes, which go through the act's usual evidence
path (checked again, stored, sealed in the history); a new file replaces the hold, and a used, replaced or
expired hold is deleted (by the next hold, and by the sweep). Each hold is written on a connection of its own,
so it never joins (or commits) the request's transaction, which an act refused has just rolled back.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, insert, or_, select

from workflow_app.infra.extensions import db
from workflow_app.models import HeldEvidence
from workflow_app.services.route.documents import clean_filename

#: Long enough to look up a decree number or ask a colleague; short enough that nothing lingers.
HOLD_FOR = timedelta(hours=2)
HOLD_HOURS = int(HOLD_FOR.total_seconds() // 3600)
_TABLE = HeldEvidence.__table__


@dataclass(frozen=True)
class HeldFile:
    token: str
    filename: str
    size_bytes: int
    data: bytes


def act_key(machine: str, subject: str | None, trigger: str) -> str:
    """The act a hold belongs to: its machine, sub-procedure and trigger (as in the act form's address)."""
    return f"{machine}/{subject or '-'}/{trigger}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)  # real time: a hold expires for the person, whatever day training simulates


def remove_expired() -> int:
    """Remove the holds past ``HOLD_FOR`` (the sweep; each new hold also does): the number removed."""
    with db.engine.begin() as connection:
        return connection.execute(delete(_TABLE).where(_TABLE.c.held_at < _now() - HOLD_FOR)).rowcount


def hold(*, user_id: int, plan_id: int, act: str, filename: str, data: bytes) -> HeldFile:
    """Hold ``data`` (a PDF that passed its check) for the person's next send of this act. Replaces their earlier
    hold for the same act; removes every expired hold."""
    token, now = secrets.token_urlsafe(32), _now()
    name = clean_filename(filename)
    with db.engine.begin() as connection:
        connection.execute(delete(_TABLE).where(or_(
            _TABLE.c.held_at < now - HOLD_FOR,
            (_TABLE.c.user_id == user_id) & (_TABLE.c.plan_id == plan_id) & (_TABLE.c.act == act))))
        connection.execute(insert(_TABLE).values(token_sha256=_digest(token), user_id=user_id, plan_id=plan_id,
                                                 act=act, filename=name, size_bytes=len(data), data=data,
                                                 held_at=now))
    return HeldFile(token, name, len(data), data)


def held(token: str, *, user_id: int, plan_id: int, act: str) -> HeldFile | None:
    """The person's held PDF for this act under ``token``; None when there is none (expired, used, replaced, or
    the token is another person's, plan's or act's)."""
    if not token or len(token) > 100:
        return None
    with db.engine.connect() as connection:
        row = connection.execute(
            select(_TABLE.c.filename, _TABLE.c.size_bytes, _TABLE.c.data)
            .where(_TABLE.c.token_sha256 == _digest(token), _TABLE.c.user_id == user_id,
                   _TABLE.c.plan_id == plan_id, _TABLE.c.act == act, _TABLE.c.held_at >= _now() - HOLD_FOR)).first()
    return HeldFile(token, row.filename, row.size_bytes, bytes(row.data)) if row is not None else None


def release(token: str) -> None:
    """The hold was used (the act is recorded) or replaced: its bytes go."""
    with db.engine.begin() as connection:
        connection.execute(delete(_TABLE).where(_TABLE.c.token_sha256 == _digest(token)))
