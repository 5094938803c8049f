"""Inspection visits: submit one (idempotent by the phone's id), read them, and turn a finding into a complaint.

A visit's observed physical progress becomes a committee-sourced progress observation on the work, so the
work's risk signals (progress gap) see it. A visit recorded far from its work is accepted, with a warning in
every answer that shows it (`FAR_FROM_WORK_M`, docs/inspections.md).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.orm import Session

from server import client_ids, geo
from server.auth.actor import Actor, require_user
from server.committees import service as committees
from server.db import new_id, utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.i18n import Language, translate
from server.inspections import forms
from server.inspections.definition import validate_answers
from server.inspections.models import (
    FindingComplaint,
    FindingComplaintCreate,
    FindingPublic,
    FormVersion,
    QuestionKind,
    Severity,
    Visit,
    VisitCreate,
    VisitFinding,
    VisitPhoto,
    VisitPublic,
    VisitQuery,
    VisitWarning,
)
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock may run a little ahead
# A visit whose point lies farther than this from the nearest point of its work's geometry (a street is a line, a
# park a polygon: not its centroid), beyond the GPS accuracy the phone reported, is accepted with a warning: the
# member may have picked the wrong work, or the phone's GPS had no fix. 500 m is a long city block or two beyond
# the longest stretch a committee walks along a paved street.
FAR_FROM_WORK_M = 500
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


def local_day(municipality: Municipality, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(municipality.timezone)).date()


# ------------------------------------------------------------------------------------------------ access


def _committee(session: Session, municipality: Municipality, committee_id: uuid.UUID, actor: Actor):
    """The committee whose visits `actor` may see: its active members, coordinators and staff (never the
    public). Another municipality's committee is a 404, whoever asks."""
    require_user(actor)
    return committees.require_read(session, actor=actor, municipality=municipality, committee_id=committee_id)


def _get_member(session: Session, committee, member_id: uuid.UUID):
    from server.committees import members

    try:
        return members.get(session, committee=committee, member_id=member_id)
    except NotFound:
        return None


def work_ids(session: Session, committee) -> set[uuid.UUID]:
    """The works the committee watches (empty: it watches a program, not particular works)."""
    return committees.work_ids(session, committee=committee)


def read(session: Session, *, actor: Actor, municipality: Municipality, visit_id: uuid.UUID) -> Visit:
    require_user(actor)
    visit = session.get(Visit, visit_id)
    if visit is None or visit.municipality_id != municipality.id:
        raise NotFound("visit_not_found")
    _committee(session, municipality, visit.committee_id, actor)
    return visit


def list_(session: Session, *, actor: Actor, municipality: Municipality, query: VisitQuery) -> list[Visit]:
    """One committee's visits (its members, coordinators, staff); without a committee, coordinators and staff
    get the whole municipality and a member the visits they recorded."""
    require_user(actor)
    conditions = [Visit.municipality_id == municipality.id]
    if query.committee_id is not None:
        _committee(session, municipality, query.committee_id, actor)
        conditions.append(Visit.committee_id == query.committee_id)
    elif not committees.is_coordinator_or_staff(actor, municipality):
        conditions.append(Visit.created_by == actor.user_id)
    if query.work_id is not None:
        conditions.append(Visit.work_id == query.work_id)
    zone = ZoneInfo(municipality.timezone)
    if query.since is not None:
        conditions.append(Visit.visited_at >= datetime.combine(query.since, datetime.min.time(), zone))
    if query.until is not None:
        end = datetime.combine(query.until + timedelta(days=1), datetime.min.time(), zone)
        conditions.append(Visit.visited_at < end)
    return list(session.scalars(sa.select(Visit).where(*conditions)
                                .order_by(Visit.visited_at.desc(), Visit.id).limit(query.limit)))


def distance_to_work(session: Session, visit: Visit) -> float | None:
    """Metres from the visit's point to the nearest point of its work's geometry (0 inside a polygon); None when
    either has no location. Computed on the ellipsoid in Python (server.geo), the same on both databases."""
    from server.works.models import Work

    work = session.get(Work, visit.work_id)
    if visit.location is None or work is None or work.geometry is None:
        return None
    point = geo.from_db(visit.location)
    return float(geo.metres_from(point.x, point.y, [geo.from_db(work.geometry)])[0])


