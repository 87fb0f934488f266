"""CSV and XLSX downloads of the board and of a plan's history, in Spanish.

Columns have human names and values human labels (state, act, role, procedure); the internal codes travel in
the last columns, named "(código)", for whoever feeds another system.

- Standard CSV (RFC 4180): UTF-8 with a BOM (so Excel reads the accents), comma-separated, ISO dates, decimal
  point: for programs.
- "CSV para Excel": what Excel opens with a double click in Colombia (Spanish regional settings): semicolons,
  decimal comma, dates ``dd/mm/aaaa``, UTF-8 with a BOM.
- XLSX: real date cells shown ``dd/mm/aaaa``, a bold header row frozen and filterable, each column as wide as
  its content (capped, long text wrapped).

In both CSVs, text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) get a
leading apostrophe; numbers stay numbers. In the XLSX such a cell is a text cell (never a formula), shown as written:
a reason that starts with a dash, «- Se aprueba…», reads so, without the CSV's apostrophe.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from typing import Iterable, Sequence
from urllib.parse import quote

from state_machines.approval.concepts import ANSWER_DECISIONS, CONCEPT_SENSES
from state_machines.approval.pdt import PDT_STATES
from state_machines.calendar import VIGENCIA_CLAUSES
from state_machines.phase2 import PHASE2_TITLES
from workflow_app.infra.clock import BOGOTA
from workflow_app.services.monitoring.board import PARTIES, PARTY_LABELS, RISK_LABELS, BoardRow

CSV_MIME = "text/csv"  # Werkzeug adds "; charset=utf-8" to a text/* mimetype (once)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Inside a field of the standard CSV, a ``;`` followed by a formula's first character: Excel with Colombia's
#: regional settings opens a file on ``;`` (its list separator), and «Sin novedad;=1+1» gave a cell «=1+1» that
#: no quoting prevents (a quote counts only at the start of a field). Such a piece starts with ``'`` as a
#: field does (QA, trust lens, December 2026).
_FORMULA_AFTER_SEMICOLON = re.compile(r";(\s*)(?=[=+\-@\t\r])")
STANDARD, EXCEL = "standard", "excel"
MIN_WIDTH, MAX_WIDTH = 8, 60  # XLSX column widths, in characters

#: The legal procedures, as people call them (history exports).
PROCEDURE_LABELS = {
    "pdt_approval": "Ruta del plan",
    "car_review": "Concepto de la autoridad ambiental",
    "ctp_review": "Concepto del CTP",
    "amendment": "Modificación propuesta en la corporación",
    "hearing": "Audiencia pública (Ley 1909)",
    "ctp_formation": "Conformación del CTP",
    **PHASE2_TITLES,
}

BOARD_HEADER = (
    "Código DANE", "Entidad", "Departamento", "Región", "Estado", "Avance en hitos (%)",
    "Avance en hitos de la Fase II (%)",
    # The count the board's column shows, then which steps (QA: the board said «0», the file an empty cell).
    "Próximo plazo (actuar a más tardar)", "Próximo paso", "Holgura (días hábiles)", "Número de pasos vencidos",
    "Pasos vencidos",
    "Riesgo", "Motivos del riesgo",
    *(f"Espera: {PARTY_LABELS[p]} (días hábiles)" for p in PARTIES),
    "Período", "Estado (código)", "Riesgo (código)",
)

HISTORY_HEADER = ("N.º", "Fecha del acto", "Registrado (hora de Bogotá)", "Trámite", "Asunto", "Estado anterior",
                  "Estado nuevo", "Acto", "Quién", "Rol", "Referencia", "Motivo", "Contenido", "Norma", "Hash SHA-256",
                  "Trámite (código)", "Acto (código)", "Estado nuevo (código)")


def event_content(payload: dict | None) -> str:
    """What an act carried, in words: a concept and its numbered recommendations, the answers to them, an
    amendment's text and authors, a debate's outcome, a hearing's attendance, a vigencia clause."""
    p = payload or {}
    parts = []
    if p.get("concept"):
        text = f"Concepto: {CONCEPT_SENSES.get(p['concept'], p['concept'])}"
        if p.get("parts"):
            text += " (sobre: " + "; ".join(p["parts"]) + ")"
        parts.append(text)
        parts += [f"Recomendación {n}: {r}" for n, r in enumerate(p.get("recommendations") or (), start=1)]
    for key, answer in sorted((p.get("answers") or {}).items()):
        if isinstance(answer, dict):
            parts.append(f"Respuesta {key}: {ANSWER_DECISIONS.get(answer.get('decision'), answer.get('decision'))}"
                         f" — {answer.get('reason', '')}")
    if p.get("text"):
        parts.append(f"Texto: {p['text']}")
    if p.get("authors"):
        parts.append("Autores: " + ", ".join(p["authors"]))
    if p.get("committee_outcome"):
        parts.append("Aprobado en comisión" if p["committee_outcome"] == "approved" else "El debate continúa")
    if p.get("attendance"):
        parts.append(f"Asistentes: {p['attendance']}")
    if p.get("vigencia"):
        parts.append(f"Vigencia: {VIGENCIA_CLAUSES.get(p['vigencia'], p['vigencia'])}"
                     + (f" ({p['in_force_declared']})" if p.get("in_force_declared") else ""))
    if p.get("recorded_late"):
        parts.append(LATE_RECORDING)
    return " | ".join(parts)


