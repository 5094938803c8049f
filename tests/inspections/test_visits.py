"""Visits: submitted by an active member (or on their behalf), idempotent, validated against their version,
feeding the work's progress; findings become complaints once; only the committee, coordinators and staff read."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from server.complaints.models import Complaint, ComplaintPhoto
from server.works.models import ProgressObservation
from tests.factories import bearer, make_work, today, token_for
from tests.inspections.conftest import GENERAL_TEMPLATE, photo_id
from tests.test_app import assert_error_shape

VISITS = "/api/v1/municipalities/10005/visits"


def test_a_member_submits_a_visit_and_sending_it_again_stores_it_once(client, session, setup) -> None:
    body = setup.visit()
    first = client.post(VISITS, json=body, headers=bearer(setup.member_token))
    assert first.status_code == 201, first.text
    visit = first.json()
    assert visit["id"] == body["id"] and visit["member_id"] == str(setup.member_id)
    assert visit["findings"][0]["severity"] == "high" and visit["findings"][0]["complaint_id"] is None
    assert visit["photo_ids"] == [str(setup.photo)]
    assert visit["location"] == body["location"]
    again = client.post(VISITS, json=body, headers=bearer(setup.member_token))
    assert again.status_code == 200 and again.json() == visit
    count = session.scalar(sa.select(sa.func.count()).select_from(ProgressObservation)
                           .where(ProgressObservation.reference == f"visita {body['id']}"))
    assert count == 1


def test_observed_progress_becomes_a_committee_observation_and_a_risk_signal(client, session, setup) -> None:
    headers = bearer(setup.staff_token)
    official = client.post(f"/api/v1/municipalities/10005/works/{setup.work_id}/progress",
                           json={"observed_on": today().isoformat(), "physical_pct": 70}, headers=headers)
    assert official.status_code == 201, official.text
    body = setup.visit(observed_physical_pct=30)
    assert client.post(VISITS, json=body, headers=bearer(setup.member_token)).status_code == 201
    history = client.get(f"/api/v1/municipalities/10005/works/{setup.work_id}/progress").json()
    committee = [row for row in history if row["source"] == "committee"]
    assert [(row["physical_pct"], row["reference"]) for row in committee] == [(30, f"visita {body['id']}")]
    work = client.get(f"/api/v1/municipalities/10005/works/{setup.work_id}").json()
    assert work["progress"]["physical_observed_pct"] == 30
    assert work["progress"]["physical_observed_source"] == "committee"
    gap = next(risk for risk in work["risks"] if risk["code"] == "progress_gap")
    assert "comité" in gap["message"]


def test_answers_are_checked_against_the_version_naming_each_question(client, setup) -> None:
    answers = setup.visit()["answers"] | {"pidieron_dinero": True, "materiales": "quizá", "color": "rojo"}
    response = client.post(VISITS, json=setup.visit(answers=answers), headers=bearer(setup.member_token))
    error = assert_error_shape(response, 422, "answers_invalid")
    details = {d["field"]: d for d in error["details"]}
    assert details["answers.quien_cuando"]["code"] == "answer_required"
    assert details["answers.quien_cuando"]["message"] == "Falta responder la pregunta «¿Quién y cuándo?»."
    assert details["answers.materiales"]["code"] == "answer_option_unknown"
    assert details["answers.color"]["code"] == "answer_unknown_question"
    outside = setup.visit()["answers"] | {"ubicacion": {"type": "Point", "coordinates": [-99.13, 19.43]}}
    response = client.post(VISITS, json=setup.visit(answers=outside), headers=bearer(setup.member_token))
    assert assert_error_shape(response, 422, "answers_invalid")["details"][0]["code"] == "answer_point_outside"


def test_a_photo_of_another_municipality_is_not_an_answer(client, session, setup) -> None:
    foreign = photo_id(session, seed=77, code="10007")
    answers = setup.visit()["answers"] | {"foto_general": str(foreign)}
    response = client.post(VISITS, json=setup.visit(answers=answers, photo_ids=[]),
                           headers=bearer(setup.member_token))
    error = assert_error_shape(response, 422, "answers_invalid")
    assert [d["code"] for d in error["details"]] == ["answer_photo_unknown"]


def test_only_a_published_version_can_be_answered(client, session, setup) -> None:
    staff = bearer(setup.staff_token)
    draft = client.post(f"/api/v1/municipalities/10005/forms/{GENERAL_TEMPLATE}/versions", headers=staff,
                        json={"questions": [{"id": "a", "text": "¿A?", "kind": "yes_no"}]}).json()
    response = client.post(VISITS, json=setup.visit(form_version_id=draft["id"], answers={}),
                           headers=bearer(setup.member_token))
    assert_error_shape(response, 422, "form_version_draft")
    unknown = client.post(VISITS, json=setup.visit(form_version_id=str(uuid.uuid4())),
                          headers=bearer(setup.member_token))
    assert_error_shape(unknown, 422, "form_version_not_found")


def test_who_may_submit(client, session, setup) -> None:
    assert client.post(VISITS, json=setup.visit()).status_code == 401
    outsider = client.post(VISITS, json=setup.visit(), headers=bearer(setup.outsider_token))
    assert assert_error_shape(outsider, 403, "forbidden")["details"][0]["code"] == "visit_not_a_member"
    other = client.post(VISITS, json=setup.visit(), headers=bearer(setup.other_member_token))
    assert_error_shape(other, 403, "forbidden")
    # a coordinator records it on the member's behalf
    on_behalf = client.post(VISITS, json=setup.visit(member_id=str(setup.member_id)),
                            headers=bearer(setup.coordinator_token))
    assert on_behalf.status_code == 201 and on_behalf.json()["member_id"] == str(setup.member_id)
    missing = client.post(VISITS, json=setup.visit(), headers=bearer(setup.coordinator_token))
    assert_error_shape(missing, 422, "visit_member_inactive")
    before = client.post(VISITS, json=setup.visit(member_id=str(setup.member_id),
                                                 visited_at="2025-12-01T12:00:00-06:00"),
                         headers=bearer(setup.coordinator_token))
    assert_error_shape(before, 422, "visit_member_inactive")


def test_the_work_must_be_one_the_committee_watches(client, session, setup) -> None:
    response = client.post(VISITS, json=setup.visit(work_id=str(setup.other_work_id)),
                           headers=bearer(setup.member_token))
    assert_error_shape(response, 422, "visit_work_not_watched")
    future = client.post(VISITS, json=setup.visit(visited_at="2099-01-01T10:00:00Z"),
                         headers=bearer(setup.member_token))
    assert_error_shape(future, 422, "visit_in_future")
    naive = client.post(VISITS, json=setup.visit(visited_at="2026-11-01T10:00:00"), headers=bearer(setup.member_token))
    assert naive.status_code == 422


def test_tenancy_another_municipalitys_committee_is_not_found(client, session, setup) -> None:
    body = setup.visit()
    response = client.post("/api/v1/municipalities/10007/visits", json=body,
                           headers=bearer(token_for(session, "admin.gomez@vigia.example")))
    assert response.status_code == 404
    assert client.post(VISITS, json=body, headers=bearer(setup.member_token)).status_code == 201
    admin_gomez = bearer(token_for(session, "admin.gomez@vigia.example"))
    assert client.get(f"/api/v1/municipalities/10007/visits/{body['id']}", headers=admin_gomez).status_code == 404
    assert client.get(f"{VISITS}/{body['id']}", headers=admin_gomez).status_code == 403


def test_who_may_read_visits(client, session, setup) -> None:
    body = setup.visit()
    assert client.post(VISITS, json=body, headers=bearer(setup.member_token)).status_code == 201
    one = f"{VISITS}/{body['id']}"
    assert client.get(one).status_code == 401
    assert client.get(one, headers=bearer(setup.member_token)).status_code == 200
    assert client.get(one, headers=bearer(setup.coordinator_token)).status_code == 200
    assert client.get(one, headers=bearer(setup.staff_token)).status_code == 200
    assert client.get(one, headers=bearer(setup.other_member_token)).status_code == 403
    assert client.get(f"{VISITS}/{uuid.uuid4()}", headers=bearer(setup.staff_token)).status_code == 404
    mine = client.get(f"{VISITS}?committee_id={setup.committee_id}", headers=bearer(setup.member_token))
    assert [v["id"] for v in mine.json()] == [body["id"]]
    other = client.get(f"{VISITS}?committee_id={setup.committee_id}", headers=bearer(setup.other_member_token))
    assert other.status_code == 403
    assert client.get(VISITS, headers=bearer(setup.other_member_token)).json() == []
    assert body["id"] in [v["id"] for v in client.get(VISITS, headers=bearer(setup.staff_token)).json()]


def test_a_finding_becomes_a_complaint_once(client, session, setup) -> None:
    body = setup.visit()
    visit = client.post(VISITS, json=body, headers=bearer(setup.member_token)).json()
    finding = visit["findings"][0]["id"]
    path = f"{VISITS}/{visit['id']}/findings/{finding}/complaint"
    first = client.post(path, json={"category": "obra-calidad"}, headers=bearer(setup.member_token))
    assert first.status_code == 201, first.text
    filed = first.json()
    again = client.post(path, json={"category": "obra-calidad"}, headers=bearer(setup.coordinator_token))
    assert again.status_code == 200 and again.json()["complaint_id"] == filed["complaint_id"]
    complaint = session.get(Complaint, uuid.UUID(filed["complaint_id"]))
    assert complaint.reporter_id == setup.member_user_id and not complaint.anonymous
    assert complaint.work_id == setup.work_id
    assert "señalamientos para peatones" in complaint.description
    photos = session.scalars(sa.select(ComplaintPhoto.photo_id).where(ComplaintPhoto.complaint_id == complaint.id))
    assert list(photos) == [setup.photo]
    read = client.get(f"{VISITS}/{visit['id']}", headers=bearer(setup.member_token)).json()
    assert read["findings"][0]["complaint_id"] == filed["complaint_id"]
    mine = client.get("/api/v1/municipalities/10005/complaints/mine", headers=bearer(setup.member_token)).json()
    assert filed["folio"] in str(mine)


def test_finding_complaint_errors(client, session, setup) -> None:
    visit = client.post(VISITS, json=setup.visit(), headers=bearer(setup.member_token)).json()
    base = f"{VISITS}/{visit['id']}/findings"
    finding = visit["findings"][0]["id"]
    assert client.post(f"{base}/{uuid.uuid4()}/complaint", json={"category": "obra-calidad"},
                       headers=bearer(setup.member_token)).status_code == 404
    unknown = client.post(f"{base}/{finding}/complaint", json={"category": "no-existe"},
                          headers=bearer(setup.member_token))
    assert unknown.status_code == 422
    assert client.post(f"{base}/{finding}/complaint", json={"category": "obra-calidad"},
                       headers=bearer(setup.other_member_token)).status_code == 403
    assert client.post(f"{base}/{finding}/complaint", json={}, headers=bearer(setup.member_token)).status_code == 422


def test_a_visit_without_works_linked_accepts_any_work(client, session, setup) -> None:
    from tests.inspections.conftest import add_member, make_committee

    committee = make_committee(session, f"Comité sin obras {uuid.uuid4().hex[:4]}", [])
    member = add_member(session, committee, _user(session, setup))
    work = make_work(session, title="Cualquier obra")
    body = setup.visit(committee_id=str(committee.id), work_id=str(work.id), observed_physical_pct=None)
    headers = bearer(setup.member_token)
    response = client.post(VISITS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    visit = response.json()
    # Stored with this committee, this member and the work it names, with what the member answered.
    assert (visit["id"], visit["committee_id"], visit["member_id"], visit["work_id"]) == (
        body["id"], str(committee.id), str(member.id), str(work.id))
    assert visit["answers"] == body["answers"] and visit["photo_ids"] == body["photo_ids"]
    assert [f["text"] for f in visit["findings"]] == [f["text"] for f in body["findings"]]
    assert visit["observed_physical_pct"] is None
    assert client.get(f"{VISITS}/{body['id']}", headers=headers).json() == visit
    of_the_work = client.get(VISITS, params={"work_id": str(work.id)}, headers=headers)
    assert of_the_work.status_code == 200 and of_the_work.json() == [visit]
    # no observed progress was sent, so the work's history has no committee observation
    history = client.get(f"/api/v1/municipalities/10005/works/{work.id}/progress").json()
    assert [row for row in history if row["source"] == "committee"] == []


def _user(session, setup):
    from server.auth.models import User

    return session.get(User, setup.member_user_id)
