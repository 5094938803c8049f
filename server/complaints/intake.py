"""Filing a complaint (signed in or anonymous), what to suggest before filing, supporting an existing one, and the
reporter's follow-up: reading the answers, adding information, withdrawing."""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from server import counters, db, geo, i18n, limits
from server.auth.actor import Actor
from server.complaints import deadlines, filings, publication, service
from server.complaints.models import (
    Category,
    Complaint,
    ComplaintCreate,
    ComplaintPhoto,
    ComplaintPublic,
    ComplaintUpdate,
    Filed,
    FolioCounter,
    InformationCreate,
    Kind,
    Suggestions,
    Support,
    SupportCreate,
)
from server.complaints.workflow import OPEN_STATES, State
from server.config import get_settings
from server.db import new_id, utcnow
from server.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from server.media.models import Publication
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.works.service import fold

DUPLICATE_RADIUS_M = 250
DUPLICATE_DAYS = 30
WORK_RADIUS_M = 100


def _point(data: ComplaintCreate) -> tuple[float, float]:
    return geo.point_position(data.location.model_dump(), field="location")


def _next_folio(session: Session, municipality: Municipality, year: int) -> str:
    """The next folio of the municipality and year, from its counter row, added to in one statement (so two
    filings at the same moment never share a number): one UPDATE of one row by its key, whatever the number of
    complaints. Only the year's first filing reads the complaints: it creates the row, counting on from any folio
    of that year already stored."""
    return f"{municipality.code}-{year}-{_count_folio(session, municipality, year, 1):06d}"


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
    _count_folio(session, municipality, service.today_in(municipality).year, 0)


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
    (`queued`), a filing with no photos is not written at all here: its rows wait in the batch's queue and are
    written with the others' in one statement per table (`write_queued`), so a refusal needs no rollback."""
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
    _attach_photos(session, municipality, complaint, data.photo_ids)
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
        existing.update(session.scalars(sa.select(Complaint.id).where(Complaint.id.in_(chunk))))
    session.info[_QUEUE] = _FilingQueue(existing)
    try:
        yield
    finally:
        session.info.pop(_QUEUE, None)


@contextmanager
def queueing(session: Session) -> Iterator[None]:
    """Inside `filed_at_end`: filings made in this block (without photos) are queued, not written."""
    queue: _FilingQueue = session.info[_QUEUE]
    queue.active = True
    try:
        yield
    finally:
        queue.active = False


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


def _attach_photos(session: Session, municipality: Municipality, complaint: Complaint,
                   photo_ids: list[uuid.UUID]) -> None:
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


def suggestions(session: Session, *, municipality: Municipality, lon: float, lat: float,
                category: str | None, language: str) -> Suggestions:
    """Before filing: the works within 100 m (nearest first) and likely duplicates (same category, within
    250 m, filed in the last 30 days and not withdrawn), so people can support instead of filing again."""
    from server.works import search

    municipalities.check_point(municipality, lon=lon, lat=lat, field="location")
    works = search.near(session, municipality=municipality, lon=lon, lat=lat, radius_m=WORK_RADIUS_M, limit=5,
                        language=language)
    duplicates: list[ComplaintPublic] = []
    if category is not None:
        found = service.category_by_code(session, municipality, category, field="category")
        since = service.today_in(municipality) - timedelta(days=DUPLICATE_DAYS)
        # Measured to each complaint's public (rounded) point, never its exact one: otherwise asking from many
        # points would trace the 250 m circle around the exact point. Restricted complaints (denuncias,
        # confidential ones) are never suggested: that would tell where they are.
        margin = DUPLICATE_RADIUS_M + 2 * publication.PRECISION_M
        candidates = session.scalars(
            sa.select(Complaint)
            .where(Complaint.municipality_id == municipality.id, Complaint.category_id == found.id,
                   Complaint.deleted_at.is_(None), Complaint.received_on >= since,
                   Complaint.state != State.withdrawn.value, Complaint.duplicate_of_id.is_(None),
                   Complaint.kind != Kind.report.value, Complaint.confidential.is_(False),
                   geo.bbox_filter(session, Complaint.location, "complaints", geo.box_around(lon, lat, margin)))
            .order_by(Complaint.id)
        ).all()
        public_points = [Point(*publication.approximate(*geo.from_db(c.location).coords[0][:2]))
                         for c in candidates]
        distances = geo.metres_from(lon, lat, public_points) if candidates else []
        near = sorted((float(d), c.id.hex, c) for d, c in zip(distances, candidates, strict=True)
                      if d <= DUPLICATE_RADIUS_M)
        duplicates = service.public_views(session, [c for _, _, c in near[:5]], municipality=municipality,
                                          language=language)
    return Suggestions(works=[w.model_dump(mode="json") for w in works], duplicates=duplicates)


