"""Bulk onboarding: a CSV or XLSX of officials becomes accounts, each invited to choose its own password.

Two steps. ``check_upload`` reads the file with the bounded reader, checks every row and keeps the rows in an
``OnboardingBatch`` (nothing else is written): the page shows each row's outcome (created, role added, already
present, or the error with its row and column). ``apply_batch`` checks again and writes every row or none, in one
transaction; a file applied twice creates nothing the second time.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from openpyxl import Workbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from state_machines.core.roles import ROLE_LABELS, Role, side_conflict
from workflow_app.infra.clean_input import cleaned
from workflow_app.infra.extensions import db
from workflow_app.infra.files.tabular import Limits, TableRejected, read_table
from workflow_app.infra.jobs import enqueue_after_commit, register_long, requeue_gone, running_alone
from workflow_app.models import Entity, EnvironmentalAuthority, OnboardingBatch, User
from workflow_app.services.people.accounts import (
    AccountError,
    Invite,
    email_problem,
    held_roles,
    invite_person,
    normalise_email,
)

LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=5000, max_columns=20)
COLUMNS = ("codigo_dane", "codigo_autoridad", "rol", "nombre", "correo")
COLUMN_LABELS = {"codigo_dane": "código DANE", "codigo_autoridad": "código de la autoridad ambiental",
                 "rol": "rol", "nombre": "nombre", "correo": "correo"}
HEADER_ALIASES = {
    "codigo dane": "codigo_dane", "codigo_dane": "codigo_dane", "dane": "codigo_dane",
    "codigo de la entidad": "codigo_dane", "codigo entidad": "codigo_dane",
    "codigo autoridad": "codigo_autoridad", "codigo_autoridad": "codigo_autoridad", "autoridad": "codigo_autoridad",
    "autoridad ambiental": "codigo_autoridad", "sigla autoridad": "codigo_autoridad",
    "codigo de la autoridad ambiental": "codigo_autoridad",
    "rol": "rol", "cargo": "rol",
    "nombre": "nombre", "nombre completo": "nombre", "nombres": "nombre",
    "correo": "correo", "correo electronico": "correo", "email": "correo", "e-mail": "correo",
}
#: Roles a file may grant, by their exact names (accents and capitals aside); an administrator is named on the
#: administration page, one by one.
ROLE_NAMES = {r.value: r for r in (Role.EJECUTIVO, Role.PLANEACION, Role.EQUIPO, Role.CTP, Role.CAR,
                                   Role.CORPORACION, Role.ASESOR, Role.HACIENDA,
                                   Role.CONSEJO_DE_GOBIERNO)}
#: Words people write for a role: never taken silently (an "alcalde" row might be meant for the planning office),
#: only named in the error so the file is corrected with the exact role.
ROLE_SUGGESTIONS = {
    "alcalde": Role.EJECUTIVO, "alcaldesa": Role.EJECUTIVO, "gobernador": Role.EJECUTIVO,
    "gobernadora": Role.EJECUTIVO, "secretaria de planeacion": Role.PLANEACION,
    "secretario de planeacion": Role.PLANEACION, "equipo formulador": Role.EQUIPO, "consejero ctp": Role.CTP,
    "consejera ctp": Role.CTP, "consejo territorial de planeacion": Role.CTP, "autoridad ambiental": Role.CAR,
    "secretaria del concejo": Role.CORPORACION, "secretario del concejo": Role.CORPORACION,
    "secretaria de la asamblea": Role.CORPORACION, "secretario de la asamblea": Role.CORPORACION,
    "asesor dnp": Role.ASESOR, "secretaria de hacienda": Role.HACIENDA, "secretario de hacienda": Role.HACIENDA,
    "consejo de gobierno": Role.CONSEJO_DE_GOBIERNO,
}
ROLE_LIST = "ejecutivo, planeacion, equipo, ctp, car, corporacion, asesor, hacienda o consejo_de_gobierno"


def role_problem(value: str) -> str:
    """The Spanish error for a role that is not one of ``ROLE_NAMES``."""
    meant = ROLE_SUGGESTIONS.get(fold(value))
    hint = f" (¿quiso decir «{meant.value}»?)" if meant else ""
    return f"rol desconocido «{value or ''}»{hint}: escriba exactamente uno de {ROLE_LIST}"


STATUS_LABELS = {"created": "Se crea la cuenta y se envía la invitación",
                 # An account that exists, or that an earlier row of this same file creates (QA: «cuentas existentes»).
                 "added": "Se le agrega el rol a su cuenta",
                 "present": "Ya estaba: no se cambia nada",
                 "error": "Error"}


class OnboardingRejected(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def fold(text) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a DANE code typed as a number in Excel
    return " ".join(cleaned(str(value)).split())  # a file's cells as a form's fields: no control characters


@dataclass
class RowOutcome:
    row: int
    email: str
    name: str
    role: str
    scope: str  # DANE code or authority code, as given
    status: str = "created"
    scope_name: str = ""  # the entity's or the authority's name, beside the code in the review
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def role_label(self) -> str:
        try:
            return ROLE_LABELS[Role(self.role)]
        except ValueError:
            return self.role


@dataclass(frozen=True)
class CheckResult:
    outcomes: list[RowOutcome]

    @property
    def has_errors(self) -> bool:
        return any(o.status == "error" for o in self.outcomes)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def read_rows(filename: str, data: bytes) -> list[dict]:
    """The file's data rows as dicts of the template's columns (plus ``fila``); raises ``OnboardingRejected``."""
    try:
        table = read_table(filename, data, LIMITS)
    except TableRejected as exc:
        raise OnboardingRejected(exc.message) from exc
    if not table:
        raise OnboardingRejected("El archivo no tiene filas.")
    header_number, header = table[0]
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        column = HEADER_ALIASES.get(fold(title))
        if column and column not in index:
            index[column] = position
    missing = [COLUMN_LABELS[c] for c in ("rol", "nombre", "correo") if c not in index]
    if "codigo_dane" not in index and "codigo_autoridad" not in index:
        missing.insert(0, "código DANE o código de la autoridad ambiental")
    if missing:
        raise OnboardingRejected(f"Fila {header_number}: faltan columnas en el encabezado: " + ", ".join(missing)
                                 + ". Use la plantilla: codigo_dane, codigo_autoridad, rol, nombre, correo.")
    rows = []
    for number, raw in table[1:]:
        row = {c: _text(raw[i]) if i < len(raw) else "" for c, i in index.items()}
        row.setdefault("codigo_dane", "")
        row.setdefault("codigo_autoridad", "")
        row["fila"] = number
        rows.append(row)
    if not rows:
        raise OnboardingRejected("El archivo no tiene filas con datos debajo del encabezado.")
    return rows


def check_rows(session: Session, rows: list[dict]) -> CheckResult:
    """Each row's outcome, without writing anything."""
    entities = {e.dane_code: e for e in session.scalars(select(Entity).options(selectinload(Entity.department)))}
    authorities = dict(session.execute(select(EnvironmentalAuthority.code, EnvironmentalAuthority.name)).all())
    accounts = _accounts_of(session, rows)
    seen: dict[tuple, int] = {}
    names_in_file: dict[str, tuple[str, int]] = {}
    roles_in_file: dict[tuple[str, int], list[str]] = {}
    outcomes = []
    for row in rows:
        email, name = normalise_email(row.get("correo")), row.get("nombre", "").strip()
        dane, authority = row.get("codigo_dane", "").strip(), row.get("codigo_autoridad", "").strip().upper()
        outcome = RowOutcome(row=row["fila"], email=email, name=name, role="", scope=dane or authority)
        errors = outcome.errors
        if problem := email_problem(email, new=True):
            errors.append(("correo", problem))
        if not name:
            errors.append(("nombre", "falta el nombre"))
        elif len(name) > 200:
            errors.append(("nombre", "tiene más de 200 caracteres"))
        role = ROLE_NAMES.get(fold(row.get("rol")))
        if role is None:
            errors.append(("rol", role_problem(row.get("rol", ""))))
        else:
            outcome.role = role.value
        entity_id = None
        if authority and authority not in authorities:
            errors.append(("codigo_autoridad", f"no existe la autoridad ambiental «{authority}»: use su sigla, "
                                               "por ejemplo CRQ"))
        elif authority and role is not None and role is not Role.CAR:
            errors.append(("codigo_autoridad", f"solo el rol car lleva código de autoridad; el rol {role.value} "
                                               "va con codigo_dane"))
        if role is Role.CAR:
            if not authority:
                errors.append(("codigo_autoridad", "el rol car necesita la sigla de la autoridad"))
            elif dane:
                errors.append(("codigo_dane", "el rol car va sin codigo_dane: su alcance es la jurisdicción de la "
                                              "autoridad"))
            outcome.scope = authority
            outcome.scope_name = authorities.get(authority, "")
        elif role is not None:
            if dane.isdigit() and len(dane) in (1, 4):  # Excel dropped the leading zero of 05001 or 05
                dane = dane.zfill(len(dane) + 1)
            if not dane:
                errors.append(("codigo_dane", "falta el código DANE de la entidad"))
            elif dane not in entities:
                errors.append(("codigo_dane", f"no hay una entidad con el código «{dane}»"))
            else:
                entity_id = entities[dane].id
                outcome.scope_name = entities[dane].display_name
            outcome.scope = dane
        if email and name:
            first = names_in_file.setdefault(email, (name, row["fila"]))
            if fold(first[0]) != fold(name):
                errors.append(("nombre", f"el mismo correo tiene otro nombre en la fila {first[1]}"))
        key = (email, outcome.role, entity_id, authority if role is Role.CAR else None)
        if not errors and key in seen:
            errors.append(("correo", f"repite la fila {seen[key]}"))
        seen.setdefault(key, row["fila"])
        if not errors and entity_id is not None:
            # One person, two sides of the same entity's route (roles.side_conflict): from the account's roles
            # or from this file's earlier rows.
            held = roles_in_file.setdefault((email, entity_id), _held_roles(accounts, email, entity_id))
            if why := side_conflict(held, outcome.role):
                errors.append(("rol", why))
            else:
                held.append(outcome.role)
        if errors:
            outcome.status = "error"
        else:
            outcome.status = _status(accounts, email, outcome.role, entity_id, key[3], names_in_file, row["fila"])
        outcomes.append(outcome)
    return CheckResult(outcomes)


