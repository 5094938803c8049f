"""What annotators and reviewers may not do, answered in words with the one error shape, losing nothing."""

from __future__ import annotations

import uuid

from server.annotations.models import Annotation
from server.auth.models import User
from server.rulings import courts, records
from server.rulings import service as rulings
from server.rulings.codelists import TextSource
from server.rulings.schemas import CourtCreate, RulingCreate
from tests.annotations.conftest import actor, span
from tests.annotations.test_flow import ANSWERS, annotate, assign
from tests.factories import municipality


def code(answer) -> str:
    return answer.json()["error"]["code"]


def test_annotations_are_checked_against_the_text_and_the_scheme(client, session, team):
    first, second = assign(client, team)
    quote = "el juzgado no expresó las razones de su decisión"
    good = span(team, quote, "apparent_reasoning")
    bad_label = annotate(client, team, 0, first, span(team, quote, "arbitrary"))
    assert bad_label.status_code == 422 and code(bad_label) == "annotation_label_unknown"
    message = bad_label.json()["error"]["message"]
    assert "«arbitrary»" in message and "Motivación insuficiente (insufficient_reasoning)" in message
    english = client.post(team.url(f"/annotation-assignments/{first}/annotations"),
                          headers=team.as_(0) | {"Accept-Language": "en"}, json=span(team, quote, "arbitrary"))
    assert "Insufficient reasoning (insufficient_reasoning)" in english.json()["error"]["message"]
    outside = annotate(client, team, 0, first, {"start": 10, "end": len(team.text) + 5, "label": "apparent_reasoning"})
    assert outside.status_code == 422 and code(outside) == "annotation_span_outside"
    reversed_ = annotate(client, team, 0, first, {"start": 30, "end": 10, "label": "apparent_reasoning"})
    assert reversed_.status_code == 422 and code(reversed_) == "annotation_span_reversed"
    assert reversed_.json()["error"]["message"] == ("El fragmento 30–10 está vacío o al revés: su inicio debe ser "
                                                    "menor que su fin.")
    assert reversed_.json()["error"]["details"][0]["field"] == "end"
    mismatch = annotate(client, team, 0, first, good | {"exact": "otra cosa"})
    assert mismatch.status_code == 422 and code(mismatch) == "annotation_quote_mismatch"
    ambiguous = annotate(client, team, 0, first, {"exact": quote, "label": "apparent_reasoning"})
    assert ambiguous.status_code == 422 and code(ambiguous) == "annotation_quote_ambiguous"
    with_context = annotate(client, team, 0, first, {"exact": quote, "label": "apparent_reasoning",
                                                     "prefix": "Tercero.- Que "})
    assert with_context.status_code == 201
    assert with_context.json()["target"]["selector"][1]["start"] == team.text.index(quote, team.text.index(quote) + 1)
    assert annotate(client, team, 0, first, good).status_code == 201
    overlap = annotate(client, team, 0, first, span(team, "no expresó las razones", "apparent_reasoning"))
    assert overlap.status_code == 422 and code(overlap) == "annotation_overlaps"
    assert annotate(client, team, 0, first, span(team, "no expresó las razones",
                                                  "insufficient_reasoning")).status_code == 201
    attributes = annotate(client, team, 0, first, span(team, "FALLO", "incongruent_reasoning",
                                                       attributes={"incongruence": "partial"}))
    assert attributes.status_code == 422 and attributes.json()["error"]["details"][0]["field"] == \
        "attributes.incongruence"
    # someone else's assignment; an outsider; an unknown one; another municipality's code
    assert code(annotate(client, team, 1, first, good)) == "assignment_not_yours"
    assert annotate(client, team, "outsider", first, good).status_code == 403
    assert annotate(client, team, 0, uuid.uuid4(), good).status_code == 404
    elsewhere = client.post(f"/api/v1/municipalities/{team.other_code}/annotation-assignments/{first}/annotations",
                            headers=team.as_(0), json=good)
    assert elsewhere.status_code == 404
    # malformed input
    broken = client.post(team.url(f"/annotation-assignments/{first}/annotations"), headers=team.as_(0) | {
        "Content-Type": "application/json"}, content=b'{"start": 1,')
    assert broken.status_code == 400 and code(broken) == "invalid_json"
    wrong_type = annotate(client, team, 0, first, {"start": "uno", "end": 5, "label": "apparent_reasoning"})
    assert wrong_type.status_code == 422
    no_label = annotate(client, team, 0, first, {"type": "Annotation", "target": {"selector": {
        "type": "TextPositionSelector", "start": 0, "end": 6}}, "body": []})
    assert no_label.status_code == 422 and code(no_label) == "annotation_label_missing"
    text_offsets = annotate(client, team, 0, first, {"type": "Annotation", "target": {"selector": {
        "type": "TextPositionSelector", "start": "0", "end": "6"}}, "body": "#apparent_reasoning"})
    assert text_offsets.status_code == 422 and code(text_offsets) == "annotation_w3c_invalid"
    # nothing of the refused ones was stored
    assert session.query(Annotation).filter(Annotation.assignment_id == uuid.UUID(first)).count() == 3


