"""Double annotation through HTTP: assign, annotate (W3C and short form), blind until both finish, agreement,
adjudication into gold, gold_for_rulings, exports."""

from __future__ import annotations

import json
import uuid
from datetime import date

import sqlalchemy as sa

from server.annotations import service
from server.audit.models import AuditEntry
from server.auth.models import Role, User
from server.rulings import projects
from server.rulings.schemas import TeamMemberSet
from tests.annotations.conftest import actor, span
from tests.factories import bearer, make_user, municipality, token_for


def assign(client, team, annotators=None):
    answer = client.post(team.url(f"/audit-projects/{team.project_id}/assignments"), headers=team.as_("reviewer"),
                         json={"ruling_id": str(team.ruling_id), "scheme_version_id": str(team.version_id),
                               "annotator_ids": [str(a) for a in (annotators or team.auditor_ids)]})
    assert answer.status_code == 201, answer.text
    return [row["id"] for row in answer.json()]


def annotate(client, team, who, assignment, body):
    return client.post(team.url(f"/annotation-assignments/{assignment}/annotations"), headers=team.as_(who),
                       json=body)


ANSWERS = {"outcome": "partially_upheld", "time_to_ruling_reasonable": True, "cited_precedents": ["STC 00728-2008"],
           "departs_from_own_precedent": "no"}


def answer_and_finish(client, team, who, assignment, answers=ANSWERS):
    got = client.get(team.url(f"/annotation-assignments/{assignment}"), headers=team.as_(who)).json()
    version = got["assignment"]["version"]
    put = client.put(team.url(f"/annotation-assignments/{assignment}/answers"), headers=team.as_(who),
                     json={"answers": answers, "version": version})
    assert put.status_code == 200, put.text
    done = client.post(team.url(f"/annotation-assignments/{assignment}/finish"), headers=team.as_(who),
                       json={"version": put.json()["assignment"]["version"]})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"


