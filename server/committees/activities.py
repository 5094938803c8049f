"""What committees do between inspections: trainings with their attendance, and meetings with their minutes,
attendance and agreements (owner, due date, status), including the overdue ones."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids, geo
from server.auth.actor import Actor, authorize
from server.committees import members, service
from server.committees.models import (
    Agreement,
    AgreementStatus,
    Committee,
    Meeting,
    MeetingAttendance,
    Training,
    TrainingAttendance,
)
from server.committees.schemas import (
    AgreementCreate,
    AgreementPublic,
    AgreementUpdate,
    Attendance,
    MeetingCreate,
    MeetingPublic,
    TrainingCreate,
    TrainingPublic,
)
from server.db import new_id, utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

# ------------------------------------------------------------------------------------------------ trainings


def _training_view(session: Session, trainings: list[Training]) -> list[TrainingPublic]:
    attendees: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if trainings:
        rows = session.execute(sa.select(TrainingAttendance.training_id, TrainingAttendance.member_id)
                               .where(TrainingAttendance.training_id.in_([t.id for t in trainings]))
                               .order_by(TrainingAttendance.member_id))
        for training_id, member_id in rows:
            attendees[training_id].append(member_id)
    return [TrainingPublic(id=t.id, committee_id=t.committee_id, topic=t.topic, held_on=t.held_on, trainer=t.trainer,
                           place=t.place, attendees=attendees[t.id]) for t in trainings]


def add_training(session: Session, *, actor: Actor, municipality: Municipality, data: TrainingCreate) -> TrainingPublic:
    authorize(actor, "committees.manage", municipality.id)
    if data.committee_id is not None:
        try:
            service.get(session, municipality=municipality, committee_id=data.committee_id)
        except NotFound as exc:
            raise Invalid.for_field("committee_id", "committee_not_found") from exc
    scope = [data.committee_id] if data.committee_id else None
    member_ids = members.ids_in(session, committee_ids=scope, municipality=municipality, member_ids=data.member_ids,
                                field="member_ids")
    training = Training(id=data.id or new_id(), municipality_id=municipality.id, committee_id=data.committee_id,
                        topic=data.topic, held_on=data.held_on, trainer=data.trainer, place=data.place)
    training, created = client_ids.insert(session, training, data, expected={"municipality_id": municipality.id},
                                          taken=Conflict("committee_training_exists"))
    if not created:  # the same create sent again (an offline resend)
        return _training_view(session, [training])[0]
    session.add_all(TrainingAttendance(training_id=training.id, member_id=m) for m in member_ids)
    session.flush()
    _log_training(session, municipality, actor, training, "training_added", len(member_ids))
    return _training_view(session, [training])[0]


def _log_training(session: Session, municipality: Municipality, actor: Actor, training: Training, action: str,
                  attendees: int) -> None:
    from server.audit import service as audit

    audit.append(session, municipality_id=municipality.id, entity="training", entity_id=training.id, action=action,
                 **audit.who(actor), data={"held_on": training.held_on.isoformat(), "attendees": attendees,
                                           "committee_id": str(training.committee_id) if training.committee_id
                                           else None})


def record_attendance(session: Session, *, actor: Actor, municipality: Municipality, training_id: uuid.UUID,
                      data: Attendance) -> TrainingPublic:
    """Add attendees to a training (those already recorded stay)."""
    authorize(actor, "committees.manage", municipality.id)
    training = session.get(Training, training_id)
    if training is None or training.municipality_id != municipality.id:
        raise NotFound("committee_training_not_found")
    scope = [training.committee_id] if training.committee_id else None
    member_ids = members.ids_in(session, committee_ids=scope, municipality=municipality, member_ids=data.member_ids,
                                field="member_ids")
    present = set(session.scalars(sa.select(TrainingAttendance.member_id)
                                  .where(TrainingAttendance.training_id == training.id)))
    added = [m for m in member_ids if m not in present]
    session.add_all(TrainingAttendance(training_id=training.id, member_id=m) for m in added)
    session.flush()
    _log_training(session, municipality, actor, training, "attendance_recorded", len(present) + len(added))
    return _training_view(session, [training])[0]


def list_trainings(session: Session, *, actor: Actor, municipality: Municipality,
                   committee_id: uuid.UUID | None = None) -> list[TrainingPublic]:
    """Trainings of the municipality (coordinators and staff), or those a committee could attend (its own and
    the municipality-wide ones; also for its members)."""
    statement = sa.select(Training).where(Training.municipality_id == municipality.id)
    if committee_id is None:
        authorize(actor, "committees.manage", municipality.id)
    else:
        service.require_read(session, actor=actor, municipality=municipality, committee_id=committee_id)
        statement = statement.where(sa.or_(Training.committee_id.is_(None), Training.committee_id == committee_id))
    return _training_view(session, list(session.scalars(statement.order_by(Training.held_on, Training.id))))


# ------------------------------------------------------------------------------------------------ meetings


def may_write(session: Session, actor: Actor, committee: Committee) -> None:
    """Coordinators, staff and the committee's own active members record meetings and agreements."""
    if not service.can_read(actor, committee, session):
        authorize(actor, "committees.manage", committee.municipality_id)
        raise Forbidden("forbidden")


