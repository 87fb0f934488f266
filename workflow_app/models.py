"""Data model. State columns hold readable strings; history is append-only."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import ClassVar

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

from state_machines.approval.flags import flag_label
from state_machines.approval.pdt import PDT_STATES
from state_machines.approval.regimes import ORDINARY, ExceptionalRegime
from state_machines.approval.route import current_flags, presumed_posesion
from state_machines.approval.submachines import SUBMACHINES
from state_machines.core.roles import Role
from state_machines.core.wording import EXECUTIVE_TITLES, Wording, default_title, of_department, place_name
from state_machines.corporation.sanction import sanction_law
from state_machines.corporation.sessions import BOGOTA, BOGOTA_DANE_CODE
from state_machines.phase2 import PHASE2_MACHINES
from workflow_app.infra.extensions import db
from workflow_app.reference_data import names

ENTITY_KINDS = ("municipio", "distrito", "departamento")
FISCAL_CATEGORIES = ("especial", "1", "2", "3", "4", "5", "6")  # Ley 617 de 2000 art. 1 (municipios), art. 6
ROLE_VALUES = tuple(r.value for r in Role if r is not Role.SISTEMA)


class UtcDateTime(TypeDecorator):
    """An instant, always read back time-zone aware (UTC). PostgreSQL keeps the zone; SQLite (the trial instance
    of `make run`) hands back naive values, which compared with an aware "now" raised TypeError (a 500 on an API
    token's second use)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """An aware instant is written in UTC: SQLite keeps a datetime's wall clock and drops its zone, so a
        Bogotá time (``clock().now()``) came back five hours early, read as UTC (QA: a Lista de Chequeo reply at
        10:26 shown «5:26 a. m.»). PostgreSQL converts by itself; a naive value is already UTC here."""
        if value is not None and value.tzinfo is not None:
            return value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


@lru_cache(maxsize=4096)
def _wording(kind: str, name: str, executive_title: str | None, dane_code: str | None = None) -> Wording:
    """An entity's words from its columns (pure: pages ask for them dozens of times a request)."""
    return Wording(kind, place_name(name), executive_title or default_title(kind),
                   BOGOTA if dane_code == BOGOTA_DANE_CODE else None)


def entity_wording(kind: str, name: str, executive_title: str | None, dane_code: str | None = None) -> Wording:
    """``Entity.wording`` from the columns a plain row carries (the board, the sweep)."""
    return _wording(kind, name, executive_title, dane_code)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def recorded_now() -> datetime:
    """The default of the times people read (history, documents, hitos, proposals): the app's clock
    (``infra.clock.Clock.stamp``: the simulated day in training), else the real instant."""
    return current_app.extensions["clock"].stamp() if has_app_context() and "clock" in current_app.extensions \
        else utcnow()


#: Spanish order key of a name (reference_data.names.sort_key): compared byte by byte, so PostgreSQL uses the
#: "C" collation whatever the database's locale, and SQLite its default BINARY.
SORT_KEY = String(160, collation="C").with_variant(String(160), "sqlite")


def new_feed_token() -> str:
    """Secret part of an iCalendar feed URL (anyone holding it can read the deadlines)."""
    return secrets.token_urlsafe(24)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Department(db.Model):
    __tablename__ = "departments"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(60))
    sort_key: Mapped[str] = mapped_column(SORT_KEY, default="", index=True)

    @validates("name")
    def _keep_sort_key(self, _key: str, name: str) -> str:
        self.sort_key = names.sort_key(name)
        return name


class EnvironmentalAuthority(db.Model):
    __tablename__ = "environmental_authorities"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # CAR, CDS, AAU


class Entity(db.Model):
    """A territorial entity: municipio, distrito or departamento (DANE code)."""

    __tablename__ = "entities"
    __table_args__ = (CheckConstraint(_in("kind", ENTITY_KINDS), name="kind"),
                      CheckConstraint("executive_title IS NULL OR " + _in("executive_title", EXECUTIVE_TITLES),
                                      name="executive_title"))
    id: Mapped[int] = mapped_column(primary_key=True)
    dane_code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    sort_key: Mapped[str] = mapped_column(SORT_KEY, default="", index=True)
    kind: Mapped[str] = mapped_column(String(20))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    nonworking_weekdays: Mapped[str] = mapped_column(String(20), default="5,6")
    fiscal_category: Mapped[str | None] = mapped_column(String(10))
    # "alcaldesa", "gobernadora"...; empty: derived from the kind (alcalde / gobernador).
    executive_title: Mapped[str | None] = mapped_column(String(20))

    department: Mapped[Department] = relationship()

    @validates("name")
    def _keep_sort_key(self, _key: str, name: str) -> str:
        self.sort_key = names.sort_key(name)
        return name

    @property
    def wording(self) -> Wording:
        """How pages name this entity's corporation, executive and act (state_machines.core.wording)."""
        return _wording(self.kind, self.name, self.executive_title, self.dane_code)

    @property
    def calendar_kind(self) -> str:
        """A distrito follows the municipal route (calendar-contract.md, entity_kind)."""
        return "departamento" if self.kind == "departamento" else "municipio"

    @property
    def special_regime(self) -> str | None:
        """"bogota" for the Distrito Capital (DL1421 arts. 10, 22: its own sessions and debates), else None."""
        return BOGOTA if self.dane_code == BOGOTA_DANE_CODE else None

    @property
    def weekdays(self) -> list[int]:
        return [int(x) for x in self.nonworking_weekdays.split(",") if x.strip()]

    @property
    def display_name(self) -> str:
        return entity_label(self.name, self.kind, self.department.name)


