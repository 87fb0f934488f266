"""Sign-in and sign-out, "¿Olvidó su contraseña?", the password link and the account page.

Sessions live on the server (``workflow_app.infra.sessions``): the cookie carries a random id whose record every
host reads, so signing out, changing or resetting the password and deactivation end the session everywhere.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_url, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from forms.auth import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from notifications import centre
from workflow_app.infra import jobs
from workflow_app.infra.extensions import db, login_manager
from workflow_app.infra.kept_input import files_sent, page_sent_from, sent_from_here, typed_fields
from workflow_app.infra.proxy import client_address
from workflow_app.infra.rate_limit import is_blocked, record_failure
from workflow_app.infra.redirects import safe_next
from workflow_app.infra.sessions import end_session, find_session, open_session
from workflow_app.models import User
from workflow_app.permissions import can_use_api_tokens
from workflow_app.services.people import accounts

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager.login_view = "auth.login"
login_manager.login_message = "Inicie sesión para continuar."
login_manager.login_message_category = "info"

BAD_CREDENTIALS = "Correo o contraseña incorrectos. Revise los datos e intente de nuevo."
SESSION_KEY = "pdt_sid"
RESET_JOB = "notifications.jobs.password_reset"
RESET_WINDOW_SECONDS = 3600


@login_manager.unauthorized_handler
def sign_in_first():
    """A page that needs a signed-in person: to the sign-in page, then back (Flask-Login's own behaviour). A form
    sent after the session ended (idle timeout, signed out in another window) is not answered with a bare
    redirect that drops it: the sign-in page says what happened and shows what the person typed, to copy before
    signing in again (``infra.kept_input``); the form's page is where they come back to."""
    if request.method == "POST" and not request.path.startswith("/api/") and (request.form or request.files):
        shown = sent_from_here()  # signed out in another window, the browser's own code went with the session
        back_to = (page_sent_from() if shown else None) or request.full_path.rstrip("?")
        return render_template("auth/login.html", form=LoginForm(), session_ended=True, next_url=back_to,
                               typed=typed_fields(request.form) if shown else [],
                               files_sent=files_sent(request.files) if shown else []), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in person, only while the server still holds the session the cookie names."""
    sid = session.get(SESSION_KEY)
    if not user_id.isdigit() or not sid:
        return None
    record = find_session(sid)
    if record is None or record.user_id != int(user_id):
        return None
    # Every page asks for the user's roles: they come with the users row (services.people.accounts.signed_in_user),
    # and for the menu's unread figure: read in the same statement (web.account.notifications).
    user, unread_rows = accounts.signed_in_user_with(db.session, int(user_id), centre.UNREAD_BY_KEY,
                                                     {"user_id": int(user_id)})
    if user is not None:
        g.notifications_unread = (user.id, centre.unread_of(unread_rows))
    if user is None or not user.is_active_account or not accounts.session_is_current(user, record.created_at):
        return None
    return user


def _email_key(email: str) -> str:
    return "login:cuenta:" + hashlib.sha256(accounts.normalise_email(email).encode()).hexdigest()[:32]


# A browser that signed in successfully carries a signed cookie naming the account (a hash of its address): the
# per-account lock-out (five failures a minute, by anyone) does not stop the right password from that browser,
# so a stranger who types wrong passwords for someone cannot lock the owner out. Failures from a known browser are
# counted on the browser itself, and the per-address limit still applies.
DEVICE_COOKIE = "pdt_dispositivo"


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pdt-known-device")


def _known_device_key(email: str) -> str | None:
    """The rate-limit key of this browser for the account ``email``, if it signed into that account before."""
    raw = request.cookies.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > 500:
        return None
    try:
        data = _device_serializer().loads(raw, max_age=current_app.config["KNOWN_DEVICE_DAYS"] * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("account") != _email_key(email) or not isinstance(data.get("id"), str):
        return None
    return "login:dispositivo:" + data["id"][:64]


def _remember_device(email: str) -> None:
    value = _device_serializer().dumps({"account": _email_key(email), "id": secrets.token_urlsafe(16)})
    config = current_app.config

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=config["KNOWN_DEVICE_DAYS"] * 86400, httponly=True,
                            secure=bool(config.get("SESSION_COOKIE_SECURE")), samesite="Lax", path="/login")
        return response


def _sign_in(user: User) -> None:
    """A fresh session: nothing of the anonymous one survives (no fixation) and the CSRF token is renewed."""
    old = session.get(SESSION_KEY)
    if old:
        end_session(old)
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the token of this request in g
    session[SESSION_KEY] = open_session(user.id)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("views.inbox"))
    form = LoginForm()
    address_key = f"login:ip:{client_address()}"
    account_key = _email_key(request.form.get("email", ""))
    # From a browser this account signed in from before, its own failures count instead of the account's.
    account_key = _known_device_key(request.form.get("email", "")) or account_key
    config = current_app.config
    window = config["LOGIN_RATE_WINDOW_SECONDS"]
    if request.method == "POST" and (is_blocked(account_key, config["LOGIN_RATE_LIMIT"], window)
                                     or is_blocked(address_key, config["LOGIN_ADDRESS_RATE_LIMIT"], window)):
        abort(429)
    if form.validate_on_submit():
        # One scrypt check whether or not the account exists: the time does not tell which accounts exist.
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(BAD_CREDENTIALS)
        elif not user.is_active:
            form.email.errors.append("Esta cuenta está desactivada. Pida ayuda a quien administra su entidad.")
        else:
            _sign_in(user)
            _remember_device(user.email)
            return redirect(safe_next(request.args.get("next")) or url_for("views.inbox"))
        record_failure(account_key, window)
        record_failure(address_key, window)
        current_app.logger.warning("Ingreso fallido")
        return render_template("auth/login.html", form=form), 401
    if request.method == "POST":
        record_failure(address_key, window)
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    sid = session.get(SESSION_KEY)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if sid and not end_session(sid) and user is not None:
        # The shared store could not be told: end every session of the person instead (users row).
        accounts.end_sessions_everywhere(db.session, user)
    logout_user()
    session.clear()
    flash("Sesión cerrada.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/cuenta/olvido", methods=["GET", "POST"])
def forgot_password():
    """The same answer, at once, whether or not the address has an account: the work runs as a job."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address_key, email_key = f"reset:ip:{client_address()}", "reset:" + _email_key(form.email.data)
        if is_blocked(address_key, current_app.config["PASSWORD_RESET_ADDRESS_RATE_LIMIT"], RESET_WINDOW_SECONDS):
            abort(429)  # one address asking for many more than an office would: the asker is told to wait
        record_failure(address_key, RESET_WINDOW_SECONDS)
        # Many requests about one address (perhaps by a stranger): the same answer, no more e-mails this hour, and
        # the links already sent keep working (a new reset link does not cancel the earlier ones).
        if not is_blocked(email_key, current_app.config["PASSWORD_RESET_RATE_LIMIT"], RESET_WINDOW_SECONDS):
            record_failure(email_key, RESET_WINDOW_SECONDS)
            jobs.submit_all([(RESET_JOB, (accounts.normalise_email(form.email.data),))])
        return render_template("auth/forgot.html", form=form, sent=True)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot.html", form=form, sent=False), status


@bp.route("/cuenta/clave/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The link of an invitation or a reset: choose one's own password, once."""
    link = accounts.find_token(db.session, token)
    problem = accounts.link_problem(link)
    if problem:
        return _no_store(render_template("auth/link_problem.html", problem=problem)), 410 if link else 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.set_password_from_link(db.session, token, form.password.data, form.confirm.data)
        except accounts.AccountError as exc:
            if exc.field == "link":
                return _no_store(render_template("auth/link_problem.html", problem=exc.message)), 410
            getattr(form, exc.field).errors.append(exc.message)
        else:
            _sign_in(user)
            flash("Contraseña guardada. Ya inició sesión.", "info")
            return redirect(url_for("views.inbox"))
    status = 422 if request.method == "POST" else 200
    page = render_template("auth/set_password.html", form=form, link=link,
                           is_invitation=link.purpose == accounts.INVITATION,
                           minimum=current_app.config["PASSWORD_MIN_LENGTH"])
    return _no_store(page), status


@bp.route("/cuenta", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    # Guessing the current password from an open session is limited as signing in is (LOGIN_RATE_LIMIT failures
    # a window): a session left open was 60 guesses in 6 s away from locking its owner out (QA, 7 December 2026).
    guesses, window = f"password-change:{current_user.id}", current_app.config["LOGIN_RATE_WINDOW_SECONDS"]
    if request.method == "POST" and is_blocked(guesses, current_app.config["LOGIN_RATE_LIMIT"], window):
        abort(429)
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session, current_user, form.current_password.data, form.password.data,
                                     form.confirm.data)
        except accounts.AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
            if exc.field == "current_password":
                record_failure(guesses, window)
                current_app.logger.warning("Cambio de contraseña con la contraseña actual errada")
        else:
            _sign_in(current_user._get_current_object())
            flash("Contraseña cambiada. Se cerraron sus sesiones abiertas en otros equipos.", "info")
            return redirect(url_for("auth.account"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/account.html", form=form, roles=accounts.describe_memberships(current_user),
                           minimum=current_app.config["PASSWORD_MIN_LENGTH"],
                           can_use_api_tokens=can_use_api_tokens(current_user)), status


@bp.post("/cuenta/cerrar-sesiones")
@login_required
def end_other_sessions():
    user = current_user._get_current_object()
    accounts.end_sessions_everywhere(db.session, user)
    _sign_in(user)
    flash("Se cerraron todas sus otras sesiones.", "info")
    return redirect(url_for("auth.account"))


def _no_store(html: str):
    response = current_app.make_response(html)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link's secret stays out of any Referer
    return response
