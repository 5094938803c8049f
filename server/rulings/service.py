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
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.audit import service as audit
from server.auth.actor import Actor, authorize, require_user
from server.auth.models import Role, RoleGrant, User
from server.db import new_id, utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
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