def entity_label(name: str, kind: str, department_name: str) -> str:
    """``Génova (Quindío)``, ``Gobernación del Quindío``, ``Bogotá, D.C.`` (a distrito named as its department)."""
    if kind == "departamento":
        return f"Gobernación {of_department(name)}"
    return name if name == department_name else f"{name} ({department_name})"


class Jurisdiction(db.Model):
    """Which environmental authority acts on which municipio (D1865 art. 3)."""

    __tablename__ = "jurisdictions"
    __table_args__ = (UniqueConstraint("entity_id", "authority_code", name="entity_authority"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    authority_code: Mapped[str] = mapped_column(ForeignKey("environmental_authorities.code"), index=True)
    scope: Mapped[str] = mapped_column(String(10))  # total, rural, urbano

    authority: Mapped[EnvironmentalAuthority] = relationship()


class Regime(db.Model):
    """The legal regime of a plan: ``ordinary`` (Ley 152 de 1994) or an exceptional one, whose parameters
    (fixed dates, articles, norm, period) are data (``state_machines.approval.regimes``): a new emergency decree of the
    same shape is a new row, not new code."""

    __tablename__ = "regimes"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    norm: Mapped[str] = mapped_column(String(40), default="")
    period_start_on: Mapped[date | None] = mapped_column(Date)  # None: any period (the ordinary regime)
    articles: Mapped[list] = mapped_column(JSON, default=list)  # [{"key": "art1", "label": "..."}]
    rules: Mapped[dict] = mapped_column(JSON, default=dict)  # ExceptionalRegime.to_data()

    @property
    def is_ordinary(self) -> bool:
        return self.code == ORDINARY

    def calendar_rules(self) -> ExceptionalRegime | None:
        if self.is_ordinary:
            return None
        return ExceptionalRegime.from_data(code=self.code, name=self.name, norm=self.norm,
                                           period_start=self.period_start_on, articles=self.articles or [],
                                           rules=self.rules or {})


class ReferenceVersion(db.Model):
    """One row: bumped whenever reference data or an entity's settings change, so a process that keeps entities,
    departments, periods and jurisdictions in memory (``services.cycle.reference_cache``) knows when to read them again."""

    __tablename__ = "reference_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @classmethod
    def now(cls):
        """The number, as a scalar subquery: read in the same statement as what is kept by it."""
        return db.select(cls.version).where(cls.id == 1).scalar_subquery()


class Period(db.Model):
    """A constitutional period of four years (AL02)."""

    __tablename__ = "periods"
    id: Mapped[int] = mapped_column(primary_key=True)
    start_on: Mapped[date] = mapped_column(Date, unique=True)
    end_on: Mapped[date] = mapped_column(Date)

    @property
    def label(self) -> str:
        return period_label(self.start_on, self.end_on)


def period_label(start_on: date, end_on: date) -> str:
    """«2024–2027»: a period by its first and last years (a plain row's too)."""
    return f"{start_on.year}–{end_on.year}"


class Plan(db.Model):
    """One development plan per entity and period; ``version`` guards concurrent changes."""

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("entity_id", "period_id", name="entity_period"),
        CheckConstraint(_in("state", PDT_STATES), name="state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    state: Mapped[str] = mapped_column(String(40), default="elected", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    regime: Mapped[str] = mapped_column(ForeignKey("regimes.code"), default=ORDINARY)
    # The articles of the exceptional regime the entity used (the column keeps the calendar contract's name).
    d683_articles: Mapped[list] = mapped_column(JSON, default=list)
    posesion_on: Mapped[date | None] = mapped_column(Date)
    # Legal dates the calendar counts from (ISO strings by fact name), written with the act that sets them.
    event_dates: Mapped[dict] = mapped_column(JSON, default=dict)
    # Hash of the last history row (workflow_app/history.py): deleting rows at the end breaks it.
    history_head: Mapped[str | None] = mapped_column(String(64))
    # Soft compliance flags raised by transitions (late_filing, late_consolidation, ...): they never block.
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # The legal date of the last act on the route (L152 art. 39: acts in order), written with that act under
    # the version check: the next act is checked against it without reading the history.
    last_route_act_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    ical_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_feed_token)

    entity: Mapped[Entity] = relationship()
    period: Mapped[Period] = relationship()
    procedures: Mapped[list["Procedure"]] = relationship(order_by="Procedure.id", back_populates="plan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def current_flags(self) -> list[str]:
        """The warnings that still hold (``state_machines.approval.route.current_flags``)."""
        held = any(p.machine == "hearing" and p.state == "held" for p in self.procedures)
        return current_flags(self.flags, hearing_held=held)

    @property
    def posesion_day(self) -> date:
        """The executive's posesión: the recorded date, else the period's first day (``route.presumed_posesion``)."""
        return presumed_posesion(self.posesion_on, self.period.start_on)

    def flag_label(self, flag: str) -> str:
        """The warning ``flag`` in words, a late act of the last stretch citing the statute the plan's act follows
        (``flags.flag_label``: L136, L2200 or D1222 by the approval's day, Bogotá's DL1421)."""
        approved = (self.event_dates or {}).get("approved")
        law = sanction_law(self.entity.calendar_kind, date.fromisoformat(approved) if approved else None,
                           self.entity.special_regime)
        return flag_label(flag, law)


class CorporationSession(db.Model):
    """A session of the concejo or asamblea outside its ordinary calendar, as recorded (issue 20;
    ``state_machines.corporation.sessions``): the corporation's ten-day ``extension`` of an ordinary period (L136
    art. 23 par. 1) or the executive's ``convocation`` to extraordinary sessions with its window and purpose
    (L136 art. 23 par. 2; L2200 art. 23; DL1421 art. 10). Kept per entity: every plan of the entity reads them.
    ``plan_id``: the plan whose act recorded it (its history row carries the evidence)."""

    __tablename__ = "corporation_sessions"
    __table_args__ = (CheckConstraint(_in("kind", ("extension", "convocation")), name="kind"),
                      CheckConstraint("ends_on >= starts_on", name="window"))
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: The extension's ordinary period's last day (None for a convocation).
    period_end: Mapped[date | None] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text, default="")
    covers_plan: Mapped[bool] = mapped_column(default=False)
    for_objections: Mapped[bool] = mapped_column(default=False)
    recorded_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Procedure(db.Model):
    """An instance of a sub-machine of a plan: a CAR review, the CTP review, an amendment, a hearing, or a Phase II
    procedure (``state_machines.phase2``: the plan indicativo, the harmonisation, a vigencia's budget...)."""

    __tablename__ = "procedures"
    __table_args__ = (
        UniqueConstraint("plan_id", "machine", "subject", name="plan_machine_subject"),
        CheckConstraint(_in("machine", (*SUBMACHINES, *PHASE2_MACHINES)), name="machine"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    machine: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(60))  # CAR code, amendment/hearing number, "ctp"
    state: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    plan: Mapped["Plan"] = relationship(back_populates="procedures")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Non-urgent items wait for the daily digest unless the user asks for immediate e-mail.
    wants_immediate_email: Mapped[bool] = mapped_column(default=False)
    ical_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Every server-side session opened before this instant is dead (password change or reset, deactivation).
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UtcDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The sign-in loader's copy of the memberships (JSON), valid for ``memberships_version``; every change of a
    # membership clears it and moves the version (``_memberships_changed``), in the same transaction.
    memberships_cache: Mapped[str | None] = mapped_column(Text)
    memberships_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    #: scrypt: a deliberately slow, memory-hard hash (werkzeug's default work factor, N=2**15, r=8, p=1). Only the
    #: test suite lowers N (tests/conftest.py, for speed: same code, cheaper hashes); nothing else changes it.
    password_hash_method: ClassVar[str] = "scrypt"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=self.password_hash_method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        """False for an invited account that has not chosen its password yet (``UNUSABLE_PASSWORD``)."""
        return self.password_hash != UNUSABLE_PASSWORD

    @property
    def is_admin(self) -> bool:
        return any(m.role == Role.ADMIN.value for m in self.memberships)

    @property
    def follows_plans(self) -> bool:
        """A role in some plan, anything but administration: "Mis pendientes" is theirs (the menu lists it)."""
        return any(m.role != Role.ADMIN.value for m in self.memberships)

    def roles_for(self, entity: Entity) -> set[Role]:
        return {m.role_enum for m in self.memberships if m.covers(entity)}


#: The hash of an account without a password: matches nothing (werkzeug needs "method$salt$hash").
UNUSABLE_PASSWORD = "!"


class Membership(db.Model):
    """A user acts in a role for an entity, or (CAR) for an authority's jurisdiction."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(_in("role", ROLE_VALUES), name="role"),
        CheckConstraint(
            "(entity_id IS NOT NULL) OR (authority_code IS NOT NULL) OR (role = 'admin')",
            name="has_scope",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    authority_code: Mapped[str | None] = mapped_column(ForeignKey("environmental_authorities.code"))
    # An environmental authority's lead (set by an administrator) manages the accounts of its own staff.
    is_lead: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    entity: Mapped[Entity | None] = relationship()
    authority: Mapped[EnvironmentalAuthority | None] = relationship()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def covers(self, entity: Entity) -> bool:
        if self.role == Role.ADMIN.value:
            return False  # admins manage the service; they hold no legal role in a plan
        if self.entity_id is not None:
            return self.entity_id == entity.id
        if self.authority_code is not None:
            return self.authority_code in authority_codes_of(entity)
        return False


def jurisdictions_of(entity: Entity) -> list[Jurisdiction]:
    """A municipio's authorities; a departamento's are those of all its municipios."""
    if entity.kind != "departamento":
        return db.session.scalars(db.select(Jurisdiction).filter_by(entity_id=entity.id)).all()
    return db.session.scalars(
        db.select(Jurisdiction)
        .join(Entity, Entity.id == Jurisdiction.entity_id)
        .where(Entity.department_code == entity.department_code, Entity.kind != "departamento")
    ).all()


def authority_codes_of(entity: Entity) -> tuple[str, ...]:
    """The codes of ``jurisdictions_of(entity)``, sorted; from the act's reference cache when it set them
    (``services.cycle.reference_cache``), else read."""
    cached = entity.__dict__.get("_authority_codes")
    if cached is not None:
        return cached
    return tuple(sorted({j.authority_code for j in jurisdictions_of(entity)}))


EVIDENCE_STORES = ("local", "postgres")


class Document(db.Model):
    """Evidence file metadata; the bytes live outside the web root under a random name, in the store named by
    ``store`` (a local folder or the database's ``document_chunks``). A correction is a new row that
    ``supersedes`` the earlier one, with its reason: both stay in the case file with their hashes."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(_in("store", EVIDENCE_STORES), name="store"),
                      # The version is computed inside the INSERT (services.route.documents): two writers never share one.
                      UniqueConstraint("plan_id", "kind", "version", name="uq_documents_plan_kind_version"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    original_filename: Mapped[str] = mapped_column(String(255))
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(80), default="application/pdf")
    is_public: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)
    store: Mapped[str] = mapped_column(String(10), default="local", server_default="local")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    # Why a document the law makes public is not published (L1712 arts. 18-19); shown to staff only.
    withheld_reason: Mapped[str | None] = mapped_column(Text)

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])


class DocumentChunk(db.Model):
    """The bytes of a document kept in the database (``EVIDENCE_STORE=postgres``), in ordered chunks, so a
    download streams one chunk at a time and every host of a deployment reads the same bytes."""

    __tablename__ = "document_chunks"
    storage_name: Mapped[str] = mapped_column(ForeignKey("documents.storage_name"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class HeldEvidence(db.Model):
    """A checked PDF sent on an act's form that came back with an error, kept so the person need not send it
    again (``services.route.held_evidence``): bound to the person, the plan and the act, for a short time. Only
    the SHA-256 of its token is stored; the token travels in the form."""

    __tablename__ = "held_evidence"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    act: Mapped[str] = mapped_column(String(200))  # machine/subject/trigger (``held_evidence.act_key``)
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    held_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class PlanEvent(db.Model):
    """Append-only history of a plan: never updated, never deleted (enforced in PostgreSQL)."""

    __tablename__ = "plan_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    machine: Mapped[str] = mapped_column(String(30), default="pdt")
    subject: Mapped[str | None] = mapped_column(String(60))  # e.g. the CAR code, the amendment id
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    trigger: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)
    act_on: Mapped[date | None] = mapped_column(Date)  # legal date of the act
    reference: Mapped[str | None] = mapped_column(String(120))  # radicado / number of the act
    reason: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    evidence_ids: Mapped[list] = mapped_column(JSON, default=list)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))
    # HMAC-SHA256 of row_hash with HISTORY_KEY (kept outside the database): workflow_app/history.py.
    row_mac: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()


