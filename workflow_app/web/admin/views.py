"""Administration pages: accounts (by invitation), the opening of a period, the import of officials, regimes."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from forms.admin import ConfirmBatchForm, MembershipForm, OnboardingUploadForm, OpenPeriodForm, UserForm
from workflow_app.infra.extensions import db
from workflow_app.models import Entity, Membership, OnboardingBatch, PeriodOpening, Regime, User
from workflow_app.permissions import require_admin
from workflow_app.services.cycle import cycle
from workflow_app.services.people import accounts, onboarding
from workflow_app.services.people import admin as admin_service
from workflow_app.services.people.people_log import ACTION_LABELS, people_log_page
from workflow_app.web.invitations import count_sent_email, require_sender_allowance, send_invitation

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
PAGE = 100


@bp.before_request
@login_required
def _only_admins():
    require_admin(current_user)


@bp.get("")
def index():
    return render_template("admin/index.html", periods=cycle.periods_overview(db.session),
                           accounts=db.session.scalar(select(func.count()).select_from(User)))


@bp.route("/usuarios", methods=["GET", "POST"])
def users():
    form = UserForm()
    if form.validate_on_submit():
        invite = accounts.Invite(email=form.email.data, name=form.name.data, role=form.role.data,
                                 dane_code=form.dane_code.data, authority_code=form.authority_code.data,
                                 is_lead=form.is_lead.data)
        if send_invitation(form, invite, form.email, {
                "created": "Cuenta creada: se envió la invitación a {email}.",
                "added": "{email} ya tenía cuenta: se le agregó el rol.",
                "present": "{email} ya tenía ese rol: no se cambió nada."}):
            return redirect(url_for("admin.users"))
    q = (request.args.get("q") or "").strip()[:100]
    query = select(User).options(selectinload(User.memberships).selectinload(Membership.entity)).order_by(User.email)
    if q:
        # ``autoescape``: «%» and «_» typed are letters, not wildcards (QA 7 December 2026: «%» listed every account).
        query = query.where(or_(func.lower(User.email).contains(q.lower(), autoescape=True),
                                func.lower(User.name).contains(q.lower(), autoescape=True)))
    listed = db.session.scalars(query.limit(PAGE)).all()
    status = 422 if request.method == "POST" else 200
    return render_template("admin/users.html", form=form, accounts=listed, q=q, page_size=PAGE), status


@bp.route("/usuarios/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    account = db.session.get(User, user_id) or abort(404)
    form = MembershipForm()
    if form.validate_on_submit():
        try:
            admin_service.add_membership(db.session, current_user, account, form.role.data, form.dane_code.data,
                                         form.authority_code.data, form.is_lead.data)
        except accounts.AccountError as exc:
            getattr(form, exc.field, form.role).errors.append(exc.message)
        else:
            flash("Rol guardado.", "info")
            return redirect(url_for("admin.user", user_id=account.id))
    return render_template("admin/user.html", account=account, form=form), 422 if request.method == "POST" else 200


@bp.post("/usuarios/<int:user_id>/estado")
def toggle(user_id: int):
    account = db.session.get(User, user_id) or abort(404)
    if account.id == current_user.id:
        abort(409, description="No puede desactivar su propia cuenta.")
    try:
        accounts.set_active(db.session, current_user, account, not account.is_active_account)
    except accounts.AccountError as exc:
        abort(403, description=exc.message)
    flash("Cuenta activada." if account.is_active_account
          else "Cuenta desactivada: se cerraron todas sus sesiones.", "info")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/usuarios/<int:user_id>/roles/<int:membership_id>/quitar")
def remove_role(user_id: int, membership_id: int):
    account = db.session.get(User, user_id) or abort(404)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != account.id:
        abort(404)
    try:
        admin_service.remove_membership(db.session, current_user, membership.id)
    except accounts.AccountError as exc:
        abort(409, description=exc.message)
    flash("Rol quitado: deja de valer en la siguiente página que la persona abra y en sus tokens de API.", "info")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.get("/registro-de-personas")
def people_log():
    """Who invited, gave or removed a role, deactivated or reactivated whom, and when (append-only)."""
    result = people_log_page(db.session, request.args.get("pagina", 1, type=int) or 1)
    return render_template("admin/people_log.html", result=result, labels=ACTION_LABELS)


@bp.post("/usuarios/<int:user_id>/enlace")
def resend(user_id: int):
    account = db.session.get(User, user_id) or abort(404)
    if not account.is_active_account:
        abort(409, description="La cuenta está desactivada: actívela antes de enviar un enlace.")
    if account.id == current_user.id:  # one's own password is changed in «Mi cuenta», with the current one
        abort(409, description="Es su propia cuenta: cambie su contraseña en «Mi cuenta».")
    require_sender_allowance()
    try:
        accounts.resend_invitation(db.session, current_user, account)
    except accounts.AccountError as exc:
        abort(403, description=exc.message)
    count_sent_email()
    flash(f"Se envió a {account.email} un enlace nuevo para elegir su contraseña.", "info")
    return redirect(url_for("admin.user", user_id=account.id))


# --- The period -------------------------------------------------------------------------------------------


@bp.route("/periodos", methods=["GET", "POST"])
def periods():
    form = OpenPeriodForm()
    if form.validate_on_submit():
        try:
            opening = cycle.start_opening(db.session, form.year.data, current_user)
        except cycle.CycleError as exc:
            form.year.errors.append(exc.message)
        else:
            return redirect(url_for("admin.opening", opening_id=opening.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/periods.html", form=form, periods=cycle.periods_overview(db.session),
                           openings=cycle.latest_openings(db.session), entities=cycle.entity_count(db.session)), status


@bp.get("/periodos/aperturas/<int:opening_id>")
def opening(opening_id: int):
    """Progress without JavaScript: the page asks again every few seconds while the job runs."""
    row = db.session.get(PeriodOpening, opening_id) or abort(404)
    return render_template("admin/opening.html", opening=row, is_running=row.status in ("queued", "running"))


# --- Officials from a file --------------------------------------------------------------------------------


@bp.route("/funcionarios", methods=["GET", "POST"])
def onboarding_page():
    form = OnboardingUploadForm()
    result = batch = None
    if form.validate_on_submit():
        upload = form.sheet.data
        try:
            batch, result = onboarding.check_upload(db.session, current_user, upload.filename or "", upload.read())
        except onboarding.OnboardingRejected as exc:
            form.sheet.errors = [*form.sheet.errors, exc.message]  # the file is the input to mend: linked to it
        else:
            if result.has_errors:
                form.sheet.errors = [*form.sheet.errors, f"{result.count('error')} fila(s) con errores: no se creará "
                                     "ninguna cuenta hasta que corrija el archivo y lo suba de nuevo."]
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template("admin/onboarding.html", form=form, result=result, batch=batch,
                           confirm=ConfirmBatchForm(batch_id=batch.id if batch else None),
                           role_scopes=onboarding.ROLE_SCOPES), status


@bp.post("/funcionarios/confirmar")
def onboarding_confirm():
    form = ConfirmBatchForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        batch, result = onboarding.start_apply(db.session, current_user, int(form.batch_id.data))
    except onboarding.OnboardingRejected as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.onboarding_page"))
    if result is None:  # a large file: written by a job, followed on its page
        return redirect(url_for("admin.onboarding_status", batch_id=batch.id))
    flash(f"Importación terminada: {result.count('created')} cuenta(s) nueva(s) invitada(s), {result.count('added')} "
          f"rol(es) agregado(s), {result.count('present')} fila(s) que ya estaban.", "info")
    return redirect(url_for("admin.onboarding_page"))


def _applied_message(batch) -> str:
    rows, created = len(batch.rows), batch.created_count or 0
    rest = "" if created == rows else "; las demás filas agregaron un rol a una cuenta o ya estaban"
    return (f"Importación terminada: {rows} fila(s) del archivo «{batch.filename}», {created} cuenta(s) nueva(s) "
            f"invitada(s){rest}.")


@bp.get("/funcionarios/cargas/<int:batch_id>")
def onboarding_status(batch_id: int):
    """Progress without JavaScript: the page asks again every few seconds while the job runs."""
    batch = db.session.get(OnboardingBatch, batch_id) or abort(404)
    return render_template("admin/onboarding_status.html", batch=batch, rows=len(batch.rows),
                           is_running=batch.status in ("queued", "running"),
                           message=_applied_message(batch) if batch.status == "done" else "")


@bp.get("/funcionarios/plantilla.<ext>")
def onboarding_template(ext: str):
    if ext == "csv":
        return Response(onboarding.template_csv(), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=plantilla-funcionarios.csv"})
    if ext == "xlsx":
        return Response(onboarding.template_xlsx(),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=plantilla-funcionarios.xlsx"})
    abort(404)


# --- Entities and regimes ---------------------------------------------------------------------------------


@bp.get("/entidades")
def entities():
    code = (request.args.get("codigo") or "").strip()
    if code:
        found = db.session.scalar(select(Entity).filter_by(dane_code=code))
        if found is not None:
            return redirect(url_for("settings.entity", dane_code=found.dane_code))
        flash(f"No hay una entidad con el código DANE «{code[:10]}».", "error")
    return render_template("admin/entities.html", code=code)


@bp.get("/entidades/<dane_code>")
def entity(dane_code: str):
    return redirect(url_for("settings.entity", dane_code=dane_code), code=301)


@bp.get("/regimenes")
def regimes():
    rows = db.session.scalars(select(Regime).order_by(Regime.period_start_on.is_(None).desc(), Regime.code)).all()
    return render_template("admin/regimes.html", regimes=[(r, r.calendar_rules()) for r in rows])
