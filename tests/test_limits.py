"""Counters the database adds to (server/counters.py) and the rate limits built on them (server/limits.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server import counters, limits
from server.errors import TooManyRequests
from server.limits import RateLimit

RULE = limits.Rule("prueba", limit=3, window=600, code="follow_up_rate_limited")
NOW = 1_800_000_123.5  # 123.5 s into a 600 s window that ends at 1_800_000_600


def test_add_creates_the_row_then_adds_to_it_and_bump_needs_a_row(session) -> None:
    table = RateLimit.__table__
    key = {"key": "k" * 64, "until": 10}
    assert [counters.add(session, table, key=key, column="hits") for _ in range(3)] == [1, 2, 3]
    assert counters.add(session, table, key=key, column="hits", amount=5) == 8
    assert counters.bump(session, table, where=[table.c.key == "k" * 64], column="hits", amount=-2) == 6
    assert counters.bump(session, table, where=[table.c.key == "nadie"], column="hits") is None
    assert counters.add(session, table, key={"key": "j" * 64, "until": 10}, column="hits", first=40) == 40


def test_past_the_limit_the_claim_is_refused_until_the_window_ends(session) -> None:
    for _ in range(RULE.limit):
        limits.claim(session, [(RULE, "198.51.100.7")], now=NOW)
    with pytest.raises(TooManyRequests) as refused:
        limits.claim(session, [(RULE, "198.51.100.7")], now=NOW)
    assert refused.value.status == 429 and refused.value.code == "follow_up_rate_limited"
    assert refused.value.headers["Retry-After"] == "477"  # seconds to the window's end, rounded up
    limits.claim(session, [(RULE, "198.51.100.8")], now=NOW)  # another subject has its own count
    limits.claim(session, [(RULE, "198.51.100.7")], now=NOW + 477)  # the next window starts again


def test_a_refund_gives_the_hits_back(session) -> None:
    for _ in range(10):  # right answers: each claim is given back
        limits.refund(session, limits.claim(session, [(RULE, "a")], now=NOW))
    for _ in range(RULE.limit):
        limits.claim(session, [(RULE, "a")], now=NOW)
    with pytest.raises(TooManyRequests):
        limits.claim(session, [(RULE, "a")], now=NOW)


def test_the_first_rule_past_its_limit_refuses_the_claim(session) -> None:
    tight = limits.Rule("estrecha", limit=1, window=600, code="follow_up_rate_limited")
    limits.claim(session, [(RULE, "a"), (tight, "b")], now=NOW)
    with pytest.raises(TooManyRequests):
        limits.claim(session, [(tight, "b"), (RULE, "a")], now=NOW)
    # refused at the first rule: the second was not counted (and the caller rolls the first back)
    assert sorted(session.scalars(sa.select(RateLimit.hits)).all()) == [1, 2]


def test_no_address_is_stored_and_ended_windows_are_pruned(session) -> None:
    limits.claim(session, [(RULE, "203.0.113.99")], now=NOW)
    limits.claim(session, [(RULE, "203.0.113.99")], now=NOW + 600)
    keys = session.scalars(sa.select(RateLimit.key)).all()
    assert keys and all("203.0.113" not in key for key in keys)
    assert limits.prune(session, now=NOW + 600) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(RateLimit)) == 1
