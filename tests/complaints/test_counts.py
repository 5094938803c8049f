"""Numbers kept beside rows are added to by the database, never read, changed in Python and written back: folios
come from a counter row per municipality and year, support counts grow with `support_count + n`. A write made
by another transaction between our read and our write is emulated by changing the row behind the session's
back; the HTTP crowd tests are in tests/reliability/test_concurrency.py."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa

from server.auth.actor import ANONYMOUS
from server.complaints import duplicates, intake, triage
from server.complaints.models import Complaint, FolioCounter
from server.complaints.schemas import ComplaintCreate, MergeCreate, SupportCreate
from server.sync.models import Change
from tests.factories import complaint_body, make_user, municipality, staff_actor, today


def behind_our_back(session, statement) -> None:
    """Another transaction's write: the row changes, the objects this session already read do not."""
    session.execute(statement.execution_options(synchronize_session=False))


def _file(session, place, **fields):
    data = ComplaintCreate.model_validate(complaint_body(anonymous=True, **fields))
    return intake.file(session, actor=ANONYMOUS, municipality=place, data=data)


def _counter(session, place, year: int) -> int | None:
    return session.scalar(sa.select(FolioCounter.last_number).where(FolioCounter.municipality_id == place.id,
                                                                    FolioCounter.year == year))


def test_folios_come_from_the_counter_of_the_municipality_and_year(session) -> None:
    place = municipality(session)
    year = today().year
    before = _counter(session, place, year) or 0
    first = _file(session, place).complaint.folio
    second = _file(session, place).complaint.folio
    assert (first, second) == (f"10005-{year}-{before + 1:06d}", f"10005-{year}-{before + 2:06d}")
    assert _counter(session, place, year) == before + 2
    # another transaction took numbers meanwhile: the next folio follows them, whatever this session read
    session.execute(sa.update(FolioCounter).where(FolioCounter.municipality_id == place.id,
                                                  FolioCounter.year == year)
                    .values(last_number=FolioCounter.last_number + 3))
    assert _file(session, place).complaint.folio == f"10005-{year}-{before + 6:06d}"


def test_a_year_without_a_counter_starts_after_the_folios_it_already_has(session) -> None:
    place = municipality(session)
    year = today().year + 3  # a year the demo data never reaches
    assert _counter(session, place, year) is None
    session.execute(sa.insert(Complaint.__table__).from_select(
        [c.name for c in Complaint.__table__.columns],
        sa.select(*[(sa.literal(uuid.uuid4(), sa.Uuid()) if c.name == "id" else
                     sa.literal(f"10005-{year}-000041") if c.name == "folio" else c)
                    for c in Complaint.__table__.columns]).limit(1)))
    data = ComplaintCreate.model_validate(complaint_body(anonymous=True))
    filed = intake.file(session, actor=ANONYMOUS, municipality=place, data=data, today=date(year, 3, 2))
    assert filed.complaint.folio == f"10005-{year}-000042"
    assert _counter(session, place, year) == 42


def test_supports_add_to_the_count_in_the_database(session) -> None:
    place = municipality(session)
    filed = _file(session, place)
    complaint = session.get(Complaint, filed.complaint.id)
    assert complaint.support_count == 0
    # four supports committed by other requests since this session read the complaint
    behind_our_back(session, sa.update(Complaint).where(Complaint.id == complaint.id).values(support_count=4))
    supported = duplicates.support(session, actor=ANONYMOUS, municipality=place, complaint_id=complaint.id,
                                   data=SupportCreate(supporter_key="telefono-de-la-vecina"))
    assert supported.support_count == 5
    session.flush()
    session.expire_all()
    assert session.get(Complaint, complaint.id).support_count == 5
    logged = session.scalar(sa.select(sa.func.count()).select_from(Change).where(Change.entity_id == complaint.id))
    assert logged is not None  # the change is logged like any other (anonymous complaints have no puller)


def test_a_merge_adds_to_the_count_the_database_holds(session) -> None:
    place = municipality(session)
    staff = staff_actor(session)
    target = session.get(Complaint, _file(session, place).complaint.id)
    duplicate = _file(session, place, description="La misma banqueta rota frente a la tienda.").complaint
    supporter = staff_actor(session, make_user(session).email)
    duplicates.support(session, actor=supporter, municipality=place, complaint_id=duplicate.id, data=SupportCreate())
    assert target.support_count == 0
    behind_our_back(session, sa.update(Complaint).where(Complaint.id == target.id).values(support_count=7))
    version = session.get(Complaint, duplicate.id).version
    triage.merge(session, actor=staff, municipality=place, complaint_id=duplicate.id, language="es",
                 data=MergeCreate(duplicate_of=target.id, reason="Es la misma banqueta", version=version))
    session.flush()
    session.expire_all()
    assert session.get(Complaint, target.id).support_count == 7 + 1 + 1  # its own, the reporter, the supporter
