"""People's accounts: invitations, single-use links to set one's own password, password rules, sign-in.

Nobody types or sees another person's password: every account is created without one, and its owner chooses it
from an e-mailed link, the same kind of link that "¿Olvidó su contraseña?" sends. A link is ``<id>.<mac>``: the
row keeps a random salt and the MAC is computed under ``SECRET_KEY``, so reading the database (or a log) gives no
usable link; the e-mail is written by the delivery job when it renders the message.

Sign-in takes the same time for an unknown address as for a known one (a real scrypt check against a dummy
hash); a password change, a reset and a deactivation end every open session of the person and revoke every API
token.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import Select, bindparam, func, select, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Subquery
from werkzeug.security import check_password_hash, generate_password_hash

from state_machines.core.roles import ROLE_LABELS, Role, side_conflict
from workflow_app.infra.database.as_loaded import RowLoader
from workflow_app.infra.jobs import enqueue_after_commit
from workflow_app.infra.proxy import public_base_url
from workflow_app.infra.sessions import end_all_sessions
from workflow_app.models import (
    UNUSABLE_PASSWORD,
    AccountToken,
    Delivery,
    Entity,
    EnvironmentalAuthority,
    Membership,
    User,
)
from workflow_app.permissions import LEAD_ROLES, can_add_role_to, can_invite, can_manage_person
from workflow_app.services.outbox import DELIVER_JOB
from workflow_app.services.people.api_tokens import revoke_all_tokens
from workflow_app.services.people.people_log import record_people_change

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "reference_data" / "common_passwords.txt"
_EDGE_CHARACTERS = string.digits + string.punctuation + " ¡¿"
MAX_PASSWORD_LENGTH = 200


class AccountError(ValueError):
    """A refusal a person sees, tied to one form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def email_problem(email: str, new: bool = False) -> str | None:
    """The one check of an address for every door it comes in by: sign-in, "¿Olvidó su contraseña?",
    invitations and the officials' import. It is the check sign-in applies (``email_validator``, as WTForms'
    ``Email()``), so an address accepted anywhere can sign in and receive its link. ``new``: an address an account
    is given (invitations, the import), which must also be written in ASCII; sign-in does not ask it, so that no
    account made before is locked out. Spanish reason, or None."""
    email = (email or "").strip()
    if not email or len(email) > 254:
        return "no es un correo electrónico válido"
    if new and not email.isascii():
        # «v5@exаmple.org» with a Cyrillic «а» reads as a real address in «Personas», and its invitation went out
        # with a malformed To: header (QA, trust lens, December 2026); the entities' addresses are ASCII.
        return ("tiene letras con tilde o de otro alfabeto: escríbalo solo con letras sin tilde, números y signos, "
                "por ejemplo nombre@alcaldia.gov.co")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        domain = email.rsplit("@", 1)[-1].lower().rstrip(".")
        if domain.rsplit(".", 1)[-1] in SPECIAL_USE_DOMAIN_NAMES:
            return (f"el dominio «{domain}» es de uso reservado y no recibe correo: escriba la dirección real, por "
                    "ejemplo nombre@alcaldia.gov.co")
        return "no es un correo electrónico válido"
    return None


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


