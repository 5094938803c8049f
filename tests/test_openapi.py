"""/openapi.json describes what the server really answers.

Every GET endpoint of the document is called with ids of the demo data, anonymously and as several demo
accounts, and each answer is checked against the document: its status is declared for that operation, its
content type is one the operation declares, and a JSON body validates against the declared schema (with the
document's components, so a component that two models overwrite shows up here). The document itself is valid
OpenAPI 3.1 and each component name stands for exactly one model.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import BaseModel, TypeAdapter, create_model
from starlette.testclient import TestClient

from server.api.openapi import OpenAPINameCollision, _definitions
from server.complaints.fixtures import synthetic_photo
from tests.conftest import on_one_database
from tests.factories import CENTRO, DEMO, DEMO_ACCOUNTS, bearer
from tests.sync.helpers import sign_in

READERS = ["anonymous", "admin@vigia.example", "contraloria@vigia.example", "coordinacion@vigia.example",
           "contralor.ciudadano@vigia.example", "voluntaria@vigia.example"]
assert set(READERS[1:]) <= set(DEMO_ACCOUNTS.values())

QUERY = {  # required query parameters, and a few that make an answer richer
    "/complaints/suggestions": {"lon": CENTRO[0], "lat": CENTRO[1], "category": "obra-calidad"},
    "/works/near": {"lon": CENTRO[0], "lat": CENTRO[1]},
    "/works/within": {"bbox": "-104.75,23.95,-104.55,24.10"},
    "/complaints/public": {"limit": 200},
    "/works": {"limit": 200},
}


def _items(answer: Any) -> list[dict]:
    return answer["items"] if isinstance(answer, dict) and "items" in answer else answer


def demo_ids(client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    """Ids of the demo data for each path parameter of the document, read through the API."""
    base = f"/api/v1/municipalities/{DEMO}"

    def first(url: str, key: str = "id") -> str:
        response = client.get(base + url, headers=headers)
        assert response.status_code == 200, (url, response.text)
        items = _items(response.json())
        assert items, f"the demo has no {url}"
        return str(items[0][key])

    observatory = first("/observatories")
    observatory_detail = client.get(f"{base}/observatories/{observatory}", headers=headers).json()
    findings = client.get(f"{base}/observatories/{observatory}/findings", headers=headers).json()
    photo = client.post(f"{base}/photos", content=synthetic_photo(7), headers={"Content-Type": "image/jpeg",
                                                                                **headers})
    assert photo.status_code in (200, 201), photo.text
    rulings = _rulings_ids(client, base, headers)
    rulings |= _annotation_ids(client, base, headers, rulings)
    rulings |= _notebook_ids(client, base, headers, rulings)
    return {
        **rulings,
        "code": DEMO,
        "work_id": first("/works"),
        "committee_id": first("/committees"),
        "complaint_id": first("/complaints/public"),
        "template_id": first("/forms"),
        "observatory_id": observatory,
        "finding_id": str(_items(findings)[0]["id"]),
        "indicator_id": str(observatory_detail["indicators"][0]["id"]),
        "visit_id": first("/visits"),
        "photo_id": photo.json()["id"],
        "variant": "320",
        "service_code": "obra-calidad",
        "token": "10005-2026-000001.0.sin-firma",  # a follow-up link (a made-up one answers its 404)
    }


def _notebook_ids(client: TestClient, base: str, headers: dict[str, str], rulings: dict[str, str]) -> dict[str, str]:
    """A notebook of the project's judge (computed by the admin) and a published survey (docs/notebooks.md)."""
    notebook = client.post(f"{base}/audit-projects/{rulings['project_id']}/notebooks", headers=headers,
                           json={"judge_id": rulings["judge_id"]})
    assert notebook.status_code in (200, 201), notebook.text
    survey = client.post(f"{base}/surveys", headers=headers, json={"key": "doc-encuesta", "title": "Encuesta",
                                                                   "audience": "court_users"})
    assert survey.status_code == 201, survey.text
    published = client.post(f"{base}/surveys/{survey.json()['id']}/versions/1/publish", headers=headers)
    assert published.status_code == 200, published.text
    return {"notebook_id": notebook.json()["id"], "survey_id": survey.json()["id"]}


def _annotation_ids(client: TestClient, base: str, headers: dict[str, str], rulings: dict[str, str]) -> dict[str, str]:
    """The seed scheme, a published ruling of the project assigned to the admin, and one annotation of it: the ids
    of the annotation routes (docs/annotations.md)."""

    def made(response) -> dict | list:
        assert response.status_code in (200, 201), response.text
        return response.json()

    scheme = made(client.post(f"{base}/annotation-schemes/seed", headers=headers))
    user = made(client.get("/api/v1/auth/me", headers=headers))["id"]
    ruling = made(client.post(f"{base}/audit-projects/{rulings['project_id']}/rulings", headers=headers, json={
        "court_id": rulings["court_id"], "case_number": "DOC-2-2025", "kind": "sentencia", "matter": "civil",
        "ruled_on": "2025-03-02", "text": "se declara fundada la demanda por las razones expuestas en la audiencia."}))
    for finding in made(client.get(f"{base}/rulings/{ruling['id']}/findings", headers=headers)):
        made(client.post(f"{base}/rulings/{ruling['id']}/findings/{finding['id']}/decision", headers=headers,
                         json={"state": "dismissed", "version": finding.get("version", 1)}))
    made(client.post(f"{base}/rulings/{ruling['id']}/public-version", headers=headers))
    assignment = made(client.post(f"{base}/audit-projects/{rulings['project_id']}/assignments", headers=headers,
                                  json={"ruling_id": ruling["id"], "scheme_version_id": scheme["versions"][0]["id"],
                                        "annotator_ids": [user]}))[0]
    annotation = made(client.post(f"{base}/annotation-assignments/{assignment['id']}/annotations", headers=headers,
                                  json={"start": 0, "end": 19, "label": "apparent_reasoning"}))
    return {"scheme_id": scheme["id"], "assignment_id": assignment["id"],
            "annotation_id": annotation["id"].removeprefix("urn:uuid:")}


