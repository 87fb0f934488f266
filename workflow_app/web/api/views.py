"""JSON API, version 1 (described by ``/api/v1/openapi.json``, see ``openapi.py``).

Public data (entities, plan state, legal calendar, public documents, PPI, amendments with their authors,
hearings) is open. History with its actors, milestones and non-public documents need a personal token
(``Authorization: Bearer pdt_…``) whose user may see the plan (``permissions.visible_plans_query``).
Every error is ``{"error": {"status", "message"[, "field"]}}`` in Spanish.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import false, func, select
from sqlalchemy.orm import joinedload

from forms.fields import ROW_ID
from forms.public import ApiTokenForm, RevokeTokenForm
from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import PDT_STATES
from state_machines.core.roles import ROLE_LABELS, Role
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import csrf, db
from workflow_app.infra.rate_limit import is_blocked, record_failure
from workflow_app.infra.templating import plan_state_label
from workflow_app.models import ENTITY_KINDS, Department, Document, Entity, Period, Plan, PlanEvent, User
from workflow_app.permissions import can_read_plan, require_api_tokens
from workflow_app.reference_data import names
from workflow_app.services.followup import survey as survey_service
from workflow_app.services.integrity.access_log import record_access
from workflow_app.services.monitoring.milestones import plan_milestones as milestone_statuses
from workflow_app.services.people.api_tokens import (
    TokenRefused,
    create_token,
    revoke_token,
    user_for_token,
    user_tokens,
)
from workflow_app.services.phase2.milestones import plan_phase2_milestones
from workflow_app.services.phase2.overview import phase2_lines
from workflow_app.services.public.public import (
    name_matches,
    public_amendments,
    public_deadlines,
    public_documents,
    public_hearings,
)
from workflow_app.services.route.plans import PLAN_GRAPH, deadlines_for, plan_documents
from workflow_app.services.route.ppi import ppi_version, summarize
from workflow_app.web.api.openapi import build_spec

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")
# The page where a person manages their tokens; registered with the API so the two always travel together.
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/cuenta/tokens", template_folder="templates")


@bp.record_once
def _register_token_pages(state) -> None:
    state.app.register_blueprint(tokens_bp)


MAX_PER_PAGE = 200


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    body = {"status": exc.status, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    response = make_response(jsonify({"error": body}), exc.status)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api", charset="UTF-8"'
    if exc.status == 429:
        response.headers["Retry-After"] = "60"
    return response


@bp.before_request
def _refuse_control_characters():
    """A query value with a control character (a NUL, say) is never a valid code or name; PostgreSQL would
    refuse it deep in a query. Refused here, naming the parameter."""
    for name, value in request.args.items(multi=True):
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ApiError(422, f"«{name}» contiene caracteres de control; envíe solo texto.", name)


# ---------------------------------------------------------------------------------------------------------------
# Calendar (calendar-contract.md)


@bp.post("/calendar")
@csrf.exempt  # computes only: no session, no state change
def calendar():
    """calendar-contract.md: facts in, deadlines out (200), or the error JSON (422)."""
    data = request.get_json(silent=True)
    if data is None:
        error = legal_calendar.FactsError("", "El cuerpo debe ser un objeto JSON con los hechos del plan.")
        return jsonify(error.to_json()), 422
    try:
        return jsonify(legal_calendar.calendar_json(data))
    except legal_calendar.FactsError as exc:
        return jsonify(exc.to_json()), 422


# ---------------------------------------------------------------------------------------------------------------
# Entities and plans (open)


@bp.get("/entities")
def entities():
    page, per_page = _paging()
    query = select(Entity).join(Department, Department.code == Entity.department_code)
    department = request.args.get("department", "").strip()
    if department:
        query = query.where(Entity.department_code == department)
    kind = request.args.get("kind", "").strip()
    if kind:
        if kind not in ENTITY_KINDS:
            raise ApiError(422, "«kind» debe ser municipio, distrito o departamento.", "kind")
        query = query.where(Entity.kind == kind)
    text = request.args.get("q", "").strip()[:100]
    if text:
        # Only letters and digits are searched (accents, case and punctuation ignored): a query of "%" or "_"
        # alone searches nothing, so it finds nothing, as on the portal.
        query = query.where(Entity.dane_code.startswith(text) if text.isdigit()
                            else name_matches(Entity, text) if names.search_key(text) else false())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(joinedload(Entity.department)).order_by(Entity.dane_code)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return jsonify({"items": [_entity_json(e) for e in rows], "total": total, "page": page, "per_page": per_page})


@bp.get("/entities/<dane_code>")
def entity(dane_code: str):
    found = db.session.scalar(select(Entity).filter_by(dane_code=dane_code).options(joinedload(Entity.department)))
    if found is None:
        raise ApiError(404, f"No existe una entidad con el código DANE {dane_code}.")
    plans = db.session.scalars(select(Plan).where(Plan.entity_id == found.id)
                               .join(Period, Period.id == Plan.period_id).order_by(Period.start_on.desc())
                               .options(joinedload(Plan.period))).all()
    return jsonify({**_entity_json(found), "plans": [_plan_summary_json(p, found) for p in plans]})


@bp.get("/plans")
def plans():
    page, per_page = _paging()
    query = (select(Plan).join(Entity, Entity.id == Plan.entity_id).join(Period, Period.id == Plan.period_id))
    department = request.args.get("department", "").strip()
    if department:
        query = query.where(Entity.department_code == department)
    entity_code = request.args.get("entity", "").strip()
    if entity_code:
        query = query.where(Entity.dane_code == entity_code)
    state = request.args.get("state", "").strip()
    if state:
        if state not in PDT_STATES:
            raise ApiError(422, "«state» no es un estado de la ruta legal; vea el esquema PlanState.", "state")
        query = query.where(Plan.state == state)
    period = request.args.get("period", "").strip()
    if period:
        if not (period.isdigit() and len(period) == 4):
            raise ApiError(422, "«period» es el año de inicio del período, por ejemplo 2028.", "period")
        query = query.where(func.extract("year", Period.start_on) == int(period))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(joinedload(Plan.entity), joinedload(Plan.period))
                              .order_by(Period.start_on.desc(), Entity.dane_code)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return jsonify({"items": [_plan_summary_json(p) for p in rows], "total": total, "page": page,
                    "per_page": per_page})


@bp.get("/plans/<int:plan_id>")
def plan(plan_id: int):
    found = _plan(plan_id)
    today = clock().today()
    return jsonify({
        **_plan_summary_json(found),
        "posesion_on": found.posesion_on.isoformat() if found.posesion_on else None,
        "regime": found.regime,
        "flags": list(found.flags or []),
        "amendments": [_amendment_json(a) for a in public_amendments(found)],
        "hearings": [_hearing_json(h) for h in public_hearings(found, today)],
    })


@bp.get("/plans/<int:plan_id>/calendar")
def plan_calendar(plan_id: int):
    found = _plan(plan_id)
    try:
        deadlines = deadlines_for(found)
    except legal_calendar.FactsError as exc:
        raise ApiError(422, exc.message, exc.field) from exc
    public = public_deadlines(found, clock().today())
    return jsonify({"plan_id": found.id, "deadlines": [
        {**d.to_json(), "label": p.label, "status": p.status} for d, p in zip(deadlines, public)]})


@bp.get("/plans/<int:plan_id>/documents")
def plan_documents_list(plan_id: int):
    """Public documents; with a token that sees the plan, every document."""
    found = _plan(plan_id)
    user = _bearer_user(required=False)
    if user is not None and can_read_plan(user, found):
        _record_read(user, found)
        docs = plan_documents(db.session, found)
    else:
        docs = public_documents(db.session, found)
    replaced = {d.supersedes_id for d in docs if d.supersedes_id}
    return jsonify({"plan_id": found.id, "documents": [_document_json(d, found, d.id not in replaced) for d in docs]})


@bp.get("/plans/<int:plan_id>/ppi")
def plan_ppi(plan_id: int):
    found = _plan(plan_id)
    asked = request.args.get("version")
    number = int(asked) if asked is not None and ROW_ID.match(asked) else None
    if asked is not None and number is None:
        raise ApiError(422, "«version» debe ser un número entero positivo de hasta nueve cifras.", "version")
    version = ppi_version(db.session, found, number)
    if version is None:
        raise ApiError(404, "Este plan aún no tiene plan de inversiones." if number is None
                       else f"El plan de inversiones no tiene la versión {number}.")
    summary = summarize(version)
    return jsonify({
        "plan_id": found.id, "version": version.version, "created_at": version.created_at.isoformat(),
        "source": version.source, "note": version.note,
        "items": [{"program": i.program, "project": i.project, "year": i.year, "funding_source": i.funding_source,
                   "amount": i.amount} for i in version.items],
        "totals": {"by_year": {str(y): a for y, a in summary.by_year.items()}, "by_source": summary.by_source,
                   "total": summary.total},
    })


@bp.get("/plans/<int:plan_id>/amendments")
def plan_amendments(plan_id: int):
    found = _plan(plan_id)
    return jsonify({"plan_id": found.id, "amendments": [_amendment_json(a) for a in public_amendments(found)]})


@bp.get("/plans/<int:plan_id>/hearings")
def plan_hearings(plan_id: int):
    found = _plan(plan_id)
    return jsonify({"plan_id": found.id,
                    "hearings": [_hearing_json(h) for h in public_hearings(found, clock().today())]})


@bp.get("/plans/<int:plan_id>/phase2")
def plan_phase2(plan_id: int):
    """Phase II states (issue 21): public, as the portal shows them; no person's data."""
    found = _plan(plan_id)
    lines = phase2_lines(db.session, found, clock().today(), only_current=False) if found.state == "in_force" else []
    _, percent = plan_phase2_milestones(db.session, found)
    return jsonify({"plan_id": found.id, "is_open": bool(lines), "progress": percent, "procedures": [{
        "machine": ln.procedure.machine, "subject": ln.procedure.subject, "title": ln.title,
        "state": ln.procedure.state, "state_label": ln.state_label, "is_final": ln.is_final,
        "next_step": None if ln.is_final else ln.next_label, "next_holder": None if ln.is_final else ln.next_holder,
        "act_by": ln.deadline.act_by.isoformat() if ln.deadline else None,
        # The term's norm, else the next act's (as the Phase II page shows it): never null while a step is owed.
        "legal_basis": ln.deadline.legal_basis if ln.deadline else (None if ln.is_final else ln.next_basis),
    } for ln in lines]})


