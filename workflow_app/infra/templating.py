"""Jinja filters and globals: Spanish dates, the training-mode banner."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from flask import Flask, current_app, has_app_context, has_request_context, request, url_for

from state_machines.approval import corrections, ppi_transcription
from state_machines.approval.concepts import ANSWER_DECISIONS, CONCEPT_SENSES
from state_machines.approval.pdt import (
    HEARING_CLOSED_STATES,
    LAST_STRETCH_STATES,
    PDT_MACHINE,
    decree_condition,
    period_ended,
)
from state_machines.approval.route import DUTY_BY_KEY
from state_machines.approval.submachines import SUBMACHINES
from state_machines.calendar import EFFECT_DECREE_ADOPTION_ENABLED, VIGENCIA_CLAUSES
from state_machines.core.dates import format_hour_es
from state_machines.core.roles import ROLE_LABELS
from state_machines.core.wording import (
    DOCUMENT_TITLES,
    business_days,
    localize,
    localize_basis,
    readable_sources,
    with_de,
)
from state_machines.phase2 import PHASE2_MACHINES, PHASE2_TITLES, phase2_title
from workflow_app.infra.clock import BOGOTA

LOCALE = "es_CO"


def date_es(value: date | str | None, weekday: bool = False) -> str:
    """'29 de febrero de 2028' (or 'martes, 29 de febrero de 2028')."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = _shown(value).astimezone(BOGOTA).date()
    return _date_es(value, weekday)


@lru_cache(maxsize=4096)
def _date_es(value: date, weekday: bool) -> str:
    """Babel's formatting costs ~0.05 ms a call and a plan page shows ~20 dates: a few thousand days cover a
    four-year period, so they are kept."""
    pattern = "EEEE, d 'de' MMMM 'de' y" if weekday else "d 'de' MMMM 'de' y"
    return format_date(value, pattern, locale=LOCALE)


def datetime_es(value: datetime | None) -> str:
    if value is None:
        return ""
    return _datetime_es(_shown(value), "d 'de' MMMM 'de' y, h:mm a")


def when_es(value: datetime | None) -> str:
    """'10 de marzo de 2028 a las 3:05 p. m.' (America/Bogota, on the app's clock)."""
    if value is None:
        return ""
    return _datetime_es(_shown(value), "d 'de' MMMM 'de' y 'a las' h:mm a")


@lru_cache(maxsize=8192)
def _datetime_es(value: datetime, pattern: str) -> str:
    """Babel's formatting with a time zone costs ~0.3 ms a call; a plan page's history shows the same moments on
    every visit (the moment shown already follows the app's clock)."""
    return format_datetime(value, pattern, tzinfo=BOGOTA, locale=LOCALE)


def _shown(value: datetime) -> datetime:
    """Stored timestamps follow the app's clock: one calendar on every page, simulated in training."""
    return current_app.extensions["clock"].shown(value) if has_app_context() else value


def document_title(doc, entity=None) -> str:
    """The document's name as a noun ("Concepto del Consejo Territorial de Planeación") when it was stored under
    its act's name ("Entregar el concepto del CTP"); a title someone gave it is kept."""
    wording = getattr(entity, "wording", None)
    noun, act = DOCUMENT_TITLES.get(doc.kind), _trigger_labels().get(doc.kind)
    if not (noun and act):
        return doc.title
    for said in {act, localize(act, wording)}:
        if doc.title == said:
            return localize(noun, wording)
        if doc.title.startswith(f"{said} — "):  # a yearly Phase II document: «… — Plan Anual de Adquisiciones 2028»
            return f"{localize(noun, wording)} — {doc.title[len(said) + 3:]}"
    return doc.title


def event_subject(event) -> str:
    """What a history row's act was about: a Phase II procedure by its title ("Plan Operativo Anual de Inversiones
    (POAI) 2026", "Rendición de cuentas semestral, segundo semestre de 2027") rather than its key ("2026",
    "2027-2", "pi"); a route's sub-procedure by its subject as recorded (the CAR's code, the hearing's number)."""
    if event.machine in PHASE2_TITLES:
        return phase2_title(event.machine, event.subject or "")
    return event.subject or ""


def file_size(size_bytes: int) -> str:
    """A document's size as the pages say it, with a decimal comma: "0,6 KB" up to 999,9 KB, "1,0 MB" and up from
    there (a scanned acta: "5120,0 KB" was hard to read)."""
    kilobytes = round(size_bytes / 1024, 1)
    if kilobytes < 1000:
        return f"{kilobytes:.1f}".replace(".", ",") + " KB"
    return f"{size_bytes / (1024 * 1024):.1f}".replace(".", ",") + " MB"


@lru_cache(maxsize=1)
def _trigger_labels() -> dict:
    return _labels()["trigger_labels"]


