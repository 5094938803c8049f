"""A new version of the app while a complaint is being written (docs/pwa.md, *Updates*): nothing reloads the form;
the app offers "Actualizar" once no form is open; after updating, the draft and the outbox are still there."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import idb, nav
from tests.pwa.test_account_and_fixes import file_complaint
from tests.pwa.test_offline_filing import first_visit

pytestmark = [pytest.mark.timeout(120), on_one_database]  # a browser story, on one database (tests/conftest.py)


@pytest.fixture
def served_dist(pwa_dist, tmp_path):
    copy = tmp_path / "dist"
    shutil.copytree(pwa_dist, copy)
    return copy


def test_an_update_waits_for_the_form_and_keeps_draft_and_outbox(phone, network, app_server, served_dist):
    page = phone.new_page()
    first_visit(page)
    file_complaint(page, "La obra del parque quedó a medias y hay varillas expuestas.")  # in the outbox

    draft = "Empecé a escribir esta queja y llegó una versión nueva de la app."
    nav(page, "Nueva queja").click()
    page.get_by_label("Descripción").fill(draft)
    page.evaluate("window.__sameDocument = true")

    # A new version is deployed: its service worker installs and waits.
    (served_dist / "sw.js").write_text((served_dist / "sw.js").read_text() + "\n// a new version\n")
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(page.get_by_text("Hay una versión nueva de la app.")).to_be_visible()
    expect(page.get_by_text("Termine o guarde el formulario para actualizar.")).to_be_visible()
    expect(page.get_by_role("button", name="Actualizar", exact=True)).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True  # never reloaded under the person's fingers
    expect(page.get_by_label("Descripción")).to_have_value(draft)

    nav(page, "Bandeja").click()  # the form is closed (its draft stays on the phone)
    with page.expect_navigation():  # now, and only now, the page reloads into the new version
        page.get_by_role("button", name="Actualizar", exact=True).click()
    assert page.evaluate("window.__sameDocument") is None
    expect(page.get_by_role("heading", name="Bandeja de salida")).to_be_visible()
    assert "a new version" in page.evaluate("fetch('/sw.js').then((r) => r.text())")
    expect(page.locator("li.item")).to_have_count(1)
    assert len(idb(page, "outbox", None)) == 1

    nav(page, "Nueva queja").click()
    expect(page.get_by_label("Descripción")).to_have_value(draft)
    expect(page.get_by_text("Se recuperó su borrador.")).to_be_visible()