def test_the_whole_double_annotation_flow(client, session, team):
    first, second = assign(client, team)
    opened = client.get(team.url(f"/annotation-assignments/{first}"), headers=team.as_(0)).json()
    assert opened["ruling"]["days_to_ruling"] == (date(2025, 2, 14) - date(2024, 3, 1)).days  # for the dates question
    assert opened["text"]["text"] == team.text and opened["assignment"]["state"] == "assigned"
    apparent = "limitándose a citar la norma sin explicar por qué se aplica al caso"
    # the first auditor in the W3C model, with a quote selector only (the server finds the place)
    w3c_body = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "id": f"urn:uuid:{uuid.uuid4()}",
                "body": [{"type": "SpecificResource", "purpose": "classifying",
                          "source": f"urn:uuid:{team.version_id}#apparent_reasoning"},
                         {"type": "TextualBody", "purpose": "commenting", "value": "Cita la norma y nada más."}],
                "target": {"source": f"urn:uuid:{team.text_id}",
                           "selector": {"type": "TextQuoteSelector", "exact": apparent}},
                "vigia": {"attributes": {"decisive": True}}}
    made = annotate(client, team, 0, first, w3c_body)
    assert made.status_code == 201, made.text
    got = made.json()
    assert got["@context"] == "http://www.w3.org/ns/anno.jsonld" and got["type"] == "Annotation"
    selectors = {item["type"]: item for item in got["target"]["selector"]}
    assert selectors["TextPositionSelector"]["start"] == team.text.index(apparent)
    assert selectors["TextQuoteSelector"]["exact"] == apparent
    at = team.text.index(apparent)
    assert selectors["TextQuoteSelector"]["prefix"] == team.text[at - 32:at]
    assert got["body"][1]["value"] == "Cita la norma y nada más."
    # the same W3C annotation sent again (an offline resend) is stored once
    again = annotate(client, team, 0, first, w3c_body)
    assert again.status_code == 200 and again.json()["id"] == got["id"]
    assert annotate(client, team, 0, first, span(team, "Tercero.- Que el juzgado no expresó las razones de su "
                                                       "decisión", "insufficient_reasoning")).status_code == 201
    # the second auditor, short form: the same apparent span, and a different one
    assert annotate(client, team, 1, second, span(team, apparent, "apparent_reasoning")).status_code == 201
    assert annotate(client, team, 1, second, span(team, "respecto de la indemnización por despido arbitrario",
                                                  "incongruent_reasoning",
                                                  attributes={"incongruence": "omissive"})).status_code == 201
    # blind: each sees only their own until both finish
    seen = client.get(team.url(f"/rulings/{team.ruling_id}/annotations"), headers=team.as_(0)).json()["items"]
    assert {item["vigia"]["assignment"] for item in seen} == {first}
    reviewer_sees = client.get(team.url(f"/rulings/{team.ruling_id}/annotations"), headers=team.as_("reviewer"))
    assert len(reviewer_sees.json()["items"]) == 4
    answer_and_finish(client, team, 0, first)
    seen = client.get(team.url(f"/rulings/{team.ruling_id}/annotations"), headers=team.as_(0)).json()["items"]
    assert {item["vigia"]["assignment"] for item in seen} == {first}
    answer_and_finish(client, team, 1, second, ANSWERS | {"departs_from_own_precedent": "yes"})
    seen = client.get(team.url(f"/rulings/{team.ruling_id}/annotations"), headers=team.as_(0)).json()["items"]
    assert {item["vigia"]["assignment"] for item in seen} == {first, second}
    # no more changes to a finished assignment
    late = annotate(client, team, 0, first, span(team, "FALLO", "apparent_reasoning"))
    assert late.status_code == 409 and late.json()["error"]["code"] == "assignment_done"

    # agreement
    figures = client.get(team.url(f"/audit-projects/{team.project_id}/agreement"), headers=team.as_("reviewer"),
                         params={"scheme_version_id": str(team.version_id)})
    assert figures.status_code == 200, figures.text
    report = figures.json()
    assert report["rulings"] == 1
    assert report["span"]["labels"]["apparent_reasoning"]["f1_exact"] == 1.0
    assert report["span"]["labels"]["insufficient_reasoning"]["f1_exact"] == 0.0
    assert report["document"]["questions"]["outcome"]["observed"] == 1.0
    assert report["document"]["questions"]["departs_from_own_precedent"]["observed"] == 0.0

    # adjudication
    started = client.post(team.url(f"/rulings/{team.ruling_id}/adjudication"), headers=team.as_("reviewer"),
                          json={"scheme_version_id": str(team.version_id)})
    assert started.status_code == 201, started.text
    gold_id = started.json()["id"]
    # another reviewer of the team deciding into this gold is told it is someone else's, not to start it first
    second = make_user(session, Role.audit_reviewer)
    projects.set_team_member(session, actor=actor(session, session.get(User, team.reviewer_id).email),
                             municipality=municipality(session), project_id=team.project_id, user_id=second.id,
                             data=TeamMemberSet(role="reviewer"))
    session.flush()
    refused = client.post(team.url(f"/rulings/{team.ruling_id}/adjudication/decisions"),
                          headers=bearer(token_for(session, second.email)),
                          json={"scheme_version_id": str(team.version_id), "version": started.json()["version"],
                                "accept_agreed": True})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "adjudication_by_other", refused.text
    view = client.get(team.url(f"/rulings/{team.ruling_id}/adjudication"), headers=team.as_("reviewer"),
                      params={"scheme_version_id": str(team.version_id)}).json()
    items = {item["label"]: item for item in view["items"]}
    assert items["apparent_reasoning"]["agreed"] is True
    assert items["insufficient_reasoning"]["agreed"] is False
    assert items["insufficient_reasoning"]["sides"]["b"] == []
    questions = {q["question"]: q for q in view["answers"]}
    assert questions["outcome"]["agreed"] and not questions["departs_from_own_precedent"]["agreed"]
    decided = client.post(team.url(f"/rulings/{team.ruling_id}/adjudication/decisions"), headers=team.as_("reviewer"),
                          json={"scheme_version_id": str(team.version_id), "version": started.json()["version"],
                                "accept_agreed": True,
                                "items": [{"key": items["insufficient_reasoning"]["key"], "take": "a"},
                                          {"key": items["incongruent_reasoning"]["key"], "take": "neither"}],
                                "answers": [{"question": "departs_from_own_precedent", "take": "b"}]})
    assert decided.status_code == 200, decided.text
    assert sorted(item["vigia"]["label"] for item in decided.json()["gold_annotations"]) == [
        "apparent_reasoning", "insufficient_reasoning"]
    assert service.gold_for_rulings(session, [team.ruling_id]) == {}  # not finished yet
    gold_version = decided.json()["gold"]["version"]
    finished = client.post(team.url(f"/annotation-assignments/{gold_id}/finish"), headers=team.as_("reviewer"),
                           json={"version": gold_version})
    assert finished.status_code == 200, finished.text
    gold = service.gold_for_rulings(session, [team.ruling_id, uuid.uuid4()])
    assert list(gold) == [team.ruling_id]
    assert gold[team.ruling_id].labels == {"apparent_reasoning", "insufficient_reasoning"}
    assert gold[team.ruling_id].answers["departs_from_own_precedent"] == "yes"
    assert gold[team.ruling_id].answers["outcome"] == "partially_upheld"
    assert service.scheme_labels(session, team.version_id)[0] == "apparent_reasoning"
    logged = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity == "annotation_assignment",
                                                                AuditEntry.entity_id == uuid.UUID(gold_id))).all()
    assert sorted(logged) == ["adjudicated", "adjudication_started", "finished"]
    decision = session.scalar(sa.select(AuditEntry.data).where(AuditEntry.entity_id == uuid.UUID(gold_id),
                                                               AuditEntry.action == "adjudicated"))
    assert {item["take"] for item in decision["items"]} == {"agreed", "a", "neither"}

    # exports
    collection = client.get(team.url(f"/audit-projects/{team.project_id}/annotations.jsonld"),
                            headers=team.as_("reviewer"))
    assert collection.status_code == 200, collection.text
    body = collection.json()
    assert body["type"] == "AnnotationCollection" and body["total"] == 6
    assert body["first"]["type"] == "AnnotationPage" and len(body["first"]["items"]) == 6
    only_gold = client.get(team.url(f"/audit-projects/{team.project_id}/annotations.jsonld"),
                           headers=team.as_("reviewer"), params={"kind": "gold", "page": 0}).json()
    assert only_gold["type"] == "AnnotationPage" and len(only_gold["items"]) == 2
    doccano = client.get(team.url(f"/audit-projects/{team.project_id}/annotations.doccano.jsonl"),
                         headers=team.as_("reviewer"))
    assert doccano.status_code == 200
    lines = [json.loads(line) for line in doccano.text.splitlines()]
    assert len(lines) == 3 and all(line["text"] == team.text for line in lines)
    start, end, label = lines[0]["label"][0]
    assert team.text[start:end] and label in {"apparent_reasoning", "insufficient_reasoning"}
    assert client.get(team.url(f"/audit-projects/{team.project_id}/annotations.doccano.jsonl"),
                      headers=team.as_(0)).status_code == 403


