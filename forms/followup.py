"""Forms of Monitoreo 360's pages: shape of input only. Each valid form becomes a frozen command of
``services.followup``; an invalid one gives back {field: Spanish message} and the page keeps what was typed."""
from __future__ import annotations

from datetime import date, datetime
from typing import Mapping

from workflow_app.models import SURVEY_ASPECTS, VISIT_MODES
from workflow_app.services.followup.activity import ReportCommand, VisitInput
from workflow_app.services.followup.survey import SurveyCommand

VISIT_ROWS = 6  # blank asesoría rows on the report form (no JavaScript to add more: a report can be corrected)


def parse_month(value: str | None) -> date | None:
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def survey_command(form: Mapping) -> tuple[SurveyCommand | None, dict[str, str]]:
    errors: dict[str, str] = {}
    scores: dict[str, int | None] = {}
    for key in SURVEY_ASPECTS:
        raw = (form.get(key) or "").strip()
        if raw in ("", "na"):
            if raw == "":
                errors[key] = "Elija una calificación de 1 a 5, o «No aplica»."
            scores[key] = None
        elif raw in ("1", "2", "3", "4", "5"):
            scores[key] = int(raw)
        else:
            errors[key] = "Elija una calificación de 1 a 5, o «No aplica»."
    if errors:
        return None, errors
    return SurveyCommand(scores=scores, comment=form.get("comment", ""),
                         respondent_level=form.get("respondent_level") or None), {}


def checklist_raw(form: Mapping, codes) -> dict[str, tuple[str, str]]:
    return {code: (form.get(f"{code}-value", ""), form.get(f"{code}-note", "")) for code in codes}


def report_command(form: Mapping, month: date) -> tuple[ReportCommand, dict[str, str]]:
    """The command, and what could not be read in it, keyed by its input's id (``v2-on``): the service says it with
    the report's other problems, all in one answer."""
    errors: dict[str, str] = {}
    try:
        trainings = int((form.get("trainings") or "0").strip())
    except ValueError:
        errors["trainings"] = "Escriba un número entero (0 si no dictó capacitaciones)."
        trainings = 0
    visits = []
    for i in range(1, VISIT_ROWS + 1):
        prefix = f"v{i}-"
        entity_raw = (form.get(prefix + "entity") or "").strip()
        on_raw = (form.get(prefix + "on") or "").strip()
        loaded_raw = (form.get(prefix + "seta") or "").strip()
        on, loaded = _date(on_raw), _date(loaded_raw)
        if on_raw and on is None:
            errors[prefix + "on"] = f"Asesoría {i}: la fecha debe tener la forma AAAA-MM-DD."
        if loaded_raw and loaded is None:
            errors[prefix + "seta"] = f"Asesoría {i}: la fecha de cargue en SETA debe tener la forma AAAA-MM-DD."
        mode = form.get(prefix + "mode") or "virtual"
        if mode not in VISIT_MODES:
            errors[prefix + "mode"] = f"Asesoría {i}: elija presencial o virtual."
        visits.append(VisitInput(int(entity_raw) if entity_raw.isdigit() else None, on, mode,
                                 form.get(prefix + "topic", ""), form.get(prefix + "evidence") == "1", loaded,
                                 form.get(prefix + "agreements", "")))
    return ReportCommand(month=month, trainings=trainings, notes=form.get("notes", ""), visits=tuple(visits)), errors
