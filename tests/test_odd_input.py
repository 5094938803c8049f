"""Odd input is the caller's mistake, answered 4xx in the one error shape and naming the field, on both databases
(server/edge.py): a NUL character anywhere (JSON body, object key, query, path, an imported file, one mutation of
a sync push) and integers past 64 bits (query, path, body, a mutation's payload). PostgreSQL answered 500 to a
NUL and the drivers to a huge integer; SQLite stored the NUL."""

from __future__ import annotations

import json
import uuid

from starlette.testclient import TestClient

from tests.factories import DEMO, complaint_body
from tests.sync.helpers import complaint_payload, mutation, sign_in
from tests.test_app import assert_error_shape

BASE = f"/api/v1/municipalities/{DEMO}"
INT64_MAX = 2**63 - 1


def _fields(error: dict) -> list[str]:
    return [detail["field"] for detail in error["details"]]


def test_a_nul_in_a_json_body_is_a_400_naming_the_field(client: TestClient) -> None:
    response = client.post(f"{BASE}/complaints", json=complaint_body(
        description="La banqueta está rota\u0000 frente a la tienda de la esquina.", anonymous=True))
    error = assert_error_shape(response, 400, "nul_character")
    assert _fields(error) == ["description"]
    assert error["details"][0]["code"] == "nul_character"
    nested = client.post(f"{BASE}/complaints", json=complaint_body(
        anonymous=True, contact={"name": "Ana\u0000", "phone": "618 555 0100"}))
    assert _fields(assert_error_shape(nested, 400, "nul_character")) == ["contact.name"]
    key = client.post(f"{BASE}/complaints", json={**complaint_body(anonymous=True), "desc\u0000ription": "x"})
    assert _fields(assert_error_shape(key, 400, "nul_character")) == ["desc\\u0000ription"]
    # the escape written out by hand, as a client library would send it
    raw = json.dumps(complaint_body(anonymous=True, description="Grietas en la banqueta nueva \u0000 de Negrete"))
    assert "\\u0000" in raw
    escaped = client.post(f"{BASE}/complaints", content=raw.encode(), headers={"Content-Type": "application/json"})
    assert_error_shape(escaped, 400, "nul_character")


def test_a_nul_in_a_query_or_path_is_a_400_naming_the_parameter(client: TestClient) -> None:
    error = assert_error_shape(client.get(f"{BASE}/works", params={"q": "dren\u0000aje"}), 400, "nul_character")
    assert _fields(error) == ["q"]
    error = assert_error_shape(client.get(f"{BASE}/works", params={"zone": ["10005-Z01", "\u0000"]}), 400,
                               "nul_character")
    assert _fields(error) == ["zone.1"]
    error = assert_error_shape(client.get("/api/v1/municipalities/10005%00"), 400, "nul_character")
    assert _fields(error) == ["code"]
    admin = sign_in(client, "admin@vigia.example").headers
    error = assert_error_shape(client.patch(f"{BASE}/complaints/categories/obra%00calidad", json={"active": False},
                                            headers=admin), 400, "nul_character")
    assert _fields(error) == ["service_code"]


def test_a_nul_in_an_imported_file_is_a_400(client: TestClient) -> None:
    admin = sign_in(client, "admin@vigia.example").headers
    zones = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "code": "Z99", "name": "Colonia\u0000"}, "geometry": {"type": "Polygon", "coordinates": [[
            [-104.67, 24.02], [-104.66, 24.02], [-104.66, 24.03], [-104.67, 24.02]]]}}]}
    response = client.post(f"{BASE}/zones/import", content=json.dumps(zones).encode(),
                           headers={"Content-Type": "application/geo+json", **admin})
    error = assert_error_shape(response, 400, "nul_character")
    assert _fields(error) == ["features.0.properties.name"]
    csv_nul = "numero_obra,titulo,estado\nOP-1,Dren\u0000aje,planning\n"
    for data in (csv_nul.encode("utf-8"), csv_nul.encode("utf-16")):
        response = client.post(f"{BASE}/works/import", content=data, headers={"Content-Type": "text/csv", **admin})
        assert_error_shape(response, 400, "not_a_csv")


def test_a_pushed_mutation_holding_a_nul_is_rejected_and_the_others_apply(client: TestClient) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    bad = mutation("complaint.file", complaint_payload(
        description="El concreto de la banqueta\u0000 nueva ya está agrietado frente a la tienda."))
    good = mutation("complaint.file", complaint_payload())
    for _ in range(2):  # sent again: still rejected, never `retry`
        response = client.post("/api/v1/sync/push", json={"mutations": [bad, good]}, headers=phone.headers)
        assert response.status_code == 200, response.text
        rejected, applied = response.json()["results"]
        assert rejected["status"] == "rejected" and rejected["error"]["code"] == "nul_character"
        assert [d["field"] for d in rejected["error"]["details"]] == ["payload.description"]
        assert applied["status"] == "applied"
    in_envelope = mutation("complaint.file", complaint_payload(), code="100\u000005")
    [result] = client.post("/api/v1/sync/push", json={"mutations": [in_envelope]},
                           headers=phone.headers).json()["results"]
    assert result["status"] == "rejected" and result["error"]["code"] == "nul_character"
    huge = mutation("complaint.edit_description", {"complaint_id": str(uuid.uuid4()), "base_version": 2**64,
                                       "description": "Una descripción nueva y bastante más larga."})
    [result] = client.post("/api/v1/sync/push", json={"mutations": [huge]}, headers=phone.headers).json()["results"]
    assert result["status"] == "rejected", result
    assert result["error"]["details"][0]["field"] == "payload.base_version"


