"""A crowd at once, through HTTP against `vigia serve` with several workers: folios allocated without races,
the login lockout holding however many guesses arrive together, support counts that lose nothing, and push
replay storms from several devices and accounts that apply nothing twice and hand nobody another's code.

Every test makes its own accounts and complaints on the module's live server (see conftest.py). The figures
of the last run are in docs/reliability.md (section 2)."""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.auth.models import User
from server.complaints.models import Complaint, Support
from server.config import Settings
from tests.factories import CENTRO, DEMO, DEMO_PASSWORD, complaint_body
from tests.reliability.crowd import (
    PASSWORD,
    assert_no_server_errors,
    at_once,
    client,
    new_account,
    new_phones,
    push,
    report,
    sign_in,
)

COMPLAINTS = f"/api/v1/municipalities/{DEMO}/complaints"
FILERS = 50
GUESSES = 40
SUPPORTERS = 30


def assert_consecutive(folios: list[str], before: dict[str, int]) -> None:
    """Each year's new folios follow the last one given before (`before`: prefix -> number), without gaps."""
    by_year: dict[str, list[int]] = defaultdict(list)
    for folio in folios:
        prefix, number = _number(folio)
        by_year[prefix].append(number)
    for prefix, numbers in by_year.items():  # one year, unless the run straddles New Year's midnight
        first = before.get(prefix, 0) + 1
        assert sorted(numbers) == list(range(first, first + len(numbers))), (prefix, sorted(numbers))


def _number(folio: str) -> tuple[str, int]:
    """'10005-2026-000017' -> ('10005-2026', 17)"""
    prefix, number = folio.rsplit("-", 1)
    return prefix, int(number)


def _highest_folios(vigia) -> dict[str, int]:
    with vigia.database.session_scope() as session:
        folios = session.scalars(sa.select(Complaint.folio)).all()
    highest: dict[str, int] = defaultdict(int)
    for folio in folios:
        prefix, number = _number(folio)
        highest[prefix] = max(highest[prefix], number)
    return highest


def test_fifty_anonymous_filings_at_once_get_fifty_distinct_consecutive_folios(crowd_vigia) -> None:
    before = _highest_folios(crowd_vigia)

    def file(number: int):
        with client(crowd_vigia.url) as http:
            body = complaint_body(anonymous=True, description=f"Filing número {number} de la multitud: bache hondo.")
            return http.post(COMPLAINTS, json=body)

    started = time.monotonic()
    responses = at_once(FILERS, file)
    seconds = round(time.monotonic() - started, 2)
    report(crowd_vigia, "folios", filers=FILERS, seconds=seconds,
           statuses=dict(Counter(r.status_code for r in responses)),
           distinct_folios=len({r.json()["complaint"]["folio"] for r in responses if r.status_code == 201}))
    assert_no_server_errors(responses)
    assert [r.status_code for r in responses] == [201] * FILERS, [r.text[:200] for r in responses
                                                                  if r.status_code != 201]
    folios = [r.json()["complaint"]["folio"] for r in responses]
    assert len(set(folios)) == FILERS
    assert_consecutive(folios, before)
    with crowd_vigia.database.session_scope() as session:
        stored = session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(Complaint.folio.in_(folios)))
    assert stored == FILERS
    with client(crowd_vigia.url) as http:  # each reporter's code opens their own complaint
        for response in responses[:5]:
            filed = response.json()
            followed = http.post(COMPLAINTS + "/follow-up", json={"folio": filed["complaint"]["folio"],
                                                                  "code": filed["follow_up_code"]})
            assert followed.status_code == 200 and followed.json()["id"] == filed["complaint"]["id"]


PUSHED = 40  # filings in each phone's batch
WEB_FILERS = 10


