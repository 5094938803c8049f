"""Checklists: the public sees published versions; comptrollers draft, edit and publish; a published version
never changes."""

from __future__ import annotations

from tests.factories import bearer, token_for
from tests.inspections.conftest import GENERAL, GENERAL_TEMPLATE, SOCIAL_TEMPLATE
from tests.test_app import assert_error_shape

FORMS = "/api/v1/municipalities/10005/forms"
QUESTIONS = [
    {"id": "letrero", "text": "¿Hay letrero con los datos de la obra?", "kind": "yes_no", "required": True},
    {"id": "avance", "text": "Avance estimado", "kind": "number", "min": 0, "max": 100},
]


def _staff(session) -> dict:
    return bearer(token_for(session, "contraloria@vigia.example"))


def test_the_seed_checklists_are_public_and_in_spanish(client) -> None:
    response = client.get(FORMS)
    assert response.status_code == 200
    by_key = {t["key"]: t for t in response.json()}
    general = by_key["obra-general"]
    assert general["id"] == str(GENERAL_TEMPLATE)
    texts = [q["text"] for q in general["versions"][0]["questions"]]
    assert "¿Alguien pidió dinero o votos a cambio de la obra?" in texts
    follow_up = next(q for q in general["versions"][0]["questions"] if q["id"] == "quien_cuando")
    assert follow_up["show_if"] == {"question": "pidieron_dinero", "equals": True}
    assert general["versions"][0]["id"] == str(GENERAL)
    assert by_key["programa-social"]["program"] == "Programa Social Municipal"
    one = client.get(f"{FORMS}/{SOCIAL_TEMPLATE}")
    assert one.status_code == 200 and one.json()["versions"][0]["published_at"] is not None
    assert client.get(f"{FORMS}?program=Programa Social Municipal").status_code == 200


def test_draft_publish_and_a_published_version_never_changes(client, session) -> None:
    headers = _staff(session)
    created = client.post(FORMS, json={"key": "banquetas", "title": "Cédula de banquetas", "questions": QUESTIONS},
                          headers=headers)
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["versions"][0]["version"] == 1 and template["versions"][0]["published_at"] is None
    base = f"{FORMS}/{template['id']}/versions"
    # the public does not see drafts
    assert client.get(f"{FORMS}/{template['id']}").json()["versions"] == []
    edited = client.put(f"{base}/1", json={"questions": QUESTIONS[:1]}, headers=headers)
    assert edited.status_code == 200 and len(edited.json()["questions"]) == 1
    assert client.post(f"{base}/1/publish", headers=headers).status_code == 200
    refused = client.put(f"{base}/1", json={"questions": QUESTIONS}, headers=headers)
    assert_error_shape(refused, 409, "form_version_published")
    assert client.post(f"{base}/1/publish", headers=headers).status_code == 409
    second = client.post(base, json={"questions": QUESTIONS}, headers=headers)
    assert second.status_code == 201 and second.json()["version"] == 2
    assert client.post(base, json={"questions": QUESTIONS}, headers=headers).status_code == 409  # one draft
    versions = client.get(f"{FORMS}/{template['id']}", headers=headers).json()["versions"]
    assert [(v["version"], len(v["questions"])) for v in versions] == [(1, 1), (2, 2)]
    public = client.get(f"{FORMS}/{template['id']}").json()["versions"]
    assert [v["version"] for v in public] == [1]


def test_a_bad_definition_is_refused_naming_the_question(client, session) -> None:
    bad = [{"id": "quien", "text": "¿Quién?", "kind": "text", "show_if": {"question": "dinero", "equals": True}},
           {"id": "dinero", "text": "¿Dinero?", "kind": "yes_no"},
           {"id": "tipo", "text": "¿Tipo?", "kind": "single_choice"},
           {"id": "cuantos", "text": "¿Cuántos?", "kind": "number", "min": 9, "max": 1}]
    response = client.post(FORMS, json={"key": "mala", "title": "Mala", "questions": bad}, headers=_staff(session))
    body = assert_error_shape(response, 422, "form_definition_invalid")
    details = {d["field"]: d for d in body["details"]}
    assert details["questions[0].show_if"]["code"] == "question_condition_not_earlier"
    assert "quien" in details["questions[0].show_if"]["message"]
    assert details["questions[2].options"]["code"] == "question_options_missing"
    assert details["questions[3].min"]["code"] == "question_range_invalid"
    wrong_kind = client.post(FORMS, json={"key": "x", "title": "X", "questions": [
        {"id": "a", "text": "A", "kind": "firma"}]}, headers=_staff(session))
    assert wrong_kind.status_code == 422


def test_keys_are_unique_per_municipality(client, session) -> None:
    body = {"key": "obra-general", "title": "Otra", "questions": QUESTIONS}
    response = client.post(FORMS, json=body, headers=_staff(session))
    assert_error_shape(response, 409, "form_key_taken")
    other = client.post("/api/v1/municipalities/10007/forms", json=dict(body, key="solo-gomez"),
                        headers=bearer(token_for(session, "admin.gomez@vigia.example")))
    assert other.status_code == 201


def test_another_municipalitys_checklist_is_not_found(client, session) -> None:
    assert client.get(f"/api/v1/municipalities/10007/forms/{GENERAL_TEMPLATE}").status_code == 404
    response = client.post(f"/api/v1/municipalities/10007/forms/{GENERAL_TEMPLATE}/versions",
                           json={"questions": QUESTIONS}, headers=bearer(token_for(session, "admin.gomez@vigia.example")))
    assert_error_shape(response, 404, "form_not_found")


def test_only_comptrollers_and_admins_manage_checklists(client, session) -> None:
    body = {"key": "nueva", "title": "Nueva", "questions": QUESTIONS}
    assert client.post(FORMS, json=body).status_code == 401
    member = client.post(FORMS, json=body, headers=bearer(token_for(session, "comite@vigia.example")))
    assert member.status_code == 403
    assert client.post(FORMS, json=body, headers=bearer(token_for(session, "admin@vigia.example"))).status_code == 201
