"""URL converters shared by every area."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter


class BoundedInt(IntegerConverter):
    """Ids in URLs fit PostgreSQL's integer: a larger one is simply not found (404), never a database error."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
