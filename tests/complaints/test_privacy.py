"""Reporter identity and contact never leave the server except to the municipality's comptrollers.

Every public GET endpoint (read from the OpenAPI document, so a new endpoint is scanned without touching
this test) is called, anonymously and as another municipality's staff, after a signed-in citizen filed a
complaint with distinctive contact details, and no response may contain any of them."""

from __future__ import annotations

from server.auth import service as auth
from tests.factories import CENTRO, bearer, complaint_body, token_for

BASE = "/api/v1/municipalities/10005/complaints"
SECRETS = {"name": "Zacarías Pérez Ontiveros", "email": "zacarias.po@correo.example", "phone": "618 555 0199"}


def _concrete(path: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    return path


def test_no_public_response_reveals_the_reporter(client, session) -> None:
    reporter = auth.create_user(session, email=SECRETS["email"], full_name=SECRETS["name"], password="clave-larga-1")
    from server.auth.models import Role
    from tests.factories import municipality

    auth.grant(session, user=reporter, municipality_id=municipality(session).id, role=Role.volunteer)
    session.flush()
    token = token_for(session, SECRETS["email"])
    filed = client.post(BASE, headers=bearer(token), json=complaint_body(contact=SECRETS)).json()["complaint"]
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    client.post(f"{BASE}/{filed['id']}/transitions", headers=staff, json={"to": "admitted", "reason": "Procede"})
    client.post(f"{BASE}/{filed['id']}/notes", headers=staff, json={"text": f"Llamar a {SECRETS['phone']}"})
    work = client.get("/api/v1/municipalities/10005/works?limit=1").json()["items"][0]["id"]
    forbidden = [*SECRETS.values(), str(reporter.id)]

    ids = {"code": "10005", "complaint_id": filed["id"], "work_id": work, "variant": "320", "day": "2026-01-01"}
    spec = client.get("/openapi.json").json()
    scanned = []
    outsider = bearer(token_for(session, "contraloria.gomez@vigia.example"))
    for path, methods in spec["paths"].items():
        operation = methods.get("get")
        if operation is None or operation.get("security") or "{" in _concrete(path, ids):
            continue
        url = _concrete(path, ids)
        extra = "?lon=%s&lat=%s&category=obra-calidad" % CENTRO if url.endswith("/suggestions") else ""
        extra = "?lon=%s&lat=%s" % CENTRO if url.endswith("/near") else extra
        for headers in ({}, outsider):
            response = client.get(url + extra, headers=headers)
            body = response.text
            for secret in forbidden:
                assert secret not in body, f"{url} revealed {secret!r}"
            scanned.append((url, response.status_code))
    urls = {url for url, _ in scanned}
    assert f"{BASE}/{filed['id']}" in urls and f"{BASE}/public" in urls
    assert "/api/v1/municipalities/10005/audit/entries" in urls
    assert any(url.endswith("export.csv") for url in urls)
    assert all(status < 500 for _, status in scanned)
    # and the comptroller of this municipality does see who filed it
    assert SECRETS["phone"] in client.get(f"{BASE}/{filed['id']}", headers=staff).text