#: Addresses per query when the file's accounts are read at once.
_ACCOUNTS_PER_QUERY = 1000


def _accounts_of(session: Session, rows: list[dict]) -> dict[str, User]:
    """The file's existing accounts with their roles, by normalised address: a few queries for the whole file, not
    two per row (QA, 7 December 2026: 5,000 rows kept the request 11 s in the check alone)."""
    emails = sorted({normalise_email(r.get("correo")) for r in rows} - {""})
    found: dict[str, User] = {}
    for start in range(0, len(emails), _ACCOUNTS_PER_QUERY):
        chunk = emails[start:start + _ACCOUNTS_PER_QUERY]
        for user in session.scalars(select(User).where(func.lower(User.email).in_(chunk))
                                    .options(selectinload(User.memberships))):
            found[normalise_email(user.email)] = user
    return found


def _held_roles(accounts: dict[str, User], email: str, entity_id: int) -> list[str]:
    user = accounts.get(email)
    return held_roles(user, entity_id) if user is not None else []


def _status(accounts: dict[str, User], email: str, role: str, entity_id: int | None, authority: str | None,
            names_in_file: dict, row_number: int) -> str:
    user = accounts.get(email)
    if user is None:
        # A second role of someone new in this same file is added to the account its first row creates.
        return "added" if names_in_file[email][1] != row_number else "created"
    existing = any(m.role == role and m.entity_id == entity_id and m.authority_code == authority
                   for m in user.memberships)
    return "present" if existing else "added"