# ---------------------------------------------------------------------------------------------------------------
# Protected: history with its actors, milestones


@bp.get("/plans/<int:plan_id>/history")
def plan_history(plan_id: int):
    found = _plan_for_token(plan_id)
    events = db.session.scalars(select(PlanEvent).filter_by(plan_id=found.id).order_by(PlanEvent.id)
                                .options(joinedload(PlanEvent.actor))).all()
    return jsonify({"plan_id": found.id, "history_head": found.history_head, "events": [{
        "id": e.id, "machine": e.machine, "subject": e.subject, "from_state": e.from_state, "to_state": e.to_state,
        "trigger": e.trigger, "act_on": e.act_on.isoformat() if e.act_on else None,
        "occurred_at": e.occurred_at.isoformat(), "actor": _actor_json(e.actor), "role": e.role,
        "role_label": _role_label(e.role), "reference": e.reference, "reason": e.reason,
        "legal_basis": e.legal_basis, "evidence_ids": list(e.evidence_ids or []),
        "milestones": list((e.payload or {}).get("milestones", [])), "row_hash": e.row_hash,
    } for e in events]})


@bp.get("/plans/<int:plan_id>/milestones")
def plan_milestones(plan_id: int):
    found = _plan_for_token(plan_id)
    statuses, percent = milestone_statuses(db.session, found)
    return jsonify({"plan_id": found.id, "progress": percent, "milestones": [{
        "number": s.milestone.number, "phase": s.milestone.phase, "phase_name": s.milestone.phase_name,
        "name": s.milestone.shown_name, "weight_total": s.milestone.weight_total,
        "source": s.milestone.source_of_truth, "is_done": s.is_done, "is_manual": s.is_manual,
        "completed_on": _completed_on(s),
        "completed_by_trigger": s.event.trigger if s.event else None,
        "note": s.check.note if s.check else None,
    } for s in statuses]})


