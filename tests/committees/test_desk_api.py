"""What the coordinator's desk screens (/mesa/comites) read from the API beyond the register itself: the committees'
words and what each lifecycle step needs (one table for the rule and the screen), the parity columns of the
register, and a lifecycle step that sends the version it read."""

from __future__ import annotations

import sqlalchemy as sa

from server.committees.models import TRANSITIONS, Committee, State
from tests.committees.helpers import days_ago, make_committee, photo_id
from tests.committees.test_routes import BASE, coordinator
from tests.test_app import assert_error_shape

VOCABULARY = "/api/v1/committees/vocabulary"
MISSING = {"document": "committee_document_required", "registration_number": "committee_registration_required",
           "photo_id": "committee_certificate_required", "reason": "committee_reason_required"}


def test_the_vocabulary_names_every_code_in_words_in_both_languages(client) -> None:
    spanish = client.get(VOCABULARY)
    assert spanish.status_code == 200  # public: no sign-in
    words = spanish.json()
    states = {item["code"]: item["label"] for item in words["states"]}
    assert states == {"draft": "Borrador", "constituted": "Constituido", "registered": "Registrado",
                      "active": "En funciones", "concluded": "Concluido", "dissolved": "Disuelto"}
    assert {item["code"]: item["label"] for item in words["roles"]} == {
        "chair": "Presidencia", "secretary": "Secretaría", "member_at_large": "Vocal",
        "social_comptroller": "Contraloría social"}
    assert {item["label"] for item in words["sexes"]} == {"Mujer", "Hombre", "Otro"}
    assert {item["label"] for item in words["agreement_statuses"]} == {"Pendiente", "Cumplido", "Cancelado"}
    assert {item["label"] for item in words["kinds"]} >= {"Comité de obra", "Comité de programa social"}
    steps = {step["to"]: step for step in words["steps"]}
    assert steps["registered"]["label"] == "Registrar"
    assert [(n["label"], n["required"], n["kind"]) for n in steps["registered"]["needs"]] == [
        ("Fecha del registro", True, "date"), ("Número de registro", True, "text"),
        ("Foto de la constancia de registro", True, "photo"), ("Notas sobre la constancia", False, "text")]
    assert steps["dissolved"]["from_states"] == ["draft", "constituted", "registered", "active"]
    for step in words["steps"]:  # the lifecycle the rule applies, no more, no less
        assert set(step["from_states"]) == {s.value for s in State if State(step["to"]) in TRANSITIONS[s]}
        assert step["help"] and all(need["label"] for need in step["needs"])
    english = client.get(VOCABULARY, headers={"accept-language": "en"}).json()
    assert {item["code"]: item["label"] for item in english["states"]}["active"] == "Active"
    assert {s["to"]: s["label"] for s in english["steps"]}["dissolved"] == "Dissolve"
    everything = spanish.text
    assert "member_at_large" not in {item["label"] for item in words["roles"]} and "_" not in "".join(states.values())
    assert "Cumplido" in everything


def _body(session, field: str, kind: str) -> object:
    if kind == "date":
        return days_ago(session, 1).isoformat()
    if kind == "photo":
        return str(photo_id(session))
    return f"{field} del paso" if field != "registration_number" else f"CS-{field[:3]}-{days_ago(session, 0).day}"


def test_each_step_works_with_what_the_vocabulary_asks_and_names_each_missing_field(client, session) -> None:
    """A screen that follows the vocabulary can take every step: only its required fields are enough, and
    leaving out any one of them is refused naming that field, with nothing changed."""
    headers = coordinator(session)
    steps = {step["to"]: step for step in client.get(VOCABULARY).json()["steps"]}
    committee = make_committee(session, state="draft")
    session.flush()
    path = f"{BASE}/{committee.id}/transitions"
    for target in ["constituted", "registered", "active", "concluded"]:
        required = {need["field"]: _body(session, need["field"], need["kind"])
                    for need in steps[target]["needs"] if need["required"]}
        for missing in [field for field in required if field != "on"]:
            refused = client.post(path, headers=headers, json={"to": target, **{k: v for k, v in required.items()
                                                                                if k != missing}})
            error = assert_error_shape(refused, 422, MISSING[missing])
            assert error["details"][0]["field"] == missing, (target, missing)
        moved = client.post(path, headers=headers, json={"to": target, **required})
        assert moved.status_code == 200, (target, moved.text)
        assert moved.json()["state"] == target
    other = make_committee(session, state="active")
    session.flush()
    refused = client.post(f"{BASE}/{other.id}/transitions", headers=headers,
                          json={"to": "dissolved", "on": days_ago(session, 1).isoformat()})
    assert assert_error_shape(refused, 422, "committee_reason_required")["details"][0]["field"] == "reason"


def test_a_step_sent_with_a_stale_version_is_refused_and_changes_nothing(client, session) -> None:
    headers = coordinator(session)
    committee = make_committee(session, state="constituted")
    session.flush()
    read = client.get(f"{BASE}/{committee.id}", headers=headers).json()
    edited = client.patch(f"{BASE}/{committee.id}", headers=headers,
                          json={"version": read["version"], "program": "Otro programa"})
    assert edited.status_code == 200
    stale = client.post(f"{BASE}/{committee.id}/transitions", headers=headers, json={
        "to": "dissolved", "on": days_ago(session, 1).isoformat(), "reason": "Se fue la mitad del comité",
        "version": read["version"]})
    error = assert_error_shape(stale, 409, "stale_version")
    assert error["current"] == {"version": read["version"] + 1, "state": "constituted"}
    session.expire_all()
    assert session.get(Committee, committee.id).state == "constituted"
    fresh = client.post(f"{BASE}/{committee.id}/transitions", headers=headers, json={
        "to": "dissolved", "on": days_ago(session, 1).isoformat(), "reason": "Se fue la mitad del comité",
        "version": edited.json()["version"]})
    assert fresh.status_code == 200 and fresh.json()["state"] == "dissolved"


def test_the_register_carries_each_committees_parity(client, session) -> None:
    headers = coordinator(session)
    listed = client.get(BASE, headers=headers).json()
    assert any(item["state"] == "draft" for item in listed)  # coordinators see drafts
    checked = 0
    for item in listed:
        if item["state"] == "draft":
            continue
        report = client.get(f"{BASE}/{item['id']}/parity").json()
        assert item["members"] == report["members"]
        assert item["women"] == report["by_sex"]["F"]
        assert item["chair_is_woman"] == report["chair_is_woman"]
        assert item["secretary_is_woman"] == report["secretary_is_woman"]
        checked += 1
    assert checked >= 20
    assert any(item["women"] for item in listed) and any(item["chair_is_woman"] is False for item in listed)
    public = client.get(BASE).json()
    assert all(item["state"] != "draft" for item in public)
    assert session.scalar(sa.select(sa.func.count()).select_from(Committee)) == len(listed)
