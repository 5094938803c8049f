"""Pull (docs/sync.md, section 3) as a phone sees it: what each role gets on its first pull, that nobody is ever
served who filed a complaint, incremental pulls, deletions and lost or gained access, pages and the cursor."""

from __future__ import annotations

import gzip
import json
import uuid
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from server import db
from server.auth import service as auth
from server.auth.models import Role
from server.committees import members
from server.committees import service as committees
from server.committees.models import Committee, Member
from server.committees.schemas import MemberCreate, MemberEnd
from server.complaints.models import Complaint
from server.db import utcnow
from server.inspections.models import FormTemplate, FormVersion
from server.sync import log
from server.works import service as works
from server.works.models import Work, WorkUpdate
from tests.factories import (
    DEMO,
    DEMO_ACCOUNTS,
    OTHER,
    OTHER_ADMIN,
    line,
    make_user,
    make_work,
    municipality,
    staff_actor,
)
from tests.sync.helpers import Phone, complaint_payload, mutation, pull, pull_all, settle, sign_in

VOLUNTEER = DEMO_ACCOUNTS[Role.volunteer]
MEMBER = DEMO_ACCOUNTS[Role.committee_member]
COORDINATOR = DEMO_ACCOUNTS[Role.committee_coordinator]
COMPTROLLER = DEMO_ACCOUNTS[Role.comptroller]
PASSWORD = "una-clave-segura"
PULL = "/api/v1/sync/pull"


# ------------------------------------------------------------------------------------------------ helpers


def scopes_of(items: list[dict]) -> Counter:
    return Counter((item["type"], item["scope"]) for item in items)


def upserted(items: list[dict], kind: str) -> set[str]:
    return {item["id"] for item in items if item["type"] == kind and item["op"] == "upsert"}


def file_complaint(live, phone: Phone, **fields) -> str:
    payload = complaint_payload(**fields)
    response = live.post("/api/v1/sync/push", json={"mutations": [mutation("complaint.file", payload)]},
                         headers=phone.headers)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied", response.text
    return payload["id"]


def new_person(database: db.Database, *roles: Role, code: str = DEMO) -> str:
    email = f"persona-{uuid.uuid4().hex[:8]}@vigia.example"
    with database.session_scope() as session:
        make_user(session, *roles, code=code, email=email, password=PASSWORD)
    return email


def join(database: db.Database, user_id: uuid.UUID, committee_id: uuid.UUID) -> uuid.UUID:
    """The coordinator adds the person to the committee from today; the member's id."""
    with database.session_scope() as session:
        target = municipality(session)
        member = members.add(session, actor=staff_actor(session, COORDINATOR), municipality=target,
                             committee_id=committee_id,
                             data=MemberCreate(full_name="Persona de Prueba", sex="F", role="member_at_large",
                                               user_id=user_id, start_on=date(2026, 1, 5)))
        return member.id


def active_committee(database: db.Database, *, other_than: set[uuid.UUID] = frozenset()) -> uuid.UUID:
    """An active committee of the demo municipality that has meetings or visits to serve."""
    with database.session_scope() as session:
        rows = session.scalars(sa.select(Committee.id).where(Committee.municipality_id == municipality(session).id,
                                                             Committee.state == "active")
                               .order_by(Committee.id)).all()
    return next(committee_id for committee_id in rows if committee_id not in other_than)


def edit_title(database: db.Database, work_id: str, title: str) -> None:
    with database.session_scope() as session:
        target = municipality(session, code_of_work(session, work_id))
        work = works.get(session, municipality=target, work_id=uuid.UUID(work_id))
        works.update(session, actor=staff_actor(session, COMPTROLLER if target.code == DEMO else
                                                "contraloria.gomez@vigia.example"),
                     municipality=target, work_id=work.id, data=WorkUpdate(version=work.version, title=title))


def code_of_work(session, work_id: str) -> str:
    work = session.get(Work, uuid.UUID(work_id))
    return DEMO if work.municipality_id == municipality(session, DEMO).id else OTHER


def new_work(database: db.Database, code: str = DEMO, title: str = "Rehabilitación de la plaza") -> str:
    with database.session_scope() as session:
        return str(make_work(session, code=code, title=title).id)


