"""The audit chain through the service: appending, what verification finds after tampering in raw SQL, the
guard against personal data, and the documented canonical form. Runs on PostGIS and SpatiaLite."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from server.audit import chain
from server.audit import service as audit
from server.audit.chain import GENESIS, AuditDataRejected
from server.audit.models import AuditEntry
from tests.audit import outsider
from tests.audit.conftest import delete_entries, log, municipality_id, published, set_data, set_hashes
from tests.factories import staff_actor


def verify(session, code: str = "99101", **kwargs):
    session.expire_all()
    return audit.verify(session, municipality_id=municipality_id(session, code), **kwargs)


def test_appending_builds_a_valid_chain(session) -> None:
    made = log(session, count=5)
    assert [entry.seq for entry in made] == [1, 2, 3, 4, 5]
    assert made[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(made, made[1:], strict=False))
    assert all(len(entry.hash) == 64 and entry.hash == chain.entry_hash(entry) for entry in made)
    assert made[0].at.tzinfo is not None and made[0].at <= made[-1].at

    report = verify(session)
    assert report.ok and report.first_broken is None and report.checked == 5
    assert (report.head.seq, report.head.hash) == (5, made[-1].hash)
    # What is published recomputes, with the docs' own verifier, to the same chain.
    entries = published(session)
    assert outsider.load().check(entries) is None and entries[-1]["hash"] == report.head.hash


def test_an_empty_chain_is_intact(session) -> None:
    report = verify(session, "99102")
    assert report.model_dump() == {"ok": True, "checked": 0, "head": {"seq": 0, "hash": GENESIS},
                                   "first_broken": None}


def test_the_canonical_form_is_the_documented_one(session) -> None:
    vector, digest = outsider.documented_vector()
    entry = json.loads(vector)
    assert chain.canonical(entry) == vector
    assert chain.entry_hash(entry) == digest == hashlib.sha256(vector).hexdigest()
    assert outsider.load().entry_hash(entry) == digest
    # Non-ASCII text is written as itself, not escaped.
    assert "Secretaría".encode() in vector and b"\\u" not in vector


def test_times_are_hashed_in_utc_whatever_the_servers_time_zone(monkeypatch) -> None:
    """A server whose clock is set to local time must publish the same `at` as one set to UTC."""
    monkeypatch.setenv("TZ", "America/Monterrey")
    time.tzset()
    try:
        at = datetime(2026, 11, 21, 11, 3, 9, 412, tzinfo=ZoneInfo("America/Monterrey"))
        assert chain.timestamp(at) == "2026-11-21T17:03:09.000412Z"  # the docs' example
        assert chain.timestamp(at.astimezone(timezone.utc)) == "2026-11-21T17:03:09.000412Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_what_is_stored_reads_back_exactly_as_hashed(session) -> None:
    data = {"reason": "Turnada a la Secretaría — «urgente» 🚧", "steps": [1, -2, {"b": None, "a": True}],
            "big": chain.MAX_SAFE_INTEGER, "empty": {}, "quote": 'dice "ya"\n\\'}
    entry = log(session, data=data)[0]
    session.expire_all()
    stored = session.scalar(sa.select(AuditEntry).where(AuditEntry.municipality_id == entry.municipality_id,
                                                        AuditEntry.seq == entry.seq))
    assert stored.data == data
    assert chain.entry_hash(stored) == stored.hash
    assert chain.timestamp(stored.at).endswith("Z") and len(chain.timestamp(stored.at)) == 27
    assert verify(session).ok


def test_an_altered_entry_is_found(session) -> None:
    made = log(session, count=6)
    set_data(session, "99101", 3, {"from": "received", "to": "inadmissible", "n": 2})
    report = verify(session)
    assert not report.ok and report.checked == 2
    broken = report.first_broken
    assert (broken.seq, broken.reason, broken.found) == (3, "altered", made[2].hash)
    assert broken.expected != made[2].hash and len(broken.expected) == 64
    assert broken.message == "La entrada 3 fue alterada: su hash no coincide con su contenido."
    assert verify(session, language="en").first_broken.message.startswith("Entry 3 was altered")
    assert outsider.load().check(published(session)) == "entry 3 was altered"


def test_an_altered_author_or_time_is_found_too(session) -> None:
    log(session, count=3, actor_kind="user", actor_id=uuid.uuid4())
    where = {"m": municipality_id(session, "99101")}
    bind = sa.bindparam("m", type_=sa.Uuid())
    session.execute(sa.text("UPDATE audit_entries SET actor_id = NULL, actor_kind = 'anonymous' "
                            "WHERE municipality_id = :m AND seq = 2").bindparams(bind), where)
    assert (verify(session).first_broken.seq, verify(session).first_broken.reason) == (2, "altered")


def test_a_removed_entry_is_a_gap(session) -> None:
    log(session, count=6)
    delete_entries(session, "99101", 3)
    report = verify(session)
    assert not report.ok and report.checked == 2
    assert report.first_broken.model_dump(exclude={"message", "at", "entity", "action"}) == {"seq": 3, "reason": "removed", "expected": 3,
                                                                   "found": 4}
    assert report.first_broken.message == "Falta la entrada 3: la bitácora salta a la entrada 4."
    assert outsider.load().check(published(session)) == "entry 3 is missing"


def test_the_first_entry_removed_is_a_gap_at_1(session) -> None:
    log(session, count=2)
    delete_entries(session, "99101", 1)
    assert verify(session).first_broken.model_dump(include={"seq", "reason"}) == {"seq": 1, "reason": "removed"}


def test_a_relinked_entry_is_found(session) -> None:
    """prev_hash rewritten and the entry's own hash recomputed, so its content checks out and only the link
    to the entry before it is broken."""
    made = log(session, count=6)
    forged = dict(published(session)[3], prev_hash="ab" * 32)
    new_hash = outsider.load().entry_hash(forged)
    set_hashes(session, "99101", 4, prev_hash=forged["prev_hash"], hash=new_hash)
    report = verify(session)
    assert not report.ok and report.checked == 3
    assert report.first_broken.model_dump(exclude={"message", "at", "entity", "action"}) == {
        "seq": 4, "reason": "relinked", "expected": made[2].hash, "found": "ab" * 32}
    assert outsider.load().check(published(session)) == "entry 4 is not linked to the entry before it"


def test_an_entry_altered_and_rehashed_breaks_the_next_link(session) -> None:
    log(session, count=5)
    set_data(session, "99101", 3, {"from": "received", "to": "inadmissible"})
    set_hashes(session, "99101", 3, hash=outsider.load().entry_hash(published(session)[2]))
    broken = verify(session).first_broken
    assert (broken.seq, broken.reason) == (4, "relinked")


def test_entries_cut_off_at_the_end_do_not_match_the_head(session) -> None:
    hashes = [entry.hash for entry in log(session, count=6)]
    delete_entries(session, "99101", 6, 5)
    report = verify(session)
    assert not report.ok and report.checked == 4 and report.head.seq == 6
    assert report.first_broken.model_dump(exclude={"message", "at", "entity", "action"}) == {
        "seq": 5, "reason": "head_mismatch", "expected": f"6:{hashes[5]}", "found": f"4:{hashes[3]}"}
    assert "termina en la 4" in report.first_broken.message
    # The remaining entries are a valid chain by themselves: only the head shows what is missing.
    assert outsider.load().check(published(session)) is None


def test_the_last_entry_altered_and_rehashed_does_not_match_the_head(session) -> None:
    log(session, count=3)
    set_data(session, "99101", 3, {"from": "received", "to": "inadmissible"})
    set_hashes(session, "99101", 3, hash=outsider.load().entry_hash(published(session)[2]))
    broken = verify(session).first_broken
    assert (broken.seq, broken.reason) == (3, "head_mismatch")


def test_a_missing_head_or_an_entry_beyond_it_is_found(session) -> None:
    log(session, count=2)
    target = municipality_id(session, "99101")
    bind = sa.bindparam("m", type_=sa.Uuid())
    # An entry slipped in after the last one, correctly chained, without moving the head.
    last = published(session)[-1]
    extra = dict(last, seq=3, prev_hash=last["hash"], action="deleted")
    extra["hash"] = outsider.load().entry_hash(extra)
    session.execute(sa.insert(AuditEntry.__table__).values(
        municipality_id=target, seq=3, entity="complaint", entity_id=uuid.UUID(extra["entity_id"]),
        action="deleted", actor_id=None, actor_kind=extra["actor_kind"], at=session.get(AuditEntry, (target, 2)).at,
        data=extra["data"], prev_hash=extra["prev_hash"], hash=extra["hash"]))
    broken = verify(session).first_broken
    assert (broken.seq, broken.reason, broken.expected) == (3, "head_mismatch", f"2:{last['hash']}")
    session.execute(sa.text("DELETE FROM audit_heads WHERE municipality_id = :m").bindparams(bind), {"m": target})
    report = verify(session)
    assert report.head.seq == 0 and report.checked == 3
    assert (report.first_broken.reason, report.first_broken.message) == (
        "head_mismatch", "La cadena tiene 3 entradas pero no tiene cabeza.")


def test_verification_reports_the_first_broken_entry(session) -> None:
    log(session, count=6)
    set_data(session, "99101", 5, {"n": 40})
    delete_entries(session, "99101", 6)
    set_data(session, "99101", 2, {"n": 10})
    broken = verify(session).first_broken
    assert (broken.seq, broken.reason) == (2, "altered")


@pytest.mark.parametrize("batch_size", [1, 2, 3, 7])
def test_verification_reads_in_batches_with_the_same_result(session, batch_size: int) -> None:
    log(session, count=7)
    assert verify(session, batch_size=batch_size).model_dump() == verify(session).model_dump()
    assert verify(session, batch_size=batch_size).checked == 7
    set_data(session, "99101", 5, {"n": 40})
    report = verify(session, batch_size=batch_size)
    assert (report.first_broken.seq, report.checked) == (5, 4)


def test_chains_of_different_municipalities_are_independent(session) -> None:
    durango, gomez = [], []
    for _ in range(3):
        durango += log(session, "99101")
        gomez += log(session, "99102")
    assert [e.seq for e in durango] == [e.seq for e in gomez] == [1, 2, 3]
    assert gomez[0].prev_hash == GENESIS and {e.hash for e in durango}.isdisjoint({e.hash for e in gomez})
    set_data(session, "99102", 2, {"n": 99})
    assert verify(session, "99101").ok and verify(session, "99101").checked == 3
    assert verify(session, "99102").first_broken.seq == 2


def test_a_change_rolled_back_leaves_no_entry(session) -> None:
    log(session)
    with pytest.raises(RuntimeError):
        with session.begin_nested():
            log(session, count=2)
            raise RuntimeError("the use case failed after logging")
    assert verify(session).checked == 1 and verify(session).head.seq == 1
    assert log(session)[0].seq == 2 and verify(session).ok


def test_entries_filter_by_record_and_page_by_position(session) -> None:
    complaint = uuid.uuid4()
    log(session, count=2)
    mine = log(session, count=3, entity_id=complaint)
    log(session, count=1, entity="photo")
    target = municipality_id(session, "99101")
    assert [e.seq for e in audit.entries(session, municipality_id=target, entity_id=complaint)] == [3, 4, 5]
    assert [e.seq for e in audit.entries(session, municipality_id=target, entity="photo")] == [6]
    assert [e.seq for e in audit.entries(session, municipality_id=target, after_seq=2, limit=2)] == [3, 4]
    assert audit.entries(session, municipality_id=target, entity_id=complaint, after_seq=mine[-1].seq) == []
    assert audit.entries(session, municipality_id=municipality_id(session, "99102")) == []


def test_who_names_the_actor(session) -> None:
    from server.auth.actor import ANONYMOUS

    staff = staff_actor(session)
    assert audit.who(staff) == {"actor_id": staff.user_id, "actor_kind": "user"}
    assert audit.who(ANONYMOUS) == {"actor_id": None, "actor_kind": "anonymous"}
    entry = log(session, **audit.who(staff))[0]
    assert (entry.actor_id, entry.actor_kind) == (staff.user_id, "user")


# ------------------------------------------------------------------------------------------------ the guard

PERSONAL = [
    {"email": "x"},
    {"reporter_email": "x"},
    {"phone": "6181234567"},
    {"reporter": {"contact_phone": "6181234567"}},
    {"changes": [{"field": "title"}, {"reporter_name": "Ana"}]},
    {"name_of_reporter": "Ana"},
    {"contact": "x"},
    {"password": "x"},
    {"new_token": "x"},
    {"secret_code": "x"},
    {"curp": "x"},
    {"note": "escríbanme a ana.perez@example.org"},
]
UNPORTABLE = [
    {"accuracy_m": 12.5},
    {"amount": 2**60},
    {"Reason": "x"},
    {"razón": "x"},
    {1: "x"},
    {"when": __import__("datetime").date(2026, 1, 1)},
    {"id": uuid.UUID(int=1)},
    {"text": "x" * 20_000},
    {"bad": "\ud800"},
]


@pytest.mark.parametrize("data", PERSONAL + UNPORTABLE, ids=lambda d: str(list(d))[:40])
def test_the_guard_refuses_personal_data_and_unportable_values(session, data: dict) -> None:
    with pytest.raises(AuditDataRejected):
        log(session, data=data)
    assert verify(session).head.seq == 0  # nothing was written, not even the head


def test_the_guard_explains_what_to_do(session) -> None:
    with pytest.raises(AuditDataRejected, match=r"data\.reporter\.contact_phone: 'phone'.*commitment"):
        log(session, data={"reporter": {"contact_phone": "x"}})


def test_commitments_and_public_facts_are_accepted(session) -> None:
    note = "El contratista admitió el retraso por teléfono."
    salt = "c2f1a9"
    data = {"private_note_sha256": chain.commitment(note, salt=salt), "assigned_to_role": "comptroller",
            "deadline": "2026-12-04", "business_days": 15, "photos": 2, "upheld": None, "urgent": False}
    entry = log(session, data=data)[0]
    assert entry.data == data and verify(session).ok
    assert chain.commitment(note, salt=salt) == hashlib.sha256((salt + note).encode()).hexdigest()


def test_a_commitment_is_the_sha256_of_salt_and_content_as_documented() -> None:
    """docs/audit-log.md: anyone holding the content (text or bytes, such as a redacted region) and its salt can
    check the commitment with a plain SHA-256; without a salt it is the content's own hash."""
    region = bytes(range(256)) * 4
    assert chain.commitment(region, salt=b"\x01sal") == hashlib.sha256(b"\x01sal" + region).hexdigest()
    assert chain.commitment(region) == hashlib.sha256(region).hexdigest()
    assert chain.commitment("5512345678") == hashlib.sha256(b"5512345678").hexdigest()


@pytest.mark.parametrize("fields", [
    {"actor_kind": "user", "actor_id": None},
    {"actor_kind": "device", "actor_id": None},
    {"actor_kind": "anonymous", "actor_id": uuid.UUID(int=5)},
    {"actor_kind": "robot"},
    {"entity": "Complaint"},
    {"action": "moved to review"},
    {"data": ["not", "an", "object"]},
])
def test_the_guard_checks_names_and_actors(session, fields: dict) -> None:
    with pytest.raises(AuditDataRejected):
        log(session, **fields)


def test_a_municipality_that_does_not_exist_has_no_chain(session) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        audit.append(session, municipality_id=uuid.uuid4(), entity="complaint", entity_id=uuid.uuid4(),
                     action="created", actor_id=None, actor_kind="system", data={})
