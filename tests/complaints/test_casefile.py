"""One complaint as the desk shows it to staff (issue 17, point 3), through HTTP: the moves allowed now match the
workflow's table for each state and caller; a stale edit answers 409 with the record as saved now; who filed it
shows only to the comptroller handling it; timeline entries in words; photos as evidence with their originals;
likely duplicates."""

from __future__ import annotations

import hashlib

from server.complaints import workflow
from server.complaints.workflow import State
from tests.factories import bearer, complaint_body, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"
STAFF_EMAIL = "contraloria@vigia.example"
ADMIN_EMAIL = "admin@vigia.example"
REASON = "Revisado por la contraloría"
CONTACT = {"name": "Rosaura Gámiz Peña", "email": "rosaura.gamiz@correo.example", "phone": "618 555 0199"}
ENGLISH_CODES = {state.value for state in State} | {"high", "urgent", "low", "normal"}


def staff(session, email: str = STAFF_EMAIL) -> dict[str, str]:
    return bearer(token_for(session, email))


def file(client, headers=None, **fields) -> dict:
    response = client.post(BASE, json=complaint_body(**({"anonymous": True} | fields)), headers=headers or {})
    assert response.status_code == 201, response.text
    return response.json()["complaint"]


def table_moves(state: State, *, extended: bool = False) -> list[str]:
    """The staff moves from `state`, read straight from the workflow's table (docs/complaints.md)."""
    return [workflow.MOVES[target] for target, who in workflow.TRANSITIONS[state].items()
            if workflow.STAFF in who and not (target == State.extended and extended)]


def test_the_moves_offered_are_the_table_s_for_every_state_and_the_others_are_refused(client, session) -> None:
    headers = staff(session)
    items = client.get(BASE, params={"limit": 200, "include_closed": "true"}, headers=headers).json()["items"]
    assert {item["state"] for item in items} == {state.value for state in State}  # the demo has every state
    for item in items:
        state = State(item["state"])
        offered = [move["move"] for move in item["moves"]]
        assert offered == table_moves(state, extended=item["extended"]), state
        for move in item["moves"]:
            target = State(move["to_state"])
            assert move["to_label"] == workflow.label(target, "es") and move["label"] not in ENGLISH_CODES
            assert move["reason_required"] is True
            needs_answer = target in (State.needs_clarification, State.inadmissible, State.referred, State.resolved)
            assert move["public_answer"] == ("required" if needs_answer else "optional")
            assert ("outcome" in move["fields"]) is (target == State.resolved)
        # every move not offered is refused, and the refusal names the offered ones
        for target in State:
            if workflow.MOVES[target] in offered:
                continue
            refused = client.post(f"{BASE}/{item['id']}/transitions", headers=headers,
                                  json={"to": target.value, "reason": REASON, "outcome": "upheld",
                                        "public_answer": "Respuesta", "referred_to": "Otra autoridad"})
            if workflow.allowed(state, target, workflow.STAFF):  # the table allows it, but it was extended once
                assert target == State.extended and item["extended"]
                assert_error_shape(refused, 409, "already_extended")
                continue
            error = assert_error_shape(refused, 409, "transition_not_allowed"
                                       if target != state else "transition_to_same_state")
            assert error["allowed"] == [move["to_state"] for move in item["moves"]]
    words = {item["state"]: [move["label"] for move in item["moves"]] for item in items}
    assert words["received"] == ["Pedir aclaración", "Admitir", "Declarar improcedente",
                                 "Turnar a la autoridad competente"]
    assert words["withdrawn"] == []
    english = client.get(BASE, params={"state": "received"}, headers={**headers, "Accept-Language": "en"}).json()
    assert english["items"][0]["moves"][1]["label"] == "Admit"


def test_moves_are_the_staff_s_only_other_callers_get_none(client, session) -> None:
    reporter = staff(session, "voluntaria@vigia.example")
    filed = file(client, reporter, anonymous=False)
    url = f"{BASE}/{filed['id']}"
    assert [move["move"] for move in client.get(url, headers=staff(session)).json()["moves"]] == table_moves(
        State.received)
    assert [move["move"] for move in client.get(url, headers=staff(session, ADMIN_EMAIL)).json()["moves"]] == \
        table_moves(State.received)
    for headers in ({}, reporter, staff(session, "contraloria.gomez@vigia.example"),
                    staff(session, "coordinacion@vigia.example")):
        assert "moves" not in client.get(url, headers=headers).json()
    # once extended, a complaint offers no second extension
    for target in ("admitted", "under_investigation", "extended"):
        assert client.post(f"{url}/transitions", headers=staff(session),
                           json={"to": target, "reason": REASON, "extension_days": 3}).status_code == 200
    assert [move["move"] for move in client.get(url, headers=staff(session)).json()["moves"]] == ["resolve"]


