"""Committees over HTTP: the public register never shows contact data, names only with consent; bad input and
other municipalities' ids get the one error shape."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from server.committees.models import Member
from tests.committees.helpers import COORDINATOR, DEMO_COMMITTEE, area, days_ago
from tests.factories import CENTRO, bearer, make_work, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/committees"


def coordinator(session) -> dict[str, str]:
    return bearer(token_for(session, COORDINATOR))


def _contacts(session) -> list[str]:
    rows = session.execute(sa.select(Member.contact_phone, Member.contact_email)).all()
    return [value for row in rows for value in row if value]


def test_public_responses_never_carry_contact_data(client, session) -> None:
    contacts = _contacts(session)
    assert len(contacts) > 100  # the demo members have phones and most have emails
    listed = client.get(BASE)
    assert listed.status_code == 200 and len(listed.json()) >= 20
    texts = [listed.text, client.get(f"{BASE}/parity").text]
    for item in listed.json():
        texts.append(client.get(f"{BASE}/{item['id']}").text)
        texts.append(client.get(f"{BASE}/{item['id']}/parity").text)
    everything = "\n".join(texts)
    assert not [value for value in contacts if value in everything]
    assert "contact" not in everything and "@" not in everything


def test_names_only_with_consent(client, session) -> None:
    from server.committees import members
    from server.committees.schemas import MemberCreate
    from tests.committees.helpers import coordinator as coordinator_actor
    from tests.factories import municipality

    committee = uuid.UUID(DEMO_COMMITTEE)
    members.add(session, actor=coordinator_actor(session), municipality=municipality(session), committee_id=committee,
                data=MemberCreate(full_name="Eulalia Reservada Prueba", sex="F", role="member_at_large",
                                  consent_public=False, start_on=days_ago(session, 1)))
    session.flush()
    rows = session.scalars(sa.select(Member).where(Member.committee_id == committee, Member.end_on.is_(None))).all()
    shown = client.get(f"{BASE}/{committee}").json()
    names = sorted(m["name"] for m in shown["active_members"])
    expected = sorted(m.full_name if m.consent_public else "Integrante" for m in rows)
    assert names == expected and "Joaquín Salas Ibarra" in names
    hidden = [m.full_name for m in rows if not m.consent_public]
    assert "Eulalia Reservada Prueba" in hidden
    assert all(name not in json.dumps(shown, ensure_ascii=False) for name in hidden)
    assert shown["works"] and shown["works"][0]["identifier"] == "OP-2025-001"
    assert [e["to_state"] for e in shown["timeline"]] == ["draft", "constituted", "registered", "active"]


def test_create_edit_transition_and_members_over_http(client, session) -> None:
    headers = coordinator(session)
    work = make_work(session)
    created = client.post(BASE, headers=headers, json={"name": "Comité HTTP de prueba", "kind": "works",
                                                       "work_ids": [str(work.id)], "service_area": area()})
    assert created.status_code == 201, created.text
    committee = created.json()
    assert committee["state"] == "draft" and committee["service_area"]["type"] == "MultiPolygon"
    assert client.get(f"{BASE}/{committee['id']}").status_code == 404  # drafts are not public
    assert client.get(f"{BASE}/{committee['id']}", headers=headers).status_code == 200
    step = client.post(f"{BASE}/{committee['id']}/transitions", headers=headers,
                       json={"to": "constituted", "on": days_ago(session, 3).isoformat(), "document": "Acta"})
    assert step.status_code == 200 and step.json()["state"] == "constituted"
    added = client.post(f"{BASE}/{committee['id']}/members", headers=headers, json={
        "full_name": "Dolores Sintética", "sex": "F", "role": "chair", "start_on": days_ago(session, 3).isoformat(),
        "contact_phone": "618 111 2233", "consent_public": False})
    assert added.status_code == 201 and added.json()["contact_phone"] == "618 111 2233"
    public = client.get(f"{BASE}/{committee['id']}").json()
    assert public["active_members"] == [{"name": "Integrante", "role": "chair",
                                         "start_on": days_ago(session, 3).isoformat()}]
    stale = client.patch(f"{BASE}/{committee['id']}", headers=headers, json={"version": 1, "name": "Otro"})
    assert_error_shape(stale, 409, "stale_version")
    wrong = client.post(f"{BASE}/{committee['id']}/transitions", headers=headers,
                        json={"to": "concluded", "on": days_ago(session, 1).isoformat(), "document": "Acta"})
    assert_error_shape(wrong, 409, "committee_transition_not_allowed")
    again = client.post(f"{BASE}/{committee['id']}/transitions", headers=headers,
                        json={"to": "constituted", "on": days_ago(session, 1).isoformat(), "document": "Acta"})
    assert_error_shape(again, 409, "committee_already_in_state")
    assert again.json()["error"]["message"] == "El comité ya está constituido."


def test_bad_input_gets_the_error_shape(client, session) -> None:
    headers = coordinator(session)
    outside = client.post(BASE, headers=headers, json={"name": "Comité fuera", "kind": "works",
                                                       "service_area": area(-120.0, 10.0)})
    assert assert_error_shape(outside, 422, "geometry_outside_municipality")["details"][0]["field"] == "service_area"
    unknown = client.post(BASE, headers=headers, json={"name": "Comité sin obra", "kind": "works",
                                                       "work_ids": [str(uuid.uuid4())]})
    assert_error_shape(unknown, 422, "committee_work_not_found")
    kind = client.post(BASE, headers=headers, json={"name": "Comité raro", "kind": "otro"})
    assert assert_error_shape(kind, 422, "validation_error")["details"][0]["field"] == "kind"
    broken = client.post(BASE, headers={**headers, "content-type": "application/json"}, content=b"{nope")
    assert_error_shape(broken, 400, "invalid_json")
    outside_point = client.post(f"{BASE}/{DEMO_COMMITTEE}/meetings", headers=headers, json={
        "held_on": days_ago(session, 1).isoformat(), "place": {"type": "Point", "coordinates": [-120.0, 10.0]}})
    assert_error_shape(outside_point, 422, "point_outside_municipality")
    english = client.get(f"{BASE}/{uuid.uuid4()}", headers={"accept-language": "en"})
    assert assert_error_shape(english, 404, "committee_not_found")["message"].startswith("There is no such committee")


def test_other_municipalities_ids_are_not_found(client, session) -> None:
    gomez = bearer(token_for(session, "admin.gomez@vigia.example"))
    other = "/api/v1/municipalities/10007/committees"
    assert_error_shape(client.get(f"{other}/{DEMO_COMMITTEE}"), 404, "committee_not_found")
    assert_error_shape(client.get(f"{other}/{DEMO_COMMITTEE}/members", headers=gomez), 404, "committee_not_found")
    moved = client.post(f"{other}/{DEMO_COMMITTEE}/transitions", headers=gomez,
                        json={"to": "concluded", "on": days_ago(session, 1).isoformat(), "document": "Acta"})
    assert_error_shape(moved, 404, "committee_not_found")
    work = make_work(session, code="10007")
    linked = client.patch(f"{BASE}/{DEMO_COMMITTEE}", headers=coordinator(session),
                          json={"version": 1, "work_ids": [str(work.id)]})
    assert_error_shape(linked, 422, "committee_work_not_found")


def test_a_member_sees_their_committee_but_not_contacts_of_others(client, session) -> None:
    joaquin = bearer(token_for(session, "comite@vigia.example"))
    listed = client.get(f"{BASE}/{DEMO_COMMITTEE}/members", headers=joaquin)
    assert listed.status_code == 200
    for member in listed.json():
        own = member["full_name"] == "Joaquín Salas Ibarra"
        assert (member["contact_email"] is not None) == own
    meetings = client.get(f"{BASE}/{DEMO_COMMITTEE}/meetings", headers=joaquin).json()
    assert meetings and meetings[0]["minutes"] and meetings[0]["agreements"]
    overdue = client.get(f"{BASE}/{DEMO_COMMITTEE}/agreements?overdue=true", headers=joaquin).json()
    assert overdue and all(a["overdue"] for a in overdue)
    others = client.get(BASE).json()
    elsewhere = next(c["id"] for c in others if c["id"] != DEMO_COMMITTEE)
    assert_error_shape(client.get(f"{BASE}/{elsewhere}/meetings", headers=joaquin), 403, "forbidden")
    assert_error_shape(client.get(f"{BASE}/{elsewhere}/members"), 401, "auth_required")


def test_meeting_recorded_by_a_member_with_its_place(client, session) -> None:
    joaquin = bearer(token_for(session, "comite@vigia.example"))
    recorded = client.post(f"{BASE}/{DEMO_COMMITTEE}/meetings", headers=joaquin, json={
        "held_on": days_ago(session, 1).isoformat(), "place": {"type": "Point", "coordinates": list(CENTRO)},
        "minutes": "Recorrido por la obra", "agreements": [{"text": "Pedir la bitácora",
                                                            "due_on": days_ago(session, 0).isoformat()}]})
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["agreements"][0]["status"] == "pending"


def test_the_certificate_photo_is_named_publicly_only_once_a_moderator_publishes_it(client, session) -> None:
    from tests.committees.helpers import make_committee

    committee = make_committee(session, state="registered")
    url = f"{BASE}/{committee.id}"
    coordinator_view = client.get(url, headers=coordinator(session)).json()
    certificate = next(e["photo_id"] for e in coordinator_view["timeline"] if e["to_state"] == "registered")
    assert certificate is not None  # the coordinator who uploaded it sees it named

    public = client.get(url).json()
    assert [e["photo_id"] for e in public["timeline"]] == [None, None, None]
    assert certificate not in json.dumps(public)

    moderator = bearer(token_for(session, "contraloria@vigia.example"))
    answer = client.post(f"/api/v1/municipalities/10005/photos/{certificate}/moderation", headers=moderator,
                         json={"decision": "approve", "reason": "Constancia oficial, sin datos personales"})
    assert answer.status_code == 200, answer.text
    public = client.get(url).json()
    assert next(e["photo_id"] for e in public["timeline"] if e["to_state"] == "registered") == certificate
