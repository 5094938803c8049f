"""Filing a complaint (signed in or anonymous): every check before anything is written, the folio, and a push's
filings written together. What to suggest before filing and supporting an existing complaint are in
duplicates.py; what the reporter does with the complaint afterwards, in reporting.py."""

from __future__ import annotations

import collections
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import counters, db, geo
from server.auth.actor import Actor
from server.complaints import deadlines, filings, publication, service
from server.complaints.models import Category, Complaint, ComplaintPhoto, ComplaintUpdate, FolioCounter, Kind
from server.complaints.schemas import ComplaintCreate, Filed
from server.complaints.workflow import State
from server.db import new_id, utcnow
from server.errors import Invalid
from server.media.models import Publication
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.works.service import fold


def _point(data: ComplaintCreate) -> tuple[float, float]:
    return geo.point_position(data.location.model_dump(), field="location")


def _next_folio(session: Session, municipality: Municipality, year: int) -> str:
    """The next folio of the municipality and year, from its counter row, added to in one statement (so two
    filings at the same moment never share a number): one UPDATE of one row by its key, whatever the number of
    complaints. Only the year's first filing reads the complaints: it creates the row, counting on from any folio
    of that year already stored."""
    number = _count_folio(session, municipality, year, 1)
    if (queue := session.info.get(_QUEUE)) is not None:
        queue.base.pop((municipality.id, year), None)  # moved: a later group reads it again
    return f"{municipality.code}-{year}-{number:06d}"


def _count_folio(session: Session, municipality: Municipality, year: int, amount: int) -> int:
    table = FolioCounter.__table__
    number = counters.bump(session, table, where=[table.c.municipality_id == municipality.id, table.c.year == year],
                           column="last_number", amount=amount)
    if number is None:
        prefix = f"{municipality.code}-{year}-"
        highest = sa.func.max(sa.cast(sa.func.substr(Complaint.folio, len(prefix) + 1), sa.Integer))
        first = (sa.select(sa.func.coalesce(highest, 0) + amount)
                 .where(Complaint.municipality_id == municipality.id, Complaint.folio.like(prefix + "%"))
                 .scalar_subquery())
        number = counters.add(session, table, key={"municipality_id": municipality.id, "year": year},
                              column="last_number", amount=amount, first=first)
    return number


def lock_folio_counter(session: Session, municipality: Municipality) -> None:
    """Take this year's folio counter of the municipality (creating it if missing) without using a number, until
    the transaction ends. A batch of filings in several municipalities (server/sync/push.py) takes its counters
    first, in one order, so that two batches never hold one counter each while waiting for the other's."""
    year = service.today_in(municipality).year
    number = _count_folio(session, municipality, year, 0)
    if (queue := session.info.get(_QUEUE)) is not None:
        queue.base[(municipality.id, year)] = number  # the first group counts on from here, not asking again


def _reporter_id(data: ComplaintCreate, actor: Actor) -> uuid.UUID | None:
    # A signed-in person may still choose to file anonymously: then no account is attached. An anonymous device
    # (server/auth/anonymous.py) is the exception: its account holds nothing about anyone, and being the
    # reporter is what lets that phone add to its complaint and pull it; staff never see it (service.py).
    if data.anonymous and not actor.anonymous_device:
        return None
    return actor.user_id


def file(session: Session, *, actor: Actor, municipality: Municipality, data: ComplaintCreate,
         source: str = "api", today: date | None = None, filer: str | None = None) -> Filed:
    """File a complaint. Anonymous reporters get a folio and a secret follow-up code. The same client id sent
    again by the same filer (`filings.filer`; `filer` names one the caller established) with the same content
    returns the complaint filed the first time, with the same code (no copy); from anyone else it is `409
    complaint_id_taken`."""
    filing = file_record(session, actor=actor, municipality=municipality, data=data, source=source, today=today,
                         filer=filer)
    complaint, code = filing.complaint, filing.follow_up_code
    view = service.reporter_view(session, complaint, municipality=municipality, language="es")
    return Filed(complaint=view, follow_up_code=code, created=filing.created,
                 follow_up_url=filings.follow_up_page(municipality, complaint.folio, code) if code else None)


@dataclass(frozen=True)
class Filing:
    """What `file_record` did: the complaint (filed now, or the same one filed before by this filer)."""

    complaint: Complaint
    follow_up_code: str | None
    created: bool


