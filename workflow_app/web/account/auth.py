"""Sign-in and sign-out."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forms.auth import LoginForm
from workflow_app.infra.extensions import db, login_manager
from workflow_app.infra.rate_limit import is_blocked, record_failure
from workflow_app.models import User

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager.login_view = "auth.login"
login_manager.login_message = "Inicie sesión para continuar."
login_manager.login_message_category = "info"

BAD_CREDENTIALS = "Correo o contraseña incorrectos. Revise los datos e intente de nuevo."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # Every page asks for the user's roles: the memberships come in the same query.
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id), options=(joinedload(User.memberships),))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("views.inbox"))
    form = LoginForm()
    limit_key = f"login:{request.remote_addr}"
    if request.method == "POST" and is_blocked(limit_key, current_app.config["LOGIN_RATE_LIMIT"]):
        abort(429)
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        # Same message for an unknown account and a wrong password: do not reveal which accounts exist.
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append(BAD_CREDENTIALS)
        elif not user.is_active:
            form.email.errors.append("Esta cuenta está desactivada. Pida ayuda al administrador.")
        else:
            login_user(user)
            return redirect(_safe_next() or url_for("views.inbox"))
        record_failure(limit_key)
        return render_template("auth/login.html", form=form), 401
    if request.method == "POST":
        record_failure(limit_key)
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash("Sesión cerrada.", "info")
    return redirect(url_for("auth.login"))


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None
