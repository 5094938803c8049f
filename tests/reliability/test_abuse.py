"""Abuse from outside, through HTTP against `vigia serve` with several workers: taking over someone's anonymous
complaint by filing its id again, and guessing follow-up codes (rate limited per client address and per folio,
however many guesses arrive at once).

The loopback proxy is trusted (`vigia serve --forwarded-allow-ips 127.0.0.1`), so `X-Forwarded-For` gives each
simulated client its own address."""

from __future__ import annotations

import uuid
from collections import Counter

from server.config import Settings
from tests.factories import CENTRO, DEMO, complaint_body
from tests.reliability.crowd import assert_no_server_errors, at_once, client, new_account, push, report, sign_in
from tests.test_app import assert_error_shape

COMPLAINTS = f"/api/v1/municipalities/{DEMO}/complaints"
GUESSES = 40


def _address() -> str:
    """A client address of its own (TEST-NET-2), so each test's counters are its own."""
    number = uuid.uuid4().int
    return f"198.51.{number % 250}.{(number >> 8) % 250 + 1}"


def _file(payload: dict) -> dict:
    return {"id": str(uuid.uuid4()), "intent": "complaint.file", "municipality": DEMO, "payload": payload}


def test_filing_someone_elses_anonymous_complaint_again_takes_nothing_over(crowd_vigia) -> None:
    """The victim files anonymously from their phone; others send the same id with the same public fields
    (all of them can be read from the public list) from another account, another device of the victim's own
    account, anonymously over HTTP, and with changed fields. None gets the code or the complaint."""
    victim_account, attacker_account = new_account(crowd_vigia), new_account(crowd_vigia)
    payload = {"id": str(uuid.uuid4()), "kind": "complaint", "category": "obra-calidad", "anonymous": True,
               "description": "El contratista tiró escombro en el arroyo junto a la obra de drenaje.",
               "location": {"type": "Point", "coordinates": list(CENTRO)}, "accuracy_m": 7.0}
    with client(crowd_vigia.url) as http:
        victim = sign_in(http, victim_account, name="teléfono de la víctima")
        [filed] = push(http, victim, _file(payload))
        assert filed["status"] == "applied"
        folio, code = filed["data"]["folio"], filed["data"]["follow_up_code"]
        public = http.get(f"{COMPLAINTS}/{payload['id']}").json()
        # Its text is not public before a moderator reads it; the attacker below is assumed to know it anyway.
        assert public["folio"] == folio and public["description"] is None and public["text_publication"] == "pending"

        attacker = sign_in(http, attacker_account, name="atacante")
        victims_tablet = sign_in(http, victim_account, name="tableta")
        attempts = 0
        for phone in (attacker, victims_tablet):
            for sent in (payload, {**payload, "description": payload["description"] + " Y más cosas."}):
                [taken] = push(http, phone, _file(sent))
                attempts += 1
                assert taken["status"] == "rejected" and taken["error"]["code"] == "complaint_id_taken", taken
                assert "follow_up_code" not in taken["data"] and code not in str(taken)
        for headers in ({}, {"Authorization": "Bearer " + attacker.token}):
            over_http = http.post(COMPLAINTS, json=payload, headers=headers)
            attempts += 1
            assert_error_shape(over_http, 409, "complaint_id_taken")
            assert code not in over_http.text

        # the attacker cannot withdraw it with anything it got, nor as itself
        [withdrawn] = push(http, attacker, {"id": str(uuid.uuid4()), "intent": "complaint.withdraw",
                                            "municipality": DEMO,
                                            "payload": {"complaint_id": payload["id"], "reason": "ya no"}})
        assert withdrawn["status"] == "rejected" and withdrawn["error"]["code"] == "not_the_reporter"
        assert http.get(f"{COMPLAINTS}/{payload['id']}").json()["state"] == "received"
        # and the victim still follows and withdraws it with their code
        followed = http.post(COMPLAINTS + "/follow-up", json={"folio": folio, "code": code})
        assert followed.status_code == 200 and followed.json()["state"] == "received"
    report(crowd_vigia, "takeover", attempts=attempts + 1, taken_over=0, codes_shown_to_others=0)


