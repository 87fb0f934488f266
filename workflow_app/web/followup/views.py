"""Monitoreo 360's pages (phase-ii.md §3): the monthly survey and its results, the Lista de Chequeo of a plan, the
SETA cuts compared, the advisers' activity reports and the ranking. Thin views: load or 404, authorise or 403,
parse the form, call one service, render; no JavaScript needed."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forms import followup as forms
from state_machines.core.dates import add_months, format_date_es
from state_machines.core.roles import Role
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import db
from workflow_app.models import ActivityReport, Department, Entity, SetaCut, User
from workflow_app.permissions import load_plan_to_read, scope_entity_ids
from workflow_app.services.followup import activity, checklist, cuts, survey
from workflow_app.services.followup import parameters as params
from workflow_app.services.monitoring import exports
from workflow_app.web.followup import charts

bp = Blueprint("followup", __name__, url_prefix="/monitoreo-360", template_folder="templates")
STYLES = Path(__file__).resolve().parent / "templates" / "followup"
FOLLOW_ROLES = {Role.ASESOR.value, Role.COORDINADOR.value}


@bp.context_processor
def _helpers():
    return {"fmt": params.fmt, "pct": params.pct, "fmt_date": format_date_es, "month_label": survey.month_label,
            "threshold": params.threshold(), "aspects": params.aspects(), "scale": params.scale_labels(),
            "aspect_labels": {a.key: a.label for a in params.aspects()}}


def _follows(user) -> bool:
    return user.is_admin or any(m.role in FOLLOW_ROLES for m in user.memberships)


def _require_follower() -> None:
    if not _follows(current_user):
        abort(403, description="Esta página es para los asesores, los coordinadores regionales y la administración.")


def _detail_scope() -> set[int] | None:
    """Entities whose individual scores the viewer may see: all for an administrator; an adviser's own; a
    coordinator's gobernaciones and the municipios of their departments."""
    if current_user.is_admin:
        return None
    ids = scope_entity_ids(current_user)
    departments = {m.entity.department_code for m in current_user.memberships
                   if m.role == Role.COORDINADOR.value and m.entity is not None}
    if departments:
        ids |= set(db.session.scalars(select(Entity.id).where(Entity.department_code.in_(departments))))
    return ids


@bp.get("/monitoreo-360.css")
def stylesheet():
    return send_from_directory(STYLES, "followup.css", mimetype="text/css", max_age=3600)


@bp.get("")
@login_required
def index():
    return render_template("followup/index.html", follows=_follows(current_user),
                           answers=survey.answerable_entities(current_user),
                           reports=activity.is_adviser(current_user),  # the administrator follows, reports nothing
                           due_day=int(params.ranking()["report_due_day"]))


# --- The monthly survey -----------------------------------------------------------------------------------------

@bp.route("/encuesta", methods=["GET", "POST"])
@login_required
def survey_form():
    entities = survey.answerable_entities(current_user)
    if not entities:
        abort(403, description="La encuesta mensual la responde la secretaría de planeación o el despacho del alcalde "
                               "o gobernador de cada entidad; su cuenta no tiene esa función.")
    dane = request.values.get("entidad") or entities[0].dane_code
    entity = next((e for e in entities if e.dane_code == dane), None)
    if entity is None:
        abort(404, description="Su cuenta no responde la encuesta por esa entidad.")
    month = survey.month_of(clock().today())
    errors, refusal, status = {}, "", 200
    if request.method == "POST":
        command, errors = forms.survey_command(request.form)
        if command is not None:
            try:
                survey.submit(db.session, entity, current_user, command, clock().today())
            except survey.SurveyError as exc:
                refusal, status = exc.message, exc.status
                if exc.field:
                    errors[exc.field] = exc.message
            else:
                flash(f"Gracias. Quedó registrada la encuesta de {survey.month_label(month)} de "
                      f"{entity.display_name}.", "success")
                return redirect(url_for("followup.survey_form", entidad=entity.dane_code))
        status = status if refusal else 422
    answered = survey.answer_of(db.session, entity.id, month)
    return render_template("followup/survey.html", entity=entity, entities=entities, month=month,
                           answered=answered, errors=errors, refusal=refusal, typed=request.form,
                           levels=params.respondent_levels(),
                           score=survey.entity_score(answered) if answered else None,
                           answered_by=_respondent_name(answered)), status


