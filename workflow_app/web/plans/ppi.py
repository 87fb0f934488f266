"""PPI pages of a plan: the current version with its totals, earlier versions, typed entry and sheet import."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.fields import options
from forms.ppi import BLANK_ROWS, MAX_FORM_ROWS, PpiEntryForm, PpiImportForm, PpiTranscriptionForm
from state_machines.approval import ppi_transcription as transcription
from state_machines.approval.pdt import FILED_STATES
from state_machines.core.wording import localize
from workflow_app.infra.clock import clock
from workflow_app.infra.extensions import csrf, db
from workflow_app.permissions import load_plan_for, load_plan_to_read
from workflow_app.services.route.plans import executive_change_verdict, ppi_frozen_verdict
from workflow_app.services.route.ppi import (
    COLUMN_LABELS,
    MAX_IMPORT_BYTES,
    MAX_ROWS,
    PpiConflict,
    PpiFrozen,
    PpiRejected,
    approved_amendments,
    can_edit_ppi,
    import_ppi,
    pesos,
    plan_years,
    ppi_version,
    ppi_versions,
    save_ppi_version,
    summarize,
    thousands,
    validate_rows,
)
from workflow_app.services.route.ppi_transcription import (
    TranscriptionRefused,
    can_transcribe,
    has_ppi_version,
    transcribe_adopted_ppi,
)
from workflow_app.web.uploads import PDF_INPUT, TOO_LARGE, file_note, read_form_with_file

bp = Blueprint("ppi", __name__, url_prefix="/planes/<int:plan_id>/ppi", template_folder="templates")

CONFLICT = "Otra persona guardó una versión del plan de inversiones mientras usted trabajaba; revise y guarde de nuevo."
FIELD_OF_COLUMN = {label: field for field, label in COLUMN_LABELS.items()}
CHOOSE_SHEET_AGAIN = "Vuelva a elegir el archivo CSV o XLSX: por seguridad el navegador no lo conserva."


@bp.app_template_filter("pesos")
def pesos_filter(amount: int | None) -> str:
    return pesos(amount or 0)


@bp.app_template_filter("miles")
def thousands_filter(number: int | None) -> str:
    """«1.135», as es-CO writes it (the portal said «1 de 1135 entidades»: QA, 7 December 2026)."""
    return thousands(number or 0)


@bp.get("")
@login_required
def show(plan_id: int):
    plan = load_plan_to_read(current_user, plan_id)  # read as the plan page is: the DNP's administrator too
    version = ppi_version(db.session, plan)
    transcribable = version is None and can_transcribe(db.session, current_user, plan)
    return render_template("ppi/show.html", plan=plan, summary=summarize(version) if version else None,
                           versions=ppi_versions(db.session, plan), can_edit=_can_change(plan),
                           frozen="" if transcribable else _frozen_reason(plan), transcribable=transcribable,
                           adopted_without=version is None and plan.state in transcription.TRANSCRIBABLE_STATES)


@bp.get("/versiones/<int:number>")
@login_required
def version(plan_id: int, number: int):
    plan = load_plan_to_read(current_user, plan_id)
    found = ppi_version(db.session, plan, number) or abort(404)
    return render_template("ppi/show.html", plan=plan, summary=summarize(found), versions=ppi_versions(db.session, plan),
                           can_edit=_can_change(plan), is_old=True, frozen=_frozen_reason(plan))


@bp.route("/editar", methods=["GET", "POST"])
@login_required
def edit(plan_id: int):
    plan = _plan_to_write(plan_id)
    current = ppi_version(db.session, plan)
    form = PpiEntryForm()
    _amendment_choices(form, plan)
    if request.method == "GET":
        _prefill(form, current)
    elif request.form.get("accion") == "filas":  # more blank lines, keeping what was typed (no script needed)
        for _ in range(min(BLANK_ROWS, MAX_FORM_ROWS - len(form.rows.entries))):
            form.rows.append_entry()
        return _render_edit(plan, form, [])
    if form.validate_on_submit():
        try:
            if current and form.based_on.data != str(current.version):
                raise PpiConflict()
            lines = validate_rows(form.row_values(), plan_years(plan))
            saved = save_ppi_version(db.session, plan, lines, source="form", actor=current_user, note=form.note.data,
                                     amendment=_amendment_of(form),
                                     executive_change=executive_change_verdict(plan, clock().today()))
        except PpiRejected as exc:
            return _render_edit(plan, form, _attach_errors(form, exc)), 422
        except PpiFrozen as exc:
            return _render_edit(plan, form, [], conflict=f"{exc.message} ({exc.legal_basis})"), 409
        except PpiConflict:
            form.based_on.data = str(current.version) if current else ""
            return _render_edit(plan, form, [], conflict=CONFLICT), 409
        flash(f"Se guardó la versión {saved.version} del plan de inversiones.", "info")
        return redirect(url_for("ppi.show", plan_id=plan.id, _anchor="contenido"))
    return _render_edit(plan, form, []), 422 if request.method == "POST" else 200


@bp.route("/importar", methods=["GET", "POST"])
@login_required
def import_sheet(plan_id: int):
    plan = _plan_to_write(plan_id)
    form = PpiImportForm()
    _amendment_choices(form, plan)
    if form.validate_on_submit():
        upload = form.sheet.data
        data = upload.stream.read(MAX_IMPORT_BYTES + 1)
        try:
            saved = import_ppi(db.session, plan, upload.filename or "", data, current_user, note=form.note.data,
                               amendment=_amendment_of(form),
                               executive_change=executive_change_verdict(plan, clock().today()))
        except PpiRejected as exc:
            return _render_import(plan, form, _sheet_refused(form, exc)), 422
        except PpiFrozen as exc:
            return _render_import(plan, form, [], conflict=f"{exc.message} ({exc.legal_basis})"), 409
        except PpiConflict:
            return _render_import(plan, form, [], conflict=CONFLICT), 409
        flash(f"Se importaron {len(saved.items)} filas como versión {saved.version} del plan de inversiones.", "info")
        return redirect(url_for("ppi.show", plan_id=plan.id))
    return _render_import(plan, form, []), 422 if request.method == "POST" else 200


@bp.route("/transcribir", methods=["GET", "POST"])
@csrf.exempt  # checked in read_form_with_file, once this form's own body limit is set (it carries a PDF)
@login_required
def transcribe(plan_id: int):
    """The adopted act's investment plan, transcribed once when none was registered before the filing (L152
    art. 31; ``state_machines.approval.ppi_transcription``)."""
    readable = read_form_with_file() if request.method == "POST" else True  # CSRF first
    plan = load_plan_for(current_user, plan_id)
    if not can_transcribe(db.session, current_user, plan):
        has_ppi = has_ppi_version(db.session, plan)
        verdict = transcription.transcription_verdict(plan.state, has_ppi)
        abort(409 if not verdict.ok else 403, description=localize(
            f"{verdict.reason} Norma: {verdict.legal_basis}." if not verdict.ok else
            "Solo la secretaría de planeación transcribe el plan de inversiones del acto adoptado.", plan.entity.wording))
    if not readable:
        form = PpiTranscriptionForm(formdata=None)
        form.evidence.errors = [TOO_LARGE]
        return _render_transcribe(plan, form, []), 413
    form = PpiTranscriptionForm()
    if form.validate_on_submit():
        upload = form.sheet.data
        try:
            saved = transcribe_adopted_ppi(db.session, plan, sheet_name=upload.filename or "",
                                           sheet=upload.stream.read(MAX_IMPORT_BYTES + 1),
                                           evidence=form.evidence_upload(), reference=form.reference.data,
                                           note=form.note.data or "", actor=current_user, today=clock().today())
        except PpiRejected as exc:
            form.sheet.errors = [*form.sheet.errors, "El archivo tiene errores: vea la lista arriba."]
            return _render_transcribe(plan, form, exc.errors), 422
        except TranscriptionRefused as exc:
            if exc.field is None:
                abort(exc.status, description=f"{exc.message} Norma: {exc.legal_basis}." if exc.legal_basis
                      else exc.message)
            getattr(form, exc.field).errors.append(exc.message)
            return _render_transcribe(plan, form, []), exc.status
        except PpiConflict:
            return _render_transcribe(plan, form, [], conflict=CONFLICT), 409
        flash(f"Se transcribió el plan de inversiones del acto adoptado como versión {saved.version} "
              f"({len(saved.items)} filas); quedó en el historial del plan con el PDF del acto.", "info")
        return redirect(url_for("ppi.show", plan_id=plan.id))
    return _render_transcribe(plan, form, []), 422 if request.method == "POST" else 200


def _render_transcribe(plan, form, errors, conflict: str | None = None):
    failed = bool(form.errors or errors or conflict)
    return render_template("ppi/transcribe.html", plan=plan, form=form, errors=errors, conflict=conflict,
                           years=plan_years(plan), max_rows=MAX_ROWS, max_mb=MAX_IMPORT_BYTES // (1024 * 1024),
                           pdf_input=PDF_INPUT, evidence_note=file_note(None, form.evidence, failed),
                           sheet_note=CHOOSE_SHEET_AGAIN if failed and request.method == "POST" else None,
                           legal_basis=transcription.LEGAL_BASIS)


@bp.get("/plantilla.csv")
@login_required
def template_csv(plan_id: int):
    plan = load_plan_for(current_user, plan_id)
    year = plan.period.start_on.year
    body = ("programa;proyecto;año;fuente;valor\r\n"
            f"Agua potable para todos;Acueducto veredal La Esperanza;{year};SGP Agua potable;1.250.000.000\r\n")
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="plantilla-ppi.csv"'})


def _plan_to_write(plan_id: int):
    plan = load_plan_for(current_user, plan_id)
    if not can_edit_ppi(current_user, plan):
        abort(403, description="Solo la secretaría de planeación y el equipo formulador editan el plan de inversiones.")
    reason = _frozen_reason(plan)
    if reason and not (plan.state in FILED_STATES and approved_amendments(plan)):
        abort(409, description=reason)
    return plan


def _frozen_reason(plan) -> str:
    """Why the PPI cannot be changed freely now, with its norm (``state_machines.approval.pdt.ppi_change_verdict``)."""
    verdict = ppi_frozen_verdict(plan, clock().today())  # D683 art. 2: the executive's own change until 15 June 2020
    return "" if verdict.ok else localize(f"{verdict.reason} Norma: {verdict.legal_basis}.", plan.entity.wording)


def _can_change(plan) -> bool:
    if not can_edit_ppi(current_user, plan):
        return False
    return not _frozen_reason(plan) or (plan.state in FILED_STATES and bool(approved_amendments(plan)))


def _amendment_of(form) -> str | None:
    field = getattr(form, "amendment", None)
    return (field.data or None) if field is not None else None


def _amendment_choices(form, plan) -> None:
    """A filed plan's PPI changes only through an approved amendment: the person says which."""
    if plan.state in FILED_STATES:
        # D683 art. 2: until 15 June 2020 the executive changes the filed PPI itself, without an amendment
        first = ("", "Ninguna: cambio del alcalde o gobernador (Decreto 683 de 2020, art. 2)") \
            if ppi_frozen_verdict(plan, clock().today()).ok else ("", "Elija la modificación")
        form.amendment.choices = options([first] + [
            (p.subject, f"Modificación {p.subject}: {(p.data or {}).get('text', '')[:80]}")
            for p in approved_amendments(plan)])
    else:
        del form.amendment


