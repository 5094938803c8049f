"""The OpenAPI 3.1 document (`/openapi.json`) built from the routes declared with `endpoint()`: the tags and their
texts (`TAGS`), one component per schema (`_definitions`, named by domain where two share a class name), the
error responses every operation may give, and the request examples (server/api_examples.py)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema
from starlette.routing import Route

from server.api_examples import EXAMPLES, FILE_EXAMPLES
from server.errors import ErrorResponse

_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-z]+))?}")
_CONVERTOR_SCHEMA = {
    "uuid": {"type": "string", "format": "uuid"},
    "int": {"type": "integer"},
    "str": {"type": "string"},
    "path": {"type": "string"},
}
_ERROR_TEXT = {
    400: "Bad request (malformed JSON, wrong parameters)",
    401: "Not signed in, or the token is invalid, expired or revoked",
    403: "Signed in, but not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Validation error (the details name each field)",
    429: "Too many attempts",
}


# Every tag of the document: its name for people and what its operations are for (English: the source of the
# catalogue's `api_tag_name:<tag>` and `api_tag:<tag>`, in Spanish in server/locales/es; docs/api.md, "Adding an
# endpoint"). A tag used by an operation but missing here fails tests/test_docs_page.py.
TAGS: dict[str, tuple[str, str]] = {
    "auth": ("Accounts and sessions",
             "Sign in (a bearer token for apps and scripts, a cookie session for the browser), who am I, devices "
             "and their revocation, password changes."),
    "municipalities": ("Municipalities",
                       "The municipalities Vigía serves, which one a point is in, their zones, users and roles, "
                       "holidays and settings."),
    "works": ("Public works",
              "Works and their contracts, progress by source, risk signals, search by place and text, imports "
              "(OC4IDS, CSV) and exports (OC4IDS, GeoJSON, CSV)."),
    "complaints": ("Complaints",
                   "Complaints, reports, information requests and suggestions: filing them (also anonymously), "
                   "the public list, the comptroller's queue and workflow, categories, deadlines, templates and "
                   "statistics."),
    "committees": ("Social oversight committees",
                   "Committees, their lifecycle with its documents, members and replacements, trainings, meetings "
                   "with agreements, the public register and the committee report."),
    "inspections": ("Inspections",
                    "Checklist forms and their versions, inspection visits to works with answers, findings and "
                    "photos."),
    "observatories": ("Citizen observatories",
                      "Observatories, their members and accreditations, indicators and findings."),
    "photos": ("Photos",
               "Uploading photos, their sizes for the screen, their evidence (SHA-256, EXIF) and moderation "
               "before they are public."),
    "sync": ("Offline sync",
             "What the field app uses to work without a connection: pull of changes, push of mutations with their "
             "own ids, resumable photo uploads (tus)."),
    "audit": ("Audit log",
              "The append-only, hash-chained log of every change: browse it and verify the chain."),
    "rulings": ("Court rulings",
                "Courts, judges, audit projects and rulings: texts, anonymisation findings and the public version."),
    "annotations": ("Annotations",
                    "Annotation schemes, assignments and W3C Web Annotations of rulings, agreement between "
                    "annotators and exports."),
    "notebooks": ("Judges' notebooks and surveys",
                  "Each judge's notebook of figures, its review, publication and replies, and the court users' "
                  "surveys."),
    "open311": ("Open311",
                "Open311 GeoReport v2 at /open311/v2: services and service requests for existing Open311 "
                "apps, with Open311's own formats and errors."),
    "system": ("System", "The health of this process, for load balancers and monitoring."),
}


# The domain folder of a model names it in the document when two domains use the same class name
# (server.committees.models.State -> CommitteeState, server.complaints.workflow.State -> ComplaintState).
_DOMAIN_PREFIX = {"committees": "Committee", "complaints": "Complaint", "inspections": "Inspection",
                  "observatories": "Observatory", "works": "Work", "municipalities": "Municipality",
                  "media": "Media", "sync": "Sync", "auth": "Auth", "audit": "Audit", "open311": "Open311",
                  "annotations": "Annotation", "rulings": "Ruling",
                  "notebooks": "Notebook"}
_COMPONENT_NAME = re.compile(r"^[A-Za-z0-9]+(_[A-Za-z0-9]+)*(-Input|-Output)?$")  # no module path (a__b)


class OpenAPINameCollision(RuntimeError):
    """Two different schemas would share one component name in /openapi.json."""


def _split_ref(core_ref: str) -> tuple[str, str]:
    """(module path with the class name, class name) of a pydantic core reference `module.Class:id`."""
    no_id = core_ref.rsplit(":", 1)[0]
    return no_id, no_id.rsplit(".", 1)[-1]


class _ComponentNames(GenerateJsonSchema):
    """Pydantic's JSON Schema generator, run once for the whole document so that every model has exactly one
    component. A class name used by two domains is qualified by its domain on both sides; anything else that
    would still collide fails the build (`OpenAPINameCollision`) instead of one schema overwriting another.
    Integers are declared int64, the range the edge accepts (server.edge)."""

    shared: frozenset[str] = frozenset()

    def get_defs_ref(self, core_mode_ref: Any) -> Any:
        defs_ref = super().get_defs_ref(core_mode_ref)
        core_ref, mode = core_mode_ref
        qualname, name = _split_ref(core_ref)
        if name in self.shared:
            parts = qualname.split(".")
            prefix = _DOMAIN_PREFIX.get(parts[1], "") if len(parts) > 2 and parts[0] == "server" else ""
            choices = self._prioritized_defsref_choices[defs_ref]
            if prefix:
                title = "Input" if mode == "validation" else "Output"
                choices[:2] = [prefix + name, f"{prefix}{name}-{title}"]
            else:
                del choices[:2]
        return defs_ref

    def default_schema(self, schema: Any) -> Any:
        # A PATCH field that may be left out but not sent as null (`active: bool = None`) has no default to show.
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None and not _allows_null(json_schema):
            del json_schema["default"]
        return json_schema

    def int_schema(self, schema: Any) -> Any:
        json_schema = super().int_schema(schema)
        json_schema.setdefault("format", "int64")
        return json_schema


def _allows_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(_allows_null(option) for key in ("anyOf", "oneOf") for option in schema.get(key, []))


def _definitions(inputs: list[tuple[str, str, Any]]) -> tuple[dict[tuple[str, str], Any], dict[str, Any]]:
    """One generation for every schema of the document: (schema of each input, components)."""
    template = "#/components/schemas/{model}"
    probe = _ComponentNames(ref_template=template)
    probe.generate_definitions(inputs)  # type: ignore[arg-type]
    classes: dict[str, set[str]] = {}
    for core_ref, _mode in probe.core_to_defs_refs:
        qualname, name = _split_ref(core_ref)
        classes.setdefault(name, set()).add(qualname)
    generator = _ComponentNames(ref_template=template)
    generator.shared = frozenset(name for name, owners in classes.items() if len(owners) > 1)
    by_input, components = generator.generate_definitions(inputs)  # type: ignore[arg-type]
    wrong = sorted(name for name in components if not _COMPONENT_NAME.match(name))
    if wrong:
        raise OpenAPINameCollision(
            "schemas that share a name in /openapi.json: " + ", ".join(wrong)
            + " (rename one of the classes, or add its domain to server.api.openapi._DOMAIN_PREFIX)")
    return by_input, components  # type: ignore[return-value]


def openapi_document(routes: list[Any], *, title: str, version: str) -> dict[str, Any]:
    """OpenAPI 3.1 for every route declared with `endpoint()` (and the few plain routes that describe
    themselves with an `openapi` attribute). Every schema comes from one generation (`_definitions`), so each
    component name stands for exactly one schema."""
    paths: dict[str, dict[str, Any]] = {}
    operations = [(route, route.operation) for route in _flatten(routes) if getattr(route, "operation", None)]
    inputs: list[tuple[str, str, Any]] = [("error", "serialization", TypeAdapter(ErrorResponse).core_schema)]
    for index, (_route, op) in enumerate(operations):
        if op.body is not None:
            inputs.append((f"{index}:body", "validation", TypeAdapter(op.body).core_schema))
        if op.query is not None:
            inputs.append((f"{index}:query", "validation", TypeAdapter(op.query).core_schema))
        if op.response is not None and op.status != 204:
            inputs.append((f"{index}:response", "serialization", TypeAdapter(op.response).core_schema))
    by_input, schemas = _definitions(inputs)

    def schema_for(key: str, mode: str) -> dict[str, Any]:
        return by_input[(key, mode)]

    def resolved(schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref", "")
        return schemas[ref.rsplit("/", 1)[-1]] if ref.startswith("#/components/schemas/") else schema

    error_ref = schema_for("error", "serialization")
    query_models: set[str] = set()
    for index, (route, op) in enumerate(operations):
        open_path = _PARAM.sub(lambda m: "{" + m.group(1) + "}", route.path)
        parameters = [
            {
                "name": m.group(1),
                "in": "path",
                "required": True,
                "schema": _CONVERTOR_SCHEMA.get(m.group(2) or "str", {"type": "string"}),
            }
            for m in _PARAM.finditer(route.path)
        ]
        if op.query is not None:
            reference = schema_for(f"{index}:query", "validation")
            query_models.add(reference.get("$ref", ""))
            query_schema = resolved(reference)
            required = set(query_schema.get("required", []))
            for name, prop in query_schema.get("properties", {}).items():
                prop = dict(prop)
                description = prop.pop("description", None)
                param = {"name": name, "in": "query", "required": name in required, "schema": prop}
                if description:
                    param["description"] = description
                parameters.append(param)
        operation: dict[str, Any] = {
            "operationId": op.name,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": parameters,
            "responses": {},
        }
        if op.description:
            operation["description"] = op.description
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {media: {"schema": schema_for(f"{index}:body", "validation")}
                            for media in op.body_types},
            }
        elif op.raw_body:
            operation["requestBody"] = {
                "required": True,
                "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in op.raw_body},
            }
        if op.status == 204 or (op.response is None and op.media_type == "application/json"):
            operation["responses"][str(op.status)] = {"description": "Done"}
        elif op.response is None:
            text = op.media_type.startswith("text/")
            operation["responses"][str(op.status)] = {
                "description": "OK", "content": {op.media_type: {"schema": {"type": "string"} if text else {}}}}
        else:
            operation["responses"][str(op.status)] = {
                "description": "OK",
                "content": {op.media_type: {"schema": schema_for(f"{index}:response", "serialization")}},
            }
        main = operation["responses"][str(op.status)]
        for code, description in op.responses.items():
            operation["responses"][str(code)] = {"description": description}
            if code not in (204, 304) and "content" in main:  # another success, with the same body
                operation["responses"][str(code)]["content"] = main["content"]
        # 400: a NUL character in the path or query (server.edge); 401: a wrong, expired or revoked token, which
        # every endpoint refuses, public or not; 404: a path whose municipality or record does not exist.
        error_codes = set(op.errors) | {400, 401}
        if any(parameter["in"] == "path" for parameter in parameters):
            error_codes |= {404}
        if op.body is not None or op.query is not None or op.raw_body:
            error_codes |= {422}
        if op.body is not None or op.raw_body:
            error_codes |= {413, 415}
        for code in sorted(error_codes):
            operation["responses"][str(code)] = {
                "description": _ERROR_TEXT.get(code, "Error"),
                "content": {"application/json": {"schema": error_ref}},
            }
        if op.auth:
            operation["security"] = [{"bearer": []}]
        paths.setdefault(open_path, {})[op.method.lower()] = operation
    for route in _flatten(routes):
        extra = getattr(route, "openapi", None)
        if extra:
            for method, operation in extra.items():
                paths.setdefault(route.path, {})[method] = copy.deepcopy(operation)
    _add_examples(paths, schemas)
    # A query model is written out as parameters; its component stays only if something else refers to it.
    for ref in query_models - {""}:
        name = ref.rsplit("/", 1)[-1]
        others = json.dumps([paths, {k: v for k, v in schemas.items() if k != name}])
        if f'"{ref}"' not in others:
            del schemas[name]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Vigía: contraloría social. Errors always have the shape "
            '{"error": {"code", "message", "details", "request_id"}}; messages are in Spanish unless '
            "Accept-Language prefers English.",
        },
        "tags": [{"name": tag, **({"x-displayName": TAGS[tag][0], "description": TAGS[tag][1]} if tag in TAGS else {})}
                 for tag in sorted({name for methods in paths.values() for op in methods.values()
                                    for name in op.get("tags", [])})],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Opaque token from POST /api/v1/auth/login or `vigia issue-token`.",
                }
            },
        },
    }


def _add_examples(paths: dict[str, dict[str, Any]], schemas: dict[str, Any]) -> None:
    """An example on each request body: the operation's own (server/api_examples.py, by operationId), else the
    first of the body model's `examples` (`json_schema_extra={"examples": [...]}`). An uploaded file's example is
    given per media type (FILE_EXAMPLES); a binary file (a photo, tus bytes) has none."""
    for methods in paths.values():
        for operation in methods.values():
            body = operation.get("requestBody")
            if not body:
                continue
            name = operation.get("operationId", "")
            for media, content in body.get("content", {}).items():
                if "example" in content:
                    continue
                schema = content.get("schema", {})
                if media in FILE_EXAMPLES.get(name, {}):
                    content["example"] = FILE_EXAMPLES[name][media]
                elif schema.get("format") == "binary":
                    continue
                elif name in EXAMPLES:
                    content["example"] = copy.deepcopy(EXAMPLES[name])
                else:
                    ref = schema.get("$ref", "")
                    own = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/components/schemas/") else schema
                    if own.get("examples"):
                        content["example"] = copy.deepcopy(own["examples"][0])


def _flatten(routes: list[Any], prefix: str = "") -> list[Any]:
    flat = []
    for route in routes:
        sub = getattr(route, "routes", None)
        if sub is not None and hasattr(route, "path"):
            flat.extend(_flatten(sub, prefix + route.path))
        else:
            if prefix:
                clone = Route(prefix + route.path, route.endpoint, methods=route.methods, name=route.name)
                for attr in ("operation", "openapi"):
                    if hasattr(route, attr):
                        setattr(clone, attr, getattr(route, attr))
                flat.append(clone)
            else:
                flat.append(route)
    return flat


def all_routes(routes: list[Any]) -> list[Any]:
    """Every concrete route with its full path (used by the OpenAPI and permission-matrix tests)."""
    return _flatten(routes)