def test_versions_replays_and_deletion(client, session, team):
    first, _second = assign(client, team)
    body = span(team, "acreditó el vínculo laboral", "external_justification") | {"id": str(uuid.uuid4())}
    made = annotate(client, team, 0, first, body)
    assert made.status_code == 201
    assert annotate(client, team, 0, first, body).status_code == 200  # a replay
    changed = annotate(client, team, 0, first, body | {"comment": "Sin valorar el contrato"})
    assert changed.status_code == 409 and code(changed) == "annotation_version_stale"
    updated = client.put(team.url(f"/annotations/{body['id']}"), headers=team.as_(0),
                         json=body | {"comment": "Sin valorar el contrato", "version": 1})
    assert updated.status_code == 200 and updated.json()["vigia"]["version"] == 2
    stale = client.put(team.url(f"/annotations/{body['id']}"), headers=team.as_(0),
                       json=body | {"comment": "otra", "version": 1})
    assert stale.status_code == 409
    assert client.put(team.url(f"/annotations/{body['id']}"), headers=team.as_(1),
                      json=body | {"version": 2}).status_code == 403
    assert client.delete(team.url(f"/annotations/{body['id']}"), headers=team.as_(0),
                         params={"version": 1}).status_code == 409
    assert client.delete(team.url(f"/annotations/{body['id']}"), headers=team.as_(0),
                         params={"version": 2}).status_code == 204
    assert client.delete(team.url(f"/annotations/{body['id']}"), headers=team.as_(0)).status_code == 204
    assert code(annotate(client, team, 0, first, body | {"version": 3})) == "annotation_deleted"
    taken = annotate(client, team, 1, _second, body | {"version": None})
    assert taken.status_code == 409 and code(taken) == "annotation_id_taken"


def test_answers_and_finishing(client, team):
    first, _second = assign(client, team)
    url = team.url(f"/annotation-assignments/{first}")
    wrong = client.put(url + "/answers", headers=team.as_(0), json={"answers": {"outcome": "won", "mood": 1},
                                                                      "version": 1})
    assert wrong.status_code == 422 and [d["field"] for d in wrong.json()["error"]["details"]] == [
        "answers.outcome", "answers.mood"]
    partial = client.put(url + "/answers", headers=team.as_(0), json={"answers": {"outcome": "upheld"}, "version": 1})
    assert partial.status_code == 200 and partial.json()["assignment"]["version"] == 2
    assert code(client.put(url + "/answers", headers=team.as_(0),
                           json={"answers": {"outcome": "upheld"}, "version": 1})) == "assignment_version_stale"
    early = client.post(url + "/finish", headers=team.as_(0), json={})
    assert early.status_code == 422 and code(early) == "answers_required_missing"
    assert "Falta responder" in early.json()["error"]["details"][0]["message"]
    assert client.put(url + "/answers", headers=team.as_(0), json={"answers": ANSWERS, "version": 2}).status_code == 200
    assert client.post(url + "/finish", headers=team.as_(1), json={}).status_code == 403
    assert client.post(url + "/finish", headers=team.as_(0), json={"version": 2}).status_code == 409
    assert client.post(url + "/finish", headers=team.as_(0), json={"version": 3}).json()["state"] == "done"
    assert client.post(url + "/finish", headers=team.as_(0), json={}).status_code == 200  # again: no change
    assert code(client.put(url + "/answers", headers=team.as_(0), json={"answers": ANSWERS, "version": 4})) == \
        "assignment_done"
    # a reviewer gives it back; the annotator cannot do that themselves
    assert client.post(url + "/reopen", headers=team.as_(0), json={}).status_code == 403
    assert code(client.post(url + "/reopen", headers=team.as_("reviewer"), json={"version": 3})) == \
        "assignment_version_stale"
    reopened = client.post(url + "/reopen", headers=team.as_("reviewer"), json={"version": 4})
    assert reopened.status_code == 200 and reopened.json()["state"] == "in_progress"
    assert client.put(url + "/answers", headers=team.as_(0), json={"answers": {"outcome": "not_upheld"},
                                                                     "version": 5}).status_code == 200


