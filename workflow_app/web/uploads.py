"""Forms with a PDF: an oversized file is answered on its own form with what was typed kept, not a dead end.

The app-wide ``MAX_CONTENT_LENGTH`` (21 MB) would make Werkzeug refuse the whole body before the form is read, so
every typed field would be lost. A form with a file raises its own body limit to ``BODY_LIMIT`` and stores only
the first ``MAX_BYTES + 1`` bytes of each file (the rest is read and dropped): the service then sees the file is
too large and the form comes back with its fields. Beyond ``BODY_LIMIT`` nothing of the body is read; the form
comes back empty with the reason (status 413).
"""
from __future__ import annotations

from tempfile import SpooledTemporaryFile

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from workflow_app.infra.extensions import csrf
from workflow_app.services.route.documents import MAX_BYTES

BODY_LIMIT = 100 * 1024 * 1024
LIMIT_MB = MAX_BYTES // (1024 * 1024)
ACCEPT_PDF = "application/pdf,.pdf"
CHOOSE_AGAIN = "Vuelva a elegir el archivo PDF: por seguridad el navegador no lo conserva."
TOO_LARGE = (f"El envío supera {BODY_LIMIT // (1024 * 1024)} MB y no se pudo leer: no se guardó nada y lo escrito "
             f"no se pudo conservar. El documento debe ser un PDF de máximo {LIMIT_MB} MB (por ejemplo, "
             "escaneado en blanco y negro o a menor resolución).")
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