@bp.get("/monitoreo-360/encuesta")
def survey_aggregates():
    """Monitoreo 360's monthly survey, aggregated (phase-ii.md §3.1): open data, no individual answer."""
    first, last = _month_arg("from"), _month_arg("to")
    region, department = request.args.get("region") or None, request.args.get("department") or None
    if department is not None and db.session.get(Department, department) is None:
        raise ApiError(422, "No existe un departamento con ese código DANE.", "department")
    # Read as the public reads it: no entity's answers known one by one (survey.withheld_cells).
    res = survey_service.results(db.session, first, last, region=region, department=department)
    return jsonify(survey_service.api_aggregates(res))


def _month_arg(name: str):
    value = request.args.get(name)
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ApiError(422, f"«{name}» debe ser un mes AAAA-MM, por ejemplo 2028-03.", name) from None


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())


# ---------------------------------------------------------------------------------------------------------------
# Token pages (HTML, signed-in)


@tokens_bp.route("", methods=["GET", "POST"])
@login_required
def tokens_page():
    require_api_tokens(current_user)
    form, plain, status = ApiTokenForm(), None, 200
    if form.validate_on_submit():
        try:
            _, plain = create_token(db.session, current_user, form.label.data)
            status = 201
            form = ApiTokenForm(formdata=None)
        except TokenRefused as exc:
            form.label.errors.append(exc.args[0])
            status = 422
    elif request.method == "POST":
        status = 422
    response = make_response(render_template(
        "api/tokens.html", form=form, revoke_form=RevokeTokenForm(formdata=None), plain=plain,
        tokens=user_tokens(db.session, current_user)), status)
    response.headers["Cache-Control"] = "private, no-store"  # the page may carry the only copy of a new token
    return response