def file_record(session: Session, *, actor: Actor, municipality: Municipality, data: ComplaintCreate,
                source: str = "api", today: date | None = None, filer: str | None = None) -> Filing:
    """`file` without shaping the answer (a sync push answers with the folio only).

    Everything that can refuse the filing is checked before anything is written. Inside a push's fast path
    (`queued`), a filing joining no photos uploaded before it is not written at all here: its rows wait in the
    batch's queue and are written with the others' in one statement per table (`write_queued`), so a refusal
    needs no rollback."""
    prepared = _prepare(session, actor=actor, municipality=municipality, data=data, source=source, today=today,
                        filer=filer)
    if isinstance(prepared, Filing):
        return prepared
    queue = session.info.get(_QUEUE)
    if queue is not None and queue.active and not data.photo_ids:
        return queue.add(session, prepared)
    try:
        with session.begin_nested():  # a failed insert gives its folio number back
            folio = _next_folio(session, municipality, prepared.today.year)
            complaint = Complaint(**_complaint_values(prepared, folio))
            session.add(complaint)
            session.flush()
    except sa.exc.IntegrityError:
        # the same id arrived twice at once (PostgreSQL: this insert waited for the other and lost)
        existing = session.get(Complaint, data.id) if data.id is not None else None
        if existing is None:
            raise
        return Filing(existing, filings.resent_code(session, existing, data, actor, municipality, prepared.filer),
                      False)
    attach_photos(session, municipality, complaint, data.photo_ids)
    session.add(ComplaintUpdate(**_timeline_values(complaint.id, complaint.created_at)))
    _record_created(session, complaint, prepared)
    session.flush()
    return Filing(complaint, prepared.code, True)


@dataclass
class _Prepared:
    """A filing checked and computed, nothing written yet: all but its folio."""

    complaint_id: uuid.UUID
    municipality: Municipality
    data: ComplaintCreate
    source: str
    filer: str | None
    reporter_id: uuid.UUID | None
    point: Any
    category: Category
    work_id: uuid.UUID | None
    zone_id: uuid.UUID | None
    today: date
    created_at: datetime
    due_on: date
    referral_due_on: date
    code: str | None
    at_once: bool


def _prepare(session: Session, *, actor: Actor, municipality: Municipality, data: ComplaintCreate, source: str,
             today: date | None, filer: str | None) -> _Prepared | Filing:
    """Every check a filing makes, and every value it computes, before it writes anything; or the complaint
    filed before with this id by this filer (a resend: nothing to write)."""
    filer = filings.filer(actor, data, filer)
    if data.id is not None:
        queue = session.info.get(_QUEUE)
        # In a push's fast path the batch asked once which of its complaint ids exist already.
        known_absent = queue is not None and queue.active and data.id not in queue.existing
        existing = None if known_absent else session.get(Complaint, data.id)
        if existing is not None:
            return Filing(existing, filings.resent_code(session, existing, data, actor, municipality, filer), False)
    actor_id = _reporter_id(data, actor)
    if not actor.is_authenticated and not data.anonymous:
        raise Invalid.for_field("anonymous", "anonymous_required")
    lon, lat = _point(data)
    municipalities.check_point(municipality, lon=lon, lat=lat, field="location")
    category = service.category_by_code(session, municipality, data.category)
    _check_attributes(category, data.attributes)
    work_id = None
    if data.work_id is not None:
        from server.works import service as works

        work_id = works.get(session, municipality=municipality, work_id=data.work_id).id
    zone = municipalities.zone_at(session, municipality=municipality, lon=lon, lat=lat)
    replayed_day = today  # a past date only for imports and the demo data
    today = today or service.today_in(municipality)
    term = deadlines.term_for(session, municipality, data.kind)
    complaint_id = data.id or new_id()
    code = None
    if data.anonymous:
        code = filings.follow_up_code(complaint_id, filer) if filer and data.id else filings.new_code()
    # The text of the kinds the municipality deems safe is public at once; the rest waits for a moderator, and a
    # confidential complaint or a denuncia is never public in full (server/complaints/publication.py).
    at_once = not data.confidential and publication.text_public_at_once(session, municipality, data.kind)
    return _Prepared(
        complaint_id=complaint_id, municipality=municipality, data=data, source=source, filer=filer,
        reporter_id=actor_id, point=geo.point_element(lon, lat), category=category, work_id=work_id,
        zone_id=zone.id if zone else None, today=today, created_at=service.moment(municipality, replayed_day),
        due_on=deadlines.add_business_days(session, municipality, today, term),
        referral_due_on=deadlines.add_business_days(session, municipality, today, deadlines.REFERRAL_TERM),
        code=code, at_once=at_once)