def _rulings_ids(client: TestClient, base: str, headers: dict[str, str]) -> dict[str, str]:
    """A court, a judge, an audit project and a ruling with its original text and findings, made by the admin
    (who coordinates the project): the ids of the rulings routes (docs/rulings.md)."""

    def made(response) -> dict:
        assert response.status_code == 201, response.text
        return response.json()

    court = made(client.post(f"{base}/courts", headers=headers, json={
        "name": "Juzgado del documento de la API", "level": "first_instance", "speciality": "civil"}))
    judge = made(client.post(f"{base}/judges", headers=headers, json={"full_name": "Jueza del Documento"}))
    project = made(client.post(f"{base}/audit-projects", headers=headers, json={
        "name": "Auditoría del documento de la API", "period_starts_on": "2025-01-01",
        "period_ends_on": "2025-12-31"}))
    ruling = made(client.post(f"{base}/audit-projects/{project['id']}/rulings", headers=headers, json={
        "court_id": court["id"], "case_number": "DOC-1-2025", "kind": "sentencia", "matter": "civil",
        "ruled_on": "2025-03-01", "judges": [{"judge_id": judge["id"]}],
        "text": "SENTENCIA. La demandante Ana Torres Inga, con DNI N° 45678912, pide alimentos."}))
    return {"court_id": court["id"], "judge_id": judge["id"], "project_id": project["id"],
            "ruling_id": ruling["id"], "text_id": ruling["original"]["id"]}


def validator(spec: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of `schema` whose `#/components/...` references resolve in the document."""
    return Draft202012Validator({**schema, "components": spec["components"]})


def check_answer(spec: dict[str, Any], path: str, method: str, response) -> list[str]:
    """What is wrong with this answer according to the document (nothing: an empty list)."""
    operation = spec["paths"][path][method]
    declared = operation["responses"].get(str(response.status_code))
    if declared is None:
        return [f"{method.upper()} {path}: status {response.status_code} is not declared "
                f"({sorted(operation['responses'])}): {response.text[:300]}"]
    content = declared.get("content")
    if not content:
        return []
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media not in content:
        return [f"{method.upper()} {path}: content type {media!r} is not declared ({sorted(content)})"]
    schema = content[media].get("schema")
    if not schema or "json" not in media:
        return []
    return [f"{method.upper()} {path} ({response.status_code}): {error.json_path}: {error.message[:300]}"
            for error in validator(spec, schema).iter_errors(response.json())]


def test_real_answers_of_every_get_endpoint_match_the_document(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    admin = bearer(sign_in(client, "admin@vigia.example").token)
    ids = demo_ids(client, admin)
    problems: list[str] = []
    checked = 0
    for reader in READERS:
        headers = {} if reader == "anonymous" else sign_in(client, reader).headers
        for path, methods in spec["paths"].items():
            if "get" not in methods or path.startswith("/open311/"):
                continue  # Open311 has its own document and tests (tests/open311)
            url = path
            for name, value in ids.items():
                url = url.replace("{" + name + "}", value)
            assert "{" not in url, f"no demo id for {path}"
            query = next((q for suffix, q in QUERY.items() if path.endswith(suffix)), {})
            response = client.get(url, params=query, headers=headers)
            assert response.status_code < 500, (reader, url, response.text)
            problems += check_answer(spec, path, "get", response)
            checked += 1
    assert checked >= 50 * len(READERS)
    assert not problems, "\n".join(problems)


# The document and its validation (seconds) do not depend on the database behind the app: on one database.
@on_one_database
def test_each_component_name_stands_for_one_model(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    validate(spec)
    schemas = spec["components"]["schemas"]
    # The names that used to overwrite each other, now one per domain.
    for name in ("State", "Kind", "TemplatePublic", "FindingPublic", "MemberPrivate"):
        assert name not in schemas
    assert set(schemas["CommitteeState"]["enum"]) != set(schemas["ComplaintState"]["enum"])
    assert "versions" in schemas["InspectionTemplatePublic"]["properties"]
    assert "versions" not in schemas["ComplaintTemplatePublic"]["properties"]
    assert "severity" in schemas["InspectionFindingPublic"]["properties"]
    assert "severity" not in schemas["ObservatoryFindingPublic"]["properties"]


def _thing(module: str, field: str) -> type[BaseModel]:
    return create_model("Thing", __module__=module, **{field: (int, ...)})


def test_two_domains_sharing_a_class_name_get_one_component_each() -> None:
    works, committees = _thing("server.works.models", "a"), _thing("server.committees.models", "b")
    by_input, schemas = _definitions([("a", "serialization", TypeAdapter(works).core_schema),
                                      ("b", "validation", TypeAdapter(committees).core_schema)])
    assert set(schemas) == {"WorkThing", "CommitteeThing"}
    assert by_input[("a", "serialization")] == {"$ref": "#/components/schemas/WorkThing"}
    assert schemas["CommitteeThing"]["properties"]["b"] == {"title": "B", "type": "integer", "format": "int64"}


def test_two_models_of_one_domain_with_one_name_fail_the_build() -> None:
    first, second = _thing("server.works.models", "a"), _thing("server.works.tabular", "b")
    with pytest.raises(OpenAPINameCollision, match="Thing"):
        _definitions([("a", "serialization", TypeAdapter(first).core_schema),
                      ("b", "serialization", TypeAdapter(second).core_schema)])
