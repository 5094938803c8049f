"""Work cards (server/works/cards.py): "works near me" answers each work with the summary the rest of the API
shows, from a card rendered ahead of time while that card is still true, and renders it on the spot otherwise."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from server import cli
from server.works import cards, search, service
from server.works.models import ProgressCreate, WorkCard, WorkUpdate
from tests.factories import CENTRO, bearer, make_work, municipality, point, staff_actor, token_for

BASE = "/api/v1/municipalities/10005/works"
HERE = (-104.6655, 24.0262)


def near(client, language: str = "es", radius_m: int = 400) -> dict[str, dict]:
    response = client.get(f"{BASE}/near?lon={HERE[0]}&lat={HERE[1]}&radius_m={radius_m}&limit=200",
                          headers={"Accept-Language": language})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return {item["id"]: item for item in response.json()}


def card_of(session, work_id, language: str = "es") -> WorkCard | None:
    session.expire_all()
    return session.get(WorkCard, (work_id, language))


def test_near_shows_each_work_as_the_list_and_the_record_do(client, session) -> None:
    """Every field of a work near me is the one the works list shows, in Spanish and in English, and the
    risk signals are today's."""
    today = service.today_in(municipality(session))
    work = make_work(session, identifier="CARD-1", title="Pavimentación de la calle Negrete",
                     geometry=point(*HERE), planned_start=(today - timedelta(days=400)).isoformat(),
                     planned_end=(today - timedelta(days=100)).isoformat(), budget_amount="1250000.50")
    service.add_progress(session, actor=staff_actor(session), municipality=municipality(session), work_id=work.id,
                         data=ProgressCreate(observed_on=today - timedelta(days=200), physical_pct=35,
                                             financial_pct=80))
    for language in ("es", "en"):
        item = near(client, language)[str(work.id)]
        listed = client.get(f"{BASE}?q=CARD-1", headers={"Accept-Language": language}).json()["items"]
        assert len(listed) == 1
        assert 0 <= item.pop("distance_m") < 1
        assert item == listed[0]
        assert {risk["code"] for risk in item["risks"]} == {"financial_ahead", "stalled"}
        assert item["zones"] == [{"code": "10005-Z01", "name": "Zona Centro"}]
    stalled = next(r for r in near(client, "en")[str(work.id)]["risks"] if r["code"] == "stalled")
    assert stalled["message"].startswith("No physical progress for 200 days")
    # Both languages' cards were rendered with the change, for today.
    for language in cards.LANGUAGES:
        card = card_of(session, work.id, language)
        assert card is not None and card.valid_on == today and card.format == cards.FORMAT


def test_a_card_is_served_only_while_it_is_true(client, session) -> None:
    work = make_work(session, identifier="CARD-2", title="Red de agua potable", geometry=point(*HERE))
    today = service.today_in(municipality(session))
    fake = card_of(session, work.id).body.replace("Red de agua potable", "Tarjeta guardada")

    def store(**changes) -> None:
        values = {"body": fake, "valid_on": today, "format": cards.FORMAT, "work_updated_at": work.updated_at}
        values.update(changes)
        session.execute(sa.update(WorkCard).where(WorkCard.work_id == work.id, WorkCard.language == "es")
                        .values(**values))
        session.flush()

    store()  # a current card is what the answer splices (the fast path is really taken)
    assert near(client)[str(work.id)]["title"] == "Tarjeta guardada"
    store(valid_on=today - timedelta(days=1))  # yesterday's: the stalled signal counts days
    assert near(client)[str(work.id)]["title"] == "Red de agua potable"
    store(format=cards.FORMAT + 1)  # rendered by other code
    assert near(client)[str(work.id)]["title"] == "Red de agua potable"
    store(work_updated_at=work.updated_at - timedelta(seconds=1))  # of the work before its last change
    assert near(client)[str(work.id)]["title"] == "Red de agua potable"
    session.execute(sa.delete(WorkCard).where(WorkCard.work_id == work.id))  # none at all
    session.flush()
    assert near(client)[str(work.id)]["title"] == "Red de agua potable"
    assert near(client, "en")[str(work.id)]["title"] == "Red de agua potable"