def test_integers_past_64_bits_are_a_422_naming_the_field(client: TestClient) -> None:
    for value in (INT64_MAX + 1, -(2**63) - 1, 10**40):
        response = client.get(f"{BASE}/audit/entries", params={"after_seq": value})
        error = assert_error_shape(response, 422, "validation_error")
        assert error["details"][0]["field"] == "after_seq"
        assert error["details"][0]["code"] in ("int64_range", "greater_than_equal")
    assert client.get(f"{BASE}/audit/entries", params={"after_seq": INT64_MAX}).status_code == 200
    response = client.get(f"{BASE}/photos/{uuid.uuid4()}/320", params={"v": 2**64})
    assert _fields(assert_error_shape(response, 422, "validation_error")) == ["v"]
    admin = sign_in(client, "admin@vigia.example").headers
    work = client.get(f"{BASE}/works", params={"limit": 1}).json()["items"][0]["id"]
    response = client.patch(f"{BASE}/works/{work}", json={"version": 2**64, "title": "Otro título de la obra"},
                            headers=admin)
    error = assert_error_shape(response, 422, "validation_error")
    assert error["details"] == [{"field": "version", "code": "int64_range", "message": error["details"][0]["message"]}]
    assert str(INT64_MAX) in error["details"][0]["message"]


def test_null_for_a_field_that_cannot_be_empty_is_a_422(client: TestClient) -> None:
    """Found by the fuzzer: `active: null` reached a column that cannot hold it (a 500). Leaving a field out keeps
    it; `null` clears only what may be empty."""
    admin = sign_in(client, "admin@vigia.example").headers
    url = f"{BASE}/complaints/categories/obra-calidad"
    for field in ("active", "name", "keywords", "attributes"):
        error = assert_error_shape(client.patch(url, json={field: None}, headers=admin), 422, "validation_error")
        assert _fields(error) == [field]
    cleared = client.patch(url, json={"group": None, "description": None}, headers=admin)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["service_code"] == "obra-calidad"


def test_open311_answers_a_nul_with_a_400_in_its_own_shape(client: TestClient) -> None:
    phone = sign_in(client, "voluntaria@vigia.example")
    query = client.get("/open311/v2/requests.json", params={"jurisdiction_id": DEMO, "service_code": "obra\u0000"})
    assert query.status_code == 400, query.text
    assert query.json()[0]["code"] == 400 and query.json()[0]["description"]
    form = client.post("/open311/v2/requests.json", data={
        "api_key": phone.token, "jurisdiction_id": DEMO, "service_code": "obra-calidad", "lat": "24.0277",
        "long": "-104.6657", "description": "La banqueta nueva\u0000 ya tiene grietas frente a la tienda."})
    assert form.status_code == 400, form.text
    assert form.json()[0]["code"] == 400


def test_the_checks_walk_only_fields_that_can_hold_what_they_look_for_and_still_find_it_anywhere() -> None:
    """server.edge skips fields whose declared type cannot hold an int (for the 64-bit check) or a text (for the
    blank check): a point's list of floats, a UUID, a date. What can hold one is still walked to the bottom: an
    int parsed from a numeric string in a nested model, an int deep in a free-form dict, a blank text in a
    nested model or in a list of texts; an int-valued enum counts as an int, a str-valued one as text."""
    import enum
    from typing import Annotated, Any, Literal

    from pydantic import BaseModel, Field

    from server import edge

    class Level(enum.IntEnum):
        low = 1

    class Shade(str, enum.Enum):
        dark = "dark"

    class Inner(BaseModel):
        coordinates: list[float]
        note: Annotated[str, Field(min_length=1)]
        count: int | None = None

    class Outer(BaseModel):
        id: uuid.UUID
        inner: Inner
        attributes: dict[str, Any] = {}
        tags: list[Annotated[str, Field(min_length=2)]] = []
        level: Level = Level.low
        shade: Shade = Shade.dark
        kind: Literal["a", "b"] = "a"
        total: int = 0

    assert edge._fields_holding(Outer, int) == ("inner", "attributes", "level", "total")
    assert edge._fields_holding(Outer, str) == ("inner", "attributes", "tags", "shade", "kind")
    assert edge._fields_holding(Inner, int) == ("count",)
    assert edge._fields_holding(Inner, str) == ("note",)

    odd = Outer(id=uuid.uuid4(), inner={"coordinates": [1.5, 2.5], "note": "  ", "count": str(INT64_MAX + 1)},
                tags=[" a"], attributes={"k": [{"z": 2**70}]})
    assert edge.wide_ints(odd) == ["inner.count", "attributes.k.0.z"]
    assert edge._has_wide_int(odd)
    assert [(d["field"], d["message_code"]) for d in edge.blank_texts(odd)] == [
        ("inner.note", "text_blank"), ("tags.0", "text_too_short")]
    fine = Outer(id=uuid.uuid4(), inner={"coordinates": [1e30], "note": "ok", "count": INT64_MAX})
    assert not edge._has_wide_int(fine) and edge.blank_texts(fine) == []
