"""A work's card says who watches it and what neighbours said about it (issue 15, point 4): its committee and its
complaints' public state, asked when the card is opened and kept on the phone, so it reads the same offline."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from server.committees.models import Committee, CommitteeWork
from tests.conftest import on_one_database
from tests.factories import complaint_body
from tests.pwa.conftest import wait_until
from tests.pwa.test_offline_filing import first_visit

pytestmark = [pytest.mark.timeout(150), on_one_database]  # a browser story, on one database (tests/conftest.py)
DEMO = "10005"


def _watched(database, listed: list[str]) -> tuple[str, list[str]]:
    """A work of the list near me with a committee (not a draft): its id and its committees' names."""
    with database.session_scope() as session:
        rows = session.execute(sa.select(CommitteeWork.work_id, Committee.name)
                               .join(Committee, Committee.id == CommitteeWork.committee_id)
                               .where(Committee.state != "draft")).all()
    names: dict[str, list[str]] = {}
    for work_id, name in rows:
        names.setdefault(str(work_id), []).append(name)
    watched = [work_id for work_id in listed if work_id in names]
    assert watched, "the demo has no listed work with a committee"
    return watched[0], names[watched[0]]


def _complain_about(base_url: str, work_id: str, description: str) -> dict:
    """A neighbour files an anonymous complaint about the work (through the API, as another phone would)."""
    filed = requests.post(f"{base_url}/api/v1/municipalities/{DEMO}/complaints", timeout=10,
                          json=complaint_body(work_id=work_id, anonymous=True, description=description))
    assert filed.status_code == 201, filed.text
    return filed.json()["complaint"]


def test_a_work_card_shows_its_committee_and_complaints_and_keeps_them_offline(phone, network, app_server) -> None:
    base_url, database = app_server
    page = phone.new_page()
    first_visit(page)

    def listed_now() -> list[str]:
        return page.locator("ul.works > li").evaluate_all("items => items.map((item) => item.dataset.work)")

    # the list may still be drawing when its first card shows: wait for a work with a committee in it
    with database.session_scope() as session:
        with_committee = {str(work_id) for (work_id,) in session.execute(
            sa.select(CommitteeWork.work_id).join(Committee, Committee.id == CommitteeWork.committee_id)
            .where(Committee.state != "draft")).all()}
    wait_until(page, lambda: with_committee & set(listed_now()), what="a work with a committee in the list")
    listed = listed_now()
    watched, committees = _watched(database, listed)
    complained = next(work_id for work_id in listed if work_id != watched)
    folios = [_complain_about(base_url, complained, text)["folio"] for text in (
        "El concreto de la banqueta nueva ya está agrietado frente a la tienda de la esquina.",
        "La obra lleva tres semanas sin trabajadores y la zanja sigue abierta sin señales.")]
    public = requests.get(f"{base_url}/api/v1/municipalities/{DEMO}/complaints/public",
                          params={"work_id": complained, "limit": 20}, timeout=10)
    complaints = public.json()
    assert sorted(complaint["folio"] for complaint in complaints) == sorted(folios)

    def open_card(work_id: str):
        card = page.locator(f"ul.works > li[data-work='{work_id}']")
        if not card.locator("details").evaluate("details => details.open"):
            card.locator("summary").click()
        return card.locator(".work-people")

    people = open_card(watched)
    for name in committees:
        expect(people.get_by_text(name, exact=False)).to_be_visible()
    people = open_card(complained)
    shown = min(len(complaints), 5)
    expect(people.locator("li[data-folio]")).to_have_count(shown)
    first = complaints[0]
    expect(people.locator(f"li[data-folio='{first['folio']}']")).to_contain_text(first["state_label"])
    states = people.locator(".work-complaint-states")
    for label in {complaint["state_label"] for complaint in complaints}:
        count = sum(1 for complaint in complaints if complaint["state_label"] == label)
        expect(states).to_contain_text(f"{label}: {count}")

    # Offline, the same card opened again after a reload reads what was kept, with the day it was kept.
    network.down()
    page.reload()
    expect(page.locator(f"ul.works > li[data-work='{watched}']")).to_be_visible()
    people = open_card(watched)
    for name in committees:
        expect(people.get_by_text(name, exact=False)).to_be_visible()
    expect(people.get_by_text("(sin conexión)")).to_be_visible()
    people = open_card(complained)
    expect(people.locator("li[data-folio]")).to_have_count(shown)
    expect(people.get_by_text("(sin conexión)")).to_be_visible()
    assert network.blocked  # the reload did try the server, and was refused
