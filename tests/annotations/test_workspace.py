"""What the auditors' workspace reads (issue 18): an assignment with everything the phone needs offline (scheme,
project, court, judges, matter; orphaned annotations with their old text), the same online and in the pull; a
reviewer's list of a project's assignments with names and case numbers; answers pushed as the intent
`assignment.answers`."""

from __future__ import annotations

import uuid

from server.auth.models import User
from server.rulings import courts, publishing, records
from server.rulings.codelists import TextSource
from server.rulings.models import RulingJudge
from server.rulings.schemas import JudgeCreate
from tests.annotations.conftest import TEXT, actor, span
from tests.annotations.test_flow import ANSWERS, annotate, answer_and_finish, assign
from tests.annotations.test_sync import push
from tests.factories import municipality
from tests.sync.helpers import mutation, pull_all, sign_in


def _judge(session, team, name="Rosa Elvira Quispe Mamani"):
    reviewer = actor(session, session.get(User, team.reviewer_id).email)
    judge = courts.create_judge(session, actor=reviewer, municipality=municipality(session),
                                data=JudgeCreate(full_name=name, title="Jueza Titular"))
    session.add(RulingJudge(ruling_id=team.ruling_id, judge_id=judge.id, role="ponente"))
    session.flush()
    return judge


def test_an_assignment_carries_its_scheme_project_court_and_judges(client, session, team):
    _judge(session, team)
    first, _second = assign(client, team)
    got = client.get(team.url(f"/annotation-assignments/{first}"), headers=team.as_(0))
    assert got.status_code == 200, got.text
    view = got.json()
    assert view["scheme"]["slug"] == "tc-peru-00728-2008" and view["scheme"]["number"] == 1
    assert view["scheme"]["version_id"] == str(team.version_id)
    labels = {label["code"]: label for label in view["scheme"]["definition"]["labels"]}
    apparent = labels["apparent_reasoning"]
    assert apparent["name"]["es"] == "Inexistencia de motivación o motivación aparente"
    assert apparent["color"] == "#d62728"
    assert apparent["definition"]["es"] and apparent["examples"] and apparent["attributes"][0]["code"] == "decisive"
    assert [q["code"] for q in view["scheme"]["definition"]["questions"]][:1] == ["outcome"]
    project = client.get(team.url(f"/audit-projects/{team.project_id}"), headers=team.as_(0)).json()
    assert view["project"] == {"id": str(team.project_id), "name": project["name"]}
    assert view["municipality_code"] == team.code
    ruling = view["ruling"]
    assert ruling["court"]["name"].startswith("Juzgado Laboral ")
    assert [judge["full_name"] for judge in ruling["judges"]] == ["Rosa Elvira Quispe Mamani"]
    assert ruling["matter"] == "labour" and ruling["matter_name"] == "laboral"
    english = client.get(team.url(f"/annotation-assignments/{first}"),
                         headers=team.as_(0) | {"Accept-Language": "en"}).json()
    assert english["ruling"]["matter_name"] == "labour"


def test_an_orphaned_annotation_keeps_its_old_quote_and_text(client, session, team):
    first, _second = assign(client, team)
    lost = "limitándose a citar la norma sin explicar por qué se aplica al caso"
    assert annotate(client, team, 0, first, span(team, lost, "apparent_reasoning")).status_code == 201
    assert annotate(client, team, 0, first, span(team, "VISTOS", "apparent_reasoning")).status_code == 201
    reviewer = actor(session, session.get(User, team.reviewer_id).email)
    place = municipality(session)
    records.add_original(session, actor=reviewer, municipality=place, ruling_id=team.ruling_id,
                         text=TEXT.replace(lost, "con una cita"), source=TextSource.text, detect=False)
    public, _ = publishing.publish(session, actor=reviewer, municipality=place, ruling_id=team.ruling_id)
    session.flush()
    view = client.get(team.url(f"/annotation-assignments/{first}"), headers=team.as_(0)).json()
    assert view["text"]["id"] == str(public.id) and view["text"]["number"] == 2
    states = {item["target"]["selector"][0]["exact"]: item for item in view["annotations"]}
    assert states["VISTOS"]["vigia"]["anchorState"] == "anchored"
    assert "previousText" not in states["VISTOS"]["vigia"]
    orphan = states[lost]
    assert orphan["vigia"]["anchorState"] == "orphaned"
    assert orphan["target"]["source"] == f"urn:uuid:{team.text_id}"
    assert orphan["vigia"]["previousText"] == {"id": str(team.text_id), "number": 1}


def test_reviewers_list_assignments_with_names_and_case_numbers(client, session, team):
    first, second = assign(client, team)
    assert annotate(client, team, 0, first, span(team, "VISTOS", "apparent_reasoning")).status_code == 201
    listed = client.get(team.url(f"/audit-projects/{team.project_id}/assignments"), headers=team.as_("reviewer"))
    assert listed.status_code == 200, listed.text
    rows = {row["id"]: row for row in listed.json()}
    assert set(rows) == {first, second}
    users = {user.id: user for user in session.query(User).filter(User.id.in_(team.auditor_ids))}
    expected = users[team.auditor_ids[0]]
    assert (rows[first]["annotator_name"], rows[first]["annotator_email"]) == (expected.full_name, expected.email)
    ruling = client.get(team.url(f"/rulings/{team.ruling_id}"), headers=team.as_("reviewer")).json()
    assert rows[first]["case_number"] == rows[second]["case_number"] == ruling["case_number"]
    assert rows[first]["scheme_version_number"] == 1 and rows[first]["scheme_name"]
    assert (rows[first]["annotation_count"], rows[second]["annotation_count"]) == (1, 0)
    assert (rows[first]["state"], rows[second]["state"]) == ("in_progress", "assigned")
    own = client.get(team.url(f"/audit-projects/{team.project_id}/assignments"), headers=team.as_(1)).json()
    assert [row["id"] for row in own] == [second]  # an auditor: their own only