def delete_work(database: db.Database, work_id: str) -> None:
    """Works have no delete use case yet: a work is soft-deleted by setting `deleted_at` (as imports revive it)."""
    with database.session_scope() as session:
        session.get(Work, uuid.UUID(work_id)).deleted_at = utcnow()


# ------------------------------------------------------------------------------------------------ first pull


def test_a_volunteer_gets_the_works_and_forms_of_the_municipality_and_their_own_complaints(live, committed_database):
    phone = sign_in(live, VOLUNTEER)
    mine = file_complaint(live, phone)
    items, cursor, removed = pull(live, committed_database, phone)

    assert set(scopes_of(items)) == {("work", "works:10005"), ("form_version", "forms:10005"), ("complaint", "mine")}
    assert removed == [] and cursor
    with committed_database.session_scope() as session:
        demo = municipality(session)
        live_works = {str(i) for i in session.scalars(sa.select(Work.id).where(Work.municipality_id == demo.id,
                                                                               Work.deleted_at.is_(None)))}
        published = {str(i) for i in session.scalars(
            sa.select(FormVersion.id).join(FormTemplate, FormTemplate.id == FormVersion.template_id)
            .where(FormTemplate.municipality_id == demo.id, FormVersion.published_at.is_not(None)))}
        own = {str(i) for i in session.scalars(sa.select(Complaint.id).where(Complaint.reporter_id == phone.user_id))}
    assert upserted(items, "work") == live_works
    assert upserted(items, "form_version") == published and published
    assert upserted(items, "complaint") == own and mine in own


def test_a_committee_member_gets_only_their_own_committee(live, committed_database):
    coordinator = pull(live, committed_database, sign_in(live, COORDINATOR))[0]
    phone = sign_in(live, MEMBER)
    items, _, _ = pull(live, committed_database, phone)

    with committed_database.session_scope() as session:
        own = set(session.scalars(sa.select(Member.committee_id).where(Member.user_id == phone.user_id,
                                                                       Member.end_on.is_(None))))
    assert len(own) == 1
    committee_id = str(own.pop())
    scope = f"committee:{committee_id}"
    records = [item for item in items if item["type"] in ("committee", "meeting", "visit")]
    assert {item["scope"] for item in records} == {scope}
    assert upserted(items, "committee") == {committee_id}
    assert all(item["data"]["committee_id"] == committee_id for item in records if item["type"] != "committee")
    # Exactly the meetings and visits the coordinator gets for that committee, and none of any other one.
    theirs = {(item["type"], item["id"]) for item in coordinator
              if item["type"] in ("meeting", "visit") and item["data"]["committee_id"] == committee_id}
    assert {(item["type"], item["id"]) for item in records if item["type"] != "committee"} == theirs
    assert any(kind == "meeting" for kind, _ in theirs) and any(kind == "visit" for kind, _ in theirs)


def test_the_coordinator_gets_every_committee_of_the_municipality(live, committed_database):
    items, _, _ = pull(live, committed_database, sign_in(live, COORDINATOR))

    with committed_database.session_scope() as session:
        every = {str(i) for i in session.scalars(sa.select(Committee.id)
                                                 .where(Committee.municipality_id == municipality(session).id))}
    assert upserted(items, "committee") == every
    assert {item["scope"] for item in items if item["type"] in ("committee", "meeting", "visit")} == \
        {"committees:10005"}
    assert upserted(items, "meeting") and upserted(items, "visit")


def test_a_first_pull_in_small_pages_serves_each_record_once(live, committed_database):
    # demo records were written more than once (a complaint is filed in two flushes, works get progress...)
    items, _, _ = pull(live, committed_database, sign_in(live, COORDINATOR), limit=7)
    served = Counter((item["type"], item["id"]) for item in items)
    assert served and max(served.values()) == 1, served.most_common(3)


