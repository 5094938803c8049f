"""/docs and /openapi.json in Spanish and English (issue 17, point 9; docs/api.md, "The API document").

Every text of the API document (summaries, descriptions, tags, parameters, fields) has its Spanish and English in
the catalogues, keyed by its place (server/docs_page.py); /docs is Spanish by default with no English summary left,
English with ?lang=en or Accept-Language: en; /openapi.json is English unless ?lang=es, valid in both; every
operation that takes a body shows an example that validates against the body's schema and that the demo accepts
through HTTP; "Start here" is on the page in both languages, and its first request runs against the demo.
A new endpoint without a Spanish text or an example fails here, with the list of what is missing.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import ValidationError

from server import api_examples, i18n
from server.api import TAGS, all_routes
from server.docs_page import example_of, missing, places, unescape
from server.docs_texts import english_document, english_texts
from tests.conftest import on_one_database
from tests.factories import bearer
from tests.sync.helpers import sign_in

RULE = "docs/api.md, \"Adding an endpoint\""
# English words that never belong in a Spanish text (outside `code`, snake_case names and quoted values).
ENGLISH = (" the ", " not ", " must ", " should ", " please ", " is ", " are ", " and ", " with ", " cannot ",
           " you ", " your ", " this ", " that ", " was ", " has ", " an ", " of ", " for ", " to ", " by ",
           " from ", " or ", " when ", " which ", " its ", " their ", " only ", " one ", " each ", " every ",
           " new ", " add ", " list ", " edit ", " record ", " send ", " without ", " after ", " before ")
FILE_MEDIA = ("image/", "application/offset+octet-stream", "application/pdf")


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, methods in spec["paths"].items() for method, op in methods.items()]


def _words_only(text: str) -> str:
    """A text as words: without `code`, quoted values, snake_case names, paths and URLs."""
    text = re.sub(r"`[^`]*`|«[^»]*»|'[^']*'|\"[^\"]*\"|\{[^{}]*\}|\S*[/_.:=<>?]\S*", " ", text)
    return f" {' '.join(text.lower().split())} "


# ------------------------------------------------------------------------------------------------ the catalogues

def missing_texts(spec: dict[str, Any]) -> list[str]:
    """What the catalogues lack for `spec`, in words for the report."""
    found = [f"es: {entry}" for entry in missing(spec, "es")] + [f"en: {entry}" for entry in missing(spec, "en")]
    found += [f"tag {tag['name']!r} has no name and description in server.api.TAGS"
              for tag in spec.get("tags", []) if tag["name"] not in TAGS]
    return found


def english_left(spec: dict[str, Any], spanish: dict[str, Any]) -> list[str]:
    """Texts of the Spanish document that still read as English: a summary equal to the English one, or any text
    with English words in it."""
    english = {entry: holder[key] for entry, holder, key in places(spec)}
    found = []
    for entry, holder, key in places(spanish):
        text = holder[key]
        if entry.startswith("api_summary:") and text == english[entry]:
            found.append(f"{entry}: the summary is the English one: {text!r}")
            continue
        words = [word.strip() for word in ENGLISH if word in _words_only(text)]
        if words:
            found.append(f"{entry}: English {words} in {text!r}")
    return found


def test_every_text_of_the_document_is_in_both_catalogues() -> None:
    spec = english_document()
    problems = missing_texts(spec)
    assert not problems, (f"{len(problems)} texts of the API document lack a translation ({RULE}: run "
                          "./dev.sh messages, then write the Spanish of each empty api_* entry in "
                          "server/locales/es/LC_MESSAGES/vigia.po):\n" + "\n".join(problems))


def test_the_english_catalogue_holds_the_code_s_english() -> None:
    """The code is the English's one source: the English catalogue is written from it by ./dev.sh messages."""
    stale = [f"{entry}: catalogue {i18n.TEXTS['en'].get(entry)!r}, code {text!r}"
             for entry, text in english_texts().items() if i18n.TEXTS["en"].get(entry) != text]
    assert not stale, "run ./dev.sh messages (the English changed in the code):\n" + "\n".join(stale)