def test_who_assigns_and_what(client, session, team):
    url = team.url(f"/audit-projects/{team.project_id}/assignments")
    body = {"ruling_id": str(team.ruling_id), "scheme_version_id": str(team.version_id),
            "annotator_ids": [str(a) for a in team.auditor_ids]}
    assert code(client.post(url, headers=team.as_(0), json=body)) == "audit_team_required"
    outsider = client.post(url, headers=team.as_("reviewer"), json=body | {"annotator_ids": [str(team.outsider_id)]})
    assert outsider.status_code == 422 and code(outsider) == "annotator_not_in_team"
    assert client.post(url, headers=team.as_("reviewer"), json=body).status_code == 201
    again = client.post(url, headers=team.as_("reviewer"), json=body)
    assert again.status_code == 409 and code(again) == "assignment_exists"
    # a ruling not yet published cannot be assigned
    place = municipality(session)
    reviewer = actor(session, session.get(User, team.reviewer_id).email)
    project = rulings.get_project(session, place, team.project_id)
    court = courts.create_court(session, actor=reviewer, municipality=place, data=CourtCreate(
        name=f"Juzgado Civil {uuid.uuid4().hex[:6]}", level="first_instance", speciality="civil"))
    draft, _ = records.create_ruling(session, actor=reviewer, municipality=place, project=project, data=RulingCreate(
        court_id=court.id, case_number="00999-2025", kind="auto", matter="civil", ruled_on="2025-05-02"),
        text="Texto de un auto aún sin publicar.", source=TextSource.text, detect=False)
    session.flush()
    unpublished = client.post(url, headers=team.as_("reviewer"), json=body | {"ruling_id": str(draft.id)})
    assert unpublished.status_code == 409 and code(unpublished) == "assignment_ruling_not_published"
    # the auditor lists only their own; the reviewer all; outsiders nothing
    mine = client.get(url, headers=team.as_(0)).json()
    assert [row["annotator_id"] for row in mine] == [str(team.auditor_ids[0])]
    assert len(client.get(url, headers=team.as_("reviewer")).json()) == 2
    assert client.get(url, headers=team.as_("outsider")).status_code == 403
    assert client.get(team.url(f"/rulings/{team.ruling_id}/annotations"), headers=team.as_("outsider")).status_code \
        == 403
    other = client.get(team.url(f"/annotation-assignments/{mine[0]['id']}"), headers=team.as_(1))
    assert other.status_code == 403 and code(other) == "assignment_not_yours"


