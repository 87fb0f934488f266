"""Rate limits read as a sliding window on every store (Redis, the database, the in-process fallback): attempts
just before a window's boundary still count just after it, so the limit is not doubled across the boundary."""
from __future__ import annotations

import pytest

from workflow_app.infra import rate_limit
from workflow_app.infra.rate_limit import DatabaseWindow, MemoryWindow, RedisWindow, sliding_count

WINDOW = 60


def test_the_previous_window_counts_for_the_share_still_within_the_last_minute():
    assert sliding_count(0, 5, 0.0) == 5
    assert sliding_count(0, 5, 0.01) == 5  # rounded up: a second after the boundary, none is forgotten
    assert sliding_count(2, 4, 0.5) == 4
    assert sliding_count(1, 4, 1.0) == 1
    assert sliding_count(0, 0, 0.3) == 0


@pytest.fixture(params=["memory", "database", "redis"])
def store(request, app, db_session):
    if request.param == "memory":
        return MemoryWindow()
    if request.param == "database":
        return DatabaseWindow(app)
    return RedisWindow(request.getfixturevalue("redis_url"))


def test_five_failures_before_a_boundary_still_block_just_after_it(store, monkeypatch, app):
    boundary = 1_900_000_020.0  # a multiple of 60: the start of a window
    clock = {"now": boundary - 1}
    monkeypatch.setattr(rate_limit.time, "time", lambda: clock["now"])
    with app.app_context():
        for _ in range(5):
            store.hit("login:cuenta:x@prueba.co", WINDOW)
        assert store.count("login:cuenta:x@prueba.co", WINDOW) == 5
        clock["now"] = boundary + 1  # a fixed window would read 0 here and let five more through
        assert store.count("login:cuenta:x@prueba.co", WINDOW) == 5
        store.hit("login:cuenta:x@prueba.co", WINDOW)
        assert store.count("login:cuenta:x@prueba.co", WINDOW) == 6
        clock["now"] = boundary + 45  # three quarters of the previous window have left the last minute
        assert store.count("login:cuenta:x@prueba.co", WINDOW) == 1 + 2
        clock["now"] = boundary + WINDOW + 30  # the five are more than a minute old; half the one still counts
        assert store.count("login:cuenta:x@prueba.co", WINDOW) == 1
        clock["now"] = boundary + 2 * WINDOW + 1
        assert store.count("login:cuenta:x@prueba.co", WINDOW) == 0
        assert store.count("login:cuenta:otra@prueba.co", WINDOW) == 0