def test_no_english_is_left_in_the_spanish_document() -> None:
    from server.docs_page import localized

    spec = english_document()
    problems = english_left(spec, localized(spec, "es"))
    assert not problems, f"{len(problems)} Spanish texts of the API document read as English:\n" + "\n".join(problems)


def test_a_missing_or_english_text_is_found() -> None:
    """Planted defects: an operation nobody translated, an English summary copied as Spanish, a new tag."""
    from server.docs_page import localized

    spec = copy.deepcopy(english_document())
    path, method, op = _operations(spec)[0]
    op["operationId"] = "planted_operation"
    spec["tags"].append({"name": "planted"})
    problems = missing_texts(spec)
    assert "es: api_summary:planted_operation" in "\n".join(problems)
    assert "tag 'planted' has no name" in "\n".join(problems)
    spanish = localized(spec, "es")
    assert any("api_summary:planted_operation: the summary is the English one" in p
               for p in english_left(spec, spanish))
    english = {"paths": {"/x": {"get": {"operationId": "x", "summary": "Works", "description": "Works of a city"}}}}
    spanish = {"paths": {"/x": {"get": {"operationId": "x", "summary": "Obras", "description": "Works of a city"}}}}
    assert english_left(english, spanish) == ["api_description:x: English ['of'] in 'Works of a city'"]


# ------------------------------------------------------------------------------------------------ the examples

def _body_models() -> dict[str, Any]:
    from server.app import API_ROUTES

    return {route.operation.name: route.operation.body for route in all_routes(API_ROUTES)
            if getattr(route, "operation", None) is not None and route.operation.body is not None}


def example_problems(spec: dict[str, Any], models: dict[str, Any]) -> list[str]:
    """Operations whose body has no example, or an example its schema (and the server's model) refuses."""
    problems = []
    for path, method, op in _operations(spec):
        content = op.get("requestBody", {}).get("content", {})
        if not content:
            continue
        name = op.get("operationId", f"{method} {path}")
        files = [media for media, c in content.items() if c.get("schema", {}).get("format") == "binary"]
        if files and all(media.startswith(FILE_MEDIA) for media in files) and len(files) == len(content):
            continue  # a photo or tus bytes: nothing to show as text
        shown = [media for media, c in content.items() if "example" in c]
        if not shown:
            problems.append(f"{name} ({method.upper()} {path}): no example body ({RULE})")
            continue
        for media in shown:
            example, schema = content[media]["example"], content[media].get("schema", {})
            if schema.get("format") == "binary":
                if not isinstance(example, str) or not example.strip():
                    problems.append(f"{name} [{media}]: the example of a file must be its text")
                continue
            validator = Draft202012Validator({**schema, "components": spec["components"]})
            problems += [f"{name} [{media}]: {error.json_path}: {error.message[:200]}"
                         for error in validator.iter_errors(example)]
        model = models.get(name)
        if model is not None and "application/json" in shown:
            try:
                model.model_validate(content["application/json"]["example"])
            except ValidationError as exc:
                problems.append(f"{name}: the server's model refuses the example: {exc.errors()[:2]}")
    return problems


def test_every_operation_with_a_body_has_an_example_valid_against_its_schema() -> None:
    spec = english_document()
    problems = example_problems(spec, _body_models())
    assert not problems, (f"{len(problems)} request bodies without a valid example (server/api_examples.py, or "
                          "json_schema_extra={'examples': [...]} on the body model):\n" + "\n".join(problems))
    with_body = [op for _, _, op in _operations(spec) if op.get("requestBody")]
    assert sum(1 for op in with_body if example_of(op)) >= 90


def test_a_missing_or_invalid_example_is_found() -> None:
    spec = copy.deepcopy(english_document())
    ops = {op["operationId"]: op for _, _, op in _operations(spec)}
    del ops["create_work"]["requestBody"]["content"]["application/json"]["example"]
    ops["login"]["requestBody"]["content"]["application/json"]["example"] = {"email": "x@y.example"}
    ops["add_holiday"]["requestBody"]["content"]["application/json"]["example"] = {"day": "2026-12-12",
                                                                                  "name": "Posadas", "extra": 1}
    problems = "\n".join(example_problems(spec, _body_models()))
    assert "create_work (POST /api/v1/municipalities/{code}/works): no example body" in problems
    assert "login [application/json]: $: 'password' is a required property" in problems
    assert "add_holiday: the server's model refuses the example" in problems


