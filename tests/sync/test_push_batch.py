"""A push is one transaction with a savepoint per mutation (server/sync/push.py): what a phone sees when one
mutation of a batch is refused, when the server fails on one, when the database cannot serve, when the same batch
arrives twice at once, and when two batches file in two municipalities in opposite orders; and the audit chains
still verify after each."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.complaints.models import Complaint
from server.sync.models import Mutation
from tests.factories import CENTRO, DEMO, OTHER
from tests.sync.helpers import complaint_payload, mutation, pull, sha256, sign_in
from tests.sync.test_anonymous_device import upload
from tests.sync.test_uploads import jpeg

PUSH = "/api/v1/sync/push"
GOMEZ = (-103.498, 25.565)  # a point in Gómez Palacio (10007)


def push(client, phone, mutations: list[dict]):
    return client.post(PUSH, json={"mutations": mutations}, headers=phone.headers)


def results_of(response, sent: list[dict]) -> list[dict]:
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [result["id"] for result in results] == [m["id"] for m in sent]
    return results


def filing(code: str = DEMO) -> dict:
    if code == DEMO:
        return mutation("complaint.file", complaint_payload())
    return mutation("complaint.file", complaint_payload(location={"type": "Point", "coordinates": list(GOMEZ)}),
                    code=code)


def complaints_filed(database, ids: list[str]) -> set[str]:
    with database.session_scope() as session:
        found = session.scalars(sa.select(Complaint.id).where(Complaint.id.in_([uuid.UUID(i) for i in ids])))
        return {str(i) for i in found}


def stored(database, phone, sent: dict) -> Mutation | None:
    with database.session_scope() as session:
        row = session.get(Mutation, (phone.device_id, uuid.UUID(sent["id"])))
        if row is not None:
            session.expunge(row)
        return row


def audit_entries_about(database, complaint_ids: list[str]) -> int:
    with database.session_scope() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_id.in_([uuid.UUID(i) for i in complaint_ids])))


def assert_chains_verify(client, *codes: str) -> None:
    for code in codes:
        report = client.get(f"/api/v1/municipalities/{code}/audit/verify")
        assert report.status_code == 200, report.text
        assert report.json()["ok"] is True, report.json()


def test_a_mutation_refused_halfway_leaves_only_its_stored_rejection_and_the_others_applied(
        live, committed_database) -> None:
    phone = sign_in(live, "voluntaria@vigia.example")
    photo = {"id": str(uuid.uuid4()), "sha256": sha256(uuid.uuid4().bytes)}
    earlier = filing()
    earlier["payload"]["attachments"] = [photo]
    assert results_of(push(live, phone, [earlier]), [earlier])[0]["status"] == "applied"
    # The middle one files its complaint, then declares a photo id another complaint already holds: refused
    # after its complaint, folio, timeline and audit entry were written.
    first, middle, last = filing(), filing(), filing()
    middle["payload"]["attachments"] = [photo]
    sent = [first, middle, last]

    results = results_of(push(live, phone, sent), sent)

    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "attachment_id_taken"
    ids = [m["payload"]["id"] for m in sent]
    assert complaints_filed(committed_database, ids) == {ids[0], ids[2]}
    assert audit_entries_about(committed_database, [ids[1]]) == 0
    assert audit_entries_about(committed_database, [ids[0], ids[2]]) == 2
    # The refused one gave its folio back: the next one took the number after the first.
    numbers = [int(results[i]["data"]["folio"].rsplit("-", 1)[1]) for i in (0, 2)]
    assert numbers[1] == numbers[0] + 1
    row = stored(committed_database, phone, middle)
    assert row is not None and row.status == "rejected" and row.result["error"]["code"] == "attachment_id_taken"
    assert results_of(push(live, phone, sent), sent) == results  # a replay answers the same, changes nothing
    assert complaints_filed(committed_database, ids) == {ids[0], ids[2]}
    assert_chains_verify(live, DEMO)


def test_a_server_fault_in_one_mutation_answers_retry_for_it_alone(live, committed_database, monkeypatch) -> None:
    from server.complaints import intake

    phone = sign_in(live, "voluntaria@vigia.example")
    sent = [filing(), filing(), filing()]
    broken = uuid.UUID(sent[1]["payload"]["id"])
    file_record = intake.file_record

    def failing(session, **kwargs):
        if kwargs["data"].id == broken:
            file_record(session, **kwargs)  # it writes, then the server fails
            raise RuntimeError("a bug")
        return file_record(session, **kwargs)

    monkeypatch.setattr(intake, "file_record", failing)
    results = results_of(push(live, phone, sent), sent)

    assert [r["status"] for r in results] == ["applied", "retry", "applied"]
    assert results[1]["error"]["code"] == "internal_error"
    ids = [m["payload"]["id"] for m in sent]
    assert complaints_filed(committed_database, ids) == {ids[0], ids[2]}
    assert stored(committed_database, phone, sent[1]) is None  # nothing stored: sending it again applies it
    assert audit_entries_about(committed_database, [ids[1]]) == 0
    monkeypatch.setattr(intake, "file_record", file_record)
    again = results_of(push(live, phone, sent), sent)
    assert [r["status"] for r in again] == ["applied"] * 3
    assert again[0] == results[0] and again[2] == results[2]
    assert complaints_filed(committed_database, ids) == set(ids)
    assert_chains_verify(live, DEMO)


def test_a_database_that_cannot_serve_fails_the_whole_push_and_stores_nothing(live, committed_database,
                                                                            monkeypatch) -> None:
    from server.complaints import intake

    phone = sign_in(live, "voluntaria@vigia.example")
    sent = [filing(), filing(), filing()]
    file_record = intake.file_record

    def busy(session, **kwargs):
        if str(kwargs["data"].id) == sent[2]["payload"]["id"]:
            raise sa.exc.TimeoutError("no connection free")  # server.db.unavailable: "not now"
        return file_record(session, **kwargs)

    monkeypatch.setattr(intake, "file_record", busy)
    response = push(live, phone, sent)

    assert response.status_code == 503 and int(response.headers["retry-after"]) > 0
    ids = [m["payload"]["id"] for m in sent]
    assert complaints_filed(committed_database, ids) == set()
    assert all(stored(committed_database, phone, m) is None for m in sent)
    monkeypatch.setattr(intake, "file_record", file_record)
    assert [r["status"] for r in results_of(push(live, phone, sent), sent)] == ["applied"] * 3


def test_the_same_batch_pushed_twice_at_once_applies_each_mutation_once(live, committed_database) -> None:
    phone = sign_in(live, "voluntaria@vigia.example")
    sent = [filing(code) for code in (DEMO, OTHER) * 5]
    answers: list[list[dict]] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        barrier.wait()
        answers.append(results_of(push(live, phone, sent), sent))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 2 and answers[0] == answers[1]
    assert all(result["status"] == "applied" for result in answers[0])
    ids = [m["payload"]["id"] for m in sent]
    assert complaints_filed(committed_database, ids) == set(ids)
    assert audit_entries_about(committed_database, ids) == len(ids)  # one "created" each
    assert_chains_verify(live, DEMO, OTHER)


def test_two_batches_filing_in_two_municipalities_in_opposite_orders_both_apply(live, committed_database) -> None:
    phones = [sign_in(live, "voluntaria@vigia.example"), sign_in(live, "comite@vigia.example")]
    orders = [(DEMO, OTHER), (OTHER, DEMO)]
    statuses: list[int] = []
    sent_all: list[dict] = []
    for _round in range(4):
        batches = [[filing(code) for code in order * 4] for order in orders]
        sent_all += batches[0] + batches[1]
        barrier = threading.Barrier(2)

        def send(phone, batch) -> None:
            barrier.wait()
            response = push(live, phone, batch)
            statuses.append(response.status_code)
            if response.status_code == 200:
                assert all(r["status"] == "applied" for r in response.json()["results"]), response.text

        threads = [threading.Thread(target=send, args=(phone, batch)) for phone, batch in zip(phones, batches,
                                                                                              strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert statuses == [200] * 8  # a deadlock would answer 503 to one of them
    ids = [m["payload"]["id"] for m in sent_all]
    assert complaints_filed(committed_database, ids) == set(ids)
    assert_chains_verify(live, DEMO, OTHER)


def test_a_mutation_sent_twice_in_one_batch_is_applied_once_and_answered_alike(live, committed_database) -> None:
    phone = sign_in(live, "voluntaria@vigia.example")
    once, refused = filing(), filing()
    refused["payload"]["category"] = "baches"
    sent = [once, refused, once, refused]

    results = results_of(push(live, phone, sent), sent)

    assert results[0]["status"] == "applied" and results[2] == results[0]
    assert results[1]["status"] == "rejected" and results[3] == results[1]
    assert complaints_filed(committed_database, [once["payload"]["id"]]) == {once["payload"]["id"]}
    assert audit_entries_about(committed_database, [once["payload"]["id"]]) == 1


def test_a_batch_mixing_fresh_refused_replayed_and_resent_filings_with_other_intents_answers_each_in_order(
        live, committed_database) -> None:
    """Filings without photos are written together at the end of their group (server/sync/push.py, "the fast
    path"); what the phone sees is the same as one by one: each answered in order, a refusal stores only itself,
    a replay answers its first result, a resend of the same complaint id is the same complaint, an intent about a
    complaint filed earlier in the same batch finds it, and the folios have no gaps."""
    phone = sign_in(live, "voluntaria@vigia.example")
    earlier = filing()
    first = results_of(push(live, phone, [earlier]), [earlier])[0]
    fresh, refused, second, anonymous = filing(), filing(), filing(), filing()
    refused["payload"]["category"] = "no-existe"
    anonymous["payload"]["anonymous"] = True
    information = mutation("complaint.add_information", {"complaint_id": fresh["payload"]["id"],
                                                         "text": "Ya pusieron una cinta, pero sigue abierta."})
    resent = mutation("complaint.file", dict(fresh["payload"]))  # the same complaint id, a new mutation id
    reused = dict(earlier, payload={**earlier["payload"], "description": "Otra cosa escrita con el mismo id."})
    sent = [fresh, refused, earlier, second, information, resent, fresh, reused, anonymous]

    results = results_of(push(live, phone, sent), sent)

    assert [r["status"] for r in results] == ["applied", "rejected", "applied", "applied", "applied", "applied",
                                              "applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "unknown_category"
    assert results[2] == first  # a replay of the earlier push
    assert results[6] == results[0]  # the same mutation again in the batch
    assert results[7]["error"]["code"] == "mutation_id_reused"
    assert results[5]["record"] == results[0]["record"] and results[5]["data"]["folio"] == results[0]["data"]["folio"]
    assert results[4]["data"]["state"] == "received"
    assert len(results[8]["data"]["follow_up_code"]) == 11
    numbers = [int(results[i]["data"]["folio"].rsplit("-", 1)[1]) for i in (0, 3, 8)]
    first_number = int(first["data"]["folio"].rsplit("-", 1)[1])
    assert numbers == [first_number + 1, first_number + 2, first_number + 3]
    ids = [m["payload"]["id"] for m in (earlier, fresh, refused, second, anonymous)]
    assert complaints_filed(committed_database, ids) == {ids[0], ids[1], ids[3], ids[4]}
    assert audit_entries_about(committed_database, [ids[1]]) == 2  # created, information_added
    assert audit_entries_about(committed_database, [ids[2]]) == 0
    row = stored(committed_database, phone, refused)
    assert row is not None and row.status == "rejected" and row.result["error"]["code"] == "unknown_category"
    assert stored(committed_database, phone, anonymous).result["data"].get("follow_up_code") is None  # never kept
    assert results_of(push(live, phone, sent), sent) == results  # the whole batch again: the same answers
    assert complaints_filed(committed_database, ids) == {ids[0], ids[1], ids[3], ids[4]}
    assert_chains_verify(live, DEMO)
    # The phone pulls what it filed under its name (the anonymous one is nobody's), with the folios it was given.
    items, _cursor, _removed = pull(live, committed_database, phone)
    pulled = {item["id"]: item["data"]["folio"] for item in items if item["type"] == "complaint"}
    assert pulled[ids[1]] == results[0]["data"]["folio"] and pulled[ids[3]] == results[3]["data"]["folio"]
    assert ids[4] not in pulled and ids[2] not in pulled


def pushed_counting_statements(client, database, phone, sent: list[dict]) -> tuple[list[dict], list[str]]:
    """The results of pushing `sent`, and every SQL statement the push sent to the database."""
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    sa.event.listen(database.engine, "before_cursor_execute", note)
    try:
        return results_of(push(client, phone, sent), sent), statements
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", note)


def test_a_batch_of_filings_is_written_together_in_a_few_statements(live, committed_database) -> None:
    """Fifty filings without photos: their claims, complaints, timeline entries, change-log and audit rows are
    written one INSERT per table (docs/sync.md, "How a batch is applied"), not a dozen statements each; and the
    folios, the pull and the audit chain are those of fifty filings."""
    phone = sign_in(live, "voluntaria@vigia.example")
    sent = [filing() for _ in range(50)]
    results, statements = pushed_counting_statements(live, committed_database, phone, sent)

    assert [r["status"] for r in results] == ["applied"] * 50
    # one INSERT of many rows on SQLite, one COPY on PostgreSQL (server.db.insert_rows)
    writes = {table: [s for s in statements if s.lstrip().upper().startswith((f"INSERT INTO {table} ",
                                                                              f"COPY {table} "))]
              for table in ("COMPLAINTS", "COMPLAINT_UPDATES", "SYNC_MUTATIONS", "SYNC_CHANGES", "AUDIT_ENTRIES")}
    assert all(len(found) == 1 for found in writes.values()), writes
    assert len(statements) < 50, statements  # the whole push, sign-in check and audit chain included
    numbers = [int(r["data"]["folio"].rsplit("-", 1)[1]) for r in results]
    assert numbers == list(range(numbers[0], numbers[0] + 50))
    ids = [m["payload"]["id"] for m in sent]
    assert complaints_filed(committed_database, ids) == set(ids)
    assert audit_entries_about(committed_database, ids) == 50
    items, _cursor, _removed = pull(live, committed_database, phone)
    assert {item["id"] for item in items if item["type"] == "complaint"} >= set(ids)
    assert_chains_verify(live, DEMO)


def test_filings_written_together_read_back_as_sent(live, committed_database) -> None:
    """The group's rows go by COPY on PostgreSQL and by executemany on SQLite (server.db.insert_rows), past the
    ORM: each value must still go through its column's type. The pulled complaints carry the sent point,
    accuracy, texts and attributes; the database's own geometry functions read the point; the claims' stored
    results and the audit entries' JSON come back as written (a replay answers the same)."""
    phone = sign_in(live, "voluntaria@vigia.example")
    points = [[CENTRO[0] + i / 10_000, CENTRO[1] + i / 20_000] for i in range(3)]
    sent = [mutation("complaint.file", complaint_payload(
        location={"type": "Point", "coordinates": point}, accuracy_m=4.5 + i,
        description=f"Banqueta rota número {i}: «ñandú» \\ \t tab")) for i, point in enumerate(points)]
    first = results_of(push(live, phone, sent), sent)
    assert [r["status"] for r in first] == ["applied"] * 3, first

    items, _cursor, _removed = pull(live, committed_database, phone)
    pulled = {item["id"]: item for item in items if item["type"] == "complaint"}
    for i, (m, point) in enumerate(zip(sent, points, strict=True)):
        record = pulled[m["payload"]["id"]]["data"]
        assert record["location"]["coordinates"] == pytest.approx(point, abs=1e-9)
        assert record["description"] == f"Banqueta rota número {i}: «ñandú» \\ \t tab"
    ids = [uuid.UUID(m["payload"]["id"]) for m in sent]
    with committed_database.session_scope() as session:
        xy = dict(session.execute(sa.select(Complaint.id, sa.func.ST_X(Complaint.location))
                                  .where(Complaint.id.in_(ids))).all())
        entries = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_id.in_(ids))).all()
    assert [round(xy[i], 9) for i in ids] == [round(p[0], 9) for p in points]
    assert len(entries) == 3 and all(isinstance(e.data, dict) and e.data for e in entries)
    assert results_of(push(live, phone, sent), sent) == first  # the stored results, read back, answer the replay
    assert_chains_verify(live, DEMO)