def _prefill(form: PpiEntryForm, current) -> None:
    items = list(current.items) if current else []
    blanks = max(0, min(BLANK_ROWS, MAX_FORM_ROWS - len(items)))
    while form.rows.entries:
        form.rows.pop_entry()
    for item in items:
        form.rows.append_entry({"program": item.program, "project": item.project, "year": str(item.year),
                                "funding_source": item.funding_source, "amount": thousands(item.amount)})
    for _ in range(blanks):
        form.rows.append_entry()
    form.based_on.data = str(current.version) if current else ""


def _attach_errors(form: PpiEntryForm, exc: PpiRejected) -> list:
    """Each error of a cell beside its cell; the others (a whole row's, the whole table's) are given back."""
    unattached = []
    for error in exc.errors:
        field = FIELD_OF_COLUMN.get(error.column or "")
        if error.row and field and error.row <= len(form.rows.entries):
            form.rows.entries[error.row - 1].form[field].errors = [
                *form.rows.entries[error.row - 1].form[field].errors, error.message]
        else:
            unattached.append(error)
    return unattached


def _sheet_refused(form: PpiImportForm, exc: PpiRejected) -> list:
    """The file is the input to mend: its error says the refusal's one problem, or how many there are, listed
    apart (given back)."""
    errors = exc.errors
    said = str(errors[0]) if len(errors) == 1 else \
        f"El archivo tiene {len(errors)} errores, en la lista de errores: corríjalos en la hoja y súbala de nuevo."
    form.sheet.errors = [*form.sheet.errors, said]
    return errors if len(errors) > 1 else []


def _render_edit(plan, form, errors, conflict: str | None = None):
    """``errors``: the refusal's errors that belong to no cell (the cells carry theirs)."""
    return render_template("ppi/edit.html", plan=plan, form=form, errors=errors, conflict=conflict,
                           years=plan_years(plan), columns=COLUMN_LABELS)


def _render_import(plan, form, errors, conflict: str | None = None):
    return render_template("ppi/import.html", plan=plan, form=form, errors=errors, conflict=conflict,
                           years=plan_years(plan), max_rows=MAX_ROWS, max_mb=MAX_IMPORT_BYTES // (1024 * 1024))
