"""Per-entity and per-plan settings, for the entity's ejecutivo or planeación and for administrators."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.admin import EntitySettingsForm, PlanSettingsForm, entity_settings_form
from forms.fields import options
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import db
from workflow_app.infra.templating import for_entity
from workflow_app.models import PLAN_GRAPH, Entity, Plan
from workflow_app.permissions import require_entity_settings
from workflow_app.services.cycle import settings as settings_service

bp = Blueprint("settings", __name__, template_folder="templates")


def _plan_form(plan: Plan, formdata=None) -> PlanSettingsForm:
    regimes = settings_service.applicable_regimes(db.session, plan)
    form = PlanSettingsForm(formdata=formdata, prefix=f"plan{plan.id}", data=None if formdata else {
        "posesion_on": plan.posesion_day, "regime": plan.regime,
        "articles": list(plan.d683_articles or []), "expected_version": str(plan.version)})
    form.posesion_on.label.text = for_entity(form.posesion_on.label.text, plan.entity)  # «del gobernador»
    form.regime.choices = options((r.code, r.name) for r in regimes)
    form.articles.choices = options((a["key"], f"{r.name} — {a['label']}") for r in regimes for a in (r.articles or []))
    return form


def _page(entity: Entity, entity_form: EntitySettingsForm, plan_forms: dict, status: int = 200):
    plans = db.session.scalars(select(Plan).where(Plan.entity_id == entity.id).options(*PLAN_GRAPH)
                               .order_by(Plan.period_id)).unique().all()
    forms = [(plan, plan_forms.get(plan.id) or _plan_form(plan)) for plan in plans]
    return render_template("admin/entity.html", entity=entity, form=entity_form, plans=forms), status


@bp.route("/entidades/<dane_code>/configuracion", methods=["GET", "POST"])
@login_required
def entity(dane_code: str):
    record = db.session.scalar(select(Entity).filter_by(dane_code=dane_code)) or abort(404)
    require_entity_settings(current_user, record)
    form = entity_settings_form(record.kind, data={"fiscal_category": record.fiscal_category or "",
                                                   "executive_title": record.executive_title or "",
                                                   "nonworking_weekdays": [str(d) for d in record.weekdays]}
                                if request.method == "GET" else None)
    if form.validate_on_submit():
        new = settings_service.EntitySettings(form.fiscal_category.data or None,
                                              tuple(int(d) for d in form.nonworking_weekdays.data),
                                              form.executive_title.data or None)
        try:
            changes = settings_service.update_entity_settings(db.session, current_user, record, new, clock().today())
        except settings_service.SettingsError as exc:
            for field, message in exc.errors:
                getattr(form, field).errors.append(message)
        else:
            flash("Configuración guardada y anotada en el historial de sus planes. Los plazos se recalculan."
                  if changes else "No había cambios que guardar.", "info")
            return redirect(url_for("settings.entity", dane_code=dane_code, _anchor="contenido"))
    return _page(record, form, {}, 422 if request.method == "POST" else 200)


@bp.post("/planes/<int:plan_id>/configuracion")
@login_required
def plan(plan_id: int):
    found = db.session.get(Plan, plan_id, options=PLAN_GRAPH) or abort(404)
    require_entity_settings(current_user, found.entity)
    form = _plan_form(found, request.form)
    if form.validate_on_submit():
        version = form.expected_version.data
        new = settings_service.PlanSettings(form.posesion_on.data, form.regime.data, tuple(form.articles.data or ()))
        try:
            changes = settings_service.update_plan_settings(db.session, current_user, found, new, clock().today(),
                                                            # A crafted or missing version is a stale form, not
                                                            # a form that skips the check (QA, 7 December 2026).
                                                            int(version) if version and version.isdigit() else -1)
        except settings_service.SettingsError as exc:
            for field, message in exc.errors:
                getattr(form, field).errors.append(message)
        else:
            flash("Configuración del plan guardada y anotada en su historial. Los plazos se recalculan."
                  if changes else "No había cambios que guardar.", "info")
            return redirect(url_for("settings.entity", dane_code=found.entity.dane_code, _anchor="contenido"))
    # ``formdata=None``: the page's other form shows what is saved, not this request's body (which has none of
    # its fields: read from it, the unticked weekdays came back empty, and saving that form wiped them).
    entity_form = entity_settings_form(found.entity.kind, formdata=None, data={
        "fiscal_category": found.entity.fiscal_category or "", "executive_title": found.entity.executive_title or "",
        "nonworking_weekdays": [str(d) for d in found.entity.weekdays]})
    return _page(found.entity, entity_form, {found.id: form}, 422)
