"""Rate limits on guessing secrets (the anonymous follow-up's folio and code), shared by every web worker.

Each limited attempt first *claims* one hit on its counters (per client address, per folio, ...) in a short
transaction of its own that commits before the secret is checked, so however many guesses arrive at once, at
most `limit` are checked per window; the rest get `429` with `Retry-After`. A right answer gives its hits back
(`refund`): only wrong guesses use up the limit. Counters live in the database (one row per key and window,
added to atomically, server/counters.py), so they hold across web workers and servers with no Redis, and
`vigia tick` deletes the windows that ended. Keys are stored as keyed hashes: no client address is kept.

Windows are fixed (they start at multiples of their length), so in the worst case twice `limit` wrong guesses
fit around a window's end; that is still `limit` per window on average."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from server import counters
from server.config import get_settings
from server.errors import TooManyRequests


class RateLimit(SQLModel, table=True):
    """Hits on one key in one window, which ends at `until` (seconds since the epoch)."""

    __tablename__ = "rate_limits"

    key: str = Field(primary_key=True, max_length=64)  # HMAC of "<scope>:<subject>" with the secret key
    until: int = Field(primary_key=True, sa_type=sa.BigInteger)
    hits: int


@dataclass(frozen=True)
class Rule:
    """At most `limit` hits per `window` seconds on each subject of a scope; `code` names the 429."""

    scope: str
    limit: int
    window: int
    code: str


@dataclass(frozen=True)
class Claim:
    """The hits one attempt claimed: give them back with `refund` when the attempt turns out right."""

    keys: tuple[tuple[str, int], ...] = ()


def _key(scope: str, subject: str) -> str:
    secret = get_settings().secret_key.encode()
    return hmac.new(secret, f"rate-limit:{scope}:{subject}".encode(), hashlib.sha256).hexdigest()


def claim(session: Session, checks: list[tuple[Rule, str]], *, now: float | None = None) -> Claim:
    """Claim one hit on each (rule, subject), in order; raises TooManyRequests (429, Retry-After in seconds)
    at the first one past its limit. Commit the session before checking the secret."""
    now = time.time() if now is None else now
    claimed: list[tuple[str, int]] = []
    table = RateLimit.__table__
    for rule, subject in checks:
        until = (math.floor(now / rule.window) + 1) * rule.window
        key = _key(rule.scope, subject)
        hits = counters.add(session, table, key={"key": key, "until": until}, column="hits")
        claimed.append((key, until))
        if hits > rule.limit:
            wait = max(1, math.ceil(until - now))
            raise TooManyRequests(rule.code, minutes=max(1, math.ceil(wait / 60)),
                                  headers={"Retry-After": str(wait)})
    return Claim(tuple(claimed))


def refund(session: Session, claim: Claim) -> None:
    """The attempt was right: its hits do not count against anyone."""
    table = RateLimit.__table__
    for key, until in claim.keys:
        counters.bump(session, table, where=[table.c.key == key, table.c.until == until, table.c.hits > 0],
                      column="hits", amount=-1)


def prune(session: Session, *, now: float | None = None) -> int:
    """Delete the windows that ended (`vigia tick`); how many rows went."""
    now = time.time() if now is None else now
    return session.execute(sa.delete(RateLimit).where(RateLimit.until <= int(now))).rowcount or 0