def announcing(*photos: bytes) -> dict:
    """A filing that announces photos to be uploaded after it (docs/sync.md, section 4)."""
    return mutation("complaint.file", complaint_payload(attachments=[
        {"id": str(uuid.uuid4()), "sha256": sha256(photo)} for photo in photos]))


def announced_ids(sent: dict) -> list[str]:
    return [item["id"] for item in sent["payload"]["attachments"]]


def test_photos_announced_by_a_batch_of_filings_are_declared_together_and_then_uploaded(
        live, committed_database) -> None:
    """Ten filings announcing two photos each (a phone's outbox after a walk): the declarations are written in
    one statement with the filings (server/sync/attachments.py, "a push's photos"); each filing answers its
    photos as missing, in the order announced; a photo uploaded afterwards joins its complaint and is no longer
    missing in the pull."""
    phone = sign_in(live, "voluntaria@vigia.example")
    photos = [jpeg(48, 32) for _ in range(20)]
    sent = [announcing(photos[2 * i], photos[2 * i + 1]) for i in range(10)]
    results, statements = pushed_counting_statements(live, committed_database, phone, sent)

    assert [r["status"] for r in results] == ["applied"] * 10, results
    assert [r["data"]["missing_attachments"] for r in results] == [announced_ids(m) for m in sent]
    declared = [s for s in statements if s.lstrip().upper().startswith(("INSERT INTO SYNC_ATTACHMENTS ",
                                                                        "COPY SYNC_ATTACHMENTS "))]
    assert len(declared) == 1, declared

    first, second = sent[0]["payload"]["id"], announced_ids(sent[0])
    uploaded = upload(live, phone, first, uuid.UUID(second[0]), photos[0])
    assert uploaded.status_code == 201, uploaded.text
    items, _cursor, _removed = pull(live, committed_database, phone)
    pulled = {item["id"]: item["data"] for item in items if item["type"] == "complaint"}
    assert pulled[first]["missing_attachments"] == second[1:]
    assert pulled[sent[1]["payload"]["id"]]["missing_attachments"] == announced_ids(sent[1])
    assert results_of(push(live, phone, sent), sent) == results  # a replay answers what the push answered