def _distance_words(metres: float) -> str:
    return f"{round(metres / 10) * 10:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def warnings(session: Session, visit: Visit, *, language: Language = "es") -> list[VisitWarning]:
    """What the person should check about a visit that was accepted (today: whether it lies far from its work)."""
    from server.works.models import Work

    distance = distance_to_work(session, visit)
    if distance is None or distance - (visit.accuracy_m or 0) <= FAR_FROM_WORK_M:
        return []
    work = session.get(Work, visit.work_id)
    message = translate("visit_far_from_work", language, distance=_distance_words(distance), work=work.title,
                        limit=FAR_FROM_WORK_M)
    return [VisitWarning(code="visit_far_from_work", message=message)]


def public(session: Session, visit: Visit, *, language: Language = "es") -> VisitPublic:
    findings = session.scalars(sa.select(VisitFinding).where(VisitFinding.visit_id == visit.id)
                               .order_by(VisitFinding.id)).all()
    photos = session.scalars(sa.select(VisitPhoto.photo_id).where(VisitPhoto.visit_id == visit.id)
                             .order_by(VisitPhoto.photo_id)).all()
    return VisitPublic(
        id=visit.id, committee_id=visit.committee_id, member_id=visit.member_id, work_id=visit.work_id,
        form_version_id=visit.form_version_id, visited_at=visit.visited_at,
        location=geo.to_geojson(visit.location) if visit.location is not None else None,
        accuracy_m=visit.accuracy_m, captured_at=visit.captured_at,
        observed_physical_pct=visit.observed_physical_pct, answers=visit.answers,
        findings=[FindingPublic.model_validate(f) for f in findings], photo_ids=list(photos),
        created_at=visit.created_at, warnings=warnings(session, visit, language=language))


# ------------------------------------------------------------------------------------------------ submit


def _member(session: Session, actor: Actor, municipality: Municipality, committee, data: VisitCreate, day: date):
    """The member who visited: the caller, or (for coordinators and staff) the member named."""
    if committees.is_coordinator_or_staff(actor, municipality):
        if data.member_id is None:
            own = committees.active_member(session, committee=committee, user_id=actor.user_id, on=day)
            if own is None:
                raise Invalid.for_field("member_id", "visit_member_inactive")
            return own
        member = _get_member(session, committee, data.member_id)
        if member is None or member.start_on > day or (member.end_on is not None and member.end_on <= day):
            raise Invalid.for_field("member_id", "visit_member_inactive")
        return member
    member = committees.active_member(session, committee=committee, user_id=actor.user_id, on=day)
    if member is None or (data.member_id is not None and data.member_id != member.id):
        raise Forbidden("forbidden", details=[{"field": "committee_id", "code": "visit_not_a_member"}])
    return member


def _version(session: Session, municipality: Municipality, version_id: uuid.UUID) -> FormVersion:
    version = forms.get_version(session, municipality=municipality, version_id=version_id, field="form_version_id")
    if version.published_at is None:
        raise Invalid.for_field("form_version_id", "form_version_draft")
    return version


def _photo_ids(session: Session, municipality: Municipality, data: VisitCreate, version: FormVersion,
               pending: frozenset[uuid.UUID]) -> list:
    from server.media import service as media

    for index, photo_id in enumerate(data.photo_ids):
        if photo_id in pending:
            continue
        try:
            media.get(session, municipality=municipality, photo_id=photo_id)
        except NotFound:
            raise Invalid.for_field(f"photo_ids[{index}]", "photo_not_found") from None
    kinds = {q["id"]: q["kind"] for q in version.questions}
    in_answers = [uuid.UUID(value) for key, value in data.answers.items() if kinds.get(key) == QuestionKind.photo]
    return [p for p in dict.fromkeys([*data.photo_ids, *in_answers]) if p not in pending]


