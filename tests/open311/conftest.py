"""Open311 tests: the JSON Schemas of the Open311 project (tests/schemas/open311, see tests/schemas/README.md)
and the builders the tests share."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.factories import token_for

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "open311"
BASE = "/open311/v2"
DEMO_FORM = {"jurisdiction_id": "10005", "service_code": "obra-calidad", "lat": "24.0277", "long": "-104.6657",
             "description": "La banqueta nueva de la calle Negrete ya tiene grietas frente a la tienda."}


class Schemas:
    """Validators for services.json, service-definition.json, requests.json… and the Swagger definitions of the
    POST answer and the token answer (RequestResponse, TokenResponse), with date-time and uri formats checked."""

    def __init__(self, folder: Path) -> None:
        # Without these checkers jsonschema would skip the formats silently (rfc3339-validator, rfc3987).
        assert {"date-time", "uri"} <= set(Draft7Validator.FORMAT_CHECKER.checkers)
        self.documents = {path.name: json.loads(path.read_text("utf-8")) for path in folder.glob("*.json")}
        resources = [(name, Resource.from_contents(document, default_specification=DRAFT7))
                     for name, document in self.documents.items()]
        self.registry = Registry().with_resources(resources)

    def validate(self, name: str, instance: Any) -> None:
        if name.startswith("#/definitions/"):
            definition = self.documents["swagger.json"]["definitions"][name.rsplit("/", 1)[-1]]
            schema: Any = {"type": "array", "items": definition}
        else:
            schema = self.documents[name]
        validator = Draft7Validator(schema, registry=self.registry, format_checker=Draft7Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.fixture(scope="session")
def schemas() -> Schemas:
    return Schemas(SCHEMAS)


@pytest.fixture
def api_key(session) -> str:
    """An Open311 client's api_key: a token of an account with a role in 10005 only."""
    return token_for(session, "voluntaria@vigia.example", "app open311")


def xml_of(response) -> ET.Element:
    assert response.headers["content-type"] == "text/xml; charset=utf-8", response.headers["content-type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def open311_error(response, status: int, fragment: str = "", *, xml: bool = False) -> str:
    """The error in Open311's shape, with that status; returns the description."""
    assert response.status_code == status, response.text
    if xml:
        root = xml_of(response)
        assert root.tag == "errors" and [child.tag for child in root] == ["error"] * len(root)
        code, description = root[0].find("code").text, root[0].find("description").text
    else:
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        body = response.json()
        assert isinstance(body, list) and body and all(set(e) == {"code", "description"} for e in body), body
        code, description = body[0]["code"], body[0]["description"]
    assert int(code) == status and description
    assert fragment in description, description
    return description