def test_answers_pushed_offline_merge(client, session, team):
    first, second = assign(client, team)
    phone = sign_in(client, team.auditor_emails[0], password="una-clave-segura")
    some = {key: ANSWERS[key] for key in ("outcome", "time_to_ruling_reasonable")}
    rest = {key: value for key, value in ANSWERS.items() if key not in some}
    answered = push(client, phone, mutation("assignment.answers", {"assignment_id": first, "answers": some,
                                                                   "base_version": 1}))[0]
    assert answered["status"] == "applied", answered
    assert answered["data"] == {"version": 2, "answers": some}
    # a second save made offline without a base version merges with the first
    merged = push(client, phone, mutation("assignment.answers", {"assignment_id": first, "answers": rest}))[0]
    assert merged["status"] == "applied" and merged["data"]["answers"] == ANSWERS
    stale = push(client, phone, mutation("assignment.answers", {"assignment_id": first, "answers": {},
                                                                "base_version": 1}))[0]
    assert stale["status"] == "rejected" and stale["error"]["code"] == "assignment_version_stale"
    wrong = push(client, phone, mutation("assignment.answers", {"assignment_id": first,
                                                                "answers": {"outcome": "maybe"}}))[0]
    assert wrong["status"] == "rejected" and wrong["error"]["code"] == "answers_invalid"
    not_mine = push(client, phone, mutation("assignment.answers", {"assignment_id": second, "answers": some}))[0]
    assert not_mine["status"] == "rejected" and not_mine["error"]["code"] == "assignment_not_yours"
    view = client.get(team.url(f"/annotation-assignments/{first}"), headers=phone.headers).json()
    assert view["answers"] == ANSWERS and view["assignment"]["state"] == "in_progress"
    assert view["peers_done"] is False
    done = push(client, phone, mutation("assignment.finish", {"assignment_id": first}))[0]
    assert done["status"] == "applied"
    assert client.get(team.url(f"/annotation-assignments/{first}"), headers=phone.headers).json()["peers_done"] is False
    answer_and_finish(client, team, 1, second)
    assert client.get(team.url(f"/annotation-assignments/{first}"), headers=phone.headers).json()["peers_done"] is True
    late = push(client, phone, mutation("assignment.answers", {"assignment_id": first, "answers": some}))[0]
    assert late["status"] == "rejected" and late["error"]["code"] == "assignment_done"


def test_the_pull_serves_the_whole_assignment(committed_team):
    team, client = committed_team
    first, _second = assign(client, team)
    phone = sign_in(client, team.auditor_emails[0], password="una-clave-segura")
    items, cursor, _removed = pull_all(client, phone)
    served = [item for item in items if item["type"] == "assignment"]
    online = client.get(team.url(f"/annotation-assignments/{first}"), headers=phone.headers).json()
    assert served[0]["data"] == online
    assert served[0]["data"]["scheme"]["definition"]["labels"][0]["code"] == "apparent_reasoning"
    push(client, phone, mutation("assignment.answers", {"assignment_id": first, "answers": {"outcome": "upheld"}}))
    again, _cursor, _removed = pull_all(client, phone, cursor)
    changed = [item for item in again if item["type"] == "assignment"]
    assert [item["id"] for item in changed] == [first]
    assert changed[0]["data"]["answers"] == {"outcome": "upheld"} and changed[0]["data"]["assignment"]["version"] == 2
    assert str(uuid.UUID(changed[0]["data"]["scheme"]["id"]))


def test_the_pull_serves_an_assignment_again_when_its_peers_finish_or_its_text_changes(committed_team):
    """Nothing of the assignment itself changed, yet what the phone shows did: the others finished (peers_done),
    or the ruling has a new public text (with no annotation to re-anchor)."""
    team, client = committed_team
    first, second = assign(client, team)
    answer_and_finish(client, team, 0, first)
    phone = sign_in(client, team.auditor_emails[0], password="una-clave-segura")
    items, cursor, _removed = pull_all(client, phone)
    assert [item["data"]["peers_done"] for item in items if item["type"] == "assignment"] == [False]
    answer_and_finish(client, team, 1, second)
    again, cursor, _removed = pull_all(client, phone, cursor)
    assert [(item["id"], item["data"]["peers_done"]) for item in again if item["type"] == "assignment"] == [
        (first, True)]
    reviewer = team.as_("reviewer")
    uploaded = client.post(team.url(f"/rulings/{team.ruling_id}/texts"), headers=reviewer | {
        "Content-Type": "text/plain"}, content=(TEXT + "\n\nNotifíquese.").encode())
    assert uploaded.status_code in (200, 201), uploaded.text
    for finding in client.get(team.url(f"/rulings/{team.ruling_id}/findings"), headers=reviewer).json():
        client.post(team.url(f"/rulings/{team.ruling_id}/findings/{finding['id']}/decision"), headers=reviewer,
                    json={"state": "dismissed", "version": finding["version"]})
    published = client.post(team.url(f"/rulings/{team.ruling_id}/public-version"), headers=reviewer)
    assert published.status_code == 201, published.text
    third, _cursor, _removed = pull_all(client, phone, cursor)
    served = [item for item in third if item["type"] == "assignment"]
    assert [item["id"] for item in served] == [first]
    assert served[0]["data"]["text"]["number"] == 2 and served[0]["data"]["text"]["text"].endswith("Notifíquese.")
