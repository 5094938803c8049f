"""Filing complaints as citizens do: signed in or anonymous, from flaky phones that send twice."""

from __future__ import annotations

import uuid

from tests.factories import CENTRO, bearer, complaint_body, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"


def test_anonymous_filing_gives_a_folio_and_a_secret_code(client) -> None:
    response = client.post(BASE, json=complaint_body(anonymous=True, contact={"email": "vecina@correo.example"}))
    assert response.status_code == 201, response.text
    filed = response.json()
    folio, code = filed["complaint"]["folio"], filed["follow_up_code"]
    assert folio.startswith("10005-") and len(code) == 11 and code.count("-") == 2  # "K7Q-M4P-X9D"
    assert filed["complaint"]["state"] == "received" and filed["complaint"]["zone"] == "Zona Centro"
    assert filed["complaint"]["due_on"] > filed["complaint"]["received_on"]
    assert "vecina@correo.example" not in response.text
    followed = client.post(BASE + "/follow-up", json={"folio": folio, "code": code})
    assert followed.status_code == 200 and followed.json()["id"] == filed["complaint"]["id"]
    wrong = client.post(BASE + "/follow-up", json={"folio": folio, "code": "x" * 12})
    assert_error_shape(wrong, 404, "follow_up_not_found")


def test_a_complaint_reads_in_the_language_asked_for_by_the_public_and_by_staff(client, session) -> None:
    filed = client.post(BASE, json=complaint_body(anonymous=True)).json()["complaint"]
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    for headers in ({}, staff):
        english = client.get(f"{BASE}/{filed['id']}", headers={**headers, "Accept-Language": "en"}).json()
        spanish = client.get(f"{BASE}/{filed['id']}", headers={**headers, "Accept-Language": "es"}).json()
        assert (english["state_label"], spanish["state_label"]) == ("Received", "Recibida")
        assert ("business_days_left" in english) == bool(headers)  # the staff view, and only for staff


def test_the_comptroller_sees_the_contact_as_given_whichever_parts_were_given(client, session) -> None:
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    for given in ({"email": "solo.correo@correo.example"}, {"phone": "618 555 0101"},
                  {"name": "Rosaura Gámiz", "email": "rg@correo.example", "phone": "618 555 0102"}, {}):
        filed = client.post(BASE, json=complaint_body(anonymous=True, contact=given or None)).json()["complaint"]
        me = client.get("/api/v1/auth/me", headers=staff).json()["id"]  # the contact: only to who handles it
        assert client.patch(f"{BASE}/{filed['id']}", headers=staff,
                            json={"version": 1,
                                  "assignee_id": me}).status_code == 200
        seen = client.get(f"{BASE}/{filed['id']}", headers=staff).json()
        expected = {"name": None, "email": None, "phone": None, **given} if given else None
        assert seen["contact"] == expected
        assert seen["accuracy_m"] == 6.5  # how far to trust the point, for whoever goes to look
        assert seen["received_on"] < seen["referral_due_on"] <= seen["due_on"]  # five business days to refer it
        assert "contact" not in client.get(f"{BASE}/{filed['id']}").json()