def test_another_municipality_is_never_served(live, committed_database):
    theirs = new_work(committed_database, OTHER, title="Drenaje pluvial en Gómez Palacio")
    volunteer, _, _ = pull(live, committed_database, sign_in(live, VOLUNTEER))
    admin, _, _ = pull(live, committed_database, sign_in(live, OTHER_ADMIN))

    assert theirs not in {item["id"] for item in volunteer}
    assert {item["scope"] for item in admin} <= {"works:10007", "forms:10007", "mine"}
    assert theirs in upserted(admin, "work")
    assert not {item["id"] for item in admin} & {item["id"] for item in volunteer}


# ------------------------------------------------------------------------------------------------ reporters


def test_complaints_never_say_who_filed_them_and_only_reach_their_reporter(live, committed_database):
    reporter = sign_in(live, VOLUNTEER)
    named = file_complaint(live, reporter)
    anonymous = file_complaint(live, reporter, anonymous=True,
                               contact={"name": "Rosa", "email": "rosa@correo.example"})
    _, reporter_cursor, _ = pull(live, committed_database, reporter)  # past the complaint filed
    staff = sign_in(live, COMPTROLLER)
    response = live.post(f"/api/v1/municipalities/{DEMO}/complaints/{named}/transitions",
                         headers={"Authorization": f"Bearer {staff.token}"},
                         json={"to": "admitted", "reason": "Competencia de la contraloría", "version": 1})
    assert response.status_code == 200, response.text

    served = {role: pull(live, committed_database, sign_in(live, email))[0]
              for role, email in DEMO_ACCOUNTS.items()}
    served["national"] = pull(live, committed_database, sign_in(live, "nacional@vigia.example"))[0]
    again, _, _ = pull(live, committed_database, reporter, reporter_cursor)

    complaints = [item for items in served.values() for item in items if item["type"] == "complaint"] + \
        [item for item in again if item["type"] == "complaint"]
    for item in complaints:
        assert item["scope"] == "mine"
        assert not {"reporter_id", "contact", "anonymous", "reporter"} & set(item["data"]), item["data"].keys()
    volunteers = {item["id"] for item in served[Role.volunteer] if item["type"] == "complaint"}
    assert named in volunteers and anonymous not in volunteers
    for role, items in served.items():
        ids = {item["id"] for item in items}
        assert anonymous not in ids, role
        if role != Role.volunteer:
            assert named not in ids, role  # not even the comptroller who answered it, nor the national admin
    with committed_database.session_scope() as session:
        others = set(session.scalars(sa.select(Complaint.id).where(Complaint.reporter_id.is_not(None),
                                                                   Complaint.reporter_id != reporter.user_id)))
    assert not {uuid.UUID(i) for i in volunteers} & others
    assert [(item["id"], item["data"]["state"]) for item in again if item["type"] == "complaint"] == \
        [(named, "admitted")]
    # the complaint's version comes with it: the base_version of the reporter's complaint.edit_description
    assert [item["data"]["version"] for item in again if item["type"] == "complaint"] == [2]


# ------------------------------------------------------------------------------------------------ incremental


def test_the_next_pull_serves_exactly_what_changed(live, committed_database):
    phone = sign_in(live, VOLUNTEER)
    complaint = file_complaint(live, phone)
    work = new_work(committed_database)
    _, cursor, _ = pull(live, committed_database, phone)

    staff = sign_in(live, COMPTROLLER)
    response = live.post(f"/api/v1/municipalities/{DEMO}/complaints/{complaint}/transitions",
                         headers={"Authorization": f"Bearer {staff.token}"},
                         json={"to": "needs_clarification", "reason": "Falta la ubicación exacta", "version": 1,
                               "public_answer": "¿Podría indicar entre qué calles está la banqueta?"})
    assert response.status_code == 200, response.text
    items, cursor, removed = pull(live, committed_database, phone, cursor)

    assert [(item["type"], item["id"], item["op"]) for item in items] == [("complaint", complaint, "upsert")]
    assert items[0]["data"]["state"] == "needs_clarification"
    assert items[0]["data"]["public_answer"] == "¿Podría indicar entre qué calles está la banqueta?"
    assert removed == []

    edit_title(committed_database, work, "Rehabilitación de la plaza principal")
    items, cursor, _ = pull(live, committed_database, phone, cursor)
    assert [(item["type"], item["id"], item["scope"]) for item in items] == [("work", work, "works:10005")]
    assert items[0]["data"]["title"] == "Rehabilitación de la plaza principal"


