"""The queue's `counts` parameter (docs/complaints.md, The queue): the desk's tabs, complaints per state with the
same filters except state (and include_closed), every state listed; asked for by default, left out with
counts=false."""

from __future__ import annotations

from server.complaints.workflow import OPEN_STATES, State
from tests.factories import bearer, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"


def _get(client, session, query: str) -> dict:
    response = client.get(f"{BASE}?{query}", headers=bearer(token_for(session, "contraloria@vigia.example")))
    assert response.status_code == 200, response.text
    return response.json()


def test_counts_true_gives_every_state_with_the_same_filters_except_state(client, session) -> None:
    page = _get(client, session, "counts=true&include_closed=true&limit=200")
    counts = page["counts"]
    assert list(counts) == [state.value for state in State]  # every state, in workflow order, zeros too
    assert sum(counts.values()) == page["total"] == len(page["items"]) == 16
    per_state: dict[str, int] = {}
    for item in page["items"]:
        per_state[item["state"]] = per_state.get(item["state"], 0) + 1
    assert {state: n for state, n in counts.items() if n} == per_state
    # Choosing a tab (a state) narrows the list, not the counts: the other tabs keep their numbers.
    received = _get(client, session, "counts=true&state=received&limit=200")
    assert received["counts"] == counts
    assert received["total"] == counts["received"] == len(received["items"]) >= 1
    # The default view leaves closed complaints out of the list, not out of the counts: their tabs can be chosen.
    default = _get(client, session, "counts=true&limit=200")
    assert default["counts"] == counts
    assert default["total"] == len(default["items"]) == sum(counts[state.value] for state in OPEN_STATES) < 16
    assert {item["state"] for item in default["items"]} <= {state.value for state in OPEN_STATES}
    # Other filters narrow the counts too.
    overdue = _get(client, session, "counts=true&overdue=true&limit=200")
    assert sum(overdue["counts"].values()) == overdue["total"] == sum(1 for i in page["items"] if i["overdue"]) >= 1
    assert overdue["counts"]["resolved"] == 0 and overdue["counts"]["received"] >= 1


def test_counts_are_there_by_default_and_left_out_when_not_wanted(client, session) -> None:
    default = _get(client, session, "limit=5")
    assert default["counts"] == _get(client, session, "counts=true&limit=5")["counts"]
    assert sum(default["counts"][state.value] for state in OPEN_STATES) == default["total"]
    paging = _get(client, session, "counts=false&limit=5&offset=5")
    assert paging["counts"] is None
    assert paging["total"] == default["total"] and len(paging["items"]) == 5
    assert {i["id"] for i in paging["items"]}.isdisjoint({i["id"] for i in default["items"]})
    assert _get(client, session, "counts=0")["counts"] is None and _get(client, session, "counts=1")["counts"]


def test_a_counts_that_is_not_yes_or_no_is_422_naming_it(client, session) -> None:
    response = client.get(f"{BASE}?counts=quizas", headers=bearer(token_for(session, "contraloria@vigia.example")))
    error = assert_error_shape(response, 422, "validation_error")
    assert [detail["field"] for detail in error["details"]] == ["counts"]
    assert client.get(f"{BASE}?counts=true").status_code == 401  # still the staff's queue
