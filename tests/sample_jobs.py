"""Jobs used by tests/test_jobs.py to exercise the real queue and worker (the domains bring their own jobs)."""

from __future__ import annotations

import uuid

from server.db import session_scope
from server.municipalities.models import Holiday


def rename_holiday(holiday_id: str, name: str) -> None:
    with session_scope() as session:
        holiday = session.get(Holiday, uuid.UUID(holiday_id))
        holiday.name = name


def always_fails(holiday_id: str) -> None:
    with session_scope() as session:
        session.get(Holiday, uuid.UUID(holiday_id)).name = "should never be saved"
        raise RuntimeError("the job broke on purpose")
