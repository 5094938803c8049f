"""Surveys as their users see them: versioned questionnaires (CourTools items by default; a published version
never changes), pulled by phones, answered anonymously offline through `survey.respond` (once, however often it
is sent), and results per court crossed with the judge's notebook."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa

from server.notebooks.models import SurveyResponse
from tests.factories import bearer, token_for
from tests.notebooks.conftest import AUDITOR, BASE, REVIEWER, twelve_rulings
from tests.sync.helpers import mutation, sign_in
from tests.test_app import assert_error_shape

SURVEYS = f"{BASE}/surveys"


def _published_courtools(client, session, key: str = "usuarios-2025") -> dict:
    headers = bearer(token_for(session, REVIEWER))
    created = client.post(SURVEYS, json={"key": key, "title": "Encuesta a usuarios del juzgado",
                                         "audience": "court_users"}, headers=headers)
    assert created.status_code == 201, created.text
    survey = created.json()
    published = client.post(f"{SURVEYS}/{survey['id']}/versions/1/publish", headers=headers)
    assert published.status_code == 200, published.text
    return {**survey, "version": published.json()}


def _answers(access: int, fairness: int, **extra) -> dict:
    codes = ["finding_court", "forms_clear", "felt_safe", "barriers", "reasonable_time", "staff_attention",
             "courtesy", "found_office", "website", "hours"]
    answers: dict = {code: access for code in codes}
    answers.update({code: fairness for code in ("fair_handling", "judge_listened", "judge_informed",
                                                 "equal_treatment", "know_next")})
    answers.update(extra)
    return answers


def test_questionnaires_are_versioned_and_a_published_version_never_changes(client, session, audit) -> None:
    survey = _published_courtools(client, session)
    items = survey["version"]["items"]
    assert len(items) == 16 and {i["section"] for i in items} == {"access", "fairness", "other"}
    assert items[1]["text"]["es"] == "Encontrar el juzgado fue fácil."
    headers = bearer(token_for(session, REVIEWER))
    new_items = [{"code": "courtesy", "section": "access", "text": {"es": "Me trataron con respeto."}}]
    assert_error_shape(client.put(f"{SURVEYS}/{survey['id']}/versions/1", json={"items": new_items},
                                  headers=headers), 409, "survey_version_published")
    draft = client.post(f"{SURVEYS}/{survey['id']}/versions", json={"items": new_items}, headers=headers)
    assert draft.status_code == 201 and draft.json()["version"] == 2
    assert_error_shape(client.post(f"{SURVEYS}/{survey['id']}/versions", json={"items": new_items},
                                   headers=headers), 409, "survey_draft_exists")
    public = client.get(f"{SURVEYS}/{survey['id']}").json()
    assert [v["version"] for v in public["versions"]] == [1]  # drafts are for those who write them
    assert [v["version"] for v in client.get(f"{SURVEYS}/{survey['id']}", headers=headers).json()["versions"]] \
        == [1, 2]
    repeated = [new_items[0], new_items[0]]
    error = assert_error_shape(client.post(SURVEYS, json={"key": "otra", "title": "Otra", "audience": "judges",
                                                          "items": repeated}, headers=headers),
                               422, "survey_definition_invalid")
    assert error["details"][0]["field"] == "items.1.code"
    assert_error_shape(client.post(SURVEYS, json={"key": "usuarios-2025", "title": "Otra",
                                                  "audience": "court_users"}, headers=headers), 409,
                       "survey_key_taken")
    assert_error_shape(client.post(SURVEYS, json={"key": "x", "title": "X", "audience": "judges"},
                                   headers=bearer(token_for(session, AUDITOR))), 403, "forbidden")


def test_phones_push_anonymous_responses_once_however_often_they_are_sent(client, session, audit) -> None:
    survey = _published_courtools(client, session)
    phone = sign_in(client, AUDITOR)
    payload = {"id": str(uuid.uuid4()), "version_id": survey["version"]["id"], "court_id": audit.court,
               "collected_on": "2025-05-14", "answers": _answers(4, 5, role="party")}
    sent = mutation("survey.respond", payload)
    for _ in range(3):  # the phone never saw the answer: it sends again
        response = client.post("/api/v1/sync/push", json={"mutations": [sent]}, headers=phone.headers)
        assert response.status_code == 200
        assert response.json()["results"][0]["status"] == "applied", response.text
    # A new mutation carrying the same response (the outbox rebuilt) changes nothing either.
    again = client.post("/api/v1/sync/push", json={"mutations": [mutation("survey.respond", payload)]},
                        headers=phone.headers)
    assert again.json()["results"][0]["status"] == "applied"
    rows = session.scalars(sa.select(SurveyResponse).where(SurveyResponse.id == uuid.UUID(payload["id"]))).all()
    assert len(rows) == 1
    columns = set(SurveyResponse.__table__.columns.keys())
    assert columns == {"id", "municipality_id", "version_id", "court_id", "collected_on", "answers"}  # nobody
    changed = mutation("survey.respond", {**payload, "answers": _answers(1, 1)})
    result = client.post("/api/v1/sync/push", json={"mutations": [changed]}, headers=phone.headers).json()
    assert result["results"][0]["status"] == "rejected" and result["results"][0]["error"]["code"] == "id_taken"


def test_bad_responses_are_refused_in_words_and_lose_nothing(client, session, audit) -> None:
    survey = _published_courtools(client, session)
    headers = bearer(token_for(session, AUDITOR))
    url = f"{BASE}/survey-responses"
    good = {"id": str(uuid.uuid4()), "version_id": survey["version"]["id"], "court_id": audit.court,
            "collected_on": "2025-05-14", "answers": _answers(3, 3)}
    assert client.post(url, json=good, headers=headers).status_code == 201
    assert client.post(url, json=good, headers=headers).status_code == 200
    cases = [
        ({"answers": {"courtesy": 6}}, "survey_answers_invalid", "answers.courtesy"),
        ({"answers": {"role": "judge"}}, "survey_answers_invalid", "answers.role"),
        ({"answers": {"no_such_item": 3}}, "survey_answers_invalid", "answers.no_such_item"),
        ({"court_id": str(uuid.uuid4())}, "court_not_found", "court_id"),
        ({"version_id": str(uuid.uuid4())}, "survey_version_not_found", "version_id"),
        ({"collected_on": "2999-01-01"}, "survey_collected_in_future", "collected_on"),
    ]
    for change, code, field in cases:
        body = {**good, "id": str(uuid.uuid4()), **change}
        error = assert_error_shape(client.post(url, json=body, headers=headers), 422, code)
        assert error["details"][0]["field"] == field, change
    assert_error_shape(client.post(url, json={**good, "id": str(uuid.uuid4()), "answers": {"courtesy": True}},
                                   headers=headers), 422, "survey_answers_invalid")
    draft = client.post(f"{SURVEYS}/{survey['id']}/versions", json={"items": survey["version"]["items"]},
                        headers=bearer(token_for(session, REVIEWER))).json()
    assert_error_shape(client.post(url, json={**good, "id": str(uuid.uuid4()), "version_id": draft["id"]},
                                   headers=headers), 422, "survey_version_draft")
    other = client.post("/api/v1/municipalities/10007/survey-responses", json={**good, "id": str(uuid.uuid4())},
                        headers=bearer(token_for(session, "admin.gomez@vigia.example")))
    assert_error_shape(other, 422, "survey_version_not_found")  # another municipality's questionnaire
    assert_error_shape(client.post(url, json={**good, "id": str(uuid.uuid4())},
                                   headers=bearer(token_for(session, "contraloria@vigia.example"))), 403,
                       "survey_collect_forbidden")
    assert_error_shape(client.post(url, content=b"{", headers={**headers, "Content-Type": "application/json"}),
                       400, "invalid_json")
    count = session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                           .where(SurveyResponse.court_id == uuid.UUID(audit.court)))
    assert count == 1


def test_results_per_court_and_in_the_notebook(client, session, audit) -> None:
    survey = _published_courtools(client, session)
    headers = bearer(token_for(session, AUDITOR))
    # Four responses about the judge's court in 2025, one the year before, one about another court.
    for access, fairness, day, court in [(5, 5, "2025-03-01", audit.court), (4, 2, "2025-04-01", audit.court),
                                         (2, 1, "2025-05-01", audit.court), (3, None, "2025-06-01", audit.court),
                                         (1, 1, "2024-06-01", audit.court), (5, 5, "2025-06-01", audit.other_court)]:
        body = {"id": str(uuid.uuid4()), "version_id": survey["version"]["id"], "court_id": court,
                "collected_on": day, "answers": _answers(access, fairness)}
        assert client.post(f"{BASE}/survey-responses", json=body, headers=headers).status_code == 201
    results = client.get(f"{BASE}/survey-results", params={"court_id": audit.court, "since": "2025-01-01",
                                                           "until": "2025-12-31"}).json()
    assert len(results) == 1
    result = results[0]
    assert result["responses"] == 4 and result["court_id"] == audit.court
    courtesy = next(i for i in result["items"] if i["code"] == "courtesy")
    assert courtesy["distribution"] == {"1": 0, "2": 1, "3": 1, "4": 1, "5": 1}
    assert (courtesy["agree"]["count"], courtesy["agree"]["n"]) == (2, 4)
    fair = next(i for i in result["items"] if i["code"] == "fair_handling")
    assert fair["answered"] == 3 and fair["not_applicable"] == 1
    # CourTools: mean of each response's section mean, times 20.
    assert result["indices"]["access"] == {"n": 4, "index": round((5 + 4 + 2 + 3) / 4 * 20, 1)}
    assert result["indices"]["fairness"] == {"n": 3, "index": round((5 + 2 + 1) / 3 * 20, 1)}
    assert_error_shape(client.get(f"{BASE}/survey-results", params={"court_id": str(uuid.uuid4())}), 422,
                       "court_not_found")
    twelve_rulings(audit)
    notebook = client.post(f"{BASE}/audit-projects/{audit.project}/notebooks", json={"judge_id": audit.judge},
                           headers=bearer(token_for(session, REVIEWER))).json()
    assert [s["responses"] for s in notebook["surveys"]] == [4]  # its court, its period
    assert notebook["courts"] == [{"id": audit.court, "name": "Juzgado Primero Civil de Prueba"}]
    page = client.get(f"{BASE}/notebooks/{notebook['id']}.html", headers=headers).text
    assert "Encuesta a usuarios del juzgado" in page and "Índice de acceso: 70" in page
    assert date(2025, 1, 1).isoformat() == notebook["period"]["starts_on"]


def test_demo_surveys_load_once_and_feed_the_results(client, session, audit) -> None:
    from server.auth.actor import Actor
    from server.notebooks import demo_surveys
    from tests.factories import municipality

    demo = municipality(session)
    national = Actor(user_id=uuid.uuid4(), is_national_admin=True)
    courts = [uuid.UUID(audit.court), uuid.UUID(audit.other_court)]
    first = demo_surveys.load(session, actor=national, municipality=demo, court_ids=courts)
    assert first["created"] == 2 * demo_surveys.RESPONSES_PER_COURT  # the demo's questionnaires are there already
    again = demo_surveys.load(session, actor=national, municipality=demo, court_ids=courts)
    assert again == {"unchanged": 2 * demo_surveys.RESPONSES_PER_COURT}
    results = client.get(f"{BASE}/survey-results", params={"court_id": audit.court}).json()
    assert [r["responses"] for r in results] == [demo_surveys.RESPONSES_PER_COURT]
    assert 0 < results[0]["indices"]["access"]["index"] <= 100


def test_an_anonymous_phone_cannot_push_responses(client, session, audit) -> None:
    survey = _published_courtools(client, session)
    device_id = str(uuid.uuid4())
    enrolled = client.post("/api/v1/auth/anonymous-device", json={"device_id": device_id})
    assert enrolled.status_code == 201, enrolled.text
    headers = {"Authorization": f"Bearer {enrolled.json()['token']}", "Vigia-Device": device_id}
    payload = {"id": str(uuid.uuid4()), "version_id": survey["version"]["id"], "court_id": audit.court,
               "collected_on": "2025-05-14", "answers": {}}
    result = client.post("/api/v1/sync/push", json={"mutations": [mutation("survey.respond", payload)]},
                         headers=headers).json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "anonymous_device_forbidden"
    assert session.get(SurveyResponse, uuid.UUID(payload["id"])) is None


def test_a_wrong_answer_names_the_question_as_the_reader_reads_it(client, session, audit) -> None:
    """The item is named by its text in the reader's language («Me trataron con cortesía y respeto…»), not by its
    code («courtesy»), which a person collecting responses never sees."""
    survey = _published_courtools(client, session)
    items = {item["code"]: item for item in survey["version"]["items"]}
    headers = bearer(token_for(session, AUDITOR))
    body = {"version_id": survey["version"]["id"], "court_id": audit.court, "collected_on": "2025-05-14"}
    for answers, code in (({"courtesy": 6}, "courtesy"), ({"role": "judge"}, "role")):
        for language in ("es", "en"):
            answer = client.post(f"{BASE}/survey-responses", json=body | {"id": str(uuid.uuid4()), "answers": answers},
                                 headers=headers | {"Accept-Language": language})
            message = assert_error_shape(answer, 422, "survey_answers_invalid")["details"][0]["message"]
            wanted = items[code]["text"][language].rstrip(". ")
            assert wanted in message and f"«{code}»" not in message and f"“{code}”" not in message, message


def test_an_answer_of_the_wrong_type_is_one_problem_named_by_its_question(client, session, audit) -> None:
    """4.5, true, a list or an object for a Likert item is one detail on `answers.<item>` naming the question, not
    two guesses on `answers.<item>.int` and `answers.<item>.str`; a choice answered with a number likewise."""
    survey = _published_courtools(client, session)
    headers = bearer(token_for(session, AUDITOR))
    body = {"version_id": survey["version"]["id"], "court_id": audit.court, "collected_on": "2025-05-14"}
    before = session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))
    for answers, field, code in (({"courtesy": 4.5}, "answers.courtesy", "survey_answer_likert"),
                                 ({"courtesy": True}, "answers.courtesy", "survey_answer_likert"),
                                 ({"courtesy": [4]}, "answers.courtesy", "survey_answer_likert"),
                                 ({"role": {"a": 1}}, "answers.role", "survey_answer_option"),
                                 ({"role": 2}, "answers.role", "survey_answer_option")):
        answer = client.post(f"{BASE}/survey-responses", json=body | {"id": str(uuid.uuid4()), "answers": answers},
                             headers=headers)
        details = assert_error_shape(answer, 422, "survey_answers_invalid")["details"]
        assert [(d["field"], d["code"]) for d in details] == [(field, code)], answers
    assert session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == before


def test_an_audience_is_named_in_words(client, session, audit) -> None:
    """A questionnaire's audience reads as words ("usuarios del juzgado o jueces"), and the words are taken."""
    headers = bearer(token_for(session, REVIEWER))
    wrong = client.post(SURVEYS, json={"key": "otra", "title": "Encuesta", "audience": "abogados"}, headers=headers)
    detail = assert_error_shape(wrong, 422, "validation_error")["details"][0]
    assert detail["message"] == "Debe ser uno de estos valores: usuarios del juzgado o jueces.", detail
    english = client.post(SURVEYS, json={"key": "otra", "title": "Encuesta", "audience": "lawyers"},
                          headers=headers | {"Accept-Language": "en"})
    assert english.json()["error"]["details"][0]["message"] == "Must be one of these values: court users or judges."
    taken = client.post(SURVEYS, json={"key": "jueces-2025", "title": "Encuesta a jueces", "audience": "jueces"},
                        headers=headers)
    assert taken.status_code == 201 and taken.json()["audience"] == "judges", taken.text


