"""Open311's two formats and its own error shape.

JSON: a list (or one object for a service definition), UTF-8, nulls kept. XML: the specification's elements
(`services/service`, `service_definition`, `service_requests/request`, `errors/error`), UTF-8 with its XML
declaration, booleans as true/false, empty elements for nulls. Errors: `[{"code": 400, "description": "..."}]`
or `<errors><error><code>400</code><description>...</description></error></errors>`, with that HTTP status; the
description is in Spanish unless Accept-Language prefers English.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from pydantic import BaseModel
from starlette.responses import Response

from server.errors import AppError
from server.i18n import Language

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")
CHILD = {"attributes": "attribute", "values": "value"}  # XML: the element each list item becomes
DROP_WHEN_NULL = {"values"}  # an attribute's values exist for list datatypes only
# Open311 has no 401 or 422: a bad api_key is a 403, and any invalid parameter a 400.
STATUS = {401: 403, 422: 400}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Where an intake error points (its field) and what the Open311 client called it.
PARAMETERS = {"location": "lat/long", "category": "service_code", "service_code": "service_code",
              "description": "description", "address": "address_string", "contact.email": "email",
              "contact.phone": "phone", "contact.name": "first_name/last_name", "photo_ids": "media",
              "attributes": "attribute"}


def parameter(field: str | None) -> str | None:
    """The Open311 parameter behind an intake field: `attributes.elemento` → `attribute[elemento]`."""
    if field is None:
        return None
    if field.startswith("attributes."):
        return f"attribute[{field.split('.', 1)[1]}]"
    return PARAMETERS.get(field, field)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        data = value.model_dump(mode="json")
        return {key: _plain(item) for key, item in data.items() if not (item is None and key in DROP_WHEN_NULL)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if not (item is None and key in DROP_WHEN_NULL)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            for item in value:
                _fill(ET.SubElement(child, CHILD.get(key, "item")), item)
        elif isinstance(value, dict):
            _fill(child, value)
        else:
            child.text = _text(value)


def to_xml(root: str, item: str | None, data: Any) -> bytes:
    """`data` as the specification's XML: a list becomes <root><item>…</item>…</root>, one object <root>…</root>."""
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _fill(ET.SubElement(element, item or "item"), entry)
    else:
        _fill(element, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8",
                                                                     xml_declaration=False)


def render(result: Any, *, response_format: str, root: str, item: str | None, status: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    data = _plain(result)
    if response_format == "xml":
        return Response(to_xml(root, item, data), status_code=status, media_type=XML_TYPE, headers=headers)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type=JSON_TYPE, headers=headers)


def descriptions(error: AppError, language: Language) -> list[str]:
    """One description per problem, naming the Open311 parameter when the error is about one."""
    details = error.rendered_details(language)
    if not details:
        return [error.message(language)]
    out = []
    for detail in details:
        name = parameter(detail.get("field"))
        message = detail["message"]
        out.append(message if not name or message.startswith(name + ":") else f"{name}: {message}")
    return out


def error_response(error: AppError, *, response_format: str, language: Language) -> Response:
    status = STATUS.get(error.status, error.status)
    errors = [{"code": status, "description": text} for text in descriptions(error, language)]
    headers = {key: value for key, value in error.headers.items() if key.lower() in ("allow", "retry-after")}
    return render(errors, response_format=response_format if response_format in FORMATS else "json",
                  root="errors", item="error", status=status, headers=headers or None)
