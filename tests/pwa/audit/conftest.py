"""The auditors' workspace in the field app (/auditoria, docs/pwa.md "The auditors' workspace") and the audit's
cross-role flow: Debian's Chromium against `vigia serve` on the demo (both databases). Fixtures others reuse:

- `auditor_phone`: a phone's browser (360×640, Spanish) — CSP bypassed only so axe-core can be injected;
- `audit_api`: the API as the demo's reviewer (revision@vigia.example) and auditors, over real HTTP;
- `fresh_assignment`: a scheme version of our own (every kind of question) published through the API and a
  published demo ruling assigned with it to both demo auditors (the demo's own assignments are all taken).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import httpx2 as httpx
import pytest
import sqlalchemy as sa

from tests.factories import token_for
from tests.pwa.conftest import nav, sign_in, wait_until, idb  # noqa: F401 (re-exported for the tests here)

CODE = "10005"
PHONE = {"width": 360, "height": 640}
AUDITOR = "auditor@vigia.example"
AUDITOR_2 = "auditora2@vigia.example"
REVIEWER = "revision@vigia.example"
CASE = "1434/2024"  # a published demo ruling (an auto of the Juzgado Primero de lo Civil)

DEFINITION = {
    "labels": [
        {"code": "apparent_reasoning", "color": "#d62728",
         "name": {"es": "Motivación aparente", "en": "Apparent reasoning"},
         "definition": {"es": "Se cita la norma sin explicar por qué se aplica al caso.", "en": "Cites the rule only."},
         "examples": [{"es": "«Con fundamento en el artículo 14 se resuelve…» sin más."}],
         "attributes": [{"code": "decisive", "kind": "boolean", "name": {"es": "¿Es determinante para el fallo?"}}]},
        {"code": "insufficient_reasoning", "color": "#1f77b4",
         "name": {"es": "Motivación insuficiente", "en": "Insufficient reasoning"},
         "definition": {"es": "Falta el mínimo de razones para sostener lo decidido.", "en": "Too few reasons."},
         "examples": [{"es": "Se declara procedente sin valorar las pruebas."}],
         "attributes": [{"code": "premise", "kind": "choice", "name": {"es": "Premisa"},
                         "options": [{"code": "factual", "name": {"es": "Fáctica"}},
                                     {"code": "legal", "name": {"es": "Jurídica"}}]}]},
    ],
    "questions": [
        {"code": "outcome", "kind": "choice", "required": True, "text": {"es": "¿Cuál es el sentido del fallo?"},
         "options": [{"code": "upheld", "name": {"es": "Fundada"}}, {"code": "dismissed", "name": {"es": "Infundada"}},
                     {"code": "inadmissible", "name": {"es": "Improcedente"}}]},
        {"code": "defects", "kind": "multi", "text": {"es": "¿Qué defectos formales tiene?"},
         "options": [{"code": "no_date", "name": {"es": "Sin fecha"}}, {"code": "no_signature", "name": {"es": "Sin firma"}}]},
        {"code": "pages", "kind": "number", "min": 1, "max": 500, "text": {"es": "¿Cuántas páginas tiene?"}},
        {"code": "notified_on", "kind": "date", "text": {"es": "¿Cuándo se notificó?"}},
        {"code": "summary", "kind": "text", "text": {"es": "Resumen en una frase"}},
        {"code": "reasonable", "kind": "boolean", "required": True, "text": {"es": "¿El plazo fue razonable?"}},
        {"code": "precedents", "kind": "list", "text": {"es": "Precedentes citados"}},
    ],
}


class Api:
    """The API over HTTP as one of the demo's people (a bearer token each)."""

    def __init__(self, base_url: str, database) -> None:
        self.base_url = base_url
        self.database = database
        self.tokens: dict[str, str] = {}

    def as_(self, email: str) -> httpx.Client:
        if email not in self.tokens:
            with self.database.session_scope() as session:
                self.tokens[email] = token_for(session, email, "pruebas del taller")
        return httpx.Client(base_url=self.base_url + f"/api/v1/municipalities/{CODE}", timeout=30,
                            headers={"Authorization": f"Bearer {self.tokens[email]}"})

    def call(self, email: str, method: str, path: str, **kwargs) -> dict:
        with self.as_(email) as client:
            answer = client.request(method, path, **kwargs)
        assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else {}

    def user_id(self, email: str) -> str:
        with self.database.session_scope() as session:
            return str(uuid.UUID(str(session.execute(sa.text("SELECT id FROM users WHERE email = :e"),
                                                     {"e": email}).scalar_one())))

    def ruling(self, case: str) -> dict:
        return next(r for r in self.call(REVIEWER, "GET", "/rulings") if r["case_number"] == case)


