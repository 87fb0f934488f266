"""Plan pages: the plan file, the act forms and the evidence downloads."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cached_property, partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from forms.acts import ACT_DATE_HINTS, act_form_class, answer_field_names, fields_for, to_command
from forms.documents import CorrectionForm
from forms.whatif import WhatIfForm, to_what_if
from notifications.events import CONCEPT_ACTS
from state_machines import calendar as legal_calendar
from state_machines.approval import corrections
from state_machines.approval.pdt import PDT_MACHINE, period_ended
from state_machines.approval.route import IRREVERSIBLE_ACTS
from state_machines.approval.route_steps import plan_route
from state_machines.core.machine import SAME, evidence_missing
from state_machines.core.roles import Role
from state_machines.core.wording import localize
from state_machines.phase2 import PHASE2_MACHINES, SESSION_TRIGGERS, phase2_purpose
from workflow_app.infra.clock import clock
from workflow_app.infra.database.read_only import reads_only
from workflow_app.infra.extensions import csrf, db
from workflow_app.infra.page_cache import kept_part
from workflow_app.infra.templating import _labels, basis_for, document_title, for_entity
from workflow_app.models import Document
from workflow_app.permissions import (
    can_edit_entity_settings,
    load_plan_for,
    load_plan_to_read,
    readable_roles,
    require_plan_for,
)
from workflow_app.services.cycle.reference_cache import load_plan_for_act
from workflow_app.services.followup import checklist as checklist_service
from workflow_app.services.integrity.access_log import record_access
from workflow_app.services.phase2.overview import next_phase2_step
from workflow_app.services.public.public import moderates
from workflow_app.services.route.acts_done import recorded_act, same_content
from workflow_app.services.route.casefile import case_file
from workflow_app.services.route.document_versions import (
    CORRECTION_FORBIDDEN,
    CorrectionConflict,
    CorrectionRefused,
    correct_document,
    correctable_documents,
    correcting_role,
    correction_target,
    current_version,
)
from workflow_app.services.route.held_evidence import act_key
from workflow_app.services.route.plan_page import read_plan_page
from workflow_app.services.route.plans import (
    ActError,
    ActInvalid,
    ActRefused,
    PlanConflict,
    act_date_problem,
    apply_act,
    car_wait_problem,
    deadlines_for,
    filing_sessions_notice,
    flags_if_recorded,
    machine_named,
    plan_concepts,
    plan_document_lines,
    plan_recommendations,
    plan_snapshot,
    sub_snapshot,
    visible_history,
)
from workflow_app.services.route.sessions import year_spans
from workflow_app.services.route.whatif import plan_what_if_defaults
from workflow_app.services.route.whatif import what_if as what_if_service
from workflow_app.services.route.worklist import actions_for, duties_by_holder, upcoming_deadlines
from workflow_app.web.downloads import pdf_attachment
from workflow_app.web.plans.figures_cache import cached_figures, figures_key
from workflow_app.web.plans.record_cache import cached_record, documents_key, filings_of, person_key, record_key
from workflow_app.web.plans.route_svg import plan_figures
from workflow_app.web.uploads import (
    HELD_LOST,
    PDF_INPUT,
    TOO_LARGE,
    HeldUpload,
    file_note,
    file_sent,
    read_form_with_file,
    upload_redirect,
)

bp = Blueprint("plans", __name__, url_prefix="/planes", template_folder="templates")
bp.after_request(upload_redirect)


@bp.get("/<int:plan_id>")
@reads_only
@login_required
def show(plan_id: int):
    user = current_user._get_current_object()  # asked for several times below: the proxy's lookup once
    plan, reference_version, review = read_plan_page(db.session, plan_id)
    roles = readable_roles(user, plan)
    today = clock().today()
    key = record_key(plan, reference_version, today)
    calendar = _Calendar(plan, today)
    record = cached_record(key, lambda: _plan_record(plan, today, calendar.deadlines, calendar.pending))
    return render_template(
        "plans/show.html", plan=plan, heading_html=_heading(plan, key, moderates(roles)),
        person_html=_reader_part(user, plan, today, roles, key, calendar),
        documents_html=_documents(user, plan, roles, record.filings),
        checklist=checklist_service.scored(review) if review else None, record_html=record.record,
        history_html=record.history,
    )


def _heading(plan, key: str, moderates: bool) -> Markup:
    """Title, state, warnings and links: only what the record's key names, and whether the reader moderates the
    citizens' proposals (the planning office: the moderation page; anyone else: the published ones, on the
    public page)."""
    return kept_part("plan_heading_memo", (key, moderates), partial(
        current_app.jinja_env.get_template("plans/_heading.html").render, plan=plan,
        moderates=moderates), size=1024)


def _reader_part(user, plan, today, roles, key: str, calendar: _Calendar) -> Markup:
    build = partial(_person_part, user, plan, today, roles, calendar)
    # Phase II's acts read its matrices, which the record's key does not name: built on each visit there.
    if plan.state == "in_force" or any(p.machine in PHASE2_MACHINES for p in plan.procedures):
        return Markup(build())
    car_codes = {m.authority_code for m in user.memberships if m.role == Role.CAR.value}
    return kept_part("plan_person_memo", person_key(key, roles, car_codes), build, size=2048)


def _documents(user, plan, roles, filings) -> Markup:
    """Read on each visit (a document may be stored without an act); kept by the rows and the reader's links."""
    documents = plan_document_lines(db.session, plan)
    correctable = correctable_documents(user, plan, documents, filings, roles)
    return kept_part("plan_documents_memo", documents_key(plan, documents, correctable), partial(
        current_app.jinja_env.get_template("plans/_documents.html").render, plan=plan, documents=documents,
        correctable=correctable), size=512)


