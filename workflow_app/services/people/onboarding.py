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
from dataclasses import dataclass, field
from datetime import datetime, timezone

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from state_machines.roles import ROLE_LABELS, Role
from workflow_app.infra.tabular import Limits, TableRejected, read_table
from workflow_app.models import Entity, EnvironmentalAuthority, Membership, OnboardingBatch, User
from workflow_app.services.people.accounts import (
    AccountError,
    Invite,
    find_user_by_email,
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
#: Roles a file may grant; an administrator is named on the administration page, one by one.
ROLE_ALIASES = {
    "ejecutivo": Role.EJECUTIVO, "alcalde": Role.EJECUTIVO, "alcaldesa": Role.EJECUTIVO,
    "gobernador": Role.EJECUTIVO, "gobernadora": Role.EJECUTIVO,
    "planeacion": Role.PLANEACION, "secretaria de planeacion": Role.PLANEACION,
    "secretario de planeacion": Role.PLANEACION,
    "equipo": Role.EQUIPO, "equipo formulador": Role.EQUIPO,
    "ctp": Role.CTP, "consejero ctp": Role.CTP, "consejera ctp": Role.CTP,
    "consejo territorial de planeacion": Role.CTP,
    "car": Role.CAR, "autoridad ambiental": Role.CAR,
    "corporacion": Role.CORPORACION, "secretaria del concejo": Role.CORPORACION,
    "secretario del concejo": Role.CORPORACION, "secretaria de la asamblea": Role.CORPORACION,
    "secretario de la asamblea": Role.CORPORACION,
    "asesor": Role.ASESOR, "asesor dnp": Role.ASESOR,
    "hacienda": Role.HACIENDA, "secretaria de hacienda": Role.HACIENDA, "secretario de hacienda": Role.HACIENDA,
    "consejo de gobierno": Role.CONSEJO_DE_GOBIERNO, "consejo_de_gobierno": Role.CONSEJO_DE_GOBIERNO,
}
STATUS_LABELS = {"created": "Se crea la cuenta y se envía la invitación",
                 "added": "Cuenta existente: se le agrega el rol",
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
    return " ".join(str(value).split())


@dataclass
class RowOutcome:
    row: int
    email: str
    name: str
    role: str
    scope: str  # DANE code or authority code, as given
    status: str = "created"
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
    entities = {code: entity_id for code, entity_id in session.execute(select(Entity.dane_code, Entity.id))}
    authorities = set(session.scalars(select(EnvironmentalAuthority.code)))
    seen: dict[tuple, int] = {}
    names_in_file: dict[str, tuple[str, int]] = {}
    outcomes = []
    for row in rows:
        email, name = normalise_email(row.get("correo")), row.get("nombre", "").strip()
        dane, authority = row.get("codigo_dane", "").strip(), row.get("codigo_autoridad", "").strip().upper()
        outcome = RowOutcome(row=row["fila"], email=email, name=name, role="", scope=dane or authority)
        errors = outcome.errors
        if not email or "@" not in email or "." not in email.split("@")[-1] or len(email) > 254 or " " in email:
            errors.append(("correo", "no es un correo electrónico válido"))
        if not name:
            errors.append(("nombre", "falta el nombre"))
        elif len(name) > 200:
            errors.append(("nombre", "tiene más de 200 caracteres"))
        role = ROLE_ALIASES.get(fold(row.get("rol")))
        if role is None:
            errors.append(("rol", f"rol desconocido «{row.get('rol', '')}»: use ejecutivo, planeacion, equipo, ctp, "
                                  "car, corporacion o asesor"))
        else:
            outcome.role = role.value
        entity_id = None
        if role is Role.CAR:
            if not authority:
                errors.append(("código de la autoridad ambiental", "el rol car necesita la sigla de la autoridad"))
            elif authority not in authorities:
                errors.append(("código de la autoridad ambiental", f"no existe la autoridad «{authority}»"))
            outcome.scope = authority
        elif role is not None:
            if dane.isdigit() and len(dane) in (1, 4):  # Excel dropped the leading zero of 05001 or 05
                dane = dane.zfill(len(dane) + 1)
            if not dane:
                errors.append(("código DANE", "falta el código DANE de la entidad"))
            elif dane not in entities:
                errors.append(("código DANE", f"no hay una entidad con el código «{dane}»"))
            else:
                entity_id = entities[dane]
            outcome.scope = dane
        if email and name:
            first = names_in_file.setdefault(email, (name, row["fila"]))
            if fold(first[0]) != fold(name):
                errors.append(("nombre", f"el mismo correo tiene otro nombre en la fila {first[1]}"))
        key = (email, outcome.role, entity_id, authority if role is Role.CAR else None)
        if not errors and key in seen:
            errors.append(("correo", f"repite la fila {seen[key]}"))
        seen.setdefault(key, row["fila"])
        if errors:
            outcome.status = "error"
        else:
            outcome.status = _status(session, email, outcome.role, entity_id, key[3], names_in_file, row["fila"])
        outcomes.append(outcome)
    return CheckResult(outcomes)


def _status(session: Session, email: str, role: str, entity_id: int | None, authority: str | None,
            names_in_file: dict, row_number: int) -> str:
    user = find_user_by_email(session, email)
    if user is None:
        # A second role of someone new in this same file is added to the account its first row creates.
        return "added" if names_in_file[email][1] != row_number else "created"
    existing = session.scalar(select(Membership.id).filter_by(user_id=user.id, role=role, entity_id=entity_id,
                                                              authority_code=authority))
    return "present" if existing is not None else "added"


def check_upload(session: Session, actor: User, filename: str, data: bytes) -> tuple[OnboardingBatch, CheckResult]:
    """The dry run: read, check, keep the rows for the confirmation. Only the batch row is written."""
    rows = read_rows(filename, data)
    result = check_rows(session, rows)
    batch = OnboardingBatch(filename=(filename or "archivo")[:255], rows=rows, uploaded_by_id=actor.id)
    session.add(batch)
    session.commit()
    return batch, result


def apply_batch(session: Session, actor: User, batch_id: int) -> CheckResult:
    """Write every row or none. Raises ``OnboardingRejected`` when any row has an error (nothing written)."""
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
        for row, outcome in zip(batch.rows, result.outcomes):
            role = Role(outcome.role)
            invite = Invite(email=outcome.email, name=outcome.name, role=role.value,
                            dane_code=outcome.scope if role is not Role.CAR else None,
                            authority_code=outcome.scope if role is Role.CAR else None)
            done = invite_person(session, actor, invite)
            created += done.status == "created"
        batch.applied_at = datetime.now(timezone.utc)
        batch.created_count = created
        session.commit()
    except AccountError as exc:
        session.rollback()
        raise OnboardingRejected(f"No se creó ninguna cuenta: {exc.message}") from exc
    except Exception:
        session.rollback()
        raise
    return result


TEMPLATE_ROWS = (
    ("63302", "", "planeacion", "Ana María Restrepo", "planeacion@genova-quindio.gov.co"),
    ("63302", "", "ctp", "Luis Fernando Gómez", "ctp@genova-quindio.gov.co"),
    ("", "CRQ", "car", "Carolina Duque", "planeacion@crq.gov.co"),
)
TEMPLATE_NOTE = ("Una fila por persona y rol. codigo_dane: municipio (5 dígitos) o departamento (2); para el rol car, "
                 "deje codigo_dane vacío y escriba la sigla de la autoridad en codigo_autoridad. Roles: ejecutivo, "
                 "planeacion, equipo, ctp, car, corporacion, asesor.")


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
    notes.append([TEMPLATE_NOTE])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
