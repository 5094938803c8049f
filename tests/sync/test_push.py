"""Push: named intents applied at most once, one result each, an explicit acknowledgement, and ownership of a
complaint's fields respected when an edit arrives late."""

from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa

from server.complaints.models import Complaint, ComplaintPhoto
from server.sync.models import Mutation
from tests.factories import bearer, token_for
from tests.inspections.conftest import good_answers, setup  # noqa: F401  (the `setup` fixture)
from tests.sync.helpers import complaint_payload, mutation, sha256, sign_in
from tests.test_app import assert_error_shape

PUSH = "/api/v1/sync/push"
COMPLAINTS = "/api/v1/municipalities/10005/complaints"


def push(client, phone, *mutations, **headers):
    return client.post(PUSH, json={"mutations": list(mutations)}, headers={**phone.headers, **headers})


def assert_acknowledged(response, sent: list[dict]) -> list[dict]:
    """What the app checks before it forgets a batch: 200, JSON, the protocol, ok, one result per mutation."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["protocol"] == "vigia-sync/1" and body["ok"] is True
    assert [result["id"] for result in body["results"]] == [m.get("id") for m in sent]
    return body["results"]


def test_a_complaint_filed_offline_is_applied_once_however_often_it_is_sent(client, session) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    payload = complaint_payload(attachments=[{"id": str(uuid.uuid4()), "sha256": "ab" * 32}])
    sent = [mutation("complaint.file", payload)]
    results = [assert_acknowledged(push(client, phone, *sent), sent) for _ in range(5)]
    assert all(result == results[0] for result in results)
    first = results[0][0]
    assert first["status"] == "applied" and first["error"] is None
    assert first["record"] == {"type": "complaint", "id": payload["id"]}
    assert first["data"]["folio"].startswith("10005-")
    assert first["data"]["missing_attachments"] == [payload["attachments"][0]["id"]]
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)
                          .where(Complaint.id == uuid.UUID(payload["id"]))) == 1
    mine = client.get(COMPLAINTS + "/mine", headers=phone.headers).json()
    assert [c["folio"] for c in mine if c["id"] == payload["id"]] == [first["data"]["folio"]]


def test_a_rejected_mutation_does_not_block_the_ones_after_it(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    good = complaint_payload()
    sent = [
        mutation("complaint.file", complaint_payload(category="no-existe")),
        mutation("complaint.file", complaint_payload(location={"type": "Point", "coordinates": [24.02, -104.66]})),
        {"intent": "complaint.file", "municipality": "10005", "payload": good},  # no id
        mutation("complaint.teleport", {}),
        mutation("complaint.file", good, code="99999"),
        mutation("complaint.file", {**complaint_payload(), "description": 42}),
        mutation("complaint.file", good),
    ]
    results = assert_acknowledged(push(client, phone, *sent), sent)
    assert [r["status"] for r in results] == ["rejected"] * 6 + ["applied"]
    codes = [r["error"]["code"] for r in results[:6]]
    assert codes[0] == "unknown_category" and results[0]["error"]["details"][0]["field"] == "category"
    assert codes[1] == "coordinates_look_swapped" and "longitud" in results[1]["message"]
    assert codes[2:4] == ["mutation_invalid", "mutation_invalid"]
    assert results[2]["error"]["details"][0]["field"] == "id"
    assert results[3]["error"]["details"][0]["code"] == "intent_unknown"
    assert codes[4] == "municipality_not_found"
    assert codes[5] == "validation_error" and results[5]["error"]["details"][0]["field"] == "description"
    assert all(r["message"] for r in results[:6])  # a sentence the person can read
    assert results[6]["record"]["id"] == good["id"]


def test_rejections_are_in_the_language_asked_for_and_stored_with_the_mutation(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    sent = [mutation("complaint.support", {"complaint_id": str(uuid.uuid4())})]
    english = assert_acknowledged(push(client, phone, *sent, **{"Accept-Language": "en"}), sent)[0]
    assert english["status"] == "rejected" and english["error"]["code"] == "complaint_not_found"
    assert english["message"].startswith("There is no") or "not found" in english["message"].lower()
    replay = assert_acknowledged(push(client, phone, *sent), sent)[0]
    assert replay == english


def test_a_rejection_names_its_intent_and_explains_itself_in_the_language_asked_for(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    sent = [mutation("complaint.support", {"complaint_id": str(uuid.uuid4())}), mutation("complaint.teleport", {})]
    for _ in range(2):  # the second time the support is answered from its stored result
        missing, unknown = assert_acknowledged(push(client, phone, *sent, **{"Accept-Language": "en"}), sent)
        assert (missing["intent"], unknown["intent"]) == ("complaint.support", "complaint.teleport")
        assert missing["record"] is None and missing["data"] == {}
        assert missing["error"]["message"] == missing["message"] == "There is no such complaint in this municipality."
        assert unknown["error"]["message"] == unknown["message"]
        assert unknown["error"]["details"][0]["message"].startswith("Unknown kind of change; the known ones are: ")


def test_a_change_sent_again_with_its_fields_in_another_order_is_the_same_change(client, session) -> None:
    """A phone may serialise a stored change again (after an app update, say) with its keys in another order."""
    phone = sign_in(client, "voluntaria@vigia.example")
    sent = mutation("complaint.file", complaint_payload())
    first = assert_acknowledged(push(client, phone, sent), [sent])[0]
    payload = {key: sent["payload"][key] for key in reversed(sent["payload"])}
    payload["location"] = {key: payload["location"][key] for key in reversed(payload["location"])}
    again = {key: ({**sent, "payload": payload})[key] for key in reversed(sent)}
    assert list(again["payload"]) != list(sent["payload"])
    assert assert_acknowledged(push(client, phone, again), [again])[0] == first
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)
                          .where(Complaint.id == uuid.UUID(sent["payload"]["id"]))) == 1


def test_a_mutation_id_cannot_be_reused_for_another_change(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    mutation_id = uuid.uuid4()
    first = mutation("complaint.file", complaint_payload(), mutation_id=mutation_id)
    other = mutation("complaint.file", complaint_payload(), mutation_id=mutation_id)
    assert assert_acknowledged(push(client, phone, first), [first])[0]["status"] == "applied"
    reused = assert_acknowledged(push(client, phone, other, **{"Accept-Language": "en"}), [other])[0]
    assert reused["status"] == "rejected" and reused["error"]["code"] == "mutation_id_reused"
    assert reused["intent"] == "complaint.file" and reused["message"].startswith("That change id was already used")
    assert client.get(f"{COMPLAINTS}/{other['payload']['id']}").status_code == 404
    # the same id from another device is another mutation
    tablet = sign_in(client, "voluntaria@vigia.example", name="Tableta")
    assert assert_acknowledged(push(client, tablet, other), [other])[0]["status"] == "applied"


def test_the_whole_request_is_refused_only_for_what_concerns_all_of_it(client, session) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    one = [mutation("complaint.file", complaint_payload())]
    no_device = client.post(PUSH, json={"mutations": one}, headers={"Authorization": phone.headers["Authorization"]})
    assert_error_shape(no_device, 400, "device_required")
    other_device = push(client, phone, *one, **{"Vigia-Device": str(uuid.uuid4())})
    assert_error_shape(other_device, 403, "device_mismatch")
    assert_error_shape(client.post(PUSH, json={"mutations": one}, headers={"Vigia-Device": str(phone.device_id)}),
                       401, "auth_required")
    assert_error_shape(client.post(PUSH, content=b'{"mutations": [', headers={**phone.headers,
                                                                           "Content-Type": "application/json"}),
                       400, "invalid_json")
    assert_error_shape(client.post(PUSH, json={"mutations": []}, headers=phone.headers), 422, "validation_error")
    assert_error_shape(client.post(PUSH, json={"mutations": one * 501}, headers=phone.headers), 422, "validation_error")
    assert_error_shape(client.post(PUSH, json=[one], headers=phone.headers), 422, "validation_error")
    stored = session.scalar(sa.select(sa.func.count()).select_from(Mutation)
                            .where(Mutation.device_id == phone.device_id))
    assert stored == 0  # nothing of a refused request was kept
    revoke = client.post(f"/api/v1/auth/devices/{phone.device_id}/revoke", headers=phone.headers)
    assert revoke.status_code == 200
    assert_error_shape(push(client, phone, *one), 401, "token_revoked")


def test_the_device_list_shows_the_last_sync(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    before = {d["id"]: d for d in client.get("/api/v1/auth/devices", headers=phone.headers).json()}
    assert before[str(phone.device_id)]["last_sync_at"] is None
    assert push(client, phone, mutation("complaint.file", complaint_payload())).status_code == 200
    after = {d["id"]: d for d in client.get("/api/v1/auth/devices", headers=phone.headers).json()}
    assert after[str(phone.device_id)]["last_sync_at"] is not None


def test_an_anonymous_complaint_shows_the_same_follow_up_code_on_every_replay(client, session) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    sent = [mutation("complaint.file", complaint_payload(anonymous=True))]
    first = assert_acknowledged(push(client, phone, *sent), sent)[0]
    again = assert_acknowledged(push(client, phone, *sent), sent)[0]
    assert first == again and len(first["data"]["follow_up_code"]) >= 8
    followed = client.post(COMPLAINTS + "/follow-up", json={"folio": first["data"]["folio"],
                                                            "code": first["data"]["follow_up_code"]})
    assert followed.status_code == 200 and followed.json()["id"] == sent[0]["payload"]["id"]
    stored = session.scalars(sa.select(Mutation.result).where(Mutation.device_id == phone.device_id)).one()
    assert stored["data"]["folio"] == first["data"]["folio"]
    assert first["data"]["follow_up_code"] not in str(stored)  # derived again on each answer, never kept


def _staff_moves(client, session, complaint_id: str, to: str) -> None:
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    moved = client.post(f"{COMPLAINTS}/{complaint_id}/transitions", headers=staff,
                        json={"to": to, "reason": "Revisión inicial de la contraloría"})
    assert moved.status_code == 200, moved.text


def test_the_reporter_edits_the_text_until_officials_take_the_complaint_then_it_becomes_a_note(client, session):
    phone = sign_in(client, "voluntaria@vigia.example")
    payload = complaint_payload()
    push(client, phone, mutation("complaint.file", payload))
    corrected = "El concreto de la banqueta nueva ya está agrietado frente a la tienda La Esperanza."
    edit = [mutation("complaint.edit_description", {"complaint_id": payload["id"], "description": corrected,
                                                    "base_version": 1})]
    applied = assert_acknowledged(push(client, phone, *edit), edit)[0]
    assert applied["status"] == "applied" and applied["message"] is None
    # the reporter reads their own text; the public waits for a moderator (docs/privacy.md)
    assert client.get(f"{COMPLAINTS}/{payload['id']}", headers=phone.headers).json()["description"] == corrected
    assert client.get(f"{COMPLAINTS}/{payload['id']}").json()["description"] is None
    _staff_moves(client, session, payload["id"], "admitted")
    late_text = "Además, ahora también se cayó el barandal de la esquina norte."
    late = [mutation("complaint.edit_description", {"complaint_id": payload["id"], "description": late_text,
                                                    "base_version": 2})]
    noted = assert_acknowledged(push(client, phone, *late), late)[0]
    assert noted["status"] == "noted" and "información" in noted["message"]
    seen = client.get(f"{COMPLAINTS}/{payload['id']}", headers=phone.headers).json()
    assert seen["description"] == corrected and seen["state"] == "admitted"  # the officials' work stands
    assert [u["text"] for u in seen["updates"] if u["kind"] == "information"] == [late_text]  # nothing lost


def test_a_stale_edit_of_a_complaint_still_received_is_kept_as_information(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    payload = complaint_payload()
    push(client, phone, mutation("complaint.file", payload))
    first = "Primera corrección del texto de la queja sobre la banqueta."
    second = "Segunda corrección, escrita en otro teléfono sin ver la primera."
    push(client, phone, mutation("complaint.edit_description",
                                 {"complaint_id": payload["id"], "description": first, "base_version": 1}))
    stale = [mutation("complaint.edit_description",
                      {"complaint_id": payload["id"], "description": second, "base_version": 1})]
    assert assert_acknowledged(push(client, phone, *stale), stale)[0]["status"] == "noted"
    seen = client.get(f"{COMPLAINTS}/{payload['id']}", headers=phone.headers).json()
    assert seen["description"] == first and second in [u["text"] for u in seen["updates"]]


def test_only_the_reporter_adds_information_attaches_photos_or_withdraws(client) -> None:
    reporter = sign_in(client, "voluntaria@vigia.example")
    other = sign_in(client, "comite@vigia.example")
    payload = complaint_payload()
    push(client, reporter, mutation("complaint.file", payload))
    ref = {"complaint_id": payload["id"]}
    attachment = {"id": str(uuid.uuid4()), "sha256": "cd" * 32}
    for intent, body in [("complaint.add_information", {**ref, "text": "Hay más grietas hoy."}),
                         ("complaint.attach_photo", {**ref, "attachment": attachment}),
                         ("complaint.withdraw", {**ref, "reason": "Ya no me interesa."}),
                         ("complaint.edit_description", {**ref, "description": "Otro texto cualquiera aquí.",
                                                         "base_version": 1})]:
        refused = push(client, other, mutation(intent, body)).json()["results"][0]
        assert refused["status"] == "rejected" and refused["error"]["code"] == "not_the_reporter", intent
    sent = [mutation("complaint.add_information", {**ref, "text": "Hay más grietas hoy.", "attachments": []}),
            mutation("complaint.attach_photo", {**ref, "attachment": attachment}),
            mutation("complaint.withdraw", {**ref, "reason": "Lo arreglaron los vecinos."}),
            mutation("complaint.support", ref)]
    results = assert_acknowledged(push(client, reporter, *sent), sent)
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "rejected"]
    assert results[1]["data"]["missing_attachments"] == [attachment["id"]]
    assert results[3]["error"]["code"] in ("own_complaint", "complaint_not_open")
    assert client.get(f"{COMPLAINTS}/{payload['id']}").json()["state"] == "withdrawn"


def test_supporting_twice_counts_once(client) -> None:
    reporter = sign_in(client, "voluntaria@vigia.example")
    supporter = sign_in(client, "comite@vigia.example")
    payload = complaint_payload()
    push(client, reporter, mutation("complaint.file", payload))
    sent = [mutation("complaint.support", {"complaint_id": payload["id"]}) for _ in range(2)]
    results = assert_acknowledged(push(client, supporter, *sent), sent)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert client.get(f"{COMPLAINTS}/{payload['id']}").json()["support_count"] == 1


def test_a_photo_the_municipality_already_holds_is_not_asked_for_again(client, session) -> None:
    from server.media.models import Photo

    photo = session.scalars(sa.select(Photo).order_by(Photo.id)).first()
    phone = sign_in(client, "voluntaria@vigia.example")
    payload = complaint_payload(attachments=[{"id": str(uuid.uuid4()), "sha256": photo.sha256}])
    result = push(client, phone, mutation("complaint.file", payload)).json()["results"][0]
    assert result["status"] == "applied" and result["data"]["missing_attachments"] == []
    assert client.get(f"{COMPLAINTS}/{payload['id']}", headers=phone.headers).json()["photos"] == [str(photo.id)]
    joined = session.scalar(sa.select(sa.func.count()).select_from(ComplaintPhoto)
                            .where(ComplaintPhoto.complaint_id == uuid.UUID(payload["id"])))
    assert joined == 1


def test_a_visit_recorded_offline_waits_for_its_photos(client, session, setup) -> None:  # noqa: F811
    from server.auth.models import User

    email = session.get(User, setup.member_user_id).email
    phone = sign_in(client, email, "una-clave-segura")
    taken = str(uuid.uuid4())
    visit = setup.visit(photo_ids=[], answers=good_answers(uuid.UUID(taken)))
    visit["attachments"] = [{"id": taken, "sha256": sha256(b"una foto de la obra")}]
    sent = [mutation("visit.submit", visit)]
    results = [assert_acknowledged(push(client, phone, *sent), sent)[0] for _ in range(3)]
    assert results[0] == results[1] == results[2]
    assert results[0]["status"] == "applied" and results[0]["record"] == {"type": "visit", "id": visit["id"]}
    assert results[0]["data"]["missing_attachments"] == [taken]
    seen = client.get(f"/api/v1/municipalities/10005/visits/{visit['id']}", headers=phone.headers).json()
    assert seen["answers"]["foto_general"] == taken and seen["photo_ids"] == []
    outsider = push(client, sign_in(client, "voluntaria@vigia.example"), mutation("visit.submit", setup.visit()))
    assert outsider.json()["results"][0]["status"] == "rejected"


def test_the_same_push_from_two_connections_at_once_leaves_one_record_each(live) -> None:
    phone = sign_in(live, "voluntaria@vigia.example")
    sent = [mutation("complaint.file", complaint_payload()) for _ in range(8)]
    answers: list[list[dict]] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        barrier.wait()
        answers.append(assert_acknowledged(push(live, phone, *sent), sent))

    for _round in range(3):
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(answers) == 6 and all(answer == answers[0] for answer in answers)
    assert all(result["status"] == "applied" for result in answers[0])
    mine = live.get(COMPLAINTS + "/mine", headers=phone.headers).json()
    ids = [c["id"] for c in mine]
    for m in sent:
        assert ids.count(m["payload"]["id"]) == 1
    folios = [r["data"]["folio"] for r in answers[0]]
    assert len(set(folios)) == len(folios)


def test_something_that_is_not_a_mutation_is_rejected_on_its_own(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    good = mutation("complaint.file", complaint_payload())
    response = client.post(PUSH, json={"mutations": ["hola", 7, good]}, headers=phone.headers)
    results = response.json()["results"]
    assert response.status_code == 200 and len(results) == 3
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert results[0]["id"] is None and results[0]["error"]["code"] == "mutation_invalid"


def test_a_malformed_mutation_is_answered_under_the_id_it_was_sent_with(client) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    sent = mutation("complaint.file", complaint_payload())
    del sent["municipality"]
    result = assert_acknowledged(push(client, phone, sent), [sent])[0]  # the phone matches results by id
    assert (result["id"], result["intent"], result["status"]) == (sent["id"], "complaint.file", "rejected")
    assert result["error"]["code"] == "mutation_invalid"
    assert [d["field"] for d in result["error"]["details"]] == ["municipality"]


def test_the_api_document_shows_every_intent_and_its_payload(client) -> None:
    from server.sync.intents import INTENTS

    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/v1/sync/push"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schemas = spec["components"]["schemas"]
    push_body = schemas[body["$ref"].rsplit("/", 1)[1]]
    variants = push_body["properties"]["mutations"]["items"]
    refs = {ref["$ref"].rsplit("/", 1)[1] for ref in variants["oneOf"]}
    assert set(variants["discriminator"]["mapping"]) == set(INTENTS)
    file_schema = schemas["Mutation_complaint_file"]
    assert "Mutation_complaint_file" in refs and len(refs) == len(INTENTS)
    assert file_schema["properties"]["payload"]["$ref"].endswith("/SyncComplaintFile")
    assert "attachments" in schemas["SyncComplaintFile"]["properties"]
