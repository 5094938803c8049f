"""QA (issue 17): every desk screen fits a 360 px phone without sideways scrolling of the whole page (wide tables
scroll inside their own box). Found broken: the committees' «Tipo» filter, and the users', categories' and
checklists' tables, whose visually hidden «Editar» header escaped the table's scroll box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.desk.conftest import PHONE, desk_sign_in

SCREENS = {
    "coordinacion@vigia.example": ["/mesa/comites"],
    "admin@vigia.example": [f"/mesa/admin/{section}" for section in (
        "usuarios", "categorias", "plazos", "dias-inhabiles", "plantillas", "formularios", "zonas", "obras")],
}


@pytest.mark.parametrize("email", sorted(SCREENS))
def test_desk_screens_fit_a_phone_without_sideways_scroll(desk, app_server, email) -> None:
    page = desk.new_page()
    page.set_viewport_size(PHONE)
    desk_sign_in(page, email)
    for path in SCREENS[email]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator("main [aria-busy=true]")).to_have_count(0)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide at {PHONE['width']}"