def test_pushes_from_two_phones_and_web_filings_at_once_get_distinct_consecutive_folios(crowd_vigia) -> None:
    """Two phones push a batch of filings each (written together at the end of the batch: server/sync/push.py),
    the first phone's batch arrives a second time on another connection (it was not acknowledged), and people
    file on the web at the same moment: every complaint filed once, folios without gaps or repeats, the same
    answers to the repeated batch, and the audit chain verifies."""
    before = _highest_folios(crowd_vigia)
    phones = new_phones(crowd_vigia, 2)

    def filing(number: int) -> dict:
        body = complaint_body(id=str(uuid.uuid4()), description=f"Filing {number} desde el teléfono: zanja abierta.")
        return {"id": str(uuid.uuid4()), "intent": "complaint.file", "municipality": DEMO, "payload": body}

    batches = [[filing(n) for n in range(PUSHED)] for _ in phones]

    def act(number: int):
        with client(crowd_vigia.url) as http:
            if number < 3:  # 0 and 2: the first phone's batch twice at once; 1: the second phone's
                return push(http, phones[number % 2], *batches[number % 2])
            body = complaint_body(anonymous=True, description=f"Filing web número {number}: bache hondo.")
            return http.post(COMPLAINTS, json=body)

    outcomes = at_once(3 + WEB_FILERS, act)
    web = outcomes[3:]
    assert_no_server_errors(web)
    assert [r.status_code for r in web] == [201] * WEB_FILERS, [r.text[:200] for r in web]
    assert outcomes[0] == outcomes[2]  # the repeated batch: applied once, answered alike
    pushed = outcomes[0] + outcomes[1]
    assert {r["status"] for r in pushed} == {"applied"}
    folios = [r["data"]["folio"] for r in pushed] + [r.json()["complaint"]["folio"] for r in web]
    report(crowd_vigia, "push_and_web_folios", pushed=len(pushed), web=len(web), distinct_folios=len(set(folios)))
    assert len(set(folios)) == 2 * PUSHED + WEB_FILERS
    assert_consecutive(folios, before)
    ids = [uuid.UUID(m["payload"]["id"]) for batch in batches for m in batch]
    with crowd_vigia.database.session_scope() as session:
        stored = session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(Complaint.id.in_(ids)))
        created = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_id.in_(ids), AuditEntry.action == "created"))
    assert (stored, created) == (2 * PUSHED, 2 * PUSHED)
    with client(crowd_vigia.url) as http:
        verified = http.get(f"/api/v1/municipalities/{DEMO}/audit/verify")
        assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text


def test_forty_wrong_passwords_at_once_get_only_the_allowed_guesses(crowd_vigia) -> None:
    allowed = Settings().login_max_failures
    email = new_account(crowd_vigia)

    def guess(number: int):
        with client(crowd_vigia.url) as http:
            return http.post("/api/v1/auth/login", json={"email": email, "password": f"adivinanza-{number}",
                                                          "device_name": "atacante"})

    started = time.monotonic()
    responses = at_once(GUESSES, guess)
    report(crowd_vigia, "login_lockout", guesses=GUESSES, allowed=allowed, seconds=round(time.monotonic() - started, 2),
           statuses=dict(Counter(r.status_code for r in responses)))
    assert_no_server_errors(responses)
    statuses = sorted(r.status_code for r in responses)
    # Exactly `allowed` guesses were checked against the password; every other one found the account locked.
    assert statuses == [401] * allowed + [429] * (GUESSES - allowed), statuses
    for response in responses:
        if response.status_code == 429:
            assert response.json()["error"]["code"] == "login_locked"
            assert int(response.headers["retry-after"]) > 0
    with client(crowd_vigia.url) as http:  # even the right password waits for the lock to end
        right = http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD, "device_name": "dueña"})
        assert right.status_code == 429 and right.json()["error"]["code"] == "login_locked"
    with crowd_vigia.database.session_scope() as session:
        user = session.scalar(sa.select(User).where(User.email == email))
        assert user.locked_until is not None


def _file_signed_in(http, email: str) -> dict:
    headers = {"Authorization": "Bearer " + sign_in(http, email).token}
    filed = http.post(COMPLAINTS, json=complaint_body(id=str(uuid.uuid4())), headers=headers)
    assert filed.status_code == 201, filed.text
    return filed.json()["complaint"]


def _supports(vigia, complaint_id: str) -> tuple[int, int]:
    """(support_count as stored, support rows)"""
    with vigia.database.session_scope() as session:
        count = session.scalar(sa.select(Complaint.support_count).where(Complaint.id == uuid.UUID(complaint_id)))
        rows = session.scalar(sa.select(sa.func.count()).select_from(Support)
                              .where(Support.complaint_id == uuid.UUID(complaint_id)))
    return count, rows


def test_thirty_supports_at_once_are_all_counted_over_http_and_through_push(crowd_vigia) -> None:
    with client(crowd_vigia.url) as http:
        complaint = _file_signed_in(http, new_account(crowd_vigia))
    supporters = new_phones(crowd_vigia, SUPPORTERS)
    one = f"{COMPLAINTS}/{complaint['id']}"

    def support_anonymously(number: int):
        with client(crowd_vigia.url) as http:
            return http.post(one + "/support", json={"supporter_key": f"telefono-de-la-multitud-{number:03d}"})

    responses = at_once(SUPPORTERS, support_anonymously)
    over_http = _supports(crowd_vigia, complaint["id"])
    assert_no_server_errors(responses)
    assert [r.status_code for r in responses] == [200] * SUPPORTERS
    assert over_http == (SUPPORTERS, SUPPORTERS)

    supports = [{"id": str(uuid.uuid4()), "intent": "complaint.support", "municipality": DEMO,
                 "payload": {"complaint_id": complaint["id"]}} for _ in range(SUPPORTERS)]

    def support_by_push(number: int):
        with client(crowd_vigia.url) as http:  # each sends its support twice at once: it counts once
            return push(http, supporters[number], supports[number], supports[number])

    results = [result for pair in at_once(SUPPORTERS, support_by_push) for result in pair]
    report(crowd_vigia, "supports", over_http=SUPPORTERS, count_after_http=over_http[0],
           pushed=len(results), pushing_devices=SUPPORTERS, count_after_push=_supports(crowd_vigia, complaint["id"])[0],
           lost=2 * SUPPORTERS - _supports(crowd_vigia, complaint["id"])[0])
    assert {r["status"] for r in results} == {"applied"}
    assert _supports(crowd_vigia, complaint["id"]) == (2 * SUPPORTERS, 2 * SUPPORTERS)
    with client(crowd_vigia.url) as http:
        assert http.get(one).json()["support_count"] == 2 * SUPPORTERS


