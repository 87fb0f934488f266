"""iCalendar feeds (RFC 5545): one all-day VEVENT per legal deadline on its ``act_by``, and one per public hearing
of the plan (Ley 1909 de 2018 art. 22) on its day, with its place; a hearing called off stays in the feed as
``STATUS:CANCELLED`` so subscribed calendars remove it. Every ``URL:`` is absolute (``base_url``: the configured
``BASE_URL``, else the address the feed was asked on)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from datetime import time as dt_time

from sqlalchemy.orm import object_session

from state_machines import calendar as legal_calendar
from state_machines.approval.route import DUTY_BY_KEY, STEP_LAPSED, STEP_PASSED
from state_machines.core.dates import parse_hour
from state_machines.core.wording import localize, readable_sources
from state_machines.phase2 import PHASE2_DUTIES, phase2_title
from workflow_app.infra.templating import deadline_explanation
from workflow_app.models import Plan
from workflow_app.services.monitoring.my_calendar import Hearing, plan_hearings
from workflow_app.services.phase2.procedures import phase2_context
from workflow_app.services.public.public import deadline_statuses, visited_states
from workflow_app.services.route.plans import deadlines_for

PRODID = "-//Ruta PDT//Plazos legales del Plan de Desarrollo//ES"
LINE_OCTETS = 75


_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
# RFC 5545 §3.1 CONTROL (every C0 character but HTAB, and DEL) may not appear in a TEXT value; C1 controls and
# the bidi overrides that can disguise a name are dropped too.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_text(value: str) -> str:
    """TEXT escaping of RFC 5545 §3.3.11: backslash, semicolon and comma escaped; every line break (CRLF, a lone
    CR or LF, Unicode separators) becomes the two characters ``\\n``; any other control character is removed."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\\\\n", value))


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF + one space (§3.1), never inside a
    UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    limit = LINE_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


#: Phase II's terms by their key (``poai``, ``citizen_report``…; a yearly one's subject is its ``authority``).
_PHASE2_DUTY_BY_KEY = {pd.duty.deadline_key: pd for pd in PHASE2_DUTIES}


def _summary(plan: Plan, deadline: legal_calendar.Deadline, status: str | None = None) -> str:
    """"Génova (Quindío): <what is due>": a route term by its duty ("(CRQ)" for a CAR's concept), said for the
    entity («el Concejo de Génova»), a Phase II term by its duty and its procedure's title ("… · Rendición de
    cuentas semestral, primer semestre de 2028"), a term without a duty (the plan de compras' update) by its own
    explanation. A step an act closed says so («(etapa superada)»)."""
    name = plan.entity.display_name
    phase2 = _PHASE2_DUTY_BY_KEY.get(deadline.key)
    if phase2 is not None:
        title = phase2_title(phase2.machine, deadline.authority or "")
        return f"{name}: {phase2.duty.label} · {title}"
    duty = DUTY_BY_KEY.get(deadline.key)
    if duty is None:
        return f"{name}: {deadline.explanation.split(' (')[0]}"
    who = f" ({deadline.authority})" if deadline.authority else ""
    done = f" ({status})" if status in (STEP_PASSED, STEP_LAPSED) else ""
    return f"{name}: {localize(duty.label, plan.entity.wording)}{who}{done}"


def _description(plan: Plan, deadline: legal_calendar.Deadline, status: str | None = None) -> str:
    """The term's explanation as the plan's page says it (for the entity, with the route's condition on the decree:
    ``templating.deadline_explanation``), its last day and its norm; for a step an act already closed, that first
    and no «atrasado desde» (QA, 7 December 2026: a subscribed calendar kept a concept delivered on time as
    overdue, and told «el alcalde» of Génova it could decree when the route would not let her)."""
    when = legal_calendar.format_date_es
    explanation = localize(deadline_explanation(deadline), plan.entity.wording)
    if status == STEP_PASSED:
        parts = ["Etapa superada: un acto registrado cerró este paso.", explanation]
    elif status == STEP_LAPSED:
        parts = ["Vencido sin registro: el término corrió y la ruta siguió sin este acto.", explanation]
    else:
        parts = [explanation,
                 f"Actuar a más tardar el {when(deadline.act_by, weekday=True)}.",
                 f"Atrasado desde el {when(deadline.overdue_from, weekday=True)}."]
    parts.append(f"Norma: {readable_sources(deadline.legal_basis)}")
    return "\n".join(p for p in parts if p)


