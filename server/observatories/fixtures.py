"""Demo citizen observatories (server/demo/observatories.json), entered through the services as the national
administrator, so accreditations and revocations reach the audit log as they would in real use.

Idempotent: an observatory is matched by its id, a member by (observatory, name), an accreditation by its number,
an indicator by (observatory, key), an observation by (indicator, day, source, value), a finding by its title."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth import service as auth
from server.auth.actor import Actor
from server.demo_calendar import DemoCalendar
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.observatories import service, tracking
from server.observatories.models import (
    Accreditation,
    AccreditationCreate,
    FindingCreate,
    Indicator,
    IndicatorCreate,
    IndicatorObservation,
    MemberCreate,
    ObservationCreate,
    ObservationSource,
    ObservatoryCreate,
    ObservatoryFinding,
    ObservatoryMember,
    RevocationCreate,
)
from server.works.models import Work


def _work_id(session: Session, municipality: Municipality, identifier: str) -> uuid.UUID | None:
    """The demo work's id; None when the works were not loaded (a fixtures folder without works.json)."""
    return session.scalar(sa.select(Work.id).where(Work.municipality_id == municipality.id,
                                                   Work.identifier == identifier))


def fixture_id(observatory_id: uuid.UUID, kind: str, key: str) -> uuid.UUID:
    """A stable id for a demo record, so tests and links can name it."""
    return uuid.uuid5(observatory_id, f"{kind}:{key}")


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: DemoCalendar) -> None:
    source = path / "observatories.json"
    if not source.exists():
        return
    accounts = json.loads((path / "users.json").read_text("utf-8"))["users"]
    admin = auth.get_by_email(session, next(item["email"] for item in accounts if item.get("national_admin")))
    actor = Actor(user_id=admin.id, is_national_admin=True)
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in
                                       ("observatories", "observatory_members", "accreditations", "indicators",
                                        "indicator_observations", "observatory_findings")}
    for code, items in calendar.read(source).items():
        if code.startswith("_"):
            continue
        municipality = municipalities.get_by_code(session, code)
        for item in items:
            _observatory(session, actor, municipality, item, counts)
    session.flush()
    report.update(counts)


def _observatory(session: Session, actor: Actor, municipality: Municipality, item: dict,
                 counts: dict[str, Counter[str]]) -> None:
    from server.observatories.models import Observatory

    observatory_id = uuid.UUID(item["id"])
    work_ids = [work_id for identifier in item["works"]
                if (work_id := _work_id(session, municipality, identifier)) is not None]
    if session.get(Observatory, observatory_id) is None:
        service.create(session, actor=actor, municipality=municipality, data=ObservatoryCreate(
            id=observatory_id, name=item["name"], theme=item["theme"], description=item.get("description"),
            programs=item.get("programs", []), work_ids=work_ids))
        counts["observatories"]["created"] += 1
    else:
        counts["observatories"]["unchanged"] += 1

    members: dict[str, uuid.UUID] = {}
    for entry in item["members"]:
        member = session.scalar(sa.select(ObservatoryMember).where(
            ObservatoryMember.observatory_id == observatory_id, ObservatoryMember.full_name == entry["full_name"]))
        if member is None:
            user = auth.get_by_email(session, entry["account"]) if entry.get("account") else None
            member = service.add_member(session, actor=actor, municipality=municipality, observatory_id=observatory_id,
                                        data=MemberCreate(id=fixture_id(observatory_id, "member", entry["full_name"]),
                                                          full_name=entry["full_name"],
                                                          user_id=user.id if user else None,
                                                          contact_email=entry.get("contact_email"),
                                                          contact_phone=entry.get("contact_phone"),
                                                          consent_public=entry.get("consent_public", False)))
            counts["observatory_members"]["created"] += 1
        else:
            counts["observatory_members"]["unchanged"] += 1
        members[entry["full_name"]] = member.id
        if "accreditation" in entry:
            _accreditation(session, actor, municipality, observatory_id, member.id, entry, counts)

    for entry in item.get("indicators", []):
        indicator = session.scalar(sa.select(Indicator).where(Indicator.observatory_id == observatory_id,
                                                              Indicator.key == entry["key"]))
        if indicator is None:
            indicator = tracking.add_indicator(session, actor=actor, municipality=municipality,
                                               observatory_id=observatory_id, data=IndicatorCreate.model_validate(
                                                   {"id": fixture_id(observatory_id, "indicator", entry["key"]),
                                                    **{k: v for k, v in entry.items() if k != "observations"}}))
            counts["indicators"]["created"] += 1
        else:
            counts["indicators"]["unchanged"] += 1
        recorded = {(row.observed_on, ObservationSource(row.source).value,
                     Decimal(row.value)) for row in session.scalars(
            sa.select(IndicatorObservation).where(IndicatorObservation.indicator_id == indicator.id))}
        for observation in entry["observations"]:
            data = ObservationCreate.model_validate(observation)
            if (data.observed_on, data.source.value, data.value) in recorded:
                counts["indicator_observations"]["unchanged"] += 1
                continue
            tracking.record(session, actor=actor, municipality=municipality, observatory_id=observatory_id,
                            indicator_id=indicator.id, data=data)
            counts["indicator_observations"]["created"] += 1

    for entry in item.get("findings", []):
        exists = session.scalar(sa.select(ObservatoryFinding.id).where(
            ObservatoryFinding.observatory_id == observatory_id, ObservatoryFinding.title == entry["title"]))
        if exists is not None:
            counts["observatory_findings"]["unchanged"] += 1
            continue
        evidence = []
        for link in entry.get("evidence", []):
            if "url" in link:
                evidence.append({"url": link["url"]})
            elif (work_id := _work_id(session, municipality, link["work"])) is not None:
                evidence.append({"kind": "work", "id": str(work_id)})
        tracking.publish(session, actor=actor, municipality=municipality, observatory_id=observatory_id,
                         data=FindingCreate(title=entry["title"], text=entry["text"], evidence_links=evidence,
                                            published_on=date.fromisoformat(entry["published_on"]),
                                            author_member_id=members.get(entry.get("author", ""))))
        counts["observatory_findings"]["created"] += 1


def _accreditation(session: Session, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
                   member_id: uuid.UUID, entry: dict, counts: dict[str, Counter[str]]) -> None:
    data = AccreditationCreate.model_validate(
        {"id": fixture_id(observatory_id, "accreditation", entry["accreditation"]["number"]), **entry["accreditation"]})
    accreditation = session.scalar(sa.select(Accreditation).where(Accreditation.municipality_id == municipality.id,
                                                                  Accreditation.number == data.number))
    if accreditation is None:
        accreditation = service.accredit(session, actor=actor, municipality=municipality,
                                         observatory_id=observatory_id, member_id=member_id, data=data)
        counts["accreditations"]["created"] += 1
    else:
        counts["accreditations"]["unchanged"] += 1
    if entry.get("revoked") and accreditation.revoked_at is None:
        service.revoke(session, actor=actor, municipality=municipality, observatory_id=observatory_id,
                       accreditation_id=accreditation.id, data=RevocationCreate(reason=entry["revoked"]))
