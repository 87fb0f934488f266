"""Web channels: the notification centre, preferences, iCalendar feeds, and failed deliveries for admins."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.notifications import ButtonForm, EmailPreferenceForm
from notifications import centre, ical
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import db
from workflow_app.infra.proxy import public_base_url
from workflow_app.models import Entity, Plan, User
from workflow_app.permissions import require_admin, visible_plans_query

bp = Blueprint("notifications", __name__, template_folder="templates")
ICS_TYPE = "text/calendar; charset=utf-8"


@bp.app_context_processor
def inject_unread_count():
    if current_user and current_user.is_authenticated:
        read = g.get("notifications_unread")  # read with the person's row by the sign-in loader (account.auth)
        if read is not None and read[0] == current_user.id:
            return {"notifications_unread": read[1]}
        return {"notifications_unread": centre.unread_count(current_user)}
    return {"notifications_unread": 0}


@bp.get("/notificaciones")
@login_required
def centre_page():
    items, today = centre.notifications_for(db.session, current_user), clock().today()
    return render_template("notifications/centre.html", items=items, form=ButtonForm(),
                           status_of=partial(centre.status_of, today=today), ended_note=centre.ENDED_NOTE,
                           unread=centre.unread_count(current_user, today=today))


@bp.post("/notificaciones/<int:notification_id>/leida")
@login_required
def mark_one_read(notification_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    centre.mark_read(db.session, current_user, notification_id)
    return redirect(url_for(".centre_page"))


@bp.post("/notificaciones/leidas")
@login_required
def mark_all_read():
    if not ButtonForm().validate_on_submit():
        abort(400)
    count = centre.mark_read(db.session, current_user)
    flash(f"{count} notificaciones marcadas como leídas.", "info")
    return redirect(url_for(".centre_page"))


@bp.route("/notificaciones/preferencias", methods=["GET", "POST"])
@login_required
def preferences():
    form = EmailPreferenceForm(email_mode="immediate" if current_user.wants_immediate_email else "digest")
    if form.validate_on_submit():
        centre.set_email_preference(db.session, current_user, form.email_mode.data == "immediate")
        flash("Preferencia de correo guardada.", "info")
        return redirect(url_for(".preferences"))
    token = centre.ensure_user_token(db.session, current_user)
    plans = db.session.scalars(visible_plans_query(current_user)).all()
    return render_template("notifications/preferences.html", form=form, button=ButtonForm(), user_token=token,
                           plans=plans)


@bp.post("/notificaciones/preferencias/nuevo-enlace")
@login_required
def rotate_feed():
    if not ButtonForm().validate_on_submit():
        abort(400)
    centre.rotate_user_token(db.session, current_user)
    flash("Se creó un nuevo enlace de calendario; el anterior dejó de funcionar.", "info")
    return redirect(url_for(".preferences"))


@bp.get("/ical/u/<token>.ics")
def user_feed(token: str):
    user = db.session.scalar(select(User).where(User.ical_token == token, User.is_active_account.is_(True)))
    if user is None or not token:
        abort(404)
    plans = db.session.scalars(visible_plans_query(user).options(
        selectinload(Plan.entity).selectinload(Entity.department), selectinload(Plan.period),
        selectinload(Plan.procedures))).all()
    text = ical.calendar_text(f"Plazos PDT — {user.name}", ical.plan_deadlines(plans), _base_url())
    return Response(text, mimetype="text/calendar", content_type=ICS_TYPE)


@bp.get("/ical/p/<token>.ics")
def plan_feed(token: str):
    plan = db.session.scalar(select(Plan).where(Plan.ical_token == token))
    if plan is None or not token:
        abort(404)
    text = ical.calendar_text(f"Plazos PDT — {plan.entity.display_name}", ical.plan_deadlines([plan]), _base_url())
    return Response(text, mimetype="text/calendar", content_type=ICS_TYPE)


@bp.get("/admin/entregas")
@login_required
def failed_deliveries():
    require_admin(current_user)
    return render_template("notifications/deliveries.html", deliveries=centre.failed_deliveries(db.session),
                           form=ButtonForm())


@bp.post("/admin/entregas/<int:delivery_id>/reintentar")
@login_required
def retry_delivery(delivery_id: int):
    require_admin(current_user)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if centre.retry_delivery(db.session, delivery_id):
        flash(f"La entrega {delivery_id} se volverá a intentar ahora.", "info")
    else:
        flash(f"La entrega {delivery_id} ya fue enviada o no existe.", "error")
    return redirect(url_for(".failed_deliveries"))


def _base_url() -> str:
    return public_base_url()