def test_a_change_to_the_work_shows_at_once(client, session) -> None:
    """An edit over HTTP, one straight in the database (no card rendered) and a progress observation all
    show in the next answer."""
    headers = bearer(token_for(session, "contraloria@vigia.example"))
    work = make_work(session, identifier="CARD-3", title="Alumbrado público", geometry=point(*HERE))
    edited = client.patch(f"{BASE}/{work.id}", json={"version": 1, "title": "Alumbrado público LED"},
                          headers=headers)
    assert edited.status_code == 200, edited.text
    assert near(client)[str(work.id)]["title"] == "Alumbrado público LED"
    assert "Alumbrado público LED" in card_of(session, work.id).body
    # A change that renders no card (a script, a migration) still shows: the card no longer matches the work.
    session.execute(sa.update(type(work)).where(type(work).id == work.id).values(title="Alumbrado solar"))
    session.flush()
    assert near(client)[str(work.id)]["title"] == "Alumbrado solar"
    observed = client.post(f"{BASE}/{work.id}/progress", headers=headers,
                           json={"observed_on": "2026-10-01", "physical_pct": 40, "financial_pct": 75})
    assert observed.status_code == 201, observed.text
    item = near(client)[str(work.id)]
    assert item["progress"]["physical_official_pct"] == 40
    assert [risk["code"] for risk in item["risks"]] == ["financial_ahead"]


def test_renamed_zones_show_at_once_and_their_cards_are_rendered_again(client, session) -> None:
    headers = bearer(token_for(session, "admin@vigia.example"))
    work = make_work(session, identifier="CARD-4", geometry=point(*CENTRO))
    assert card_of(session, work.id) is not None
    centro = client.get("/api/v1/municipalities/10005/zones").json()["features"][0]
    renamed = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": centro["properties"]["code"], "name": "Centro Histórico"},
         "geometry": centro["geometry"]}]}
    imported = client.post("/api/v1/municipalities/10005/zones/import", json=renamed, headers=headers)
    assert imported.status_code == 200 and imported.json()["updated"] == 1, imported.text
    found = client.get(f"{BASE}/near?lon={CENTRO[0]}&lat={CENTRO[1]}&radius_m=50").json()
    assert {"code": "10005-Z01", "name": "Centro Histórico"} in next(
        item["zones"] for item in found if item["id"] == str(work.id))
    assert "Centro Histórico" in card_of(session, work.id).body  # the job rendered them again (in-process here)


def test_tick_renders_the_cards_that_are_missing_or_out_of_date(client, session, database, capsys) -> None:
    work = make_work(session, identifier="CARD-5", geometry=point(*HERE))
    other = make_work(session, identifier="CARD-6", geometry=point(*HERE))
    today = service.today_in(municipality(session))
    session.execute(sa.delete(WorkCard).where(WorkCard.work_id == work.id))
    session.execute(sa.update(WorkCard).where(WorkCard.work_id == other.id).values(valid_on=today - timedelta(1)))
    session.flush()
    assert cli.main(["tick"]) == 0
    assert "10005: 2 works' cards rendered" in capsys.readouterr().err
    for work_id in (work.id, other.id):
        for language in cards.LANGUAGES:
            card = card_of(session, work_id, language)
            assert card is not None and card.valid_on == today
    assert cli.main(["tick"]) == 0
    assert "10005: 0 works' cards rendered" in capsys.readouterr().err


def test_an_update_that_changes_nothing_keeps_the_card(session) -> None:
    work = make_work(session, identifier="CARD-7", geometry=point(*HERE))
    before = card_of(session, work.id).work_updated_at
    service.update(session, actor=staff_actor(session), municipality=municipality(session), work_id=work.id,
                   data=WorkUpdate(version=1, title=work.title))
    assert card_of(session, work.id).work_updated_at == before
    found = search.near(session, municipality=municipality(session), lon=HERE[0], lat=HERE[1], radius_m=50,
                        limit=10, language="es")
    assert work.id in {item.id for item in found}