def _respondent_name(answered) -> str:
    if answered is None:
        return ""
    user = db.session.get(User, answered.respondent_id) if answered.respondent_id else None
    return user.name if user else "una cuenta retirada"


def _results_query():
    months = survey.available_months(db.session)
    first = forms.parse_month(request.args.get("desde")) or (months[0] if months else None)
    last = forms.parse_month(request.args.get("hasta")) or (months[-1] if months else None)
    region = request.args.get("region") or None
    department = request.args.get("departamento") or None
    if department and db.session.get(Department, department) is None:
        abort(404, description="No existe ese departamento.")
    return months, first, last, region, department


@bp.get("/encuesta/resultados")
@login_required
def survey_results():
    _require_follower()
    months, first, last, region, department = _results_query()
    res = survey.results(db.session, first, last, region, department, detail_entity_ids=_detail_scope())
    regions, departments = survey.regions_and_departments(db.session)
    return render_template(
        "followup/results.html", res=res, months=months, first=first, last=last, region=region,
        department=department, regions=regions, departments=departments, min_answers=survey.API_MIN_ANSWERS,
        month_chart=charts.month_columns(res.months, res.threshold),
        aspect_chart=charts.threshold_bars("Calificación promedio por aspecto",
                                           [(a.label, a.average) for a in res.aspects], res.threshold,
                                           _none_shown(res.aspects)),
        region_chart=charts.threshold_bars("Calificación promedio por región",
                                           [(g.label, g.average) for g in res.regions], res.threshold,
                                           _none_shown(res.regions)),
        export_args={k: v for k, v in request.args.items() if k in ("desde", "hasta", "region", "departamento")})


def _none_shown(rows) -> str:
    if any(row.withheld for row in rows):
        return "cifras reservadas; la tabla de abajo dice por qué"
    return "sin datos"


@bp.get("/encuesta/resultados.<any(csv, xlsx):fmt>")
@bp.get("/encuesta/resultados-para-excel.csv", defaults={"fmt": "excel"})
@login_required
def survey_export(fmt: str):
    _require_follower()
    _, first, last, region, department = _results_query()
    # The file holds what the page shows this viewer: the figures withheld there are withheld here.
    res = survey.results(db.session, first, last, region, department, detail_entity_ids=_detail_scope())
    header, rows = survey.export_table(res)
    name = exports.safe_filename("encuesta-monitoreo-360", first.isoformat()[:7] if first else "",
                                 last.isoformat()[:7] if last else "", region or "", department or "", ext=fmt)
    return _download(header, rows, fmt, name, "Encuesta mensual")


def _download(header, rows, fmt: str, filename: str, sheet: str) -> Response:
    if fmt in ("csv", "excel"):
        body = exports.to_csv(header, rows, exports.EXCEL if fmt == "excel" else exports.STANDARD)
        mimetype = exports.CSV_MIME
    else:
        body, mimetype = exports.to_xlsx(header, rows, sheet), exports.XLSX_MIME
    return Response(body, mimetype=mimetype, headers=exports.attachment_headers(filename))


# --- The Lista de Chequeo ---------------------------------------------------------------------------------------