# --- Passwords ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_repetition(text: str) -> bool:
    return any(len(text) % size == 0 and text[:size] * (len(text) // size) == text
               for size in range(1, len(text) // 2 + 1))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is refused (Spanish), or None. Length first, then the easy guesses."""
    minimum = int(current_app.config.get("PASSWORD_MIN_LENGTH") or 12)
    if len(password) < minimum:
        return f"Use al menos {minimum} caracteres; una frase de varias palabras es fácil de recordar."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use como máximo {MAX_PASSWORD_LENGTH} caracteres."
    lowered = password.lower()
    core = lowered.strip(_EDGE_CHARACTERS)
    common = common_passwords()
    if lowered in common or core in common or not core or (_is_repetition(core) and core[: len(core) // 2] in common):
        return ("Esa contraseña está entre las más usadas y se adivina en segundos. Elija otra, por ejemplo una "
                "frase de tres o cuatro palabras.")
    if _is_repetition(lowered) or len(set(lowered)) < 5:
        return "La contraseña repite muy pocos caracteres distintos. Elija otra."
    local = normalise_email(email).split("@")[0]
    if local and len(local) >= 4 and local in lowered:
        return "No use su correo electrónico como parte de la contraseña."
    for word in (name or "").lower().split():
        if len(word) >= 4 and core == word:
            return "No use su nombre como contraseña."
    return None


def _dummy_hash() -> str:
    """A real scrypt hash of a random password: checked when the account does not exist (or has no password
    yet), so the answer takes as long as for a real account (same method, so the same work factor)."""
    return _dummy_hash_made_with(User.password_hash_method)


@lru_cache(maxsize=2)
def _dummy_hash_made_with(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def warm_up() -> None:
    _dummy_hash()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account whose password this is, or None. Same work (one scrypt check) whether or not it exists."""
    user = find_user_by_email(session, email)
    if user is None or not user.has_password:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def _end_sessions(session: Session, user: User) -> None:
    """Every session opened before now is dead, even one the store could not reach (Redis down)."""
    user.sessions_valid_after = _now()


def end_sessions_everywhere(session: Session, user: User) -> None:
    """"Cerrar sesión en todos los equipos" (and sign-out when the shared store did not answer)."""
    _end_sessions(session, user)
    session.commit()
    end_all_sessions(user.id)


log = logging.getLogger(__name__)
MEMBERSHIP_FIELDS = ("id", "user_id", "role", "entity_id", "authority_code", "is_lead")


MEMBERSHIPS_AS_LOADED = RowLoader(Membership, MEMBERSHIP_FIELDS)  # an adviser's twenty memberships from the
#                                                                    copy cost as much as the rest of the frame


def signed_in_user(session: Session, user_id: int) -> User | None:
    """The person of a session, with their memberships, in one query of the ``users`` row: the memberships come
    from the row's copy (``User.memberships_cache``), put into the session as persistent objects without a query
    (their ``entity`` still loads on demand). Without a valid copy, they are read once and the copy stored, on a
    connection of its own, only if no change of memberships (which moves ``memberships_version``) came between.
    The row is read on the connection as ``signed_in_user_with`` reads it; a person the session already holds (the
    request's signed-in person, when they act) is not read again, as ``session.get`` would not."""
    user = session.identity_map.get(PERSON_AS_LOADED.key(user_id))
    if user is None:
        row = session.connection().execute(_person_alone(), {"signed_in_id": user_id}).first()
        user = PERSON_AS_LOADED.load(session, tuple(row)) if row is not None else None
    return _with_memberships(session, user)


PERSON_AS_LOADED = RowLoader(User)


@lru_cache(maxsize=8)
def _person_with(alongside: Subquery) -> Select:
    """Built once per subquery: composing it on every page cost more Python than running it. The person's
    columns as plain columns: the row is read on the connection, below the ORM (``infra.database.as_loaded``)."""
    return (select(*PERSON_AS_LOADED.columns, *alongside.c).outerjoin(alongside, true())
            .where(User.id == bindparam("signed_in_id")))


@lru_cache(maxsize=1)
def _person_alone() -> Select:
    return select(*PERSON_AS_LOADED.columns).where(User.id == bindparam("signed_in_id"))


def signed_in_user_with(session: Session, user_id: int, alongside: Subquery, params: dict
                        ) -> tuple[User | None, list[tuple]]:
    """``signed_in_user``, with the rows of ``alongside`` (a subquery bound by ``params``) read in the same
    statement, outer-joined to the person's row: what every page of the person asks besides them (the menu's
    unread figure, which the web layer above passes) costs no statement of its own."""
    rows = session.connection().execute(_person_with(alongside), {**params, "signed_in_id": user_id}).all()
    if not rows:
        return None, []
    width = len(PERSON_AS_LOADED.fields)
    user = PERSON_AS_LOADED.load(session, tuple(rows[0])[:width])
    return _with_memberships(session, user), [tuple(row)[width:] for row in rows]


def _with_memberships(session: Session, user: User | None) -> User | None:
    if user is None:
        return None
    if user.memberships_cache is not None:
        set_committed_value(user, "memberships", [MEMBERSHIPS_AS_LOADED.load(session, data)
                                                  for data in json.loads(user.memberships_cache)])
        return user
    version = user.memberships_version
    copy = json.dumps([[getattr(m, f) for f in MEMBERSHIP_FIELDS] for m in user.memberships])
    unchanged = select(User.id).where(User.id == user.id, User.memberships_version == version)
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        unchanged = unchanged.with_for_update(skip_locked=True)  # a row being changed: never wait, skip the copy
    try:
        with engine.begin() as connection:
            connection.execute(update(User).where(User.id.in_(unchanged)).values(memberships_cache=copy))
    except OperationalError as exc:  # SQLite busy: the copy is only a shortcut, the next request stores it
        log.info("Copia de membresías no guardada (%s)", exc)
    return user


def session_is_current(user: User, opened_at: datetime) -> bool:
    return user.sessions_valid_after is None or _aware(opened_at) > _aware(user.sessions_valid_after)


def change_password(session: Session, user: User, current: str, new: str, confirm: str) -> None:
    """From the account page. Ends every session of the person (the caller opens a fresh one for this browser)."""
    if not user.check_password(current or ""):
        raise AccountError("current_password", "La contraseña actual no es correcta.")
    _set_password(session, user, new, confirm)
    session.commit()
    end_all_sessions(user.id)


def _set_password(session: Session, user: User, new: str, confirm: str) -> None:
    if new != confirm:
        raise AccountError("confirm", "Las dos contraseñas no coinciden.")
    problem = password_problem(new or "", email=user.email, name=user.name)
    if problem:
        raise AccountError("password", problem)
    user.set_password(new)
    now = _now()
    user.password_changed_at = now
    _end_sessions(session, user)
    revoke_all_tokens(session, user, now)  # a stolen token dies with the password it was made under
    # Any other link still open for this person dies with the change.
    session.execute(update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
                    .values(used_at=now))


# --- Links ----------------------------------------------------------------------------------------------------

INVITATION, RESET = "invitation", "reset"


def _mac(token: AccountToken) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{token.id}:{token.purpose}:{token.user_id}:{token.salt}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_string(token: AccountToken) -> str:
    return f"{token.id}.{_mac(token)}"


def token_link(token: AccountToken) -> str:
    return f"{public_base_url()}/cuenta/clave/{token_string(token)}"


def issue_token(session: Session, user: User, purpose: str, created_by: User | None = None) -> AccountToken:
    """A new link for ``user``. A new invitation replaces the earlier ones; a reset link does not cancel earlier
    reset links (a stranger asking for the person's reset must not kill the link the person is about to open): each
    is single-use, expires in ``PASSWORD_RESET_MINUTES``, and using any one closes them all. Its e-mail goes out
    through the outbox after the caller's commit."""
    now = _now()
    if purpose == INVITATION:
        session.execute(update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                                                   AccountToken.used_at.is_(None)).values(used_at=now))
    lifetime = (timedelta(hours=int(current_app.config.get("INVITATION_HOURS") or 168)) if purpose == INVITATION
                else timedelta(minutes=int(current_app.config.get("PASSWORD_RESET_MINUTES") or 60)))
    token = AccountToken(user_id=user.id, purpose=purpose, salt=secrets.token_hex(16), created_at=now,
                         expires_at=now + lifetime, created_by_id=created_by.id if created_by else None)
    session.add(token)
    session.flush()
    subject = ("Su cuenta en Ruta PDT: elija su contraseña" if purpose == INVITATION
               else "Ruta PDT: enlace para cambiar su contraseña")
    delivery = Delivery(channel="email", recipient=user.email, delivery_key=f"account:{token.id}",
                        status="pending", subject=subject, account_token_id=token.id)
    session.add(delivery)
    session.flush()
    enqueue_after_commit(session, DELIVER_JOB, delivery.id)
    return token


def find_token(session: Session, raw: str) -> AccountToken | None:
    """The row behind a link, if its MAC is right (compared in constant time); None for anything else."""
    id_part, _, mac = (raw or "").partition(".")
    if not id_part.isdigit() or len(id_part) > 12 or not mac or len(mac) > 64:
        return None
    token = session.get(AccountToken, int(id_part))
    if token is None or not hmac.compare_digest(mac.encode(), _mac(token).encode()):
        return None
    return token


BAD_LINK = ("Este enlace no es válido. Copie el enlace completo del correo o pida uno nuevo en «¿Olvidó su "
            "contraseña?».")


def link_problem(token: AccountToken | None) -> str | None:
    if token is None:
        return BAD_LINK
    if token.used_at is not None:
        return ("Este enlace ya se usó o fue reemplazado por uno más reciente. Si necesita otro, pídalo en "
                "«¿Olvidó su contraseña?».")
    if _aware(token.expires_at) <= _now():
        return "Este enlace venció. Pida uno nuevo en «¿Olvidó su contraseña?»."
    if not token.user.is_active_account:
        return "Esta cuenta está desactivada. Pida ayuda a quien administra su entidad."
    return None


def set_password_from_link(session: Session, raw: str, password: str, confirm: str) -> User:
    """Use a link once: set the password, end every session, close every other link of the person."""
    token = find_token(session, raw)
    problem = link_problem(token)
    if problem:
        raise AccountError("link", problem)
    user = token.user
    if password != confirm:
        raise AccountError("confirm", "Las dos contraseñas no coinciden.")
    problem = password_problem(password or "", email=user.email, name=user.name)
    if problem:
        raise AccountError("password", problem)
    # Claim the link before anything else: two tabs sending it at once, only the first UPDATE matches the row.
    claimed = session.execute(update(AccountToken).where(AccountToken.id == token.id,
                                                         AccountToken.used_at.is_(None)).values(used_at=_now()))
    if claimed.rowcount != 1:
        session.rollback()
        raise AccountError("link", link_problem(session.get(AccountToken, token.id)) or BAD_LINK)
    _set_password(session, user, password, confirm)  # closes the person's other links too
    session.commit()
    end_all_sessions(user.id)
    return user


def request_password_reset(session: Session, email: str) -> None:
    """"¿Olvidó su contraseña?": runs as a job, so the page answers at once and the same for every address.
    Sends a link only to an existing, active account; otherwise does nothing (and says nothing)."""
    user = find_user_by_email(session, email)
    if user is None or not user.is_active_account:
        session.rollback()
        return
    issue_token(session, user, RESET)
    session.commit()


# --- People ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invite:
    email: str
    name: str
    role: str
    dane_code: str | None = None
    authority_code: str | None = None
    is_lead: bool = False


#: An existing account with a role the inviter does not administer (``permissions.can_add_role_to``).
NOT_YOURS_TO_ADD = ("Esa dirección ya pertenece a una cuenta con otros roles, que su cuenta no administra: no se le "
                    "agregó el rol. Si esa persona debe tenerlo, pídalo al administrador del servicio.")


@dataclass(frozen=True)
class InviteOutcome:
    user: User
    status: str  # created (new account), added (new role of an existing account), present (nothing to do)


def held_roles(user: User, entity_id: int) -> list[str]:
    """The roles ``user`` holds on the entity ``entity_id``."""
    return [m.role for m in user.memberships if m.entity_id == entity_id]


def refuse_side_conflict(user: User, role: str, entity_id: int | None) -> None:
    """``roles.side_conflict``: one person never holds two sides of the same entity's route (the administration,
    its CTP, its concejo or asamblea); from every path that gives a role (Personas, the administration, files)."""
    if entity_id is None:
        return
    if why := side_conflict(held_roles(user, entity_id), role):
        raise AccountError("role", why[0].upper() + why[1:] + ".")


def resolve_scope(session: Session, role: str, dane_code: str | None, authority_code: str | None
                  ) -> tuple[int | None, str | None]:
    """(entity id, authority code) of a membership; ``AccountError`` when it does not exist."""
    if role not in {r.value for r in Role if r is not Role.SISTEMA}:
        raise AccountError("role", "Rol desconocido. Use uno de: " + ", ".join(
            r.value for r in Role if r is not Role.SISTEMA) + ".")
    if role == Role.ADMIN.value:
        return None, None
    if role == Role.CAR.value:
        code = (authority_code or "").strip().upper()
        if not code or session.get(EnvironmentalAuthority, code) is None:
            raise AccountError("authority_code", "Esa autoridad ambiental no existe. Use su sigla, por ejemplo CRQ.")
        return None, code
    dane = (dane_code or "").strip()
    entity = session.scalar(select(Entity).filter_by(dane_code=dane)) if dane else None
    if entity is None:
        raise AccountError("dane_code", "No hay una entidad con ese código DANE (5 dígitos para un municipio, 2 "
                                        "para un departamento).")
    return entity.id, None


def invite_person(session: Session, actor: User | None, invite: Invite) -> InviteOutcome:
    """Create the account (or add the role to an existing one) and queue its invitation. No commit: the caller
    commits once (one person from a page, or a whole file all-or-nothing). ``actor`` None: the command line."""
    email = normalise_email(invite.email)
    name = " ".join((invite.name or "").split())
    if problem := email_problem(email, new=True):
        raise AccountError("email", f"Escriba un correo electrónico válido: {problem}.")
    if not name or len(name) > 200:
        raise AccountError("name", "Escriba el nombre completo (hasta 200 caracteres).")
    entity_id, authority = resolve_scope(session, invite.role, invite.dane_code, invite.authority_code)
    is_lead = bool(invite.is_lead) and invite.role in LEAD_ROLES
    if actor is not None and not can_invite(actor, invite.role, entity_id, authority, is_lead):
        raise AccountError("role", "Su cuenta no puede invitar a alguien con ese rol en esa entidad.")
    user = find_user_by_email(session, email)
    if user is not None:
        existing = session.scalar(select(Membership).filter_by(user_id=user.id, role=invite.role,
                                                               entity_id=entity_id, authority_code=authority))
        if existing is not None:
            return InviteOutcome(user, "present")
        # The sides first: sending a leader to the administrator (NOT_YOURS_TO_ADD) for a role nobody may give
        # would waste both their time. The roles it names are in the leader's own entity.
        refuse_side_conflict(user, invite.role, entity_id)
        if actor is not None and not can_add_role_to(actor, user):
            raise AccountError("email", NOT_YOURS_TO_ADD)
        membership = Membership(user_id=user.id, role=invite.role, entity_id=entity_id, authority_code=authority,
                                is_lead=is_lead)
        session.add(membership)
        session.flush()
        record_people_change(session, actor=actor, target=user, action="grant", membership=membership,
                             detail="líder" if is_lead else "")
        return InviteOutcome(user, "added")
    user = User(email=email, name=name, password_hash=UNUSABLE_PASSWORD)
    session.add(user)
    session.flush()
    membership = Membership(user_id=user.id, role=invite.role, entity_id=entity_id, authority_code=authority,
                            is_lead=is_lead)
    session.add(membership)
    session.flush()
    issue_token(session, user, INVITATION, created_by=actor)
    record_people_change(session, actor=actor, target=user, action="invite", membership=membership,
                         detail="líder" if is_lead else "")
    return InviteOutcome(user, "created")


def resend_invitation(session: Session, actor: User, target: User) -> AccountToken:
    if not can_manage_person(actor, target):
        raise AccountError("user", "Su cuenta no administra a esta persona.")
    purpose = INVITATION if not target.has_password else RESET
    token = issue_token(session, target, purpose, created_by=actor)
    record_people_change(session, actor=actor, target=target, action="send_link",
                         detail="invitación" if purpose == INVITATION else "cambio de contraseña")
    session.commit()
    return token


def set_active(session: Session, actor: User | None, target: User, is_active: bool) -> None:
    """Activate or deactivate an account; deactivating ends every open session and closes its links."""
    if actor is not None:
        if actor.id == target.id:
            raise AccountError("user", "No puede desactivar su propia cuenta.")
        if not can_manage_person(actor, target):
            raise AccountError("user", "Su cuenta no administra a esta persona.")
    if target.is_active_account != is_active:
        record_people_change(session, actor=actor, target=target, action="reactivate" if is_active else "deactivate")
    target.is_active_account = is_active
    if not is_active:
        _end_sessions(session, target)
        revoke_all_tokens(session, target)  # a reactivation brings none back: the person makes new ones
        session.execute(update(AccountToken).where(AccountToken.user_id == target.id,
                                                   AccountToken.used_at.is_(None)).values(used_at=_now()))
    session.commit()
    if not is_active:
        end_all_sessions(target.id)


def create_first_admin(session: Session, email: str, name: str) -> AccountToken:
    """``flask pdt create-admin``: the first administrator, invited like everyone else. Refuses an address that
    already has an account."""
    if find_user_by_email(session, email) is not None:
        raise AccountError("email", f"Ya existe una cuenta con el correo {normalise_email(email)}: no se creó otra. "
                                    "Si esa persona perdió el acceso, use «¿Olvidó su contraseña?» en /login.")
    outcome = invite_person(session, None, Invite(email=email, name=name, role=Role.ADMIN.value))
    token = session.scalar(select(AccountToken).where(AccountToken.user_id == outcome.user.id,
                                                      AccountToken.used_at.is_(None)))
    session.commit()
    return token


def describe_memberships(user: User) -> str:
    """"Secretaría de planeación (líder del equipo) de Génova (Quindío)" — for e-mails and lists. A role held in
    several places is said once, with its places («Asesor DNP o gobernación — Armenia, Calarcá y Génova»): an
    adviser's invitation repeated the role 32 times (QA, 7 December 2026)."""
    grouped: dict[str, list[str]] = {}
    for m in sorted(user.memberships, key=_said_order):  # the same text whatever order the rows came in
        places = grouped.setdefault(ROLE_LABELS[m.role_enum], [])
        if place := _place_of(m):
            places.append(place)
    return "; ".join(f"{label} — {_listed(places)}" if places else label for label, places in grouped.items())


_ROLE_ORDER = {role: i for i, role in enumerate(Role)}


def _said_order(m: Membership) -> tuple:
    """Roles in their table's order, each one's places in Spanish order (the entities' ``sort_key``), then the
    environmental authorities' codes."""
    entity = m.entity
    return (_ROLE_ORDER[m.role_enum], entity is None, entity.sort_key if entity else "",
            entity.display_name if entity else "", m.authority_code or "")


def describe_membership(m: Membership) -> str:
    place = _place_of(m)
    return f"{ROLE_LABELS[m.role_enum]} — {place}" if place else ROLE_LABELS[m.role_enum]


def _place_of(m: Membership) -> str:
    """Where the role is held («Génova (Quindío) (líder)», «CRQ»), or "" for a role without a place."""
    where = m.entity.display_name if m.entity is not None else m.authority_code
    return f"{where}{' (líder)' if m.is_lead else ''}" if where else ""


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]