def support(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
            data: SupportCreate) -> Complaint:
    """One support per person (per account, or per anonymous device key); only while the complaint is open."""
    # Locked (PostgreSQL) before its state is read: a merge closing it at this moment waits, or is waited for.
    complaint = service.get(session, municipality=municipality, complaint_id=complaint_id, lock=True)
    if State(complaint.state) not in OPEN_STATES:
        raise Conflict("complaint_not_open")
    if actor.is_authenticated:
        if complaint.reporter_id == actor.user_id:
            raise Conflict("own_complaint")
        key = str(actor.user_id)
    elif data.supporter_key:
        key = "anon:" + data.supporter_key
    else:
        raise Invalid.for_field("supporter_key", "supporter_key_required")
    try:
        with session.begin_nested():
            session.add(Support(complaint_id=complaint.id, supporter_key=key[:64]))
            session.flush()
    except sa.exc.IntegrityError:
        return complaint  # already supported: supporting twice counts once
    add_supports(session, complaint, 1)
    service.record(session, complaint, "supported", None, by="reporter",
                   data={"support_count": complaint.support_count})
    return complaint


def add_supports(session: Session, complaint: Complaint, amount: int) -> None:
    """Add to a complaint's support count in the database (`support_count = support_count + n`), so supports
    arriving at once all count; the instance gets the new count, and the change goes into the sync log."""
    table = Complaint.__table__
    count = counters.bump(session, table, where=[table.c.id == complaint.id], column="support_count", amount=amount)
    set_committed_value(complaint, "support_count", count)
    complaint.updated_at = utcnow()


# ------------------------------------------------------------------------------------------------ reporter


FOLLOW_UP_LIMITED = i18n.N_("follow_up_rate_limited")


def claim_follow_up(session: Session, *, municipality_code: str, folio: str, client: str | None) -> limits.Claim:
    """Count one attempt at a folio's secret code before it is checked, per client address and per folio
    (FOLLOW_UP_MAX_FAILURES_PER_ADDRESS / _PER_FOLIO in each FOLLOW_UP_WINDOW_MINUTES); past either limit it is
    `429 follow_up_rate_limited` with `Retry-After`. Commit it before the code is checked, and refund it
    (`limits.refund`) in the transaction of a look-up that succeeded: only wrong codes use the limits up."""
    settings = get_settings()
    window = settings.follow_up_window_minutes * 60
    checks = []
    if client:
        checks.append((limits.Rule("follow-up:address", settings.follow_up_max_failures_per_address, window,
                                   FOLLOW_UP_LIMITED), client))
    checks.append((limits.Rule("follow-up:folio", settings.follow_up_max_failures_per_folio, window,
                               FOLLOW_UP_LIMITED), f"{municipality_code}:{folio.strip().upper()}"))
    return limits.claim(session, checks)


def by_follow_up(session: Session, *, municipality: Municipality, folio: str, code: str) -> Complaint:
    """An anonymous reporter's complaint, by folio and secret code (a wrong code looks like a wrong folio). The
    code is read in any case, with or without dashes or spaces; a code issued in the old format as it was issued
    (server.complaints.filings)."""
    complaint = session.scalar(
        sa.select(Complaint).where(Complaint.municipality_id == municipality.id, Complaint.folio == folio.strip())
    )
    if complaint is None or not filings.code_matches(complaint, code):
        raise NotFound("follow_up_not_found")
    return complaint


# A follow-up that opens from a link (docs/complaints.md): the app's page takes folio and code in the URL's
# fragment, which browsers never send to a server (filings.follow_up_page); or the API signs a link that holds no
# code at all and expires.
FOLLOW_UP_LINK_DAYS = 7


def _link_mac(municipality: Municipality, complaint: Complaint, expires: int) -> str:
    """Bound to the complaint's current code (its digest): the link dies with the code, and only this server can
    make one."""
    key = hashlib.sha256(b"vigia-follow-up-link:" + get_settings().secret_key.encode()).digest()
    message = f"{municipality.code}\x1f{complaint.folio}\x1f{expires}\x1f{complaint.follow_up_digest}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()[:18]).decode("ascii")


def follow_up_link(session: Session, *, municipality: Municipality, folio: str, code: str,
                   now: datetime | None = None) -> tuple[str, datetime]:
    """A signed token for `GET …/complaints/follow-up/{token}`, valid FOLLOW_UP_LINK_DAYS, for the complaint
    whose folio and code are given (checked as `by_follow_up` does); (token, expires_at)."""
    complaint = by_follow_up(session, municipality=municipality, folio=folio, code=code)
    expires_at = (now or utcnow()).replace(microsecond=0) + timedelta(days=FOLLOW_UP_LINK_DAYS)
    expires = int(expires_at.timestamp())
    return f"{complaint.folio}.{expires}.{_link_mac(municipality, complaint, expires)}", expires_at