@bp.route("/planes/<int:plan_id>/lista-de-chequeo", methods=["GET", "POST"])
@login_required
def plan_checklist(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    title, items = params.checklist_template("pdt")
    errors, refusal, status = {}, "", 200
    if request.method == "POST":
        try:
            if request.form.get("action") == "reply":
                checklist.answer(db.session, plan, current_user, request.form.get("reply", ""), clock().stamp())
                flash("Su respuesta quedó registrada; el asesor la verá con la Lista de Chequeo.", "success")
            else:
                checklist.record(db.session, plan, current_user,
                                 forms.checklist_raw(request.form, [i.code for i in items]), clock().stamp())
                flash("La Lista de Chequeo quedó registrada.", "success")
            return redirect(url_for("followup.plan_checklist", plan_id=plan.id, _anchor="contenido"))
        except checklist.ChecklistError as exc:
            db.session.rollback()
            refusal, errors, status = exc.message, exc.errors, exc.status
    current = checklist.latest(db.session, plan.id)
    return render_template("followup/checklist.html", plan=plan, title=title, items=items, current=current,
                           history=checklist.history(db.session, plan.id), errors=errors, refusal=refusal,
                           typed=request.form, values=params.checklist_values(),
                           can_review=checklist.can_review(current_user, plan),
                           can_answer=checklist.can_answer(current_user, plan)), status


# --- SETA cuts --------------------------------------------------------------------------------------------------

def _two_cuts(all_cuts: list[SetaCut]) -> tuple[SetaCut | None, SetaCut | None]:
    by_id = {c.id: c for c in all_cuts}
    a = by_id.get(request.args.get("a", type=int) or 0)
    b = by_id.get(request.args.get("b", type=int) or 0)
    if a is None and b is None and len(all_cuts) >= 2:
        a, b = all_cuts[1], all_cuts[0]
    if a and b and a.cut_on > b.cut_on:
        a, b = b, a
    return a, b


@bp.get("/cortes")
@login_required
def seta_cuts():
    _require_follower()
    all_cuts = cuts.all_cuts(db.session)
    a, b = _two_cuts(all_cuts)
    comparison = cuts.compare(db.session, a, b, _detail_scope()) if a and b and a.id != b.id else None
    chart = None
    if comparison:
        chart = charts.paired_bars(f"Avance promedio por región: {format_date_es(a.cut_on)} frente a "
                                   f"{format_date_es(b.cut_on)}",
                                   [(g.label, g.before, g.after) for g in [*comparison.regions, comparison.national]],
                                   (format_date_es(a.cut_on), format_date_es(b.cut_on)))
    return render_template("followup/cuts.html", cuts=all_cuts, a=a, b=b, comparison=comparison, chart=chart,
                           kind_labels=cuts.KIND_LABELS, today=clock().today())


@bp.post("/cortes")
@login_required
def take_seta_cut():
    if not current_user.is_admin:
        abort(403, description="Solo la administración toma un corte fuera del calendario quincenal.")
    today = clock().today()
    try:
        cut = cuts.take_cut(db.session, today, "scheduled" if cuts.is_cut_day(today) else "manual",
                            by=current_user)
    except cuts.CutError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{cuts.cut_label(cut)}: guardado el avance de {len(cut.rows)} planes.", "success")
    return redirect(url_for("followup.seta_cuts"))


@bp.get("/cortes/comparacion.<any(csv, xlsx):fmt>")
@bp.get("/cortes/comparacion-para-excel.csv", defaults={"fmt": "excel"})
@login_required
def cuts_export(fmt: str):
    _require_follower()
    a, b = _two_cuts(cuts.all_cuts(db.session))
    if not (a and b) or a.id == b.id:
        abort(404, description="Elija dos cortes distintos para comparar.")
    header, rows = cuts.export_table(cuts.compare(db.session, a, b, _detail_scope()))
    name = exports.safe_filename("cortes-seta", a.cut_on.isoformat(), b.cut_on.isoformat(), ext=fmt)
    return _download(header, rows, fmt, name, "Cortes SETA")


# --- Activity reports and the ranking ---------------------------------------------------------------------------

def _month_arg(default: date) -> date:
    text = request.values.get("mes")
    if not text:
        return default
    return forms.parse_month(text) or abort(400, description="El mes debe escribirse como AAAA-MM, por ejemplo "
                                                             "2028-03.")


@bp.route("/informes", methods=["GET", "POST"])
@login_required
def report():
    if not activity.is_adviser(current_user):
        abort(403, description="El informe mensual de actividades es de los asesores y coordinadores regionales.")
    today = clock().today()
    month = _month_arg(add_months(today.replace(day=1), -1) if today.day <= 10 else today.replace(day=1))
    errors, refusal, status = {}, "", 200
    if request.method == "POST":
        command, unreadable = forms.report_command(request.form, month)
        try:
            activity.submit_report(db.session, current_user, command, today, unreadable)
        except activity.ActivityError as exc:
            db.session.rollback()
            errors, status = exc.errors, exc.status
            refusal = "" if errors else exc.message  # a whole-report refusal (the month): said alone
        else:
            flash(f"Informe de {survey.month_label(month)} guardado.", "success")
            return redirect(url_for("followup.report", mes=month.strftime("%Y-%m"), _anchor="contenido"))
    existing = activity.report_of(db.session, current_user.id, month)
    entities = activity.entities_of(db.session, current_user.id, Role.ASESOR) + \
        activity.entities_of(db.session, current_user.id, Role.COORDINADOR)
    return render_template("followup/report.html", month=month, report=existing, entities=entities,
                           moved=activity.hitos_moved(db.session, current_user.id, month), errors=errors,
                           refusal=refusal, typed=request.form if request.method == "POST" else None,
                           rows=forms.VISIT_ROWS, due=date(add_months(month, 1).year, add_months(month, 1).month,
                                                           int(params.ranking()["report_due_day"]))), status


@bp.post("/informes/<int:report_id>/calificacion")
@login_required
def rate_report(report_id: int):
    found = db.session.get(ActivityReport, report_id) or abort(404)
    today = clock().today()
    try:
        activity.rate(db.session, current_user, found, request.form.get("rating", type=int) or 0, today)
    except activity.ActivityError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403, description=exc.message)
        return _ranking_page(found.month, today, rating_error=(found.id, exc.message)), exc.status
    flash(f"Calificación de {found.user.name} guardada.", "success")
    return redirect(url_for("followup.ranking", mes=found.month.strftime("%Y-%m")))


