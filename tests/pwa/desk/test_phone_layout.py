"""QA (issue 17): every desk screen fits a 360 px phone without sideways scrolling of the whole page (wide tables
scroll inside their own box). Found broken: the committees' «Tipo» filter, and the users', categories' and
checklists' tables, whose visually hidden «Editar» header escaped the table's scroll box, and a committee's
parity tables (no scroll box of their own)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.desk.conftest import PHONE, desk_sign_in, serious_violations

pytestmark = on_one_database  # a browser story, on one database (tests/conftest.py)

SCREENS = {
    # a demo committee with members, agreements and the parity tables (the demo's fixed ids)
    "coordinacion@vigia.example": ["/mesa/comites", "/mesa/comites/0192f100-0001-7000-8000-000000000001"],
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
        assert serious_violations(page) == [], path  # a box that scrolls can be reached by keyboard
