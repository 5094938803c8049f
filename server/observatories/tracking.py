"""What an observatory follows and publishes: indicators and their observations over time, and findings.

Staff of the municipality (observatories.manage) may record and publish; so may a citizen comptroller, but only
while they hold a valid accreditation as a member of that observatory: the role grant alone is not enough."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.auth.actor import Actor, authorize, can, require_user
from server.auth.models import Role
from server.db import new_id
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.municipalities.models import Municipality
from server.observatories import service
from server.observatories.models import (
    FindingCreate,
    FindingPublic,
    Indicator,
    IndicatorCreate,
    IndicatorObservation,
    IndicatorPublic,
    ObservationCreate,
    ObservationSource,
    Observatory,
    ObservatoryFinding,
    ObservatoryMember,
    ObservatoryPublic,
    ObservatorySummary,
)


def contributor(session: Session, *, actor: Actor, municipality: Municipality,
                observatory: Observatory) -> ObservatoryMember | None:
    """Who may act for the observatory: staff (None: acting as the municipality) or the actor's accredited
    membership. A citizen comptroller whose accreditation expired or was revoked gets 403 accreditation_required."""
    require_user(actor)
    if can(actor, service.MANAGE, municipality.id):
        return None
    if not actor.has_role(municipality.id, Role.citizen_comptroller):
        raise Forbidden("forbidden")
    assert actor.user_id is not None
    member = service.accredited_member(session, municipality=municipality, user_id=actor.user_id,
                                       observatory_id=observatory.id)
    if member is None:
        raise Forbidden("accreditation_required")
    return member


# ------------------------------------------------------------------------------------------------ indicators


def get_indicator(session: Session, *, observatory: Observatory, indicator_id: uuid.UUID) -> Indicator:
    indicator = session.get(Indicator, indicator_id)
    if indicator is None or indicator.observatory_id != observatory.id:
        raise NotFound("indicator_not_found")
    return indicator


def add_indicator(session: Session, *, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
                  data: IndicatorCreate) -> Indicator:
    authorize(actor, service.MANAGE, municipality.id)
    observatory = service.get(session, municipality=municipality, observatory_id=observatory_id)
    indicator = Indicator(id=data.id or new_id(), observatory_id=observatory.id, key=data.key, name=data.name.strip(), unit=data.unit.strip(),
                          description=data.description)
    indicator, _ = client_ids.insert(session, indicator, data, expected={"observatory_id": observatory.id},
                                     taken=Conflict("indicator_key_taken", key=data.key))
    return indicator


def record(session: Session, *, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
           indicator_id: uuid.UUID, data: ObservationCreate) -> IndicatorObservation:
    """Add an observation to the indicator's history (nothing is overwritten). Only staff record official
    figures; a citizen comptroller records what the observatory or citizens measured."""
    observatory = service.get(session, municipality=municipality, observatory_id=observatory_id)
    indicator = get_indicator(session, observatory=observatory, indicator_id=indicator_id)
    member = contributor(session, actor=actor, municipality=municipality, observatory=observatory)
    if member is not None and data.source == ObservationSource.official:
        raise Invalid.for_field("source", "official_source_staff_only")
    if data.observed_on > service.today_in(municipality):
        raise Invalid.for_field("observed_on", "future_observation")
    observation = IndicatorObservation(indicator_id=indicator.id, observed_on=data.observed_on, value=data.value,
                                       source=data.source, reference=data.reference, recorded_by=actor.user_id)
    session.add(observation)
    session.flush()
    return observation


def history(session: Session, *, municipality: Municipality, observatory_id: uuid.UUID,
            indicator_id: uuid.UUID) -> list[IndicatorObservation]:
    observatory = service.get(session, municipality=municipality, observatory_id=observatory_id)
    get_indicator(session, observatory=observatory, indicator_id=indicator_id)
    return list(session.scalars(
        sa.select(IndicatorObservation).where(IndicatorObservation.indicator_id == indicator_id)
        .order_by(IndicatorObservation.observed_on, IndicatorObservation.created_at, IndicatorObservation.id)
    ))


def indicators(session: Session, observatory: Observatory) -> list[IndicatorPublic]:
    rows = list(session.scalars(sa.select(Indicator).where(Indicator.observatory_id == observatory.id)
                                .order_by(Indicator.key)))
    result = []
    for indicator in rows:
        latest = session.scalar(
            sa.select(IndicatorObservation).where(IndicatorObservation.indicator_id == indicator.id)
            .order_by(IndicatorObservation.observed_on.desc(), IndicatorObservation.created_at.desc()).limit(1)
        )
        result.append(IndicatorPublic(id=indicator.id, key=indicator.key, name=indicator.name, unit=indicator.unit,
                                      description=indicator.description,
                                      latest_value=latest.value if latest else None,
                                      latest_observed_on=latest.observed_on if latest else None))
    return result


# ------------------------------------------------------------------------------------------------ findings


def _check_evidence(session: Session, municipality: Municipality, data: FindingCreate) -> list[dict[str, str]]:
    from server.complaints import service as complaints
    from server.media import service as media
    from server.works import service as works

    links = []
    for position, link in enumerate(data.evidence_links):
        if link.url is not None:
            links.append({"url": link.url})
            continue
        try:
            if link.kind == "work":
                works.get(session, municipality=municipality, work_id=link.id)
            elif link.kind == "complaint":
                complaints.get(session, municipality=municipality, complaint_id=link.id)
            else:
                media.get(session, municipality=municipality, photo_id=link.id)
        except NotFound as exc:
            raise Invalid.for_field(f"evidence_links.{position}.id", "evidence_unknown", kind=link.kind,
                                    id=str(link.id)) from exc
        links.append({"kind": str(link.kind), "id": str(link.id)})
    return links


def publish(session: Session, *, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
            data: FindingCreate) -> ObservatoryFinding:
    """Publish a finding: it is public at once. A citizen comptroller is its author; staff may name one."""
    observatory = service.get(session, municipality=municipality, observatory_id=observatory_id)
    member = contributor(session, actor=actor, municipality=municipality, observatory=observatory)
    author_id = member.id if member is not None else None
    if member is None and data.author_member_id is not None:
        author_id = service.get_member(session, municipality=municipality, member_id=data.author_member_id,
                                       observatory_id=observatory.id).id
    today = service.today_in(municipality)
    published_on = data.published_on or today
    if published_on > today:
        raise Invalid.for_field("published_on", "future_publication")
    finding = ObservatoryFinding(observatory_id=observatory.id, municipality_id=municipality.id,
                                 title=data.title.strip(), text=data.text.strip(),
                                 evidence_links=_check_evidence(session, municipality, data),
                                 published_on=published_on, author_member_id=author_id)
    session.add(finding)
    session.flush()
    return finding


def _shown_links(links: list[dict[str, Any]], published: set[uuid.UUID]) -> list[dict[str, Any]]:
    """A finding's evidence as the public sees it: a linked photo only once a moderator published it
    (docs/privacy.md); works, complaints and web pages as linked (a complaint shows through its own public view)."""
    return [link for link in links if link.get("kind") != "photo" or uuid.UUID(link["id"]) in published]


def _finding_views(session: Session, findings: list[ObservatoryFinding]) -> list[FindingPublic]:
    from server.media import service as media

    photos = [uuid.UUID(link["id"]) for f in findings for link in f.evidence_links if link.get("kind") == "photo"]
    published = media.published_ids(session, photos)
    author_ids = {f.author_member_id for f in findings if f.author_member_id is not None}
    names = {}
    if author_ids:
        names = {row.id: (row.full_name if row.consent_public else None) for row in
                 session.scalars(sa.select(ObservatoryMember).where(ObservatoryMember.id.in_(author_ids)))}
    return [FindingPublic(id=f.id, observatory_id=f.observatory_id, title=f.title, text=f.text,
                          evidence_links=_shown_links(f.evidence_links, published), published_on=f.published_on,
                          author=names.get(f.author_member_id) if f.author_member_id else None,
                          created_at=f.created_at) for f in findings]


def findings(session: Session, *, municipality: Municipality, observatory_id: uuid.UUID) -> list[FindingPublic]:
    observatory = service.get(session, municipality=municipality, observatory_id=observatory_id)
    rows = list(session.scalars(
        sa.select(ObservatoryFinding).where(ObservatoryFinding.observatory_id == observatory.id)
        .order_by(ObservatoryFinding.published_on.desc(), ObservatoryFinding.created_at.desc())
    ))
    return _finding_views(session, rows)


def finding(session: Session, *, municipality: Municipality, observatory_id: uuid.UUID,
            finding_id: uuid.UUID) -> FindingPublic:
    observatory = service.get(session, municipality=municipality, observatory_id=observatory_id)
    row = session.get(ObservatoryFinding, finding_id)
    if row is None or row.observatory_id != observatory.id:
        raise NotFound("observatory_finding_not_found")
    return _finding_views(session, [row])[0]


def finding_view(session: Session, row: ObservatoryFinding) -> FindingPublic:
    return _finding_views(session, [row])[0]


# ------------------------------------------------------------------------------------------------ public views


def summaries(session: Session, *, municipality: Municipality, theme: str | None = None) -> list[ObservatorySummary]:
    today = service.today_in(municipality)
    result = []
    for observatory in service.list_(session, municipality=municipality, theme=theme):
        members = service.members_of(session, observatory)
        accredited = sum(1 for _, rows in members if any(service.status_of(a, today) == "valid" for a in rows))
        count = session.scalar(sa.select(sa.func.count()).select_from(ObservatoryFinding)
                               .where(ObservatoryFinding.observatory_id == observatory.id)) or 0
        result.append(ObservatorySummary(id=observatory.id, name=observatory.name, theme=observatory.theme,
                                         description=observatory.description, accredited_members=accredited,
                                         findings=count, updated_at=observatory.updated_at))
    return result


def public(session: Session, observatory: Observatory, *, municipality: Municipality,
           on: date | None = None) -> ObservatoryPublic:
    """The observatory as anyone sees it: members' names only where they consented, never contact data."""
    on = on or service.today_in(municipality)
    return ObservatoryPublic(
        id=observatory.id, name=observatory.name, theme=observatory.theme, description=observatory.description,
        programs=observatory.programs, works=service.followed_works(session, observatory),
        members=[service.public_member(member, rows, on) for member, rows in service.members_of(session, observatory)],
        indicators=indicators(session, observatory),
        findings=findings(session, municipality=municipality, observatory_id=observatory.id),
        version=observatory.version, created_at=observatory.created_at, updated_at=observatory.updated_at,
    )
