"""The public pages (docs/public-pages.md) opened from the field app's links in Debian's Chromium, on both
databases: a work card's "Ver página pública" and a followed complaint's lead to the server's pages (the service
worker leaves /publico/ to the network), which read as they should on a cheap phone with no script, and axe-core
finds no serious or critical violation on them."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.factories import complaint_body
from tests.pwa.conftest import DURANGO
from tests.pwa.desk.conftest import serious_violations
from tests.pwa.test_offline_filing import first_visit

pytestmark = [pytest.mark.timeout(180), on_one_database]  # a browser story, on one database (tests/conftest.py)
DEMO = "10005"


@pytest.fixture
def reader(chromium, app_server):
    """A cheap phone (360×640, Spanish, in Durango) whose CSP is bypassed only so that axe-core can be injected;
    the pages themselves carry no script."""
    base_url, _ = app_server
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX",
                                   geolocation=DURANGO, permissions=["geolocation"], service_workers="allow",
                                   bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_the_public_work_and_complaint_pages_open_from_the_field_app(reader, app_server) -> None:
    base_url, _ = app_server
    page = reader.new_page()
    first_visit(page)  # the service worker controls the app from here on

    card = page.locator("ul.works > li").first
    work_id = card.get_attribute("data-work")
    title = card.locator("h3").inner_text()
    card.locator("summary").click()
    link = card.get_by_role("link", name="Ver página pública")
    expect(link).to_have_attribute("href", f"/publico/{DEMO}/obras/{work_id}")
    expect(card.get_by_role("button", name="Compartir")).to_be_visible()
    link.click()
    page.wait_for_url(f"**/publico/{DEMO}/obras/{work_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)  # the server's page, not the app shell
    for section in ("Dónde está", "Avance por fuente", "Señales de riesgo", "Comité de contraloría social",
                    "Quejas de los vecinos", "Documentos"):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    expect(page.get_by_role("img", name=f"Mapa de la obra: {title}")).to_be_visible()
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    assert serious_violations(page) == []

    # A neighbour filed a complaint anonymously and follows it from the app with its folio and code.
    filed = requests.post(f"{base_url}/api/v1/municipalities/{DEMO}/complaints", timeout=10, json=complaint_body(
        anonymous=True, work_id=work_id,
        description="La obra lleva tres semanas sin trabajadores y la zanja sigue abierta sin señales."))
    assert filed.status_code == 201, filed.text
    folio, code = filed.json()["complaint"]["folio"], filed.json()["follow_up_code"]
    page.goto(f"/seguimiento#municipio={DEMO}&folio={folio}&codigo={code}")
    result = page.locator("article.follow-result")
    expect(result).to_contain_text(folio)
    result.get_by_role("link", name="Ver página pública").click()
    page.wait_for_url(f"**/publico/{DEMO}/quejas/{folio}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Queja {folio}")
    expect(page.get_by_text("El texto se publicará cuando la contraloría lo revise.")).to_be_visible()
    expect(page.get_by_text("Nuevo estado: Recibida")).to_be_visible()
    assert "tres semanas sin trabajadores" not in page.content()  # not reviewed yet: not public
    assert serious_violations(page) == []

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="What the complaint says")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Durango").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social oversight in Durango")
    assert serious_violations(page) == []


@pytest.mark.parametrize("section", ["estadisticas", "comites", "observatorios", "cuadernos", "datos"])
def test_every_public_page_passes_axe_on_a_phone(reader, section) -> None:
    page = reader.new_page()
    page.goto(f"/publico/{DEMO}/{section}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert serious_violations(page) == []
    first = page.locator(f"main a[href^='/publico/{DEMO}/{section}/']").first
    if first.count():
        first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert serious_violations(page) == []


def test_a_judge_replies_to_a_notebook_on_a_phone_with_no_script(reader) -> None:
    """The demo's published notebook (its charts drawn on the server) and the reply form: what is wrong is said in
    words beside the fields, the key is not shown back, and axe-core finds nothing serious on either page."""
    page = reader.new_page()
    page.goto(f"/publico/{DEMO}/cuadernos")
    shown = page.locator("ul.cards li li").filter(has_not_text="Sin cifras públicas")  # not the withheld one
    shown.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Línea de decisiones en el tiempo")).to_be_visible()
    expect(page.get_by_role("img", name="Resoluciones por trimestre, apiladas por sentido del fallo")).to_be_visible()
    expect(page.get_by_role("heading", name="Respuesta de la persona juzgadora")).to_be_visible()
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    page.get_by_role("link", name="¿Es usted la persona juzgadora? Responda con su clave").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responder al cuaderno")
    page.get_by_label("Clave de respuesta", exact=True).fill("vgr_" + "z" * 43)
    page.get_by_label("Firma", exact=True).fill("Juez de prueba, titular")
    page.get_by_label("Respuesta", exact=True).fill("Una respuesta que no llegará a publicarse.")
    page.get_by_role("button", name="Enviar respuesta").click()
    expect(page.get_by_role("alert")).to_contain_text("La clave de la invitación no es válida para este cuaderno.")
    expect(page.get_by_label("Firma", exact=True)).to_have_value("Juez de prueba, titular")
    expect(page.get_by_label("Clave de respuesta", exact=True)).to_have_value("")
    assert serious_violations(page) == []


def test_the_committee_screen_links_its_public_report(reader, app_server) -> None:
    from tests.pwa.conftest import sign_in

    page = reader.new_page()
    first_visit(page)
    sign_in(page, "comite@vigia.example")
    page.get_by_role("navigation").get_by_role("link", name="Mi comité").click()
    chosen = page.get_by_label("Comité", exact=True)
    expect(chosen).to_be_visible()
    committee_id = chosen.input_value()
    name = chosen.locator("option:checked").inner_text()
    link = page.get_by_role("link", name="Informe público del comité")
    expect(link).to_have_attribute("href", f"/publico/{DEMO}/comites/{committee_id}")
    link.click()
    page.wait_for_url(f"**/publico/{DEMO}/comites/{committee_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="Informe público")).to_be_visible()
    assert serious_violations(page) == []
