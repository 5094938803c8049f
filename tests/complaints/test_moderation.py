"""Moderation (docs/privacy.md): a comptroller or administrator decides what the public sees of a complaint's
text and photos; what waits is listed on the desk; two moderators at once never lose a decision; a municipality
may publish the text of safe kinds at once, never photos or denuncias."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from server import db
from server.config import configure_settings
from tests.conftest import committed_demo_database
from tests.factories import bearer, complaint_body, token_for
from tests.reliability.crowd import at_once
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"
TEXT = "La guarnición nueva ya se desmorona; pregunten por doña Chayito en el número 12."
PUBLIC_TEXT = "La guarnición nueva ya se desmorona en esa cuadra."


def staff(session, email: str = "contraloria@vigia.example") -> dict[str, str]:
    return bearer(token_for(session, email))


def file(client, **fields) -> dict:
    response = client.post(BASE, json=complaint_body(anonymous=True, **fields))
    assert response.status_code == 201, response.text
    return response.json()["complaint"]


def moderate(client, headers, complaint: dict, **decision):
    version = decision.pop("version", None) or client.get(f"{BASE}/{complaint['id']}", headers=headers).json()["version"]
    return client.post(f"{BASE}/{complaint['id']}/moderation", headers=headers,
                       json={"version": version, "reason": "Revisado: sin datos personales", **decision})


def public(client, complaint: dict) -> dict:
    return client.get(f"{BASE}/{complaint['id']}").json()


def test_the_text_is_public_only_once_a_moderator_approves_it(client, session) -> None:
    complaint = file(client, description=TEXT)
    assert complaint["description"] == TEXT  # the reporter's answer shows what they sent
    assert (complaint["text_publication"], public(client, complaint)["description"]) == ("pending", None)
    desk = client.get(BASE, params={"publication": "pending", "limit": 200}, headers=staff(session)).json()
    assert complaint["id"] in [item["id"] for item in desk["items"]]

    blackout = moderate(client, staff(session), complaint, text="approve_with_blackout")
    assert_error_shape(blackout, 422, "moderation_public_text_required")
    decided = moderate(client, staff(session), complaint, text="approve_with_blackout", public_text=PUBLIC_TEXT)
    assert decided.status_code == 200, decided.text
    seen = decided.json()
    assert (seen["text_publication"], seen["description"], seen["public_description"]) == (
        "published", TEXT, PUBLIC_TEXT)
    assert public(client, complaint)["description"] == PUBLIC_TEXT
    desk = client.get(BASE, params={"publication": "pending", "limit": 200}, headers=staff(session)).json()
    assert complaint["id"] not in [item["id"] for item in desk["items"]]

    kept = moderate(client, staff(session), complaint, text="keep_private")
    assert kept.status_code == 200 and kept.json()["text_publication"] == "withheld"
    assert public(client, complaint)["description"] is None
    log = client.get("/api/v1/municipalities/10005/audit/entries",
                     params={"entity": "complaint", "entity_id": complaint["id"]}).text
    assert "moderated" in log and "reason_hmac" in log and "doña Chayito" not in log and "Revisado" not in log


def test_only_the_municipalitys_moderators_decide(client, session) -> None:
    complaint = file(client)
    body = {"version": 1, "text": "approve", "reason": "Me parece bien"}
    assert_error_shape(client.post(f"{BASE}/{complaint['id']}/moderation", json=body), 401, "auth_required")
    for email in ("voluntaria@vigia.example", "comite@vigia.example", "contraloria.gomez@vigia.example"):
        answer = client.post(f"{BASE}/{complaint['id']}/moderation", json=body, headers=staff(session, email))
        assert answer.status_code == 403, (email, answer.text)
    assert public(client, complaint)["description"] is None
    assert moderate(client, staff(session, "admin@vigia.example"), complaint, text="approve").status_code == 200
    empty = moderate(client, staff(session), complaint)
    assert_error_shape(empty, 422, "moderation_empty")


def test_a_denuncia_or_a_confidential_complaint_is_never_published(client, session) -> None:
    denuncia = file(client, kind="report", category="cobro-indebido", description=TEXT)
    confidential = file(client, description=TEXT, confidential=True)
    for complaint in (denuncia, confidential):
        assert complaint["restricted"] is True and complaint["description"] == TEXT  # the reporter's own view
        refused = moderate(client, staff(session), complaint, text="approve")
        assert_error_shape(refused, 422, "moderation_restricted")
        assert moderate(client, staff(session), complaint, text="keep_private").status_code == 200
        shown = public(client, complaint)
        assert (shown["restricted"], shown["description"], shown["location"], shown["photos"]) == (
            True, None, None, [])
        assert shown["category"] and shown["state"] == "received" and shown["received_on"]
    message = moderate(client, {**staff(session), "Accept-Language": "en"}, denuncia, text="approve").json()
    assert message["error"]["message"].startswith("This complaint is a report of wrongdoing")


def test_photos_are_decided_one_by_one_with_black_boxes(client, session) -> None:
    from server.complaints.fixtures import synthetic_photo

    ids = [client.post("/api/v1/municipalities/10005/photos", content=synthetic_photo(seed),
                       headers={"Content-Type": "image/jpeg"}).json()["id"] for seed in (7001, 7002, 7003)]
    complaint = file(client, photo_ids=ids)
    assert public(client, complaint)["photos"] == []
    box = {"x": 100, "y": 100, "width": 200, "height": 200}
    no_boxes = moderate(client, staff(session), complaint,
                        photos=[{"photo_id": ids[0], "decision": "approve_with_blackout"}])
    assert_error_shape(no_boxes, 422, "moderation_boxes_required")
    decided = moderate(client, staff(session), complaint, photos=[
        {"photo_id": ids[0], "decision": "approve"},
        {"photo_id": ids[1], "decision": "approve_with_blackout", "rectangles": [box], "public_version": 1},
        {"photo_id": ids[2], "decision": "keep_private"}])
    assert decided.status_code == 200, decided.text
    assert decided.json()["photo_publication"] == {ids[0]: "published", ids[1]: "published", ids[2]: "withheld"}
    assert public(client, complaint)["photos"] == ids[:2]
    assert public(client, complaint)["description"] is None  # the text was not decided
    shown = client.get(f"/api/v1/municipalities/10005/photos/{ids[1]}").json()
    assert (shown["redacted"], shown["public_version"]) == (True, 2)
    assert client.get(f"/api/v1/municipalities/10005/photos/{ids[2]}/320").status_code == 404
    other = file(client)
    stranger = moderate(client, staff(session), other, photos=[{"photo_id": ids[0], "decision": "approve"}])
    assert_error_shape(stranger, 404, "photo_not_in_complaint")


def test_a_stale_decision_is_refused_with_what_changed(client, session) -> None:
    complaint = file(client)
    version = client.get(f"{BASE}/{complaint['id']}", headers=staff(session)).json()["version"]
    first = moderate(client, staff(session), complaint, version=version, text="approve")
    assert first.status_code == 200
    second = moderate(client, staff(session, "admin@vigia.example"), complaint, version=version,
                      text="keep_private")
    error = assert_error_shape(second, 409, "stale_version")
    assert error["current"]["text_publication"] == "published"  # the second moderator sees the first decision
    # the same 409 as a stale edit or move (service.check_version): the saved record in the details too
    assert error["details"][0]["current"] == error["current"]
    assert public(client, complaint)["description"] is not None


def test_a_municipality_publishes_the_text_of_safe_kinds_at_once(client, session) -> None:
    admin = staff(session, "admin@vigia.example")
    rules = {rule["kind"]: rule for rule in client.get(f"{BASE}/publication").json()}
    assert rules["suggestion"] == {"kind": "suggestion", "text_public_at_once": False, "configurable": True}
    assert rules["report"]["configurable"] is False
    url = f"{BASE}/publication/suggestion"
    assert_error_shape(client.put(url, json={"text_public_at_once": True}, headers=staff(session)), 403, "forbidden")
    set_ = client.put(url, json={"text_public_at_once": True}, headers=admin)
    assert set_.status_code == 200 and {"kind": "suggestion", "text_public_at_once": True,
                                        "configurable": True} in set_.json()
    never = client.put(f"{BASE}/publication/report", json={"text_public_at_once": True}, headers=admin)
    assert_error_shape(never, 422, "publication_report_never_at_once")
    suggestion = file(client, kind="suggestion", category="sugerencia", description=TEXT)
    assert public(client, suggestion)["description"] == TEXT and suggestion["text_publication"] == "published"
    kept = file(client, kind="suggestion", category="sugerencia", description=TEXT, confidential=True)
    assert public(client, kept)["description"] is None  # confidentiality wins over the rule
    complaint = file(client, description=TEXT)
    assert public(client, complaint)["description"] is None  # other kinds still wait


def test_duplicate_suggestions_measure_from_the_public_point_and_skip_restricted_ones(client, session) -> None:
    exact = [-104.66583, 24.02791]  # public as (-104.666, 24.028), about 75 m west-north-west
    shown = file(client, location={"type": "Point", "coordinates": exact}, description=TEXT)
    hidden = file(client, location={"type": "Point", "coordinates": exact}, confidential=True)
    answer = client.get(f"{BASE}/suggestions", params={"lon": exact[0], "lat": exact[1], "category": "obra-calidad"})
    duplicates = {item["id"]: item for item in answer.json()["duplicates"]}
    assert hidden["id"] not in duplicates and "24.02791" not in answer.text
    if shown["id"] in duplicates:
        assert duplicates[shown["id"]]["location"]["coordinates"] == [-104.666, 24.028]


# ------------------------------------------------------------------------------------------------ at once


@pytest.fixture(scope="module")
def committed(backend, tmp_path_factory) -> Iterator[tuple]:
    with committed_demo_database(backend.name, tmp_path_factory.mktemp("moderation"), backend.settings) as pair:
        yield pair


def test_two_moderators_at_once_never_lose_a_decision(committed) -> None:
    from server.app import create_app

    settings, database = committed
    configure_settings(settings)
    db.configure(database)
    app = create_app(settings, database=database)
    with TestClient(app) as client:
        complaint = file(client)
        with database.session_scope() as session:
            moderators = [staff(session), staff(session, "admin@vigia.example")]
        version = client.get(f"{BASE}/{complaint['id']}", headers=moderators[0]).json()["version"]
    decisions = ["approve", "keep_private"]

    def decide(number: int) -> int:
        with TestClient(app) as http:
            return moderate(http, moderators[number], complaint, version=version, text=decisions[number]).status_code

    statuses = at_once(2, decide)
    assert sorted(statuses) == [200, 409], statuses  # one decided; the other was told, not overwritten
    winner = decisions[statuses.index(200)]
    with TestClient(app) as client:
        seen = client.get(f"{BASE}/{complaint['id']}", headers=moderators[0]).json()
        assert seen["version"] == version + 1
        assert seen["text_publication"] == {"approve": "published", "keep_private": "withheld"}[winner]
        log = client.get("/api/v1/municipalities/10005/audit/entries",
                         params={"entity": "complaint", "entity_id": complaint["id"]}).json()
        entries = log["items"] if isinstance(log, dict) else log
        assert [entry["action"] for entry in entries].count("moderated") == 1
