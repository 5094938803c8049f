"""Filing an anonymous complaint offline cannot be hijacked: pushing `complaint.file` again with its id and its
public fields, from another account, another device of the same account or with other fields, is `rejected`
with `complaint_id_taken` and carries no follow-up code; only the device that filed it gets its code, on every
replay and on its own resends. The crowd version (all at once, against `vigia serve`) is in
tests/reliability/test_concurrency.py."""

from __future__ import annotations

import sqlalchemy as sa

from server.sync.models import Mutation
from tests.factories import bearer, token_for
from tests.sync.helpers import complaint_payload, mutation, sign_in
from tests.sync.test_push import COMPLAINTS, assert_acknowledged, push


def _one(client, phone, sent: dict) -> dict:
    return assert_acknowledged(push(client, phone, sent), [sent])[0]


def test_another_account_filing_the_same_anonymous_complaint_gets_neither_code_nor_complaint(client, session) -> None:
    victim = sign_in(client, "voluntaria@vigia.example")
    payload = complaint_payload(anonymous=True)
    filed = _one(client, victim, mutation("complaint.file", payload))
    code = filed["data"]["follow_up_code"]
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    version = client.get(f"{COMPLAINTS}/{payload['id']}", headers=staff).json()["version"]
    published = client.post(f"{COMPLAINTS}/{payload['id']}/moderation", headers=staff,
                            json={"version": version, "text": "approve", "reason": "Sin datos personales"})
    assert published.status_code == 200, published.text
    public = client.get(f"{COMPLAINTS}/{payload['id']}").json()  # once published, the attacker copies it all
    assert (public["description"], public["category"]) == (payload["description"], payload["category"])

    attacker = sign_in(client, "comite@vigia.example")
    victims_tablet = sign_in(client, "voluntaria@vigia.example", name="Tableta")
    changed = {**payload, "description": payload["description"] + " Y ahora más."}
    for phone in (attacker, victims_tablet):
        for sent in (payload, changed):
            taken = _one(client, phone, mutation("complaint.file", sent))
            assert taken["status"] == "rejected" and taken["error"]["code"] == "complaint_id_taken"
            assert taken["record"] is None and code not in str(taken)
            assert _one(client, phone, mutation("complaint.file", sent))["status"] == "rejected"
    withdrawal = mutation("complaint.withdraw", {"complaint_id": payload["id"], "reason": "ya no importa"})
    assert _one(client, attacker, withdrawal)["error"]["code"] == "not_the_reporter"
    assert client.get(f"{COMPLAINTS}/{payload['id']}").json()["state"] == "received"


def test_the_filing_device_gets_its_code_on_replays_and_on_its_own_resends(client, session) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    payload = complaint_payload(anonymous=True)
    sent = mutation("complaint.file", payload)
    first = _one(client, phone, sent)
    assert _one(client, phone, sent) == first
    resent = _one(client, phone, mutation("complaint.file", payload))  # same complaint, a new mutation id
    assert resent["status"] == "applied" and resent["data"]["follow_up_code"] == first["data"]["follow_up_code"]
    assert resent["data"]["folio"] == first["data"]["folio"]
    stored = session.scalars(sa.select(Mutation.result).where(Mutation.device_id == phone.device_id)).all()
    assert len(stored) == 2 and first["data"]["follow_up_code"] not in str(stored)  # derived, never stored
