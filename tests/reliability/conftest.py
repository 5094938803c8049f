"""The reliability suite runs against Vigía as production runs it (tests/live.py): `vigia serve` with several
web workers, the run's Redis and an RQ worker, over HTTP on loopback, on PostgreSQL and on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import _redis
from tests.live import LiveVigia, live_vigia


@pytest.fixture(scope="package")
def crowd_vigia(backend, tmp_path_factory) -> Iterator[LiveVigia]:
    """One live Vigía (3 web workers, 1 RQ worker) on a fresh committed demo database, shared by the crowd tests
    of test_concurrency.py and test_abuse.py (each test makes its own accounts, devices, complaints and client
    addresses, so they do not disturb each other). Tests that stop services make their own."""
    redis = _redis()
    with redis.clean(), live_vigia(backend.name, tmp_path_factory.mktemp("crowd"), backend.settings,
                                   redis_url=redis.url, workers=3, job_workers=1) as vigia:
        yield vigia
