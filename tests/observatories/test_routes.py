"""The observatories API as its users see it: public reads without contact data, accreditation enforced on
publishing and recording, tenancy, and bad input answered with the one error shape."""

from __future__ import annotations

import sqlalchemy as sa

from server.auth import service as auth
from server.works.models import Work
from tests.factories import ago, bearer, municipality, token_for
from tests.observatories.conftest import BASE, CITIZEN, SCHOLARSHIPS, SECURITY
from tests.test_app import assert_error_shape

FINDING = {"title": "Luminarias apagadas en la avenida", "text": "En el recorrido de anoche contamos 12 apagadas."}
CONTACTS = ["correo.example", "618 100", "lucia.herrera", "contralora.prueba"]


def _staff(session) -> dict[str, str]:
    return bearer(token_for(session, "contraloria@vigia.example"))


def _indicator(client) -> str:
    return client.get(f"{BASE}/{SECURITY}").json()["indicators"][0]["id"]


def test_public_list_and_detail(client) -> None:
    listed = client.get(BASE).json()
    assert len(listed) == 5
    assert {item["theme"] for item in listed} == {"public_security", "scholarships", "brick_kiln_relocation",
                                                  "water", "public_works"}
    assert sum(item["accredited_members"] for item in listed) == 9  # 11 accredited: one expired, one revoked
    assert [item["name"] for item in client.get(BASE, params={"theme": "water"}).json()] == [
        "Observatorio Ciudadano del Agua"]
    detail = client.get(f"{BASE}/{SECURITY}").json()
    assert [work["identifier"] for work in detail["works"]] == ["OP-2025-038", "OP-2026-039", "OP-2026-040"]
    statuses = {member["name"]: member["accreditation_status"] for member in detail["members"]}
    assert statuses["Lucía Herrera Avitia"] == "valid"
    assert statuses["Héctor Nevárez Soto"] == "none"
    assert statuses[None] == "expired"  # Óscar Valles did not consent: no name, but his status shows
    assert detail["findings"][0]["author"] == "Lucía Herrera Avitia"
    revoked = client.get(f"{BASE}/0192f0b5-0000-7000-8000-000000000003").json()["members"]
    assert {m["name"]: m["accreditation_status"] for m in revoked}["Isabel Corral Pacheco"] == "revoked"


def test_no_public_response_reveals_contact_data(client, session, comptroller_with) -> None:
    comptroller_with(ago(300), ago(-400))
    indicator = _indicator(client)
    finding = client.get(f"{BASE}/{SECURITY}/findings").json()[0]["id"]
    outsider = bearer(token_for(session, "contraloria.gomez@vigia.example"))
    urls = [BASE, f"{BASE}/{SECURITY}", f"{BASE}/{SECURITY}/findings", f"{BASE}/{SECURITY}/findings/{finding}",
            f"{BASE}/{SECURITY}/indicators/{indicator}/observations"]
    for observatory in client.get(BASE).json():
        urls.append(f"{BASE}/{observatory['id']}")
    for url in urls:
        for headers in ({}, outsider, bearer(token_for(session, CITIZEN))):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            for secret in CONTACTS:
                assert secret not in response.text, (url, secret)
            assert "contact" not in response.text and "user_id" not in response.text
    # staff see the contacts
    private = client.get(f"{BASE}/{SECURITY}/members", headers=_staff(session)).json()
    assert any(member["contact_email"] == "lucia.herrera@correo.example" for member in private)


def test_an_accredited_citizen_comptroller_publishes_and_records(client, session) -> None:
    headers = bearer(token_for(session, CITIZEN))
    published = client.post(f"{BASE}/{SECURITY}/findings", headers=headers, json=FINDING)
    assert published.status_code == 201, published.text
    assert published.json()["author"] == "Lucía Herrera Avitia"
    assert client.get(f"{BASE}/{SECURITY}/findings/{published.json()['id']}").json()["title"] == FINDING["title"]
    indicator = _indicator(client)
    recorded = client.post(f"{BASE}/{SECURITY}/indicators/{indicator}/observations", headers=headers,
                           json={"observed_on": ago(0), "value": "125", "source": "citizen"})
    assert recorded.status_code == 201, recorded.text
    history = client.get(f"{BASE}/{SECURITY}/indicators/{indicator}/observations").json()
    assert [(row["value"], row["source"]) for row in history][-1] == ("125", "citizen")
    assert len(history) == 3 and history[0]["value"] == "18.5"
    # accredited in one observatory is not accredited in another
    elsewhere = client.post(f"{BASE}/{SCHOLARSHIPS}/findings", headers=headers, json=FINDING)
    assert elsewhere.status_code == 403 and elsewhere.json()["error"]["code"] == "accreditation_required"


