"""What the desk's audit-log screen needs: entries newest first and filtered by record, action and day; and the
first broken link named with its position, date, record and action, after a row is tampered with in the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from tests.audit.conftest import delete_entries, log, municipality_id, set_data

BASE = "/api/v1/municipalities/{code}/audit"


def test_entries_newest_first_paged_and_filtered(client, session) -> None:
    made = log(session, count=5)
    log(session, count=2, action="assigned", data={"assignee": "otra persona"})
    url = BASE.format(code="99101") + "/entries"
    first = client.get(url, params={"order": "desc", "limit": 3}).json()
    assert [entry["seq"] for entry in first["items"]] == [7, 6, 5]
    assert (first["next_before_seq"], first["next_after_seq"]) == (5, None)
    second = client.get(url, params={"order": "desc", "limit": 3, "before_seq": 5}).json()
    assert [entry["seq"] for entry in second["items"]] == [4, 3, 2]
    last = client.get(url, params={"order": "desc", "limit": 3, "before_seq": 2}).json()
    assert ([entry["seq"] for entry in last["items"]], last["next_before_seq"]) == ([1], None)

    assigned = client.get(url, params={"action": "assigned"}).json()
    assert [entry["seq"] for entry in assigned["items"]] == [6, 7]
    one = client.get(url, params={"entity": "complaint", "entity_id": str(made[2].entity_id)}).json()
    assert [entry["seq"] for entry in one["items"]] == [3]

    today = datetime.now(timezone.utc).astimezone().date()
    around = {"since": (today - timedelta(days=1)).isoformat(), "until": (today + timedelta(days=1)).isoformat()}
    assert len(client.get(url, params=around).json()["items"]) == 7
    assert client.get(url, params={"until": "2000-01-01"}).json()["items"] == []
    assert client.get(url, params={"since": (today + timedelta(days=2)).isoformat()}).json()["items"] == []
    assert client.get(url, params={"order": "sideways"}).status_code == 422


def test_the_first_broken_link_is_named_with_its_date_record_and_action(client, session) -> None:
    made = log(session, count=4)
    assert client.get(BASE.format(code="99101") + "/verify").json()["first_broken"] is None
    set_data(session, "99101", 3, {"from": "received", "to": "inadmissible"})
    broken = client.get(BASE.format(code="99101") + "/verify").json()["first_broken"]
    assert (broken["seq"], broken["reason"], broken["entity"], broken["action"]) == (3, "altered", "complaint",
                                                                                    "transitioned")
    stamp = session.execute(sa.text("SELECT at FROM audit_entries WHERE municipality_id = :m AND seq = 3")
                            .bindparams(m=municipality_id(session, "99101"))).scalar_one()
    assert broken["at"] is not None and broken["at"][:10] == str(stamp)[:10]
    assert broken["message"] == "La entrada 3 fue alterada: su hash no coincide con su contenido."
    assert made[2].hash == broken["found"]


def test_a_missing_entry_has_no_date_of_its_own(client, session) -> None:
    log(session, count=4)
    delete_entries(session, "99101", 2)
    broken = client.get(BASE.format(code="99101") + "/verify").json()["first_broken"]
    assert (broken["seq"], broken["reason"], broken["at"], broken["entity"]) == (2, "removed", None, None)
    assert broken["message"] == "Falta la entrada 2: la bitácora salta a la entrada 3."


def test_the_demo_chain_is_intact_until_a_row_is_changed_in_the_database(client, session) -> None:
    intact = client.get(BASE.format(code="10005") + "/verify").json()
    assert intact["ok"] is True and intact["checked"] == intact["head"]["seq"] > 10
    set_data(session, "10005", 5, {"tampered": True})
    broken = client.get(BASE.format(code="10005") + "/verify").json()
    assert broken["ok"] is False and broken["checked"] == 4
    assert broken["first_broken"]["seq"] == 5 and broken["first_broken"]["at"] is not None
    assert date.fromisoformat(broken["first_broken"]["at"][:10]) <= date.today() + timedelta(days=1)


def test_a_period_that_ends_before_it_starts_is_refused_in_words(client, session) -> None:
    """QA: the desk's audit log with «Desde» after «Hasta» listed nothing, as if nothing had happened."""
    log(session, count=1)
    url = BASE.format(code="99101") + "/entries"
    reversed_ = client.get(url, params={"since": "2026-12-01", "until": "2026-01-01"}, headers={"Accept-Language": "es"})
    assert reversed_.status_code == 422
    problem = reversed_.json()["error"]["details"][0]
    assert (problem["field"], problem["code"]) == ("until", "until_before_since")
    assert problem["message"] == "La fecha final (2026-01-01) es anterior a la inicial (2026-12-01)."
    assert client.get(url, params={"since": "2026-01-01", "until": "2026-01-01"}).status_code == 200