def uid(plan: Plan, deadline: legal_calendar.Deadline) -> str:
    """Stable per plan and deadline: a moved date updates the same event in the subscriber's calendar."""
    return f"pdt-{plan.id}-{deadline.map_key.replace(':', '-')}@ruta-pdt"


def vevents(plan: Plan, deadlines: Iterable[legal_calendar.Deadline], base_url: str, stamp: str,
            statuses: dict[str, str] | None = None) -> list[str]:
    lines: list[str] = []
    for d in deadlines:
        status = (statuses or {}).get(d.map_key)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(plan, d)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{d.act_by.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(d.act_by + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape_text(_summary(plan, d, status))}",
            f"DESCRIPTION:{escape_text(_description(plan, d, status))}",
            f"URL:{base_url}/planes/{plan.id}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    return lines


def hearing_uid(hearing: Hearing) -> str:
    return f"pdt-{hearing.plan.id}-audiencia-{hearing.number}@ruta-pdt"


#: America/Bogota keeps UTC-5 all year (no daylight saving since 1993): a typed hour is written in UTC.
_BOGOTA_OFFSET = timedelta(hours=5)
#: A hearing's length in the calendar when only its start is known (the law sets none): two hours.
_HEARING_HOURS = timedelta(hours=2)


def _hearing_times(h: Hearing) -> list[str]:
    """The hearing's start at its hour when the planning office gave one, else the whole day."""
    parsed = parse_hour(h.scheduled_time)
    if parsed is not None:
        start = datetime.combine(h.scheduled_on, dt_time(*parsed)) + _BOGOTA_OFFSET
        return [f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}",
                f"DTEND:{(start + _HEARING_HOURS).strftime('%Y%m%dT%H%M%SZ')}"]
    return [f"DTSTART;VALUE=DATE:{h.scheduled_on.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(h.scheduled_on + timedelta(days=1)).strftime('%Y%m%d')}"]


def hearing_vevents(hearings: Iterable[Hearing], base_url: str, stamp: str) -> list[str]:
    lines: list[str] = []
    for h in hearings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{hearing_uid(h)}",
            f"DTSTAMP:{stamp}",
            *_hearing_times(h),
            f"SUMMARY:{escape_text(h.title)}",
            f"DESCRIPTION:{escape_text(h.state_label + '. Norma: L1909 art. 22')}",
            *([f"LOCATION:{escape_text(h.place)}"] if h.place else []),
            f"URL:{base_url}/planes/{h.plan.id}",
            "STATUS:CANCELLED" if h.is_cancelled else "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    return lines


def calendar_text(name: str, plans_with_deadlines, base_url: str = "", now: datetime | None = None) -> str:
    """The whole feed, CRLF line endings and folded lines: each plan's deadlines and hearings."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:America/Bogota"]
    for plan, deadlines, statuses in plans_with_deadlines:
        lines += vevents(plan, deadlines, base_url, stamp, statuses)
        lines += hearing_vevents(plan_hearings(plan), base_url, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def plan_deadlines(plans: Iterable[Plan]):
    """(plan, deadlines, the route terms' statuses) for each plan; a plan whose stored facts are invalid has no
    deadlines (a bad row never breaks a feed) but keeps its hearings. A plan in force adds its Phase II terms (issue
    21) to its route's. The main-route states each plan went through are read in one query for all."""
    plans = list(plans)
    visited = visited_states(object_session(plans[0]), [p.id for p in plans]) if plans else {}
    for plan in plans:
        try:
            deadlines = list(deadlines_for(plan))
        except legal_calendar.FactsError:
            deadlines = []
        statuses = deadline_statuses(plan, deadlines, visited[plan.id])
        if plan.state == "in_force":
            deadlines += phase2_context(object_session(plan), plan).deadlines.values()
        yield plan, deadlines, statuses


