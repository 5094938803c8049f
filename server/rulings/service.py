"""Courts, judges, audit projects and their teams, rulings and their texts: who may do what (docs/rulings.md,
"Roles and who sees what"), and the helpers other domains use (annotations, notebooks):

- `team_role(session, project_id, actor)`: the caller's role in the project's team, or None;
- `require_team(session, project, actor, *roles)`: 401/403 unless the caller is in the team with one of `roles`
  (any role when none is named); municipal admins and national admins always pass;
- `get_project`, `get_ruling`: the record if it belongs to the municipality (404 otherwise);
- `latest_text(session, ruling_id, kind)`: the highest-numbered text of that kind;
- `rulings_of_judge(session, judge_id, starts_on, ends_on)`: the rulings a judge signed, ruled in that period;
- `on_public_version(callback)`: called as `callback(session, ruling, previous_public, new_public)` in the same
  transaction whenever a public version is created.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.audit import service as audit
from server.auth.actor import Actor, authorize, require_user
from server.auth.models import Role, RoleGrant, User
from server.db import new_id, utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound, stale_version
from server.i18n import term
from server.municipalities.models import Municipality
from server.rulings import redaction
from server.rulings.models import (
    AssignmentCreate,
    AssignmentPublic,
    AuditProject,
    AuditTeamMember,
    Court,
    CourtCreate,
    CourtUpdate,
    FindingCategory,
    FindingCreate,
    FindingDecision,
    FindingState,
    FindingView,
    Judge,
    JudgeAssignment,
    JudgeCreate,
    JudgePublic,
    JudgeUpdate,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
    RedactionFinding,
    Ruling,
    RulingJudge,
    RulingMetadata,
    RulingState,
    RulingText,
    RulingUpdate,
    TeamMemberSet,
    TeamMemberView,
    TeamRole,
    TextKind,
    TextSource,
)
from server.rulings.text import canonical, sha256

MANAGE = "rulings.manage"

# The municipal roles a team role needs (checked when a person joins the team, and again on every use: a person
# who lost the municipal role no longer acts in the team).
TEAM_ROLE_NEEDS: dict[TeamRole, frozenset[Role]] = {
    TeamRole.auditor: frozenset({Role.student_auditor}),
    TeamRole.reviewer: frozenset({Role.audit_reviewer}),
    TeamRole.coordinator: frozenset({Role.audit_reviewer, Role.admin}),
}

# Who decides redaction findings and publishes: reviewers and coordinators (and admins). Auditors import nothing
# but may point out a missed datum (a pending finding a reviewer decides).
DECIDERS = (TeamRole.reviewer, TeamRole.coordinator)

MAX_TEXT_CHARS = 2_000_000  # a ruling's canonical text; larger is refused (ruling_text_too_large)

PublicVersionHook = Callable[[Session, Ruling, "RulingText | None", RulingText], None]
_PUBLIC_VERSION_HOOKS: list[PublicVersionHook] = []


def on_public_version(callback: PublicVersionHook) -> None:
    """Register `callback(session, ruling, previous_public_text_or_None, new_public_text)`, called in the same
    transaction whenever a public version is created (annotations re-anchor on it). Registering twice is once."""
    if callback not in _PUBLIC_VERSION_HOOKS:
        _PUBLIC_VERSION_HOOKS.append(callback)


# ------------------------------------------------------------------------------------------------ helpers


def is_admin(actor: Actor, municipality_id: uuid.UUID) -> bool:
    return actor.is_national_admin or actor.has_role(municipality_id, Role.admin)


def team_role(session: Session, project_id: uuid.UUID, actor: Actor) -> TeamRole | None:
    """The caller's role in the project's team: None if anonymous, not in the team, or no longer holding the
    municipal role the team role needs."""
    if not actor.is_authenticated:
        return None
    row = session.execute(
        sa.select(AuditTeamMember.role, AuditProject.municipality_id)
        .join(AuditProject, AuditProject.id == AuditTeamMember.project_id)
        .where(AuditTeamMember.project_id == project_id, AuditTeamMember.user_id == actor.user_id)
    ).first()
    if row is None:
        return None
    role = TeamRole(row.role)
    if not actor.has_role(row.municipality_id, *TEAM_ROLE_NEEDS[role]):
        return None
    return role


def require_team(session: Session, project: AuditProject, actor: Actor, *roles: TeamRole) -> TeamRole | None:
    """401 if anonymous; 403 `audit_team_required` unless the caller is in the project's team with one of `roles`
    (any team role when none is named). Municipal admins and national admins pass (answer: their team role, or
    None)."""
    require_user(actor)
    role = team_role(session, project.id, actor)
    if is_admin(actor, project.municipality_id):
        return role
    if role is None or (roles and role not in roles):
        raise Forbidden("audit_team_required")
    return role


def sees_team_data(session: Session, project: AuditProject, actor: Actor) -> bool:
    """Whether the caller sees originals and unconfirmed findings: the team and admins."""
    return is_admin(actor, project.municipality_id) or team_role(session, project.id, actor) is not None


def get_project(session: Session, municipality: Municipality, project_id: uuid.UUID) -> AuditProject:
    project = session.get(AuditProject, project_id)
    if project is None or project.municipality_id != municipality.id:
        raise NotFound("audit_project_not_found")
    return project


def get_ruling(session: Session, municipality: Municipality, ruling_id: uuid.UUID) -> Ruling:
    ruling = session.get(Ruling, ruling_id)
    if ruling is None or ruling.municipality_id != municipality.id:
        raise NotFound("ruling_not_found")
    return ruling


def latest_text(session: Session, ruling_id: uuid.UUID, kind: TextKind | str) -> RulingText | None:
    return session.scalar(
        sa.select(RulingText).where(RulingText.ruling_id == ruling_id, RulingText.kind == TextKind(kind))
        .order_by(RulingText.number.desc()).limit(1)
    )


def rulings_of_judge(session: Session, judge_id: uuid.UUID, starts_on: date, ends_on: date) -> list[Ruling]:
    """The rulings the judge signed (ruling_judges), ruled on from starts_on to ends_on inclusive, by date."""
    return list(session.scalars(
        sa.select(Ruling).join(RulingJudge, RulingJudge.ruling_id == Ruling.id)
        .where(RulingJudge.judge_id == judge_id, Ruling.ruled_on >= starts_on, Ruling.ruled_on <= ends_on)
        .order_by(Ruling.ruled_on, Ruling.case_number, Ruling.id)
    ))


def judge_courts(session: Session, judge_id: uuid.UUID, starts_on: date, ends_on: date) -> list[Court]:
    """The courts the judge sat in (an assignment overlapping starts_on..ends_on), by name."""
    return list(session.scalars(
        sa.select(Court).join(JudgeAssignment, JudgeAssignment.court_id == Court.id)
        .where(JudgeAssignment.judge_id == judge_id, JudgeAssignment.starts_on <= ends_on,
               sa.or_(JudgeAssignment.ends_on.is_(None), JudgeAssignment.ends_on >= starts_on))
        .distinct().order_by(Court.name)
    ))


def _stale(record: Any, sent: int) -> None:
    if sent != record.version:
        raise Conflict("stale_version", current=record.version, sent=sent)


def _apply(record: Any, values: dict[str, Any], required: tuple[str, ...] = ()) -> None:
    for name in required:
        if name in values and values[name] is None:
            raise Invalid.for_field(name, "validation_error")
    for name, value in values.items():
        setattr(record, name, " ".join(value.split()) if isinstance(value, str) and name in {"name", "full_name"}
                else value)
    record.version += 1
    record.updated_at = utcnow()


# ------------------------------------------------------------------------------------------------ courts


def get_court(session: Session, municipality: Municipality, court_id: uuid.UUID) -> Court:
    court = session.get(Court, court_id)
    if court is None or court.municipality_id != municipality.id:
        raise NotFound("court_not_found")
    return court


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
    _stale(court, data.version)
    _apply(court, data.model_dump(exclude_unset=True, exclude={"version"}), required=("name", "level", "speciality"))
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


def get_judge(session: Session, municipality: Municipality, judge_id: uuid.UUID) -> Judge:
    judge = session.get(Judge, judge_id)
    if judge is None or judge.municipality_id != municipality.id:
        raise NotFound("judge_not_found")
    return judge


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
    _stale(judge, data.version)
    _apply(judge, data.model_dump(exclude_unset=True, exclude={"version"}), required=("full_name",))
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


# ------------------------------------------------------------------------------------------------ projects


def _published_count(session: Session, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not project_ids:
        return {}
    rows = session.execute(sa.select(Ruling.project_id, sa.func.count()).where(
        Ruling.project_id.in_(project_ids), Ruling.published_at.is_not(None)).group_by(Ruling.project_id))
    return dict(rows.all())


def project_view(session: Session, project: AuditProject, actor: Actor,
                 counts: dict[uuid.UUID, int] | None = None) -> ProjectPublic:
    counts = counts if counts is not None else _published_count(session, [project.id])
    return ProjectPublic(id=project.id, name=project.name, description=project.description,
                         period_starts_on=project.period_starts_on, period_ends_on=project.period_ends_on,
                         version=project.version, published_rulings=counts.get(project.id, 0),
                         my_role=team_role(session, project.id, actor))


def list_projects(session: Session, municipality: Municipality, actor: Actor) -> list[ProjectPublic]:
    projects = list(session.scalars(sa.select(AuditProject).where(AuditProject.municipality_id == municipality.id)
                                    .order_by(AuditProject.period_starts_on.desc(), AuditProject.name)))
    counts = _published_count(session, [p.id for p in projects])
    return [project_view(session, p, actor, counts) for p in projects]


def create_project(session: Session, *, actor: Actor, municipality: Municipality,
                   data: ProjectCreate) -> AuditProject:
    """rulings.manage; a reviewer who creates a project becomes its coordinator."""
    authorize(actor, MANAGE, municipality.id)
    project = AuditProject(id=data.id or new_id(), municipality_id=municipality.id, name=" ".join(data.name.split()),
                           description=data.description, period_starts_on=data.period_starts_on,
                           period_ends_on=data.period_ends_on, created_by=actor.user_id)
    project, created = client_ids.insert(session, project, data, ignore=("name",),
                                         expected={"municipality_id": municipality.id, "created_by": actor.user_id},
                                         taken=Conflict("audit_project_name_taken", name=project.name))
    if created:
        if actor.has_role(municipality.id, Role.audit_reviewer, Role.admin):
            session.add(AuditTeamMember(project_id=project.id, user_id=actor.user_id, role=TeamRole.coordinator,
                                        added_by=actor.user_id))
        session.flush()
        audit.append(session, municipality_id=municipality.id, entity="audit_project", entity_id=project.id,
                     action="created", **audit.who(actor), data={"name": project.name})
    return project


def update_project(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                   data: ProjectUpdate) -> AuditProject:
    project = get_project(session, municipality, project_id)
    require_team(session, project, actor, TeamRole.coordinator)
    _stale(project, data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    starts = values.get("period_starts_on", project.period_starts_on)
    ends = values.get("period_ends_on", project.period_ends_on)
    if starts is None or ends is None or ends < starts:
        raise Invalid.for_field("period_ends_on", "project_period_invalid")
    _apply(project, values, required=("name",))
    name = project.name
    try:
        with session.begin_nested():
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("audit_project_name_taken", name=name) from exc
    return project


def team(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID) -> list[TeamMemberView]:
    """The team, for its members; e-mail addresses only for the project's reviewers, coordinators and admins."""
    project = get_project(session, municipality, project_id)
    role = require_team(session, project, actor)
    emails = role in DECIDERS or is_admin(actor, municipality.id)
    rows = session.execute(sa.select(AuditTeamMember, User.full_name, User.email)
                           .join(User, User.id == AuditTeamMember.user_id)
                           .where(AuditTeamMember.project_id == project.id)
                           .order_by(AuditTeamMember.role, User.full_name, User.id)).all()
    return [TeamMemberView(user_id=m.user_id, full_name=name, email=email if emails else None, role=m.role)
            for m, name, email in rows]


