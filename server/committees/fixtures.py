"""Demo committees of the Durango pilot (server/demo/committees.json): committees with their works, service areas
and lifecycle, members (synthetic people), replacements, trainings with attendance, meetings with minutes and
agreements. The file states each record as it stands, so it is written directly rather than replayed through
the use cases (whose dates must not be in the future relative to the day of loading).

Idempotent by natural keys: a committee by (municipality, name), an event by (committee, state), a member by
(committee, name, start), a training by (municipality, topic, day), a meeting by (committee, day), an agreement
by (meeting, text). Records are created with the ids in the file, so tests and docs can point at them."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import geo
from server.auth import service as auth
from server.committees.models import (
    Agreement,
    Committee,
    CommitteeEvent,
    CommitteeWork,
    Meeting,
    MeetingAttendance,
    Member,
    Training,
    TrainingAttendance,
)
from server.demo_calendar import DemoCalendar
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.works.models import Work


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _same(stored: Any, value: Any) -> bool:
    if stored is None or value is None:
        return stored is value
    return geo.from_db(stored).equals_exact(geo.from_db(value), 1e-9)


def _sync(record: Any, values: dict[str, Any], geometry: tuple[str, ...] = ()) -> bool:
    """Set what differs; True if anything did."""
    changed = False
    for name, value in values.items():
        if name in geometry:
            if _same(getattr(record, name), value):
                continue
        elif getattr(record, name) == value:
            continue
        setattr(record, name, value)
        changed = True
    return changed


def _upsert(session: Session, counts: Counter[str], model: Any, existing: Any, record_id: str | None,
            values: dict[str, Any], geometry: tuple[str, ...] = ()) -> Any:
    if existing is None:
        record = model(**values, **({"id": uuid.UUID(record_id)} if record_id else {}))
        session.add(record)
        session.flush()
        counts["created"] += 1
        return record
    counts["updated" if _sync(existing, values, geometry) else "unchanged"] += 1
    return existing


def _link(session: Session, counts: Counter[str], model: Any, keys: dict[str, Any]) -> None:
    """A row of a link table (attendance, linked works), created once."""
    if session.get(model, tuple(keys.values())) is None:
        session.add(model(**keys))
        counts["created"] += 1
    else:
        counts["unchanged"] += 1


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: DemoCalendar) -> None:
    source = path / "committees.json"
    if not source.exists():
        return
    document = calendar.read(source)
    counts: dict[str, Counter[str]] = {name: Counter() for name in (
        "committees", "committee events", "committee members", "committee works", "trainings",
        "training attendance", "meetings", "meeting attendance", "agreements")}
    for code, content in document.items():
        if code.startswith("_"):
            continue
        municipality = municipalities.get_by_code(session, code)
        members: dict[tuple[str, str], uuid.UUID] = {}
        for item in content["committees"]:
            _committee(session, municipality, item, counts, members)
        for item in content.get("trainings", []):
            _training(session, municipality, item, counts, members)
    session.flush()
    report.update(counts)


def _committee(session: Session, municipality: Municipality, item: dict[str, Any],
               counts: dict[str, Counter[str]], members: dict[tuple[str, str], uuid.UUID]) -> None:
    existing = session.scalar(sa.select(Committee).where(Committee.municipality_id == municipality.id,
                                                         Committee.name == item["name"]))
    area = item.get("service_area")
    values = {"municipality_id": municipality.id, "name": item["name"], "kind": item["kind"],
              "program": item.get("program"), "state": item["state"],
              "registration_number": item.get("registration_number"),
              "service_area": geo.to_db(geo.as_multipolygon(geo.parse_geojson(area, allowed=geo.POLYGONAL)))
              if area else None}
    committee = _upsert(session, counts["committees"], Committee, existing, item.get("id"), values,
                        ("service_area",))
    for identifier in item.get("works", []):
        work_id = session.scalar(sa.select(Work.id).where(Work.municipality_id == municipality.id,
                                                          Work.identifier == identifier))
        if work_id is None:  # a fixtures directory without works.json (a fresh installation importing its own)
            counts["committee works"]["skipped"] += 1
            continue
        _link(session, counts["committee works"], CommitteeWork, {"committee_id": committee.id, "work_id": work_id})
    previous = None
    for event in item["events"]:
        found = session.scalar(sa.select(CommitteeEvent).where(CommitteeEvent.committee_id == committee.id,
                                                               CommitteeEvent.to_state == event["to"]))
        values = {"committee_id": committee.id, "from_state": previous, "to_state": event["to"],
                  "on": _day(event["on"]), "document": event.get("document") or event.get("reason")}
        _upsert(session, counts["committee events"], CommitteeEvent, found, None, values)
        previous = event["to"]
    for person in item["members"]:
        _member(session, municipality, committee, person, counts, members)
    for meeting in item.get("meetings", []):
        _meeting(session, municipality, committee, meeting, counts, members)


def _member(session: Session, municipality: Municipality, committee: Committee, person: dict[str, Any],
            counts: dict[str, Counter[str]], members: dict[tuple[str, str], uuid.UUID]) -> None:
    start = _day(person["start_on"])
    found = session.scalar(sa.select(Member).where(Member.committee_id == committee.id,
                                                   Member.full_name == person["full_name"], Member.start_on == start))
    user = auth.get_by_email(session, person["user"]) if person.get("user") else None
    replaced = members.get((committee.name, person["replaces"])) if person.get("replaces") else None
    values = {"committee_id": committee.id, "municipality_id": municipality.id, "user_id": user.id if user else None,
              "full_name": person["full_name"], "sex": person["sex"], "role": person["role"],
              "contact_phone": person.get("contact_phone"), "contact_email": person.get("contact_email"),
              "consent_public": person["consent_public"], "start_on": start, "end_on": _day(person.get("end_on")),
              "commitment_letter_on": _day(person.get("commitment_letter_on")), "replaced_member_id": replaced,
              "replacement_document": person.get("replacement_document")}
    member = _upsert(session, counts["committee members"], Member, found, person.get("id"), values)
    members[(committee.name, person["full_name"])] = member.id


def _meeting(session: Session, municipality: Municipality, committee: Committee, item: dict[str, Any],
             counts: dict[str, Counter[str]], members: dict[tuple[str, str], uuid.UUID]) -> None:
    held = _day(item["held_on"])
    found = session.scalar(sa.select(Meeting).where(Meeting.committee_id == committee.id, Meeting.held_on == held))
    place = item.get("place")
    values = {"committee_id": committee.id, "municipality_id": municipality.id, "held_on": held,
              "place": geo.to_db(geo.parse_geojson(place, allowed=("Point",))) if place else None,
              "place_description": item.get("place_description"), "minutes": item.get("minutes")}
    meeting = _upsert(session, counts["meetings"], Meeting, found, item.get("id"), values, ("place",))
    for name in item.get("attendees", []):
        _link(session, counts["meeting attendance"], MeetingAttendance,
              {"meeting_id": meeting.id, "member_id": members[(committee.name, name)]})
    for agreement in item.get("agreements", []):
        found = session.scalar(sa.select(Agreement).where(Agreement.meeting_id == meeting.id,
                                                          Agreement.text == agreement["text"]))
        owner = members[(committee.name, agreement["owner"])] if agreement.get("owner") else None
        values = {"meeting_id": meeting.id, "committee_id": committee.id, "municipality_id": municipality.id,
                  "text": agreement["text"], "owner_member_id": owner, "owner_text": agreement.get("owner_text"),
                  "due_on": _day(agreement.get("due_on")), "status": agreement["status"]}
        _upsert(session, counts["agreements"], Agreement, found, agreement.get("id"), values)


def _training(session: Session, municipality: Municipality, item: dict[str, Any], counts: dict[str, Counter[str]],
              members: dict[tuple[str, str], uuid.UUID]) -> None:
    held = _day(item["held_on"])
    committee_id = None
    if item.get("committee"):
        committee_id = session.scalar(sa.select(Committee.id).where(Committee.municipality_id == municipality.id,
                                                                    Committee.name == item["committee"]))
    found = session.scalar(sa.select(Training).where(Training.municipality_id == municipality.id,
                                                     Training.topic == item["topic"], Training.held_on == held))
    values = {"municipality_id": municipality.id, "committee_id": committee_id, "topic": item["topic"],
              "held_on": held, "trainer": item["trainer"], "place": item.get("place")}
    training = _upsert(session, counts["trainings"], Training, found, item.get("id"), values)
    for committee_name, name in item.get("attendees", []):
        _link(session, counts["training attendance"], TrainingAttendance,
              {"training_id": training.id, "member_id": members[(committee_name, name)]})