def test_a_kind_in_a_scheme_definition_is_named_in_words(client, team):
    """The kinds of an attribute or a question read as words ("opción, sí/no o texto"), not codes."""
    definition = {"labels": [{"code": "x", "name": {"es": "X"}, "definition": {"es": "Y"},
                              "attributes": [{"code": "a", "name": {"es": "A"}, "kind": "colour"}]}],
                  "questions": [{"code": "q", "text": {"es": "Q"}, "kind": "colour"}]}
    body = {"slug": "otro", "name": "Otro", "definition": definition}
    wrong = client.post(team.url("/annotation-schemes"), json=body, headers=team.as_("reviewer"))
    assert wrong.status_code == 422, wrong.text
    messages = sorted(d["message"] for d in wrong.json()["error"]["details"])
    assert messages == [
        "Debe ser uno de estos valores: opción, sí/no o texto.",
        "Debe ser uno de estos valores: opción, varias opciones, número, fecha, texto, sí/no o lista."], messages
    english = client.post(team.url("/annotation-schemes"), json=body,
                          headers=team.as_("reviewer") | {"Accept-Language": "en"})
    assert sorted(d["message"] for d in english.json()["error"]["details"]) == [
        "Must be one of these values: choice, several choices, number, date, text, yes/no or list.",
        "Must be one of these values: choice, yes/no or text."]


def test_the_openapi_document_declares_both_json_types_for_an_annotation(client):
    """An annotation is taken as application/json or application/ld+json, and the OpenAPI document says both."""
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    post = paths["/api/v1/municipalities/{code}/annotation-assignments/{assignment_id}/annotations"]["post"]
    assert sorted(post["requestBody"]["content"]) == ["application/json", "application/ld+json"]
    put = paths["/api/v1/municipalities/{code}/annotations/{annotation_id}"]["put"]
    assert sorted(put["requestBody"]["content"]) == ["application/json", "application/ld+json"]
    schemes = paths["/api/v1/municipalities/{code}/annotation-schemes"]["post"]
    assert list(schemes["requestBody"]["content"]) == ["application/json"]
