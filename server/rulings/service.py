"""Who may do what in the judicial-ruling audit (docs/rulings.md, "Roles and who sees what"), and the look-ups
the other modules of rulings and the other domains use (annotations, notebooks):

- `team_role(session, project_id, actor)`: the caller's role in the project's team, or None;
- `require_team(session, project, actor, *roles)`: 401/403 unless the caller is in the team with one of `roles`
  (any role when none is named); municipal admins and national admins always pass;
- `get_project`, `get_ruling`, `get_court`, `get_judge`: the record if it belongs to the municipality (404
  otherwise);
- `latest_text(session, ruling_id, kind)`: the highest-numbered text of that kind;
- `rulings_of_judge(session, judge_id, starts_on, ends_on)`: the rulings a judge signed, ruled in that period.

The use cases are beside it: courts.py (courts, judges and their assignments), projects.py (audit projects and
their teams), records.py (rulings and their original texts), findings.py (redaction findings) and publishing.py
(public versions, and `on_public_version`).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor, require_user
from server.auth.models import Role
from server.db import utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.municipalities.models import Municipality
from server.rulings.codelists import TeamRole, TextKind
from server.rulings.models import (
    AuditProject,
    AuditTeamMember,
    Court,
    Judge,
    JudgeAssignment,
    Ruling,
    RulingJudge,
    RulingText,
)

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
IMPORTERS = (TeamRole.reviewer, TeamRole.coordinator)  # who imports rulings and adds originals


# ------------------------------------------------------------------------------------------------ access


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


# ------------------------------------------------------------------------------------------------ look-ups


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


def get_court(session: Session, municipality: Municipality, court_id: uuid.UUID) -> Court:
    court = session.get(Court, court_id)
    if court is None or court.municipality_id != municipality.id:
        raise NotFound("court_not_found")
    return court


def get_judge(session: Session, municipality: Municipality, judge_id: uuid.UUID) -> Judge:
    judge = session.get(Judge, judge_id)
    if judge is None or judge.municipality_id != municipality.id:
        raise NotFound("judge_not_found")
    return judge


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


def team_ruling(session: Session, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
                 *roles: TeamRole) -> tuple[Ruling, AuditProject]:
    ruling = get_ruling(session, municipality, ruling_id)
    project = session.get(AuditProject, ruling.project_id)
    require_user(actor)
    if not sees_team_data(session, project, actor):
        raise NotFound("ruling_not_found") if ruling.published_at is None else Forbidden("audit_team_required")
    require_team(session, project, actor, *roles)
    return ruling, project


# ------------------------------------------------------------------------------------------------ updates


def check_version(record: Any, sent: int) -> None:
    if sent != record.version:
        raise Conflict("stale_version", current=record.version, sent=sent)


def apply_changes(record: Any, values: dict[str, Any], required: tuple[str, ...] = ()) -> None:
    for name in required:
        if name in values and values[name] is None:
            raise Invalid.for_field(name, "validation_error")
    for name, value in values.items():
        setattr(record, name, " ".join(value.split()) if isinstance(value, str) and name in {"name", "full_name"}
                else value)
    record.version += 1
    record.updated_at = utcnow()