@tokens_bp.post("/revocar")
@login_required
def revoke():
    require_api_tokens(current_user)
    form = RevokeTokenForm()
    if form.validate_on_submit():
        try:
            token = revoke_token(db.session, current_user, int(form.token_id.data))
            flash(f"Token «{token.label}» revocado: ya no abre la API.", "info")
        except TokenRefused as exc:
            flash(exc.args[0], "error")
    else:
        flash("No se pudo revocar el token; recargue la página.", "error")
    return redirect(url_for("api_tokens.tokens_page"))


# ---------------------------------------------------------------------------------------------------------------
# Helpers


MAX_PAGE = 100_000  # beyond every list this API has; also keeps OFFSET inside PostgreSQL's integers


def _paging() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", "1"))
        per_page = int(request.args.get("per_page", "50"))
    except ValueError as exc:
        raise ApiError(422, "«page» y «per_page» deben ser números enteros.", "page") from exc
    if not 1 <= page <= MAX_PAGE:
        raise ApiError(422, f"«page» va de 1 a {MAX_PAGE}.", "page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ApiError(422, f"«per_page» va de 1 a {MAX_PER_PAGE}.", "per_page")
    return page, per_page


def _plan(plan_id: int) -> Plan:
    found = db.session.get(Plan, plan_id, options=PLAN_GRAPH)
    if found is None:
        raise ApiError(404, f"No existe el plan {plan_id}.")
    return found


def _bearer_user(required: bool) -> User | None:
    """The token's user; a present but invalid token is a 401 even where a token is optional."""
    header = request.headers.get("Authorization", "")
    if not header:
        if required:
            raise ApiError(401, "Esta consulta requiere un token personal: encabezado «Authorization: Bearer "
                                "<token>». Créelo en /cuenta/tokens.")
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "El encabezado Authorization debe ser «Bearer <token>».")
    key = f"api-bad-token:{request.remote_addr}"
    if is_blocked(key, BAD_TOKEN_LIMIT):
        raise ApiError(429, "Demasiados tokens no válidos desde esta dirección: espere un minuto e intente de nuevo.")
    user = user_for_token(db.session, value.strip())
    if user is None:
        record_failure(key)  # a token is 256 bits: the limit is for a script gone wrong, and a probe is slowed
        raise ApiError(401, "El token no es válido o fue revocado.")
    return user


