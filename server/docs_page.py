"""The API document in the reader's language, and the human-readable page at /docs (no CDN: it works offline).

The English document (`server.api.openapi_document`) is the source: every summary, description, tag, parameter
and field description is written in English in the code. Each text has a catalogue entry named by its place in
the document (`places`), so Spanish (and any other language) lives in the gettext catalogues like every other
text, and `localized` swaps the texts in:

| place | catalogue entry |
|---|---|
| an operation's summary, description | `api_summary:<operationId>`, `api_description:<operationId>` |
| a parameter's description | `api_param:<operationId>.<name>` |
| a response's description | `api_response:<status>` (the usual words) or `api_response:<operationId>.<status>` |
| a tag's name, description | `api_tag_name:<tag>`, `api_tag:<tag>` |
| a schema's description, a field's | `api_schema:<Component>`, `api_field:<Component>.<field>` (`.<field>…` deeper) |
| a schema written inside an operation | `api_text:<operationId>.<where>` |
| the document's description, the token's | `api_info:description`, `api_security:bearer` |

`server/docs_texts.py` extracts these entries for `./dev.sh messages` and writes their English into the English
catalogue. Braces are doubled in the catalogues (`{{text}}`), as in every message there.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterator
from typing import Any

from server import i18n
from server.i18n import N_, translate

PREFIX = "api_"
# The words of every response the API declares in the usual way (server/api/openapi.py), by status.
USUAL_RESPONSES = {
    "OK": "ok", "Done": "done",
    "Bad request (malformed JSON, wrong parameters)": "400",
    "Not signed in, or the token is invalid, expired or revoked": "401",
    "Signed in, but not allowed": "403",
    "Not found": "404",
    "Conflict with the current state": "409",
    "Body too large": "413",
    "Body is not JSON": "415",
    "Validation error (the details name each field)": "422",
    "Too many attempts": "429",
}

Place = tuple[str, dict[str, Any], str]  # (catalogue entry, the object holding the text, the key of the text)


def _schema(schema: Any, own: str, inner: str) -> Iterator[Place]:
    """The texts of a JSON Schema: its description (entry `own`), its properties' (`inner.<name>`), and those of
    the schemas inside it (items, anyOf...)."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("description"), str) and schema["description"].strip():
        yield own, schema, "description"
    for name, prop in (schema.get("properties") or {}).items():
        yield from _schema(prop, f"{inner}.{name}", f"{inner}.{name}")
    for key in ("items", "additionalProperties", "not", "contains"):
        yield from _schema(schema.get(key), f"{own}.{key}", f"{inner}.{key}")
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for index, option in enumerate(schema.get(key) or []):
            yield from _schema(option, f"{own}.{key}{index}", f"{inner}.{key}{index}")


def places(spec: dict[str, Any]) -> Iterator[Place]:
    """Every text of the document a person reads, with its catalogue entry, in document order."""
    info = spec.get("info", {})
    if info.get("description"):
        yield "api_info:description", info, "description"
    for tag in spec.get("tags", []):
        if tag.get("x-displayName"):
            yield f"api_tag_name:{tag['name']}", tag, "x-displayName"
        if tag.get("description"):
            yield f"api_tag:{tag['name']}", tag, "description"
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            name = op.get("operationId") or f"{method}{path}"
            if op.get("summary"):
                yield f"api_summary:{name}", op, "summary"
            if op.get("description"):
                yield f"api_description:{name}", op, "description"
            for parameter in op.get("parameters", []):
                if parameter.get("description"):
                    yield f"api_param:{name}.{parameter['name']}", parameter, "description"
                where = f"api_text:{name}.{parameter['name']}"
                yield from _schema(parameter.get("schema"), where, where)
            body = op.get("requestBody", {})
            if body.get("description"):
                yield f"api_text:{name}.body", body, "description"
            for media, content in body.get("content", {}).items():
                where = f"api_text:{name}.body.{media}"
                yield from _schema(content.get("schema"), where, where)
            for status, response in op.get("responses", {}).items():
                text = response.get("description")
                if text:
                    usual = USUAL_RESPONSES.get(text)
                    if usual in (status, "ok", "done"):
                        yield f"api_response:{usual}", response, "description"
                    else:
                        yield f"api_response:{name}.{status}", response, "description"
                for media, content in response.get("content", {}).items():
                    where = f"api_text:{name}.{status}.{media}"
                    yield from _schema(content.get("schema"), where, where)
    for component, schema in spec.get("components", {}).get("schemas", {}).items():
        yield from _schema(schema, f"api_schema:{component}", f"api_field:{component}")
    for scheme, security in spec.get("components", {}).get("securitySchemes", {}).items():
        if security.get("description"):
            yield f"api_security:{scheme}", security, "description"


