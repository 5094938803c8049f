"""/api/v1/municipalities/{code}/audit-projects and their /team: the audit projects of the judicial-ruling audit
and who is in each team (docs/rulings.md, "Roles and who sees what")."""

from __future__ import annotations

from server.api import Call, endpoint
from server.db import read_scope, session_scope
from server.municipalities import service as municipalities
from server.rulings import projects, service
from server.rulings.schemas import ProjectCreate, ProjectPublic, ProjectUpdate, TeamMemberSet, TeamMemberView

TAG = "rulings"
MUNI = "/municipalities/{code}"
PROJECT = MUNI + "/audit-projects/{project_id:uuid}"


# ------------------------------------------------------------------------------------------------ projects


@endpoint("GET", MUNI + "/audit-projects", summary="Audit projects of the municipality", tag=TAG,
          response=list[ProjectPublic], errors=(404, 422))
def list_projects(call: Call) -> list[ProjectPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return projects.list_projects(session, municipality, call.actor)


@endpoint("GET", PROJECT, summary="One audit project", tag=TAG, response=ProjectPublic, errors=(404, 422))
def get_project(call: Call) -> ProjectPublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        project = service.get_project(session, municipality, call.path["project_id"])
        return projects.project_view(session, project, call.actor)


@endpoint("POST", MUNI + "/audit-projects", summary="Create an audit project (rulings.manage)", tag=TAG,
          body=ProjectCreate, response=ProjectPublic, status=201, auth=True, errors=(403, 404, 409, 422))
def create_project(call: Call) -> ProjectPublic:
    """A reviewer (or admin) who creates it becomes its coordinator."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        project = projects.create_project(session, actor=call.actor, municipality=municipality, data=call.body)
        return projects.project_view(session, project, call.actor)


@endpoint("PATCH", PROJECT, summary="Edit an audit project (its coordinator; send the version you read)", tag=TAG,
          body=ProjectUpdate, response=ProjectPublic, auth=True, errors=(403, 404, 409, 422))
def update_project(call: Call) -> ProjectPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        project = projects.update_project(session, actor=call.actor, municipality=municipality,
                                          project_id=call.path["project_id"], data=call.body)
        return projects.project_view(session, project, call.actor)


@endpoint("GET", PROJECT + "/team", summary="The project's audit team (team only)", tag=TAG,
          response=list[TeamMemberView], auth=True, errors=(403, 404, 422))
def get_team(call: Call) -> list[TeamMemberView]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return projects.team(session, actor=call.actor, municipality=municipality, project_id=call.path["project_id"])


@endpoint("PUT", PROJECT + "/team/{user_id:uuid}", summary="Put a person in the team with a role (coordinator)",
          tag=TAG, body=TeamMemberSet, response=list[TeamMemberView], auth=True, errors=(403, 404, 409, 422))
def set_team_member(call: Call) -> list[TeamMemberView]:
    """auditor needs the municipal role student_auditor; reviewer, audit_reviewer; coordinator, audit_reviewer
    or admin (422 team_role_not_held)."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        projects.set_team_member(session, actor=call.actor, municipality=municipality,
                                 project_id=call.path["project_id"], user_id=call.path["user_id"], data=call.body)
        return projects.team(session, actor=call.actor, municipality=municipality, project_id=call.path["project_id"])


@endpoint("DELETE", PROJECT + "/team/{user_id:uuid}", summary="Take a person out of the team (coordinator)",
          tag=TAG, response=list[TeamMemberView], auth=True, errors=(403, 404, 422))
def remove_team_member(call: Call) -> list[TeamMemberView]:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        projects.remove_team_member(session, actor=call.actor, municipality=municipality,
                                    project_id=call.path["project_id"], user_id=call.path["user_id"])
        return projects.team(session, actor=call.actor, municipality=municipality, project_id=call.path["project_id"])


routes = [list_projects, get_project, create_project, update_project, get_team, set_team_member, remove_team_member]
