"""A complaint id filed again (docs/complaints.md, "Filing the same complaint again"): the filer's own resend is
answered as the first time, its follow-up code included; from anyone else, or with other content, it is `409
complaint_id_taken` and shows nobody's code. Complaint ids are public, so knowing one proves nothing."""

from __future__ import annotations

import uuid

import pytest

from server.auth.actor import ANONYMOUS
from server.complaints import filings, intake
from server.complaints.schemas import ComplaintCreate
from server.errors import Conflict
from tests.factories import bearer, complaint_body, municipality, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"


def _refused(response, *codes: str) -> None:
    assert_error_shape(response, 409, "complaint_id_taken")
    for code in codes:
        assert code not in response.text


def test_an_anonymous_complaint_filed_from_a_device_is_resent_only_by_that_device(client, session) -> None:
    phone = bearer(token_for(session, "voluntaria@vigia.example", "teléfono"))
    tablet = bearer(token_for(session, "voluntaria@vigia.example", "tableta"))
    stranger = bearer(token_for(session, "comite@vigia.example", "otro"))
    body = complaint_body(id=str(uuid.uuid4()), anonymous=True)
    first = client.post(BASE, json=body, headers=phone)
    assert first.status_code == 201, first.text
    code = first.json()["follow_up_code"]
    again = client.post(BASE, json=body, headers=phone)
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    assert again.json()["follow_up_code"] == code  # the reporter's own resend: as the first time
    for headers in (tablet, stranger, {}):  # the same public fields from anyone else
        _refused(client.post(BASE, json=body, headers=headers), code)
    changed = {**body, "description": body["description"] + " Ahora también hay basura."}
    _refused(client.post(BASE, json=changed, headers=phone), code)
    _refused(client.post(BASE, json={**body, "anonymous": False}, headers=phone), code)
    _refused(client.post(BASE, json={**body, "location": {"type": "Point", "coordinates": [-104.66, 24.03]}},
                         headers=phone), code)
    followed = client.post(BASE + "/follow-up", json={"folio": first.json()["complaint"]["folio"], "code": code})
    assert followed.status_code == 200 and followed.json()["state"] == "received"


def test_an_anonymous_filer_without_an_account_resends_with_its_device_key(client) -> None:
    body = complaint_body(id=str(uuid.uuid4()), anonymous=True, device_key="clave-del-telefono-de-rosa")
    first = client.post(BASE, json=body)
    again = client.post(BASE, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["follow_up_code"] == first.json()["follow_up_code"]
    code = first.json()["follow_up_code"]
    without_key = {key: value for key, value in body.items() if key != "device_key"}
    _refused(client.post(BASE, json=without_key), code)
    _refused(client.post(BASE, json={**body, "device_key": "clave-de-otro-telefono-x"}), code)
    assert_error_shape(client.post(BASE, json={**body, "id": str(uuid.uuid4()), "device_key": "corta"}), 422,
                       "validation_error")


def test_without_a_device_key_an_anonymous_resend_is_refused_and_codes_are_random(client) -> None:
    body = complaint_body(id=str(uuid.uuid4()), anonymous=True)
    first = client.post(BASE, json=body)
    assert first.status_code == 201
    _refused(client.post(BASE, json=body), first.json()["follow_up_code"])
    twin = client.post(BASE, json={**body, "id": str(uuid.uuid4())}).json()
    assert twin["follow_up_code"] != first.json()["follow_up_code"]


def test_a_signed_in_reporter_resends_from_any_of_their_devices_and_only_they_do(client, session) -> None:
    phone = bearer(token_for(session, "voluntaria@vigia.example", "teléfono"))
    tablet = bearer(token_for(session, "voluntaria@vigia.example", "tableta"))
    body = complaint_body(id=str(uuid.uuid4()))
    first = client.post(BASE, json=body, headers=phone)
    assert first.status_code == 201 and first.json()["follow_up_code"] is None
    assert client.post(BASE, json=body, headers=tablet).status_code == 200  # the account is the reporter
    _refused(client.post(BASE, json=body, headers=bearer(token_for(session, "comite@vigia.example"))))
    _refused(client.post(BASE, json=body))
    _refused(client.post(BASE, json={**body, "anonymous": True}, headers=phone))


def test_the_code_is_neither_the_complaints_id_nor_derivable_without_the_filer(session) -> None:
    place = municipality(session)
    data = ComplaintCreate.model_validate(complaint_body(id=str(uuid.uuid4()), anonymous=True))
    filed = intake.file(session, actor=ANONYMOUS, municipality=place, data=data, filer="device:uno")
    assert filed.follow_up_code == filings.follow_up_code(data.id, "device:uno")
    assert filed.follow_up_code != filings.follow_up_code(data.id, "device:dos")
    with pytest.raises(Conflict) as refused:
        intake.file(session, actor=ANONYMOUS, municipality=place, data=data, filer="device:dos")
    assert refused.value.code == "complaint_id_taken"
    again = intake.file(session, actor=ANONYMOUS, municipality=place, data=data, filer="device:uno")
    assert (again.created, again.follow_up_code) == (False, filed.follow_up_code)
