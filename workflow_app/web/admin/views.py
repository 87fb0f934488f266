"""Administration pages: accounts and memberships, entity settings."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.admin import EntitySettingsForm, MembershipForm, UserForm
from workflow_app.infra.extensions import db
from workflow_app.models import Entity, User
from workflow_app.permissions import require_admin
from workflow_app.services import admin as admin_service

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
@login_required
def _only_admins():
    require_admin(current_user)


@bp.route("/usuarios", methods=["GET", "POST"])
def users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            admin_service.create_user(db.session, email=form.email.data, name=form.name.data,
                                      password=form.password.data, role=form.role.data,
                                      dane_code=form.dane_code.data, authority_code=form.authority_code.data)
        except admin_service.AdminError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash("Cuenta creada.", "info")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    status = 422 if request.method == "POST" else 200
    return render_template("admin/users.html", form=form, accounts=accounts), status


@bp.route("/usuarios/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    account = db.session.get(User, user_id) or abort(404)
    form = MembershipForm()
    if form.validate_on_submit():
        try:
            admin_service.add_membership(db.session, account, form.role.data, form.dane_code.data,
                                         form.authority_code.data)
        except admin_service.AdminError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash("Rol agregado.", "info")
            return redirect(url_for("admin.user", user_id=account.id))
    return render_template("admin/user.html", account=account, form=form), 422 if request.method == "POST" else 200


@bp.post("/usuarios/<int:user_id>/estado")
def toggle(user_id: int):
    account = db.session.get(User, user_id) or abort(404)
    if account.id == current_user.id:
        abort(409, description="No puede desactivar su propia cuenta.")
    admin_service.set_active(db.session, account, not account.is_active_account)
    flash("Cuenta activada." if account.is_active_account else "Cuenta desactivada.", "info")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/entidades/<dane_code>", methods=["GET", "POST"])
def entity(dane_code: str):
    record = db.session.scalar(select(Entity).filter_by(dane_code=dane_code)) or abort(404)
    form = EntitySettingsForm(data={"fiscal_category": record.fiscal_category or "",
                                    "executive_title": record.executive_title or "",
                                    "nonworking_weekdays": [str(d) for d in record.weekdays]}
                              if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            admin_service.update_entity_settings(db.session, record, form.fiscal_category.data,
                                                 form.nonworking_weekdays.data, form.executive_title.data)
        except admin_service.AdminError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash("Configuración guardada. Los plazos se recalculan con los nuevos días no hábiles.", "info")
            return redirect(url_for("admin.entity", dane_code=dane_code))
    return render_template("admin/entity.html", entity=record, form=form), 422 if request.method == "POST" else 200
