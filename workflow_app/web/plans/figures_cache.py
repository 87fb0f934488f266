"""The plan page's two heavy pictures (the route and the legal calendar as SVG, with each deadline's status),
cached per (plan, plan version, Bogotá day, entity wording, release): in Redis when ``REDIS_URL`` is set (every
worker and host shares them), in a small in-process LRU otherwise.

Only person-independent content is cached: the pictures are the same for everyone who may read the plan; the
act forms, documents one may correct and the rest of the page are built for each person on each request.
Nothing is ever invalidated by hand: an act (or any change of the plan row) moves the plan's version, a new day
changes the key (the timeline's "today" mark and the overdue colours), a change of the entity's wording or a
deployment too; old entries expire (Redis: two days) or fall out of the LRU.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Callable

from markupsafe import Markup

from workflow_app.infra.page_cache import LocalCache, RedisCache, app_cache, part_key


def _cache() -> LocalCache | RedisCache:
    return app_cache("plan_figures_cache", size=512)


def figures_key(plan_id: int, version: int, today: date, wording) -> str:
    return part_key("plan-figures", plan_id, version, today.isoformat(), wording)


def cached_figures(key: str, build: Callable[[], dict]) -> dict:
    """``route_figure``, ``timeline_figure`` and ``deadline_status`` from the cache, or built and stored."""
    cache = _cache()
    stored = cache.get(key)
    if stored is not None:
        data = json.loads(stored)
        return {"route_figure": Markup(data["route"]), "timeline_figure": Markup(data["timeline"]),
                "deadline_status": data["status"]}
    figures = build()
    cache.set(key, json.dumps({"route": str(figures["route_figure"]), "timeline": str(figures["timeline_figure"]),
                               "status": figures["deadline_status"]}))
    return figures
