"""The audit log at /mesa/bitacora in Chromium, on both databases (docs/audit-log.md): entries newest first in
words; "Verificar la cadena" says the chain is intact with its count, and after an entry is changed in the
database, names the first broken entry: its position, date, record and what is wrong."""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.audit.conftest import set_data
from tests.pwa.desk.conftest import PHONE, desk_sign_in, serious_violations

pytestmark = on_one_database  # a browser story, on one database (tests/conftest.py)

AUDIT = "/api/v1/municipalities/10005/audit"


def test_verify_says_intact_then_names_the_first_broken_entry(desk, app_server) -> None:
    base_url, database = app_server
    with urllib.request.urlopen(base_url + AUDIT + "/entries?order=desc&limit=1") as answer:
        newest = json.load(answer)
    head = newest["head"]["seq"]
    page = desk.new_page()
    desk_sign_in(page, "contraloria@vigia.example", then="/mesa/bitacora")
    expect(page.get_by_role("heading", name="Bitácora", level=1)).to_be_visible()
    rows = page.get_by_role("table", name="Entradas de la bitácora").get_by_role("row")
    expect(rows.nth(1).get_by_role("cell").first).to_have_text(str(head))  # newest first
    actions = page.get_by_role("table", name="Entradas de la bitácora").locator("tbody tr td:nth-child(4)")
    expect(actions).to_have_count(min(head, 50))
    codes = [text for text in actions.all_inner_texts() if re.fullmatch(r"[a-z_ ]+", text)]
    assert codes == []  # every action in words, never a code
    assert serious_violations(page) == []

    page.get_by_role("button", name="Verificar la cadena").click()
    expect(page.get_by_text(f"La cadena está íntegra: se verificaron {head} entradas")).to_be_visible()

    with database.session_scope() as session:
        set_data(session, "10005", 5, {"from": "received", "to": "inadmissible"})
    page.get_by_role("button", name="Verificar la cadena").click()
    broken = page.locator(".verify-broken")
    expect(broken).to_contain_text("La cadena está rota en la entrada 5.")
    expect(broken).to_contain_text("Entrada número 5")
    expect(broken).to_contain_text("Entrada alterada")
    expect(broken).to_contain_text("La entrada 5 fue alterada: su hash no coincide con su contenido.")
    expect(broken).to_contain_text("Las 4 entradas anteriores están bien")
    expect(broken.locator("dd").nth(1)).not_to_have_text("ninguna: esa entrada no está")
    assert serious_violations(page) == []

    page.get_by_label("Registro", exact=True).select_option(label="Queja")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_role("cell", name="Cambio de estado").first).to_be_visible()
    expect(page.get_by_role("cell", name="de Recibida a Admitida", exact=False).first).to_be_visible()
    page.get_by_label("Acción").select_option(label="Moderación")
    page.get_by_role("button", name="Filtrar").click()
    expect(actions.first).to_have_text("Moderación")
    assert set(actions.all_inner_texts()) == {"Moderación"}

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("button", name="Verificar la cadena")).to_be_visible()
    assert serious_violations(page) == []
