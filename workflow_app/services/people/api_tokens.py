"""Personal API tokens: shown once, stored as SHA-256, revocable; a token sees what its user may see."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from workflow_app.models import ApiToken, User

TOKEN_PREFIX = "pdt_"
MAX_ACTIVE_TOKENS = 10
LAST_USED_RESOLUTION = timedelta(minutes=5)  # do not write on every request


class TokenRefused(Exception):
    """``message`` is Spanish and shown as is."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_tokens(session: Session, user: User) -> list[ApiToken]:
    return session.scalars(select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc())).all()


def create_token(session: Session, user: User, label: str) -> tuple[ApiToken, str]:
    """A new token; the plain value is returned once and never stored."""
    count = session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    if count >= MAX_ACTIVE_TOKENS:
        raise TokenRefused(f"Ya tiene {MAX_ACTIVE_TOKENS} tokens activos; revoque alguno antes de crear otro.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, label=label.strip()[:120], token_sha256=digest(plain))
    session.add(token)
    session.commit()
    return token, plain


def revoke_token(session: Session, user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise TokenRefused("Ese token no existe o no es suyo.")
    if token.revoked_at is None:
        token.revoked_at = now or datetime.now(timezone.utc)
        session.commit()
    return token


def revoke_all_tokens(session: Session, user: User, now: datetime | None = None) -> int:
    """Every active token of ``user`` dies (a password change or reset, a deactivation): written in the caller's
    transaction, so a later reactivation brings none back. Returns how many were revoked."""
    result = session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                             .values(revoked_at=now or datetime.now(timezone.utc)))
    return result.rowcount or 0


def user_for_token(session: Session, plain: str, now: datetime | None = None) -> User | None:
    """The active user behind a valid, unrevoked token; None otherwise."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    # The token, its user and the user's memberships (what authorises an act) in one query.
    token = session.scalars(select(ApiToken).filter_by(token_sha256=digest(plain))
                            .options(joinedload(ApiToken.user).joinedload(User.memberships))).unique().first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = now or datetime.now(timezone.utc)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.commit()
    return token.user