def test_an_empty_pull_is_small_and_its_cursor_works_again(live, committed_database):
    phone = sign_in(live, VOLUNTEER)
    _, cursor, _ = pull(live, committed_database, phone)
    for _ in range(2):
        settle(committed_database)
        response = live.get(PULL, params={"cursor": cursor}, headers=phone.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["items"] == [] and page["removed_scopes"] == [] and page["has_more"] is False
        assert page["reset"] is False and page["cursor"]
        assert len(gzip.compress(response.content)) < 300
        cursor = page["cursor"]


# ------------------------------------------------------------------------------------------------ deletions


def test_a_deleted_work_comes_as_a_deletion(live, committed_database):
    phone = sign_in(live, VOLUNTEER)
    work = new_work(committed_database)
    items, cursor, _ = pull(live, committed_database, phone)
    assert work in upserted(items, "work")

    delete_work(committed_database, work)
    items, cursor, _ = pull(live, committed_database, phone, cursor)
    assert items == [{"type": "work", "id": work, "scope": "works:10005", "op": "delete", "data": None}]
    # A new phone is told of the deletion too (it may hold nothing, dropping nothing is harmless), never the work.
    fresh, _, _ = pull(live, committed_database, sign_in(live, VOLUNTEER))
    assert work not in upserted(fresh, "work")


def test_a_member_who_leaves_the_committee_is_told_to_drop_it(live, committed_database):
    email = new_person(committed_database, Role.committee_member)
    phone = sign_in(live, email, PASSWORD)
    committee_id = active_committee(committed_database)
    member_id = join(committed_database, phone.user_id, committee_id)
    scope = f"committee:{committee_id}"
    items, cursor, _ = pull(live, committed_database, phone)
    assert upserted(items, "committee") == {str(committee_id)}

    with committed_database.session_scope() as session:
        target = municipality(session)
        members.end(session, actor=staff_actor(session, COORDINATOR), municipality=target,
                    committee_id=committee_id, member_id=member_id,
                    data=MemberEnd(end_on=committees.today_in(target)))
    items, cursor, removed = pull(live, committed_database, phone, cursor)
    assert removed == [scope] and items == []

    # Later changes of that committee never reach the phone again, and it is told to drop it only once.
    with committed_database.session_scope() as session:
        committee = session.get(Committee, committee_id)
        committee.name = committee.name + " "
    items, _, removed = pull(live, committed_database, phone, cursor)
    assert items == [] and removed == []


def test_a_new_membership_or_role_is_served_from_the_beginning_and_the_rest_keeps_its_place(live,
                                                                                          committed_database):
    email = new_person(committed_database, Role.volunteer)
    phone = sign_in(live, email, PASSWORD)
    first, cursor, _ = pull(live, committed_database, phone)
    assert {item["type"] for item in first} == {"work", "form_version"}

    # A role in another municipality: its works and forms from the beginning, in small pages.
    with committed_database.session_scope() as session:
        auth.grant(session, user=auth.get_by_email(session, email),
                   municipality_id=municipality(session, OTHER).id, role=Role.volunteer)
    theirs = new_work(committed_database, OTHER, title="Alumbrado público en Gómez Palacio")
    # A membership without the committee_member role shows nothing of the committee (as on the web).
    committee_id = active_committee(committed_database)
    join(committed_database, phone.user_id, committee_id)
    items, cursor, removed = pull(live, committed_database, phone, cursor, limit=3)
    assert removed == []
    assert {item["scope"] for item in items} == {"works:10007", "forms:10007"}
    assert theirs in upserted(items, "work") and all(item["op"] == "upsert" for item in items)

    with committed_database.session_scope() as session:
        auth.grant(session, user=auth.get_by_email(session, email),
                   municipality_id=municipality(session).id, role=Role.committee_member)
    items, cursor, removed = pull(live, committed_database, phone, cursor, limit=3)
    assert removed == []
    scope = f"committee:{committee_id}"
    assert {item["scope"] for item in items} == {scope}  # what it held is not served again
    assert upserted(items, "committee") == {str(committee_id)}
    coordinator, _, _ = pull(live, committed_database, sign_in(live, COORDINATOR))
    backfill = {(item["type"], item["id"]) for item in coordinator if item["type"] in ("meeting", "visit")
                and item["data"]["committee_id"] == str(committee_id)}
    assert backfill and backfill == {(item["type"], item["id"]) for item in items if item["type"] != "committee"}
    assert all(item["op"] == "upsert" for item in items)
    items, _, _ = pull(live, committed_database, phone, cursor)
    assert items == []


# ------------------------------------------------------------------------------------------------ pages


def test_small_pages_add_up_to_one_big_pull(live, committed_database):
    phone = sign_in(live, COORDINATOR)
    settle(committed_database)
    whole, _, _ = pull_all(live, phone, limit=1000, max_bytes=4_194_304)
    pages, cursor = [], None
    for _ in range(500):
        response = live.get(PULL, params={"limit": 5, **({"cursor": cursor} if cursor else {})},
                            headers=phone.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert all(len(page["items"]) <= 5 for page in pages)
    assert all(page["has_more"] for page in pages[:-1]) and len(pages) > 10
    assert {(i["type"], i["id"], i["op"]) for p in pages for i in p["items"]} == \
        {(i["type"], i["id"], i["op"]) for i in whole}


def test_max_bytes_bounds_the_page(live, committed_database):
    phone = sign_in(live, COORDINATOR)
    settle(committed_database)
    whole, _, _ = pull_all(live, phone, limit=1000, max_bytes=4_194_304)
    seen, cursor, pages = set(), None, 0
    for _ in range(500):
        response = live.get(PULL, params={"max_bytes": 16_384, "limit": 1000, **({"cursor": cursor} if cursor else {})},
                            headers=phone.headers)
        page = response.json()
        assert page["items"] or not page["has_more"]  # never an empty page that asks for more
        if len(page["items"]) > 1:
            items_json = len(response.content) - len(b'{"items":[]}')
            assert items_json <= 16_384 + 1_000, items_json  # the envelope and cursor add a little
        seen |= {(i["type"], i["id"]) for i in page["items"]}
        pages += 1
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert pages > 3
    assert seen == {(i["type"], i["id"]) for i in whole}


def test_a_page_holds_at_least_one_record_however_large(live, committed_database):
    phone = sign_in(live, VOLUNTEER)
    _, cursor, _ = pull(live, committed_database, phone)
    street = line(*[(-104.6700 + n * 0.00001, 24.0200 + (n % 2) * 0.00001) for n in range(1_000)])
    with committed_database.session_scope() as session:
        big = str(make_work(session, title="Pavimentación de la calle larga", geometry=street).id)
    small = new_work(committed_database)
    settle(committed_database)

    pages = []
    for _ in range(10):
        response = live.get(PULL, params={"max_bytes": 16_384, "cursor": cursor}, headers=phone.headers)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = pages[-1]["cursor"]
        if not pages[-1]["has_more"]:
            break
    assert [[item["id"] for item in page["items"]] for page in pages] == [[big], [small]]
    assert len(pages[0]["items"][0]["data"]["geometry"]["coordinates"]) == 1_000
    assert len(json.dumps(pages[0]["items"][0])) > 16_384


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"max_bytes": 16_383}, {"max_bytes": 4_194_305},
                                    {"limit": "muchos"}])
