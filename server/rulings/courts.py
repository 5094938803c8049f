"""Courts, judges and the judges' assignments to courts (who sat where, when): the municipality's directory of the
judiciary, kept by whoever holds `rulings.manage` (docs/rulings.md)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.audit import service as audit
from server.auth.actor import Actor, authorize
from server.db import new_id, utcnow
from server.errors import Conflict, Invalid, NotFound
from server.municipalities.models import Municipality
from server.rulings.models import Court, Judge, JudgeAssignment
from server.rulings.schemas import (
    AssignmentCreate,
    AssignmentPublic,
    CourtCreate,
    CourtUpdate,
    JudgeCreate,
    JudgePublic,
    JudgeUpdate,
)
from server.rulings.service import MANAGE, apply_changes, check_version, get_court, get_judge

# ------------------------------------------------------------------------------------------------ courts


def list_courts(session: Session, municipality: Municipality) -> list[Court]:
    return list(session.scalars(sa.select(Court).where(Court.municipality_id == municipality.id)
                                .order_by(Court.name, Court.id)))


def create_court(session: Session, *, actor: Actor, municipality: Municipality, data: CourtCreate) -> Court:
    authorize(actor, MANAGE, municipality.id)
    court = Court(id=data.id or new_id(), municipality_id=municipality.id, **data.model_dump(exclude={"id", "name"}),
                  name=" ".join(data.name.split()))
    court, created = client_ids.insert(session, court, data, expected={"municipality_id": municipality.id},
                                       taken=Conflict("court_name_taken", name=court.name), ignore=("name",))
    if created:
        audit.append(session, municipality_id=municipality.id, entity="court", entity_id=court.id, action="created",
                     **audit.who(actor), data={"name": court.name})
    return court


def update_court(session: Session, *, actor: Actor, municipality: Municipality, court_id: uuid.UUID,
                 data: CourtUpdate) -> Court:
    authorize(actor, MANAGE, municipality.id)
    court = get_court(session, municipality, court_id)
    check_version(court, data.version)
    apply_changes(court, data.model_dump(exclude_unset=True, exclude={"version"}),
                  required=("name", "level", "speciality"))
    name = court.name
    try:
        with session.begin_nested():
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("court_name_taken", name=name) from exc
    audit.append(session, municipality_id=municipality.id, entity="court", entity_id=court.id, action="updated",
                 **audit.who(actor), data={"version": court.version})
    return court


# ------------------------------------------------------------------------------------------------ judges


def judge_view(session: Session, judge: Judge) -> JudgePublic:
    rows = session.execute(
        sa.select(JudgeAssignment, Court.name).join(Court, Court.id == JudgeAssignment.court_id)
        .where(JudgeAssignment.judge_id == judge.id).order_by(JudgeAssignment.starts_on)
    ).all()
    return JudgePublic(id=judge.id, full_name=judge.full_name, title=judge.title,
                       registry_number=judge.registry_number, profile_url=judge.profile_url, version=judge.version,
                       assignments=[AssignmentPublic(id=a.id, court_id=a.court_id, court_name=name, role=a.role,
                                                     starts_on=a.starts_on, ends_on=a.ends_on) for a, name in rows])


def list_judges(session: Session, municipality: Municipality) -> list[JudgePublic]:
    judges = session.scalars(sa.select(Judge).where(Judge.municipality_id == municipality.id)
                             .order_by(Judge.full_name, Judge.id))
    return [judge_view(session, judge) for judge in judges]


def create_judge(session: Session, *, actor: Actor, municipality: Municipality, data: JudgeCreate) -> Judge:
    authorize(actor, MANAGE, municipality.id)
    judge = Judge(id=data.id or new_id(), municipality_id=municipality.id,
                  **data.model_dump(exclude={"id", "full_name"}), full_name=" ".join(data.full_name.split()))
    judge, created = client_ids.insert(session, judge, data, expected={"municipality_id": municipality.id},
                                       ignore=("full_name",))
    if created:
        audit.append(session, municipality_id=municipality.id, entity="judge", entity_id=judge.id, action="created",
                     **audit.who(actor), data={"version": judge.version})
    return judge


def update_judge(session: Session, *, actor: Actor, municipality: Municipality, judge_id: uuid.UUID,
                 data: JudgeUpdate) -> Judge:
    authorize(actor, MANAGE, municipality.id)
    judge = get_judge(session, municipality, judge_id)
    check_version(judge, data.version)
    apply_changes(judge, data.model_dump(exclude_unset=True, exclude={"version"}), required=("full_name",))
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="judge", entity_id=judge.id, action="updated",
                 **audit.who(actor), data={"version": judge.version})
    return judge


def assign_judge(session: Session, *, actor: Actor, municipality: Municipality, judge_id: uuid.UUID,
                 data: AssignmentCreate) -> JudgeAssignment:
    """Sit the judge in a court. An open assignment that started before `starts_on` is closed the day before (the
    judge moved court); any other overlap with the judge's assignments is 409 `assignment_overlap`."""
    authorize(actor, MANAGE, municipality.id)
    judge = get_judge(session, municipality, judge_id)
    try:
        court = get_court(session, municipality, data.court_id)
    except NotFound as exc:
        raise Invalid.for_field("court_id", "court_not_found") from exc
    stored = client_ids.stored_resend(session, JudgeAssignment, data, expected={"judge_id": judge.id})
    if stored is not None:
        return stored
    # one judge's assignments are read under a lock on the judge, so two moves at once cannot both pass
    session.execute(sa.select(Judge.id).where(Judge.id == judge.id).with_for_update())
    far = date.max
    new_end = data.ends_on or far
    for other in session.scalars(sa.select(JudgeAssignment).where(JudgeAssignment.judge_id == judge.id)):
        other_end = other.ends_on or far
        if other.starts_on <= new_end and data.starts_on <= other_end:
            if other.ends_on is None and other.starts_on < data.starts_on:
                other.ends_on = data.starts_on - timedelta(days=1)  # moved court: the open one ends
                other.updated_at = utcnow()
                continue
            raise Conflict("assignment_overlap", starts_on=other.starts_on.isoformat(),
                           ends_on=other.ends_on.isoformat() if other.ends_on else "—")
    assignment = JudgeAssignment(id=data.id or new_id(), judge_id=judge.id, court_id=court.id, role=data.role,
                                 starts_on=data.starts_on, ends_on=data.ends_on)
    assignment, _ = client_ids.insert(session, assignment, data, expected={"judge_id": judge.id})
    audit.append(session, municipality_id=municipality.id, entity="judge", entity_id=judge.id,
                 action="assigned", **audit.who(actor),
                 data={"court_id": str(court.id), "role": data.role.value, "starts_on": data.starts_on.isoformat(),
                       "ends_on": data.ends_on.isoformat() if data.ends_on else None})
    return assignment
