"""CSV and XLSX downloads of the board and of a plan's history.

CSV: UTF-8 with a BOM (so Excel reads the accents), comma-separated, ISO dates. Text cells that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) get a leading apostrophe; numbers stay
numbers. XLSX: real date cells shown as ``yyyy-mm-dd``, a bold header row, frozen under the header.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from typing import Iterable, Sequence
from urllib.parse import quote

from state_machines.calendar import VIGENCIA_CLAUSES
from state_machines.concepts import ANSWER_DECISIONS, CONCEPT_SENSES
from state_machines.pdt import PDT_STATES
from workflow_app.infra.clock import BOGOTA
from workflow_app.services.board import PARTIES, PARTY_LABELS, RISK_LABELS, BoardRow

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

BOARD_HEADER = (
    "Código DANE", "Entidad", "Departamento", "Región", "Estado (código)", "Estado", "Avance (%)",
    "Próximo plazo (actuar a más tardar)", "Paso", "Holgura (días hábiles)", "Pasos vencidos",
    "Riesgo", "Motivos del riesgo",
    *(f"Espera: {PARTY_LABELS[p]} (días hábiles)" for p in PARTIES),
)

HISTORY_HEADER = ("N.º", "Fecha del acto", "Registrado (Bogotá)", "Trámite", "Asunto", "Estado anterior",
                  "Estado nuevo", "Acto", "Quién", "Rol", "Referencia", "Motivo", "Contenido", "Norma",
                  "Hash SHA-256")


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
    return " | ".join(parts)


def board_table(rows: Sequence[BoardRow]) -> tuple[tuple, list[tuple]]:
    out = []
    for r in rows:
        step = r.next_step
        out.append((
            r.dane_code, r.entity_label, r.department_name.title(), r.region, r.state, r.state_label,
            round(r.progress, 2), step.deadline.act_by if step else None, step.label if step else "",
            step.slack if step else None, "; ".join(p.label for p in r.overdue),
            RISK_LABELS[r.risk], "; ".join(r.risk_reasons), *(r.waits.get(p, 0) for p in PARTIES),
        ))
    return BOARD_HEADER, out


def history_table(events, labels: dict, role_labels: dict, machine_labels: dict) -> tuple[tuple, list[tuple]]:
    out = []
    for e in events:
        states = machine_labels.get(e.machine, PDT_STATES)
        out.append((
            e.id, e.act_on, e.occurred_at.astimezone(BOGOTA).replace(tzinfo=None, microsecond=0)
            if e.occurred_at else None,
            e.machine, e.subject or "", states.get(e.from_state, e.from_state), states.get(e.to_state, e.to_state),
            labels.get(e.trigger, e.trigger), e.actor.name if e.actor else "Sistema",
            role_labels.get(e.role, e.role), e.reference or "", e.reason or "", event_content(e.payload),
            e.legal_basis or "",
            e.row_hash or "",
        ))
    return HISTORY_HEADER, out


def _csv_cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                value = "'" + value
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_filename(*parts: str, ext: str) -> str:
    """ASCII letters, digits and dashes only: 'Génova 2028' -> 'genova-2028'."""
    text = unicodedata.normalize("NFKD", "-".join(p for p in parts if p))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "replace").decode()).strip("-")[:80] or "descarga"
    return f"{text}.{ext}"


def attachment_headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