def by_follow_up_link(session: Session, *, municipality: Municipality, token: str,
                      now: datetime | None = None) -> Complaint:
    """The complaint a signed follow-up link names: 404 follow_up_link_invalid when it was not made here for this
    complaint's current code (forged, cut short, another municipality's), 410 follow_up_link_expired after its
    time."""
    folio, _, rest = token.partition(".")
    expires_text, _, mac = rest.partition(".")
    complaint = session.scalar(
        sa.select(Complaint).where(Complaint.municipality_id == municipality.id, Complaint.folio == folio)
    ) if folio and expires_text.isdigit() and len(expires_text) <= 12 else None
    if complaint is None or complaint.follow_up_digest is None or not secrets.compare_digest(
            _link_mac(municipality, complaint, int(expires_text)), mac):
        raise NotFound("follow_up_link_invalid")
    expires_at = datetime.fromtimestamp(int(expires_text), timezone.utc)
    if expires_at <= (now or utcnow()):
        raise AppError("follow_up_link_expired", status=410, days=FOLLOW_UP_LINK_DAYS)
    return complaint


def reporters_complaint(session: Session, *, actor: Actor, municipality: Municipality,
                        complaint_id: uuid.UUID | None, folio: str | None, code: str | None) -> Complaint:
    if folio and code:
        return by_follow_up(session, municipality=municipality, folio=folio, code=code)
    if complaint_id is None or not actor.is_authenticated:
        raise Forbidden("not_the_reporter")
    complaint = service.get(session, municipality=municipality, complaint_id=complaint_id)
    if complaint.reporter_id != actor.user_id:
        raise Forbidden("not_the_reporter")
    return complaint


def add_information(session: Session, *, actor: Actor, municipality: Municipality,
                    complaint_id: uuid.UUID | None, data: InformationCreate) -> Complaint:
    """The reporter adds information (and photos). It answers a request for clarification, which puts the
    complaint back in the queue with a fresh term; after the resolution it stays a note, never an overwrite."""
    complaint = reporters_complaint(session, actor=actor, municipality=municipality, complaint_id=complaint_id,
                                    folio=data.folio, code=data.code)
    if State(complaint.state) == State.withdrawn:
        raise Conflict("complaint_not_open")
    _attach_photos(session, municipality, complaint, data.photo_ids)
    session.add(ComplaintUpdate(complaint_id=complaint.id, kind="information", text=data.text, by_reporter=True))
    if State(complaint.state) == State.needs_clarification:
        today = service.today_in(municipality)
        complaint.state = State.received
        complaint.clarification_due_on = None
        complaint.due_on = deadlines.add_business_days(session, municipality, today,
                                                       deadlines.term_for(session, municipality, complaint.kind))
        session.add(ComplaintUpdate(complaint_id=complaint.id, kind="transition",
                                    from_state=State.needs_clarification.value, to_state=State.received.value,
                                    by_reporter=True))
    complaint.updated_at = utcnow()
    complaint.version += 1
    service.record(session, complaint, "information_added", None, by="reporter", data={
        "state": State(complaint.state).value, "text_hmac": service.commit_text(data.text),
        "photos": [str(p) for p in data.photo_ids]})
    return complaint


def edit_description(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
                     description: str, base_version: int) -> tuple[Complaint, bool]:
    """The reporter corrects what they wrote: (complaint, True) while the complaint is still `received` and
    unchanged since `base_version`. Once it moved on (officials own it from then on), or someone changed it
    meanwhile, the new text is kept as information on the complaint instead: (complaint, False). Never an
    overwrite of the officials' work, never a lost write."""
    complaint = reporters_complaint(session, actor=actor, municipality=municipality, complaint_id=complaint_id,
                                    folio=None, code=None)
    if State(complaint.state) == State.received and complaint.version == base_version:
        if complaint.description != description:
            complaint.description = description
            complaint.updated_at = utcnow()
            complaint.version += 1
            service.record(session, complaint, "description_edited", None, by="reporter",
                           data={"description_hmac": service.commit_text(description)})
        return complaint, True
    if State(complaint.state) == State.withdrawn:
        raise Conflict("complaint_not_open")
    add_information(session, actor=actor, municipality=municipality, complaint_id=complaint.id,
                    data=InformationCreate(complaint_id=complaint.id, text=description))
    return complaint, False


def withdraw(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID | None,
             folio: str | None, code: str | None, reason: str) -> Complaint:
    from server.complaints import workflow

    complaint = reporters_complaint(session, actor=actor, municipality=municipality, complaint_id=complaint_id,
                                    folio=folio, code=code)
    current = State(complaint.state)
    if not workflow.allowed(current, State.withdrawn, workflow.REPORTER):
        raise AppError("transition_to_same_state" if current == State.withdrawn else "transition_not_allowed",
                       status=409, current=i18n.term(f"complaint_is_{current.value}"),
                       target=i18n.term("complaint_to_withdrawn"))
    complaint.state = State.withdrawn
    complaint.closed_at = utcnow()
    complaint.version += 1
    session.add(ComplaintUpdate(complaint_id=complaint.id, kind="transition", from_state=current.value,
                                to_state=State.withdrawn.value, by_reporter=True))
    service.record(session, complaint, "transitioned", None, by="reporter", data={
        "from": current.value, "to": State.withdrawn.value, "by": "reporter",
        "reason_hmac": service.commit_text(reason)})
    return complaint
