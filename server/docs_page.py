"""The human-readable API page at /docs, rendered from the OpenAPI document (no CDN: it works offline)."""

from __future__ import annotations

import html
import json
from typing import Any

from server.i18n import N_, translate

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
}

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45;color:#1b1b1b}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0b6e4f;padding-bottom:.2rem;margin-top:2rem;text-transform:capitalize}
.op{border:1px solid #ddd;border-radius:.4rem;margin:.8rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}
.GET{color:#0b6e4f}.POST{color:#1f5fa8}.PUT,.PATCH{color:#8a5a00}.DELETE{color:#a4262c}
code,pre{background:#f4f4f4;border-radius:.2rem;padding:.05rem .25rem}pre{padding:.5rem;overflow:auto;font-size:.85rem}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left}
"""


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
    rows = "".join(
        f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(_type(prop))}</td>"
        f"<td>{text['required'] if name in required else ''}</td>"
        f"<td>{html.escape(prop.get('description', ''))}</td></tr>"
        for name, prop in properties.items()
    )
    return f"<table>{rows}</table>"


def render_docs(spec: dict[str, Any], *, language: str = "es") -> str:
    text = {key: translate(code, language) for key, code in TEXT.items()}
    components = spec.get("components", {}).get("schemas", {})
    by_tag: dict[str, list[str]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            lock = " 🔒" if op.get("security") else ""
            parts = [
                f'<div class="op" id="{html.escape(op.get("operationId", ""))}"><span class="m {method.upper()}">'
                f"{method.upper()}</span> <code>{html.escape(path)}</code>{lock} — {html.escape(op.get('summary', ''))}"
            ]
            if op.get("description"):
                parts.append(f"<p>{html.escape(op['description'])}</p>")
            params = op.get("parameters", [])
            if params:
                rows = "".join(
                    f"<tr><td><code>{html.escape(p['name'])}</code></td><td>{p['in']}</td>"
                    f"<td>{html.escape(_type(p.get('schema', {})))}</td>"
                    f"<td>{text['required'] if p.get('required') else ''}</td></tr>"
                    for p in params
                )
                parts.append(f"<p><b>{text['params']}</b></p><table>{rows}</table>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                parts.append(f"<p><b>{text['body']}</b></p>" + _fields(body, components, text))
            codes = ", ".join(
                f"<code>{code}</code> {html.escape(resp.get('description', ''))}" for code, resp in op["responses"].items()
            )
            parts.append(f"<p><b>{text['responses']}</b>: {codes}</p></div>")
            by_tag.setdefault(op.get("tags", ["api"])[0], []).append("".join(parts))
    sections = "".join(f"<h2>{html.escape(tag)}</h2>{''.join(ops)}" for tag, ops in sorted(by_tag.items()))
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{text["title"]}</title>'
        f"<style>{STYLE}</style></head><body><h1>{text['title']}</h1>"
        f"<p>{text['intro']}</p><p>{text['auth']}</p>"
        f'<p><a href="/openapi.json">{text["machine"]}</a> · <a href="/docs?lang=es" hreflang="es">Español</a> · '
        f'<a href="/docs?lang=en" hreflang="en">English</a></p>'
        f"{sections}</body></html>"
    )
