"""The comptroller's desk: queue, transitions with deadlines, bulk moves, notes, merges, and the audit trail."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.audit import service as audit
from server.auth import service as auth
from server.complaints import deadlines
from tests.factories import bearer, complaint_body, municipality, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"
MONTERREY = ZoneInfo("America/Monterrey")  # the demo municipality's time zone


def staff(session) -> dict[str, str]:
    return bearer(token_for(session, "contraloria@vigia.example"))


def file(client, **fields) -> dict:
    response = client.post(BASE, json=complaint_body(anonymous=True, **fields))
    assert response.status_code == 201, response.text
    return response.json()["complaint"]


def move(client, headers, complaint_id, to, **fields):
    return client.post(f"{BASE}/{complaint_id}/transitions", headers=headers,
                       json={"to": to, "reason": fields.pop("reason", "Revisado por la contraloría"), **fields})


def test_the_queue_puts_overdue_complaints_first_and_counts_states(client, session) -> None:
    page = client.get(BASE + "?limit=200&include_closed=true", headers=staff(session)).json()
    items = page["items"]
    overdue = [item for item in items if item["overdue"]]
    assert overdue, "the demo data has overdue complaints"
    assert items[:len(overdue)] == overdue  # every overdue complaint before any other
    assert all(item["business_days_left"] < 0 for item in overdue)
    assert page["total"] == len(items) == sum(page["counts"].values())
    assert set(page["counts"]) >= {"received", "needs_clarification", "admitted", "inadmissible", "referred",
                                   "under_investigation", "extended", "resolved", "closed", "reopened", "withdrawn"}
    only = client.get(BASE + "?overdue=true", headers=staff(session)).json()
    assert {item["id"] for item in only["items"]} == {item["id"] for item in overdue}
    assert only["counts"] == client.get(BASE + "?overdue=true&state=received", headers=staff(session)).json()["counts"]
    waiting, admitted = file(client), file(client)
    assert move(client, staff(session), admitted["id"], "admitted").status_code == 200
    received = client.get(BASE + "?state=received&kind=complaint&limit=200", headers=staff(session)).json()
    ids = [item["id"] for item in received["items"]]
    assert waiting["id"] in ids and admitted["id"] not in ids
    assert all(item["state"] == "received" and item["kind"] == "complaint" for item in received["items"])
    _due(session, waiting["id"], days=1)
    soon = client.get(BASE + "?due_within_days=5&limit=200", headers=staff(session)).json()
    assert waiting["id"] in [item["id"] for item in soon["items"]]
    assert all(item["business_days_left"] <= 5 for item in soon["items"])


def _due(session, complaint_id: str, *, days: int) -> None:
    """Move a complaint's term to `days` calendar days from the municipality's today."""
    from datetime import timedelta

    from server.complaints import service
    from server.complaints.models import Complaint

    complaint = session.get(Complaint, uuid.UUID(complaint_id))
    complaint.due_on = service.today_in(municipality(session)) + timedelta(days=days)
    session.flush()


def test_overdue_and_business_days_left_never_disagree(client, session, time_machine) -> None:
    # Filed on Friday 8 January 2027: 15 business days end on Friday 29 January. Monday 1 February is a holiday
    # (Día de la Constitución), so over that weekend the first working day is Tuesday 2 February.
    time_machine.move_to(datetime(2027, 1, 8, 10, 0, tzinfo=MONTERREY), tick=False)
    complaint = file(client)
    assert complaint["due_on"] == "2027-01-29"
    expected = {date(2027, 1, 28): (1, False), date(2027, 1, 29): (0, False), date(2027, 1, 30): (-1, True),
                date(2027, 1, 31): (-1, True), date(2027, 2, 1): (-1, True), date(2027, 2, 2): (-1, True),
                date(2027, 2, 3): (-2, True)}
    for day, (left, overdue) in expected.items():
        time_machine.move_to(datetime.combine(day, datetime.min.time().replace(hour=9), MONTERREY), tick=False)
        seen = client.get(f"{BASE}/{complaint['id']}", headers=staff(session)).json()
        assert (seen["business_days_left"], seen["overdue"]) == (left, overdue), day
        assert client.get(f"{BASE}/{complaint['id']}").json()["overdue"] is overdue  # the public sees the same
        listed = {item["id"] for item in client.get(BASE + "?overdue=true&limit=200", headers=staff(session)).json()[
            "items"]}
        assert (complaint["id"] in listed) is overdue, day
        queue = client.get(BASE + "?limit=200&include_closed=true", headers=staff(session)).json()["items"]
        running = [item for item in queue if item["business_days_left"] is not None]
        assert running and all(item["overdue"] == (item["business_days_left"] < 0) for item in running)
        assert all(item["overdue"] is False for item in queue if item["business_days_left"] is None)
        assert {item["state"] for item in queue if item["business_days_left"] is None} >= {
            "needs_clarification", "resolved", "closed", "withdrawn"}


def test_the_staff_view_shows_the_reporter_and_the_public_view_does_not(client, session) -> None:
    headers = bearer(token_for(session, "voluntaria@vigia.example"))
    filed = client.post(BASE, json=complaint_body(contact={"name": "Rosa Elena", "phone": "618 123 4567"}),
                        headers=headers).json()["complaint"]
    me = auth.get_by_email(session, "contraloria@vigia.example")
    version = client.get(f"{BASE}/{filed['id']}", headers=staff(session)).json()["version"]
    assert client.patch(f"{BASE}/{filed['id']}", headers=staff(session),  # the reporter: only to who handles it
                        json={"version": version, "assignee_id": str(me.id)}).status_code == 200
    seen_by_staff = client.get(f"{BASE}/{filed['id']}", headers=staff(session)).json()
    volunteer = auth.get_by_email(session, "voluntaria@vigia.example")
    assert seen_by_staff["reporter_id"] == str(volunteer.id)
    assert seen_by_staff["contact"]["phone"] == "618 123 4567"
    public = client.get(f"{BASE}/{filed['id']}")
    other_staff = client.get(f"{BASE}/{filed['id']}", headers=bearer(token_for(session, OTHER_STAFF)))
    for response in (public, other_staff):
        assert "reporter_id" not in response.json() and "contact" not in response.json()
        assert "618 123 4567" not in response.text and str(volunteer.id) not in response.text


OTHER_STAFF = "contraloria.gomez@vigia.example"


def test_the_full_workflow_with_deadlines(client, session) -> None:
    headers = staff(session)
    complaint = file(client)
    term = deadlines.DEFAULT_TERMS["complaint"]
    admitted = move(client, headers, complaint["id"], "admitted").json()
    assert admitted["state"] == "admitted" and admitted["version"] == 2
    wrong = move(client, headers, complaint["id"], "resolved")
    error = assert_error_shape(wrong, 409, "transition_not_allowed")
    assert error["allowed"] == ["under_investigation", "referred"]
    investigating = move(client, headers, complaint["id"], "under_investigation").json()
    due = date.fromisoformat(investigating["due_on"])
    extended = move(client, headers, complaint["id"], "extended", extension_days=term + 1)
    assert_error_shape(extended, 422, "extension_too_long")
    extended = move(client, headers, complaint["id"], "extended", extension_days=5).json()
    assert date.fromisoformat(extended["due_on"]) > due and extended["extended"] is True
    no_answer = move(client, headers, complaint["id"], "resolved", outcome="upheld")
    assert_error_shape(no_answer, 422, "public_answer_required")
    no_outcome = move(client, headers, complaint["id"], "resolved", public_answer="Se corrigió la banqueta.")
    assert_error_shape(no_outcome, 422, "outcome_required")
    resolved = move(client, headers, complaint["id"], "resolved", outcome="upheld",
                    public_answer="Se instruyó a la empresa reparar la banqueta.").json()
    assert resolved["state"] == "resolved" and resolved["open311_status"] == "closed"
    assert resolved["public_answer"].startswith("Se instruyó")
    closed = move(client, headers, complaint["id"], "closed").json()
    reopened = move(client, headers, complaint["id"], "reopened", reason="Volvió a romperse").json()
    assert (closed["state"], reopened["state"], reopened["outcome"]) == ("closed", "reopened", None)
    public = client.get(f"{BASE}/{complaint['id']}").json()
    assert [u["to_state"] for u in public["updates"]] == ["received", "admitted", "under_investigation", "extended",
                                                          "resolved", "closed", "reopened"]
    assert "Revisado por la contraloría" not in client.get(f"{BASE}/{complaint['id']}").text  # reasons are private


def test_stale_edits_get_the_current_version(client, session) -> None:
    headers = staff(session)
    complaint = file(client)
    first = client.patch(f"{BASE}/{complaint['id']}", headers=headers, json={"version": 1, "priority": "urgent"})
    assert first.status_code == 200 and first.json()["priority"] == "urgent"
    stale = client.patch(f"{BASE}/{complaint['id']}", headers=headers, json={"version": 1, "priority": "low"})
    error = assert_error_shape(stale, 409, "stale_version")
    assert error["current"]["priority"] == "urgent" and error["current"]["version"] == 2
    stale_move = move(client, headers, complaint["id"], "admitted", version=1)
    assert_error_shape(stale_move, 409, "stale_version")


def test_assignment_only_to_this_municipalitys_staff(client, session) -> None:
    headers = staff(session)
    complaint = file(client)
    admin = auth.get_by_email(session, "admin@vigia.example")
    volunteer = auth.get_by_email(session, "voluntaria@vigia.example")
    outsider = auth.get_by_email(session, OTHER_STAFF)
    assigned = client.patch(f"{BASE}/{complaint['id']}", headers=headers, json={"version": 1,
                                                                               "assignee_id": str(admin.id)})
    assert assigned.json()["assignee_id"] == str(admin.id)
    for user in (volunteer, outsider):
        response = client.patch(f"{BASE}/{complaint['id']}", headers=headers,
                                json={"version": 2, "assignee_id": str(user.id)})
        assert_error_shape(response, 422, "assignee_not_staff")
    mine = client.get(BASE + f"?assignee_id={admin.id}", headers=headers).json()
    assert [item["id"] for item in mine["items"]] == [complaint["id"]]


def test_bulk_moves_each_complaint_on_its_own(client, session) -> None:
    headers = staff(session)
    one, two = file(client), file(client)
    move(client, headers, two["id"], "inadmissible", public_answer="No es competencia municipal.")
    results = client.post(BASE + "/bulk-transitions", headers=headers, json={
        "ids": [one["id"], two["id"]], "transition": {"to": "admitted", "reason": "Procede"}}).json()
    assert [(r["ok"], r["state"]) for r in results] == [(True, "admitted"), (False, None)]
    assert results[1]["error"]["code"] == "transition_not_allowed"


def test_private_notes_stay_private(client, session) -> None:
    headers = staff(session)
    complaint = file(client)
    note = client.post(f"{BASE}/{complaint['id']}/notes", headers=headers,
                       json={"text": "El residente de obra es primo del regidor"})
    assert note.status_code == 201
    assert client.get(f"{BASE}/{complaint['id']}/notes", headers=headers).json()[0]["text"].startswith("El residente")
    assert "primo del regidor" not in client.get(f"{BASE}/{complaint['id']}").text
    assert "primo del regidor" not in client.get(f"{BASE}/{complaint['id']}", headers=headers).text
    entries = client.get("/api/v1/municipalities/10005/audit/entries?limit=1000").text
    assert "primo del regidor" not in entries


def test_merging_a_duplicate(client, session) -> None:
    headers = staff(session)
    original, duplicate = file(client), file(client)
    merged = client.post(f"{BASE}/{duplicate['id']}/merge", headers=headers,
                         json={"duplicate_of": original["id"], "reason": "Mismo hecho", "version": 1}).json()
    assert merged["state"] == "closed" and merged["duplicate_of"] == original["id"]
    assert client.get(f"{BASE}/{original['id']}").json()["support_count"] == 1
    again = client.post(f"{BASE}/{original['id']}/merge", headers=headers,
                        json={"duplicate_of": original["id"], "reason": "x" * 5, "version": 2})
    assert_error_shape(again, 422, "cannot_merge_into")


def test_every_change_is_in_the_verifiable_log(client, session) -> None:
    headers = staff(session)
    complaint = file(client)
    move(client, headers, complaint["id"], "admitted")
    client.post(f"{BASE}/{complaint['id']}/notes", headers=headers, json={"text": "nota privada"})
    entries = audit.entries(session, municipality_id=municipality(session).id, entity="complaint",
                            entity_id=uuid.UUID(complaint["id"]))
    assert [entry.action for entry in entries] == ["created", "transitioned", "note_added"]
    assert entries[0].actor_id is None and entries[0].actor_kind == "anonymous"
    assert entries[1].actor_kind == "user" and entries[1].data["to"] == "admitted"
    assert "nota privada" not in str(entries[2].data)
    report = client.get("/api/v1/municipalities/10005/audit/verify").json()
    assert report["ok"] is True


def test_an_unanswered_clarification_request_withdraws_the_complaint(client, session, time_machine) -> None:
    import sqlalchemy as sa

    from server.complaints import service, triage
    from server.complaints.models import Complaint

    # Asked on Thursday 14 January 2027: the reporter has until Sunday 14 February, whatever today is.
    time_machine.move_to(datetime(2027, 1, 14, 10, 0, tzinfo=MONTERREY), tick=False)
    headers = staff(session)
    complaint = file(client)
    asked = move(client, headers, complaint["id"], "needs_clarification", public_answer="¿Entre qué calles?")
    assert asked.json()["clarification_due_on"] == "2027-02-14"
    durango = municipality(session)
    row = service.get(session, municipality=durango, complaint_id=uuid.UUID(complaint["id"]))

    def waiting_past(day: date) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(
            Complaint.municipality_id == durango.id, Complaint.state == "needs_clarification",
            Complaint.clarification_due_on < day))

    time_machine.move_to(datetime(2027, 2, 14, 23, 0, tzinfo=MONTERREY), tick=False)  # the last day
    expected = waiting_past(date(2027, 2, 14))  # demo complaints whose month ended earlier, not this one
    assert triage.expire_clarifications(session, municipality=durango) == expected
    assert client.get(f"{BASE}/{complaint['id']}").json()["state"] == "needs_clarification"

    time_machine.move_to(datetime(2027, 2, 15, 0, 30, tzinfo=MONTERREY), tick=False)  # the month has passed
    expected = waiting_past(date(2027, 2, 15))
    assert expected >= 1 and triage.expire_clarifications(session, municipality=durango) == expected
    session.refresh(row)
    shown = client.get(f"{BASE}/{complaint['id']}").json()
    assert shown["state"] == "withdrawn" and "un mes" in shown["updates"][-1]["text"]


def test_administrators_configure_categories_and_terms(client, session) -> None:
    admin = bearer(token_for(session, "admin@vigia.example"))
    created = client.post(BASE + "/categories", headers=admin, json={
        "service_code": "luminarias", "name": "Luminarias apagadas en obra nueva", "group": "Obra pública",
        "attributes": [{"code": "postes", "datatype": "number", "required": True, "description": "¿Cuántos?"}]})
    assert created.status_code == 201, created.text
    assert_error_shape(client.post(BASE + "/categories", headers=admin, json={
        "service_code": "luminarias", "name": "Otra vez"}), 409, "category_exists")
    missing = client.post(BASE, json=complaint_body(anonymous=True, category="luminarias"))
    assert_error_shape(missing, 422, "attribute_required")
    filed = client.post(BASE, json=complaint_body(anonymous=True, category="luminarias", attributes={"postes": 3}))
    assert filed.status_code == 201
    client.patch(BASE + "/categories/luminarias", headers=admin, json={"active": False})
    assert "luminarias" not in [c["service_code"] for c in client.get(BASE + "/categories").json()]
    assert_error_shape(client.post(BASE, json=complaint_body(anonymous=True, category="luminarias",
                                                            attributes={"postes": 3})), 422, "unknown_category")

    terms = {t["kind"]: t for t in client.get(BASE + "/deadlines").json()}
    assert terms["information_request"] == {"kind": "information_request", "business_days": 10, "configured": False}
    client.put(BASE + "/deadlines/information_request", headers=admin, json={"business_days": 5})
    request = client.post(BASE, json=complaint_body(anonymous=True, kind="information_request",
                                                    category="info-obra")).json()["complaint"]
    durango = municipality(session)
    holidays = {date.fromisoformat(h["day"]) for h in client.get(
        "/api/v1/municipalities/10005/holidays").json()}
    expected = deadlines.term_end(date.fromisoformat(request["received_on"]), 5, holidays)
    assert request["due_on"] == expected.isoformat() and durango.code == "10005"
    # The Spanish word is accepted for the code (queja = complaint); a kind that does not exist is named in words.
    terms = client.put(BASE + "/deadlines/queja", headers=admin, json={"business_days": 7}).json()
    assert {"kind": "complaint", "business_days": 7, "configured": True} in terms
    unknown = assert_error_shape(client.put(BASE + "/deadlines/reclamo", headers=admin, json={"business_days": 5}),
                                 422, "unknown_kind")
    assert unknown["message"] == ("Tipo desconocido: «reclamo»; use queja, denuncia, solicitud de información o "
                                  "sugerencia.")


def test_redacting_a_complaint_photo_is_logged_on_the_complaint(client, session) -> None:
    import io

    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 120, 120)).save(image, "JPEG")
    photo = client.post("/api/v1/municipalities/10005/photos", content=image.getvalue(),
                        headers={"Content-Type": "image/jpeg"}).json()
    complaint = file(client, photo_ids=[photo["id"]])
    headers = staff(session)
    redacted = client.post(f"{BASE}/{complaint['id']}/photos/{photo['id']}/redactions", headers=headers,
                           json={"rectangles": [{"x": 10, "y": 10, "width": 20, "height": 12}]})
    assert redacted.status_code == 200, redacted.text
    assert redacted.json()["redacted"] is True
    actions = [e.action for e in audit.entries(session, municipality_id=municipality(session).id, entity="complaint",
                                              entity_id=uuid.UUID(complaint["id"]))]
    assert actions == ["created", "photo_redacted"]
    other = file(client)
    assert_error_shape(client.post(f"{BASE}/{other['id']}/photos/{photo['id']}/redactions", headers=headers,
                                   json={"rectangles": []}), 404, "photo_not_in_complaint")
