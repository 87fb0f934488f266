"""The public portal (no sign-in) and the moderation of citizens' proposals by the entity's planning office.

The portal's pages are the same for every anonymous visitor: they are served with a short shared cache lifetime
and validators (``infra.security.revalidate``), and a revalidation whose copy is current gets ``304`` after one
cheap query, before the page is built. The citizen's proposal form on an entity's page therefore carries no
per-session CSRF token (a shared copy would carry the first visitor's token, and every other visitor's proposal
would fail): the proposal is anonymous and acts for nobody, so a forged one gains an attacker nothing they could
not post themselves; what CSRF protection would still stop, a browser posting it from another site, is refused
by the request's own ``Sec-Fetch-Site``/``Origin`` headers (``is_cross_site``). Every other form keeps its token.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.fields import options
from forms.public import ModerationForm, ProposalForm
from state_machines.core.dates import format_hour_es
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import csrf, db
from workflow_app.infra.page_cache import LocalCache, RedisCache, app_cache
from workflow_app.infra.rate_limit import is_blocked, record_failure
from workflow_app.infra.security import is_cross_site, note_shared_page, public_cache, revalidate
from workflow_app.infra.templating import date_es
from workflow_app.models import HistoryCheckpoint
from workflow_app.permissions import load_plan_for
from workflow_app.services.integrity.checkpoints import (
    checkpoint_file,
    checkpoint_status,
    public_pem,
    published_checkpoints,
    signing_key,
)
from workflow_app.services.public.public import (
    STAGES,
    ProposalRefused,
    can_moderate,
    country_progress,
    country_stamp,
    department_entities,
    department_stamp,
    entity_by_code,
    entity_stamp,
    hearings_by_id,
    moderate_proposal,
    periods_with_plans,
    proposals_for_moderation,
    public_document,
    public_plan,
    search_entities,
    submit_proposal,
)
from workflow_app.web.downloads import pdf_attachment

bp = Blueprint("public", __name__, template_folder="templates")
bp.before_request(note_shared_page)
bp.after_request(public_cache)

PROPOSAL_WINDOW_SECONDS = 600  # the two limits' window: PROPOSAL_RATE_LIMIT, PROPOSAL_ATTEMPT_LIMIT
TOO_MANY = ("Se recibieron demasiadas propuestas desde su conexión en poco tiempo. Espere unos diez minutos e "
            "intente de nuevo.")


@bp.get("/publico")
def index():
    query = request.args.get("q", "").strip()[:100]
    year = _period_year()
    stamp = country_stamp(db.session)
    not_modified = revalidate((stamp.parts, query, year), stamp.changed_at)
    if not_modified is not None:
        return not_modified
    return render_template("public/index.html", query=query, results=search_entities(db.session, query),
                           progress=country_progress(db.session, clock().today(), year), stages=STAGES,
                           periods=periods_with_plans(db.session))


def _period_year() -> str:
    """``?periodo=2024``: a period by its first year (anything else: the period in course on the day)."""
    year = request.args.get("periodo", "").strip()
    return year if year.isdigit() and len(year) == 4 else ""


@bp.get("/publico/departamentos/<code>")
def department(code: str):
    year = _period_year()
    stamp = department_stamp(db.session, code)
    not_modified = revalidate((stamp.parts, year), stamp.changed_at)
    if not_modified is not None:
        return not_modified
    found, rows, period = department_entities(db.session, code, clock().today(), year)
    if found is None:
        abort(404)
    return render_template("public/department.html", department=found, rows=rows, period=period, year=year,
                           periods=periods_with_plans(db.session))


@bp.get("/publico/<dane_code>")
def entity(dane_code: str):
    year = _period_year()
    if year:  # an earlier (or later) period's plan: built for this request, outside the shared copies
        found = entity_by_code(db.session, dane_code) or abort(404)
        page = public_plan(db.session, found, clock().today(), year)
        return render_template("public/entity.html", page=page, form=_proposal_form(page))
    stamp = entity_stamp(db.session, dane_code, clock().today()) or abort(404)
    not_modified = revalidate(stamp.parts, stamp.changed_at)
    if not_modified is not None:
        return not_modified
    validators = g.get("public_validators")  # set for a page every anonymous visitor sees alike
    # The ETag with the exact time of the latest change: ids and versions could repeat after a database is
    # restored from a backup (or truncated between tests), times do not.
    changed = stamp.changed_at.isoformat() if stamp.changed_at else ""
    key = f"pdt:public-entity:{validators[0]}:{changed}" if validators else None
    html = _shared_pages().get(key) if key else None
    if html is None:
        found = entity_by_code(db.session, dane_code) or abort(404)
        page = public_plan(db.session, found, clock().today())
        html = render_template("public/entity.html", page=page, form=_proposal_form(page))
        if key:
            _shared_pages().set(key, html)
    return html


def _shared_pages() -> LocalCache | RedisCache:
    """Anonymous copies of the entity pages, keyed by their ETag (what the page is built of, the day and the
    release) and the time of the latest change: on a hearing day thousands of citizens read one page, built once. Nothing to invalidate: any change
    of what the page shows changes its ETag. Redis when configured (shared by every worker and host), else an
    in-process LRU."""
    return app_cache("public_page_cache", size=256)


@bp.post("/publico/<dane_code>/propuestas")
@csrf.exempt  # see the module's docstring: no session token on a shared page; cross-site posts are refused
def propose(dane_code: str):
    if is_cross_site():
        abort(403, description="La propuesta debe enviarse desde el formulario de esta página.")
    found = entity_by_code(db.session, dane_code) or abort(404)
    # Two counts per address: every send (bounded work), and the proposals received (what moderators read). A
    # text too short, sent again corrected, does not use up what the venue's other citizens may send.
    sent_key, received_key = f"proposal-sent:{request.remote_addr}", f"proposal:{request.remote_addr}"
    if (is_blocked(sent_key, current_app.config["PROPOSAL_ATTEMPT_LIMIT"], PROPOSAL_WINDOW_SECONDS)
            or is_blocked(received_key, current_app.config["PROPOSAL_RATE_LIMIT"], PROPOSAL_WINDOW_SECONDS)):
        abort(429, description=TOO_MANY)
    record_failure(sent_key, PROPOSAL_WINDOW_SECONDS)
    today = clock().today()
    page = public_plan(db.session, found, today)
    form = _proposal_form(page)
    if page.plan is None or form is None:
        abort(409, description="Esta entidad no tiene audiencias públicas abiertas a propuestas en este momento.")
    if form.validate_on_submit():
        try:
            received = submit_proposal(db.session, page.plan, hearing_id=form.hearing_id.data, text=form.text.data,
                                       contact=form.contact.data, today=today)
        except ProposalRefused as exc:
            form.text.errors.append(exc.args[0])
        else:
            if received.is_new:
                record_failure(received_key, PROPOSAL_WINDOW_SECONDS)
                flash("Recibimos su propuesta. Se publicará cuando la secretaría de planeación la revise; "
                      "su contacto no se publica.", "info")
            else:
                flash("Esta propuesta ya nos había llegado: no se guardó dos veces. La secretaría de planeación la "
                      "revisa antes de publicarla; su contacto no se publica.", "info")
            return redirect(url_for("public.entity", dane_code=dane_code, _anchor="propuesta-recibida"))
    return render_template("public/entity.html", page=page, form=form), 422


@bp.get("/publico/<dane_code>/documentos/<int:document_id>")
def document(dane_code: str, document_id: int):
    found = entity_by_code(db.session, dane_code) or abort(404)
    doc, plan = public_document(db.session, found, document_id) or abort(404)
    return pdf_attachment(doc, "public, max-age=3600", plan)


@bp.get("/publico/integridad")
def integrity():
    status = checkpoint_status()
    fingerprint = status.get("key_id")
    return render_template("public/integrity.html", checkpoints=published_checkpoints(db.session),
                           fingerprint=fingerprint, signing=status["status"] == "ok")


@bp.get("/publico/integridad/clave.pem")
def integrity_key():
    key = signing_key() if checkpoint_status()["status"] == "ok" else None
    if key is None:
        abort(404, description="Esta instancia no publica puntos de control firmados: no tiene clave de firma.")
    return Response(public_pem(key.public_key()), mimetype="application/x-pem-file",
                    headers={"Content-Disposition": 'attachment; filename="ruta-pdt-puntos-de-control.pub.pem"'})


@bp.get("/publico/integridad/<int:checkpoint_id>.json")
def integrity_checkpoint(checkpoint_id: int):
    checkpoint = db.session.get(HistoryCheckpoint, checkpoint_id) or abort(404)
    name = f"ruta-pdt-punto-de-control-{checkpoint.id}.json"
    return Response(checkpoint_file(checkpoint), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/planes/<int:plan_id>/propuestas", methods=["GET", "POST"])
@login_required
def moderation(plan_id: int):
    plan = load_plan_for(current_user, plan_id)
    if not can_moderate(current_user, plan):
        abort(403, description="Solo la secretaría de planeación de la entidad modera las propuestas ciudadanas.")
    form = ModerationForm()
    if form.validate_on_submit():
        try:
            moderate_proposal(db.session, plan, int(form.proposal_id.data), form.decision.data, current_user)
        except (ProposalRefused, ValueError) as exc:
            flash(str(exc.args[0]) if isinstance(exc, ProposalRefused) else "Propuesta no válida.", "error")
            return redirect(url_for("public.moderation", plan_id=plan.id))
        flash("Propuesta publicada." if form.decision.data == "publish" else "Propuesta rechazada.", "info")
        return redirect(url_for("public.moderation", plan_id=plan.id))
    if request.method == "POST":
        flash("No se pudo registrar la decisión sobre esa propuesta: recargue la página e intente de nuevo.", "error")
    return render_template("public/moderation.html", plan=plan, proposals=proposals_for_moderation(db.session, plan),
                           hearings=hearings_by_id(plan), form=form), 422 if request.method == "POST" else 200


def _proposal_form(page) -> ProposalForm | None:
    """The form only while a hearing is open; its choices are exactly the open hearings."""
    if not page.open_hearings:
        return None
    form = ProposalForm(meta={"csrf": False})
    form.hearing_id.choices = options((h.id, _hearing_choice(h)) for h in page.open_hearings)
    if len(page.open_hearings) == 1 and form.hearing_id.data is None:
        form.hearing_id.data = page.open_hearings[0].id
    return form


def _hearing_choice(hearing) -> str:
    hour = f" a las {format_hour_es(hearing.scheduled_time)}" if hearing.scheduled_time else ""
    zone = f" ({hearing.zone})" if hearing.zone else ""
    # With its weekday, as the hearings' table says it (QA: «18 de marzo» here, «sábado, 18 de marzo» there).
    return f"Audiencia {hearing.number}: {date_es(hearing.scheduled_on, weekday=True)}{hour}, {hearing.place}{zone}"