@pytest.fixture
def audit_api(app_server) -> Api:
    base_url, database = app_server
    return Api(base_url, database)


@dataclass
class Assignment:
    id: str  # the demo auditor's (auditor@vigia.example)
    other_id: str  # auditora2's
    ruling_id: str
    case_number: str
    scheme_version_id: str
    project_id: str
    text: str  # the public text (code points as the server counts them)
    extra: dict = field(default_factory=dict)


@pytest.fixture
def fresh_assignment(audit_api) -> Assignment:
    """A published demo ruling assigned to both demo auditors with a scheme version of our own (every question kind)."""
    slug = f"taller-{uuid.uuid4().hex[:6]}"
    scheme = audit_api.call(REVIEWER, "POST", "/annotation-schemes",
                            json={"slug": slug, "name": "Esquema del taller", "definition": DEFINITION})
    version = audit_api.call(REVIEWER, "POST", f"/annotation-schemes/{scheme['id']}/versions/1/publish")
    ruling = audit_api.ruling(CASE)
    made = audit_api.call(REVIEWER, "POST", f"/audit-projects/{ruling['project_id']}/assignments", json={
        "ruling_id": ruling["id"], "scheme_version_id": version["id"],
        "annotator_ids": [audit_api.user_id(AUDITOR), audit_api.user_id(AUDITOR_2)]})
    by_person = {row["annotator_id"]: row["id"] for row in made}
    view = audit_api.call(AUDITOR, "GET", f"/annotation-assignments/{by_person[audit_api.user_id(AUDITOR)]}")
    return Assignment(id=by_person[audit_api.user_id(AUDITOR)], other_id=by_person[audit_api.user_id(AUDITOR_2)],
                      ruling_id=ruling["id"], case_number=CASE, scheme_version_id=version["id"],
                      project_id=ruling["project_id"], text=view["text"]["text"])


@pytest.fixture
def auditor_phone(chromium, app_server):
    """A student auditor's phone: 360×640, Spanish, service workers on (offline). CSP bypassed only for axe-core."""
    base_url, _ = app_server
    context = chromium.new_context(base_url=base_url, viewport=PHONE, locale="es-MX", service_workers="allow",
                                   bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def open_workspace(page, email: str = AUDITOR) -> None:
    """First visit, sign in at /entrar, wait for the pull to bring the assignments, open "Auditoría"."""
    page.goto("/")
    sign_in(page, email)
    wait_until(page, lambda: any(r["type"] == "assignment" for r in idb(page, "records", None) or []), timeout=30,
               what="the assignments pulled to the phone")
    nav(page, "Auditoría").click()


def select_text(page, quote: str, occurrence: int = 0, *, caret: bool = False) -> None:
    """Select `quote` in the ruling's text as a caret/keyboard user would (window.getSelection()); with `caret`,
    only put the caret at its start (where the arrow keys would have taken it)."""
    page.locator(".ruling-text").wait_for()
    found = page.evaluate("""([quote, occurrence, caret]) => {
        const box = document.querySelector('.ruling-text');
        const text = box.textContent;
        let at = -1;
        for (let i = 0; i <= occurrence; i++) { at = text.indexOf(quote, at + 1); if (at < 0) return false; }
        const place = (units) => {
          for (const block of box.children) {
            const start = Number(block.dataset.start); const node = block.firstChild;
            if (units <= start + node.length) return [node, units - start];
          }
        };
        const range = document.createRange();
        range.setStart(...place(at)); range.setEnd(...place(caret ? at : at + quote.length));
        const selection = window.getSelection();
        selection.removeAllRanges(); selection.addRange(range);
        return true;
      }""", [quote, occurrence, caret])
    assert found, f"«{quote}» is not in the ruling's text"
