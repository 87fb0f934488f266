"""Phase II pages: what follows once the plan is in force (phase-ii.md), per plan."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.fields import options
from forms.phase2 import TARGET_YEARS, BudgetStatuteForm, MatrixForm, Phase2CheckForm, check_targets, to_rows
from state_machines.phase2 import IN_SESSION_STATES, PHASE2_MACHINES
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import db
from workflow_app.permissions import can_edit_entity_settings, can_edit_statute, load_plan_to_read
from workflow_app.services.monitoring.milestones import MilestoneError
from workflow_app.services.phase2 import milestones as hitos
from workflow_app.services.phase2.overview import next_phase2_step, phase2_lines
from workflow_app.services.phase2.plan_indicativo import (
    EDITABLE_STATES,
    MatrixRefused,
    matrix_check,
    matrix_lines,
    pi_procedure,
    save_matrix,
)
from workflow_app.services.phase2.statute import save_statute, statute_row
from workflow_app.services.route.ppi import has_adopted_ppi, pesos
from workflow_app.services.route.worklist import actions_for

bp = Blueprint("phase2", __name__, url_prefix="/planes", template_folder="templates")


@bp.get("/<int:plan_id>/fase-2")
@login_required
def show(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    return _render_show(plan)


@bp.route("/<int:plan_id>/fase-2/hitos", methods=["GET", "POST"])
@login_required
def check(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    if request.method == "GET":  # the address of a refused form, reloaded: the hitos on their page
        return redirect(url_for("phase2.show", plan_id=plan.id, _anchor="h-hitos2"))
    if not hitos.can_check(current_user, plan):
        abort(403)
    form = _check_form(plan)
    if form.validate_on_submit():
        try:
            hitos.check_phase2_milestone(db.session, plan, form.hito.data, form.is_done.data == "1", form.note.data,
                                         current_user)
        except MilestoneError as exc:
            db.session.rollback()
            form.note.errors.append(exc.message)
            return _render_show(plan, form), exc.status
        flash("Hito de la Fase II actualizado con su nota de evidencia.", "info")
        return redirect(url_for("phase2.show", plan_id=plan.id, _anchor="h-hitos2"))
    return _render_show(plan, form), 422


def _check_form(plan, formdata=True):
    form = Phase2CheckForm() if formdata else Phase2CheckForm(formdata=None)
    form.hito.choices = options((m.hito, f"{m.hito}. {m.shown_name}") for m in hitos.phase2_milestones(db.session)
                                if hitos.event_name(m) is None)
    return form


def _render_show(plan, form=None):
    today = clock().today()
    show_all = request.args.get("todas") == "1"
    lines = phase2_lines(db.session, plan, today, only_current=not show_all) if plan.state == "in_force" else []
    mine = {}
    for a in actions_for(current_user, plan, today):
        if a.machine in PHASE2_MACHINES:
            mine.setdefault((a.machine, a.subject), []).append(a)
    statuses, progress = hitos.plan_phase2_milestones(db.session, plan)
    interruptors: dict[int, list] = {}
    for s in statuses:
        interruptors.setdefault(s.milestone.phase, []).append(s)
    can_check = hitos.can_check(current_user, plan)
    return render_template(
        "phase2/show.html", plan=plan, lines=lines, mine=mine, show_all=show_all, in_session=IN_SESSION_STATES,
        next_step=next_phase2_step(db.session, plan, today) if lines else None,
        interruptors=interruptors, progress=progress,
        check_form=(form or _check_form(plan, formdata=False)) if can_check else None,
        can_edit_statute=can_edit_statute(current_user, plan.entity),
        without_ppi=plan.state == "in_force" and not has_adopted_ppi(db.session, plan),
        can_set_category=can_edit_entity_settings(current_user, plan.entity))


@bp.route("/<int:plan_id>/fase-2/plan-indicativo", methods=["GET", "POST"])
@login_required
def matrix(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    proc = pi_procedure(plan) or abort(404)
    lines, years = matrix_lines(db.session, plan)
    can_edit = proc.state in EDITABLE_STATES and bool({"planeacion"} & {r.value for r in
                                                                         current_user.roles_for(plan.entity)})
    if request.method == "POST":
        if not can_edit:
            abort(403)
        form = MatrixForm()
        valid = form.validate_on_submit()
        if check_targets(form, years) and valid:
            try:
                save_matrix(db.session, plan, to_rows(form), current_user)
            except MatrixRefused as exc:
                db.session.rollback()
                return _render_matrix(plan, proc, form, lines, years, can_edit, exc), exc.status
            flash("Matriz del Plan Indicativo guardada.", "info")
            return redirect(url_for("phase2.matrix", plan_id=plan.id, _anchor="contenido"))
        return _render_matrix(plan, proc, form, lines, years, can_edit), 422
    form = MatrixForm(formdata=None, data={"lines": [
        {"program": ln.program, "project": ln.project, "indicator": ln.indicator, "responsible": ln.responsible,
         **{f"target_{i + 1}": t for i, t in enumerate(ln.targets[:4])}} for ln in lines]})
    return _render_matrix(plan, proc, form, lines, years, can_edit)


def _render_matrix(plan, proc, form, lines, years, can_edit, refusal=None):
    cells, names = [], {}  # the error summary links each cell, named by its line and year
    for line_form in form.lines:
        where = f"{line_form.program.data} · {line_form.project.data}"
        for f in line_form:
            if f.type != "HiddenField":
                cells.append(f)
                names[f.id] = f"{where}: {f.label.text.lower()}"
        for i, year in enumerate(years[:TARGET_YEARS], start=1):
            cell = getattr(line_form, f"target_{i}")
            cell.label.text = f"Meta {year}"
            names[cell.id] = f"{where}: meta {year}"
    failed = any(c.errors for c in cells) or bool(form.errors)  # the cells' own errors are added after validate
    return render_template("phase2/matrix.html", plan=plan, proc=proc, form=form, lines=lines, years=years,
                           cells=cells, names=names, failed=failed,
                           gaps=matrix_check(db.session, plan) if can_edit and not failed else None,
                           can_edit=can_edit, refusal=refusal, pesos=pesos,
                           costs_of={(ln.program, ln.project): ln.costs for ln in lines},
                           state_label=PHASE2_MACHINES["plan_indicativo"].label(proc.state))


@bp.route("/<int:plan_id>/fase-2/estatuto", methods=["GET", "POST"])
@login_required
def statute(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    if not can_edit_statute(current_user, plan.entity):
        abort(403)
    row = statute_row(db.session, plan.entity)
    form = BudgetStatuteForm(obj=row) if request.method == "GET" else BudgetStatuteForm()
    if form.validate_on_submit():
        save_statute(db.session, plan.entity, current_user, act=form.act.data or "",
                     filing_business_days=form.filing_business_days.data,
                     decision_extension_days=form.decision_extension_days.data or 0,
                     copies_d111_art59=form.copies_d111_art59.data,
                     harmonization_by_decree=form.harmonization_by_decree.data,
                     pi_approval_months=form.pi_approval_months.data)
        flash("Estatuto de presupuesto guardado: los plazos de la Fase II ya lo aplican.", "info")
        return redirect(url_for("phase2.show", plan_id=plan.id))
    return render_template("phase2/statute.html", plan=plan, form=form), 422 if request.method == "POST" else 200