def _agreement_view(agreement: Agreement, today: date) -> AgreementPublic:
    view = AgreementPublic.model_validate(agreement)
    view.overdue = is_overdue(agreement, today)
    return view


def is_overdue(agreement: Agreement, today: date) -> bool:
    return agreement.status == AgreementStatus.pending.value and agreement.due_on is not None and \
        agreement.due_on < today


def meeting_counts(session: Session, *, committee_id: uuid.UUID, since: date, until: date,
                   today: date) -> dict[str, int]:
    """How many meetings the committee held from `since` to `until` and how their agreements stand: counts only,
    never minutes, texts or owners, so a public document (the committee's public report) may show them."""
    meetings = list(session.scalars(sa.select(Meeting.id).where(
        Meeting.committee_id == committee_id, Meeting.held_on >= since, Meeting.held_on <= until)))
    agreements = list(session.scalars(sa.select(Agreement).where(Agreement.meeting_id.in_(meetings)))) \
        if meetings else []
    return {"count": len(meetings), "agreements": len(agreements),
            "agreements_done": sum(1 for a in agreements if a.status == AgreementStatus.done.value),
            "agreements_overdue": sum(1 for a in agreements if is_overdue(a, today))}


def _meeting_views(session: Session, meetings: list[Meeting], today: date) -> list[MeetingPublic]:
    ids = [m.id for m in meetings]
    attendees: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    agreements: dict[uuid.UUID, list[AgreementPublic]] = defaultdict(list)
    if ids:
        for meeting_id, member_id in session.execute(
                sa.select(MeetingAttendance.meeting_id, MeetingAttendance.member_id)
                .where(MeetingAttendance.meeting_id.in_(ids)).order_by(MeetingAttendance.member_id)):
            attendees[meeting_id].append(member_id)
        for agreement in session.scalars(sa.select(Agreement).where(Agreement.meeting_id.in_(ids))
                                         .order_by(Agreement.created_at, Agreement.id)):
            agreements[agreement.meeting_id].append(_agreement_view(agreement, today))
    return [MeetingPublic(id=m.id, committee_id=m.committee_id, held_on=m.held_on, place=geo.to_geojson(m.place),
                          place_description=m.place_description, minutes=m.minutes, attendees=attendees[m.id],
                          agreements=agreements[m.id]) for m in meetings]


def _new_agreement(session: Session, municipality: Municipality, meeting: Meeting, data: AgreementCreate,
                   field: str) -> Agreement:
    owner = None
    if data.owner_member_id is not None:
        owner = members.ids_in(session, committee_ids=[meeting.committee_id], municipality=municipality,
                               member_ids=[data.owner_member_id], field=f"{field}owner_member_id")[0]
    agreement = Agreement(id=data.id or new_id(), meeting_id=meeting.id, committee_id=meeting.committee_id,
                          municipality_id=municipality.id, text=data.text, owner_member_id=owner,
                          owner_text=data.owner_text, due_on=data.due_on)
    session.add(agreement)
    return agreement


def add_meeting(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
                data: MeetingCreate) -> MeetingPublic:
    committee = service.get(session, municipality=municipality, committee_id=committee_id)
    may_write(session, actor, committee)
    today = service.today_in(municipality)
    if data.held_on > today:
        raise Invalid.for_field("held_on", "committee_date_in_future")
    place = None
    if data.place is not None:
        point = geo.parse_geojson(data.place, allowed=("Point",), field="place")
        municipalities.check_point(municipality, lon=point.x, lat=point.y, field="place")
        place = geo.to_db(point)
    attendees = members.ids_in(session, committee_ids=[committee.id], municipality=municipality,
                               member_ids=data.member_ids, field="member_ids")
    meeting = Meeting(id=data.id or new_id(), committee_id=committee.id, municipality_id=municipality.id,
                      held_on=data.held_on, place=place, place_description=data.place_description,
                      minutes=data.minutes)
    meeting, created = client_ids.insert(session, meeting, data, taken=Conflict("committee_meeting_exists"),
                                         expected={"municipality_id": municipality.id, "committee_id": committee.id})
    if not created:  # the same create sent again (an offline resend)
        return _meeting_views(session, [meeting], today)[0]
    session.add_all(MeetingAttendance(meeting_id=meeting.id, member_id=m) for m in attendees)
    for position, item in enumerate(data.agreements):
        _new_agreement(session, municipality, meeting, item, f"agreements.{position}.")
    session.flush()
    service.record(session, committee, "meeting_recorded", actor,
                   {"held_on": data.held_on.isoformat(), "attendees": len(attendees),
                    "agreements": len(data.agreements)}, entity_id=meeting.id)
    return _meeting_views(session, [meeting], today)[0]


