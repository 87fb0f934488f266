"""Monitoring pages: the early-warning board and its exports, a plan's hitos, history exports and expediente,
the administrator's milestone weights, and the two small stylesheets they use."""
from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from forms.milestones import MilestoneCheckForm, MilestoneWeightsForm, to_check_command, to_edits
from state_machines import calendar as legal_calendar
from state_machines.approval.pdt import PDT_STATES
from state_machines.approval.submachines import SUBMACHINES
from state_machines.phase2 import PHASE2_MACHINES
from workflow_app.infra.clock import clock
from workflow_app.infra.database.read_only import reads_only
from workflow_app.infra.extensions import db
from workflow_app.infra.templating import _labels
from workflow_app.models import Department, Plan
from workflow_app.permissions import follows_department, load_plan_to_read, require_admin
from workflow_app.reference_data import names
from workflow_app.services.followup import checklist as checklist_service
from workflow_app.services.followup.parameters import pct
from workflow_app.services.integrity.access_log import record_access
from workflow_app.services.monitoring import board as board_service
from workflow_app.services.monitoring import exports
from workflow_app.services.monitoring import milestones as milestone_service
from workflow_app.services.route.casefile import case_file, split_by_phase
from workflow_app.services.route.document_versions import correctable_documents
from workflow_app.services.route.plans import deadlines_for, plan_documents, visible_history
from workflow_app.web.board.board_cache import board_key, cached_board, keep_board
from workflow_app.web.board.svg_charts import column_chart, hbar_chart
from workflow_app.web.board.tile_map import department_map
from workflow_app.web.board.tile_map import legend as map_legend

bp = Blueprint("board", __name__, template_folder="templates")
bp.add_app_template_filter(pct, "pct")  # «62,2 %», or «—» where there is no figure
STYLES = Path(__file__).resolve().parent / "templates" / "board"
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


@bp.context_processor
def _helpers():
    return {"fmt_date": legal_calendar.format_date_es, "risk_labels": board_service.RISK_LABELS,
            "risk_days": board_service.RISK_SLACK_DAYS, "page_size": board_service.PAGE_SIZE}


# --- Board -----------------------------------------------------------------------------------------------------

@bp.get("/tablero")
@reads_only
@login_required
def index():
    key = board_key(current_user, clock().today())
    content, generation = cached_board(key)  # kept while nothing was written since (web/board/board_cache.py)
    if content is None:
        query = board_service.BoardQuery.from_args(request.args)
        listed = board_service.period_list(db.session)  # the periods once: the board's, and the ones by name
        period = board_service.board_period(db.session, clock().today(), query.periodo, listed)
        with board_service.paused_gc():  # 1,135 rows: see paused_gc
            all_rows, rows = board_service.board(db.session, current_user, clock().today(), query, period)
            context = {**_helpers(), **_board_context(all_rows, rows, query, "board.index", listed=listed,
                                                      period=period), **_map_context(all_rows, query.periodo)}
            content = current_app.jinja_env.get_template("board/_content.html").render(
                context, current_user=current_user)
        keep_board(key, generation, content)
    return render_template("board/index.html", board_html=Markup(content))


@bp.get("/tablero/departamentos/<code>")
@login_required
def department(code: str):
    dept = db.session.get(Department, code) or abort(404)
    query = board_service.BoardQuery.from_args(request.args, forced_department=dept.code)
    all_rows, rows = board_service.board(db.session, current_user, clock().today(), query)
    # A period with no plan here (an earlier one, say) is an empty board, not a refusal.
    if not any(r.department_code == dept.code for r in all_rows) and not follows_department(current_user, dept.code):
        abort(403, description="Su cuenta no sigue entidades de este departamento.")
    return render_template("board/index.html", department=dept, tile_map=None,
                           **_board_context(all_rows, rows, query, "board.department", code=dept.code))


def _period_args(periodo: str) -> dict:
    """The period asked for, kept by the board's links to its other views (its map, regions, advisers)."""
    return {"periodo": periodo} if periodo.isdigit() and len(periodo) == 4 else {}


def _asked_period():
    """The board's period for a page that only reads it (``?periodo=2028``), as the board chooses it."""
    return board_service.board_period(db.session, clock().today(), request.args.get("periodo", ""))


