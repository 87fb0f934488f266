"""The access log page: the entity's ejecutivo sees who read its non-public documents and exported its history;
administrators see every entry (including board exports)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from workflow_app.infra.extensions import db
from workflow_app.services.integrity.access_log import ACTION_LABELS, access_entries, can_read_access_log

bp = Blueprint("access_log", __name__, template_folder="templates")


@bp.get("/registro-de-accesos")
@login_required
def index():
    if not can_read_access_log(current_user):
        abort(403, description="El registro de accesos lo consultan el alcalde o gobernador de la entidad y los "
                               "administradores.")
    page = request.args.get("pagina", "1")
    page = int(page) if page.isdigit() and len(page) < 7 else 1
    return render_template("admin/access_log.html", result=access_entries(db.session, current_user, page),
                           action_labels=ACTION_LABELS, is_admin=current_user.is_admin)
