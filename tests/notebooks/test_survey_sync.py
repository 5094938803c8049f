"""Phones pull the published versions of questionnaires (scope surveys:<code>) to collect responses offline; a
draft is never served, and a new published version arrives on the next pull.

On a committed copy of the demo database, both backends: on PostgreSQL a pull serves only changes of finished
transactions, which a test's rolled-back transaction never is."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from server import db
from server.config import configure_settings
from server.sync.models import Change
from tests.factories import bearer
from tests.sync.helpers import pull_all, sign_in

SURVEYS = "/api/v1/municipalities/10005/surveys"


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory) -> Iterator[tuple]:
    """A client on a committed copy of the demo database (every request commits, as in production), and it."""
    from starlette.testclient import TestClient

    from server.app import create_app
    from tests.conftest import committed_demo_database

    with committed_demo_database(backend.name, tmp_path_factory.mktemp("surveys"), backend.settings) as pair:
        settings, database = pair
        configure_settings(settings)
        db.configure(database)
        try:
            with TestClient(create_app(settings, database=database), raise_server_exceptions=False) as client:
                yield client, database
        finally:
            configure_settings(backend.settings)


def test_published_versions_are_pulled_by_the_team_phones(live) -> None:
    client, database = live
    reviewer = bearer(sign_in(client, "revision@vigia.example").token)
    created = client.post(SURVEYS, json={"key": "jueces-sync", "title": "Encuesta a jueces", "audience": "judges"},
                          headers=reviewer)
    assert created.status_code == 201, created.text
    survey = created.json()
    phone = sign_in(client, "auditor@vigia.example")
    items, cursor, _ = pull_all(client, phone)
    mine = {v["id"] for v in client.get(f"{SURVEYS}/{survey['id']}", headers=reviewer).json()["versions"]}
    assert mine and not [i for i in items if i["id"] in mine and i["op"] == "upsert"]  # drafts stay with authors
    first = client.post(f"{SURVEYS}/{survey['id']}/versions/1/publish", headers=reviewer).json()
    with database.session_scope() as session:
        rows = session.scalars(sa.select(Change).where(Change.entity == "survey_version",
                                                       Change.entity_id == uuid.UUID(first["id"]))).all()
        assert rows and {(r.scope_kind, r.scope_id) for r in rows} == {("Q", rows[0].municipality_id)}
    items, cursor, _ = pull_all(client, phone, cursor)
    pulled = [i for i in items if i["type"] == "survey_version" and i["data"]["survey"]["id"] == survey["id"]]
    assert [(i["id"], i["scope"], i["op"]) for i in pulled] == [(first["id"], "surveys:10005", "upsert")]
    assert pulled[0]["data"]["survey"]["audience"] == "judges"
    assert [item["code"] for item in pulled[0]["data"]["items"]][:2] == ["workload", "staff_support"]
    items_v2 = [{"code": "workload", "section": "access", "text": {"es": "La carga me permite estudiar cada caso."}}]
    second = client.post(f"{SURVEYS}/{survey['id']}/versions", json={"items": items_v2}, headers=reviewer).json()
    client.post(f"{SURVEYS}/{survey['id']}/versions/2/publish", headers=reviewer)
    items, cursor, _ = pull_all(client, phone, cursor)
    assert [i["id"] for i in items if i["type"] == "survey_version"] == [second["id"]]  # only what changed


def test_only_those_who_collect_responses_pull_questionnaires(live) -> None:
    client, _database = live
    reviewer = bearer(sign_in(client, "revision@vigia.example").token)
    survey = client.post(SURVEYS, json={"key": "jueces-scope", "title": "Encuesta", "audience": "judges"},
                         headers=reviewer).json()
    client.post(f"{SURVEYS}/{survey['id']}/versions/1/publish", headers=reviewer)
    for email, expected in [("voluntaria@vigia.example", False), ("auditor@vigia.example", True)]:
        items, _, _ = pull_all(client, sign_in(client, email))
        assert any(i["scope"] == "surveys:10005" for i in items) is expected, email