def for_entity(text: str | None, entity) -> str:
    """The generic legal phrase said for one entity: "el concejo o asamblea" -> "el Concejo de Génova"; the
    norms it cites with their sources in words (an explanation's «(L136 art. 73; TAB-3d)»)."""
    return readable_sources(localize(text, getattr(entity, "wording", None)))


def basis_for(basis: str | None, entity=None) -> str:
    """A legal basis said for one entity (Ley 2200 for a department's acts, Ley 136 for a municipio's), with the
    short IDs of its other sources in words (``wording.readable_sources``)."""
    return readable_sources(localize_basis(basis, getattr(entity, "wording", None)))


_MENU_URLS: dict[tuple, str] = {}


def menu_url(endpoint: str, **values: str) -> str:
    """``url_for`` for the frame's fixed links (menu, stylesheet, icon), kept per application root: every page
    asks for the same sixteen, and building each one costs as much as a small query's Python side."""
    if not has_request_context():  # a page rendered by a job: nothing to keep
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *sorted(values.items()))
    found = _MENU_URLS.get(key)
    if found is None:
        if endpoint == "static":  # the file's own digest in its address: kept by browsers for a year (security.py)
            values = {**values, STATIC_VERSION_ARG: static_digest(values["filename"])}
        found = _MENU_URLS[key] = url_for(endpoint, **values)
    return found


#: The query argument that names a static file's version (``static_digest``).
STATIC_VERSION_ARG = "v"


def static_digest(filename: str) -> str:
    """The first 12 hex digits of the SHA-256 of a static file as this process serves it: a new file is a new
    address, so the browser may keep each address for good (QA, 7 December 2026: every page re-checked app.css,
    a round trip of 0.4 s on a rural link, before it could draw)."""
    path = Path(current_app.static_folder) / filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "0"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date_es"] = date_es
    app.jinja_env.filters["datetime_es"] = datetime_es
    app.jinja_env.filters["hour_es"] = format_hour_es
    app.jinja_env.filters["when_es"] = when_es
    app.jinja_env.filters["w"] = for_entity
    app.jinja_env.filters["basis"] = basis_for
    app.jinja_env.filters["business_days"] = business_days
    app.jinja_env.filters["with_de"] = with_de
    app.jinja_env.filters["doc_title"] = document_title
    app.jinja_env.filters["event_subject"] = event_subject
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["explained"] = deadline_explanation
    app.jinja_env.globals["menu_url"] = menu_url
    app.jinja_env.globals["plan_state_label"] = plan_state_label
    app.jinja_env.globals["plan_period_ended"] = plan_period_ended

    app.jinja_env.globals.update(_labels())

    @app.context_processor
    def inject_clock():
        clock = current_app.extensions["clock"]
        return {"clock": clock, "today": clock.today()}


def plan_period_ended(plan):
    """``pdt.period_ended`` for a plan today (in training, the simulated day): None while its period runs."""
    period = plan.period
    return period_ended(plan.state, period.label, period.end_on, current_app.extensions["clock"].today())


def plan_state_label(plan) -> str:
    """A plan's state as its pages say it today: once its period is over, what ``pdt.period_ended`` says instead
    of the recorded state (a 2024–2027 plan read in 2028 is not «Vigente»)."""
    ended = plan_period_ended(plan)
    return ended.label if ended else PDT_MACHINE.states[plan.state]


def deadline_explanation(deadline) -> str:
    """A deadline's «¿Cómo se calculó?», with the route's condition on the decree where the calendar opens it
    (``pdt.decree_condition``)."""
    if deadline.key == "corporation_decision" and deadline.effect == EFFECT_DECREE_ADOPTION_ENABLED:
        return deadline.explanation + decree_condition()
    return deadline.explanation


#: History rows that are not acts of the route (``services.cycle.settings`` writes ``update_settings``).
NON_ROUTE_TRIGGER_LABELS = {
    "update_settings": "Cambio de configuración (posesión, categoría, días no hábiles o régimen)",
}


def _labels() -> dict:
    """Spanish names for triggers, deadlines, roles and flags, all taken from the legal tables."""
    triggers = {t.trigger: t.label for m in (*PHASE2_MACHINES.values(), PDT_MACHINE, *SUBMACHINES.values())
                for t in m.transitions}
    triggers.update(NON_ROUTE_TRIGGER_LABELS)
    triggers[corrections.TRIGGER] = corrections.LABEL
    triggers[ppi_transcription.TRIGGER] = ppi_transcription.LABEL
    return {
        "trigger_labels": triggers,
        "deadline_labels": {k: d.label for k, d in DUTY_BY_KEY.items()},
        "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
        "state_labels": PDT_MACHINE.states,
        "concept_senses": CONCEPT_SENSES,
        "answer_decisions": ANSWER_DECISIONS,
        "vigencia_clauses": VIGENCIA_CLAUSES,
        "hearing_closed_states": HEARING_CLOSED_STATES,
        "last_stretch_states": LAST_STRETCH_STATES,
    }
