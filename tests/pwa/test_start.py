"""Starting the app (docs/pwa.md): installable (manifest, PNG icons, theme colour), Spanish first with an English
switch that is remembered, a manual choice of municipality when there is no position, and no accessibility
violation (axe-core, WCAG 2 A/AA: labels, contrast, names) on any screen at 360×640."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import PWA, nav, sign_in
from tests.pwa.test_offline_filing import first_visit

pytestmark = [pytest.mark.timeout(120), on_one_database]  # a browser story, on one database (tests/conftest.py)


def test_installable_manifest_and_icons(app_server):
    base_url, _ = app_server
    page = requests.get(base_url + "/", timeout=10)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text and "<script>" not in page.text
    manifest = requests.get(base_url + "/manifest.webmanifest", timeout=10).json()
    assert manifest["name"] == "Vigía" and manifest["lang"] == "es" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["theme_color"].startswith("#")
    sizes = set()
    for icon in manifest["icons"]:
        answer = requests.get(base_url + icon["src"], timeout=10)
        assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(answer.content))
        assert f"{picture.width}x{picture.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_without_a_position_the_municipality_is_chosen_and_english_is_remembered(chromium, app_server):
    base_url, _ = app_server
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("button", name="Usar mi ubicación").click()  # location not allowed
        expect(page.get_by_role("alert")).to_have_text("No se pudo obtener la ubicación. Elija el municipio.")
        page.get_by_label("Municipio").select_option(label="Durango (Durango)")
        expect(page.get_by_text("Está en Durango")).to_be_visible()
        expect(page.locator("ul.works > li").first).to_be_visible()

        page.get_by_role("button", name="Switch to English").click()
        expect(page.get_by_role("heading", name="Where am I?")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "en"
        page.reload()
        expect(page.get_by_role("heading", name="Where am I?")).to_be_visible()
        nav(page, "New complaint").click()
        expect(page.get_by_role("heading", name="New complaint")).to_be_visible()
        expect(page.get_by_label("Description")).to_be_visible()
        page.get_by_role("button", name="Cambiar a español").click()
        expect(page.get_by_role("heading", name="Nueva queja")).to_be_visible()
    finally:
        context.close()


def test_no_accessibility_violations_on_any_screen(chromium, app_server):
    base_url, _ = app_server
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX",
                                   geolocation={"longitude": -104.6657, "latitude": 24.0277, "accuracy": 12},
                                   permissions=["geolocation"], bypass_csp=True)  # to inject axe-core only
    context.set_default_timeout(15_000)
    axe = PWA / "node_modules" / "axe-core" / "axe.min.js"
    try:
        page = context.new_page()
        first_visit(page)
        page.locator("ul.works details").first.locator("summary").click()  # an opened work card too
        problems = {}
        for name, heading in [(None, "¿Dónde estoy?"), ("Nueva queja", "Nueva queja"), ("Bandeja", "Bandeja de salida"),
                              ("Seguimiento", "Seguimiento de una queja"), ("Entrar", "Entrar")]:
            if name:
                nav(page, name).click()
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            if not page.evaluate("typeof axe !== 'undefined'"):
                page.add_script_tag(path=str(axe))
            result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
            found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
            if found:
                problems[heading] = found
        sign_in(page, "comite@vigia.example")  # and the committee's checklist, signed in as a member
        nav(page, "Mi comité").click()
        expect(page.get_by_role("combobox", name="Cédula de vigilancia")).to_be_visible(timeout=30_000)
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        if found:
            problems["Mi comité"] = found
        assert problems == {}
    finally:
        context.close()
