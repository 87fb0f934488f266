"""Forms with a PDF: an oversized file is answered on its own form with what was typed kept, not a dead end.

The app-wide ``MAX_CONTENT_LENGTH`` (21 MB) would make Werkzeug refuse the whole body before the form is read, so
every typed field would be lost. A form with a file raises its own body limit to ``BODY_LIMIT`` and stores only
the first ``MAX_BYTES + 1`` bytes of each file (the rest is read and dropped): the service then sees the file is
too large and the form comes back with its fields. Beyond ``BODY_LIMIT`` nothing of the body is read; the form
comes back empty with the reason (status 413).

An act's form (or a document's correction) that comes back with an error holds the PDF it carried, once checked,
so the person need not send it again (``HeldUpload``; ``services.route.held_evidence``).
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from flask import request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from workflow_app.infra.extensions import csrf
from workflow_app.infra.templating import file_size
from workflow_app.services.route import held_evidence
from workflow_app.services.route.documents import MAX_BYTES, DocumentRejected, Upload, read_pdf

log = logging.getLogger(__name__)
BODY_LIMIT = 100 * 1024 * 1024
LIMIT_MB = MAX_BYTES // (1024 * 1024)
ACCEPT_PDF = "application/pdf,.pdf"
#: The PDF inputs' attributes: the browser offers PDFs, and static/upload.js refuses a file over the limit before
#: sending a byte of it (a weak link spends minutes on 25 MB that the server would refuse).
PDF_INPUT = {"accept": ACCEPT_PDF, "data-max-bytes": str(MAX_BYTES)}
CHOOSE_AGAIN = "Vuelva a elegir el archivo PDF: por seguridad el navegador no lo conserva."
TOO_LARGE = (f"El envío supera {BODY_LIMIT // (1024 * 1024)} MB y no se pudo leer: no se guardó nada y lo escrito "
             f"no se pudo conservar. El documento debe ser un PDF de máximo {LIMIT_MB} MB (por ejemplo, "
             "escaneado en blanco y negro o a menor resolución).")
HELD_LOST = (f"El PDF que envió antes ya no está guardado (se guarda {held_evidence.HOLD_HOURS} horas). "
             "Elíjalo de nuevo.")
_SPOOL_BYTES = 500 * 1024


class _CappedFile(SpooledTemporaryFile):
    """Keeps the first ``cap`` bytes written and drops the rest, so a huge file costs no memory or disk."""

    def __init__(self, cap: int):
        super().__init__(max_size=_SPOOL_BYTES)
        self._room = cap

    def write(self, data) -> int:
        kept = bytes(data[:max(self._room, 0)])
        self._room -= len(kept)
        if kept:
            super().write(kept)
        return len(data)


def read_form_with_file() -> bool:
    """Read this request's form under the file forms' own limit and check its CSRF token (the view is exempt
    from the app-wide check, which would read the body first). False when the body is over ``BODY_LIMIT``."""
    request.max_content_length = BODY_LIMIT
    request._get_file_stream = lambda *args, **kwargs: _CappedFile(MAX_BYTES + 1)  # Werkzeug's stream factory hook
    try:
        request.form  # noqa: B018 - parsing now, under this limit, is the point
    except RequestEntityTooLarge:
        return False
    csrf.protect()
    return True


def file_sent(name: str = "evidence") -> bool:
    """Whether the person had chosen a file (it is dropped on any error: browsers never refill a file input)."""
    try:
        storage = request.files.get(name)
    except RequestEntityTooLarge:
        return True  # the body was too large to read: it carried a file
    return bool(storage and storage.filename)


@dataclass
class HeldUpload:
    """A form's PDF across its sends (an act's, a document's correction): the one held from an earlier send
    (``held``), or the knowledge that the form named a hold that is gone (``lost``: expired, or not this person's,
    plan's or act's)."""

    user_id: int
    plan_id: int
    act: str
    held: held_evidence.HeldFile | None = None
    lost: bool = False

    @classmethod
    def of_request(cls, user_id: int, plan_id: int, act: str) -> HeldUpload:
        """The hold this send names (the form's hidden ``held_evidence``), unless a new file replaces it or the
        person asked to leave it out (``drop_held_evidence``)."""
        out = cls(user_id, plan_id, act)
        token = request.form.get("held_evidence", "") if request.method == "POST" else ""
        if not token:
            return out
        if request.form.get("drop_held_evidence") or file_sent():
            held_evidence.release(token)
            return out
        out.held = held_evidence.held(token, user_id=user_id, plan_id=plan_id, act=act)
        out.lost = out.held is None
        return out

    def upload(self) -> Upload | None:
        """The held PDF as the act's evidence, when this send brings no new file."""
        return Upload(self.held.filename, io.BytesIO(self.held.data)) if self.held is not None else None

    def keep_sent(self, field) -> None:
        """The form comes back with an error: hold the PDF this send carried, if it passes its check (a PDF that
        does not is said now, on ``field``, with the form's other errors). Nothing to do without a new file."""
        if field.errors or request.method != "POST":
            return
        storage = request.files.get(field.name)
        if not storage or not storage.filename:
            return
        storage.stream.seek(0)  # the refused act may have read it
        try:
            data = read_pdf(Upload(storage.filename, storage.stream))
        except DocumentRejected as exc:
            field.errors = [*field.errors, str(exc)]
            return
        self.held = held_evidence.hold(user_id=self.user_id, plan_id=self.plan_id, act=self.act,
                                       filename=storage.filename, data=data)
        self.lost = False

    def used(self) -> None:
        """The act is recorded with the held PDF: it is no longer held. The act is committed: a failure here
        only leaves the hold to expire (the sweep removes it), never an error page for a recorded act."""
        if self.held is not None:
            try:
                held_evidence.release(self.held.token)
            except SQLAlchemyError as exc:
                log.warning("PDF retenido no borrado tras registrar el acto (%s); vence solo", exc)

    @property
    def note(self) -> str | None:
        if self.held is None:
            return None
        return (f"Ya recibimos «{self.held.filename}» ({file_size(self.held.size_bytes)}): no tiene que elegirlo de "
                "nuevo. Si elige otro archivo, reemplaza a este.")


def file_note(held: HeldUpload | None, field, failed: bool) -> str | None:
    """What a form with a PDF says by its file input when it comes back (``failed``: with errors or a refusal):
    the PDF held, once the one this send carried is held (``HeldUpload.keep_sent``), else, when a chosen file
    could not be kept, to choose it again."""
    if held is not None and failed:
        held.keep_sent(field)
    if held is not None and held.held is not None:
        return held.note
    return CHOOSE_AGAIN if failed and request.method == "POST" and file_sent(field.name) else None


#: Sent by static/upload.js with a form it posts itself (to show the upload's progress).
UPLOAD_HEADER = "X-Upload-Progress"


def upload_redirect(response):
    """For a blueprint's ``after_request``: the redirect that ends a post sent by static/upload.js is said in a
    header of an empty 200, so the script navigates to it as the browser would have. Followed by the
    XMLHttpRequest itself, the redirect's page would use up its «Listo» message, and Back would skip the form."""
    if request.headers.get(UPLOAD_HEADER) and 300 <= response.status_code < 400 and "Location" in response.headers:
        response.headers["X-Upload-Redirect"] = response.headers.pop("Location")
        response.status_code = 200
        response.set_data(b"")
    return response