class _Calendar:
    """The plan's legal calendar and its pending terms, computed when a part is built (kept parts need neither)."""

    def __init__(self, plan, today) -> None:
        self.plan, self.today = plan, today

    @cached_property
    def deadlines(self) -> list:
        return deadlines_for(self.plan)

    @cached_property
    def pending(self) -> list:
        return upcoming_deadlines(self.plan, self.today, self.deadlines)


def _person_part(user, plan, today, roles, calendar: _Calendar) -> str:
    """The reader's part of the plan page (``plans/_person.html``), rendered outside the page's context."""
    my_duties, others_duties = duties_by_holder(user, plan, calendar.pending, roles)
    actions = actions_for(user, plan, today, legal_calendar.deadline_map(calendar.deadlines), roles)
    return current_app.jinja_env.get_template("plans/_person.html").render(
        plan=plan, my_duties=my_duties, others_duties=others_duties,
        # Phase II acts live on their own page; the plan page says what comes next there and whose it is.
        actions=[a for a in actions if a.machine not in PHASE2_MACHINES],
        phase2_acts=sum(1 for a in actions if a.machine in PHASE2_MACHINES),
        phase2_next=next_phase2_step(db.session, plan, today) if plan.state == "in_force" else None)


def _plan_record(plan, today, deadlines, pending) -> tuple[str, str, list]:
    """The plan page's person-independent parts (``record_cache``), rendered outside the page's context: they
    use only what is passed here and the environment's filters and globals."""
    history = visible_history(db.session, plan)
    main_states = [e.to_state for e in history if e.machine == PDT_MACHINE.name]
    wording = plan.entity.wording
    ended = period_ended(plan.state, plan.period.label, plan.period.end_on, today)
    figures = cached_figures(figures_key(plan.id, plan.version, today, wording), lambda: plan_figures(
        plan.state, main_states, deadlines, pending, today, _labels()["deadline_labels"],
        say=lambda text: localize(text, wording),
        car_states={p.subject: p.state for p in plan.procedures if p.machine == "car_review"},
        current_note=ended.label if ended else "Estado actual"))  # «Vigente» then reads «Cumplió su período»
    figures["route"] = plan_route(plan.state, ["elected", *main_states])  # cheap; the pictures are the cost
    env = current_app.jinja_env
    record = env.get_template("plans/_record.html").render(
        plan=plan, deadlines=deadlines, pending=pending, case=case_file(db.session, plan), **figures)
    return record, env.get_template("plans/_history.html").render(plan=plan, history=history), filings_of(history)