def escape(text: str) -> str:
    """A text as the catalogues hold it: braces doubled, like every message's literal braces."""
    return text.replace("{", "{{").replace("}", "}}")


def unescape(text: str) -> str:
    return text.replace("{{", "{").replace("}}", "}")


def catalogue_text(entry: str, language: str) -> str | None:
    """The text of a document entry in `language`'s catalogue, or None if that catalogue lacks it."""
    text = i18n.TEXTS.get(language, {}).get(entry)
    return unescape(text) if text else None


def localized(spec: dict[str, Any], language: str) -> dict[str, Any]:
    """A copy of the document with every text in `language` (the English of the code where the catalogue has no
    text: tests/test_docs_page.py and tests/test_catalogues.py fail until it has)."""
    document = copy.deepcopy(spec)
    for entry, holder, key in places(document):
        text = catalogue_text(entry, language)
        if text:
            holder[key] = text
    document.setdefault("info", {})["x-language"] = language
    return document


def missing(spec: dict[str, Any], language: str) -> list[str]:
    """The document entries without a text in `language`'s catalogue, for the tests' report."""
    return [f"{entry} ({holder[key][:70]!r})" for entry, holder, key in places(spec)
            if not catalogue_text(entry, language)]


# ------------------------------------------------------------------------------------------------ the page

