"""Before filing, online (docs/pwa.md): likely duplicates nearby are shown, and a signed-in person supports one
instead of filing another; the support reaches the server once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.pwa.test_account_and_fixes import file_complaint, nav
from tests.pwa.test_offline_filing import first_visit

pytestmark = pytest.mark.timeout(150)


def test_a_likely_duplicate_is_shown_and_supported_instead(phone, app_server):
    _, database = app_server
    page = phone.new_page()
    first_visit(page)
    file_complaint(page, "La banqueta nueva ya se está cuarteando frente al mercado municipal.")
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item[data-state=sent] .code")).to_be_visible(timeout=30_000)
    folio = page.locator("li.item .folio").inner_text()

    nav(page, "Nueva queja").click()
    page.get_by_label("Categoría").select_option(index=1)
    duplicate = page.locator("li.duplicate").filter(has_text=folio)
    expect(duplicate).to_have_count(1)
    expect(duplicate.get_by_role("button", name="Apoyar esta queja")).to_have_count(0)  # anonymous: no support

    nav(page, "Entrar").click()
    page.get_by_label("Correo electrónico").fill("voluntaria@vigia.example")
    page.get_by_label("Contraseña").fill("vigia-demo-2026")
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_text("Sesión iniciada como")).to_be_visible()
    nav(page, "Nueva queja").click()
    page.get_by_label("Categoría").select_option(index=1)
    page.locator("li.duplicate").filter(has_text=folio).get_by_role("button", name="Apoyar esta queja").click()
    expect(page.get_by_text("Apoyo guardado en el teléfono.")).to_be_visible()
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item").filter(has_text="Apoyo a la queja")).to_have_attribute("data-state", "sent", timeout=30_000)
    with database.session_scope() as session:
        supports = session.execute(sa.text(
            "SELECT count(*) FROM complaint_supports s JOIN complaints c ON c.id = s.complaint_id WHERE c.folio = :f"),
            {"f": folio}).scalar()
    assert supports == 1
