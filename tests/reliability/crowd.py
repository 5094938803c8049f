"""Helpers of the reliability suite: a crowd of HTTP clients released at the same moment against a live Vigía
(tests/live.py), phones that sign in and push, and accounts made straight in the server's database."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2 as httpx
import sqlalchemy as sa

from server.auth import service as auth
from server.auth.models import Role, User
from server.municipalities import service as municipalities
from tests.factories import DEMO

T = TypeVar("T")
PASSWORD = "una-clave-de-la-multitud"
# Every request of the suite has a deadline, so a stuck server fails the test instead of hanging the run.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)


def report(vigia, test: str, **figures: object) -> None:
    """Append this test's figures to $VIGIA_RELIABILITY_REPORT (one JSON line), if set (docs/reliability.md)."""
    target = os.environ.get("VIGIA_RELIABILITY_REPORT")
    if target:
        database = "sqlite" if vigia.settings.is_sqlite else "postgresql"
        with open(target, "a") as out:
            out.write(json.dumps({"test": test, "database": database, **figures}, sort_keys=True) + "\n")


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=TIMEOUT)


def at_once(count: int, work: Callable[[int], T], *, seconds: float = 90) -> list[T]:
    """work(0..count-1), each in its own thread and released together; the results in order. Any exception a
    thread raised is raised here; a thread still running after `seconds` fails the test."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            start.wait(timeout=30)
            results[number] = work(number)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(number,), daemon=True) for number in range(count)]
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), f"a client was still waiting after {seconds} s"
    if errors:
        raise errors[0]
    return results


def new_account(vigia, *roles: Role, code: str = DEMO) -> str:
    """An account of its own (so a test that locks it or supports with it disturbs no other); its email."""
    email = f"multitud-{uuid.uuid4().hex[:10]}@vigia.example"
    with vigia.database.session_scope() as session:
        place = municipalities.get_by_code(session, code)
        auth.create_user(session, email=email, full_name="Persona de la multitud", password=PASSWORD,
                         grants=[(place.id, role) for role in roles or (Role.volunteer,)])
    return email


def new_phones(vigia, count: int, *, code: str = DEMO) -> list[Phone]:
    """`count` accounts of their own, each signed in on one device, made in one go in the server's database
    (quicker than `count` sign-ins over HTTP when the test is about something else)."""
    from server.auth.models import Device

    phones = []
    with vigia.database.session_scope() as session:
        place = municipalities.get_by_code(session, code)
        for _ in range(count):
            email = f"multitud-{uuid.uuid4().hex[:10]}@vigia.example"
            auth.create_user(session, email=email, full_name="Persona de la multitud", password=None,
                             grants=[(place.id, Role.volunteer)])
            name = f"teléfono {uuid.uuid4().hex[:6]}"
            token = auth.issue_token(session, email=email, device_name=name)
            device_id = session.scalar(sa.select(Device.id).join(User, User.id == Device.user_id)
                                       .where(User.email == email, Device.name == name))
            phones.append(Phone(email, device_id, token))
    return phones


@dataclass
class Phone:
    """A device signed in over HTTP: what every sync request carries."""

    email: str
    device_id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Vigia-Device": str(self.device_id)}


def sign_in(http: httpx.Client, email: str, password: str = PASSWORD, name: str = "Teléfono") -> Phone:
    device_id = uuid.uuid4()
    response = http.post("/api/v1/auth/login", json={"email": email, "password": password, "device_name": name,
                                                      "device_id": str(device_id)})
    assert response.status_code == 201, response.text
    return Phone(email, device_id, response.json()["token"])


def push(http: httpx.Client, phone: Phone, *mutations: dict) -> list[dict]:
    """Push and return the results, checking the acknowledgement the app trusts."""
    response = http.post("/api/v1/sync/push", json={"mutations": list(mutations)}, headers=phone.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["protocol"] == "vigia-sync/1" and body["ok"] is True
    assert [result["id"] for result in body["results"]] == [m["id"] for m in mutations]
    return body["results"]


def assert_no_server_errors(responses: list[httpx.Response]) -> None:
    errors = [(r.status_code, r.text[:300]) for r in responses if r.status_code >= 500]
    assert not errors, errors