def check_upload(session: Session, actor: User, filename: str, data: bytes) -> tuple[OnboardingBatch, CheckResult]:
    """The dry run: read, check, keep the rows for the confirmation. Only the batch row is written."""
    rows = read_rows(filename, data)
    result = check_rows(session, rows)
    batch = OnboardingBatch(filename=(filename or "archivo")[:255], rows=rows, uploaded_by_id=actor.id)
    session.add(batch)
    session.commit()
    return batch, result


#: Rows a confirmation writes in the request itself (about a second and a half); a larger file goes to a background
#: job with a progress page, so no request keeps a worker busy for long (QA, 7 December 2026: 5,000 rows held one
#: for 47 s and slowed every other page).
ROWS_IN_REQUEST = 200
APPLY_JOB = "workflow_app.services.people.onboarding.run_apply"
register_long(APPLY_JOB)  # 5,000 rows take about 40 s here: more than a single job's two minutes on a slow day
#: Rows between two progress notes of a background run.
PROGRESS_EVERY = 100


def apply_batch(session: Session, actor: User, batch_id: int,
                progress: Callable[[int], None] | None = None) -> CheckResult:
    """Write every row or none. Raises ``OnboardingRejected`` when any row has an error (nothing written).
    ``progress(rows written)``: told every ``PROGRESS_EVERY`` rows, outside this transaction."""
    batch = session.get(OnboardingBatch, batch_id)
    if batch is None:
        raise OnboardingRejected("Esa carga no existe; suba el archivo de nuevo.")
    if batch.applied_at is not None:
        raise OnboardingRejected("Esa carga ya se aplicó. Para revisar, suba el archivo de nuevo: lo que ya está no "
                                 "se crea otra vez.")
    result = check_rows(session, batch.rows)
    if result.has_errors:
        session.rollback()
        raise OnboardingRejected(f"{result.count('error')} fila(s) con errores: no se creó ninguna cuenta. Corrija el "
                                 "archivo y súbalo de nuevo.")
    created = 0
    try:
        for number, (row, outcome) in enumerate(zip(batch.rows, result.outcomes), start=1):
            role = Role(outcome.role)
            invite = Invite(email=outcome.email, name=outcome.name, role=role.value,
                            dane_code=outcome.scope if role is not Role.CAR else None,
                            authority_code=outcome.scope if role is Role.CAR else None)
            done = invite_person(session, actor, invite)
            created += done.status == "created"
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number)
        batch.applied_at = datetime.now(timezone.utc)
        batch.created_count = created
        batch.status, batch.done, batch.finished_at, batch.error = "done", len(batch.rows), batch.applied_at, None
        session.commit()
    except AccountError as exc:
        session.rollback()
        raise OnboardingRejected(f"No se creó ninguna cuenta: {exc.message}") from exc
    except Exception:
        session.rollback()
        raise
    return result