def test_a_stale_edit_or_move_answers_409_with_the_record_as_saved_now(client, session) -> None:
    headers = staff(session)
    filed = file(client, contact=CONTACT)
    url = f"{BASE}/{filed['id']}"
    me = client.get("/api/v1/auth/me", headers=headers).json()["id"]
    saved = client.patch(url, headers=headers, json={"version": 1, "priority": "urgent", "assignee_id": me})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    # a second tab still holds version 1
    stale = client.patch(url, headers=headers, json={"version": 1, "priority": "low"})
    error = assert_error_shape(stale, 409, "stale_version")
    assert "versión 2" in error["message"] and "envió 1" in error["message"]
    detail = error["details"][0]
    assert detail["field"] == "version" and detail["code"] == "stale_version"
    current = detail["current"]
    assert (current["priority"], current["version"], current["assignee_id"]) == ("urgent", 2, me)
    assert error["current"] == current
    # the saved record in the error is for whoever sent it: never the reporter, even to the one handling it
    assert current["contact"] is None and current["reporter_visible"] is False
    assert CONTACT["phone"] not in stale.text
    moved = client.post(f"{url}/transitions", headers=headers, json={"to": "admitted", "reason": REASON,
                                                                      "version": 1})
    error = assert_error_shape(moved, 409, "stale_version")
    assert error["details"][0]["current"]["state"] == "received"
    assert error["details"][0]["current"]["state_label"] == "Recibida"
    assert client.get(url, headers=headers).json()["priority"] == "urgent"  # nothing of the stale edit was kept


def test_only_the_comptroller_handling_a_complaint_sees_who_filed_it(client, session) -> None:
    reporter = staff(session, "voluntaria@vigia.example")
    filed = file(client, reporter, anonymous=False, contact=CONTACT)
    url = f"{BASE}/{filed['id']}"
    comptroller, admin = staff(session), staff(session, ADMIN_EMAIL)
    ids = {email: client.get("/api/v1/auth/me", headers=staff(session, email)).json()["id"]
           for email in (STAFF_EMAIL, ADMIN_EMAIL)}

    def seen(headers) -> dict:
        return client.get(url, headers=headers).json()

    def assign(email: str | None) -> None:
        version = seen(comptroller)["version"]
        body = {"version": version, "assignee_id": ids[email]} if email else {"version": version, "unassign": True}
        assert client.patch(url, headers=comptroller, json=body).status_code == 200

    def withheld(view: dict) -> None:
        assert view["reporter_visible"] is False and view["contact_given"] is True
        assert view["contact"] is None and view["reporter_id"] is None and view["reporter"] is None

    # nobody handles it yet: every comptroller sees that there is a contact, nobody sees it
    withheld(seen(comptroller))
    withheld(seen(admin))
    withheld(seen(staff(session, "nacional@vigia.example")))
    assign(ADMIN_EMAIL)
    withheld(seen(comptroller))
    shown = seen(admin)
    assert shown["reporter_visible"] is True and shown["contact"] == CONTACT
    assert shown["reporter"] == {"full_name": shown["reporter"]["full_name"], "email": "voluntaria@vigia.example"}
    assign(STAFF_EMAIL)
    withheld(seen(admin))
    assert seen(comptroller)["contact"] == CONTACT and seen(comptroller)["reporter_id"] is not None
    # lists, answers of other moves and every other surface never carry it
    queue = client.get(BASE, params={"q": filed["folio"]}, headers=comptroller)
    assert queue.json()["items"][0]["contact"] is None and CONTACT["phone"] not in queue.text
    for headers in ({}, reporter, staff(session, "contraloria.gomez@vigia.example"),
                    staff(session, "coordinacion@vigia.example")):
        assert CONTACT["phone"] not in client.get(url, headers=headers).text or headers is reporter
    # the reporter reads their own complaint without any staff field
    assert "contact" not in seen(reporter) and "moves" not in seen(reporter)
    assign(None)
    withheld(seen(comptroller))


