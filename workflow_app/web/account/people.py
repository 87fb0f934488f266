"""Delegated administration: an entity's ejecutivo or planeación (its own staff), the lead of its CTP or of its
concejo or asamblea (their members), or an environmental authority's lead (its staff) invites, deactivates and
takes roles away from the people they answer for (``permissions.can_invite`` / ``can_manage_person`` /
``can_remove_membership``)."""
from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select

from forms.admin import InvitePersonForm
from forms.fields import options
from state_machines.core.roles import ROLE_LABELS, Role
from workflow_app.infra.extensions import db
from workflow_app.infra.page_cache import kept_part
from workflow_app.models import Entity, Membership, User
from workflow_app.permissions import (
    ENTITY_STAFF_ROLES,
    can_manage_people,
    can_manage_person,
    can_remove_membership,
    in_scope_of,
    led_authorities,
    led_bodies,
    managed_entity_ids,
    people_in_scope_query,
    require_manage_people,
)
from workflow_app.services.people import accounts
from workflow_app.services.people import admin as admin_service
from workflow_app.web.invitations import count_sent_email, require_sender_allowance, send_invitation

bp = Blueprint("people", __name__, url_prefix="/personas", template_folder="templates")
LISTED = 300


CSRF_SLOT = "\x00csrf\x00"  # where the sign-out form's token goes in a kept menu


@bp.app_template_global("signed_in_menu")
def signed_in_menu(user: User, unread: int) -> Markup:
    """The frame's menu for a signed-in person (``_menu.html``). What it shows is a function of their memberships,
    their name and the unread figure (and of the release and the application root, in the links), so it is kept
    in this process by those: every page of a person paid the menu's filters, tests and links anew. The
    sign-out form's CSRF token is put in on each request."""
    if not has_request_context():  # a page rendered by a job: nothing to keep
        return Markup(_menu(user, unread).replace(CSRF_SLOT, generate_csrf()))
    memberships = tuple(sorted((m.role, m.entity_id or 0, m.authority_code or "", m.is_lead)
                               for m in user.memberships))
    key = (memberships, user.name, unread, current_app.config.get("RELEASE", ""), request.script_root)
    menu = kept_part("signed_in_menu", key, partial(_menu, user, unread), size=1024)
    return Markup(menu.replace(CSRF_SLOT, generate_csrf()))


def _menu(user: User, unread: int) -> str:
    return current_app.jinja_env.get_template("_menu.html").render(
        current_user=user, notifications_unread=unread, csrf_slot=Markup(CSRF_SLOT),
        manages_people=not user.is_admin and can_manage_people(user))


def _scope_choices(user: User) -> list[tuple[str, str]]:
    choices = []
    bodies = led_bodies(user)
    entities = db.session.scalars(select(Entity).where(Entity.id.in_(
        managed_entity_ids(user) | {entity_id for _, entity_id in bodies})).order_by(Entity.name)).all()
    order = [Role.PLANEACION, Role.EQUIPO, Role.HACIENDA, Role.CONSEJO_DE_GOBIERNO, Role.CTP, Role.CORPORACION]
    managed = managed_entity_ids(user)
    for entity in entities:
        for role in order:
            if (role.value in ENTITY_STAFF_ROLES and entity.id in managed) or (role.value, entity.id) in bodies:
                choices.append((f"{role.value}|{entity.dane_code}", f"{ROLE_LABELS[role]} — {entity.display_name}"))
    for code in sorted(led_authorities(user)):
        choices.append((f"car|{code}", f"{ROLE_LABELS[Role.CAR]} — {code}"))
    return choices


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    require_manage_people(current_user)
    form = InvitePersonForm()
    form.scope.choices = options(_scope_choices(current_user))
    if form.validate_on_submit():
        role, _, code = form.scope.data.partition("|")
        invite = accounts.Invite(email=form.email.data, name=form.name.data, role=role,
                                 dane_code=code if role != Role.CAR.value else None,
                                 authority_code=code if role == Role.CAR.value else None)
        if send_invitation(form, invite, form.scope, {
                "created": "Se envió la invitación a {email}.",
                "added": "{email} ya tenía cuenta: se le agregó el rol.",
                "present": "{email} ya tenía ese rol."}):
            return redirect(url_for("people.index"))
    people = db.session.scalars(people_in_scope_query(current_user).limit(LISTED)).unique().all()
    rows = [(p, [(m, accounts.describe_membership(m), can_remove_membership(current_user, m))
                 for m in p.memberships if in_scope_of(current_user, m)],
             sum(not in_scope_of(current_user, m) for m in p.memberships), can_manage_person(current_user, p))
            for p in people]
    status = 422 if request.method == "POST" else 200
    return render_template("people/index.html", form=form, rows=rows), status


def _target(user_id: int) -> User:
    target = db.session.get(User, user_id)
    if target is None or not can_manage_person(current_user, target):
        abort(404)
    return target


@bp.post("/<int:user_id>/estado")
@login_required
def toggle(user_id: int):
    target = _target(user_id)
    accounts.set_active(db.session, current_user, target, not target.is_active_account)
    flash(f"{target.name}: cuenta {'activada' if target.is_active_account else 'desactivada; se cerraron sus sesiones'}.",
          "info")
    return redirect(url_for("people.index"))


@bp.post("/<int:user_id>/roles/<int:membership_id>/quitar")
@login_required
def remove_role(user_id: int, membership_id: int):
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user_id or not can_remove_membership(current_user, membership):
        abort(404)
    name = membership.user.name
    admin_service.remove_membership(db.session, current_user, membership.id)
    flash(f"{name}: se quitó el rol; deja de valer en la siguiente página que abra y en sus tokens de API.", "info")
    return redirect(url_for("people.index"))


@bp.post("/<int:user_id>/enlace")
@login_required
def resend(user_id: int):
    target = _target(user_id)
    if not target.is_active_account:
        abort(409, description="La cuenta está desactivada: actívela antes de enviar un enlace.")
    require_sender_allowance()
    accounts.resend_invitation(db.session, current_user, target)
    count_sent_email()
    flash(f"Se envió a {target.email} un enlace nuevo para elegir su contraseña.", "info")
    return redirect(url_for("people.index"))