ACCESS_ACTIONS = ("document", "history_export", "board_export", "api_read", "api_refused")


class AccessLogEntry(db.Model):
    """Who read what from the system of record, when and from where: every download of a non-public document,
    every export, every read of the API with a personal token and every such read refused. Append-only (a PostgreSQL trigger refuses UPDATE and DELETE, as on ``plan_events``)."""

    __tablename__ = "access_log"
    __table_args__ = (CheckConstraint(_in("action", ACCESS_ACTIONS), name="action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    detail: Mapped[str] = mapped_column(String(255), default="")
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()
    entity: Mapped[Entity | None] = relationship()


class HistoryAnchor(db.Model):
    """Rows written before HISTORY_KEY existed carry no MAC: ``pdt seal-history`` vouches for them once, with one
    keyed anchor per plan (its last such row and that row's hash) and one global row (``plan_id`` NULL) saying
    the sealing happened, so it cannot be repeated over a history rewritten later. Append-only."""

    __tablename__ = "history_anchors"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), unique=True)
    last_event_id: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class HistoryCheckpoint(db.Model):
    """A signed list of every plan's history head (workflow_app/services/integrity/checkpoints.py), published on the
    portal. ``body`` is the exact signed text. Append-only like the history it vouches for."""

    __tablename__ = "history_checkpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    key_id: Mapped[str] = mapped_column(String(64))
    plans: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(200))


