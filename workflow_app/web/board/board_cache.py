"""The board's content (summary, map, filters, table, charts) kept as HTML per (scope, query, Bogotá day), only
while nothing the app wrote since it was built: the copy carries the public pages' generation
(``infra.page_cache``) read before it was built, and is used only while the generation is the same. Every commit
that writes a table a page may show (plans, their summary rows, hitos and their checks, memberships and people,
Lista de Chequeo reviews, Phase II, periods…) moves the generation after it, in every process that shares the
Redis (web, RQ workers, the sweep, the CLI); a commit that writes only sessions, notices, deliveries or the access
log does not. The scope is the person's memberships as loaded for the request (the users row's copy, which the
database's trigger drops on any change of memberships, psql included), so who sees what is never taken from a
copy. A copy lives ``BOARD_TTL_SECONDS`` at most: a write that did not pass through the app (psql) or a
generation Redis failed to move is seen within that time. Without Redis there is no copy.
"""
from __future__ import annotations

import json
import logging
from datetime import date

from flask import current_app, request

from workflow_app.infra.page_cache import GENERATION_KEY, part_key, public_generation
from workflow_app.models import User

log = logging.getLogger(__name__)
BOARD_TTL_SECONDS = 120


def board_key(user: User, today: date) -> str:
    memberships = sorted((m.role, m.entity_id or 0, m.authority_code or "", m.is_lead) for m in user.memberships)
    return part_key("board", memberships, sorted(request.args.items(multi=True)), today.isoformat())


def cached_board(key: str) -> tuple[str | None, bytes | None]:
    """(the kept content if still current, the generation read now) — (None, None) without Redis."""
    client = public_generation(current_app._get_current_object())
    if client is None:
        return None, None
    try:
        generation, stored = client.mget(GENERATION_KEY, key)
    except Exception as exc:  # noqa: BLE001 - Redis down: build the page, keep nothing
        log.warning("Redis no disponible para la copia del tablero (%s)", exc)
        return None, None
    generation = generation or b"0"
    if stored:
        copy = json.loads(stored)
        if copy["generation"] == generation.decode():
            return copy["html"], generation
    return None, generation


def keep_board(key: str, generation: bytes | None, html: str) -> None:
    client = public_generation(current_app._get_current_object())
    if client is None or generation is None:
        return
    try:
        client.set(key, json.dumps({"generation": generation.decode(), "html": html}), ex=BOARD_TTL_SECONDS)
    except Exception as exc:  # noqa: BLE001
        log.warning("Redis no disponible para la copia del tablero (%s)", exc)
