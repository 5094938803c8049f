"""The anonymous follow-up (folio + secret code) is rate limited per client address and per folio, like the
login: wrong codes past FOLLOW_UP_MAX_FAILURES_PER_FOLIO / _PER_ADDRESS in FOLLOW_UP_WINDOW_MINUTES answer `429
follow_up_rate_limited` with `Retry-After`, on the follow-up, on adding information and on withdrawing. Only wrong
codes count. The crowd version (parallel guesses, several web workers, client addresses through the trusted
proxy) is in tests/reliability/test_abuse.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from server.config import configure_settings, get_settings
from tests.factories import DEMO, complaint_body
from tests.test_app import assert_error_shape

BASE = f"/api/v1/municipalities/{DEMO}/complaints"


@pytest.fixture
def follow_up_limits(backend) -> Iterator[Callable[..., None]]:
    """Set the follow-up limits for this test (the settings go back afterwards)."""
    previous = get_settings()

    def set_limits(**values: int) -> None:
        configure_settings(previous.model_copy(update={f"follow_up_{k}": v for k, v in values.items()}))

    yield set_limits
    configure_settings(previous)


def _filed(client) -> tuple[str, str]:
    body = client.post(BASE, json=complaint_body(anonymous=True)).json()
    return body["complaint"]["folio"], body["follow_up_code"]


def test_wrong_codes_for_one_folio_stop_at_its_limit_for_everyone(client, follow_up_limits) -> None:
    follow_up_limits(max_failures_per_folio=3, max_failures_per_address=100, window_minutes=15)
    folio, code = _filed(client)
    for number in range(3):
        wrong = client.post(BASE + "/follow-up", json={"folio": folio, "code": f"equivocado-{number}"})
        assert_error_shape(wrong, 404, "follow_up_not_found")
    limited = client.post(BASE + "/follow-up", json={"folio": folio, "code": "equivocado-4"})
    error = assert_error_shape(limited, 429, "follow_up_rate_limited")
    assert 0 < int(limited.headers["retry-after"]) <= 15 * 60 and "minutos" in error["message"]
    english = client.post(BASE + "/follow-up", json={"folio": folio, "code": code}, headers={"Accept-Language": "en"})
    assert "Try again" in assert_error_shape(english, 429, "follow_up_rate_limited")["message"]
    assert_error_shape(client.post(BASE + "/information", json={"folio": folio, "code": code, "text": "Más datos"}),
                       429, "follow_up_rate_limited")
    assert_error_shape(client.post(BASE + "/withdraw", json={"folio": folio, "code": code, "reason": "Ya no"}),
                       429, "follow_up_rate_limited")
    other, other_code = _filed(client)  # another folio is not held back
    assert client.post(BASE + "/follow-up", json={"folio": other, "code": other_code}).status_code == 200


def test_wrong_codes_from_one_address_stop_at_its_limit_whatever_the_folio(client, follow_up_limits) -> None:
    follow_up_limits(max_failures_per_folio=100, max_failures_per_address=2, window_minutes=15)
    for number in range(2):
        assert_error_shape(client.post(BASE + "/follow-up", json={"folio": f"{DEMO}-1999-{number:06d}",
                                                                  "code": "adivina-adivinador"}),
                           404, "follow_up_not_found")
    folio, code = _filed(client)
    assert_error_shape(client.post(BASE + "/follow-up", json={"folio": folio, "code": code}), 429,
                       "follow_up_rate_limited")


def test_right_codes_use_up_nothing(client, follow_up_limits) -> None:
    follow_up_limits(max_failures_per_folio=2, max_failures_per_address=2, window_minutes=15)
    folio, code = _filed(client)
    for _ in range(10):
        assert client.post(BASE + "/follow-up", json={"folio": folio, "code": code}).status_code == 200
    added = client.post(BASE + "/information", json={"folio": folio, "code": code, "text": "Ya hay más grietas"})
    assert added.status_code == 200
    for _ in range(2):
        assert client.post(BASE + "/follow-up", json={"folio": folio, "code": "no-es-el-codigo"}).status_code == 404
    assert client.post(BASE + "/follow-up", json={"folio": folio, "code": code}).status_code == 429


def test_signed_in_reporters_are_not_limited_by_the_follow_up(client, session, follow_up_limits) -> None:
    from tests.factories import bearer, token_for

    follow_up_limits(max_failures_per_folio=1, max_failures_per_address=1, window_minutes=15)
    headers = bearer(token_for(session, "voluntaria@vigia.example"))
    filed = client.post(BASE, json=complaint_body(), headers=headers).json()["complaint"]
    for _ in range(3):
        added = client.post(BASE + "/information", headers=headers,
                            json={"complaint_id": filed["id"], "text": "Otra foto de la grieta"})
        assert added.status_code == 200, added.text
