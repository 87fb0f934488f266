"""The plan plurianual de inversiones (PPI): programs and projects with cost per year and funding source.

Every save or import is a new ``PpiVersion`` holding all the lines (versions are never edited), so the PPI that
a hearing discussed (L1909 art. 22) stays readable after the plan changes. Rows from a form, a CSV or an XLSX
sheet go through the same ``validate_rows``: one wrong row and nothing is saved.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from state_machines.approval.pdt import FILED_STATES, ppi_change_verdict
from state_machines.core.dates import format_date_es
from state_machines.core.machine import Verdict
from state_machines.core.roles import Role
from workflow_app.infra.files.tabular import Limits, TableRejected, read_table
from workflow_app.models import Plan, PpiItem, PpiVersion, User

# Who may write the PPI: the formulation team and its leader (L152 art. 33.3).
PPI_WRITER_ROLES = frozenset({Role.PLANEACION, Role.EQUIPO})
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
PPI_LIMITS = Limits(max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_ROWS, max_columns=30)
MAX_AMOUNT = 10**15  # pesos; above the whole national budget, so surely a typing error
TEXT_LIMITS = {"program": 255, "project": 255, "funding_source": 120}

COLUMNS = ("program", "project", "year", "funding_source", "amount")
COLUMN_LABELS = {"program": "programa", "project": "proyecto", "year": "año", "funding_source": "fuente",
                 "amount": "valor"}
# Accepted headers, compared without accents, case or surrounding spaces.
HEADER_ALIASES = {
    "programa": "program", "proyecto": "project", "ano": "year", "anio": "year", "vigencia": "year",
    "fuente": "funding_source", "fuente de financiacion": "funding_source", "fuente de recursos": "funding_source",
    "valor": "amount", "valor (pesos)": "amount", "valor en pesos": "amount", "costo": "amount",
}


@dataclass(frozen=True)
class PpiLine:
    program: str
    project: str
    year: int
    funding_source: str
    amount: int


@dataclass(frozen=True)
class RowError:
    row: int  # as the person sees it: the sheet's row number (headers are row 1) or the form's line
    column: str | None  # Spanish column name, or None for the whole file/row
    message: str

    def __str__(self) -> str:
        where = f"Fila {self.row}" if self.row else "Archivo"
        if self.column:
            where += f", columna «{self.column}»"
        return f"{where}: {self.message}"


class PpiRejected(Exception):
    """Nothing was saved; ``errors`` says where and why, in Spanish."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


class PpiConflict(Exception):
    """Another person saved a version at the same moment."""


class PpiFrozen(Exception):
    """The law does not allow changing the PPI now (filed or adopted plan); ``message`` and ``legal_basis``."""

    def __init__(self, message: str, legal_basis: str):
        super().__init__(message)
        self.message, self.legal_basis = message, legal_basis



def ppi_change_check(plan: Plan, amendment: str | None = None, executive_change: Verdict | None = None) -> None:
    """Raise ``PpiFrozen`` unless the PPI may change now (``state_machines.approval.pdt.ppi_change_verdict``).
    ``executive_change``: the D683 art. 2 verdict (``plans.executive_change_verdict``): when it allows, the
    executive changes the filed PPI without an amendment."""
    proc = next((p for p in plan.procedures if p.machine == "amendment" and p.subject == amendment), None)
    if amendment and proc is None:
        raise PpiFrozen(f"La modificación {amendment} no existe en este plan.", "L152 art. 40")
    if not amendment and plan.state in FILED_STATES and executive_change is not None and executive_change.ok:
        return
    verdict = ppi_change_verdict(plan.state, proc.state if proc else None, amendment)
    if not verdict.ok:
        raise PpiFrozen(verdict.reason, verdict.legal_basis)


def approved_amendments(plan: Plan) -> list:
    """Amendments the corporation approved: the only way to change a filed PPI (L152 art. 40)."""
    return [p for p in plan.procedures if p.machine == "amendment" and p.state == "approved"]