def test_a_body_model_s_own_example_is_shown() -> None:
    """The rule for new endpoints: `json_schema_extra={"examples": [...]}` on the body model is enough."""
    from pydantic import BaseModel, ConfigDict
    from starlette.routing import Mount

    from server.api import endpoint, openapi_document

    class PlantedBody(BaseModel):
        model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": "Hola"}]})
        text: str

    @endpoint("POST", "/planted", summary="Planted", tag="system", body=PlantedBody)
    def planted_handler(call):  # pragma: no cover (never called)
        return None

    spec = openapi_document([Mount("/api/v1", routes=[planted_handler])], title="t", version="0")
    op = spec["paths"]["/api/v1/planted"]["post"]
    assert example_of(op) == ("application/json", {"text": "Hola"})


# ------------------------------------------------------------------------------------------------ through HTTP

def _demo_ids(client, headers: dict[str, str]) -> dict[str, str]:
    """Ids of demo records for the path parameters (tests/test_openapi.py makes a court, a judge, a project, a
    ruling, an annotation, a notebook and a survey for them), placeholders for the rest: a body is validated
    before its record is looked up."""
    from tests.test_openapi import demo_ids

    return {**demo_ids(client, headers), "member_id": api_examples.MEMBER, "meeting_id": api_examples.MEETING,
            "training_id": "0192f100-0005-7000-8000-000000000001", "kind": "complaint", "number": "1",
            "version": "1", "response_format": "json", "user_id": str(uuid.uuid4())}


def test_every_example_is_accepted_by_the_demo(client) -> None:
    """Each example body sent through HTTP (admin of the demo, inside the test's rolled-back transaction) passes
    the server's validation: no 400, 413, 415 or 422 validation_error (a 404 for a placeholder id, a 409 for a
    state the demo is not in are the service speaking, after the body was accepted)."""
    spec = client.get("/openapi.json").json()
    session = sign_in(client, "admin@vigia.example")
    headers = {**bearer(session.token), "Vigia-Device": str(session.device_id)}
    ids = _demo_ids(client, headers)
    problems, sent, statuses = [], 0, {}
    for path, method, op in _operations(spec):
        shown = example_of(op)
        if shown is None:
            continue
        media, example = shown
        if not isinstance(example, str):  # the demo's own work instead of the placeholder
            example = json.loads(json.dumps(example).replace(api_examples.WORK, ids["work_id"]))
        url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), str(uuid.uuid4())), path)
        if media == "application/x-www-form-urlencoded":
            response = client.request(method.upper(), url, data={**example, "api_key": session.token},
                                      headers={"Accept-Language": "es"})
        elif isinstance(example, str):
            response = client.request(method.upper(), url, content=example.encode(),
                                      headers={**headers, "Content-Type": media})
        else:
            response = client.request(method.upper(), url, json=example, headers=headers)
        sent += 1
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        if refused(response):
            problems.append(f"{op['operationId']} {method.upper()} {url}: {response.status_code} {response.text[:300]}")
    assert sent >= 90
    assert not problems, "examples the demo refuses:\n" + "\n".join(problems)
    assert sum(count for status, count in statuses.items() if status < 300) >= 35, statuses  # most really ran
    # and the check does catch a body the server refuses
    assert refused(client.post("/api/v1/auth/login", json={"email": "contraloria@vigia.example"}))


def refused(response) -> bool:
    """The server did not accept the request as written: malformed, too large, wrong type, invalid, or our bug."""
    answer = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    error = answer.get("error", {}) if isinstance(answer, dict) else {}
    return response.status_code in (400, 413, 415) or response.status_code >= 500 or (
        response.status_code == 422 and error.get("code") == "validation_error")


