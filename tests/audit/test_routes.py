"""The public audit endpoints: anyone verifies a chain, or downloads it and recomputes it as docs/audit-log.md
explains, without an account."""

from __future__ import annotations

import uuid

from tests.audit import outsider
from tests.audit.conftest import delete_entries, log, set_data
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/{code}/audit"


def download(client, code: str = "99101", limit: int = 1000, **params) -> tuple[list[dict], list[dict]]:
    """Every page of the chain, as an outsider pages through it: (entries, pages)."""
    entries, pages, after = [], [], 0
    while after is not None:
        response = client.get(BASE.format(code=code) + "/entries",
                              params={"after_seq": after, "limit": limit, **params})
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        entries += page["items"]
        after = page["next_after_seq"]
    return entries, pages


def test_anyone_verifies_a_chain(client, session) -> None:
    made = log(session, count=4)
    response = client.get(BASE.format(code="99101") + "/verify")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "checked": 4, "head": {"seq": 4, "hash": made[-1].hash},
                               "first_broken": None}
    empty = client.get(BASE.format(code="99102") + "/verify").json()
    assert empty == {"ok": True, "checked": 0, "head": {"seq": 0, "hash": "0" * 64}, "first_broken": None}


def test_a_broken_chain_says_where_and_why_in_the_reader_s_language(client, session) -> None:
    made = log(session, count=4)
    set_data(session, "99101", 2, {"from": "received", "to": "inadmissible"})
    body = client.get(BASE.format(code="99101") + "/verify").json()
    assert body["ok"] is False and body["checked"] == 1 and body["head"]["seq"] == 4
    broken = body["first_broken"]
    assert (broken["seq"], broken["reason"], broken["found"]) == (2, "altered", made[1].hash)
    assert broken["message"] == "La entrada 2 fue alterada: su hash no coincide con su contenido."
    english = client.get(BASE.format(code="99101") + "/verify", headers={"Accept-Language": "en"}).json()
    assert english["first_broken"]["message"] == "Entry 2 was altered: its hash does not match its content."


def test_an_outsider_recomputes_the_downloaded_chain(client, session) -> None:
    made = log(session, count=7, actor_kind="user", actor_id=uuid.uuid4(),
               data={"reason": "Revisión de la Contraloría — tramo «B»", "steps": [1, 2], "urgent": True})
    entries, pages = download(client, limit=3)
    assert [len(page["items"]) for page in pages] == [3, 3, 1]
    assert [page["next_after_seq"] for page in pages] == [3, 6, None]
    assert [entry["seq"] for entry in entries] == list(range(1, 8))
    assert entries[0]["at"].endswith("Z") and len(entries[0]["at"]) == 27
    assert set(entries[0]) == {"seq", "municipality_id", "entity", "entity_id", "action", "actor_id", "actor_kind",
                               "at", "data", "prev_hash", "hash"}
    verifier = outsider.load()
    assert verifier.check(entries) is None
    assert entries[-1]["hash"] == made[-1].hash == pages[-1]["head"]["hash"]


def test_an_outsider_finds_tampering(client, session) -> None:
    log(session, count=5)
    verifier = outsider.load()
    set_data(session, "99101", 4, {"from": "received", "to": "closed"})
    assert verifier.check(download(client)[0]) == "entry 4 was altered"
    delete_entries(session, "99101", 2)
    assert verifier.check(download(client)[0]) == "entry 2 is missing"


def test_an_outsider_sees_truncation_only_against_the_head(client, session) -> None:
    log(session, count=5)
    delete_entries(session, "99101", 5)
    entries, pages = download(client)
    assert outsider.load().check(entries) is None  # the remaining entries are a chain by themselves...
    assert pages[-1]["head"]["seq"] == 5 and entries[-1]["hash"] != pages[-1]["head"]["hash"]  # ...but not the head
    assert client.get(BASE.format(code="99101") + "/verify").json()["first_broken"]["reason"] == "head_mismatch"


def test_entries_of_one_record(client, session) -> None:
    complaint = uuid.uuid4()
    log(session, count=2)
    log(session, count=2, entity_id=complaint)
    log(session, entity="photo")
    mine, _ = download(client, entity_id=str(complaint))
    assert [entry["seq"] for entry in mine] == [3, 4] and {entry["entity_id"] for entry in mine} == {str(complaint)}
    photos, _ = download(client, entity="photo")
    assert [entry["seq"] for entry in photos] == [5]
    verifier = outsider.load()
    assert all(verifier.entry_hash(entry) == entry["hash"] for entry in mine)
    assert download(client, code="99102")[0] == []


def test_unknown_municipality_and_bad_parameters(client) -> None:
    for path in ("/verify", "/entries"):
        error = assert_error_shape(client.get(BASE.format(code="99999") + path), 404, "municipality_not_found")
        assert "99999" in error["message"]
    entries = BASE.format(code="99101") + "/entries"
    for params, field in [({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"after_seq": -1}, "after_seq"),
                          ({"entity_id": "x"}, "entity_id"), ({"entity": "Queja"}, "entity"),
                          ({"sort": "seq"}, "sort")]:
        error = assert_error_shape(client.get(entries, params=params), 422, "validation_error")
        assert error["details"][0]["field"] == field


def test_the_endpoints_need_no_account_and_are_documented(client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/verify", "/entries"):
        operation = spec["paths"]["/api/v1/municipalities/{code}/audit" + path]["get"]
        assert "security" not in operation and operation["tags"] == ["audit"]
    params = {p["name"] for p in spec["paths"]["/api/v1/municipalities/{code}/audit/entries"]["get"]["parameters"]}
    assert params == {"code", "entity", "entity_id", "after_seq", "limit", "action", "since", "until", "order",
                      "before_seq"}