def test_an_anonymous_filer_over_http_resends_with_its_device_key_and_nobody_else_can(crowd_vigia) -> None:
    body = complaint_body(id=str(uuid.uuid4()), anonymous=True, device_key="llave-secreta-del-telefono-0001")
    with client(crowd_vigia.url) as http:
        first = http.post(COMPLAINTS, json=body)
        again = http.post(COMPLAINTS, json=body)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["follow_up_code"] == first.json()["follow_up_code"]
        assert again.json()["complaint"]["folio"] == first.json()["complaint"]["folio"]
        for other in ({k: v for k, v in body.items() if k != "device_key"},
                      {**body, "device_key": "otra-llave-que-no-es-la-suya"}):
            refused = http.post(COMPLAINTS, json=other)
            assert_error_shape(refused, 409, "complaint_id_taken")
            assert first.json()["follow_up_code"] not in refused.text


def _guess(vigia, folio: str, address: str, number: int):
    with client(vigia.url) as http:
        return http.post(COMPLAINTS + "/follow-up", headers={"X-Forwarded-For": address},
                         json={"folio": folio, "code": f"adivinanza-{number:04d}"})


def _assert_limited(vigia, test: str, responses, allowed: int) -> None:
    report(vigia, test, guesses=len(responses), allowed=allowed,
           statuses=dict(Counter(r.status_code for r in responses)))
    assert_no_server_errors(responses)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [404] * allowed + [429] * (len(responses) - allowed), statuses
    for response in responses:
        if response.status_code == 429:
            error = assert_error_shape(response, 429, "follow_up_rate_limited")
            assert error["message"] and 0 < int(response.headers["retry-after"]) <= 3600


def test_guessing_one_folios_code_from_many_addresses_stops_at_the_folio_limit(crowd_vigia) -> None:
    allowed = Settings().follow_up_max_failures_per_folio
    with client(crowd_vigia.url) as http:
        filed = http.post(COMPLAINTS, json=complaint_body(anonymous=True)).json()
    folio, code = filed["complaint"]["folio"], filed["follow_up_code"]
    addresses = [_address() for _ in range(GUESSES)]
    _assert_limited(crowd_vigia, "follow_up_per_folio",
                    at_once(GUESSES, lambda n: _guess(crowd_vigia, folio, addresses[n], n)), allowed)
    with client(crowd_vigia.url) as http:  # the folio is closed to everyone for now, its reporter included
        locked = http.post(COMPLAINTS + "/follow-up", json={"folio": folio, "code": code},
                           headers={"X-Forwarded-For": _address()})
        assert_error_shape(locked, 429, "follow_up_rate_limited")
        for path, extra in (("/information", {"text": "Más datos"}), ("/withdraw", {"reason": "Adivinando"})):
            other = http.post(COMPLAINTS + path, json={"folio": folio, "code": "adivinanza-9999", **extra},
                              headers={"X-Forwarded-For": _address()})
            assert_error_shape(other, 429, "follow_up_rate_limited")


def test_guessing_many_folios_from_one_address_stops_at_the_address_limit(crowd_vigia) -> None:
    allowed = Settings().follow_up_max_failures_per_address
    address = _address()
    folios = [f"{DEMO}-2000-{number:06d}" for number in range(GUESSES)]
    _assert_limited(crowd_vigia, "follow_up_per_address",
                    at_once(GUESSES, lambda n: _guess(crowd_vigia, folios[n], address, n)), allowed)
    with client(crowd_vigia.url) as http:
        filed = http.post(COMPLAINTS, json=complaint_body(anonymous=True)).json()
        folio, code = filed["complaint"]["folio"], filed["follow_up_code"]
        # that address is held back even with a right code; any other address is not
        held = http.post(COMPLAINTS + "/follow-up", json={"folio": folio, "code": code},
                         headers={"X-Forwarded-For": address})
        assert_error_shape(held, 429, "follow_up_rate_limited")
        fine = http.post(COMPLAINTS + "/follow-up", json={"folio": folio, "code": code},
                         headers={"X-Forwarded-For": _address()})
        assert fine.status_code == 200


def test_a_reporter_who_follows_up_often_is_never_held_back(crowd_vigia) -> None:
    """Only wrong codes count: the reporter's own look-ups, however many, use up nothing."""
    limit = max(Settings().follow_up_max_failures_per_folio, Settings().follow_up_max_failures_per_address)
    address = _address()
    with client(crowd_vigia.url) as http:
        filed = http.post(COMPLAINTS, json=complaint_body(anonymous=True)).json()
        body = {"folio": filed["complaint"]["folio"], "code": filed["follow_up_code"]}
        for _ in range(limit + 5):
            response = http.post(COMPLAINTS + "/follow-up", json=body, headers={"X-Forwarded-For": address})
            assert response.status_code == 200, response.text
