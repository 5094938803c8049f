"""Rulings and their original texts: creating a ruling with its first original (the detector's findings on it),
adding a new original (the decisions taken on the previous one carried over), editing the metadata, and listing
and reading rulings and their texts as the caller may see them (docs/rulings.md). The batch import (CSV, JSONL)
is importing.py; publishing a redacted version is publishing.py."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.audit import service as audit
from server.auth.actor import Actor
from server.db import new_id, utcnow
from server.errors import Conflict, Invalid, NotFound
from server.municipalities.models import Municipality
from server.rulings import redaction
from server.rulings.codelists import FindingCategory, FindingState, RulingState, TextKind, TextSource
from server.rulings.models import (
    AuditProject,
    AuditTeamMember,
    Judge,
    RedactionFinding,
    Ruling,
    RulingJudge,
    RulingText,
)
from server.rulings.schemas import RulingMetadata, RulingUpdate
from server.rulings.service import (
    IMPORTERS,
    apply_changes,
    check_version,
    get_court,
    get_judge,
    get_ruling,
    is_admin,
    latest_text,
    require_team,
    sees_team_data,
    team_role,
    team_ruling,
)
from server.rulings.text import canonical, sha256

MAX_TEXT_CHARS = 2_000_000  # a ruling's canonical text; larger is refused (ruling_text_too_large)


# ------------------------------------------------------------------------------------------------ originals


def _ruling_judges(session: Session, municipality: Municipality, refs: list[Any]) -> list[tuple[Judge, str]]:
    found = []
    for position, ref in enumerate(refs):
        try:
            found.append((get_judge(session, municipality, ref.judge_id), ref.role))
        except NotFound as exc:
            raise Invalid.for_field(f"judges.{position}.judge_id", "judge_not_found") from exc
    ids = [judge.id for judge, _ in found]
    if len(set(ids)) != len(ids):
        raise Invalid.for_field("judges", "ruling_judge_repeated")
    return found


def _clean_text(text: str) -> str:
    cleaned = canonical(text)
    if not cleaned.strip():
        raise Invalid.for_field("text", "ruling_text_empty")
    if len(cleaned) > MAX_TEXT_CHARS:
        raise Invalid.for_field("text", "ruling_text_too_large", limit=MAX_TEXT_CHARS)
    return cleaned


def find_existing(session: Session, project: AuditProject, data: RulingMetadata) -> Ruling | None:
    return session.scalar(sa.select(Ruling).where(
        Ruling.project_id == project.id, Ruling.court_id == data.court_id,
        Ruling.case_number == data.case_number.strip(), Ruling.kind == data.kind, Ruling.ruled_on == data.ruled_on))


def create_ruling(session: Session, *, actor: Actor, municipality: Municipality, project: AuditProject,
                  data: RulingMetadata, text: str | None, source: TextSource,
                  detect: bool = True) -> tuple[Ruling, bool]:
    """A ruling with its first original text, and the findings of the detector on it: (ruling, created). The
    same ruling (project, court, case number, kind, date) again is 409 ruling_duplicate, unless it is the same
    create resent with its id (answered with the stored ruling)."""
    require_team(session, project, actor, *IMPORTERS)
    cleaned = _clean_text(text) if text is not None else None
    try:
        court = get_court(session, municipality, data.court_id)
    except NotFound as exc:
        raise Invalid.for_field("court_id", "court_not_found") from exc
    judges = _ruling_judges(session, municipality, data.judges)
    ignore = ("case_number", "parties", "judges", "text")
    stored = client_ids.stored_resend(session, Ruling, data, ignore=ignore,
                                      expected={"project_id": project.id, "municipality_id": municipality.id})
    if stored is not None:
        return stored, False
    if find_existing(session, project, data) is not None:
        raise Conflict("ruling_duplicate", case_number=data.case_number.strip())
    ruling = Ruling(id=data.id or new_id(), municipality_id=municipality.id, project_id=project.id, court_id=court.id,
                    case_number=data.case_number.strip(), kind=data.kind, matter=data.matter, outcome=data.outcome,
                    filed_on=data.filed_on, heard_on=data.heard_on, ruled_on=data.ruled_on,
                    parties=[p.model_dump(mode="json") for p in data.parties], created_by=actor.user_id)
    ruling, created = client_ids.insert(session, ruling, data, ignore=ignore,
                                        expected={"project_id": project.id, "municipality_id": municipality.id},
                                        taken=Conflict("ruling_duplicate", case_number=ruling.case_number))
    if not created:
        return ruling, False
    session.add_all(RulingJudge(ruling_id=ruling.id, judge_id=judge.id, role=role) for judge, role in judges)
    session.flush()
    if cleaned is not None:
        _add_original(session, actor, municipality, ruling, cleaned, source, detect=detect)
    # The log is public and the ruling is not yet: ids and hashes only, never its case number (docs/audit-log.md).
    audit.append(session, municipality_id=municipality.id, entity="ruling", entity_id=ruling.id, action="imported",
                 **audit.who(actor), data={"project_id": str(project.id)})
    return ruling, True


def judge_names(session: Session, ruling: Ruling) -> list[str]:
    return list(session.scalars(sa.select(Judge.full_name).join(RulingJudge, RulingJudge.judge_id == Judge.id)
                                .where(RulingJudge.ruling_id == ruling.id)))


def _add_original(session: Session, actor: Actor, municipality: Municipality, ruling: Ruling, cleaned: str,
                  source: TextSource, *, detect: bool = True) -> RulingText:
    latest = latest_text(session, ruling.id, TextKind.original)
    digest = sha256(cleaned)
    text = RulingText(ruling_id=ruling.id, kind=TextKind.original, number=(latest.number + 1) if latest else 1,
                      text=cleaned, sha256=digest, source=source, created_by=actor.user_id)
    session.add(text)
    session.flush()
    found_data = redaction.detect(cleaned, own_case_numbers=[ruling.case_number],
                                  judge_names=judge_names(session, ruling)) if detect else []
    added = [RedactionFinding(text_id=text.id, start=found.start, end=found.end, category=found.category,
                              detector=found.detector) for found in found_data]
    session.add_all(added)
    if latest is not None:
        _carry_over(session, latest, text, added)
    ruling.state = RulingState.in_redaction
    ruling.version += 1
    ruling.updated_at = utcnow()
    session.flush()
    return text


def _carry_over(session: Session, old: RulingText, new: RulingText, added: list[RedactionFinding]) -> None:
    """Decisions taken on the previous original follow its text into the new one: each decided span is mapped
    through the difference of the two texts (diff-match-patch) and, where the same characters are found there,
    the finding at that place (the detector's, or a copy of a confirmed one it did not find) gets the same
    decision, by the same person. A datum whose text changed is left to decide again."""
    from diff_match_patch import diff_match_patch

    decided = list(session.scalars(sa.select(RedactionFinding).where(
        RedactionFinding.text_id == old.id, RedactionFinding.state != FindingState.pending)))
    if not decided:
        return
    differ = diff_match_patch()
    differ.Diff_Timeout = 1.0
    diffs = differ.diff_main(old.text, new.text)
    at_place = {(f.start, f.end, FindingCategory(f.category).value): f for f in added}
    for finding in decided:
        start = differ.diff_xIndex(diffs, finding.start)
        end = start + (finding.end - finding.start)
        if new.text[start:end] != old.text[finding.start:finding.end]:
            continue
        category = FindingCategory(finding.category).value
        target = at_place.get((start, end, category))
        if target is None:
            if finding.state != FindingState.confirmed:
                continue  # a dismissal of something the detector no longer finds: nothing to carry
            target = RedactionFinding(text_id=new.id, start=start, end=end, category=category,
                                      detector=finding.detector, created_by=finding.created_by)
            session.add(target)
            at_place[(start, end, category)] = target
        target.state = finding.state
        target.decided_by = finding.decided_by
        target.decided_at = finding.decided_at
        target.reason = finding.reason
    session.flush()


def require_importer(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID) -> Ruling:
    """Raise unless `actor` may add an original to the ruling (a never-published ruling: 404 to outsiders), before
    anything they send is read."""
    return team_ruling(session, actor, municipality, ruling_id, *IMPORTERS)[0]


def add_original(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID, text: str,
                 source: TextSource, detect: bool = True) -> tuple[RulingText, bool]:
    """A new original version (text or PDF upload): (text, created). The same canonical text as the latest
    original is not a new version."""
    ruling, _ = team_ruling(session, actor, municipality, ruling_id, *IMPORTERS)  # never published: 404 to outsiders
    cleaned = _clean_text(text)
    session.execute(sa.select(Ruling.id).where(Ruling.id == ruling.id).with_for_update())
    latest = latest_text(session, ruling.id, TextKind.original)
    if latest is not None and latest.sha256 == sha256(cleaned):
        return latest, False
    added = _add_original(session, actor, municipality, ruling, cleaned, source, detect=detect)
    audit.append(session, municipality_id=municipality.id, entity="ruling", entity_id=ruling.id,
                 action="original_added", **audit.who(actor),
                 data={"text_id": str(added.id), "sha256": added.sha256})  # an original is never public
    return added, True


def update_ruling(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
                  data: RulingUpdate) -> Ruling:
    ruling, _ = team_ruling(session, actor, municipality, ruling_id, *IMPORTERS)  # never published: 404 to outsiders
    check_version(ruling, data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    if "parties" in values:
        values["parties"] = [party.model_dump(mode="json") for party in data.parties or []]
    if "matter" in values and values["matter"] is None:
        raise Invalid.for_field("matter", "validation_error")
    for name in ("filed_on", "heard_on"):
        if values.get(name) is not None and values[name] > ruling.ruled_on:
            raise Invalid.for_field(name, "ruling_dates_invalid")
    apply_changes(ruling, values)
    session.flush()
    return ruling


# ------------------------------------------------------------------------------------------------ reading


def list_rulings(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID | None = None,
                 judge_id: uuid.UUID | None = None, court_id: uuid.UUID | None = None,
                 state: RulingState | None = None) -> list[Ruling]:
    """Published rulings for everyone; the team (and admins) see every ruling of their projects."""
    statement = sa.select(Ruling).where(Ruling.municipality_id == municipality.id)
    if project_id is not None:
        statement = statement.where(Ruling.project_id == project_id)
    if court_id is not None:
        statement = statement.where(Ruling.court_id == court_id)
    if judge_id is not None:
        statement = statement.where(Ruling.id.in_(sa.select(RulingJudge.ruling_id)
                                                  .where(RulingJudge.judge_id == judge_id)))
    if state is not None:
        statement = statement.where(Ruling.state == state)
    if not is_admin(actor, municipality.id):
        visible = Ruling.published_at.is_not(None)
        if actor.is_authenticated:  # the projects whose team the caller acts in (holding the municipal role)
            member_of = session.scalars(sa.select(AuditTeamMember.project_id)
                                        .where(AuditTeamMember.user_id == actor.user_id))
            mine = [project_id for project_id in member_of if team_role(session, project_id, actor) is not None]
            if mine:
                visible = sa.or_(visible, Ruling.project_id.in_(mine))
        statement = statement.where(visible)
    return list(session.scalars(statement.order_by(Ruling.ruled_on.desc(), Ruling.case_number, Ruling.id)))


def visible_ruling(session: Session, *, actor: Actor, municipality: Municipality,
                   ruling_id: uuid.UUID) -> tuple[Ruling, bool]:
    """(ruling, team): a ruling never published is a 404 for anyone outside its team."""
    ruling = get_ruling(session, municipality, ruling_id)
    project = session.get(AuditProject, ruling.project_id)
    is_team = sees_team_data(session, project, actor)
    if not is_team and ruling.published_at is None:
        raise NotFound("ruling_not_found")
    return ruling, is_team


def get_text(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
             text_id: uuid.UUID) -> RulingText:
    ruling, is_team = visible_ruling(session, actor=actor, municipality=municipality, ruling_id=ruling_id)
    text = session.get(RulingText, text_id)
    if text is None or text.ruling_id != ruling.id or (text.kind == TextKind.original and not is_team):
        raise NotFound("ruling_text_not_found")
    return text


def texts_of(session: Session, ruling: Ruling, *, is_team: bool) -> list[RulingText]:
    statement = sa.select(RulingText).where(RulingText.ruling_id == ruling.id)
    if not is_team:
        statement = statement.where(RulingText.kind == TextKind.public)
    return list(session.scalars(statement.order_by(RulingText.kind, RulingText.number)))
