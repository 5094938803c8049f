"""How the Open311 routes describe themselves in /openapi.json (server/api/openapi.py merges a route's `openapi`)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from server.open311.models import Receipt, Service, ServiceDefinition, ServiceRequest, TokenAnswer

TAG = "open311"


def _inline(schema: Any, definitions: dict[str, Any]) -> Any:
    """Pydantic's schema with its $defs written in place (the document's components belong to server/api/openapi.py)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
        return {key: _inline(value, definitions) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inline(value, definitions) for value in schema]
    return schema


def _schema(annotation: Any) -> dict[str, Any]:
    schema = TypeAdapter(annotation).json_schema(mode="serialization")
    return _inline(schema, schema.get("$defs", {}))


ERRORS_SCHEMA = {
    "type": "array",
    "items": {"type": "object", "required": ["code", "description"],
              "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}},
}


def _ok(description: str, annotation: Any) -> dict[str, Any]:
    return {"description": description, "content": {
        "application/json": {"schema": _schema(annotation)},
        "text/xml": {"schema": {"type": "string", "description": "The same data as the specification's XML"}},
    }}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Missing or invalid parameter (jurisdiction_id when several municipalities are served)",
            403: "api_key missing, wrong, expired or revoked", 404: "jurisdiction_id, service or request not found",
            413: "Body too large", 415: "The body is not an HTML form"}
    return {str(code): {"description": text[code], "content": {
        "application/json": {"schema": ERRORS_SCHEMA}, "text/xml": {"schema": {"type": "string"}}}}
        for code in codes}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", **schema}}


FORMAT = {"name": "response_format", "in": "path", "required": True, "description": "json or xml",
          "schema": {"type": "string", "enum": ["json", "xml"]}}
JURISDICTION = _query("jurisdiction_id", "The municipality code (e.g. 10005). Required when the server holds more "
                      "than one municipality, unless the api_key's account has roles in exactly one.")
API_KEY = _query("api_key", "Optional on reads: a Vigía token (`vigia issue-token`); it only chooses the default "
                 "jurisdiction. Prefer the form body for POST.")
COMMON = [FORMAT, JURISDICTION, API_KEY]

FORM_FIELDS: dict[str, Any] = {
    "api_key": {"type": "string", "description": "Required: a Vigía token issued with `vigia issue-token`"},
    "jurisdiction_id": {"type": "string", "description": "The municipality code"},
    "service_code": {"type": "string", "description": "Required: a service_code from services"},
    "lat": {"type": "number", "description": "Required with long: WGS84, inside the municipality"},
    "long": {"type": "number", "description": "Required with lat: WGS84, inside the municipality"},
    "address_string": {"type": "string", "description": "Kept as the address; not geocoded (send lat/long)"},
    "address_id": {"type": "string", "description": "Ignored: Vigía has no master address register"},
    "attribute[code]": {"type": "string", "description": "A service definition attribute; attribute[code][]=v "
                        "(or the key repeated) for a multivaluelist"},
    "description": {"type": "string", "description": "Required: 10 to 4000 characters"},
    "email": {"type": "string", "description": "Private: only the comptroller sees it"},
    "first_name": {"type": "string", "description": "Private"},
    "last_name": {"type": "string", "description": "Private"},
    "phone": {"type": "string", "description": "Private"},
    "device_id": {"type": "string", "description": "The same device_id and description within 10 minutes "
                  "return the first folio instead of filing twice"},
    "account_id": {"type": "string", "description": "Echoed in the answer; not stored"},
    "media_url": {"type": "string", "description": "Kept as a private reference; never downloaded or published"},
}

OPERATIONS: dict[str, dict[str, Any]] = {
    "open311_services": {
        "operationId": "open311_services", "tags": [TAG],
        "summary": "Open311: services (the municipality's complaint categories)",
        "parameters": COMMON,
        "responses": {"200": _ok("The services", list[Service]), **_errors(400, 403, 404)},
    },
    "open311_service_definition": {
        "operationId": "open311_service_definition", "tags": [TAG],
        "summary": "Open311: a service definition (the attributes a category asks for)",
        "parameters": [_path("service_code", "The service code"), *COMMON],
        "responses": {"200": _ok("The definition", ServiceDefinition), **_errors(400, 403, 404)},
    },
    "open311_requests": {
        "operationId": "open311_requests", "tags": [TAG],
        "summary": "Open311: service requests (complaints as the public sees them)",
        "description": "Newest first, at most 1000, requested in the last 90 days unless start_date/end_date "
        "say otherwise (a span of at most 90 days). service_request_id overrides every other filter.",
        "parameters": [*COMMON,
                       _query("service_request_id", "Folios (or UUIDs), comma-separated"),
                       _query("service_code", "Service codes, comma-separated"),
                       _query("start_date", "ISO 8601; a date alone is that day in the municipality"),
                       _query("end_date", "ISO 8601; a date alone includes that whole day"),
                       _query("status", "open, closed, or open,closed")],
        "responses": {"200": _ok("The requests", list[ServiceRequest]), **_errors(400, 403, 404)},
    },
    "open311_create_request": {
        "operationId": "open311_create_request", "tags": [TAG],
        "summary": "Open311: file a complaint (form data; api_key required)",
        "description": "Filed anonymously for the person; the contact fields stay private. Answers 200 with the "
        "folio as service_request_id (no token step). A photo may come as the multipart file `media`.",
        "parameters": [FORMAT],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": FORM_FIELDS,
                                                             "required": ["api_key", "service_code"]}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                **FORM_FIELDS, "media": {"type": "string", "format": "binary",
                                         "description": "A photo (JPEG, PNG, WebP or HEIC)"}}}},
        }},
        "responses": {"200": _ok("The folio", list[Receipt]), **_errors(400, 403, 404, 413, 415)},
    },
    "open311_request": {
        "operationId": "open311_request", "tags": [TAG],
        "summary": "Open311: one service request, by folio or UUID",
        "parameters": [_path("service_request_id", "The folio (e.g. 10005-2026-000017) or the UUID"), *COMMON],
        "responses": {"200": _ok("A list with the one request", list[ServiceRequest]), **_errors(400, 403, 404)},
    },
    "open311_token": {
        "operationId": "open311_token", "tags": [TAG],
        "summary": "Open311: the request behind a token (Vigía's tokens are the folios)",
        "parameters": [_path("token", "A folio or UUID"), *COMMON],
        "responses": {"200": _ok("The request id", list[TokenAnswer]), **_errors(400, 403, 404)},
    },
}
