"""The field app's intents: annotation.save (upsert by the app's id, with base version), annotation.delete,
assignment.finish, each applied at most once."""

from __future__ import annotations

import uuid

from server.annotations.models import Annotation
from tests.annotations.conftest import span
from tests.annotations.test_flow import ANSWERS, assign
from tests.sync.helpers import mutation, pull_all, sign_in

PUSH = "/api/v1/sync/push"


def push(client, phone, *mutations):
    answer = client.post(PUSH, json={"mutations": list(mutations)}, headers=phone.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def test_annotating_offline(client, session, team):
    first, second = assign(client, team)
    phone = sign_in(client, team.auditor_emails[0], password="una-clave-segura")
    annotation_id = str(uuid.uuid4())
    body = span(team, "acreditó el vínculo laboral", "external_justification")
    save = mutation("annotation.save", body | {"assignment_id": first, "id": annotation_id})
    results = [push(client, phone, save)[0] for _ in range(3)]  # sent three times: applied once
    assert results[0]["status"] == "applied" and results[0]["data"]["version"] == 1
    assert results[1] == results[0] == results[2]
    changed = mutation("annotation.save", body | {"assignment_id": first, "id": annotation_id, "base_version": 1,
                                                  "comment": "No valora el contrato"})
    assert push(client, phone, changed)[0]["data"]["version"] == 2
    stale = push(client, phone, mutation("annotation.save", body | {
        "assignment_id": first, "id": annotation_id, "base_version": 1, "comment": "otra"}))[0]
    assert stale["status"] == "rejected" and stale["error"]["code"] == "annotation_version_stale"
    not_mine = push(client, phone, mutation("annotation.save", body | {"assignment_id": second,
                                                                         "id": str(uuid.uuid4())}))[0]
    assert not_mine["status"] == "rejected" and not_mine["error"]["code"] == "assignment_not_yours"
    bad_label = push(client, phone, mutation("annotation.save", body | {"assignment_id": first, "label": "x",
                                                                          "id": str(uuid.uuid4())}))[0]
    assert bad_label["status"] == "rejected" and bad_label["error"]["code"] == "annotation_label_unknown"
    other = str(uuid.uuid4())
    push(client, phone, mutation("annotation.save", span(team, "FALLO", "apparent_reasoning") | {
        "assignment_id": first, "id": other}))
    deleted = push(client, phone, mutation("annotation.delete", {"annotation_id": other, "base_version": 1}))[0]
    assert deleted["status"] == "applied" and deleted["data"]["deleted"] is True
    live = session.query(Annotation).filter(Annotation.assignment_id == uuid.UUID(first),
                                            Annotation.deleted_at.is_(None)).all()
    assert [(row.label, row.comment) for row in live] == [("external_justification", "No valora el contrato")]
    assert client.put(team.url(f"/annotation-assignments/{first}/answers"), headers=phone.headers,
                      json={"answers": ANSWERS, "version": 1}).status_code == 200
    finish = mutation("assignment.finish", {"assignment_id": first, "base_version": 2})
    done = push(client, phone, finish)[0]
    assert done["status"] == "applied" and done["data"]["state"] == "done"
    assert push(client, phone, finish)[0] == done


def test_an_annotator_pulls_their_own_assignments_with_their_annotations(committed_team):
    """On a committed database (a pull serves finished transactions only), both backends."""
    team, client = committed_team
    first, second = assign(client, team)
    phone = sign_in(client, team.auditor_emails[0], password="una-clave-segura")
    items, cursor, _removed = pull_all(client, phone)
    mine = [item for item in items if item["type"] == "assignment"]
    assert [(item["id"], item["scope"]) for item in mine] == [(first, "assignments")]
    assert mine[0]["data"]["text"]["text"] == team.text and mine[0]["data"]["annotations"] == []
    push(client, phone, mutation("annotation.save", span(team, "FALLO", "apparent_reasoning") | {
        "assignment_id": first, "id": str(uuid.uuid4())}))
    other = sign_in(client, team.auditor_emails[1], password="una-clave-segura")
    push(client, other, mutation("annotation.save", span(team, "VISTOS", "apparent_reasoning") | {
        "assignment_id": second, "id": str(uuid.uuid4())}))
    again, _cursor, _removed = pull_all(client, phone, cursor)
    changed = [item for item in again if item["type"] == "assignment"]
    assert [item["id"] for item in changed] == [first]  # the other auditor's work is not served (blind)
    assert [a["vigia"]["label"] for a in changed[0]["data"]["annotations"]] == ["apparent_reasoning"]
    assert changed[0]["data"]["annotations"][0]["target"]["selector"][0]["exact"] == "FALLO"
