"""The desk (/mesa) in Debian's Chromium: a laptop-sized browser against `vigia serve` on the demo, signed in with
the browser session (cookie + CSRF), and axe-core on every screen (0 serious or critical violations)."""

from __future__ import annotations

import pytest

from tests.pwa.conftest import PWA

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 640}
PASSWORD = "vigia-demo-2026"  # every demo account's (README.md)


@pytest.fixture
def desk(chromium, app_server):
    """A desk's browser: 1280×800, Spanish. CSP bypassed only so that axe-core can be injected."""
    base_url, _ = app_server
    context = chromium.new_context(base_url=base_url, viewport=LAPTOP, locale="es-MX", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def desk_sign_in(page, email: str, *, then: str | None = None) -> None:
    """Sign in at /mesa/entrar with a demo account, from a clean browser; lands on the person's first screen (or
    `then`)."""
    from playwright.sync_api import expect

    page.goto("/mesa/entrar" + (f"?next={then}" if then else ""))
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("navigation", name="Secciones de la mesa")).to_be_visible()


def serious_violations(page) -> list[dict]:
    """axe-core (WCAG 2 A/AA) on the page as it is now: the serious and critical violations, each with the
    elements it names."""
    axe = PWA / "node_modules" / "axe-core" / "axe.min.js"
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
