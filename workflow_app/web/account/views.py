"""Signed-in pages."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from state_machines.approval.pdt import PDT_MACHINE
from workflow_app.infra.clock import clock
from workflow_app.infra.database.read_only import reads_only
from workflow_app.infra.extensions import db
from workflow_app.permissions import scope_entity_ids
from workflow_app.services.followup import survey
from workflow_app.services.integrity.health import health_report
from workflow_app.services.route.worklist import pending_for, split_pending
from workflow_app.web.account.inbox import plans_in_scope
from workflow_app.web.account.worklist_cache import cached_worklist, keep_worklist, scope_stamp, worklist_key

bp = Blueprint("views", __name__, template_folder="templates")


@bp.get("/")
@reads_only
@login_required
def inbox():
    if current_user.is_admin and not current_user.follows_plans:
        # An administrator who follows no plan has no duties: their menu lists "Administración", not this page.
        return redirect(url_for("admin.index"))
    today = clock().today()
    month = survey.month_of(today)
    stamp, entities, answered = scope_stamp(db.session, scope_entity_ids(current_user), month)
    key = worklist_key(current_user, stamp, today)
    worklist = cached_worklist(key)
    if worklist is None:
        plans = plans_in_scope(current_user)
        duties, others = split_pending(pending_for(db.session, current_user, today, plans))
        worklist = current_app.jinja_env.get_template("_worklist.html").render(duties=duties, others=others,
                                                                             plans=plans)
        if not any(PDT_MACHINE.is_final(row[4]) for row in stamp):  # Phase II: its own tables
            keep_worklist(key, worklist)
    return render_template("inbox.html", worklist_html=Markup(worklist), entities=entities,
                           surveys=survey.pending_for(db.session, current_user, today, answered),
                           survey_month=survey.month_label(month))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it on every site; answering keeps the logs free of 404s."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@bp.get("/ping")
def ping():
    return {"status": "ok"}


@bp.get("/salud")
def health():
    """Database, Redis, age of the oldest pending delivery; 503 when the database does not answer."""
    report, status = health_report(db.session, current_app.config.get("REDIS_URL"))
    response = jsonify(report)
    response.status_code = status
    response.headers["Cache-Control"] = "private, no-store"
    return response