def _summaries(page: str) -> dict[str, str]:
    """operationId → the summary shown at /docs."""
    return {name: htmllib.unescape(summary) for name, summary in re.findall(
        r'<div class="op" id="([^"]+)">.*?<span class="summary">(.*?)</span>', page)}


def test_docs_is_spanish_by_default_and_english_on_request(client) -> None:
    english = client.get("/openapi.json").json()
    spanish = client.get("/openapi.json?lang=es").json()
    wanted_es = {op["operationId"]: op["summary"] for _, _, op in _operations(spanish)}
    wanted_en = {op["operationId"]: op["summary"] for _, _, op in _operations(english)}
    page = client.get("/docs")
    assert page.status_code == 200 and '<html lang="es">' in page.text
    shown = _summaries(page.text)
    assert shown == wanted_es
    left = sorted(name for name, summary in shown.items() if summary == wanted_en[name])
    assert not left, f"English summaries at /docs: {left}"
    assert "Empiece aquí" in page.text and "Start here" not in page.text
    assert "Ejemplo de cuerpo" in page.text and page.text.count('<pre class="example"') >= 90
    for request in ({"params": {"lang": "en"}}, {"headers": {"Accept-Language": "en-US,en;q=0.9"}}):
        page = client.get("/docs", **request)
        assert '<html lang="en">' in page.text
        assert _summaries(page.text) == wanted_en
        assert "Start here" in page.text and "Empiece aquí" not in page.text
    # the page's words, as a person reads them
    page = client.get("/docs").text
    assert "Presentar una queja (con sesión iniciada, o anónima con folio y código secreto)" in page
    assert "<h2 id=\"tag-complaints\">Quejas" in page
    assert "Registrar una obra" in page and "Register a work" not in page
    # an entry whose English changed is fuzzy until reviewed, and a fuzzy entry is not used: the queue's summary
    # (changed by the desk-queue merge) read in English at /docs
    assert "La bandeja de atención (vencidas primero)" in page and "The triage queue" not in page
    # GET …/complaints/{id} answers anyone (the public view): its summary no longer says it is for the staff only
    assert "Una queja: la vista pública, o más para quien la reportó y para la contraloría" in page


def test_start_here_explains_the_api_and_its_first_request_runs(client) -> None:
    for language, words in (("es", ("Qué es Vigía", "Dirección base", "Autenticación", "Errores", "Paginación",
                                    "Idempotencia y sincronización", "Open311", "Su primera solicitud")),
                            ("en", ("What Vigía is", "Base URL", "Authentication", "Errors", "Pagination",
                                    "Idempotency and sync", "Open311", "Your first request"))):
        page = client.get(f"/docs?lang={language}").text
        start = page[page.index('<section id="start"'):page.index("</section>")]
        for word in words:
            assert f">{word}</h3>" in start, (language, word)
        for needed in ("http://testserver/api/v1", "/api/v1/auth/login", "Authorization: Bearer", "X-CSRF-Token",
                       "next_cursor", "request_id", "/open311/v2", "Vigia-Device", "id_taken"):
            assert needed in htmllib.unescape(start), (language, needed)
        first = htmllib.unescape(re.search(r'<pre id="first-request">curl -s \'([^\']+)\'</pre>', start).group(1))
        answer = client.get(urlsplit(first).path + "?" + urlsplit(first).query)
        assert answer.status_code == 200 and len(answer.json()["items"]) == 2
        login = re.search(r"-d '(\{.*?\})'", htmllib.unescape(start)).group(1)
        assert client.post("/api/v1/auth/login", json=json.loads(login)).status_code == 201


