"""Look-ups kept for one batch of use cases run in one transaction (a sync push: server/sync/push.py).

A push of 500 complaints would otherwise read the same category, deadline rule, publication rule and business-day
calendar 500 times. Inside `kept(session)` a domain's look-up answers from the batch's own dict after its first
read; outside it (any other request) it reads the database as before. The dict lives on the session and goes with
the batch: nothing is cached across requests, so a change made by staff is seen by the next push. Only look-ups
of rows the batch's use cases do not change belong here, and only answers, never errors (an unknown code is looked
up again, and refused again, each time).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "batch_lookups"


@contextmanager
def kept(session: Session) -> Iterator[None]:
    """Keep look-ups made through `remembered` in this session until the block ends."""
    session.info[_KEY] = {}
    try:
        yield
    finally:
        session.info.pop(_KEY, None)


def remembered(session: Session, key: Hashable, look_up: Callable[[], T]) -> T:
    """`look_up()`, or its answer from earlier in the batch (the same `key`) inside `kept`."""
    cache = session.info.get(_KEY)
    if cache is None:
        return look_up()
    if key not in cache:
        cache[key] = look_up()
    return cache[key]