def test_an_item_section_and_kind_are_named_in_words(client, session, audit) -> None:
    """A survey item's section and kind read as words, not codes, and the words are taken."""
    headers = bearer(token_for(session, REVIEWER))
    item = {"code": "q1", "text": {"es": "¿Le atendieron?"}, "section": "speed", "kind": "stars"}
    wrong = client.post(SURVEYS, json={"key": "otra", "title": "Encuesta", "audience": "judges", "items": [item]},
                        headers=headers)
    messages = sorted(d["message"] for d in assert_error_shape(wrong, 422, "validation_error")["details"])
    assert messages == ["Debe ser uno de estos valores: acceso, trato justo u otra.",
                        "Debe ser uno de estos valores: escala de 1 a 5 u opción."], messages
    english = client.post(SURVEYS, json={"key": "otra", "title": "Encuesta", "audience": "judges", "items": [item]},
                          headers=headers | {"Accept-Language": "en"})
    assert sorted(d["message"] for d in english.json()["error"]["details"]) == [
        "Must be one of these values: 1-to-5 scale or choice.",
        "Must be one of these values: access, fairness or other."]
    taken = client.post(SURVEYS, json={"key": "jueces-x", "title": "Encuesta", "audience": "judges", "items": [
        item | {"section": "trato justo", "kind": "escala de 1 a 5"}]}, headers=headers)
    assert taken.status_code == 201, taken.text


def test_results_since_after_until_are_refused_in_words(client, session, audit) -> None:
    wrong = client.get(f"{BASE}/survey-results", params={"since": "2025-12-31", "until": "2025-01-01"})
    detail = assert_error_shape(wrong, 422, "survey_results_period_reversed")["details"][0]
    assert detail["field"] == "until" and detail["message"] == (
        "La fecha «hasta» (until) es anterior a la fecha «desde» (since)."), detail
    english = client.get(f"{BASE}/survey-results", params={"since": "2025-12-31", "until": "2025-01-01"},
                         headers={"Accept-Language": "en"})
    assert english.json()["error"]["details"][0]["message"] == "The “until” date is before the “since” date."
    assert client.get(f"{BASE}/survey-results", params={"since": "2025-01-01", "until": "2025-01-01"}).status_code == 200