@bp.get("/tablero/regiones")
@login_required
def regions():
    period = _asked_period()
    rows = board_service.load_rows(db.session, current_user, clock().today(), period=period)
    rollups = board_service.rollups(rows)
    chart = hbar_chart("Avance promedio por región (%)", [(r.label, r.average) for r in rollups["regions"]], " %",
                       maximum=100)
    by_region: dict[str, list] = {}
    region_of = {r.department_code: r.region for r in rows}
    for line in rollups["departments"]:
        by_region.setdefault(region_of[line.key], []).append(line)
    return render_template("board/regions.html", rollups=rollups, by_region=by_region, chart=chart,
                           summary=board_service.summary(rows), period=period,
                           period_args=_period_args(request.args.get("periodo", "")))


@bp.get("/tablero/asesores")
@login_required
def advisers():
    require_admin(current_user)
    period = _asked_period()
    rows = board_service.load_rows(db.session, current_user, clock().today(), period=period)
    return render_template("board/advisers.html", lines=board_service.adviser_rollup(db.session, rows),
                           summary=board_service.summary(rows), period=period,
                           period_args=_period_args(request.args.get("periodo", "")))


@bp.get("/tablero.<any(csv, xlsx):fmt>")
@bp.get("/tablero-para-excel.csv", defaults={"fmt": "excel"})
@login_required
def board_export(fmt: str):
    query = board_service.BoardQuery.from_args(request.args)
    today = clock().today()
    _, rows = board_service.board(db.session, current_user, today, query)
    period = board_service.board_period(db.session, today, query.periodo)
    header, table = exports.board_table(rows, period.label if period else "")
    name = exports.safe_filename("tablero", period.label if period else "", query.departamento, query.region,
                                 today.isoformat(), ext=fmt)
    record_access(db.session, user=current_user, action="board_export", remote_addr=request.remote_addr,
                  detail=f"{name} ({len(table)} filas)")
    return _download(header, table, fmt, name, "Tablero")


def _board_context(all_rows, rows, query, endpoint, listed=None, period=None, **view_args) -> dict:
    today = clock().today()
    by_region = board_service.rollups(rows)["regions"]
    weeks = board_service.due_by_week(rows, today)
    charts = {
        "regions": hbar_chart("Avance promedio por región (%)", [(r.label, r.average) for r in by_region], " %",
                              maximum=100),
        "states": hbar_chart("Planes por estado", board_service.per_state_label(rows)),
        "weeks": column_chart("Plazos por vencer en las próximas seis semanas",
                              [(f"{d.day} {MONTHS[d.month - 1]}", n) for d, n in weeks], "pasos"),
    }

    def sort_link(key: str) -> tuple[str, str | None]:
        current = query.orden
        target = f"-{key}" if current == key else key
        aria = "ascending" if current == key else "descending" if current == f"-{key}" else None
        return url_for(endpoint, **view_args, **query.as_args(orden=target)), aria

    def page_link(number: int) -> str:
        return url_for(endpoint, **view_args, **query.as_args(pagina=number))

    shown, page = board_service.page_of(rows, query.pagina)

    listed = board_service.period_list(db.session) if listed is None else listed
    period = period or board_service.board_period(db.session, today, query.periodo, listed)
    departments = [(code, name) for code, name, _ in sorted({(r.department_code, r.department_name, r.department_key)
                                                             for r in all_rows}, key=lambda d: d[2])]
    return {
        "rows": shown, "page": page, "page_link": page_link,
        # Monitoreo 360: the latest Lista de Chequeo of the plans on this page (score, items missing), one query.
        "checklists": checklist_service.latest_scores(db.session, [r.plan_id for r in shown]),
        "query": query, "summary": board_service.summary(rows), "charts": charts,
        "sort_link": sort_link, "departments": departments,
        "regions": sorted({r.region for r in all_rows if r.region}, key=names.sort_key),
        "states": [(s, PDT_STATES[s]) for s, _ in board_service.per_state(all_rows)],
        "parties": board_service.PARTIES,
        "party_labels": board_service.PARTY_LABELS, "party_short": board_service.PARTY_SHORT,
        "export_args": query.as_args(pagina=1), "endpoint": endpoint, "view_args": view_args,
        "total_in_scope": len(all_rows),
        "period": period, "periods": board_service.periods_with_plans(db.session, listed),
        "period_args": _period_args(query.periodo),
        "period_link": lambda p: url_for(endpoint, **view_args, **query.as_args(periodo=str(p.start_on.year))),
        "plans_base": url_for("board.milestones", plan_id=0).removesuffix("0/hitos"),  # one url_for, not 1,135
    }