class HistoryHead(db.Model):
    """The head of a plan's history after each act, written in the act's transaction (a trigger on the history's
    INSERT on PostgreSQL, ``history.seal`` on SQLite).
    Append-only (no UPDATE, DELETE or TRUNCATE, and the runtime role cannot disable the trigger): deleting the
    last acts and moving ``plans.history_head`` back leaves a head here that the chain no longer reaches, which
    ``pdt verify-history`` reports, between two daily signed checkpoints."""

    __tablename__ = "history_heads"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    head: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


PEOPLE_ACTIONS = ("invite", "grant", "remove_role", "deactivate", "reactivate", "send_link")


class PeopleLogEntry(db.Model):
    """Who invited, gave or removed a role, deactivated, reactivated or sent a password link to whom, and when
    (``services.people.people_log``). Append-only, like the access log."""

    __tablename__ = "people_log"
    __table_args__ = (CheckConstraint(_in("action", PEOPLE_ACTIONS), name="action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line
    target_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    role: Mapped[str | None] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    authority_code: Mapped[str | None] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(String(255), default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target: Mapped[User] = relationship(foreign_keys=[target_id])
    entity: Mapped[Entity | None] = relationship()


NOTIFICATION_KINDS = ("reminder", "due_today", "overdue", "escalation", "effect", "transition", "proposal",
                      "survey")  # survey: Monitoreo 360's monthly survey (services.followup.survey)
# digest: waits for the daily summary; digested: went out inside the summary delivery ``digest_id``, or, without
# one, was folded away unsent (its step recorded since, or no longer current: ``notifications.currency``).
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "digest", "digested")


class Notification(db.Model):
    """What one person is told (the in-app copy); written in the transaction that causes it (outbox)."""

    __tablename__ = "notifications"
    __table_args__ = (CheckConstraint(_in("kind", NOTIFICATION_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Unique: a sweep that runs twice (or two sweeps at once) cannot tell the same thing twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    step_key: Mapped[str | None] = mapped_column(String(60))
    due_on: Mapped[date | None] = mapped_column(Date)
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[str] = mapped_column(String(255), default="/")
    is_urgent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()
    plan: Mapped[Plan | None] = relationship()


class Delivery(db.Model):
    """One (notification, channel, recipient): the unit a job delivers at most once."""

    __tablename__ = "deliveries"
    __table_args__ = (CheckConstraint(_in("status", DELIVERY_STATUSES), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    recipient: Mapped[str] = mapped_column(String(254))
    delivery_key: Mapped[str] = mapped_column(String(240), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # A digest delivery carries its own text; an immediate one renders its notification.
    subject: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str | None] = mapped_column(Text)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    # An account e-mail (invitation, password reset): its link is built when the message is rendered, from
    # this token and the service's secret key, so no usable link is ever stored or logged.
    account_token_id: Mapped[int | None] = mapped_column(ForeignKey("account_tokens.id"), index=True)

    notification: Mapped[Notification | None] = relationship()
    account_token: Mapped["AccountToken | None"] = relationship()


class Milestone(db.Model):
    """One of DNP's 22 hitos (hitos.csv): editable data, not code. ``source_of_truth`` is ``event:<name>``
    (completed by the plan's history) or ``manual`` (checked by the team or its adviser)."""

    __tablename__ = "milestones"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    phase: Mapped[int] = mapped_column(Integer)
    phase_name: Mapped[str] = mapped_column(String(120))
    phase_weight: Mapped[float] = mapped_column(db.Float)
    name: Mapped[str] = mapped_column(String(255))
    weight_in_phase: Mapped[float] = mapped_column(db.Float)
    weight_total: Mapped[float] = mapped_column(db.Float)
    source_of_truth: Mapped[str] = mapped_column(String(60))

    @property
    def shown_name(self) -> str:
        """The name people read. Where DNP's table cannot be read, hitos.csv keeps an internal note ("texto
        ilegible en la fuente; nombre a confirmar") that only the administrator's editing table shows."""
        if "nombre a confirmar" in (self.name or "").lower():
            return f"Hito {self.number} de la fase de {self.phase_name.lower()} (nombre por confirmar con el DNP)"
        return self.name


class MilestoneCheck(db.Model):
    """A manual milestone checked for a plan, with its evidence note (never deleted; unchecking adds a row)."""

    __tablename__ = "milestone_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    milestone_number: Mapped[int] = mapped_column(ForeignKey("milestones.number"))
    is_done: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)


PPI_STAGES = ("filed", "amendment", "adopted")


class PpiVersion(db.Model):
    """A version of the plan plurianual de inversiones (what the Ley 1909 hearings discuss and publish)."""

    __tablename__ = "ppi_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version", name="plan_version"),
                      CheckConstraint("stage IS NULL OR " + _in("stage", PPI_STAGES), name="stage"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), default="form")  # form, csv, xlsx
    # None: a working draft; "filed": as filed with the corporation; "amendment": changed by an approved
    # amendment (``amendment_subject``); "adopted": the PPI adopted with the plan (L152 art. 40).
    stage: Mapped[str | None] = mapped_column(String(20))
    amendment_subject: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)

    items: Mapped[list["PpiItem"]] = relationship(order_by="PpiItem.id", cascade="all, delete-orphan")


class PpiItem(db.Model):
    """One program/project line of the PPI: cost for one year from one funding source (pesos)."""

    __tablename__ = "ppi_items"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ppi_version_id: Mapped[int] = mapped_column(ForeignKey("ppi_versions.id"), index=True)
    program: Mapped[str] = mapped_column(String(255))
    project: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    funding_source: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(db.BigInteger)


CITIZEN_PROPOSAL_STATUSES = ("pending", "published", "rejected")


class CitizenProposal(db.Model):
    """A citizen's proposal to a scheduled hearing; held for moderation; contact data never published."""

    __tablename__ = "citizen_proposals"
    __table_args__ = (CheckConstraint(_in("status", CITIZEN_PROPOSAL_STATUSES), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(254))  # private: for an answer, never shown publicly
    status: Mapped[str] = mapped_column(String(10), default="pending")
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()


ACCOUNT_TOKEN_PURPOSES = ("invitation", "reset")


class AccountToken(db.Model):
    """A single-use, expiring link to set one's own password. Only a random salt is stored: the link's secret
    part is an HMAC of the row under ``SECRET_KEY`` (``services.people.accounts``), so the database alone opens nothing."""

    __tablename__ = "account_tokens"
    __table_args__ = (CheckConstraint(_in("purpose", ACCOUNT_TOKEN_PURPOSES), name="purpose"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    salt: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


PERIOD_OPENING_STATUSES = ("queued", "running", "done", "failed")


class PeriodOpening(db.Model):
    """One run of "open the period" (plans for every entity), so its progress can be shown while it runs."""

    __tablename__ = "period_openings"
    __table_args__ = (CheckConstraint(_in("status", PERIOD_OPENING_STATUSES), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    period: Mapped[Period] = relationship()


ONBOARDING_STATUSES = ("queued", "running", "done", "failed")


class OnboardingBatch(db.Model):
    """An uploaded list of officials, checked (dry run) and kept until an administrator confirms it. A large one is
    applied by a background job (``onboarding.run_apply``), whose progress the page reads from ``status``/``done``."""

    __tablename__ = "onboarding_batches"
    __table_args__ = (CheckConstraint("status IS NULL OR " + _in("status", ONBOARDING_STATUSES), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[list] = mapped_column(JSON, default=list)  # the parsed rows, as read
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_count: Mapped[int | None] = mapped_column(Integer)
    #: None until confirmed; then queued, running, done or failed (the job's, or the request's for a small file).
    status: Mapped[str | None] = mapped_column(String(10))
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # rows written so far
    error: Mapped[str | None] = mapped_column(Text)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# What every act and plan page reads: loaded in one round trip instead of lazily, attribute by attribute.
PLAN_GRAPH = (joinedload(Plan.entity).joinedload(Entity.department), joinedload(Plan.period),
              joinedload(Plan.procedures))  # one query: a plan has a handful of procedures


class PlanSummary(db.Model):
    """What the board needs of a plan besides its own row, kept by each act (``services.monitoring.board_summary``): its
    procedures, its main-route history as (trigger, state, date) and the names of the hitos its history marked,
    as text (``services.monitoring.board_summary`` says the format). Valid while ``plan_version`` equals the plan's version; anything else is rebuilt."""

    __tablename__ = "plan_summaries"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    plan_version: Mapped[int] = mapped_column(Integer)
    procedures: Mapped[str] = mapped_column(Text)  # JSON
    events: Mapped[str] = mapped_column(Text)  # lines "trigger\tto_state\tYYYY-MM-DD"
    marks: Mapped[str] = mapped_column(Text)  # lines, one hito event name each
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=utcnow)


@event.listens_for(Membership, "after_insert")
@event.listens_for(Membership, "after_update")
@event.listens_for(Membership, "after_delete")
def _memberships_changed(mapper, connection, target: Membership) -> None:
    """Whatever changes a person's memberships (Personas, onboarding, administration, the demo) drops the sign-in
    loader's copy in the same transaction; the version stops a request that read the old ones from storing them
    back afterwards (``services.people.accounts.signed_in_user``). On PostgreSQL a trigger on ``memberships``
    does the same for any writer, psql included (migration 0018i), so this hook leaves it to the trigger."""
    if connection.dialect.name == "postgresql":
        return
    connection.execute(User.__table__.update().where(User.__table__.c.id == target.user_id).values(
        memberships_cache=None, memberships_version=User.__table__.c.memberships_version + 1))


class BudgetStatute(db.Model):
    """The entity's estatuto orgánico de presupuesto as the Phase II terms read it (``calendar.BudgetStatute``):
    an administrator's setting, defaults as phase-ii.md §2 (all points marked "verify" there)."""

    __tablename__ = "budget_statutes"
    __table_args__ = (CheckConstraint("filing_business_days BETWEEN 1 AND 60", name="filing_days"),
                      CheckConstraint("decision_extension_days BETWEEN 0 AND 30", name="extension_days"),
                      CheckConstraint("pi_approval_months BETWEEN 1 AND 12", name="pi_months"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    act: Mapped[str] = mapped_column(String(255), default="")
    filing_business_days: Mapped[int] = mapped_column(Integer, default=10)
    decision_extension_days: Mapped[int] = mapped_column(Integer, default=10)
    copies_d111_art59: Mapped[bool] = mapped_column(default=False)
    harmonization_by_decree: Mapped[bool] = mapped_column(default=False)
    pi_approval_months: Mapped[int] = mapped_column(Integer, default=2)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Phase2Milestone(db.Model):
    """One hito of Phase II (hitos-fase2.csv): editable data. Its key is (strategy phase 2, ``hito``), in a table
    of its own so it never collides with Phase I's hitos 1–22. ``phase`` is the interruptor."""

    __tablename__ = "phase2_milestones"
    hito: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    phase: Mapped[int] = mapped_column(Integer)
    phase_name: Mapped[str] = mapped_column(String(255))
    phase_weight: Mapped[float] = mapped_column(db.Float)
    name: Mapped[str] = mapped_column(String(255))
    weight_in_phase: Mapped[float] = mapped_column(db.Float)
    weight_total: Mapped[float] = mapped_column(db.Float)
    source_of_truth: Mapped[str] = mapped_column(String(60))

    @property
    def number(self) -> int:
        return self.hito

    @property
    def shown_name(self) -> str:
        """The name people read. Where the DNP's table cannot be read, hitos-fase2.csv keeps the internal note
        ("Hito 12 (texto ilegible; termina en '...ativo'; propuesto: proyecto de acto …)"): people read the
        proposed name, marked as reconstructed; the administrator edits the note itself."""
        match = _RECONSTRUCTED_NAME.match(self.name or "")
        if match is None:
            return self.name
        proposed = match.group(1).strip()
        return f"{proposed[:1].upper()}{proposed[1:]} (nombre reconstruido)"


#: hitos-fase2.csv's note for a hito whose name the source does not let read, with the name proposed for it.
_RECONSTRUCTED_NAME = re.compile(r"^Hito \d+ \(texto ilegible[^)]*?propuesto: (.+)\)$", re.DOTALL)


class Phase2MilestoneCheck(db.Model):
    """A manual Phase II hito checked for a plan, with its evidence note (never updated; unchecking adds a row)."""

    __tablename__ = "phase2_milestone_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    hito: Mapped[int] = mapped_column(ForeignKey("phase2_milestones.hito"))
    is_done: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)


# --- Monitoreo 360 (phase-ii.md §3; services.followup) ------------------------------------------------------------

SURVEY_ASPECTS = ("objectives", "usability", "pertinence", "quality", "added_value")
RESPONDENT_LEVELS = ("directivo", "profesional", "tecnico", "contratista")


def _score_check(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR ({column} BETWEEN 1 AND 5)", name=f"{column}_1_5")


class SurveyResponse(db.Model):
    """One entity's answer to the monthly user survey (phase-ii.md §3.1): five aspects 1–5 (NULL = no aplica)
    and a comment. One per entity and month, by the unique constraint: a second answer is refused."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("entity_id", "month", name="entity_month"),
                      CheckConstraint("respondent_level IS NULL OR " + _in("respondent_level", RESPONDENT_LEVELS),
                                      name="respondent_level"),
                      *(_score_check(a) for a in SURVEY_ASPECTS))
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # first day of the month surveyed
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    respondent_level: Mapped[str | None] = mapped_column(String(20))
    objectives: Mapped[int | None] = mapped_column(Integer)
    usability: Mapped[int | None] = mapped_column(Integer)
    pertinence: Mapped[int | None] = mapped_column(Integer)
    quality: Mapped[int | None] = mapped_column(Integer)
    added_value: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)

    entity: Mapped[Entity] = relationship()


class ChecklistReview(db.Model):
    """A Lista de Chequeo of a plan's PDT (phase-ii.md §3.2): the adviser's marks item by item
    (``{"Q1": {"value": 0|1|2|null, "note": "…"}}``, null = no aplica) and the entity's answer. A new review
    adds a row; the latest one is the plan's."""

    __tablename__ = "checklist_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    template: Mapped[str] = mapped_column(String(30), default="pdt")
    marks: Mapped[dict] = mapped_column(JSON, default=dict)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])


CUT_KINDS = ("scheduled", "manual")


class SetaCut(db.Model):
    """A fortnightly SETA cut (phase-ii.md §3.3): every plan's hito progress as it stood on ``cut_on`` (the 15th
    or the month's last day; a manual cut any day). One cut per day."""

    __tablename__ = "seta_cuts"
    __table_args__ = (CheckConstraint(_in("kind", CUT_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cut_on: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="scheduled")
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=recorded_now)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a manual cut's author (None: cron, CLI)

    rows: Mapped[list["SetaCutRow"]] = relationship(back_populates="cut", order_by="SetaCutRow.id")


class SetaCutRow(db.Model):
    """One plan in a cut: its progress % and the hitos done then, with when each was recorded."""

    __tablename__ = "seta_cut_rows"
    __table_args__ = (UniqueConstraint("cut_id", "plan_id", name="cut_plan"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cut_id: Mapped[int] = mapped_column(ForeignKey("seta_cuts.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    progress: Mapped[float] = mapped_column(db.Float)
    done: Mapped[list] = mapped_column(JSON, default=list)  # [[hito number, "YYYY-MM-DD" recorded or null], …]

    cut: Mapped[SetaCut] = relationship(back_populates="rows")


class ActivityReport(db.Model):
    """An adviser's (or regional coordinator's) monthly activity report (phase-ii.md §3.4), due before the 10th of
    the next month; the coordinator's 1–5 rating of the adviser for that month rides on it."""

    __tablename__ = "activity_reports"
    __table_args__ = (UniqueConstraint("user_id", "month", name="user_month"),
                      CheckConstraint("coordinator_rating IS NULL OR (coordinator_rating BETWEEN 1 AND 5)",
                                      name="coordinator_rating_1_5"),
                      CheckConstraint("trainings >= 0", name="trainings"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    trainings: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")  # difficulties, successes, tasks and schedule
    coordinator_rating: Mapped[int | None] = mapped_column(Integer)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    visits: Mapped[list["ActivityVisit"]] = relationship(back_populates="report", order_by="ActivityVisit.on",
                                                         cascade="all, delete-orphan")


VISIT_MODES = ("presencial", "virtual")


class ActivityVisit(db.Model):
    """One asesoría of a report: entity, date, mode, topic or hito, attendance evidence, agreements, and when it
    was loaded in SETA (the ranking's punctuality and evidence components)."""

    __tablename__ = "activity_visits"
    __table_args__ = (CheckConstraint(_in("mode", VISIT_MODES), name="mode"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("activity_reports.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    on: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(12), default="virtual")
    topic: Mapped[str] = mapped_column(String(200), default="")
    has_evidence: Mapped[bool] = mapped_column(default=False)
    seta_loaded_on: Mapped[date | None] = mapped_column(Date)
    agreements: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[ActivityReport] = relationship(back_populates="visits")
    entity: Mapped[Entity] = relationship()