def fold(text: str) -> str:
    """Lower case without accents: 'Año' -> 'ano' (headers, searches)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def can_edit_ppi(user: User, plan: Plan) -> bool:
    return bool(user.roles_for(plan.entity) & PPI_WRITER_ROLES)


# ---------------------------------------------------------------------------------------------------------------
# Reading sheets


def read_sheet(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """Rows of a CSV or XLSX file as (sheet row number, {column: raw value}); raises ``PpiRejected``. The file is
    read by the one bounded reader of uploads (``workflow_app.infra.files.tabular``)."""
    try:
        table = read_table(filename, data, PPI_LIMITS)
    except TableRejected as exc:
        raise PpiRejected([RowError(0, None, exc.message)]) from exc
    return _rows_by_header(table)


def _rows_by_header(table: list[tuple[int, list]]) -> list[tuple[int, dict]]:
    """The first non-empty row is the header; rows keep the number the person sees in the sheet."""
    table = [(n, row) for n, row in table if not all(_blank(v) for v in row)]
    if not table:
        raise PpiRejected([RowError(0, None, "El archivo no tiene filas.")])
    header_number, header_row = table[0]
    header = [fold(str(h)) if h is not None else "" for h in header_row]
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        column = HEADER_ALIASES.get(title)
        if column and column not in index:
            index[column] = position
    missing = [COLUMN_LABELS[c] for c in COLUMNS if c not in index]
    if missing:
        raise PpiRejected([RowError(header_number, None, "Faltan columnas en el encabezado: " + ", ".join(missing)
                                    + ". La primera fila debe decir: programa, proyecto, año, fuente, valor.")])
    rows = []
    for number, raw in table[1:]:
        values = {c: (raw[i] if i < len(raw) else None) for c, i in index.items()}
        if not all(_blank(v) for v in values.values()):
            rows.append((number, values))
    if not rows:
        raise PpiRejected([RowError(0, None, "El archivo no tiene filas con datos debajo del encabezado.")])
    return rows


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------------------------
# Validating


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
#: Whole pesos written with zero cents, as a spreadsheet in Spanish formats them: "1.234.567,00", "1234567.00".
_ZERO_CENTS = re.compile(r"^(\d[\d.]*)[.,]0{1,2}$")


def parse_amount(value) -> int:
    """Pesos as a non-negative integer: 1234567, '1234567', '1.234.567', '$ 1.234.567', '1.234.567,00' (zero
    cents), or a whole Excel number."""
    if isinstance(value, bool):
        raise ValueError("no es un valor en pesos")
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError("debe ser un valor entero en pesos, sin centavos")
        amount = int(value)
    else:
        text = str(value).strip().replace("$", "").replace(" ", "").replace("\u00a0", "")
        if text.startswith("-"):
            raise ValueError("no puede ser negativo")
        if zero_cents := _ZERO_CENTS.match(text):
            text = zero_cents.group(1)  # the rules below still judge what remains
        if _THOUSANDS.match(text):
            text = text.replace(".", "")
        if not _PLAIN.match(text):
            raise ValueError("debe ser un número entero en pesos (por ejemplo 1.234.567), sin centavos")
        amount = int(text)
    if amount < 0:
        raise ValueError("no puede ser negativo")
    if amount > MAX_AMOUNT:
        raise ValueError("es demasiado grande; revise el número")
    return amount


def _parse_year(value) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError("debe ser un año de cuatro dígitos")
    return int(text)


def validate_rows(rows: Iterable[tuple[int, Mapping]], years: range) -> list[PpiLine]:
    """Every row checked, every error collected; all lines or ``PpiRejected``."""
    errors: list[RowError] = []
    lines: list[PpiLine] = []
    for number, values in rows:
        row_errors: list[RowError] = []
        texts = {}
        for column in ("program", "project", "funding_source"):
            text = " ".join(str(values.get(column) or "").split())
            if not text:
                row_errors.append(RowError(number, COLUMN_LABELS[column], "es obligatorio"))
            elif len(text) > TEXT_LIMITS[column]:
                row_errors.append(RowError(number, COLUMN_LABELS[column],
                                           f"tiene más de {TEXT_LIMITS[column]} caracteres"))
            texts[column] = text
        year = amount = None
        if _blank(values.get("year")):
            row_errors.append(RowError(number, "año", "es obligatorio"))
        else:
            try:
                year = _parse_year(values["year"])
                if year not in years:
                    row_errors.append(RowError(number, "año", f"{year} está fuera del período del plan "
                                                             f"({years.start}–{years.stop - 1})"))
            except ValueError as exc:
                row_errors.append(RowError(number, "año", str(exc)))
        if _blank(values.get("amount")):
            row_errors.append(RowError(number, "valor", "es obligatorio"))
        else:
            try:
                amount = parse_amount(values["amount"])
            except ValueError as exc:
                row_errors.append(RowError(number, "valor", str(exc)))
        if row_errors:
            errors.extend(row_errors)
        else:
            lines.append(PpiLine(texts["program"], texts["project"], year, texts["funding_source"], amount))
    if errors:
        raise PpiRejected(errors)
    if not lines:
        raise PpiRejected([RowError(0, None, "Registre al menos un proyecto con su año, fuente y valor.")])
    return lines


def plan_years(plan: Plan) -> range:
    return range(plan.period.start_on.year, plan.period.end_on.year + 1)


# ---------------------------------------------------------------------------------------------------------------
# Saving and reading versions


def save_ppi_version(session: Session, plan: Plan, lines: list[PpiLine], *, source: str, actor: User | None,
                     note: str = "", amendment: str | None = None,
                     executive_change: Verdict | None = None) -> PpiVersion:
    """A new version with all ``lines``; commits once. Raises ``PpiConflict`` if another save took the number,
    ``PpiFrozen`` if the plan is filed (then only an approved ``amendment`` changes it) or adopted."""
    ppi_change_check(plan, amendment or None, executive_change)
    last = session.scalar(select(func.max(PpiVersion.version)).where(PpiVersion.plan_id == plan.id))
    version = PpiVersion(plan_id=plan.id, version=(last or 0) + 1, source=source, note=(note or "").strip() or None,
                         created_by_id=actor.id if actor else None,
                         stage="amendment" if amendment else None, amendment_subject=amendment or None)
    version.items = [PpiItem(program=line.program, project=line.project, year=line.year,
                             funding_source=line.funding_source, amount=line.amount) for line in lines]
    session.add(version)
    try:
        session.commit()
    except IntegrityError as exc:  # UNIQUE (plan_id, version): someone saved at the same time
        session.rollback()
        raise PpiConflict() from exc
    return version


def import_ppi(session: Session, plan: Plan, filename: str, data: bytes, actor: User | None,
               note: str = "", amendment: str | None = None, executive_change: Verdict | None = None) -> PpiVersion:
    ppi_change_check(plan, amendment or None, executive_change)  # before reading a sheet that cannot be saved
    rows = read_sheet(filename, data)
    lines = validate_rows(rows, plan_years(plan))
    source = "xlsx" if data.startswith(b"PK\x03\x04") else "csv"
    return save_ppi_version(session, plan, lines, source=source, actor=actor, note=note, amendment=amendment,
                            executive_change=executive_change)


def freeze_ppi(session: Session, plan: Plan, stage: str, act_on, reference: str = "") -> PpiVersion | None:
    """Inside an act's transaction (no commit): the current PPI becomes a version of its own marked ``filed``
    (T7) or ``adopted`` (T10, T12), so what the corporation received and what was adopted stay readable."""
    current = ppi_version(session, plan)
    if current is None:
        return None
    w = plan.entity.wording
    what = (f"radicado ante {'la' if w.is_department else 'el'} {w.corporation}" if stage == "filed"
            else "adoptado con el plan")
    note = f"Plan de inversiones {what} el {format_date_es(act_on)}" + (f" ({reference.strip()})" if reference else "")
    frozen = PpiVersion(plan_id=plan.id, version=current.version + 1, source=current.source, stage=stage,
                        note=note + f"; copia de la versión {current.version}.")
    frozen.items = [PpiItem(program=i.program, project=i.project, year=i.year, funding_source=i.funding_source,
                            amount=i.amount) for i in current.items]
    session.add(frozen)
    return frozen


def adopted_ppi(session: Session, plan: Plan) -> PpiVersion | None:
    return session.scalar(select(PpiVersion).filter_by(plan_id=plan.id, stage="adopted")
                          .order_by(PpiVersion.version.desc()).limit(1).options(selectinload(PpiVersion.items)))


def has_adopted_ppi(session: Session, plan: Plan) -> bool:
    """The plan has its adopted investment plan on record (frozen at the adoption, or transcribed after it)."""
    return session.scalar(select(PpiVersion.id).filter_by(plan_id=plan.id, stage="adopted").limit(1)) is not None


def ppi_versions(session: Session, plan: Plan) -> list[PpiVersion]:
    return session.scalars(select(PpiVersion).filter_by(plan_id=plan.id).order_by(PpiVersion.version.desc())).all()


def ppi_version(session: Session, plan: Plan, number: int | None = None) -> PpiVersion | None:
    """Version ``number`` of the plan's PPI, or the current (latest) one."""
    query = select(PpiVersion).filter_by(plan_id=plan.id).options(selectinload(PpiVersion.items))
    if number is None:
        query = query.order_by(PpiVersion.version.desc()).limit(1)
    else:
        query = query.filter_by(version=number)
    return session.scalar(query)