@bp.get("/<int:plan_id>/que-pasa-si")
@login_required
def what_if(plan_id: int):
    """Hypothetical dates in, the legal calendar they would give out; nothing is written (a GET form)."""
    plan = load_plan_to_read(current_user, plan_id)
    asked = bool(request.args)
    form = WhatIfForm(request.args) if asked else WhatIfForm(data=plan_what_if_defaults(plan))
    _localize_labels(form, plan)
    result = None
    if form.validate():
        result = what_if_service(plan, to_what_if(form))
        for name, message in result.errors or ((result.error_field, result.error),):
            if name and name in form:  # said for the entity, as the page says the rest
                form[name].errors = [*form[name].errors, for_entity(message, plan.entity)]
    return render_template("plans/what_if.html", plan=plan, form=form, result=result), \
        422 if result is None or result.error else 200


@bp.get("/<int:plan_id>/sesiones")
@login_required
def sessions(plan_id: int):
    """The corporation's session calendar for a year of the plan's period (issue 20): ordinary periods by category
    and law, the recorded extensions and convocations, recess; whether the plan may be debated on each day and
    why (its norm). The secretary records an extension and the executive a convocation from here."""
    plan = load_plan_to_read(current_user, plan_id)
    today = clock().today()
    first, last = plan.period.start_on.year, plan.period.start_on.year + 3
    try:
        year = int(request.args.get("anio") or min(max(today.year, first), last))
    except ValueError:
        year = first
    if not first <= year <= last:
        abort(404)
    spans, recorded = year_spans(db.session, plan, year)
    # The route's acts while the plan is approved; once in force, those of the Phase II procedures whose act goes
    # through the corporation (the budget, the harmonisation), each named by its procedure.
    actions = [a for a in actions_for(current_user, plan, today, legal_calendar.deadline_map(deadlines_for(plan)))
               if a.trigger in SESSION_TRIGGERS]
    actions.sort(key=lambda a: (a.trigger != "extend_sessions", a.machine != PDT_MACHINE.name, a.subject_label))
    return render_template("plans/sessions.html", plan=plan, year=year, years=range(first, last + 1), spans=spans,
                           recorded=recorded, actions=actions, today=today,
                           can_set_category=can_edit_entity_settings(current_user, plan.entity))