def set_team_member(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                    user_id: uuid.UUID, data: TeamMemberSet) -> AuditTeamMember:
    """The project's coordinator (or an admin) puts a person in the team with a role their municipal roles
    allow (422 team_role_not_held otherwise)."""
    project = get_project(session, municipality, project_id)
    require_team(session, project, actor, TeamRole.coordinator)
    if session.get(User, user_id) is None:
        raise NotFound("user_not_found")
    held = set(session.scalars(sa.select(RoleGrant.role).where(RoleGrant.user_id == user_id,
                                                                 RoleGrant.municipality_id == municipality.id)))
    if not {Role(r) for r in held} & TEAM_ROLE_NEEDS[data.role]:
        raise Invalid.for_field("role", "team_role_not_held", role=term(f"team_role_{data.role.value}"))
    member = session.scalar(sa.select(AuditTeamMember).where(AuditTeamMember.project_id == project.id,
                                                             AuditTeamMember.user_id == user_id))
    if member is None:
        member = AuditTeamMember(project_id=project.id, user_id=user_id, role=data.role, added_by=actor.user_id)
        session.add(member)
    elif member.role == data.role:
        return member
    else:
        member.role = data.role
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="audit_project", entity_id=project.id,
                 action="team_member_set", **audit.who(actor), data={"user_id": str(user_id), "role": data.role.value})
    return member


