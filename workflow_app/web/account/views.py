"""Signed-in pages."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .extensions import db

bp = Blueprint("views", __name__)


@bp.get("/")
@login_required
def inbox():
    from . import clock
    from .inbox import plans_in_scope
    from .services.worklist import pending_for

    today = clock().today()
    plans = plans_in_scope(current_user)
    return render_template("inbox.html", items=pending_for(db.session, current_user, today, plans), plans=plans)


@bp.get("/ping")
def ping():
    return {"status": "ok"}


@bp.get("/salud")
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
