"""Audit projects and their teams: creating and editing a project, its count of published rulings, and who is in
its team with which role (docs/rulings.md, "Roles and who sees what")."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.audit import service as audit
from server.auth.actor import Actor, authorize
from server.auth.models import Role, RoleGrant, User
from server.db import new_id
from server.errors import Conflict, Invalid, NotFound
from server.i18n import term
from server.municipalities.models import Municipality
from server.rulings.codelists import TeamRole
from server.rulings.models import AuditProject, AuditTeamMember, Ruling
from server.rulings.schemas import ProjectCreate, ProjectPublic, ProjectUpdate, TeamMemberSet, TeamMemberView
from server.rulings.service import (
    DECIDERS,
    MANAGE,
    TEAM_ROLE_NEEDS,
    apply_changes,
    check_version,
    get_project,
    is_admin,
    require_team,
    team_role,
)

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
    check_version(project, data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    starts = values.get("period_starts_on", project.period_starts_on)
    ends = values.get("period_ends_on", project.period_ends_on)
    if starts is None or ends is None or ends < starts:
        raise Invalid.for_field("period_ends_on", "project_period_invalid")
    apply_changes(project, values, required=("name",))
    name = project.name
    try:
        with session.begin_nested():
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("audit_project_name_taken", name=name) from exc
    return project


# ------------------------------------------------------------------------------------------------ teams


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