def _complaint_values(prepared: _Prepared, folio: str) -> dict[str, Any]:
    """The complaint's columns, as the ORM (one filing) and the batch's one INSERT (`write_queued`) write them."""
    data, contact, code = prepared.data, prepared.data.contact, prepared.code
    return dict(
        id=prepared.complaint_id, municipality_id=prepared.municipality.id, folio=folio, kind=data.kind,
        category_id=prepared.category.id, description=data.description, location=prepared.point,
        accuracy_m=data.accuracy_m, address=data.address, work_id=prepared.work_id, zone_id=prepared.zone_id,
        attributes=data.attributes, source=prepared.source, received_on=prepared.today,
        created_at=prepared.created_at, due_on=prepared.due_on, referral_due_on=prepared.referral_due_on,
        reporter_id=prepared.reporter_id, anonymous=data.anonymous,
        follow_up_digest=filings.follow_up_digest(folio, filings.canonical_code(code)) if code else None,
        contact_name=contact.name if contact else None, contact_email=contact.email if contact else None,
        contact_phone=contact.phone if contact else None, confidential=data.confidential,
        text_publication=Publication.published if prepared.at_once else Publication.pending,
    )


def _timeline_values(complaint_id: uuid.UUID, at: datetime) -> dict[str, Any]:
    return dict(complaint_id=complaint_id, kind="transition", to_state=State.received.value, by_reporter=True,
                at=at)


def _record_created(session: Session, complaint: Any, prepared: _Prepared) -> None:
    """The audit entry of a filing (`complaint`: the Complaint, or the batch's `_Queued` stand-in)."""
    data = prepared.data
    service.record(session, complaint, "created", None, by="reporter", data={
        "kind": Kind(data.kind).value, "category": prepared.category.service_code, "state": State.received.value,
        "due_on": prepared.due_on.isoformat(), "anonymous": data.anonymous, "source": prepared.source,
        "confidential": data.confidential,
        "text_publication": (Publication.published if prepared.at_once else Publication.pending).value,
        "photos": [str(p) for p in data.photo_ids],
        "description_hmac": service.commit_text(data.description),
    })


# ------------------------------------------------------------------------------------------------ a push's filings


_QUEUE = "complaint_filing_queue"


@dataclass
class _Queued:
    """A filing waiting in the batch's queue: what the intent and the audit entry read of its complaint."""

    id: uuid.UUID
    municipality_id: uuid.UUID
    folio: str
    reporter_id: uuid.UUID | None
    key: tuple[uuid.UUID, int]  # (municipality, year) of its folio
    values: dict[str, Any]


class _FilingQueue:
    """The filings of a push written together (`filed_at_end`). Folio numbers are given in memory from the
    counter's value, read (and locked) once per group; `write_queued` moves the counter past them in one
    statement and checks that it lands where the numbers say."""

    def __init__(self, existing: set[uuid.UUID]) -> None:
        self.existing = existing  # the batch's complaint ids already stored when it began
        self.active = False  # only the filings of the push's fast path are queued
        self.entries: list[_Queued] = []
        self.base: dict[tuple[uuid.UUID, int], int] = {}  # (municipality, year) -> counter when read
        self.given: dict[tuple[uuid.UUID, int], int] = {}  # (municipality, year) -> numbers queued after it

    def add(self, session: Session, prepared: _Prepared) -> Filing:
        municipality, year = prepared.municipality, prepared.today.year
        key = (municipality.id, year)
        if key not in self.base:
            self.base[key] = _count_folio(session, municipality, year, 0)  # already locked by the push
        number = self.base[key] + self.given.get(key, 0) + 1
        self.given[key] = self.given.get(key, 0) + 1
        folio = f"{municipality.code}-{year}-{number:06d}"
        queued = _Queued(prepared.complaint_id, municipality.id, folio, prepared.reporter_id, key,
                         _complaint_values(prepared, folio))
        self.entries.append(queued)
        _record_created(session, queued, prepared)
        return Filing(queued, prepared.code, True)  # type: ignore[arg-type]


@contextmanager
def filed_at_end(session: Session, complaint_ids: list[uuid.UUID]) -> Iterator[None]:
    """Let a push queue its filings (see `queueing`): which of `complaint_ids` exist is asked once here."""
    existing: set[uuid.UUID] = set()
    for start in range(0, len(complaint_ids), 500):
        chunk = complaint_ids[start:start + 500]
        existing.update(session.scalars(sa.select(Complaint.id).where(db.among(session, Complaint.id, chunk))))
    session.info[_QUEUE] = _FilingQueue(existing)
    try:
        yield
    finally:
        session.info.pop(_QUEUE, None)


@contextmanager
def queueing(session: Session) -> Iterator[None]:
    """Inside `filed_at_end`: filings made in this block (joining no uploaded photos) are queued, not written."""
    queue: _FilingQueue = session.info[_QUEUE]
    queue.active = True
    try:
        yield
    finally:
        queue.active = False