@bp.get("/ranking")
@login_required
def ranking():
    _require_follower()
    today = clock().today()
    month = _month_arg(add_months(today.replace(day=1), -1))
    if not 2000 <= month.year <= 2100:  # well written, out of range: said as such (QA, 7 December 2026)
        abort(400, description=f"El ranking cubre los meses de los años 2000 a 2100; "
                               f"«{month.year:04d}-{month.month:02d}» está fuera de ese rango.")
    return _ranking_page(month, today)


def _ranking_page(month: date, today: date, rating_error: tuple[int, str] | None = None) -> str:
    """The month's ranking; a month not yet ended says from when it is ranked, and ranks nobody (§3.4: a month)."""
    if activity.month_has_ended(month, today):
        advisers, coordinators, cut = activity.ranking(db.session, month, today)
        pending = ""
    else:
        advisers, coordinators, cut = [], [], None
        pending = (f"{survey.month_label(month).capitalize()} no ha terminado: su ranking se calcula desde el "
                   f"{format_date_es(activity.first_day_after(month), weekday=True)}, con el mes completo.")
    my_regions = activity.coordinator_regions(db.session, current_user.id)
    reports = {r.user_id: r for r in db.session.scalars(select(ActivityReport).filter_by(month=month))}
    return render_template("followup/ranking.html", month=month, advisers=advisers, coordinators=coordinators,
                           cut=cut, weights=params.ranking()["weights"],
                           coordinator_weights=params.ranking()["coordinator_weights"],
                           labels=activity.COMPONENT_LABELS, my_regions=my_regions, reports=reports,
                           pending=pending, rating_error=rating_error, min_answers=survey.API_MIN_ANSWERS,
                           previous=add_months(month, -1), following=add_months(month, 1))