def test_the_timeline_says_what_happened_in_words(client, session) -> None:
    headers = staff(session)
    filed = file(client)
    url = f"{BASE}/{filed['id']}"
    for target, extra in (("needs_clarification", {"public_answer": "Indique entre qué calles."}),
                          ("received", {}), ("admitted", {})):
        assert client.post(f"{url}/transitions", headers=headers,
                           json={"to": target, "reason": REASON, **extra}).status_code == 200
    updates = client.get(url, headers=headers).json()["updates"]
    assert [(u["label"], u["from_label"], u["to_label"]) for u in updates] == [
        ("Presentada", None, "Recibida"), ("Requiere aclaración", "Recibida", "Requiere aclaración"), ("Recibida", "Requiere aclaración", "Recibida"),
        ("Admitida", "Recibida", "Admitida")]
    english = client.get(url, headers={"Accept-Language": "en"}).json()["updates"]  # the public reads them too
    assert [u["label"] for u in english] == ["Filed", "Needs clarification", "Received", "Admitted"]


def test_staff_see_each_photo_s_evidence_and_can_download_the_original(client, session) -> None:
    headers = staff(session)
    items = client.get(BASE, params={"limit": 200}, headers=headers).json()["items"]
    with_photo = next(item for item in items if item["photos"])
    url = f"{BASE}/{with_photo['id']}"
    photos = client.get(f"{url}/photos", headers=headers)
    assert photos.status_code == 200, photos.text
    first = photos.json()[0]
    assert first["photo"]["id"] == with_photo["photos"][0] == first["evidence"]["id"]
    assert len(first["evidence"]["sha256"]) == 64
    original = client.get(first["original_url"], headers=headers)
    assert original.status_code == 200
    assert hashlib.sha256(original.content).hexdigest() == first["evidence"]["sha256"]
    assert original.headers["x-content-sha256"] == first["evidence"]["sha256"]
    assert original.headers["cache-control"] == "private, no-store"
    assert original.headers["content-type"] == first["evidence"]["content_type"]
    for who, status in (({}, 401), (staff(session, "voluntaria@vigia.example"), 403),
                        (staff(session, "contraloria.gomez@vigia.example"), 403)):
        assert client.get(first["original_url"], headers=who).status_code == status
        assert client.get(f"{url}/photos", headers=who).status_code == status
    other = next(item for item in items if item["id"] != with_photo["id"])
    assert_error_shape(client.get(f"{BASE}/{other['id']}/photos/{first['photo']['id']}/original",
                                  headers=headers), 404, "photo_not_in_complaint")


def test_likely_duplicates_are_near_of_the_same_category_and_can_be_merged(client, session) -> None:
    headers = staff(session)
    here = file(client)
    lon, lat = here["location"]["coordinates"] if here["location"] else (None, None)
    near = file(client, location={"type": "Point", "coordinates": [lon + 0.0005, lat]})  # about 50 m east
    far = file(client, location={"type": "Point", "coordinates": [lon + 0.01, lat]})  # about 1 km
    other_kind = file(client, category="obra-paralizada")
    found = client.get(f"{BASE}/{here['id']}/duplicates", headers=headers)
    assert found.status_code == 200, found.text
    ids = [d["complaint"]["id"] for d in found.json()]
    assert near["id"] in ids and far["id"] not in ids and other_kind["id"] not in ids and here["id"] not in ids
    distance = next(d["distance_m"] for d in found.json() if d["complaint"]["id"] == near["id"])
    assert 40 < distance < 60
    merged = client.post(f"{BASE}/{near['id']}/merge", headers=headers,
                         json={"duplicate_of": here["id"], "reason": "Es la misma banqueta", "version": 1})
    assert merged.status_code == 200 and merged.json()["duplicate_of"] == here["id"]
    assert near["id"] not in [d["complaint"]["id"] for d in client.get(f"{BASE}/{here['id']}/duplicates",
                                                                       headers=headers).json()]
    assert client.get(f"{BASE}/{here['id']}/duplicates").status_code == 401


def test_a_work_is_linked_and_unlinked_with_the_version(client, session) -> None:
    from tests.factories import make_work

    headers = staff(session)
    work = make_work(session, title="Banqueta de la calle Negrete")
    filed = file(client)
    url = f"{BASE}/{filed['id']}"
    linked = client.patch(url, headers=headers, json={"version": 1, "work_id": str(work.id)})
    assert linked.status_code == 200 and linked.json()["work_id"] == str(work.id)
    unlinked = client.patch(url, headers=headers, json={"version": 2, "unlink_work": True})
    assert unlinked.status_code == 200, unlinked.text
    assert (unlinked.json()["work_id"], unlinked.json()["version"]) == (None, 3)
    assert client.patch(url, headers=headers, json={"version": 3, "unlink_work": True}).json()["version"] == 3
