"""Services (complaint categories) and their definitions, the jurisdiction rule, and Open311's error shape."""

from __future__ import annotations

from tests.factories import token_for
from tests.open311.conftest import BASE, open311_error, xml_of


def test_services_of_a_jurisdiction_in_json_and_xml(client, schemas) -> None:
    response = client.get(f"{BASE}/services.json?jurisdiction_id=10005")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    services = response.json()
    schemas.validate("services.json", services)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["obra-calidad"] == {
        "service_code": "obra-calidad", "service_name": "Obra de mala calidad",
        "description": "Materiales distintos a los del expediente técnico, grietas, acabados deficientes.",
        "metadata": True, "type": "realtime", "keywords": None, "group": "Obra pública"}
    assert by_code["obra-paralizada"]["metadata"] is False
    assert all(s["type"] == "realtime" for s in services) and len(services) == 7
    other = client.get(f"{BASE}/services.json?jurisdiction_id=10007").json()
    assert {s["service_code"] for s in other} == {"obra-calidad", "cobro-indebido"}
    english = client.get(f"{BASE}/services.json?jurisdiction_id=10005", headers={"Accept-Language": "en"}).json()
    assert {s["service_code"]: s["service_name"] for s in english}["obra-calidad"] == "Poor-quality work"

    root = xml_of(client.get(f"{BASE}/services.xml?jurisdiction_id=10005"))
    assert root.tag == "services" and [child.tag for child in root] == ["service"] * 7
    first = {child.tag: child.text for child in root.find("service[service_code='obra-calidad']")}
    assert list(first) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert (first["metadata"], first["type"], first["keywords"]) == ("true", "realtime", None)


def test_a_service_definition(client, schemas) -> None:
    definition = client.get(f"{BASE}/services/obra-calidad.json?jurisdiction_id=10005").json()
    schemas.validate("service-definition.json", definition)
    assert definition["service_code"] == "obra-calidad"
    (attribute,) = definition["attributes"]
    assert attribute == {
        "variable": True, "code": "elemento", "datatype": "singlevaluelist", "required": False,
        "datatype_description": None, "order": 1, "description": "¿Qué parte de la obra?",
        "values": [{"key": "pavimento", "name": "Pavimento"}, {"key": "banqueta", "name": "Banqueta"},
                   {"key": "drenaje", "name": "Drenaje"}, {"key": "otro", "name": "Otro"}]}
    number = client.get(f"{BASE}/services/cobro-indebido.json?jurisdiction_id=10005").json()
    schemas.validate("service-definition.json", number)
    assert number["attributes"][0]["datatype"] == "number" and "values" not in number["attributes"][0]
    empty = client.get(f"{BASE}/services/obra-paralizada.json?jurisdiction_id=10005").json()
    assert empty == {"service_code": "obra-paralizada", "attributes": []}

    root = xml_of(client.get(f"{BASE}/services/obra-calidad.xml?jurisdiction_id=10005"))
    assert root.tag == "service_definition" and root.find("service_code").text == "obra-calidad"
    attribute = root.find("attributes/attribute")
    assert [child.tag for child in attribute] == ["variable", "code", "datatype", "required", "datatype_description",
                                                  "order", "description", "values"]
    assert attribute.find("required").text == "false" and attribute.find("order").text == "1"
    assert [v.find("key").text for v in attribute.findall("values/value")] == ["pavimento", "banqueta", "drenaje",
                                                                              "otro"]
    open311_error(client.get(f"{BASE}/services/baches.json?jurisdiction_id=10005"), 404, "baches")
    open311_error(client.get(f"{BASE}/services/baches.xml?jurisdiction_id=10005"), 404, "baches", xml=True)


def test_the_jurisdiction_rule(client, session) -> None:
    # Two municipalities here: without jurisdiction_id the server cannot guess...
    missing = open311_error(client.get(f"{BASE}/services.json"), 400, "jurisdiction_id")
    assert "10005" in missing
    open311_error(client.get(f"{BASE}/services.xml"), 400, "jurisdiction_id", xml=True)
    english = client.get(f"{BASE}/services.json", headers={"Accept-Language": "en"})
    assert open311_error(english, 400).startswith("Send jurisdiction_id")
    open311_error(client.get(f"{BASE}/services.json?jurisdiction_id=99999"), 404, "99999")
    # ...unless the api_key's account has roles in exactly one municipality.
    volunteer = token_for(session, "voluntaria@vigia.example")
    assert len(client.get(f"{BASE}/services.json?api_key={volunteer}").json()) == 7
    gomez = token_for(session, "contraloria.gomez@vigia.example")
    assert len(client.get(f"{BASE}/services.json", headers={"Authorization": f"Bearer {gomez}"}).json()) == 2
    national = token_for(session, "nacional@vigia.example")
    open311_error(client.get(f"{BASE}/services.json?api_key={national}"), 400, "jurisdiction_id")
    # The jurisdiction given wins over the account's.
    assert len(client.get(f"{BASE}/services.json?jurisdiction_id=10007&api_key={volunteer}").json()) == 2
    open311_error(client.get(f"{BASE}/services.json?jurisdiction_id=10005&api_key=vg_nope"), 403, "api_key")


def test_formats_paths_and_methods_answer_in_open311_shape(client) -> None:
    open311_error(client.get(f"{BASE}/services.csv?jurisdiction_id=10005"), 400, ".csv")
    open311_error(client.get(f"{BASE}/discovery.json"), 404, "Open311")
    open311_error(client.get(f"{BASE}/nothing.xml"), 404, "Open311", xml=True)
    wrong = client.delete(f"{BASE}/requests.json?jurisdiction_id=10005")
    open311_error(wrong, 405, "DELETE")
    assert set(wrong.headers["allow"].split(", ")) >= {"GET", "POST"}
    open311_error(client.post(f"{BASE}/services.json", data={"jurisdiction_id": "10005"}), 405, "POST")


def test_the_routes_are_in_the_openapi_document(client) -> None:
    spec = client.get("/openapi.json").json()
    paths = {path for path in spec["paths"] if path.startswith(BASE)}
    assert paths == {f"{BASE}/services.{{response_format}}", f"{BASE}/services/{{service_code}}.{{response_format}}",
                     f"{BASE}/requests.{{response_format}}",
                     f"{BASE}/requests/{{service_request_id}}.{{response_format}}",
                     f"{BASE}/tokens/{{token}}.{{response_format}}"}
    post = spec["paths"][f"{BASE}/requests.{{response_format}}"]["post"]
    assert "application/x-www-form-urlencoded" in post["requestBody"]["content"]
    assert "open311_create_request" in client.get("/docs").text
