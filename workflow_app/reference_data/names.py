"""Official names of departamentos and municipios, and the Spanish order and search key of a name.

DANE publishes DIVIPOLA in upper case (``NORTE DE SANTANDER``, ``BOGOTÁ, D.C.``). In running text DANE and
the laws that create or rename entities write them with capital initials, the particles ``de``, ``del``
and ``y`` in lower case, and the article after ``de`` in lower case too: ``Norte de Santander``,
``San José de la Montaña``, ``Archipiélago de San Andrés, Providencia y Santa Catalina``, ``Bogotá, D.C.``.
An article that starts a name or follows a noun keeps its capital (``La Jagua del Pilar``,
``Castilla La Nueva``, ``María La Baja``). ``official_name`` applies those rules; ``EXCEPTIONS`` holds the
names they would get wrong (none in the 2025 list; the test over the whole DIVIPOLA list guards it).

Order (``sort_key``): Spanish alphabetical order as the RAE's alphabet has it since 2010: accents and
diaeresis are ignored, ``ñ`` is a letter of its own after ``n``, case is ignored, punctuation counts as a
space. The key is plain ASCII in which ``ñ`` becomes ``n{`` (``{`` sorts after ``z``), so a byte-wise
comparison (SQLite's BINARY, PostgreSQL's ``"C"`` collation, Python's ``sorted``) gives the Spanish order
whatever the database's locale. ``search_key`` is the same key without the ``ñ`` mark: a search for
``pena`` finds ``Peña``, and ``bogota``, ``BOGOTÁ``, ``san andres``, ``cucuta`` find theirs.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LOWER_PARTICLES = frozenset({"de", "del", "y", "e"})
_LOWER_AFTER_DE = frozenset({"la", "las", "los", "el"})
_COMBINING_TILDE = "\u0303"
_ENYE_MARK = "{"
_NOT_KEY = re.compile(r"[^a-z0-9{]+")

#: Upper-case DANE name -> official mixed-case name, where the rules above do not give it.
EXCEPTIONS: dict[str, str] = {}


def _capitalised(word: str) -> str:
    if "." in word:  # abbreviations: D.C.
        return word.upper()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def official_name(dane_name: str) -> str:
    """``NORTE DE SANTANDER`` -> ``Norte de Santander``; an already mixed-case name is normalised the same way."""
    text = " ".join((dane_name or "").split())
    if text.upper() in EXCEPTIONS:
        return EXCEPTIONS[text.upper()]
    words = text.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        lower = word.lower()
        previous = words[index - 1].lower() if index else ""
        if index and lower in _LOWER_PARTICLES:
            out.append(lower)
        elif index and lower in _LOWER_AFTER_DE and previous in {"de", "del"}:
            out.append(lower)
        else:
            out.append(_capitalised(word))
    return " ".join(out)


@lru_cache(maxsize=16384)
def sort_key(name: str) -> str:
    """Spanish order key: ``Córdoba`` -> ``cordoba``, ``Peñol`` -> ``pen{ol``, ``Bogotá, D.C.`` -> ``bogota d c``."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", (name or "").lower()):
        if ch == _COMBINING_TILDE and out and out[-1] == "n":
            out.append(_ENYE_MARK)
        elif not unicodedata.combining(ch):
            out.append(ch)
    return " ".join(_NOT_KEY.sub(" ", "".join(out)).split())


def search_key(text: str) -> str:
    """What a search compares: the order key without the ``ñ`` mark (``Peña`` and ``pena`` match)."""
    return sort_key(text).replace(_ENYE_MARK, "")