def test_a_resend_of_a_stored_complaint_answers_the_photos_still_missing(live, committed_database) -> None:
    """The same complaint sent again by the phone in a later push (a new mutation id, the photos left out of the
    payload) is the complaint filed before: its answer lists the photos announced then whose bytes have not
    arrived, as the pull does."""
    phone = sign_in(live, "voluntaria@vigia.example")
    first = announcing(jpeg(48, 32))
    results_of(push(live, phone, [first]), [first])
    payload = {key: value for key, value in first["payload"].items() if key != "attachments"}
    again = mutation("complaint.file", payload)
    (result,) = results_of(push(live, phone, [again]), [again])
    assert result["status"] == "applied", result
    assert result["record"]["id"] == first["payload"]["id"]
    assert result["data"]["missing_attachments"] == announced_ids(first)


def test_a_photo_id_announced_twice_is_refused_the_second_time_in_a_batch_or_after(live, committed_database) -> None:
    """An attachment id names one photo of one record: announced again, in the same batch or a later one, for
    another complaint, that filing is refused with 409 attachment_id_taken and nothing of it is kept; the
    filings around it are applied."""
    phone = sign_in(live, "voluntaria@vigia.example")
    photo = jpeg(48, 32)
    first, plain = announcing(photo), filing()
    again = mutation("complaint.file", complaint_payload(attachments=first["payload"]["attachments"]))
    sent = [first, plain, again]
    results = results_of(push(live, phone, sent), sent)
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"], results
    assert results[2]["error"]["code"] == "attachment_id_taken"
    later = mutation("complaint.file", complaint_payload(attachments=first["payload"]["attachments"]))
    sent = [filing(), later]
    results = results_of(push(live, phone, sent), sent)
    assert [r["status"] for r in results] == ["applied", "rejected"], results
    assert results[1]["error"]["code"] == "attachment_id_taken"
    assert complaints_filed(committed_database, [again["payload"]["id"], later["payload"]["id"]]) == set()