def test_sending_the_same_complaint_twice_files_it_once(client, session) -> None:
    headers = bearer(token_for(session, "voluntaria@vigia.example"))
    body = complaint_body(id=str(uuid.uuid4()))
    first = client.post(BASE, json=body, headers=headers)
    second = client.post(BASE, json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["complaint"]["folio"] == second.json()["complaint"]["folio"]
    mine = client.get(BASE + "/mine", headers=headers).json()
    assert [c["id"] for c in mine].count(body["id"]) == 1
    other = client.post(BASE, json={**body, "description": "Otra cosa distinta que pasó en otro lugar."},
                        headers=headers)
    assert_error_shape(other, 409, "complaint_id_taken")


def test_bad_locations_and_input(client) -> None:
    outside = client.post(BASE, json=complaint_body(anonymous=True, location={"type": "Point",
                                                                              "coordinates": [-103.498, 25.565]}))
    assert assert_error_shape(outside, 422, "point_in_other_municipality")["details"][0]["field"] == "location"
    swapped = client.post(BASE, json=complaint_body(anonymous=True, location={"type": "Point",
                                                                              "coordinates": [CENTRO[1], CENTRO[0]]}))
    assert_error_shape(swapped, 422, "coordinates_look_swapped")
    absurd = client.post(BASE, json=complaint_body(anonymous=True, accuracy_m=25_000))
    assert assert_error_shape(absurd, 422, "validation_error")["details"][0]["field"] == "accuracy_m"
    unknown = client.post(BASE, json=complaint_body(anonymous=True, category="baches"))
    assert "baches" in assert_error_shape(unknown, 422, "unknown_category")["message"]
    anonymous_needed = client.post(BASE, json=complaint_body())
    assert_error_shape(anonymous_needed, 422, "anonymous_required")
    short = client.post(BASE, json=complaint_body(anonymous=True, description="mal"))
    assert assert_error_shape(short, 422, "validation_error")["details"][0]["field"] == "description"
    bad_attribute = client.post(BASE, json=complaint_body(anonymous=True, attributes={"elemento": "techo"}))
    assert_error_shape(bad_attribute, 422, "attribute_value_unknown")
    foreign_work = client.post(BASE, json=complaint_body(anonymous=True, work_id=str(uuid.uuid4())))
    assert_error_shape(foreign_work, 404, "work_not_found")
    photo = client.post(BASE, json=complaint_body(anonymous=True, photo_ids=[str(uuid.uuid4())]))
    assert photo.status_code == 404


def test_suggestions_before_filing_and_support_instead_of_duplicating(client, session) -> None:
    from tests.factories import make_work, point

    here = make_work(session, title="Banqueta de la calle Negrete", geometry=point(*CENTRO))
    first = client.post(BASE, json=complaint_body(anonymous=True)).json()["complaint"]
    suggested = client.get(BASE + f"/suggestions?lon={CENTRO[0]}&lat={CENTRO[1]}&category=obra-calidad").json()
    assert first["id"] in [c["id"] for c in suggested["duplicates"]]
    assert str(here.id) in [w["id"] for w in suggested["works"]]  # the work right there is suggested
    assert all(w["distance_m"] <= 100 for w in suggested["works"])
    elsewhere = client.get(BASE + "/suggestions?lon=-104.6200&lat=24.0500&category=obra-calidad").json()
    assert first["id"] not in [c["id"] for c in elsewhere["duplicates"]]
    other_category = client.get(BASE + f"/suggestions?lon={CENTRO[0]}&lat={CENTRO[1]}&category=sugerencia").json()
    assert first["id"] not in [c["id"] for c in other_category["duplicates"]]

    headers = bearer(token_for(session, "comite@vigia.example"))
    supported = client.post(BASE + f"/{first['id']}/support", json={}, headers=headers)
    assert supported.status_code == 200 and supported.json()["support_count"] == 1
    again = client.post(BASE + f"/{first['id']}/support", json={}, headers=headers)
    assert again.json()["support_count"] == 1  # supporting twice counts once
    anonymous = client.post(BASE + f"/{first['id']}/support", json={"supporter_key": "telefono-1234"})
    assert anonymous.json()["support_count"] == 2
    assert_error_shape(client.post(BASE + f"/{first['id']}/support", json={}), 422, "supporter_key_required")


def test_the_reporter_clarifies_and_withdraws(client, session) -> None:
    filed = client.post(BASE, json=complaint_body(anonymous=True)).json()
    complaint, code = filed["complaint"], filed["follow_up_code"]
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    asked = client.post(BASE + f"/{complaint['id']}/transitions", headers=staff, json={
        "to": "needs_clarification", "reason": "Falta la ubicación exacta",
        "public_answer": "Indique entre qué calles está la banqueta."})
    assert asked.status_code == 200 and asked.json()["clarification_due_on"]
    clarified = client.post(BASE + "/information", json={"folio": complaint["folio"], "code": code,
                                                         "text": "Está entre Negrete y Aquiles Serdán."})
    assert clarified.status_code == 200 and clarified.json()["state"] == "received"
    assert clarified.json()["updates"][-1]["to_state"] == "received"
    withdrawn = client.post(BASE + "/withdraw", json={"folio": complaint["folio"], "code": code,
                                                      "reason": "Ya la arreglaron"})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert_error_shape(client.post(BASE + "/withdraw", json={"folio": complaint["folio"], "code": code,
                                                             "reason": "otra vez"}), 409, "transition_to_same_state")


def test_a_signed_in_person_filing_anonymously_can_resend(client, session) -> None:
    headers = bearer(token_for(session, "voluntaria@vigia.example"))
    body = complaint_body(id=str(uuid.uuid4()), anonymous=True)
    first = client.post(BASE, json=body, headers=headers)
    second = client.post(BASE, json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["complaint"]["id"] == second.json()["complaint"]["id"]
    mine = [c["id"] for c in client.get(BASE + "/mine", headers=headers).json()]
    assert body["id"] not in mine  # anonymous: not tied to the account
