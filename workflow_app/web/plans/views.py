"""Plan pages: the plan file, the act forms and the evidence downloads."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from forms.acts import FIELDS_BY_TRIGGER, act_form_class, answer_field_names, to_command
from forms.whatif import WhatIfForm, to_what_if
from state_machines import calendar as legal_calendar
from state_machines.pdt import PDT_MACHINE, STATE_LABELS
from state_machines.roles import Role
from state_machines.route import IRREVERSIBLE_ACTS
from state_machines.route_steps import route_steps
from state_machines.wording import localize
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import db
from workflow_app.models import Document
from workflow_app.permissions import load_plan_for, load_plan_to_read
from workflow_app.services.casefile import case_file
from workflow_app.services.documents import document_path
from workflow_app.services.plans import (
    ActError,
    ActInvalid,
    apply_act,
    deadlines_for,
    filing_sessions_notice,
    machine_named,
    plan_concepts,
    plan_documents,
    plan_recommendations,
    plan_snapshot,
    sub_snapshot,
    visible_history,
)
from workflow_app.services.whatif import plan_what_if_defaults
from workflow_app.services.whatif import what_if as what_if_service
from workflow_app.services.worklist import actions_for, upcoming_deadlines

bp = Blueprint("plans", __name__, url_prefix="/planes", template_folder="templates")


@bp.get("/<int:plan_id>")
@login_required
def show(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    today = clock().today()
    history = visible_history(db.session, plan)
    visited = {"elected"} | {e.to_state for e in history if e.machine == PDT_MACHINE.name}
    deadlines = deadlines_for(plan)
    return render_template(
        "plans/show.html", plan=plan, state_label=STATE_LABELS[plan.state], steps=route_steps(plan.state, visited),
        deadlines=deadlines, pending=upcoming_deadlines(plan, today, deadlines),
        actions=actions_for(current_user, plan, today, legal_calendar.deadline_map(deadlines)),
        history=history, documents=plan_documents(db.session, plan), case=case_file(db.session, plan),
    )


@bp.get("/<int:plan_id>/que-pasa-si")
@login_required
def what_if(plan_id: int):
    """Hypothetical dates in, the legal calendar they would give out; nothing is written (a GET form)."""
    plan = load_plan_to_read(current_user, plan_id)
    asked = bool(request.args)
    form = WhatIfForm(request.args) if asked else WhatIfForm(data=plan_what_if_defaults(plan))
    _localize_labels(form, plan)
    result = None
    if form.validate():
        result = what_if_service(plan, to_what_if(form))
        if result.error_field and result.error_field in form:
            form[result.error_field].errors = [*form[result.error_field].errors, result.error]
    return render_template("plans/what_if.html", plan=plan, form=form, result=result), \
        422 if result is None or result.error else 200


@bp.route("/<int:plan_id>/actos/<machine>/<subject>/<trigger>", methods=["GET", "POST"])
@login_required
def act(plan_id: int, machine: str, subject: str, trigger: str):
    plan = load_plan_for(current_user, plan_id)
    option = _option(plan, machine, subject, trigger)
    if trigger in IRREVERSIBLE_ACTS and request.method == "GET" and request.args.get("confirmado") != "1":
        return render_template("plans/confirm.html", plan=plan, option=option,
                               consequence=IRREVERSIBLE_ACTS[trigger])
    form = act_form_class(trigger, plan_recommendations(plan))(
        data={"act_on": clock().today(), "expected_version": plan.version} if request.method == "GET" else None)
    if form.validate_on_submit():
        command = to_command(form, machine=machine, subject=option.subject, trigger=trigger)
        try:
            apply_act(db.session, plan_id=plan.id, command=command, actor=current_user, role=option.role,
                      expected_version=_expected_version(form), today=clock().today())
        except ActInvalid as exc:
            getattr(form, exc.field or "notes", form.notes).errors.append(exc.message)
            return _render_act(plan, option, form), 422
        except ActError as exc:
            return _render_act(plan, option, form, refusal=exc), exc.status
        flash(f"Listo: {option.label}.", "info")
        return redirect(url_for("plans.show", plan_id=plan.id))
    return _render_act(plan, option, form), 422 if request.method == "POST" else 200


@bp.get("/<int:plan_id>/documentos/<int:document_id>")
@login_required
def document(plan_id: int, document_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.plan_id != plan.id:
        abort(404)
    response = send_file(document_path(doc), mimetype="application/pdf", max_age=0)
    ascii_name = doc.original_filename.encode("ascii", "ignore").decode().replace('"', "") or "documento.pdf"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(doc.original_filename)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _expected_version(form) -> int | None:
    raw = (form.expected_version.data or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        abort(400, description="El formulario llegó dañado. Recargue la página e intente de nuevo.")
    return int(raw)


def _option(plan, machine: str, subject: str, trigger: str):
    """The act as this user may take it now; otherwise 403/404, or 409 with the law's reason and norm."""
    subject_value = None if subject == "-" else subject
    today = clock().today()
    for option in actions_for(current_user, plan, today):
        if (option.machine, option.subject, option.trigger) == (machine, subject_value, trigger):
            return option
    try:
        row_machine = machine_named(machine)
    except KeyError:
        abort(404)
    if trigger not in row_machine.triggers:
        abort(404)
    roles = {r for t in row_machine.transitions if t.trigger == trigger for r in t.roles}
    roles &= current_user.roles_for(plan.entity)
    if not roles:
        abort(403)
    if machine == "car_review" and subject_value not in {
            m.authority_code for m in current_user.memberships if m.role == Role.CAR.value}:
        abort(403, description="Solo la autoridad ambiental destinataria puede emitir este concepto.")
    abort(409, description=_refusal_text(plan, row_machine, subject_value, trigger, roles, today))