# The page's own words: catalogue entries docs_page_<key>.
TEXT = {
    "title": N_("docs_page_title"),
    "intro": N_("docs_page_intro"),
    "auth": N_("docs_page_auth"),
    "machine": N_("docs_page_machine"),
    "params": N_("docs_page_params"),
    "body": N_("docs_page_body"),
    "responses": N_("docs_page_responses"),
    "required": N_("docs_page_required"),
    "example": N_("docs_page_example"),
    "reference": N_("docs_page_reference"),
    "start": N_("docs_page_start"),
    "start_what_title": N_("docs_page_start_what_title"),
    "start_what": N_("docs_page_start_what"),
    "start_base_title": N_("docs_page_start_base_title"),
    "start_base": N_("docs_page_start_base"),
    "start_first_title": N_("docs_page_start_first_title"),
    "start_first": N_("docs_page_start_first"),
    "start_auth_title": N_("docs_page_start_auth_title"),
    "start_auth_token": N_("docs_page_start_auth_token"),
    "start_auth_session": N_("docs_page_start_auth_session"),
    "start_errors_title": N_("docs_page_start_errors_title"),
    "start_errors": N_("docs_page_start_errors"),
    "start_pages_title": N_("docs_page_start_pages_title"),
    "start_pages": N_("docs_page_start_pages"),
    "start_sync_title": N_("docs_page_start_sync_title"),
    "start_sync": N_("docs_page_start_sync"),
    "start_open311_title": N_("docs_page_start_open311_title"),
    "start_open311": N_("docs_page_start_open311"),
    "start_languages_title": N_("docs_page_start_languages_title"),
    "start_languages": N_("docs_page_start_languages"),
}
# The first request of "Start here": public, answered by the demo's data (a test runs it against the demo).
FIRST_REQUEST = "/api/v1/municipalities/10005/works?limit=2"
DEMO_LOGIN = {"email": "contraloria@vigia.example", "password": "vigia-demo-2026", "device_name": "Mi script"}
ERROR_EXAMPLE = {"error": {"code": "validation_error", "message": "…", "details": [
    {"field": "email", "code": "string_type", "message": "…"}], "request_id": "3f2c0c8e1b2a4c1f9e0d7a6b5c4d3e2f"}}

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45;color:#1b1b1b}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0b6e4f;padding-bottom:.2rem;margin-top:2rem}
h3{margin-bottom:.3rem}.tag{color:#555;font-weight:400;font-size:.9rem}
.op{border:1px solid #ddd;border-radius:.4rem;margin:.8rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}
.GET{color:#0b6e4f}.POST{color:#1f5fa8}.PUT,.PATCH{color:#8a5a00}.DELETE{color:#a4262c}
code,pre{background:#f4f4f4;border-radius:.2rem;padding:.05rem .25rem}pre{padding:.5rem;overflow:auto;font-size:.85rem}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left}
#start{background:#f3f8f6;border-radius:.4rem;padding:.2rem 1rem 1rem}nav ul{columns:2}
"""


def _words(text: str) -> str:
    """A catalogue text as HTML: escaped, with `…` as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"[{_type(schema.get('items', {}))}]"
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    return str(schema.get("format") or schema.get("type") or "any")


def _fields(schema: dict[str, Any], components: dict[str, Any], text: dict[str, str]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = components.get(name, {})
    if schema.get("type") == "array" and "items" in schema:
        return "<p>[ ]</p>" + _fields(schema["items"], components, text)
    properties = schema.get("properties")
    if not properties:
        return f"<p><code>{html.escape(_type(schema))}</code></p>"
    required = set(schema.get("required", []))
    described = f"<p>{_words(schema['description'])}</p>" if schema.get("description") else ""
    rows = "".join(
        f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(_type(prop))}</td>"
        f"<td>{text['required'] if name in required else ''}</td>"
        f"<td>{_words(prop.get('description', ''))}</td></tr>"
        for name, prop in properties.items()
    )
    return f"{described}<table>{rows}</table>"


def example_of(op: dict[str, Any]) -> tuple[str, Any] | None:
    """(media type, example) of an operation's request body, or None."""
    for media, content in op.get("requestBody", {}).get("content", {}).items():
        if "example" in content:
            return media, content["example"]
    return None


def _example(media: str, example: Any) -> str:
    shown = example if isinstance(example, str) else json.dumps(example, ensure_ascii=False, indent=2)
    return f'<pre class="example" data-media="{html.escape(media)}">{html.escape(shown)}</pre>'


def _operation(path: str, method: str, op: dict[str, Any], components: dict[str, Any], text: dict[str, str]) -> str:
    lock = " 🔒" if op.get("security") else ""
    parts = [
        f'<div class="op" id="{html.escape(op.get("operationId", ""))}"><span class="m {method.upper()}">'
        f'{method.upper()}</span> <code>{html.escape(path)}</code>{lock} — <span class="summary">'
        f"{html.escape(op.get('summary', ''))}</span>"
    ]
    if op.get("description"):
        parts.append(f'<p class="description">{_words(op["description"])}</p>')
    params = op.get("parameters", [])
    if params:
        rows = "".join(
            f"<tr><td><code>{html.escape(p['name'])}</code></td><td>{p['in']}</td>"
            f"<td>{html.escape(_type(p.get('schema', {})))}</td>"
            f"<td>{text['required'] if p.get('required') else ''}</td>"
            f"<td>{_words(p.get('description', ''))}</td></tr>"
            for p in params
        )
        parts.append(f"<p><b>{text['params']}</b></p><table>{rows}</table>")
    content = op.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    if body:
        parts.append(f"<p><b>{text['body']}</b></p>" + _fields(body, components, text))
    example = example_of(op)
    if example:
        parts.append(f"<p><b>{text['example']}</b> (<code>{html.escape(example[0])}</code>)</p>"
                     + _example(*example))
    codes = ", ".join(
        f"<code>{code}</code> {html.escape(resp.get('description', ''))}" for code, resp in op["responses"].items()
    )
    parts.append(f"<p><b>{text['responses']}</b>: {codes}</p></div>")
    return "".join(parts)


def _start_here(text: dict[str, str], language: str, base: str) -> str:
    """"Start here": what an integrator needs before the reference, with requests that run against the demo."""
    login = (f"curl -s -X POST {base}/api/v1/auth/login -H 'Content-Type: application/json' \\\n"
             f"  -d '{json.dumps(DEMO_LOGIN, ensure_ascii=False)}'\n"
             f"curl -s -H 'Authorization: Bearer vg_…' {base}/api/v1/auth/me")
    sections = [
        ("what", text["start_what_title"], [text["start_what"]], ""),
        ("base", text["start_base_title"], [text["start_base"]], ""),
        ("first", text["start_first_title"], [text["start_first"]],
         f'<pre id="first-request">curl -s \'{html.escape(base + FIRST_REQUEST)}\'</pre>'),
        ("auth", text["start_auth_title"], [text["start_auth_token"]],
         f"<pre>{html.escape(login)}</pre><p>{_words(text['start_auth_session'])}</p>"),
        ("errors", text["start_errors_title"], [text["start_errors"]],
         f"<pre>{html.escape(json.dumps(ERROR_EXAMPLE, ensure_ascii=False))}</pre>"),
        ("pages", text["start_pages_title"], [text["start_pages"]], ""),
        ("sync", text["start_sync_title"], [text["start_sync"]], ""),
        ("open311", text["start_open311_title"], [text["start_open311"]],
         f"<pre>curl -s '{html.escape(base)}/open311/v2/services.json?jurisdiction_id=10005'</pre>"),
        ("languages", text["start_languages_title"], [text["start_languages"]], ""),
    ]
    body = "".join(
        f'<h3 id="start-{key}">{html.escape(title)}</h3>' + "".join(f"<p>{_words(p)}</p>" for p in paragraphs) + extra
        for key, title, paragraphs, extra in sections
    )
    return (f'<section id="start" aria-labelledby="start-title"><h2 id="start-title">{text["start"]}</h2>'
            f"{body}</section>")


def render_docs(spec: dict[str, Any], *, language: str = "es", base_url: str = "http://127.0.0.1:8000") -> str:
    """The page of `spec` (already in `language`: `localized`), with "Start here" for `base_url`."""
    base = base_url.rstrip("/")
    text = {key: translate(code, language, base=base) for key, code in TEXT.items()}
    components = spec.get("components", {}).get("schemas", {})
    tags = {tag["name"]: tag for tag in spec.get("tags", [])}
    by_tag: dict[str, list[str]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            by_tag.setdefault(op.get("tags", ["api"])[0], []).append(_operation(path, method, op, components, text))
    sections = []
    contents = []
    for tag, ops in sorted(by_tag.items()):
        about = tags.get(tag, {})
        title = html.escape(about.get("x-displayName", tag))
        contents.append(f'<li><a href="#tag-{html.escape(tag)}">{title}</a></li>')
        described = f"<p>{_words(about['description'])}</p>" if about.get("description") else ""
        sections.append(f'<h2 id="tag-{html.escape(tag)}">{title} <span class="tag">({html.escape(tag)})</span></h2>'
                        f"{described}{''.join(ops)}")
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{text["title"]}</title>'
        f"<style>{STYLE}</style></head><body><h1>{text['title']}</h1>"
        f"<p>{text['intro']}</p><p>{text['auth']}</p>"
        f'<p><a href="/openapi.json?lang={language}">{text["machine"]}</a> · '
        f'<a href="/docs?lang=es" hreflang="es" lang="es">Español</a> · '
        f'<a href="/docs?lang=en" hreflang="en" lang="en">English</a></p>'
        f"{_start_here(text, language, base)}"
        f'<nav aria-labelledby="contents"><h2 id="contents">{text["reference"]}</h2><ul>{"".join(contents)}</ul></nav>'
        f"{''.join(sections)}</body></html>"
    )