def _photo_exists(session: Session, municipality: Municipality, pending: frozenset[uuid.UUID]):
    from server.media import service as media

    def exists(photo_id: uuid.UUID) -> bool:
        if photo_id in pending:
            return True
        try:
            media.get(session, municipality=municipality, photo_id=photo_id)
        except NotFound:
            return False
        return True

    return exists


def _stored(session: Session, municipality: Municipality, data: VisitCreate, actor: Actor) -> Visit | None:
    """The visit `data.id` names if this is the same visit sent again by the same account; 409 if the id is
    another visit's (or the same id with other answers, another work or another author)."""
    try:
        return client_ids.stored_resend(session, Visit, data, expected={
            "municipality_id": municipality.id, "committee_id": data.committee_id, "work_id": data.work_id,
            "created_by": actor.user_id})
    except Conflict:
        raise Conflict("visit_id_taken") from None


def submit(session: Session, *, actor: Actor, municipality: Municipality, data: VisitCreate,
           pending_photo_ids: frozenset[uuid.UUID] = frozenset()) -> tuple[Visit, bool]:
    """Record a visit; (visit, created). The same id again returns the stored visit, not a copy.

    `pending_photo_ids`: photos declared by an offline phone whose bytes follow later (server.sync); they count
    as answers now and join the visit when they arrive (`attach_uploaded_photo`)."""
    from server.works import service as works
    from server.works.models import ProgressCreate, ProgressSource

    require_user(actor)
    existing = _stored(session, municipality, data, actor)
    if existing is not None:
        _committee(session, municipality, existing.committee_id, actor)
        return existing, False
    committee = committees.get(session, municipality=municipality, committee_id=data.committee_id)
    if data.visited_at > utcnow() + CLOCK_SKEW:
        raise Invalid.for_field("visited_at", "visit_in_future")
    day = local_day(municipality, data.visited_at)
    member = _member(session, actor, municipality, committee, data, day)
    try:
        work = works.get(session, municipality=municipality, work_id=data.work_id)
    except NotFound:
        raise Invalid.for_field("work_id", "work_not_found") from None
    watched = work_ids(session, committee)
    if watched and work.id not in watched:
        raise Invalid.for_field("work_id", "visit_work_not_watched")
    version = _version(session, municipality, data.form_version_id)
    location = None
    if data.location is not None:
        shape = geo.parse_geojson(data.location.model_dump(), allowed=("Point",), field="location")
        municipalities.check_point(municipality, lon=shape.x, lat=shape.y, field="location")
        location = geo.to_db(Point(shape.x, shape.y))
    errors = validate_answers(version, data.answers, municipality=municipality,
                              photo_exists=_photo_exists(session, municipality, pending_photo_ids))
    if errors:
        raise Invalid("answers_invalid", details=errors)
    photo_ids = _photo_ids(session, municipality, data, version, pending_photo_ids)
    visit = Visit(
        id=data.id or new_id(), municipality_id=municipality.id, committee_id=committee.id, member_id=member.id,
        work_id=work.id, form_version_id=version.id, visited_at=data.visited_at, location=location,
        accuracy_m=data.accuracy_m, captured_at=data.captured_at, observed_physical_pct=data.observed_physical_pct,
        answers=data.answers, created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(visit)
            session.flush()
    except sa.exc.IntegrityError:
        existing = _stored(session, municipality, data, actor)  # the same visit arrived twice at once
        if existing is None:
            raise
        return existing, False
    session.add_all(VisitFinding(id=f.id or new_id(), visit_id=visit.id, text=f.text, severity=f.severity)
                    for f in data.findings)
    session.add_all(VisitPhoto(visit_id=visit.id, photo_id=photo_id) for photo_id in photo_ids)
    session.flush()
    if data.observed_physical_pct is not None:
        works.add_progress(session, actor=None, municipality=municipality, work_id=work.id, data=ProgressCreate(
            observed_on=min(day, works.today_in(municipality)), physical_pct=data.observed_physical_pct,
            source=ProgressSource.committee, reference=f"visita {visit.id}"))
    return visit, True


def attach_uploaded_photo(session: Session, *, municipality: Municipality, visit_id: uuid.UUID,
                          photo_id: uuid.UUID) -> None:
    """A photo declared with the visit offline has arrived (server.sync)."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.municipality_id != municipality.id:
        raise NotFound("visit_not_found")
    if session.get(VisitPhoto, (visit.id, photo_id)) is None:
        session.add(VisitPhoto(visit_id=visit.id, photo_id=photo_id))
        session.flush()


# ------------------------------------------------------------------------------------------------ findings


def spanish_date(day: date) -> str:
    """"3 de diciembre de 2026": a date as a letter to a neighbour writes it."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def finding_origin(session: Session, *, municipality: Municipality, visit: Visit, finding: VisitFinding,
                   committee) -> str:
    """What a complaint filed from a finding says about where it comes from, in words (no ids, no codes):
    "Hallazgo de la visita del comité «…» a la obra «…» del 3 de diciembre de 2026. Gravedad: alta." Written in
    Spanish, like the rest of the complaint's text."""
    from server.works.models import Work

    work = session.get(Work, visit.work_id)
    return translate("finding_complaint_origin", "es", committee=committee.name, work=work.title,
                     day=spanish_date(local_day(municipality, visit.visited_at)),
                     severity=translate(f"finding_severity_{Severity(finding.severity).value}", "es"))