def _refusal_text(plan, machine, subject, trigger, roles, today) -> str:
    """Why the law refuses this act now: the state, or the first guard's own reason with its norm."""
    if machine.name == PDT_MACHINE.name:
        state, snapshot = plan.state, plan_snapshot(plan, today, form_supplies=True)
    else:
        proc = next((p for p in plan.procedures if p.machine == machine.name and p.subject == subject), None)
        if proc is None:
            return "Ese trámite no existe en este plan."
        state = proc.state
        snapshot = sub_snapshot(proc, plan, today, legal_calendar.deadline_map(deadlines_for(plan)), True)
    row = machine.row(state, trigger)
    if row is None:
        return f"Esta acción no procede en el estado actual del plan («{machine.label(state)}»)."
    verdict = machine.guard_verdict(row, snapshot)
    if not verdict.ok:
        return f"{verdict.reason} Norma: {verdict.legal_basis}."
    return "Esta acción no procede ahora; revise los plazos y requisitos del plan."


def _localize_labels(form, plan) -> None:
    """Field labels said for this entity ("concejal" rather than "concejal o diputado")."""
    wording = plan.entity.wording
    for f in form:
        f.label.text = localize(f.label.text, wording)


def _render_act(plan, option, form, refusal: ActError | None = None):
    _localize_labels(form, plan)
    needs_evidence = any(getattr(g, "__name__", "") == "has_evidence"
                         for t in machine_named(option.machine).transitions if t.trigger == option.trigger
                         for g in t.guards)
    document = next((getattr(g, "document", "") for t in machine_named(option.machine).transitions
                     if t.trigger == option.trigger for g in t.guards if getattr(g, "document", "")), "")
    proc = next((p for p in plan.procedures if p.machine == option.machine and p.subject == option.subject), None)
    answers = answer_field_names(getattr(form, "recommendations_to_answer", ()))
    return render_template("plans/act.html", plan=plan, option=option, form=form, refusal=refusal,
                           extra_fields=FIELDS_BY_TRIGGER.get(option.trigger, ()), needs_evidence=needs_evidence,
                           evidence_document=document, role_label=Role(option.role).label, proc=proc,
                           answer_fields=answers, concepts=plan_concepts(plan) if answers else [],
                           sessions=filing_sessions_notice(plan, clock().today())
                           if option.trigger == "file_with_corporacion" else None,
                           irreversible=IRREVERSIBLE_ACTS.get(option.trigger))