#: Invalid tokens one address may send in a minute before it is answered 429 (QA, trust lens, December 2026:
#: 400 were answered in 1.1 s). A valid token is never counted.
BAD_TOKEN_LIMIT = 20


def _plan_for_token(plan_id: int) -> Plan:
    user = _bearer_user(required=True)
    found = _plan(plan_id)
    if not can_read_plan(user, found):  # the administrator reads every plan, as the pages let it
        # Kept where the entity's ejecutivo reads its access log: a token probing other entities' plans is seen.
        record_access(db.session, user=user, action="api_refused", remote_addr=request.remote_addr,
                      entity_id=found.entity_id, plan_id=found.id, detail=request.path)
        raise ApiError(403, "Su token no da acceso a este plan: solo a los planes que su cuenta puede ver.")
    _record_read(user, found)
    return found


def _record_read(user: User, found: Plan) -> None:
    """A read with a personal token is a read of the system of record: the access log keeps who, what, when,
    from where (written before the answer leaves, as a download's)."""
    record_access(db.session, user=user, action="api_read", remote_addr=request.remote_addr,
                  entity_id=found.entity_id, plan_id=found.id, detail=request.path)


def _entity_json(e: Entity) -> dict:
    return {"dane_code": e.dane_code, "name": e.name, "display_name": e.display_name, "kind": e.kind,
            "department_code": e.department_code, "department_name": e.department.name,
            "region": e.department.region, "public_url": url_for("public.entity", dane_code=e.dane_code)}


def _plan_summary_json(p: Plan, entity: Entity | None = None) -> dict:
    e = entity or p.entity
    return {"id": p.id, "entity": {"dane_code": e.dane_code, "name": e.name, "kind": e.kind},
            "period": {"start_on": p.period.start_on.isoformat(), "end_on": p.period.end_on.isoformat(),
                       "label": p.period.label},
            # The label the pages show: once the period is over, pdt.period_ended's, beside the recorded state.
            "state": p.state, "state_label": plan_state_label(p), "updated_at": p.updated_at.isoformat()}


def _amendment_json(a) -> dict:
    return {"number": a.number, "text": a.text, "authors": list(a.authors), "state_label": a.state_label,
            "proposed_on": a.proposed_on, "is_accepted_in_writing": a.is_accepted_in_writing,
            "executive_answer": a.executive_answer}


def _hearing_json(h) -> dict:
    return {"number": h.number, "scheduled_on": h.scheduled_on.isoformat() if h.scheduled_on else None,
            "scheduled_time": h.scheduled_time, "place": h.place, "zone": h.zone, "state": h.state,
            "state_label": h.state_label, "is_open_for_proposals": h.is_open_for_proposals}


def _document_json(d: Document, p: Plan, is_current: bool) -> dict:
    """``is_current`` is false for a version that a correction replaced (``supersedes_id`` of the newer one)."""
    return {"id": d.id, "kind": d.kind, "title": d.title, "version": d.version, "sha256": d.sha256,
            "supersedes_id": d.supersedes_id, "is_current": is_current,
            "size_bytes": d.size_bytes, "content_type": d.content_type, "is_public": d.is_public,
            "uploaded_at": d.uploaded_at.isoformat(),
            "download_url": url_for("public.document", dane_code=p.entity.dane_code, document_id=d.id)
            if d.is_public else None}


def _actor_json(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def _role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def _completed_on(status) -> str | None:
    if status.event and status.event.on:
        return status.event.on.isoformat()
    if status.check and status.check.is_done:
        return status.check.checked_at.date().isoformat()
    return None
