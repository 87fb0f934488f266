"""One check for every ``next``-like parameter: only a path of this site, as the browser would read it."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so "/\t/evil.com" and "/\\evil.com"
# both become "//evil.com", another site. Anything of the kind is refused rather than cleaned.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a same-site path ("/planes/3?x=1"), else None (the caller uses its default)."""
    if not target or len(target) > 2000 or not isinstance(target, str):
        return None
    for text in (target, unquote(target)):
        if _UNSAFE.search(text) or not text.startswith("/") or text.startswith("//"):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