def _map_context(all_rows, periodo: str = "") -> dict:
    """The tile map of the whole scope (filters narrow the table, not the map); a tile keeps the period asked for
    (QA, 7 December 2026: the 2028 board's tiles opened the department's board of the running period)."""
    lines = board_service.rollups(all_rows)["departments"]
    base = url_for("board.department", code="00").removesuffix("00")
    after = f"?periodo={periodo}" if periodo.isdigit() else ""
    # Every tile says its department's name, followed or not: a screen reader heard «SAP —» (QA, 7 December 2026).
    figures = {code: (name, 0, 0) for code, name in board_service.department_names(db.session).items()}
    figures.update({d.key: (d.label, d.plans, d.at_risk) for d in lines})
    return {"tile_map": department_map(figures, {d.key: f"{base}{d.key}{after}" for d in lines}),
            "map_legend": map_legend(), "map_rows": lines}


# --- A plan's hitos ---------------------------------------------------------------------------------------------

@bp.get("/planes/<int:plan_id>/hitos")
@login_required
def milestones(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    return _render_milestones(plan)


@bp.route("/planes/<int:plan_id>/hitos/<int:number>", methods=["GET", "POST"])
@login_required
def check(plan_id: int, number: int):
    plan = load_plan_to_read(current_user, plan_id)
    if request.method == "GET":  # the address of a refused form, reloaded or bookmarked: the hito on its page
        return redirect(url_for("board.milestones", plan_id=plan.id, _anchor=f"hito-{number}"))
    if not milestone_service.can_check_milestones(current_user, plan):
        abort(403)
    form = MilestoneCheckForm(prefix=f"h{number}")
    if form.validate_on_submit():
        try:
            milestone_service.check_milestone(db.session, plan, current_user, to_check_command(form, number),
                                              clock().stamp())
        except milestone_service.MilestoneError as exc:
            db.session.rollback()
            if exc.status in (403, 404):
                abort(exc.status)
            form.note.errors.append(exc.message)
            return _render_milestones(plan, failed=(number, form), refusal=exc.message), exc.status
        flash("Hito actualizado con su nota de evidencia.", "info")
        return redirect(url_for("board.milestones", plan_id=plan.id) + f"#hito-{number}")
    return _render_milestones(plan, failed=(number, form)), 422


def _render_milestones(plan: Plan, failed: tuple[int, MilestoneCheckForm] | None = None, refusal: str = ""):
    statuses, progress = milestone_service.plan_milestones(db.session, plan)
    can_check = milestone_service.can_check_milestones(current_user, plan)
    forms = {}
    if can_check:
        for s in statuses:
            if s.is_manual:
                n = s.milestone.number
                forms[n] = failed[1] if failed and failed[0] == n else MilestoneCheckForm(
                    prefix=f"h{n}", formdata=None, data={"is_done": "0" if s.is_done else "1"})
    phases: dict[int, list] = {}
    for s in statuses:
        phases.setdefault(s.milestone.phase, []).append(s)
    return render_template("board/milestones.html", plan=plan, phases=phases, progress=progress, forms=forms,
                           failed=failed[0] if failed else None,
                           refusal=refusal if failed and failed[0] not in forms else "",
                           row=board_service.plan_row(db.session, plan, clock().today()),
                           party_labels=board_service.party_labels_for(plan.entity), parties=board_service.PARTIES,
                           source_texts={s.milestone.number: milestone_service.source_text(s.milestone)
                                         for s in statuses},
                           unconfirmed={s.milestone.number for s in statuses
                                        if milestone_service.is_name_unconfirmed(s.milestone)})


# --- History exports and the expediente -----------------------------------------------------------------------

@bp.get("/planes/<int:plan_id>/historial.<any(csv, xlsx):fmt>")
@bp.get("/planes/<int:plan_id>/historial-para-excel.csv", defaults={"fmt": "excel"})
@login_required
def history_export(plan_id: int, fmt: str):
    plan = load_plan_to_read(current_user, plan_id)
    header, table = _history_table(plan)
    name = exports.safe_filename("historial", plan.entity.dane_code, plan.entity.name, plan.period.label,
                                 ext=fmt)
    record_access(db.session, user=current_user, action="history_export", remote_addr=request.remote_addr,
                  entity_id=plan.entity_id, plan_id=plan.id, detail=name)
    return _download(header, table, fmt, name, "Historial")


@bp.get("/planes/<int:plan_id>/expediente")
@login_required
def dossier(plan_id: int):
    """The expediente of the approval route; a plan in force links its Phase II's own (``dossier_phase2``)."""
    plan = load_plan_to_read(current_user, plan_id)
    today = clock().today()
    statuses, progress = milestone_service.plan_milestones(db.session, plan)
    parts, correctable = _dossier_contents(plan)
    phase2 = ({"history": parts.phase2_history, "documents": parts.phase2_documents}
              if parts.phase2_history or parts.phase2_documents else None)
    return render_template(
        "board/dossier.html", plan=plan, history=parts.route_history, phase2=phase2,
        deadlines=deadlines_for(plan), documents=parts.route_documents, statuses=statuses,
        progress=progress, row=board_service.plan_row(db.session, plan, today), generated_at=clock().now(),
        machine_states={name: m.states for name, m in SUBMACHINES.items()},
        party_labels=board_service.party_labels_for(plan.entity), parties=board_service.PARTIES, case=case_file(db.session, plan),
        correctable=correctable)


@bp.get("/planes/<int:plan_id>/expediente/fase-2")
@login_required
def dossier_phase2(plan_id: int):
    """The Phase II expediente: its acts and their documents, numbered and printable as the route's."""
    plan = load_plan_to_read(current_user, plan_id)
    parts, correctable = _dossier_contents(plan)
    return render_template(
        "board/dossier_phase2.html", plan=plan, history=parts.phase2_history, documents=parts.phase2_documents,
        generated_at=clock().now(), machine_states={name: m.states for name, m in PHASE2_MACHINES.items()},
        correctable=correctable)


def _dossier_contents(plan: Plan):
    """Both expedientes' history and documents by phase, and the ids of the documents the reader may correct
    (computed over the whole plan: a correction's chain and its filing act may lie in either phase)."""
    history, documents = visible_history(db.session, plan), plan_documents(db.session, plan)
    return split_by_phase(history, documents), correctable_documents(current_user, plan, documents, history)


def _history_table(plan: Plan):
    labels = _labels()
    machine_states = {name: m.states for name, m in (*SUBMACHINES.items(), *PHASE2_MACHINES.items())}
    return exports.history_table(visible_history(db.session, plan), labels["trigger_labels"],
                                 labels["role_labels"], machine_states)


def _download(header, table, fmt: str, filename: str, sheet: str) -> Response:
    """``fmt``: ``csv`` (standard), ``excel`` (CSV para Excel: ``;`` and decimal comma) or ``xlsx``."""
    if fmt in ("csv", "excel"):
        dialect = exports.EXCEL if fmt == "excel" else exports.STANDARD
        body, mimetype = exports.to_csv(header, table, dialect), exports.CSV_MIME
    else:
        body, mimetype = exports.to_xlsx(header, table, sheet), exports.XLSX_MIME
    return Response(body, mimetype=mimetype, headers=exports.attachment_headers(filename))


# --- Administration of the hitos ----------------------------------------------------------------------------------

@bp.route("/admin/hitos", methods=["GET", "POST"])
@login_required
def admin_milestones():
    require_admin(current_user)
    milestones = milestone_service.all_milestones(db.session)
    if request.method == "GET":
        form = MilestoneWeightsForm(data={"rows": [
            {"number": m.number, "name": m.name, "weight_in_phase": m.weight_in_phase,
             "weight_total": m.weight_total} for m in milestones]})
    else:
        form = MilestoneWeightsForm()
    refusal = None
    if form.validate_on_submit():
        try:
            milestone_service.update_milestones(db.session, to_edits(form))
        except milestone_service.MilestoneError as exc:
            db.session.rollback()
            refusal = exc.message
        else:
            flash("Hitos guardados. El avance de todos los planes se recalcula con los nuevos pesos.", "info")
            return redirect(url_for("board.admin_milestones", _anchor="contenido"))
    by_number = {m.number: m for m in milestones}
    status = 422 if request.method == "POST" else 200
    return render_template("board/admin_milestones.html", form=form, by_number=by_number, refusal=refusal,
                           source_texts={m.number: milestone_service.source_text(m) for m in milestones},
                           unconfirmed={m.number for m in milestones if milestone_service.is_name_unconfirmed(m)}
                           ), status


# --- Stylesheets (served by the app: the CSP forbids inline style) ----------------------------------------------

@bp.get("/tablero/<any(board, print):name>.css")
def stylesheet(name: str):
    return send_from_directory(STYLES, f"{name}.css", mimetype="text/css", max_age=3600)