@bp.route("/<int:plan_id>/actos/<machine>/<subject>/<trigger>", methods=["GET", "POST"])
@csrf.exempt  # checked in read_form_with_file, once this form's own body limit is set
@login_required
def act(plan_id: int, machine: str, subject: str, trigger: str):
    readable = read_form_with_file() if request.method == "POST" else True  # CSRF first
    # Read as the act reads its plan (the plan and its procedures in one statement, entity, department and period
    # from the process's cache), so that the act finds it loaded.
    plan = require_plan_for(current_user, load_plan_for_act(db.session, plan_id))
    option = _available_option(plan, machine, subject, trigger)
    if option is None:
        if readable and (done := _resent(plan, machine, subject, trigger)):  # also Back onto the old form (GET)
            return _render_already(plan, done, _guard_refusal(plan, machine, subject, trigger)), 409
        _refuse(plan, machine, subject, trigger)
    if trigger in IRREVERSIBLE_ACTS and request.method == "GET" and request.args.get("confirmado") != "1":
        return render_template("plans/confirm.html", plan=plan, option=option,
                               consequence=IRREVERSIBLE_ACTS[trigger])
    form_class = act_form_class(trigger, plan_recommendations(plan), machine)
    if not readable:
        form = form_class(formdata=None, data={"act_on": _default_act_on(plan), "expected_version": plan.version})
        form.evidence.errors = [TOO_LARGE]
        return _render_act(plan, option, form), 413
    form = form_class(data=_initial(plan, trigger, machine, option.subject) if request.method == "GET" else None)
    held = HeldUpload.of_request(current_user.id, plan.id, act_key(machine, option.subject, trigger))
    valid = form.validate_on_submit()
    if request.method == "POST" and trigger == "consider_concepts" and form.act_on.data and not form.act_on.errors \
            and not (form.car_wait_reason.data or "").strip() \
            and (problem := car_wait_problem(plan, form.act_on.data, clock().today())):
        form.car_wait_reason.errors = [*form.car_wait_reason.errors, problem]  # beside its field, in the same round
        valid = False
    if valid and not held.lost:
        command = to_command(form, machine=machine, subject=option.subject, trigger=trigger)
        if _repeatable(plan, machine, option.subject, trigger) and (done := recorded_act(
                db.session, plan, machine=machine, subject=option.subject, trigger=trigger, actor=current_user)) \
                and same_content(done, command, clock().today()):
            # An act that leaves the plan where it was (a hearing, an amendment) sent again after Back: the browser
            # fetched the form anew, with the plan's new version, and refilled it (QA, 7 December 2026).
            return _render_already(plan, done), 409
        if command.evidence is None and held.held is not None:
            command = replace(command, evidence=held.upload())
        try:
            apply_act(db.session, plan_id=plan.id, command=command, actor=current_user, role=option.role,
                      expected_version=_expected_version(form), today=clock().today())
        except ActInvalid as exc:
            getattr(form, exc.field or "notes", form.notes).errors.append(exc.message)
            return _render_act(plan, option, form, held=held), 422
        except ActRefused as exc:
            if exc.field and exc.field in form:  # a guard about one field: said beside it, with its norm
                form[exc.field].errors.append(f"{exc.message.rstrip('.')} ({basis_for(exc.legal_basis, plan.entity)}).")
                return _render_act(plan, option, form, held=held), 422
            return _render_act(plan, option, form, refusal=exc, held=held), exc.status
        except ActError as exc:
            if isinstance(exc, PlanConflict) and (done := _resent(plan, machine, subject, trigger, same_actor=True)) \
                    and same_content(done, command, clock().today()):
                return _render_already(plan, done), 409
            if isinstance(exc, PlanConflict):
                # The form comes back with what was typed (and its PDF held) and the plan's version now: once the
                # person has seen what changed, sending it again records the act if it still proceeds (the act's
                # guards are asked again). Before, «recargue la página» lost what was typed.
                form.expected_version.data = str(plan.version)
                exc.message = STALE_FORM
            return _render_act(plan, option, form, refusal=exc, held=held), exc.status
        held.used()
        # Said as a record, not as the order the act's name is (QA: «Listo: Entregar el concepto…»); a concept's
        # body is told where its proof goes (notifications.events: the receipt, by e-mail at once).
        receipt = " La constancia, con la huella SHA-256 del documento, le llega por correo." \
            if (machine, trigger) in CONCEPT_ACTS else ""
        flash(f"Acto registrado: «{option.label}».{receipt}", "info")
        # ``plan_id``, not ``plan.id``: the COMMIT expired the plan, and reading it again would cost a query.
        if machine in PHASE2_MACHINES:
            return redirect(url_for("phase2.show", plan_id=plan_id, _anchor=f"t-{machine}-{option.subject}"))
        return redirect(url_for("plans.show", plan_id=plan_id, _anchor="contenido"))
    if request.method == "POST":  # all errors in one round: the date's and the missing document's too
        if held.lost:
            form.evidence.errors = [*form.evidence.errors, HELD_LOST]
        if form.act_on.data and not form.act_on.errors:
            if problem := act_date_problem(plan, machine, form.act_on.data, clock().today(), option.subject, trigger):
                form.act_on.errors = [*form.act_on.errors, problem]
        document = _evidence_document(option)
        if document is not None and not file_sent() and held.held is None and not form.evidence.errors:
            # The machine's own refusal (``evidence_guard``), said now rather than after the fields are mended.
            form.evidence.errors = [localize(evidence_missing(document or "el documento de soporte"),
                                             plan.entity.wording)]
    return _render_act(plan, option, form, held=held), 422 if request.method == "POST" else 200