#: Issue 18: the act's date decides; a late typing is noted, never counted as a late act.
LATE_RECORDING = ("Registrado después del último día del plazo, pero el acto está fechado dentro de él: "
                  "se cumplió a tiempo")


def board_table(rows: Sequence[BoardRow], period: str = "") -> tuple[tuple, list[tuple]]:
    """One line per plan; ``period``: the period's name ("2028–2031"), on every line (issue 18)."""
    out = []
    for r in rows:
        step = r.next_step
        out.append((
            r.dane_code, r.entity_label, r.department_name, r.region, r.state_label,
            round(r.progress, 2), round(r.progress2, 2) if r.state == "in_force" else None,
            step.deadline.act_by if step else None, step.label if step else "",
            step.slack if step else None, len(r.overdue), "; ".join(p.label for p in r.overdue),
            RISK_LABELS[r.risk], "; ".join(r.risk_reasons), *(r.waits.get(p, 0) for p in PARTIES),
            period, r.state, r.risk,
        ))
    return BOARD_HEADER, out


def history_table(events, labels: dict, role_labels: dict, machine_labels: dict) -> tuple[tuple, list[tuple]]:
    out = []
    for e in events:
        states = machine_labels.get(e.machine, PDT_STATES)
        out.append((
            e.id, e.act_on, e.occurred_at.astimezone(BOGOTA).replace(tzinfo=None, microsecond=0)
            if e.occurred_at else None,
            PROCEDURE_LABELS.get(e.machine, e.machine), e.subject or "", states.get(e.from_state, e.from_state),
            states.get(e.to_state, e.to_state), labels.get(e.trigger, e.trigger),
            e.actor.name if e.actor else "Sistema", role_labels.get(e.role, e.role), e.reference or "",
            e.reason or "", event_content(e.payload), e.legal_basis or "", e.row_hash or "", e.machine, e.trigger, e.to_state,
        ))
    return HISTORY_HEADER, out


def _csv_cell(value, dialect: str) -> str | int:
    excel = dialect == EXCEL
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S") if excel else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if excel else value.isoformat()
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return text.replace(".", ",") if excel else text
    text = str(value)
    if not excel and ";" in text:
        text = _FORMULA_AFTER_SEMICOLON.sub(r";\1'", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence], dialect: str = STANDARD) -> bytes:
    """``STANDARD``: RFC 4180 for programs. ``EXCEL``: ``;`` and decimal comma, for Excel in Spanish."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dialect == EXCEL else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v, dialect) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _shown_length(value) -> int:
    """About how many characters Excel shows for a value in its cell."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(header: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """Each column as wide as its longest cell (header included), between ``MIN_WIDTH`` and ``MAX_WIDTH``."""
    widths = [len(h) for h in header]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _shown_length(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows = [tuple(r) for r in rows]
    widths = column_widths(header, rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    head = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.alignment = bold, wrap
        head.append(cell)
    sheet.append(head)
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell.data_type = "s"  # a text cell, never a formula, shown as written (no apostrophe)
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(value, float):
                cell.number_format = "0.00"
            elif isinstance(value, str) and _shown_length(value) > widths[index]:
                cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_filename(*parts: str, ext: str) -> str:
    """ASCII letters, digits and dashes only: 'Génova 2028' -> 'genova-2028'. ``ext="excel"``: the CSV for
    Excel, ``…-excel.csv``."""
    if ext == "excel":
        return safe_filename(*parts, "excel", ext="csv")
    text = unicodedata.normalize("NFKD", "-".join(p for p in parts if p))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "replace").decode()).strip("-")[:80] or "descarga"
    return f"{text}.{ext}"


def attachment_headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