def test_expired_accreditation_is_refused_while_the_role_remains(client, session, comptroller_with) -> None:
    token, _, _ = comptroller_with(ago(800), ago(400))
    headers = bearer(token)
    assert "citizen_comptroller" in str(client.get("/api/v1/auth/me", headers=headers).json()["roles"])
    for url, body in ((f"{BASE}/{SECURITY}/findings", FINDING),
                      (f"{BASE}/{SECURITY}/indicators/{_indicator(client)}/observations",
                       {"observed_on": ago(0), "value": "1"})):
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == 403
        assert_error_shape(response, 403, "accreditation_required")
        assert "venció o fue revocada" in response.json()["error"]["message"]
    english = client.post(f"{BASE}/{SECURITY}/findings", headers={**headers, "Accept-Language": "en"}, json=FINDING)
    assert "expired or been revoked" in english.json()["error"]["message"]


def test_revocation_removes_the_right_and_shows_in_public(client, session, comptroller_with) -> None:
    token, member_id, accreditation_id = comptroller_with(ago(300), ago(-400))
    headers = bearer(token)
    assert client.post(f"{BASE}/{SECURITY}/findings", headers=headers, json=FINDING).status_code == 201
    revoked = client.post(f"{BASE}/{SECURITY}/accreditations/{accreditation_id}/revoke", headers=_staff(session),
                          json={"reason": "Uso indebido de la credencial"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    refused = client.post(f"{BASE}/{SECURITY}/findings", headers=headers, json=FINDING)
    assert_error_shape(refused, 403, "accreditation_required")
    again = client.post(f"{BASE}/{SECURITY}/accreditations/{accreditation_id}/revoke", headers=_staff(session),
                        json={"reason": "Otra vez por error"})
    assert again.status_code == 409
    entries = client.get("/api/v1/municipalities/10005/audit/entries", params={"entity": "accreditation"}).text
    assert str(accreditation_id) in entries and "indebido" not in entries


def test_staff_manage_observatories_members_and_accreditations(client, session) -> None:
    staff = _staff(session)
    work = session.scalar(sa.select(Work.id).where(Work.municipality_id == municipality(session).id).limit(1))
    created = client.post(BASE, headers=staff, json={"name": "Observatorio de Movilidad", "theme": "mobility",
                                                     "programs": ["Movilidad Sustentable"], "work_ids": [str(work)]})
    assert created.status_code == 201, created.text
    observatory = created.json()
    assert observatory["works"][0]["id"] == str(work)
    edited = client.patch(f"{BASE}/{observatory['id']}", headers=staff, json={"version": 1, "description": "Nueva"})
    assert edited.json()["version"] == 2
    stale = client.patch(f"{BASE}/{observatory['id']}", headers=staff, json={"version": 1, "description": "Vieja"})
    assert_error_shape(stale, 409, "stale_version")
    member = client.post(f"{BASE}/{observatory['id']}/members", headers=staff,
                         json={"full_name": "Persona Sin Cuenta", "contact_phone": "618 123 4567"}).json()
    assert member["user_id"] is None and member["accreditation_status"] == "none"
    url = f"{BASE}/{observatory['id']}/members/{member['id']}/accreditations"
    body = {"number": "MOV-001", "issuer": "Contraloría Municipal", "valid_from": ago(300),
            "valid_to": ago(-400)}
    accredited = client.post(url, headers=staff, json=body)
    assert accredited.status_code == 201 and accredited.json()["accreditation_status"] == "valid"
    assert_error_shape(client.post(url, headers=staff, json=body), 409, "accreditation_number_taken")
    duplicate_demo = client.post(url, headers=staff, json={**body, "number": "OC-DGO-2026-001"})
    assert duplicate_demo.status_code == 409
    indicator = client.post(f"{BASE}/{observatory['id']}/indicators", headers=staff,
                            json={"key": "viajes_en_bici", "name": "Viajes en bicicleta", "unit": "viajes/día"})
    assert indicator.status_code == 201
    assert client.post(f"{BASE}/{observatory['id']}/indicators", headers=staff,
                       json={"key": "viajes_en_bici", "name": "Otro", "unit": "x"}).status_code == 409
    assert client.post(BASE, headers=staff, json={"name": "Observatorio de Movilidad",
                                                  "theme": "mobility"}).status_code == 409


def test_bad_input(client, session) -> None:
    staff = _staff(session)
    member = client.get(f"{BASE}/{SECURITY}/members", headers=staff).json()[0]["id"]
    url = f"{BASE}/{SECURITY}/members/{member}/accreditations"
    backwards = client.post(url, headers=staff, json={"number": "X-1", "issuer": "Contraloría",
                                                      "valid_from": "2026-05-01", "valid_to": "2026-04-30"})
    assert_error_shape(backwards, 422, "validation_error")
    assert backwards.status_code == 422
    unknown_work = client.post(BASE, headers=staff, json={"name": "Observatorio X", "theme": "otro",
                                                          "work_ids": ["00000000-0000-7000-8000-000000000000"]})
    assert_error_shape(unknown_work, 422, "observatory_work_unknown")
    assert unknown_work.json()["error"]["details"][0]["field"] == "work_ids.0"
    other_work = session.scalar(sa.select(Work.id).where(Work.municipality_id == municipality(session, "10007").id)
                                .limit(1))
    if other_work is not None:
        assert client.post(BASE, headers=staff, json={"name": "Observatorio Y", "theme": "otro",
                                                      "work_ids": [str(other_work)]}).status_code == 422
    bad_evidence = client.post(f"{BASE}/{SECURITY}/findings", headers=staff, json={
        **FINDING, "evidence_links": [{"kind": "work", "id": "00000000-0000-7000-8000-000000000000"}]})
    assert_error_shape(bad_evidence, 422, "evidence_unknown")
    for body in ({**FINDING, "evidence_links": [{"url": "ftp://x"}]}, {**FINDING, "published_on": "2999-01-01"},
                 {"title": "x"}):
        assert client.post(f"{BASE}/{SECURITY}/findings", headers=staff, json=body).status_code == 422
    indicator = _indicator(client)
    for body in ({"observed_on": "2026-01-01", "value": "abc"}, {"observed_on": "2999-01-01", "value": "1"},
                 {"observed_on": "2026-01-01", "value": "1", "source": "rumor"}):
        response = client.post(f"{BASE}/{SECURITY}/indicators/{indicator}/observations", headers=staff, json=body)
        assert response.status_code == 422, body
    assert client.post(BASE, headers=staff, json={"name": "Obs", "theme": "Not A Slug!"}).status_code == 422
    assert client.get(BASE, params={"theme": "NO SLUG"}).status_code == 422
    assert client.post(BASE, headers=staff, content=b"{no json").status_code == 400


def test_tenancy(client, session) -> None:
    other = "/api/v1/municipalities/10007/observatories"
    assert client.get(other).json() == []
    for url in (f"{other}/{SECURITY}", f"{other}/{SECURITY}/findings",
                f"{other}/{SECURITY}/indicators/{_indicator(client)}/observations",
                f"{BASE}/{SECURITY}/indicators/00000000-0000-7000-8000-000000000000/observations",
                f"{BASE}/{SECURITY}/findings/00000000-0000-7000-8000-000000000000",
                "/api/v1/municipalities/99999/observatories"):
        assert client.get(url).status_code == 404, url
    gomez = bearer(token_for(session, "admin.gomez@vigia.example"))
    own = client.post(other, headers=gomez, json={"name": "Observatorio de Gómez", "theme": "water"}).json()
    assert client.get(f"{BASE}/{own['id']}").status_code == 404
    staff = _staff(session)
    assert client.get(f"{BASE}/{own['id']}/members", headers=staff).status_code == 404
    # a member of another observatory cannot be accredited through this one
    member = client.get(f"{BASE}/{SECURITY}/members", headers=staff).json()[0]["id"]
    response = client.post(f"{BASE}/{SCHOLARSHIPS}/members/{member}/accreditations", headers=staff,
                           json={"number": "Z-1", "issuer": "Contraloría", "valid_from": "2026-01-01",
                                 "valid_to": "2026-12-31"})
    assert_error_shape(response, 404, "observatory_member_not_found")
    # a citizen comptroller of 10005 is nobody in 10007
    citizen = bearer(token_for(session, CITIZEN))
    assert client.post(f"{other}/{own['id']}/findings", headers=citizen, json=FINDING).status_code == 403
    user = auth.get_by_email(session, CITIZEN)
    assert user is not None


def test_a_photo_linked_as_evidence_shows_publicly_once_a_moderator_publishes_it(client, session) -> None:
    from tests.committees.helpers import photo_id

    staff = _staff(session)
    photo, work = str(photo_id(session)), str(session.scalar(
        sa.select(Work.id).where(Work.municipality_id == municipality(session).id).limit(1)))
    links = [{"kind": "photo", "id": photo}, {"kind": "work", "id": work}]
    created = client.post(f"{BASE}/{SECURITY}/findings", headers=staff, json={**FINDING, "evidence_links": links})
    assert created.status_code == 201, created.text
    url = f"{BASE}/{SECURITY}/findings/{created.json()['id']}"
    shown = client.get(url).json()
    assert shown["evidence_links"] == [{"kind": "work", "id": work}]
    assert photo not in str(client.get(f"{BASE}/{SECURITY}/findings").json())

    decided = client.post(f"/api/v1/municipalities/10005/photos/{photo}/moderation", headers=staff,
                          json={"decision": "approve", "reason": "Sin rostros ni placas"})
    assert decided.status_code == 200, decided.text
    assert client.get(url).json()["evidence_links"] == links