def test_filings_declaring_photos_held_already_between_others_take_the_next_folios_in_order(
        live, committed_database) -> None:
    """A filing announcing a photo the municipality holds already is applied on its own (the photo joins it at
    once; server/sync/push.py); the filings around it are written together. Whatever the order, each takes the
    next folio of the counter the push holds: no folio twice, none skipped, in the order sent."""
    phone = sign_in(live, "voluntaria@vigia.example")
    photo = jpeg(48, 32)
    earlier = announcing(photo)
    results_of(push(live, phone, [earlier]), [earlier])
    uploaded = upload(live, phone, earlier["payload"]["id"], uuid.UUID(announced_ids(earlier)[0]), photo)
    assert uploaded.status_code == 201, uploaded.text

    # (the batch, the statements writing complaints: one per filing applied alone, one per group written together)
    for sent, writes in (([announcing(photo), filing(), filing(), announcing(photo), filing()], 4),
                         ([filing(), announcing(photo), announcing(photo), filing()], 4)):
        results, statements = pushed_counting_statements(live, committed_database, phone, sent)
        assert [r["status"] for r in results] == ["applied"] * len(sent), results
        numbers = [int(r["data"]["folio"].rsplit("-", 1)[1]) for r in results]
        assert numbers == list(range(numbers[0], numbers[0] + len(sent))), numbers
        # the bytes held already: nothing to upload for the filings that announce them
        assert all(r["data"]["missing_attachments"] == [] for r in results), results
        # a group that took a folio already given would fail and be applied again one by one: more writes
        written = [s for s in statements if s.lstrip().upper().startswith(("INSERT INTO COMPLAINTS ",
                                                                           "COPY COMPLAINTS "))]
        assert len(written) == writes, written
    assert_chains_verify(live, DEMO)


