"""Signed-in pages."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import db
from workflow_app.services.worklist import pending_for, split_pending
from workflow_app.web.account.inbox import plans_in_scope

bp = Blueprint("views", __name__, template_folder="templates")


@bp.get("/")
@login_required
def inbox():
    today = clock().today()
    plans = plans_in_scope(current_user)
    duties, others = split_pending(pending_for(db.session, current_user, today, plans))
    return render_template("inbox.html", duties=duties, others=others, plans=plans)


@bp.get("/ping")
def ping():
    return {"status": "ok"}


@bp.get("/salud")
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