@dataclass(frozen=True)
class ProjectSummary:
    name: str
    by_year: dict[int, int]
    sources: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class ProgramSummary:
    name: str
    projects: tuple[ProjectSummary, ...]
    total: int


@dataclass(frozen=True)
class PpiSummary:
    version: PpiVersion
    years: tuple[int, ...]
    programs: tuple[ProgramSummary, ...]
    by_year: dict[int, int]
    by_source: dict[str, int]
    total: int


def summarize(version: PpiVersion) -> PpiSummary:
    """Programs → projects with cost per year, and the totals per year and per funding source."""
    years = sorted({i.year for i in version.items})
    by_year: dict[int, int] = defaultdict(int)
    by_source: dict[str, int] = defaultdict(int)
    tree: dict[str, dict[str, list[PpiItem]]] = {}
    for item in version.items:
        by_year[item.year] += item.amount
        by_source[item.funding_source] += item.amount
        tree.setdefault(item.program, {}).setdefault(item.project, []).append(item)
    programs = []
    for program, projects in tree.items():
        summaries = []
        for project, items in projects.items():
            per_year: dict[int, int] = defaultdict(int)
            for item in items:
                per_year[item.year] += item.amount
            summaries.append(ProjectSummary(project, dict(per_year), tuple(sorted({i.funding_source for i in items})),
                                            sum(i.amount for i in items)))
        programs.append(ProgramSummary(program, tuple(summaries), sum(p.total for p in summaries)))
    return PpiSummary(version, tuple(years), tuple(programs), {y: by_year[y] for y in years},
                      dict(sorted(by_source.items())), sum(by_year.values()))


def thousands(amount: int) -> str:
    """'1.234.567' (Colombian thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def pesos(amount: int) -> str:
    """'$ 1.234.567' with a no-break space, so a figure never wraps inside a table cell."""
    return "$\u00a0" + thousands(amount)
