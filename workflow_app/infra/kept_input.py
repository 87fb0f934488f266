"""What a person typed into a form the service could not take (their session ended while they wrote, or the
form lost its security code): shown back to them on the answer, so nothing they wrote is lost. It is only echoed
to the browser that sent it, escaped like any text; never stored, never logged.

Only a form sent from this service's own pages is shown back (``sent_from_here``): another site could make a
browser post any text here, and the answer must not show a stranger's words as the person's own."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import request

from workflow_app.infra.redirects import safe_next
from workflow_app.infra.security import is_cross_site

#: Fields that are not the person's writing, or must never be shown back.
SKIPPED = frozenset({"csrf_token", "password", "confirm", "current_password", "expected_version", "next",
                     "held_evidence"})
#: How the forms' free-text and common fields are called on their pages (the rest: «Texto «name»»).
LABELS = {
    "notes": "Observaciones", "note": "Nota", "reason": "Motivo", "recommendations": "Recomendaciones",
    "parts": "Partes del plan", "reference": "Número de radicado, acta, decreto o acuerdo",
    "evidence_title": "Título del documento", "withheld_reason": "Motivo para no publicar el documento",
    "act_on": "Fecha del acto", "body": "Texto", "text": "Texto", "topic": "Tema o hito", "comments": "Comentarios",
    "comment": "Comentario", "answer": "Respuesta", "response": "Respuesta", "name": "Nombre",
    "email": "Correo electrónico", "contact": "Contacto", "program": "Programa", "project": "Proyecto",
    "indicator": "Indicador", "responsible": "Dependencia responsable", "purpose": "Objeto",
    "starts_on": "Fecha de inicio", "ends_on": "Fecha de terminación", "amount": "Valor en pesos",
}
MAX_FIELDS = 80
_ROW = re.compile(r"^(?:[\w]+)-(\d+)-(\w+)$")


@dataclass(frozen=True)
class Typed:
    label: str
    value: str

    @property
    def rows(self) -> int:
        # Lines as a phone wraps them (about 40 characters): the whole text in view at 360 px, up to 12 lines.
        return min(12, sum(max(1, -(-len(line) // 40)) for line in self.value.split("\n")))


def _base(name: str) -> str:
    """"recommendations"; "lines-0-program" → "program"; a prefixed field "r2-topic" → "topic"."""
    return name.rsplit("-", 1)[-1]


def _label(name: str) -> str:
    row = _ROW.match(name)
    if row:
        return f"{LABELS.get(row.group(2), row.group(2))} (fila {int(row.group(1)) + 1})"
    return LABELS.get(_base(name), f"Texto «{name}»")


def typed_fields(form) -> list[Typed]:
    """The non-empty values of a submitted form (a ``MultiDict``), labelled, in the order they were sent."""
    out: list[Typed] = []
    for name in form.keys():
        if _base(name) in SKIPPED or name.startswith("_") or len(out) >= MAX_FIELDS:
            continue
        values = [v.strip() for v in form.getlist(name) if v and v.strip()]
        # What was written, not what was picked: a known field, or text with a space (a choice's code such as
        # "public" or "favorable" is chosen again in a click, and would mean nothing shown back).
        if values and (_base(name) in LABELS or any(any(c.isspace() for c in v) for v in values)):
            several_lines = any("\n" in v for v in values)
            out.append(Typed(_label(name), ("\n" if several_lines else ", ").join(values)))
    return out


def files_sent(files) -> list[str]:
    """The names of the files a submitted form carried (they cannot be kept: the person chooses them again)."""
    return [f.filename for f in files.values() if getattr(f, "filename", None)][:10]


def sent_from_here() -> bool:
    """The request came from one of this service's pages: the browser says where it was sent from
    (``Sec-Fetch-Site`` or ``Origin``) and it is not another site (``security.is_cross_site``). A request without
    either header is not shown back: nothing says where its text came from."""
    return ("Sec-Fetch-Site" in request.headers or "Origin" in request.headers) and not is_cross_site()


def page_sent_from() -> str | None:
    """The page the form was on (its ``Referer``, when it is a page of this service): where to go back to. A
    form's page is not always the address it posts to (a hito's note posts to ``/planes/1/hitos/4``, which only
    takes a POST)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc.lower() != request.host.lower():
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