# The documents and their validation (seconds) do not depend on the database behind the app: on one database.
@on_one_database
def test_openapi_json_is_english_unless_asked_and_valid_in_both(client) -> None:
    english = client.get("/openapi.json")
    assert english.json() == client.get("/openapi.json", headers={"Accept-Language": "es-MX,es"}).json()
    assert english.json() == client.get("/openapi.json?lang=en").json()
    validate(english.json())
    spanish = client.get("/openapi.json?lang=es").json()
    validate(spanish)
    assert spanish["info"]["x-language"] == "es"
    ops = {op["operationId"]: op for _, _, op in _operations(spanish)}
    assert ops["create_work"]["summary"] == "Registrar una obra"
    assert ops["create_work"]["requestBody"]["content"]["application/json"]["example"]["identifier"] == "OP-2026-150"
    tags = {tag["name"]: tag for tag in spanish["tags"]}
    assert tags["complaints"]["x-displayName"] == "Quejas"
    # the same operations, parameters and schemas: only the words differ
    assert set(spanish["paths"]) == set(english.json()["paths"])
    assert set(spanish["components"]["schemas"]) == set(english.json()["components"]["schemas"])


def test_the_served_document_is_the_one_the_catalogues_are_extracted_from(client) -> None:
    """./dev.sh messages extracts from server.docs_texts.english_document(): it must be what /openapi.json serves,
    or an operation could escape the catalogues."""
    served = client.get("/openapi.json").json()
    extracted = json.loads(json.dumps(english_document()))
    names = {op["operationId"] for _, _, op in _operations(served)}
    known = {op["operationId"] for _, _, op in _operations(extracted)}
    assert names == known, (f"served but not extracted: {sorted(names - known)}; extracted but not served: "
                            f"{sorted(known - names)} (server.docs_texts.english_document builds the document from "
                            "server.app's route lists: mount new routes there)")
    assert served == extracted
    assert all(unescape(text) for text in english_texts().values())


# ------------------------------------------------------------------------------------------------ ./dev.sh messages

def _catalogue(path) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        return read_po(source)


def test_a_changed_english_marks_the_spanish_to_review(tmp_path) -> None:
    """`python -m server.docs_texts` (run by ./dev.sh messages) writes the code's English into the English
    catalogue; where it differs from what was there (the English changed in the code), the Spanish of that entry
    is marked fuzzy, which tests/test_catalogues.py reports until a translator has reviewed it."""
    import shutil

    from server.docs_texts import LOCALES, fill_translations, sync_english
    from tests.test_catalogues import problems

    shutil.copytree(LOCALES, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    english_po = tmp_path / "locales" / "en" / "LC_MESSAGES" / "vigia.po"
    spanish_po = tmp_path / "locales" / "es" / "LC_MESSAGES" / "vigia.po"
    english_po.write_text(english_po.read_text().replace('msgstr "Register a work"', 'msgstr "Create a work"'))
    assert sync_english(tmp_path / "locales") == [
        "api_summary:create_work: the English changed, the other languages are marked fuzzy"]
    assert _catalogue(english_po).get("api_summary:create_work").string == "Register a work"
    spanish = _catalogue(spanish_po)
    assert spanish.get("api_summary:create_work").fuzzy
    found = problems(["api_summary:create_work"], spanish, spanish, "es")
    assert "es: api_summary:create_work is fuzzy (a guess to review): 'Registrar una obra'" in found
    assert not spanish.get("api_summary:update_work").fuzzy  # the others untouched
    assert sync_english(tmp_path / "locales") == []  # and a second run changes nothing
    # translations made on another branch fill it back (only while the English is the one they translated)
    given = tmp_path / "given.json"
    given.write_text(json.dumps({"api_summary:create_work": {"en": "Register a work", "es": "Dar de alta una obra"},
                                 "api_summary:update_work": {"en": "Change a work", "es": "Cambiar una obra"}}))
    assert fill_translations(given, "es", tmp_path / "locales") == [
        "api_summary:update_work: not in the document, or its English changed since"]
    spanish = _catalogue(spanish_po)
    assert spanish.get("api_summary:create_work").string == "Dar de alta una obra"
    assert not spanish.get("api_summary:create_work").fuzzy


def test_docs_runs_no_script_and_cannot_be_framed(client) -> None:
    """The reference had none of the headers the public pages carry: a strict policy (its one inline stylesheet
    only), nosniff, and no framing."""
    answer = client.get("/docs")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in answer.text and answer.text.count("<style") == 1
