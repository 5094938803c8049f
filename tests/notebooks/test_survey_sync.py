"""Phones pull the published versions of questionnaires (scope surveys:<code>) to collect responses offline; a
draft is never served, and a new published version arrives on the next pull.

The change log row is checked on both databases. The pull itself runs through HTTP where the test's own open
transaction can be served (SQLite, whose writers are serialised); on PostgreSQL a pull serves only finished
transactions, which tests/sync covers with a committed database (too slow to build again here)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from server.sync.models import Change
from tests.factories import bearer, token_for
from tests.sync.helpers import pull_all, sign_in

SURVEYS = "/api/v1/municipalities/10005/surveys"


def test_published_versions_are_pulled_by_the_team_phones(client, session, backend) -> None:
    reviewer = bearer(token_for(session, "revision@vigia.example"))
    created = client.post(SURVEYS, json={"key": "jueces-sync", "title": "Encuesta a jueces", "audience": "judges"},
                          headers=reviewer)
    assert created.status_code == 201, created.text
    survey = created.json()
    phone = sign_in(client, "auditor@vigia.example")
    sqlite = backend.name == "spatialite"
    if sqlite:
        items, cursor, _ = pull_all(client, phone)
        mine = {v["id"] for v in client.get(f"{SURVEYS}/{survey['id']}", headers=reviewer).json()["versions"]}
        assert not [i for i in items if i["id"] in mine and i["op"] == "upsert"]  # drafts stay with their authors
    first = client.post(f"{SURVEYS}/{survey['id']}/versions/1/publish", headers=reviewer).json()
    rows = session.scalars(sa.select(Change).where(Change.entity == "survey_version",
                                                   Change.entity_id == uuid.UUID(first["id"]))).all()
    assert rows and {(r.scope_kind, r.scope_id) for r in rows} == {("Q", rows[0].municipality_id)}
    if sqlite:
        items, cursor, _ = pull_all(client, phone, cursor)
        pulled = [i for i in items if i["type"] == "survey_version" and i["data"]["survey"]["id"] == survey["id"]]
        assert [(i["id"], i["scope"], i["op"]) for i in pulled] == [(first["id"], "surveys:10005", "upsert")]
        assert pulled[0]["data"]["survey"]["audience"] == "judges"
        assert [item["code"] for item in pulled[0]["data"]["items"]][:2] == ["workload", "staff_support"]
    items_v2 = [{"code": "workload", "section": "access", "text": {"es": "La carga me permite estudiar cada caso."}}]
    second = client.post(f"{SURVEYS}/{survey['id']}/versions", json={"items": items_v2}, headers=reviewer).json()
    client.post(f"{SURVEYS}/{survey['id']}/versions/2/publish", headers=reviewer)
    if sqlite:
        items, cursor, _ = pull_all(client, phone, cursor)
        assert [i["id"] for i in items if i["type"] == "survey_version"] == [second["id"]]  # only what changed


def test_only_those_who_collect_responses_pull_questionnaires(client, session, backend) -> None:
    reviewer = bearer(token_for(session, "revision@vigia.example"))
    survey = client.post(SURVEYS, json={"key": "jueces-scope", "title": "Encuesta", "audience": "judges"},
                         headers=reviewer).json()
    client.post(f"{SURVEYS}/{survey['id']}/versions/1/publish", headers=reviewer)
    if backend.name != "spatialite":
        return  # the pull serves finished transactions only on PostgreSQL (see the module's docstring)
    for email, expected in [("voluntaria@vigia.example", False), ("auditor@vigia.example", True)]:
        items, _, _ = pull_all(client, sign_in(client, email))
        assert any(i["scope"] == "surveys:10005" for i in items) is expected, email