def list_meetings(session: Session, *, actor: Actor, municipality: Municipality,
                  committee_id: uuid.UUID) -> list[MeetingPublic]:
    committee = service.require_read(session, actor=actor, municipality=municipality, committee_id=committee_id)
    meetings = list(session.scalars(sa.select(Meeting).where(Meeting.committee_id == committee.id)
                                    .order_by(Meeting.held_on, Meeting.id)))
    return _meeting_views(session, meetings, service.today_in(municipality))


def meeting_view(session: Session, *, actor: Actor, municipality: Municipality, meeting_id: uuid.UUID) -> MeetingPublic:
    """One meeting with its attendance and agreements, for those who may read its committee (server.sync)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.municipality_id != municipality.id:
        raise NotFound("meeting_not_found")
    service.require_read(session, actor=actor, municipality=municipality, committee_id=meeting.committee_id)
    return _meeting_views(session, [meeting], service.today_in(municipality))[0]


def _meeting(session: Session, committee: Committee, meeting_id: uuid.UUID) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.committee_id != committee.id:
        raise NotFound("committee_meeting_not_found")
    return meeting


def add_agreement(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
                  meeting_id: uuid.UUID, data: AgreementCreate) -> AgreementPublic:
    committee = service.get(session, municipality=municipality, committee_id=committee_id)
    may_write(session, actor, committee)
    agreement = _new_agreement(session, municipality, _meeting(session, committee, meeting_id), data, "")
    session.flush()
    service.record(session, committee, "agreement_added", actor,
                   {"meeting_id": str(meeting_id), "due_on": data.due_on.isoformat() if data.due_on else None},
                   entity_id=agreement.id)
    return _agreement_view(agreement, service.today_in(municipality))


def update_agreement(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
                     agreement_id: uuid.UUID, data: AgreementUpdate) -> AgreementPublic:
    committee = service.get(session, municipality=municipality, committee_id=committee_id)
    may_write(session, actor, committee)
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.committee_id != committee.id:
        raise NotFound("committee_agreement_not_found")
    facts: dict[str, str | None] = {}
    if data.status is not None and data.status.value != agreement.status:
        facts.update({"from": agreement.status, "to": data.status.value})
        agreement.status = data.status.value
    if "due_on" in data.model_fields_set and data.due_on != agreement.due_on:
        agreement.due_on = data.due_on
        facts["due_on"] = data.due_on.isoformat() if data.due_on else None
    if facts:
        agreement.updated_at = utcnow()
        session.flush()
        service.record(session, committee, "agreement_updated", actor, facts, entity_id=agreement.id)
    return _agreement_view(agreement, service.today_in(municipality))


def list_agreements(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
                    overdue: bool = False) -> list[AgreementPublic]:
    committee = service.require_read(session, actor=actor, municipality=municipality, committee_id=committee_id)
    return _agreements(session, municipality, [Agreement.committee_id == committee.id], overdue)


def overdue_agreements(session: Session, *, actor: Actor, municipality: Municipality) -> list[AgreementPublic]:
    """Pending agreements past their due date, across every committee of the municipality (oldest first)."""
    authorize(actor, "committees.manage", municipality.id)
    return _agreements(session, municipality, [Agreement.municipality_id == municipality.id], True)


def _agreements(session: Session, municipality: Municipality, conditions: list[sa.ColumnElement[bool]],
                overdue: bool) -> list[AgreementPublic]:
    today = service.today_in(municipality)
    statement = sa.select(Agreement).where(*conditions)
    if overdue:
        statement = statement.where(Agreement.status == AgreementStatus.pending.value, Agreement.due_on < today)
    rows = session.scalars(statement.order_by(Agreement.due_on.is_(None), Agreement.due_on, Agreement.id))
    return [_agreement_view(row, today) for row in rows]