def test_a_small_batch_of_filings_reads_the_zones_once(live, committed_database) -> None:
    """Ten filings in one push (a phone's usual outbox): the push tells the zone look-up how many points are
    coming, so the municipality's zones are read once rather than asked point by point (server.municipalities
    expect_zone_questions); each complaint still gets its zone."""
    phone = sign_in(live, "voluntaria@vigia.example")
    sent = [filing() for _ in range(10)]
    results, statements = pushed_counting_statements(live, committed_database, phone, sent)
    assert [r["status"] for r in results] == ["applied"] * 10
    # the zones' rows (and, the first time in this process, the shapes not decoded before)
    assert sum(1 for s in statements if "FROM zones" in s) in (1, 2), [s for s in statements if "FROM zones" in s]
    again = [filing() for _ in range(10)]
    _results, statements = pushed_counting_statements(live, committed_database, phone, again)
    assert sum(1 for s in statements if "FROM zones" in s) == 1, [s for s in statements if "FROM zones" in s]
    sent += again
    with committed_database.session_scope() as session:
        zones = set(session.scalars(sa.select(Complaint.zone_id).where(
            Complaint.id.in_([uuid.UUID(m["payload"]["id"]) for m in sent]))))
    assert len(zones) == 1 and None not in zones  # the demo's point lies in Zona Centro