def test_a_merge_during_a_crowd_of_supports_loses_none_of_them(crowd_vigia) -> None:
    """Merging a duplicate adds its reporter and supporters to the complaint that stays, while others support
    that complaint at the same moment: every support counts."""
    with client(crowd_vigia.url) as http:
        target = _file_signed_in(http, new_account(crowd_vigia))
        duplicate = _file_signed_in(http, new_account(crowd_vigia))
        for number in range(3):
            supported = http.post(f"{COMPLAINTS}/{duplicate['id']}/support",
                                  json={"supporter_key": f"antes-de-acumular-{number}"})
            assert supported.status_code == 200
        staff = {"Authorization": "Bearer " + sign_in(http, "contraloria@vigia.example", DEMO_PASSWORD).token}
        version = http.get(f"{COMPLAINTS}/{duplicate['id']}", headers=staff).json()["version"]

    def act(number: int):
        with client(crowd_vigia.url) as http:
            if number == 0:
                return http.post(f"{COMPLAINTS}/{duplicate['id']}/merge", headers=staff, json={
                    "duplicate_of": target["id"], "reason": "Es la misma banqueta", "version": version})
            return http.post(f"{COMPLAINTS}/{target['id']}/support",
                             json={"supporter_key": f"durante-la-acumulacion-{number:03d}"})

    responses = at_once(SUPPORTERS, act)
    count, rows = _supports(crowd_vigia, target["id"])
    report(crowd_vigia, "merge_during_supports", supports=SUPPORTERS - 1, merged_in=1 + 3, count=count,
           lost=(SUPPORTERS - 1) + 1 + 3 - count, statuses=dict(Counter(r.status_code for r in responses)))
    assert_no_server_errors(responses)
    assert [r.status_code for r in responses] == [200] * SUPPORTERS, [r.text[:200] for r in responses]
    # the crowd's supports, plus the duplicate's reporter and its three supporters
    assert (count, rows) == ((SUPPORTERS - 1) + 1 + 3, SUPPORTERS - 1)


# ------------------------------------------------------------------------------------------------ replay storms


def _file_mutation(payload: dict, mutation_id: str | None = None) -> dict:
    return {"id": mutation_id or str(uuid.uuid4()), "intent": "complaint.file", "municipality": DEMO,
            "payload": payload}


def _payload(anonymous: bool) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "complaint", "category": "obra-calidad", "anonymous": anonymous,
            "description": "La zanja de la obra sigue abierta y sin señalamiento frente a la escuela.",
            "location": {"type": "Point", "coordinates": list(CENTRO)}, "accuracy_m": 5.0}


def _created_entries(vigia, complaint_id: str) -> int:
    with vigia.database.session_scope() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_id == uuid.UUID(complaint_id), AuditEntry.action == "created"))


