"""At most once, for intents that are not idempotent on their own (docs/sync.md, section 2).

Filing a complaint or a visit carries its own id, so a replay of those would look harmless even without the
(device, mutation id) claim in sync_mutations. Adding information, answering a clarification, editing the text,
withdrawing, supporting and declaring a photo do not: here each is sent many times with the same mutation id,
one after another and at the same moment from several connections, and its effects are counted."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from server.audit.models import AuditEntry
from server.complaints.models import Complaint, ComplaintUpdate, Support
from server.sync.models import Attachment, Mutation
from tests.factories import bearer, token_for
from tests.sync.helpers import complaint_payload, mutation, sign_in

PUSH = "/api/v1/sync/push"
COMPLAINTS = "/api/v1/municipalities/10005/complaints"
REPORTER = "voluntaria@vigia.example"
SUPPORTER = "comite@vigia.example"
STAFF = "contraloria@vigia.example"
TIMES = 5


def push(client, phone, *mutations) -> list[dict]:
    response = client.post(PUSH, json={"mutations": list(mutations)}, headers=phone.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["protocol"] == "vigia-sync/1" and body["ok"] is True
    assert [result["id"] for result in body["results"]] == [m["id"] for m in mutations]
    return body["results"]


def file_complaint(client, phone) -> str:
    payload = complaint_payload()
    [filed] = push(client, phone, mutation("complaint.file", payload))
    assert filed["status"] == "applied", filed
    return payload["id"]


def ask_for_clarification(client, staff: dict[str, str], complaint_id: str) -> None:
    moved = client.post(f"{COMPLAINTS}/{complaint_id}/transitions", headers=staff, json={
        "to": "needs_clarification", "reason": "Falta saber en qué cuadra está la banqueta",
        "public_answer": "¿Nos puede decir entre qué calles está la banqueta agrietada?"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == "needs_clarification"


def staff_view(client, staff: dict[str, str], complaint_id: str) -> dict:
    response = client.get(f"{COMPLAINTS}/{complaint_id}", headers=staff)
    assert response.status_code == 200, response.text
    return response.json()


def effects(session, complaint_id: str) -> dict:
    """What the database holds for a complaint: its version and support count, its timeline by kind, its
    supports, its audit entries by action, and the photos declared for it."""
    key = uuid.UUID(complaint_id)
    complaint = session.get(Complaint, key, populate_existing=True)
    return {
        "version": complaint.version,
        "support_count": complaint.support_count,
        "state": complaint.state,
        "updates": Counter(session.scalars(sa.select(ComplaintUpdate.kind)
                                           .where(ComplaintUpdate.complaint_id == key))),
        "supports": session.scalar(sa.select(sa.func.count()).select_from(Support)
                                   .where(Support.complaint_id == key)),
        "audit": Counter(session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == key))),
        "attachments": session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                                      .where(Attachment.record_id == key)),
    }


def replays(client, phone, sent: dict) -> list[dict]:
    """The same mutation TIMES times: twice in one batch, then once per batch."""
    results = push(client, phone, sent, sent)
    for _ in range(TIMES - 2):
        results += push(client, phone, sent)
    return results


def assert_one_stored_result(results: list[dict], session, phone, sent: dict) -> dict:
    assert len(results) == TIMES
    first = results[0]
    assert [result == first for result in results] == [True] * TIMES, results
    stored = session.scalars(sa.select(Mutation).where(Mutation.device_id == phone.device_id,
                                                       Mutation.mutation_id == uuid.UUID(sent["id"]))).all()
    assert len(stored) == 1 and stored[0].result == first
    return first


# ------------------------------------------------------------------------------------------------ one after another


def test_answering_a_clarification_many_times_answers_it_once(client, session) -> None:
    reporter = sign_in(client, REPORTER)
    staff = bearer(token_for(session, STAFF))
    complaint_id = file_complaint(client, reporter)
    ask_for_clarification(client, staff, complaint_id)
    before = effects(session, complaint_id)
    text = "Está entre Negrete y Aquiles Serdán, frente a la tienda La Esperanza."
    attachment = {"id": str(uuid.uuid4()), "sha256": "ef" * 32}
    sent = mutation("complaint.add_information", {"complaint_id": complaint_id, "text": text,
                                                  "attachments": [attachment]})

    first = assert_one_stored_result(replays(client, reporter, sent), session, reporter, sent)
    assert first["status"] == "applied" and first["error"] is None
    assert first["data"] == {"state": "received", "missing_attachments": [attachment["id"]]}

    after = effects(session, complaint_id)
    assert after["version"] == before["version"] + 1
    assert after["state"] == "received"
    assert after["updates"] - before["updates"] == Counter({"information": 1, "transition": 1})
    assert after["audit"] - before["audit"] == Counter({"information_added": 1})
    assert after["attachments"] == 1
    seen = staff_view(client, staff, complaint_id)
    assert [u["text"] for u in seen["updates"] if u["kind"] == "information"] == [text]
    assert [(u["from_state"], u["to_state"]) for u in seen["updates"] if u["kind"] == "transition"] == [
        (None, "received"), ("received", "needs_clarification"), ("needs_clarification", "received")]


def test_information_sent_many_times_is_added_once(client, session) -> None:
    reporter = sign_in(client, REPORTER)
    complaint_id = file_complaint(client, reporter)
    before = effects(session, complaint_id)
    text = "Hoy se cayó otro pedazo de la banqueta."
    sent = mutation("complaint.add_information", {"complaint_id": complaint_id, "text": text, "attachments": []})
    first = assert_one_stored_result(replays(client, reporter, sent), session, reporter, sent)
    assert first["status"] == "applied" and first["data"] == {"state": "received", "missing_attachments": []}
    after = effects(session, complaint_id)
    assert after["version"] == before["version"] + 1
    assert after["updates"] - before["updates"] == Counter({"information": 1})
    assert after["audit"] - before["audit"] == Counter({"information_added": 1})
    own = client.get(f"{COMPLAINTS}/{complaint_id}", headers=reporter.headers).json()
    assert [u["text"] for u in own["updates"] if u["kind"] == "information"] == [text]
    # what a reporter adds later is never reviewed, so never public (docs/privacy.md)
    public = client.get(f"{COMPLAINTS}/{complaint_id}").json()
    assert [u["text"] for u in public["updates"] if u["kind"] == "information"] == [None]


def test_an_edit_sent_many_times_is_applied_once_and_never_turns_into_a_note(client, session) -> None:
    reporter = sign_in(client, REPORTER)
    complaint_id = file_complaint(client, reporter)
    corrected = "El concreto de la banqueta nueva está agrietado frente a la tienda La Esperanza."
    sent = mutation("complaint.edit_description", {"complaint_id": complaint_id, "description": corrected,
                                                   "base_version": 1})
    first = assert_one_stored_result(replays(client, reporter, sent), session, reporter, sent)
    assert (first["status"], first["message"], first["data"]) == ("applied", None, {"version": 2})
    after = effects(session, complaint_id)
    assert after["version"] == 2
    assert after["updates"]["information"] == 0  # a replay is not a late edit kept as a note
    assert after["audit"]["description_edited"] == 1 and after["audit"]["information_added"] == 0
    assert client.get(f"{COMPLAINTS}/{complaint_id}", headers=reporter.headers).json()["description"] == corrected


def test_a_withdrawal_sent_many_times_is_applied_once_and_answered_the_same(client, session) -> None:
    reporter = sign_in(client, REPORTER)
    complaint_id = file_complaint(client, reporter)
    before = effects(session, complaint_id)
    sent = mutation("complaint.withdraw", {"complaint_id": complaint_id, "reason": "Ya lo arreglaron."})
    first = assert_one_stored_result(replays(client, reporter, sent), session, reporter, sent)
    assert (first["status"], first["data"]) == ("applied", {"state": "withdrawn"})  # never "not allowed" later
    after = effects(session, complaint_id)
    assert after["version"] == before["version"] + 1 and after["state"] == "withdrawn"
    assert after["updates"] - before["updates"] == Counter({"transition": 1})
    assert after["audit"] - before["audit"] == Counter({"transitioned": 1})
    public = client.get(f"{COMPLAINTS}/{complaint_id}").json()
    assert [u["to_state"] for u in public["updates"] if u["kind"] == "transition"] == ["received", "withdrawn"]


def test_support_sent_many_times_counts_once(client, session) -> None:
    reporter = sign_in(client, REPORTER)
    supporter = sign_in(client, SUPPORTER)
    complaint_id = file_complaint(client, reporter)
    sent = mutation("complaint.support", {"complaint_id": complaint_id})
    first = assert_one_stored_result(replays(client, supporter, sent), session, supporter, sent)
    assert (first["status"], first["data"]) == ("applied", {"support_count": 1})
    after = effects(session, complaint_id)
    assert (after["support_count"], after["supports"], after["audit"]["supported"]) == (1, 1, 1)
    assert client.get(f"{COMPLAINTS}/{complaint_id}").json()["support_count"] == 1


def test_a_photo_declared_many_times_is_expected_once(client, session) -> None:
    reporter = sign_in(client, REPORTER)
    complaint_id = file_complaint(client, reporter)
    attachment = {"id": str(uuid.uuid4()), "sha256": "ab" * 32}
    sent = mutation("complaint.attach_photo", {"complaint_id": complaint_id, "attachment": attachment})
    first = assert_one_stored_result(replays(client, reporter, sent), session, reporter, sent)
    assert (first["status"], first["data"]) == ("applied", {"missing_attachments": [attachment["id"]]})
    assert effects(session, complaint_id)["attachments"] == 1


# ------------------------------------------------------------------------------------------------ at the same moment

CONNECTIONS = 4
ROUNDS = 2


def at_once(app, phone, sent: dict) -> list[dict]:
    """CONNECTIONS phones' worth of connections (each its own client) send the same mutation at the same moment,
    ROUNDS times: every result they got."""
    answers: list[dict] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(CONNECTIONS)

    def send() -> None:
        try:
            with TestClient(app, raise_server_exceptions=False) as own:
                for _ in range(ROUNDS):
                    barrier.wait(timeout=60)
                    answers.extend(push(own, phone, sent))
        except BaseException as exc:  # noqa: BLE001  (reported below, in the test's thread)
            barrier.abort()
            failures.append(exc)

    threads = [threading.Thread(target=send) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(answers) == CONNECTIONS * ROUNDS
    return answers


@pytest.fixture
def concurrent_app(committed):
    from server import db
    from server.app import create_app
    from server.config import configure_settings

    settings, database = committed
    configure_settings(settings)
    return create_app(settings, database=db.configure(database))


INTENTS = ["complaint.add_information", "complaint.edit_description", "complaint.withdraw", "complaint.support",
           "complaint.attach_photo"]


@pytest.mark.parametrize("intent", INTENTS)
def test_the_same_mutation_from_several_connections_at_once_is_applied_once(live, committed_database,
                                                                            concurrent_app, intent: str) -> None:
    reporter = sign_in(live, REPORTER)
    complaint_id = file_complaint(live, reporter)
    phone, expected_data = reporter, None
    text = "Se cayó otro pedazo de la banqueta."
    attachment = {"id": str(uuid.uuid4()), "sha256": "cd" * 32}
    payload: dict = {"complaint_id": complaint_id}
    if intent == "complaint.add_information":
        payload |= {"text": text, "attachments": [attachment]}
        expected_data = {"state": "received", "missing_attachments": [attachment["id"]]}
    elif intent == "complaint.edit_description":
        payload |= {"description": "El concreto de la banqueta nueva ya está agrietado en dos partes.",
                    "base_version": 1}
        expected_data = {"version": 2}
    elif intent == "complaint.withdraw":
        payload |= {"reason": "Ya lo arreglaron."}
        expected_data = {"state": "withdrawn"}
    elif intent == "complaint.support":
        phone = sign_in(live, SUPPORTER)
        expected_data = {"support_count": 1}
    else:
        payload |= {"attachment": attachment}
        expected_data = {"missing_attachments": [attachment["id"]]}
    with committed_database.session_scope() as session:
        before = effects(session, complaint_id)
    sent = mutation(intent, payload)

    answers = at_once(concurrent_app, phone, sent)
    assert [answer == answers[0] for answer in answers] == [True] * len(answers), answers
    assert answers[0]["status"] == "applied" and answers[0]["data"] == expected_data, answers[0]
    with committed_database.session_scope() as session:
        after = effects(session, complaint_id)
        stored = session.scalars(sa.select(Mutation.result).where(Mutation.device_id == phone.device_id,
                                                                  Mutation.mutation_id == uuid.UUID(sent["id"])))
        assert list(stored) == [answers[0]]
    bumped = 0 if intent in ("complaint.support", "complaint.attach_photo") else 1
    assert after["version"] == before["version"] + bumped
    grown = {"complaint.add_information": Counter({"information": 1}),
             "complaint.withdraw": Counter({"transition": 1})}.get(intent, Counter())
    assert after["updates"] - before["updates"] == grown
    logged = {"complaint.add_information": "information_added", "complaint.edit_description": "description_edited",
              "complaint.withdraw": "transitioned", "complaint.support": "supported"}.get(intent)
    assert after["audit"] - before["audit"] == (Counter({logged: 1}) if logged else Counter())
    assert (after["support_count"], after["supports"]) == ((1, 1) if intent == "complaint.support" else (0, 0))
    declared = 1 if intent in ("complaint.add_information", "complaint.attach_photo") else 0
    assert after["attachments"] == declared
