"""The comptroller's queue (/mesa/quejas) in Chromium, on both databases: overdue first, a filter and a search
reflected in the URL, a bulk move with a reason that changes the database, the keyboard shortcuts (never while
typing), another municipality's comptroller seeing nothing of Durango's, and axe-core clean on a laptop and at
360 px. docs/pwa.md, "The desk" › "Queue"."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa
from playwright.sync_api import expect

from server.complaints.models import Complaint
from server.complaints.workflow import OPEN_STATES
from server.municipalities.models import Municipality
from tests.conftest import on_one_database
from tests.pwa.desk.conftest import PHONE, desk_sign_in, serious_violations

EMAIL = "contraloria@vigia.example"
OPEN = [state.value for state in OPEN_STATES]


def _rows(page):
    return page.locator("table.queue-table tbody tr")


def _complaints(database, **where) -> list[Complaint]:
    with database.session_scope() as session:
        durango = session.scalar(sa.select(Municipality.id).where(Municipality.code == "10005"))
        rows = session.scalars(sa.select(Complaint).where(Complaint.municipality_id == durango, *[
            getattr(Complaint, key) == value for key, value in where.items()])).all()
        session.expunge_all()
        return list(rows)


def test_overdue_first_a_filter_and_a_search_kept_in_the_url(desk, app_server) -> None:
    _, database = app_server
    page = desk.new_page()
    desk_sign_in(page, EMAIL)
    expect(page).to_have_url(re.compile(r"/mesa/quejas$"))
    expect(page.get_by_role("heading", name="Quejas", level=1)).to_be_visible()
    first = _rows(page).first
    expect(first).to_contain_text(re.compile(r"vencida hace \d+ días? hábil(es)?"))
    open_count = sum(1 for c in _complaints(database) if c.state in OPEN and c.deleted_at is None)
    expect(_rows(page)).to_have_count(open_count)
    expect(page.get_by_role("status").filter(has_text="con estos filtros")).to_have_text(f"{open_count} quejas con estos filtros")
    body = page.locator("table.queue-table").inner_text()
    assert "Recibida" in body and "received" not in body and "normal" not in body  # words, never codes
    assert serious_violations(page) == []

    # a state chip: only received complaints, the URL says so, and a reload keeps the view
    received = [c for c in _complaints(database, state="received")]
    page.get_by_role("group", name="Quejas por estado con estos filtros").get_by_role(
        "button", name=re.compile(r"^Recibida \d+$")).click()
    expect(page).to_have_url(re.compile(r"/mesa/quejas\?state=received$"))
    expect(_rows(page)).to_have_count(len(received))
    page.reload()
    expect(_rows(page)).to_have_count(len(received))
    for index in range(len(received)):
        expect(_rows(page).nth(index).locator("td").nth(4)).to_have_text("Recibida")

    # a search without accents nor case finds the accented description; a folio finds its complaint
    pipes = next(c for c in _complaints(database) if "tuberías" in c.description)
    page.goto("/mesa/quejas?include_closed=true")
    page.get_by_label("Buscar por folio o texto").fill("TUBERIAS insurgentes")
    page.get_by_role("button", name="Aplicar filtros").click()
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text(pipes.folio)
    query = parse_qs(urlparse(page.url).query)
    assert query == {"q": ["TUBERIAS insurgentes"], "include_closed": ["true"]}
    page.get_by_label("Buscar por folio o texto").fill(received[0].folio)
    page.get_by_label("Estado", exact=True).select_option("received")
    page.get_by_role("button", name="Aplicar filtros").click()
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first.get_by_role("link")).to_have_text(received[0].folio)

    page.set_viewport_size(PHONE)  # a card per complaint, still clean
    page.goto("/mesa/quejas")
    expect(_rows(page).first).to_have_css("display", "block")  # each row a card, labelled "Plazo: …" by CSS
    expect(_rows(page).first.get_by_role("cell", name=re.compile(r"^Plazo: .*vencida hace"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing to scroll sideways
    assert serious_violations(page) == []


@on_one_database
def test_a_bulk_move_with_a_reason_and_the_keyboard(desk, app_server) -> None:
    _, database = app_server
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then="/mesa/quejas?state=received")
    received = _complaints(database, state="received")
    assert len(received) >= 2
    expect(_rows(page)).to_have_count(len(received))
    links = page.locator("a.queue-open")

    # j/k move along the rows, x selects; typing j in the search box moves nothing
    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    chosen = [links.nth(0).inner_text(), links.nth(1).inner_text()]
    expect(page.get_by_label(f"Seleccionar {chosen[0]}")).to_be_checked()
    expect(page.get_by_label(f"Seleccionar {chosen[1]}")).to_be_checked()
    page.keyboard.press("/")
    search = page.get_by_label("Buscar por folio o texto")
    expect(search).to_be_focused()
    page.keyboard.type("jkx?")
    expect(search).to_have_value("jkx?")  # shortcuts never act while typing
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_label(f"Seleccionar {chosen[0]}")).to_be_checked()
    search.fill("")
    links.nth(0).focus()
    page.keyboard.press("?")
    keys = page.get_by_role("dialog", name="Atajos de teclado")
    expect(keys).to_contain_text("Siguiente queja")
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(keys).to_be_hidden()

    # m: move the two selected, the reason required, a result per complaint in words, the database changed
    links.nth(0).focus()
    page.keyboard.press("m")
    dialog = page.get_by_role("dialog", name="Mover 2 quejas")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Movimiento", exact=True).select_option(label="Admitir (2 de 2)")
    dialog.get_by_role("button", name="Mover").click()
    expect(dialog).to_be_visible()  # no reason: the browser keeps the form open
    dialog.get_by_label(re.compile("^Motivo")).fill("Procede: la obra es municipal.")
    assert serious_violations(page) == []
    dialog.get_by_role("button", name="Mover").click()
    results = page.get_by_role("status").filter(has_text="Resultado por queja")
    for folio in chosen:
        expect(results).to_contain_text(f"{folio}: ahora está «Admitida».")
    with database.session_scope() as session:
        states = dict(session.execute(sa.select(Complaint.folio, Complaint.state).where(
            Complaint.folio.in_(chosen))).all())
    assert states == {folio: "admitted" for folio in chosen}
    expect(_rows(page)).to_have_count(len(received) - 2)  # the view (received) no longer holds them

    # Enter opens the current complaint's page
    page.keyboard.press("j")
    target = links.nth(0).get_attribute("href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))


@on_one_database
def test_another_municipalitys_comptroller_sees_none_of_durangos_complaints(desk, app_server) -> None:
    _, database = app_server
    durango = {c.folio for c in _complaints(database)}
    page = desk.new_page()
    desk_sign_in(page, "contraloria.gomez@vigia.example")
    expect(page).to_have_url(re.compile(r"/mesa/quejas$"))
    expect(page.get_by_role("heading", name="Quejas", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="con estos filtros")).to_be_visible()
    page.goto("/mesa/quejas?include_closed=true")
    expect(page.get_by_role("status").filter(has_text="con estos filtros")).to_be_visible()
    text = page.locator("main").inner_text().replace("(10005-2026-000017)", "")  # the search hint's example
    assert not [folio for folio in durango if folio in text] and "10005-" not in text
    folios = page.locator("a.queue-open").all_inner_texts()
    assert all(folio.startswith("10007-") for folio in folios)
    answer = page.request.get("/api/v1/municipalities/10005/complaints")  # with this browser's session
    assert answer.status == 403 and "10005-" not in answer.text()
    assert serious_violations(page) == []


@on_one_database
def test_every_column_of_the_queue_fits_a_laptop(desk, app_server) -> None:
    """QA: at 1280×800 the queue's table was 131 px wider than its box: «Prioridad» sat out of sight behind a
    sideways scroll and «Responsable» was cut."""
    page = desk.new_page()
    desk_sign_in(page, "contraloria@vigia.example", then="/mesa/quejas")
    expect(page.locator(".queue-table tbody tr").first).to_be_visible()
    wrap = page.locator(".queue-table").locator("xpath=..")
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth")
    right = page.get_by_role("columnheader", name="Prioridad").evaluate("th => th.getBoundingClientRect().right")
    assert right <= 1280
