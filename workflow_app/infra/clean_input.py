"""Invisible control characters out of every form people send, before any view, form or service reads it.

A text pasted from a word processor brings control characters: Word's manual line break is a vertical tab
(``\\x0b``), a page break a form feed (``\\x0c``). Others (a NUL, an escape) come only from crafted requests. None
means anything in a form's text, and the two databases disagreed about them: PostgreSQL refuses a NUL in text
(the whole form answered with a generic 400, what was typed lost), while SQLite, the trial instance, stored it
(an investment-plan program named "a\\x00b"). So the form's values are cleaned as Werkzeug parses them: the two
breaks become line breaks and the other C0 controls, DEL and the bidirectional controls are dropped; tab, line
feed and carriage return stay.

Only form bodies (``request.form``): files are untouched, and query strings are the pages' and the API's to judge
(the API answers a control character with a documented 422). Parsing stays where each view puts it (the file
forms parse under their own size limit, ``web.uploads.read_form_with_file``): nothing here reads the body early.
"""
from __future__ import annotations

import re

from flask import Flask
from flask import Request as FlaskRequest

_BREAKS = re.compile(r"[\x0b\x0c]")
#: The bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) too: invisible, they reorder
#: what follows, so «Ana\u202eoloc.exe» reads «Anaexe.colo» in the people log (QA, 7 December 2026).
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def cleaned(value: str) -> str:
    """``value`` with a pasted line or page break as a line break and the other control characters dropped."""
    return _INVISIBLE.sub("", _BREAKS.sub("\n", value))


class CleanFormRequest(FlaskRequest):
    """Flask's request, whose parsed form holds no control characters but tab and line breaks."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any(_ANY.search(value) for _, value in form.items(multi=True)):
            self.__dict__["form"] = self.parameter_storage_class(
                [(key, cleaned(value)) for key, value in form.items(multi=True)])
            self.__dict__.pop("values", None)  # args and form together, if something combined them already


def init_app(app: Flask) -> None:
    app.request_class = CleanFormRequest