def test_limits_out_of_range_are_refused(live, params):
    phone = sign_in(live, VOLUNTEER)
    response = live.get(PULL, params=params, headers=phone.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert {"code", "message", "details"} <= set(error) and error["message"] and error["details"]


# ------------------------------------------------------------------------------------------------ cursor


def test_a_changed_cursor_is_refused(live, committed_database):
    phone = sign_in(live, VOLUNTEER)
    _, cursor, _ = pull(live, committed_database, phone)
    flipped = cursor[:10] + ("A" if cursor[10] != "A" else "B") + cursor[11:]
    for bad in (flipped, "basura", cursor + "AA", cursor[:-2], "%%%"):
        response = live.get(PULL, params={"cursor": bad}, headers=phone.headers)
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["error"]["code"] == "cursor_invalid"


def test_a_cursor_older_than_the_pruned_log_is_told_to_start_over(live, committed_database):
    phone = sign_in(live, VOLUNTEER)
    _, cursor, _ = pull(live, committed_database, phone)
    delete_work(committed_database, new_work(committed_database))
    settle(committed_database)
    with committed_database.session_scope() as session:
        assert log.prune(session, retention_days=0).deletions >= 1

    response = live.get(PULL, params={"cursor": cursor}, headers=phone.headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["reset"] is True and page["items"] == [] and page["cursor"] is None
    items, cursor, _ = pull(live, committed_database, phone)
    assert upserted(items, "work") and cursor


def test_every_pull_names_the_device_it_comes_from(live):
    phone = sign_in(live, VOLUNTEER)
    other = sign_in(live, VOLUNTEER)
    token = {"Authorization": f"Bearer {phone.token}"}
    cases = [
        ({**token}, 400, "device_required"),
        ({**token, "Vigia-Device": "moto-g"}, 400, "device_required"),
        ({**token, "Vigia-Device": str(other.device_id)}, 403, "device_mismatch"),
        ({"Vigia-Device": str(phone.device_id)}, 401, "auth_required"),
        ({"Authorization": "Bearer inventado", "Vigia-Device": str(phone.device_id)}, 401, "token_invalid"),
    ]
    for headers, status, code in cases:
        response = live.get(PULL, headers=headers)
        assert response.status_code == status, (headers, response.text)
        assert response.json()["error"]["code"] == code


def test_a_page_of_many_complaints_is_loaded_together_and_reads_as_each_record_alone(live, committed_database):
    """A phone back after days offline pulls hundreds of its own filings: the page loads them together
    (server.sync.pull.BULK_LOADERS: a handful of queries, not five per complaint), and each item is exactly what
    the reporter's view of that one complaint gives, with its missing photos and version: the declared photo still missing, a deleted complaint served as a
    deletion."""
    from server.complaints import service as complaints
    from server.sync import attachments

    phone = sign_in(live, VOLUNTEER)
    cursor = pull_all(live, phone)[1]
    attachment = {"id": str(uuid.uuid4()), "sha256": "ab" * 32}
    sent = [mutation("complaint.file", complaint_payload()) for _ in range(40)]
    sent.append(mutation("complaint.file", complaint_payload(attachments=[attachment])))
    response = live.post("/api/v1/sync/push", json={"mutations": sent}, headers=phone.headers)
    assert [r["status"] for r in response.json()["results"]] == ["applied"] * 41, response.text
    ids = [m["payload"]["id"] for m in sent]
    gone = ids[3]
    with committed_database.session_scope() as session:
        session.get(Complaint, uuid.UUID(gone)).deleted_at = utcnow()
    settle(committed_database)

    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    sa.event.listen(committed_database.engine, "before_cursor_execute", note)
    try:
        items, _cursor, _removed = pull_all(live, phone, cursor, limit=1000)
    finally:
        sa.event.remove(committed_database.engine, "before_cursor_execute", note)
    served = {item["id"]: item for item in items if item["type"] == "complaint"}
    assert set(ids) <= set(served)
    assert served[gone]["op"] == "delete" and served[gone]["data"] is None
    assert len(statements) < 30, len(statements)  # 41 complaints: about 200 statements one by one

    with committed_database.session_scope() as session:
        demo = municipality(session, DEMO)
        for complaint_id in ids:
            if complaint_id == gone:
                continue
            complaint = complaints.get(session, municipality=demo, complaint_id=uuid.UUID(complaint_id))
            alone = complaints.reporter_view(session, complaint, municipality=demo, language="es").model_dump(
                mode="json")
            missing = attachments.missing(session, record_type="complaint", record_ids=[complaint.id])[complaint.id]
            alone.update(missing_attachments=[str(item) for item in missing], version=complaint.version)
            assert served[complaint_id]["data"] == alone, complaint_id
    assert served[ids[-1]]["data"]["missing_attachments"] == [attachment["id"]]
