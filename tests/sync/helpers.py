"""Builders for sync tests: a phone signed in with its own device id, and the mutations it sends."""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from server import db
from tests.factories import CENTRO, DEMO, DEMO_PASSWORD


@dataclass
class Phone:
    """A device signed in as one person: its id, token and the headers every sync request carries."""

    device_id: uuid.UUID
    token: str
    user_id: uuid.UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Vigia-Device": str(self.device_id)}


def sign_in(client, email: str, password: str = DEMO_PASSWORD, name: str = "Moto G") -> Phone:
    device_id = uuid.uuid4()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password,
                                                       "device_name": name, "device_id": str(device_id)})
    assert response.status_code == 201, response.text
    body = response.json()
    return Phone(device_id=device_id, token=body["token"], user_id=uuid.UUID(body["user"]["id"]))


def mutation(intent: str, payload: dict, *, code: str = DEMO, mutation_id: uuid.UUID | None = None) -> dict:
    return {"id": str(mutation_id or uuid.uuid4()), "intent": intent, "municipality": code, "payload": payload}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def complaint_payload(**fields) -> dict:
    payload = {"id": str(uuid.uuid4()), "kind": "complaint", "category": "obra-calidad",
               "description": "El concreto de la banqueta nueva ya está agrietado frente a la tienda.",
               "location": {"type": "Point", "coordinates": list(CENTRO)}, "accuracy_m": 6.5}
    payload.update(fields)
    return payload


def pull_all(client, phone: Phone, cursor: str | None = None, **params) -> tuple[list[dict], str, list[str]]:
    """Pull until has_more is false: every item served, the last cursor and the scopes removed."""
    items: list[dict] = []
    removed: list[str] = []
    for _ in range(200):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/sync/pull", params=query, headers=phone.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["protocol"] == "vigia-sync/1" and page["ok"] is True
        items.extend(page["items"])
        removed.extend(page["removed_scopes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return items, cursor, removed
    raise AssertionError("the pull never ended")


def settle(database: db.Database, timeout: float = 30.0) -> None:
    """PostgreSQL: wait until every transaction running now has finished. A pull serves only changes of
    transactions below the oldest one still running, and the server may be shared with other test runs whose
    open transactions would otherwise hold a change back for a moment. Waits on a condition, not a guess."""
    if database.dialect != "postgresql":
        return
    snapshot = "pg_current_snapshot()"
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        target = connection.scalar(sa.text(f"SELECT pg_snapshot_xmax({snapshot})::text::bigint"))
        deadline = time.monotonic() + timeout
        while connection.scalar(sa.text(f"SELECT pg_snapshot_xmin({snapshot})::text::bigint")) < target:
            assert time.monotonic() < deadline, "a transaction older than the test's changes never finished"
            time.sleep(0.01)


def pull(live, database: db.Database, phone: Phone, cursor: str | None = None, **params):
    """Every page a phone gets now (after the changes made so far have committed everywhere)."""
    settle(database)
    return pull_all(live, phone, cursor, **params)