def test_schemes_are_versioned_and_a_published_version_never_changes(client, team):
    url = team.url("/annotation-schemes")
    definition = {"labels": [{"code": "vague", "name": {"es": "Vaguedad"}, "definition": {"es": "Frase vaga."}}],
                  "questions": [{"code": "pages", "kind": "number", "text": {"es": "Páginas"}, "min": 1}]}
    assert client.post(url, headers=team.as_(0), json={"slug": "prueba", "name": "Prueba",
                                                       "definition": definition}).status_code == 403
    made = client.post(url, headers=team.as_("reviewer"), json={"slug": "prueba", "name": "Prueba",
                                                                "definition": definition})
    assert made.status_code == 201 and made.json()["versions"][0]["state"] == "draft"
    scheme = made.json()["id"]
    assert code(client.post(url, headers=team.as_("reviewer"), json={"slug": "prueba", "name": "Otra",
                                                                    "definition": definition})) == "scheme_slug_taken"
    repeated = client.put(f"{url}/{scheme}/versions/1", headers=team.as_("reviewer"), json={"definition": {
        "labels": definition["labels"] * 2}})
    assert repeated.status_code == 422 and code(repeated) == "scheme_definition_invalid"
    assert client.post(f"{url}/{scheme}/versions", headers=team.as_("reviewer"),
                       json={"definition": definition}).status_code == 409  # one draft at a time
    assert client.post(f"{url}/{scheme}/versions/1/publish", headers=team.as_("reviewer")).status_code == 200
    assert code(client.put(f"{url}/{scheme}/versions/1", headers=team.as_("reviewer"),
                           json={"definition": definition})) == "scheme_version_published"
    second = client.post(f"{url}/{scheme}/versions", headers=team.as_("reviewer"), json={"definition": definition})
    assert second.status_code == 201 and second.json()["number"] == 2
    public = client.get(f"{url}/{scheme}").json()
    assert [version["number"] for version in public["versions"]] == [1]  # the draft is not shown to all
    seed = client.post(url + "/seed", headers=team.as_("reviewer"))
    assert seed.status_code == 200 and seed.json()["slug"] == "tc-peru-00728-2008"  # already there
    assert client.get(team.url(f"/annotation-schemes/{uuid.uuid4()}")).status_code == 404
    assert client.get(f"/api/v1/municipalities/{team.other_code}/annotation-schemes/{scheme}").status_code == 404


def test_a_short_form_of_the_wrong_shape_is_explained_in_the_readers_language(client, team):
    """Pydantic's own English ("Input should be…", "Field required") never reaches a Spanish reader, nor Spanish an
    English one: each field of a short-form annotation is explained like any other body's."""
    first, _second = assign(client, team)
    bodies = [{"start": -3, "end": 5, "label": "apparent_reasoning"},
              {"start": "uno", "end": 5, "label": "apparent_reasoning"},
              {"start": "0", "end": 5, "label": "apparent_reasoning"},  # a string is not an offset, even a number's
              {"start": True, "end": 5, "label": "apparent_reasoning"},  # nor is true (it would be read as 1)
              {"start": 0.0, "end": 5, "label": "apparent_reasoning"},
              {"start": 0, "end": 5},
              {"start": 0, "end": 5, "label": "apparent_reasoning", "attributes": [1, 2]},
              {"start": 0, "end": 5, "label": "apparent_reasoning", "comment": "x" * 10_001}]
    for body in bodies:
        spanish = annotate(client, team, 0, first, body)
        assert spanish.status_code == 422, spanish.text
        error = spanish.json()["error"]
        assert error["code"] == "validation_error" and error["details"], error
        for detail in error["details"]:
            assert detail["field"] in ("start", "label", "attributes", "comment"), detail
            assert "Input should" not in detail["message"] and "Field required" not in detail["message"], detail
            assert "String should" not in detail["message"], detail
        english = client.post(team.url(f"/annotation-assignments/{first}/annotations"),
                              headers=team.as_(0) | {"Accept-Language": "en"}, json=body)
        assert english.json()["error"]["details"][0]["message"] != error["details"][0]["message"]
    missing = annotate(client, team, 0, first, {"start": 0, "end": 5}).json()["error"]["details"][0]
    assert missing == {"field": "label", "code": "missing", "message": "Este campo es obligatorio."}


def test_a_blank_comment_is_stored_as_no_comment(client, session, team):
    """A comment of spaces only is no comment (null, no commenting body); a comment loses its surrounding spaces."""
    first, _second = assign(client, team)
    blank = annotate(client, team, 0, first, span(team, "acreditó el vínculo laboral", "external_justification",
                                                  comment="   \n\t "))
    assert blank.status_code == 201, blank.text
    assert [body for body in blank.json()["body"] if body.get("purpose") == "commenting"] == []
    stored = session.get(Annotation, uuid.UUID(blank.json()["id"].rsplit(":", 1)[-1]))
    assert stored.comment is None
    padded = annotate(client, team, 0, first, span(team, "boletas de pago", "external_justification",
                                                   comment="  Sin valorar el contrato  "))
    assert padded.status_code == 201, padded.text
    assert [body["value"] for body in padded.json()["body"] if body.get("purpose") == "commenting"] == [
        "Sin valorar el contrato"]