@bp.get("/<int:plan_id>/documentos/<int:document_id>")
@login_required
def document(plan_id: int, document_id: int):
    plan = load_plan_to_read(current_user, plan_id)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.plan_id != plan.id:
        abort(404)
    if not doc.is_public:
        record_access(db.session, user=current_user, action="document", remote_addr=request.remote_addr,
                      entity_id=plan.entity_id, plan_id=plan.id, document_id=doc.id,
                      detail=f"{doc.title} (versión {doc.version})")
    return pdf_attachment(doc, "private, no-store", plan)


@bp.route("/<int:plan_id>/documentos/<int:document_id>/correccion", methods=["GET", "POST"])
@csrf.exempt  # checked in read_form_with_file, once this form's own body limit is set
@login_required
def correct(plan_id: int, document_id: int):
    readable = read_form_with_file() if request.method == "POST" else True  # CSRF first
    plan = load_plan_for(current_user, plan_id)
    target = correction_target(db.session, plan, document_id) or abort(404)
    if correcting_role(current_user, plan, target) is None:
        abort(403, description=CORRECTION_FORBIDDEN)
    if request.method == "GET" and (current := current_version(db.session, target.document)) is not target.document:
        # A replaced version's form (Back after a correction, an old link): the version in force is the one to
        # correct; its form said «Versión vigente: 1» and its send failed with the PDF lost (QA, 7 December 2026).
        flash(f"Ese documento ya fue corregido: esta es su versión vigente, la {current.version}.", "info")
        return redirect(url_for("plans.correct", plan_id=plan.id, document_id=current.id))
    if not readable:
        form = CorrectionForm(formdata=None)
        form.evidence.errors = [TOO_LARGE]
        return _render_correct(plan, target, form), 413
    form = CorrectionForm()
    held = HeldUpload.of_request(current_user.id, plan.id, act_key("document", str(document_id), "correct"))
    if request.method == "POST":
        valid, upload = form.validate_on_submit(), form.upload() or held.upload()
        if held.lost or upload is None:
            form.evidence.errors = [*form.evidence.errors, HELD_LOST if held.lost else "Adjunte el PDF corregido."]
        if valid and upload is not None and not held.lost:
            try:
                correct_document(db.session, plan_id=plan.id, document_id=document_id, upload=upload,
                                 reason=form.reason.data, actor=current_user, today=clock().today())
            except CorrectionConflict as exc:  # the plan moved meanwhile: the form comes back as it was sent
                return _render_correct(plan, target, form, held, refusal=exc), exc.status
            except CorrectionRefused as exc:
                if exc.field is None:
                    abort(exc.status, description=exc.message)
                getattr(form, exc.field).errors.append(exc.message)
            else:
                held.used()
                flash(f"Se registró la versión corregida de «{document_title(target.document, plan.entity)}».", "info")
                return redirect(url_for("plans.show", plan_id=plan.id, _anchor="h-docs"))
    return _render_correct(plan, target, form, held), 422 if request.method == "POST" else 200


def _render_correct(plan, target, form, held: HeldUpload | None = None, refusal: CorrectionRefused | None = None):
    note = file_note(held, form.evidence, bool(form.errors) or refusal is not None)
    return render_template("plans/correct.html", plan=plan, document=target.document, form=form, refusal=refusal,
                           explanation=corrections.EXPLANATION, legal_basis=corrections.LEGAL_BASIS,
                           file_note=note, held=held.held if held is not None else None, pdf_input=PDF_INPUT)