def test_push_replay_storms_apply_nothing_twice_and_give_nobody_another_ones_code(crowd_vigia) -> None:
    """Replays of the same mutation, the same complaint under new mutation ids, from another device of the same
    account, from other accounts and anonymously over HTTP, all at once: one complaint each, and a follow-up
    code only in the answers to the device that filed it."""
    first_account, second_account = new_account(crowd_vigia), new_account(crowd_vigia)
    with client(crowd_vigia.url) as http:
        a1, a2 = sign_in(http, first_account, name="A1"), sign_in(http, first_account, name="A2")
        b1 = sign_in(http, second_account, name="B1")
        filed_x = _file_mutation(_payload(anonymous=True))  # filed before the storm by A1
        [x_result] = push(http, a1, filed_x)
        assert x_result["status"] == "applied"
        code_x = x_result["data"]["follow_up_code"]
        filed_y = _file_mutation(_payload(anonymous=False))  # filed before the storm by B1, signed in
        assert push(http, b1, filed_y)[0]["status"] == "applied"
    x, y, z = filed_x["payload"], filed_y["payload"], _payload(anonymous=True)
    filed_z = _file_mutation(z)  # filed for the first time during the storm

    # (who, what): the storm, every entry sent at the same moment from its own connection
    storm: list[tuple[str, object]] = (
        [("A1", filed_x)] * 4                                                   # the same mutation replayed
        + [("A1", _file_mutation(x)) for _ in range(2)]                         # same complaint, new mutation id
        + [("A2", _file_mutation(x)) for _ in range(2)]                         # another device of that account
        + [("B1", _file_mutation(x)) for _ in range(2)]                         # another account
        + [("B1", _file_mutation(x, filed_x["id"]))]                            # ... even with A1's mutation id
        + [("http", x)] * 2                                                   # anonymous, over plain HTTP
        + [("A1", filed_z)] * 2 + [("A2", _file_mutation(z)), ("B1", _file_mutation(z)), ("http", z)]
        + [("B1", filed_y)] * 2 + [("B1", _file_mutation(y)), ("A1", _file_mutation(y))]
    )
    phones = {"A1": a1, "A2": a2, "B1": b1}

    def send(number: int):
        who, what = storm[number]
        with client(crowd_vigia.url) as http:
            if who == "http":
                response = http.post(COMPLAINTS, json=what)
                assert response.status_code < 500, response.text
                return response
            return push(http, phones[who], what)[0]

    started = time.monotonic()
    answers = at_once(len(storm), send)
    seconds = round(time.monotonic() - started, 2)
    by_complaint: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for (who, what), answer in zip(storm, answers, strict=True):
        if who == "http":
            body = answer.json()
            status = {201: "applied", 200: "applied"}.get(answer.status_code, "rejected")
            code = body.get("follow_up_code") if status == "applied" else None
            error = body.get("error", {}).get("code")
            complaint_id = what["id"]
        else:
            assert answer["status"] in ("applied", "rejected"), answer  # never retry: no server fault
            status, code = answer["status"], answer["data"].get("follow_up_code")
            error = (answer["error"] or {}).get("code")
            complaint_id = what["payload"]["id"]
        by_complaint[complaint_id].append((who, {"status": status, "code": code, "error": error}))

    # X: only A1 (the device that filed it) is answered, always with its own code; everyone else is refused.
    for who, answer in by_complaint[x["id"]]:
        if who == "A1":
            assert answer == {"status": "applied", "code": code_x, "error": None}, answer
        else:
            assert answer == {"status": "rejected", "code": None, "error": "complaint_id_taken"}, (who, answer)
    # Z: filed once, by whichever device came first; only that one holds a code, and only its own.
    winners = {who for who, answer in by_complaint[z["id"]] if answer["status"] == "applied"}
    assert len(winners) == 1, by_complaint[z["id"]]
    codes = {answer["code"] for who, answer in by_complaint[z["id"]] if who in winners}
    assert len(codes) == 1 and None not in codes
    for who, answer in by_complaint[z["id"]]:
        if who not in winners:
            assert answer == {"status": "rejected", "code": None, "error": "complaint_id_taken"}, (who, answer)
    # Y (signed in, not anonymous): B's own resends answer as the first, no code anywhere; A is refused.
    for who, answer in by_complaint[y["id"]]:
        expected = ({"status": "applied", "code": None, "error": None} if who == "B1"
                    else {"status": "rejected", "code": None, "error": "complaint_id_taken"})
        assert answer == expected, (who, answer)

    created = [_created_entries(crowd_vigia, complaint["id"]) for complaint in (x, y, z)]
    answered = [answer for answers in by_complaint.values() for _who, answer in answers]
    foreign_codes = sum(1 for complaint_id, answers in by_complaint.items() for who, answer in answers
                        if answer["code"] and who not in ({"A1"} if complaint_id == x["id"] else winners))
    report(crowd_vigia, "replay_storm", requests=len(storm), devices=3, accounts=2, seconds=seconds,
           applied=sum(a["status"] == "applied" for a in answered),
           rejected=sum(a["status"] == "rejected" for a in answered), created_per_complaint=created,
           codes_to_others=foreign_codes)
    assert created == [1, 1, 1]  # applied once, whatever was sent
    with crowd_vigia.database.session_scope() as session:
        stored = session.scalars(sa.select(Complaint).where(
            Complaint.id.in_([uuid.UUID(c["id"]) for c in (x, y, z)]))).all()
        assert {c.state for c in stored} == {"received"}
        assert len(stored) == 3
    with client(crowd_vigia.url) as http:
        folio_x = http.get(f"{COMPLAINTS}/{x['id']}").json()["folio"]
        followed = http.post(COMPLAINTS + "/follow-up", json={"folio": folio_x, "code": code_x})
        assert followed.status_code == 200 and followed.json()["id"] == x["id"]
