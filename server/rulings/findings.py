"""Redaction findings on a ruling's original: listing them (the team only), pointing out a datum the detector
missed, and confirming or dismissing one (reviewers and coordinators) before publishing (docs/rulings.md,
"Redaction"). The detector itself is redaction.py."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor
from server.db import utcnow
from server.errors import Conflict, Invalid, NotFound, stale_version
from server.municipalities.models import Municipality
from server.rulings.codelists import FindingState, TextKind
from server.rulings.models import RedactionFinding, RulingText
from server.rulings.schemas import FindingCreate, FindingDecision, FindingView
from server.rulings.service import DECIDERS, latest_text, team_ruling


def findings(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
             text_id: uuid.UUID | None = None, state: FindingState | None = None) -> list[RedactionFinding]:
    """The findings on the latest original (or the original `text_id`): the team only."""
    ruling, _ = team_ruling(session, actor, municipality, ruling_id)
    if text_id is None:
        latest = latest_text(session, ruling.id, TextKind.original)
        if latest is None:
            return []
        text_id = latest.id
    else:
        text = session.get(RulingText, text_id)
        if text is None or text.ruling_id != ruling.id or text.kind != TextKind.original:
            raise NotFound("ruling_text_not_found")
    statement = sa.select(RedactionFinding).where(RedactionFinding.text_id == text_id)
    if state is not None:
        statement = statement.where(RedactionFinding.state == state)
    return list(session.scalars(statement.order_by(RedactionFinding.start, RedactionFinding.end,
                                                   RedactionFinding.id)))


def add_finding(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
                data: FindingCreate) -> RedactionFinding:
    """A datum the detector missed, selected on the latest original by any team member (pending until a
    reviewer or coordinator decides it). The same span and category again answers the stored finding."""
    ruling, _ = team_ruling(session, actor, municipality, ruling_id)
    latest = latest_text(session, ruling.id, TextKind.original)
    if latest is None or latest.id != data.text_id:
        raise Invalid.for_field("text_id", "finding_not_latest_original")
    if data.end > len(latest.text):
        raise Invalid.for_field("end", "finding_outside_text", length=len(latest.text))
    existing = session.scalar(sa.select(RedactionFinding).where(
        RedactionFinding.text_id == latest.id, RedactionFinding.start == data.start,
        RedactionFinding.end == data.end, RedactionFinding.category == data.category))
    if existing is not None:
        return existing
    finding = RedactionFinding(text_id=latest.id, start=data.start, end=data.end, category=data.category,
                               detector="person", created_by=actor.user_id)
    session.add(finding)
    session.flush()
    return finding


def finding_view(finding: RedactionFinding) -> FindingView:
    return FindingView(id=finding.id, text_id=finding.text_id, start=finding.start, end=finding.end,
                       category=finding.category, detector=finding.detector, state=finding.state,
                       decided_by=finding.decided_by, decided_at=finding.decided_at, reason=finding.reason,
                       version=finding.version)


def decide_finding(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
                   finding_id: uuid.UUID, data: FindingDecision) -> RedactionFinding:
    """Confirm or dismiss (reviewers and coordinators of the project, and admins). A decision may be changed
    while the finding's original is the latest, with the version read (stale: 409)."""
    ruling, _ = team_ruling(session, actor, municipality, ruling_id, *DECIDERS)
    finding = session.get(RedactionFinding, finding_id)
    text = session.get(RulingText, finding.text_id) if finding is not None else None
    if finding is None or text is None or text.ruling_id != ruling.id:
        raise NotFound("finding_not_found")
    latest = latest_text(session, ruling.id, TextKind.original)
    if latest is None or latest.id != text.id:
        raise Conflict("finding_superseded")
    if data.version != finding.version:  # the desk shows what was decided meanwhile, beside what it sent
        raise stale_version(finding.version, data.version, finding_view(finding).model_dump(mode="json"))
    finding.state = FindingState(data.state)
    if data.category is not None:
        finding.category = data.category
    finding.reason = data.reason.strip() if data.reason else None
    finding.decided_by = actor.user_id
    finding.decided_at = utcnow()
    finding.version += 1
    session.flush()
    return finding