def remove_team_member(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                       user_id: uuid.UUID) -> None:
    project = get_project(session, municipality, project_id)
    require_team(session, project, actor, TeamRole.coordinator)
    member = session.scalar(sa.select(AuditTeamMember).where(AuditTeamMember.project_id == project.id,
                                                             AuditTeamMember.user_id == user_id))
    if member is None:
        raise NotFound("team_member_not_found")
    session.delete(member)
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="audit_project", entity_id=project.id,
                 action="team_member_removed", **audit.who(actor), data={"user_id": str(user_id)})


# ------------------------------------------------------------------------------------------------ rulings


IMPORTERS = (TeamRole.reviewer, TeamRole.coordinator)


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
    return _team_ruling(session, actor, municipality, ruling_id, *IMPORTERS)[0]


def add_original(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID, text: str,
                 source: TextSource, detect: bool = True) -> tuple[RulingText, bool]:
    """A new original version (text or PDF upload): (text, created). The same canonical text as the latest
    original is not a new version."""
    ruling, _ = _team_ruling(session, actor, municipality, ruling_id, *IMPORTERS)  # never published: 404 to outsiders
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
    ruling, _ = _team_ruling(session, actor, municipality, ruling_id, *IMPORTERS)  # never published: 404 to outsiders
    _stale(ruling, data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    if "parties" in values:
        values["parties"] = [party.model_dump(mode="json") for party in data.parties or []]
    if "matter" in values and values["matter"] is None:
        raise Invalid.for_field("matter", "validation_error")
    for name in ("filed_on", "heard_on"):
        if values.get(name) is not None and values[name] > ruling.ruled_on:
            raise Invalid.for_field(name, "ruling_dates_invalid")
    _apply(ruling, values)
    session.flush()
    return ruling


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


# ------------------------------------------------------------------------------------------------ findings


def _team_ruling(session: Session, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
                 *roles: TeamRole) -> tuple[Ruling, AuditProject]:
    ruling = get_ruling(session, municipality, ruling_id)
    project = session.get(AuditProject, ruling.project_id)
    require_user(actor)
    if not sees_team_data(session, project, actor):
        raise NotFound("ruling_not_found") if ruling.published_at is None else Forbidden("audit_team_required")
    require_team(session, project, actor, *roles)
    return ruling, project


def findings(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
             text_id: uuid.UUID | None = None, state: FindingState | None = None) -> list[RedactionFinding]:
    """The findings on the latest original (or the original `text_id`): the team only."""
    ruling, _ = _team_ruling(session, actor, municipality, ruling_id)
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
    ruling, _ = _team_ruling(session, actor, municipality, ruling_id)
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
    ruling, _ = _team_ruling(session, actor, municipality, ruling_id, *DECIDERS)
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


# ------------------------------------------------------------------------------------------------ publishing


@dataclass(frozen=True)
class Redacted:
    """An original with its confirmed findings replaced by placeholders: what publishing it now would give."""

    text: str
    placed: list[redaction.Placed]
    confirmed: list[tuple[int, int, str]]
    pending: int


def redact_original(session: Session, original: RulingText) -> Redacted:
    """The original with every confirmed span replaced by its placeholder (pending and dismissed ones left as they
    are), where each placeholder landed, and how many findings are still pending. Publishing and its preview both
    read it."""
    rows = list(session.scalars(sa.select(RedactionFinding).where(RedactionFinding.text_id == original.id)))
    pending = sum(1 for f in rows if f.state == FindingState.pending)
    confirmed = [(f.start, f.end, FindingCategory(f.category).value) for f in rows
                 if f.state == FindingState.confirmed]
    text, placed = redaction.redact_placed(original.text, confirmed)
    return Redacted(text=text, placed=placed, confirmed=confirmed, pending=pending)


def is_new_public_text(previous: RulingText | None, original: RulingText, public_text: str) -> bool:
    """Whether publishing `public_text` made from `original` is a new public version: the same text from the same
    original as the latest public version is not."""
    return previous is None or previous.sha256 != sha256(public_text) or previous.derived_from != original.id


def preview(session: Session, *, actor: Actor, municipality: Municipality,
            ruling_id: uuid.UUID) -> tuple[Ruling, RulingText, Redacted, RulingText | None]:
    """What `publish` would make now (reviewers and coordinators of the project, and admins): the ruling, its
    latest original, the redacted text, and the latest public version. 409 ruling_without_text without an
    original; pending findings do not stop a preview (they are counted)."""
    ruling, _ = _team_ruling(session, actor, municipality, ruling_id, *DECIDERS)
    original = latest_text(session, ruling.id, TextKind.original)
    if original is None:
        raise Conflict("ruling_without_text")
    return ruling, original, redact_original(session, original), latest_text(session, ruling.id, TextKind.public)


def publish(session: Session, *, actor: Actor, municipality: Municipality,
            ruling_id: uuid.UUID) -> tuple[RulingText, bool]:
    """A public version of the latest original: every confirmed span replaced by its bracketed Spanish
    placeholder ("[DNI]", "[NOMBRE]"...). 409 redaction_unreviewed while a finding of that original is pending.
    (text, created): the same public text as the latest public version is not a new version."""
    ruling, _ = _team_ruling(session, actor, municipality, ruling_id, *DECIDERS)
    session.execute(sa.select(Ruling.id).where(Ruling.id == ruling.id).with_for_update())
    original = latest_text(session, ruling.id, TextKind.original)
    if original is None:
        raise Conflict("ruling_without_text")
    redacted = redact_original(session, original)
    if redacted.pending:
        raise Conflict("redaction_unreviewed", pending=redacted.pending)
    confirmed, public_text = redacted.confirmed, redacted.text
    previous = latest_text(session, ruling.id, TextKind.public)
    digest = sha256(public_text)
    if not is_new_public_text(previous, original, public_text):
        return previous, False
    new = RulingText(ruling_id=ruling.id, kind=TextKind.public, number=(previous.number + 1) if previous else 1,
                     text=public_text, sha256=digest, source=TextSource.redaction, derived_from=original.id,
                     created_by=actor.user_id)
    session.add(new)
    ruling.state = RulingState.published
    ruling.published_at = ruling.published_at or utcnow()
    ruling.version += 1
    ruling.updated_at = utcnow()
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="ruling", entity_id=ruling.id,
                 action="public_version", **audit.who(actor),
                 data={"text_id": str(new.id), "number": new.number, "sha256": digest,
                       "original_id": str(original.id), "original_sha256": original.sha256,
                       "confirmed": len(confirmed)})
    for callback in list(_PUBLIC_VERSION_HOOKS):
        callback(session, ruling, previous, new)
    return new, True