def start_apply(session: Session, actor: User, batch_id: int) -> tuple[OnboardingBatch, CheckResult | None]:
    """Confirm a checked file: a small one is written now (with its rows' outcomes), a larger one is queued for
    ``run_apply`` (the page follows it). A batch already queued or running is returned as it is: a second click
    starts nothing."""
    batch = session.get(OnboardingBatch, batch_id)
    if batch is None:
        raise OnboardingRejected("Esa carga no existe; suba el archivo de nuevo.")
    if batch.status in ("queued", "running"):
        return batch, None
    if batch.applied_at is not None:
        raise OnboardingRejected("Esa carga ya se aplicó. Para revisar, suba el archivo de nuevo: lo que ya está no "
                                 "se crea otra vez.")
    batch.confirmed_by_id, batch.done, batch.error = actor.id, 0, None
    if len(batch.rows) <= ROWS_IN_REQUEST:
        return batch, apply_batch(session, actor, batch.id)
    batch.status = "queued"
    session.flush()
    enqueue_after_commit(session, APPLY_JOB, batch.id)
    session.commit()
    return batch, None


def run_apply(batch_id: int) -> str:
    """The job (RQ worker or the in-process runner): write the batch, all or nothing, noting how many rows are
    written on the batch row as it goes (PostgreSQL: from a connection of its own, outside the job's transaction;
    the trial's SQLite allows one writer, and shows the run without a count). It holds the batch's lock while it
    runs (``jobs.running_alone``): a retry or the sweep's re-queue of a batch whose job died never runs beside a
    live one."""
    with running_alone("onboarding", batch_id) as alone:
        return _run_apply(batch_id) if alone else "ya la escribe otro trabajo"


def _run_apply(batch_id: int) -> str:
    session = db.session
    batch = session.get(OnboardingBatch, batch_id)
    if batch is None or batch.status not in ("queued", "running"):
        return "nada que hacer"
    actor = session.get(User, batch.confirmed_by_id) if batch.confirmed_by_id else None
    batch.status = "running"
    session.commit()
    try:
        apply_batch(session, actor, batch_id, progress=_progress_note(batch_id))
    except Exception as exc:
        session.rollback()
        row = session.get(OnboardingBatch, batch_id)
        row.status, row.finished_at = "failed", datetime.now(timezone.utc)
        row.error = exc.message if isinstance(exc, OnboardingRejected) else \
            "Error inesperado: no se creó ninguna cuenta. Revise el registro del servidor."
        session.commit()
        if not isinstance(exc, OnboardingRejected):
            raise
        return "rechazada"
    return "aplicada"