def new_in_batch(session: Session, complaint_id: uuid.UUID) -> bool:
    """Inside `filed_at_end`: whether no complaint had this id when the batch began."""
    return complaint_id not in session.info[_QUEUE].existing


def queued_count(session: Session) -> int:
    return len(session.info[_QUEUE].entries)


def drop_queued(session: Session, keep: int = 0) -> None:
    """Forget the queued filings after the first `keep` (a refused or failed mutation's, or a group that will be
    applied again one by one); their folio numbers are given again."""
    queue: _FilingQueue = session.info[_QUEUE]
    del queue.entries[keep:]
    queue.given = dict(collections.Counter(entry.key for entry in queue.entries))
    if keep == 0:
        queue.base.clear()


def write_queued(session: Session) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None, str]]:
    """Write the queued filings: the folio counters moved past their numbers (one UPDATE per municipality and
    year), the complaints and their first timeline entries, one INSERT each. Returns the changes for the change
    log, `(complaint id, municipality id, reporter id, "upsert")`, which the caller (the push) logs with
    `capture.log` in the same transaction (this domain does not import the sync layer)."""
    queue: _FilingQueue = session.info[_QUEUE]
    entries, bases, numbers = list(queue.entries), dict(queue.base), dict(queue.given)
    queue.entries.clear()
    queue.base.clear()  # the next group reads the counters again (a mutation applied alone may move them)
    queue.given.clear()
    if not entries:
        return []
    table = FolioCounter.__table__
    for (municipality_id, year), base in sorted(bases.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        given = numbers.get((municipality_id, year), 0)
        if not given:
            continue
        number = counters.bump(session, table, where=[table.c.municipality_id == municipality_id,
                                                      table.c.year == year], column="last_number", amount=given)
        if number != base + given:  # never: the push holds the counter's row from its start
            raise RuntimeError(f"folio counter moved under a locked batch ({number} != {base} + {given})")
    rows = [{**entry.values, "search_text": fold(entry.values["description"] or ""),
             "updated_at": entry.values["created_at"]} for entry in entries]
    db.insert_rows(session, Complaint.__table__, rows)
    timeline = [{"id": new_id(), **_timeline_values(entry.id, entry.values["created_at"])} for entry in entries]
    db.insert_rows(session, ComplaintUpdate.__table__, timeline)
    return [(entry.id, entry.municipality_id, entry.reporter_id, "upsert") for entry in entries]


def _check_attributes(category: Category, values: dict[str, Any]) -> None:
    """Open311 attributes: required ones present, single/multi value lists respected."""
    known = {attribute["code"]: attribute for attribute in category.attributes}
    for code in values:
        if code not in known:
            raise Invalid.for_field(f"attributes.{code}", "unknown_attribute", code=code)
    for code, attribute in known.items():
        value = values.get(code)
        if attribute.get("required") and value in (None, "", []):
            raise Invalid.for_field(f"attributes.{code}", "attribute_required", code=code)
        allowed = {item["key"] for item in attribute.get("values", [])}
        if allowed and value not in (None, ""):
            given = value if isinstance(value, list) else [value]
            if attribute.get("datatype") == "singlevaluelist" and len(given) > 1:
                raise Invalid.for_field(f"attributes.{code}", "attribute_single_value", code=code)
            if any(str(item) not in allowed for item in given):
                raise Invalid.for_field(f"attributes.{code}", "attribute_value_unknown", code=code)


def attach_photos(session: Session, municipality: Municipality, complaint: Complaint,
                  photo_ids: list[uuid.UUID]) -> None:
    """Join photos uploaded before (`POST …/photos`, this municipality's) to the complaint, each once: at filing
    and when the reporter adds information (server/complaints/reporting.py)."""
    from server.media import service as media

    for photo_id in dict.fromkeys(photo_ids):
        photo = media.get(session, municipality=municipality, photo_id=photo_id)
        session.merge(ComplaintPhoto(complaint_id=complaint.id, photo_id=photo.id))
    session.flush()


def attach_uploaded_photo(session: Session, *, municipality: Municipality, complaint_id: uuid.UUID,
                          photo_id: uuid.UUID) -> None:
    """A photo the reporter declared offline has arrived (server.sync): it joins the complaint's evidence."""
    complaint = service.get(session, municipality=municipality, complaint_id=complaint_id)
    if session.get(ComplaintPhoto, (complaint.id, photo_id)) is not None:
        return
    session.add(ComplaintPhoto(complaint_id=complaint.id, photo_id=photo_id))
    complaint.updated_at = utcnow()
    service.record(session, complaint, "photo_added", None, by="reporter", data={"photo": str(photo_id)})
    session.flush()
