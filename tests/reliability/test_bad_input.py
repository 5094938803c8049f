"""Bad input and server faults, from outside, through HTTP against `vigia serve` with several workers
(tests/live.py): a 500 keeps the client's keep-alive connection; odd input (NUL characters, integers past 64
bits, resent client ids, names that collide) is answered 4xx in the one error shape, never 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx
import sqlalchemy as sa

from tests.factories import DEMO
from tests.reliability.crowd import TIMEOUT
from tests.test_app import assert_error_shape

BASE = f"/api/v1/municipalities/{DEMO}"


@contextmanager
def table_away(vigia, table: str) -> Iterator[None]:
    """A fault caused from outside: the table is renamed under the running server, and put back afterwards."""
    with vigia.database.engine.begin() as connection:
        connection.execute(sa.text(f"ALTER TABLE {table} RENAME TO {table}_away"))
    try:
        yield
    finally:
        with vigia.database.engine.begin() as connection:
            connection.execute(sa.text(f"ALTER TABLE {table}_away RENAME TO {table}"))


def _connection(response: httpx.Response) -> tuple[str, int]:
    """The client's end of the TCP connection that carried the response (its local address and port)."""
    return response.extensions["network_stream"].get_extra_info("client_addr")


def test_after_a_500_the_next_request_on_the_same_connection_succeeds(crowd_vigia) -> None:
    """uvicorn closes the connection of a request whose exception reaches it, and Starlette's error middleware
    re-raises after answering 500: the client's next request on that keep-alive connection failed. A real fault
    (a table missing under the running server) gives a 500 in the one error shape, and the same connection
    serves the next requests."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with httpx.Client(base_url=crowd_vigia.url, timeout=TIMEOUT, limits=limits) as http:
        before = http.get(f"{BASE}/holidays")
        assert before.status_code == 200, before.text
        with table_away(crowd_vigia, "holidays"):
            failed = http.get(f"{BASE}/holidays", headers={"Accept-Language": "en"})
            error = assert_error_shape(failed, 500, "internal_error")
            assert "holidays" not in failed.text and "Traceback" not in failed.text
            assert error["request_id"] in error["message"]
            assert failed.headers.get("connection", "").lower() != "close"
            after = http.get(f"{BASE}/works", params={"limit": 1})
            again = http.get(f"{BASE}/holidays")
        assert after.status_code == 200, after.text
        assert again.status_code == 500
        assert _connection(before) == _connection(failed) == _connection(after) == _connection(again)
        assert http.get(f"{BASE}/holidays").status_code == 200