def requeue_stalled_batches(session: Session, now: datetime | None = None) -> int:
    """Queue again the batches whose job is gone (``jobs.requeue_gone``): RQ's own retry of a killed worker's
    batch waited 11 to 21 minutes, the page saying «la importación sigue» (QA, 7 December 2026). Run by the
    sweep."""
    rows = session.execute(select(OnboardingBatch.id, OnboardingBatch.status,
                                  func.coalesce(OnboardingBatch.applied_at, OnboardingBatch.uploaded_at))
                           .where(OnboardingBatch.status.in_(("queued", "running")))).all()
    return requeue_gone("onboarding", APPLY_JOB, rows, now or datetime.now(timezone.utc))


def _progress_note(batch_id: int) -> Callable[[int], None] | None:
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return None
    table = OnboardingBatch.__table__

    def note(done: int) -> None:
        with engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == batch_id).values(done=done))
    return note


TEMPLATE_ROWS = (
    ("63302", "", "ejecutivo", "María Elena Ríos", "alcaldia@genova-quindio.gov.co"),
    ("63302", "", "planeacion", "Ana María Restrepo", "planeacion@genova-quindio.gov.co"),
    ("63302", "", "equipo", "Jorge Iván Salazar", "equipo.pdt@genova-quindio.gov.co"),
    ("63302", "", "ctp", "Luis Fernando Gómez", "ctp@genova-quindio.gov.co"),
    ("63302", "", "corporacion", "Gloria Patricia Arango", "secretaria@concejo-genova-quindio.gov.co"),
    ("63", "", "corporacion", "Martha Lucía Ospina", "secretaria@asamblea-quindio.gov.co"),
    ("", "CRQ", "car", "Carolina Duque", "planeacion@crq.gov.co"),
    ("63302", "", "asesor", "Diego Alejandro Mejía", "dmejia@dnp.gov.co"),
    ("63", "", "asesor", "Diego Alejandro Mejía", "dmejia@dnp.gov.co"),
)
#: Every role and its scope, as the instructions sheet and the import page say them.
ROLE_SCOPES = (
    ("ejecutivo", "codigo_dane", "el alcalde o alcaldesa (municipio, 5 dígitos) o el gobernador o gobernadora "
                                 "(departamento, 2 dígitos)"),
    ("planeacion", "codigo_dane", "la secretaría u oficina de planeación de la entidad"),
    ("equipo", "codigo_dane", "el equipo formulador del plan de la entidad"),
    ("ctp", "codigo_dane", "los consejeros del Consejo Territorial de Planeación de la entidad"),
    ("corporacion", "codigo_dane", "la secretaría del concejo (código del municipio) o de la asamblea (código "
                                   "del departamento)"),
    ("car", "codigo_autoridad", "la autoridad ambiental, por su sigla (CRQ, CORANTIOQUIA…), con codigo_dane "
                                "vacío: su alcance es su jurisdicción"),
    ("asesor", "codigo_dane", "un asesor (DNP u otro) acompaña las entidades de sus filas: una fila por entidad; "
                              "el código de un departamento cubre la gobernación, no sus municipios. Un asesor "
                              "de alcance nacional no se importa por archivo: el tablero nacional lo consulta una "
                              "cuenta de administrador, que se da en la página de administración"),
    ("hacienda", "codigo_dane", "la secretaría de hacienda de la entidad (Fase II: marco fiscal, proyecto de "
                                "presupuesto, armonización)"),
    ("consejo_de_gobierno", "codigo_dane", "la secretaría técnica del Consejo de Gobierno de la entidad (Fase II: "
                                           "plan indicativo, POAI, planes de acción)"),
)
#: Not importable: the DNP's regional coordinator (``coordinador``) is given by an administrator, on its page.


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what Excel in Spanish opens as columns
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "funcionarios"
    sheet.append(list(COLUMNS))
    for row in TEMPLATE_ROWS:
        sheet.append(list(row))
    for cell in sheet["A"]:
        cell.number_format = "@"  # DANE codes are text: Excel must not drop the leading zero of 05001
    notes = book.create_sheet("instrucciones")
    notes.append(["Una fila por persona y rol; nada se crea si una fila tiene un error."])
    notes.append(["rol", "columna del alcance", "quién es y cuál es su alcance"])
    for line in ROLE_SCOPES:
        notes.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