def _expected_version(form) -> int | None:
    raw = (form.expected_version.data or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        # A crafted version is a stale form: it comes back with what was typed and the plan's version now
        # (PlanConflict), instead of a bare 400 that lost it (QA, 7 December 2026).
        return -1
    return int(raw)


def _available_option(plan, machine: str, subject: str, trigger: str):
    """The act as this user may take it now, or None."""
    subject_value = None if subject == "-" else subject
    for option in actions_for(current_user, plan, clock().today()):
        if (option.machine, option.subject, option.trigger) == (machine, subject_value, trigger):
            return option
    return None


def _initial(plan, trigger: str, machine: str = PDT_MACHINE.name, subject: str | None = None) -> dict:
    """What an act form starts with: its date, the plan's version, (an objection) the article count the
    corporation recorded when it sent the project, whose term depends on it (QA: the form asked it again, empty),
    and (a Phase II convocation) its purpose: the procedure's project."""
    data = {"act_on": _default_act_on(plan), "expected_version": plan.version}
    articles = ((plan.event_dates or {}).get("sanction") or {}).get("articles")
    if trigger == "object" and articles:
        data["article_count"] = int(articles)
    if trigger == "convoke_sessions" and machine in PHASE2_MACHINES:
        data["purpose"] = localize(phase2_purpose(machine, subject or ""), plan.entity.wording)
    return data


def _default_act_on(plan) -> date:
    """The date an act form starts with: today, or the period's last day for a plan whose period ended (its acts
    are dated inside it: ``pdt.act_after_period``; QA 7 December 2026: the form offered a date it always refused)."""
    return min(clock().today(), plan.period.end_on)


def _repeatable(plan, machine: str, subject: str | None, trigger: str) -> bool:
    """Whether the act leaves its procedure in the state it found (``SAME``): it can follow itself, so only its
    content tells a second act from the same one sent twice."""
    if machine == PDT_MACHINE.name:
        state = plan.state
    else:
        state = next((p.state for p in plan.procedures if p.machine == machine and p.subject == subject), None)
    row = machine_named(machine).row(state, trigger) if state is not None else None
    return row is not None and row.dest == SAME


#: The act form sent after the plan moved (``PlanConflict``), said to whoever typed it.
STALE_FORM = ("El plan cambió mientras usted llenaba este formulario: otra persona registró un acto, o usted mismo en "
              "otra pestaña. Revise el plan en su página; si este acto aún procede, envíe de nuevo este formulario: "
              "conserva lo que escribió.")


def _resent(plan, machine: str, subject: str, trigger: str, *, same_actor: bool = False):
    """The history row of this very act when the form is sent again after it was registered (Back and resend):
    among the acts recorded since the form was opened (its ``expected_version``)."""
    raw = (request.form.get("expected_version") or "").strip()
    since = plan.version - int(raw) if raw.isdigit() and len(raw) < 10 else None
    return recorded_act(db.session, plan, machine=machine, subject=None if subject == "-" else subject,
                        trigger=trigger, within_last=since, actor=current_user if same_actor else None)


def _render_already(plan, event, reason: str | None = None):
    return render_template("plans/already.html", plan=plan, event=event, reason=reason,
                           label=_labels()["trigger_labels"].get(event.trigger, event.trigger))


def _guard_refusal(plan, machine: str, subject: str, trigger: str) -> str | None:
    """The law's own reason when the act could follow in this state but a guard refuses it now (e.g. "record a
    continuation instead"); None when the plan simply moved past the act."""
    text, moved = _refusal(plan, machine_named(machine), None if subject == "-" else subject, trigger,
                           clock().today())
    return None if moved else text


def _refuse(plan, machine: str, subject: str, trigger: str):
    """Why this user may not take the act now: 403/404, or 409 with the law's reason and norm."""
    subject_value = None if subject == "-" else subject
    today = clock().today()
    try:
        row_machine = machine_named(machine)
    except KeyError:
        abort(404)
    if trigger not in row_machine.triggers:
        abort(404)
    roles = {r for t in row_machine.transitions if t.trigger == trigger for r in t.roles}
    roles &= current_user.roles_for(plan.entity)
    if not roles:
        abort(403)
    if machine == "car_review" and subject_value not in {
            m.authority_code for m in current_user.memberships if m.role == Role.CAR.value}:
        abort(403, description="Solo la autoridad ambiental destinataria puede emitir este concepto.")
    abort(409, description=_refusal(plan, row_machine, subject_value, trigger, today)[0])


def _refusal(plan, machine, subject, trigger, today) -> tuple[str, bool]:
    """Why the law refuses this act now, and whether it is because of the state (the plan or its procedure is
    not where the act is taken): the procedure's own words for that state (Phase II: what must come first, with
    its norm), or the first guard's own reason with its norm."""
    if machine.name == PDT_MACHINE.name:
        state = plan.state
    else:
        proc = next((p for p in plan.procedures if p.machine == machine.name and p.subject == subject), None)
        if proc is None:
            return "Ese trámite no existe en este plan.", True
        state = proc.state
    row = machine.row(state, trigger)
    if row is None:
        own = machine.state_refusal(trigger, state)
        if own is None:
            return f"Esta acción no procede en el estado actual del plan («{machine.label(state)}»).", True
        reason, basis = own
        return (reason if basis in reason else f"{reason} Norma: {basis}."), True
    if machine.name == PDT_MACHINE.name:
        snapshot = plan_snapshot(plan, today, form_supplies=True)
    else:
        snapshot = sub_snapshot(proc, plan, today, legal_calendar.deadline_map(deadlines_for(plan)), True)
    verdict = machine.guard_verdict(row, snapshot)
    if not verdict.ok:
        return f"{verdict.reason} Norma: {verdict.legal_basis}.", False
    return "Esta acción no procede ahora; revise los plazos y requisitos del plan.", False


def _localize_labels(form, plan) -> None:
    """Field labels said for this entity ("concejal" rather than "concejal o diputado"); the irreversible act's
    confirmation cites the entity's statute (an ordenanza's objections Ley 2200, not L136 arts. 78-80: QA)."""
    wording = plan.entity.wording
    for f in form:
        f.label.text = localize(f.label.text, wording)
    if "confirm_irreversible" in form:
        form.confirm_irreversible.label.text = basis_for(form.confirm_irreversible.label.text, plan.entity)


def _evidence_document(option) -> str | None:
    """The document the act must carry (its machine's ``has_evidence`` guard: "el concepto del CTP (acta de la
    sesión)"; "" when the guard names none), or None when the act needs no document."""
    guards = [g for t in machine_named(option.machine).transitions if t.trigger == option.trigger
              for g in t.guards if getattr(g, "__name__", "") == "has_evidence"]
    if not guards:
        return None
    return next((g.document for g in guards if getattr(g, "document", "")), "")


def _render_act(plan, option, form, refusal: ActError | None = None, held: HeldUpload | None = None):
    """``held``: the form's PDF across sends; a send that comes back here holds the PDF it carried."""
    note = file_note(held, form.evidence, bool(form.errors) or refusal is not None)
    _localize_labels(form, plan)
    document = _evidence_document(option)
    needs_evidence = document is not None
    proc = next((p for p in plan.procedures if p.machine == option.machine and p.subject == option.subject), None)
    answers = answer_field_names(getattr(form, "recommendations_to_answer", ()))
    extra = fields_for(option.trigger, plan.entity.calendar_kind, option.machine)
    shown = ("csrf_token", "expected_version", "act_on", "reference", *extra, *(n for pair in answers for n in pair),
             "confirm_irreversible", "evidence", "publication", "withheld_reason", "evidence_is_public", "notes")
    in_order = [form[name] for name in shown if name in form]  # as plans/act.html shows them: its error summary's order
    return render_template("plans/act.html", plan=plan, option=option, form=form, refusal=refusal,
                           file_note=note, held=held.held if held is not None else None,
                           pdf_input=PDF_INPUT,
                           extra_fields=extra, needs_evidence=needs_evidence,
                           date_hint=ACT_DATE_HINTS.get(option.trigger, "Fecha en que se realizó el acto"),
                           fields_in_order=[*in_order, *(f for f in form if f not in in_order)],
                           evidence_document=document or "", role_label=Role(option.role).label, proc=proc,
                           answer_fields=answers, concepts=plan_concepts(plan) if answers else [],
                           sessions=filing_sessions_notice(plan, clock().today())
                           if option.trigger == "file_with_corporacion" else None,
                           flags_ahead=flags_if_recorded(plan, option.trigger, clock().today())
                           if option.machine == PDT_MACHINE.name else (),
                           irreversible=IRREVERSIBLE_ACTS.get(option.trigger))
