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

import hashlib
import json
import logging
from collections import OrderedDict
from datetime import date
from threading import Lock
from typing import Callable

from flask import current_app
from markupsafe import Markup

log = logging.getLogger(__name__)
TTL_SECONDS = 2 * 86400


class LocalCache:
    def __init__(self, size: int = 512) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._size, self._lock = size, Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class RedisCache:
    """Redis down: every call answers as a miss, and the page is built as without a cache."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> str | None:
        try:
            value = self._redis.get(key)
        except Exception as exc:  # noqa: BLE001
            log.warning("Redis no disponible para la caché de la página del plan (%s)", exc)
            return None
        return value.decode() if value is not None else None

    def set(self, key: str, value: str) -> None:
        try:
            self._redis.set(key, value, ex=TTL_SECONDS)
        except Exception as exc:  # noqa: BLE001
            log.warning("Redis no disponible para la caché de la página del plan (%s)", exc)


def _cache() -> LocalCache | RedisCache:
    cache = current_app.extensions.get("plan_figures_cache")
    if cache is None:
        url = current_app.config.get("REDIS_URL")
        cache = current_app.extensions["plan_figures_cache"] = RedisCache(url) if url else LocalCache()
    return cache


def figures_key(plan_id: int, version: int, today: date, wording) -> str:
    material = repr((plan_id, version, today.isoformat(), wording, current_app.config.get("RELEASE", "")))
    return "pdt:plan-figures:" + hashlib.sha256(material.encode()).hexdigest()[:32]


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