def complaint_from_finding(session: Session, *, actor: Actor, municipality: Municipality, visit_id: uuid.UUID,
                           finding_id: uuid.UUID, data: FindingComplaintCreate) -> FindingComplaint:
    """File a complaint from a finding: its text, the visit's point, photos and work, in the member's name (not
    anonymous). Asking again returns the complaint already filed."""
    from server.complaints import intake
    from server.complaints import service as complaints
    from server.complaints.schemas import ComplaintCreate

    visit = read(session, actor=actor, municipality=municipality, visit_id=visit_id)
    finding = session.scalar(sa.select(VisitFinding).where(VisitFinding.id == finding_id,
                                                           VisitFinding.visit_id == visit.id).with_for_update())
    if finding is None:
        raise NotFound("finding_not_found")
    if finding.complaint_id is not None:
        filed = complaints.get(session, municipality=municipality, complaint_id=finding.complaint_id)
        return FindingComplaint(finding_id=finding.id, complaint_id=filed.id, folio=filed.folio, created=False)
    committee = committees.get(session, municipality=municipality, committee_id=visit.committee_id)
    member = _get_member(session, committee, visit.member_id)
    if member is None or member.user_id is None:
        raise Conflict("finding_needs_account")
    if member.user_id != actor.user_id and not committees.is_coordinator_or_staff(actor, municipality):
        raise Forbidden("forbidden")
    if visit.location is None:
        raise Conflict("finding_needs_point")
    shape = geo.from_db(visit.location)
    photos = session.scalars(sa.select(VisitPhoto.photo_id).where(VisitPhoto.visit_id == visit.id)
                             .order_by(VisitPhoto.photo_id).limit(10)).all()
    reporter = Actor(user_id=member.user_id)  # the member files it, even when a coordinator presses the button
    origin = finding_origin(session, municipality=municipality, visit=visit, finding=finding, committee=committee)
    description = f"{finding.text}\n\n{origin}"
    filed = intake.file(session, actor=reporter, municipality=municipality, source="inspection",
                        data=ComplaintCreate(
                            id=uuid.uuid5(finding.id, "complaint"), kind="complaint", category=data.category,
                            description=description, location={"type": "Point", "coordinates": [shape.x, shape.y]},
                            accuracy_m=visit.accuracy_m, work_id=visit.work_id, photo_ids=list(photos),
                            anonymous=False))
    finding.complaint_id = filed.complaint.id
    # The link to the visit is data, not words in the text: on the finding (complaint_id) and in the audit log.
    complaints.record(session, complaints.get(session, municipality=municipality, complaint_id=filed.complaint.id),
                      "filed_from_finding", None, by="system", data={
                          "visit_id": str(visit.id), "finding_id": str(finding.id),
                          "severity": Severity(finding.severity).value})
    session.flush()
    return FindingComplaint(finding_id=finding.id, complaint_id=filed.complaint.id, folio=filed.complaint.folio,
                            created=True)
