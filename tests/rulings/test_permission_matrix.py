"""Every protected endpoint of the judicial-ruling audit domains (rulings, annotations, notebooks) × every caller.

The companion of tests/auth/test_permissions.py, whose `test_the_matrix_covers_every_protected_endpoint` checks
that the two matrices together cover every protected endpoint. Here the refusals are not all `forbidden`: a
municipal permission (`rulings.manage`) refuses with 403 `forbidden`, a project's team with 403
`audit_team_required`, another annotator's assignment with 403 `assignment_not_yours`, a survey response from
someone who does not collect them with 403 `survey_collect_forbidden`. So each entry names, for every caller, what
it gets.

Callers: one demo account per municipal role in 10005 (server/demo/users.json) — among them auditor@ (student
auditor, an auditor of the demo audit project's team), revision@ (audit reviewer, the team's reviewer) and admin@
(municipal admin, the team's coordinator) —, auditora2@ (the team's other auditor, `second_auditor`), the admin of
10007, a national admin, and anonymous callers.

The demo records (server/demo/rulings.json, loaded by server/rulings/fixtures.py, server/annotations/fixtures.py and
server/notebooks/fixtures.py) are looked up once per endpoint; each caller's request then runs inside a SAVEPOINT
rolled back afterwards, so every caller meets the same records (one test per endpoint, not per caller: set-up is
shared and the suite stays fast)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from server.auth.models import Role
from tests.factories import DEMO_ACCOUNTS, NATIONAL_ADMIN, OTHER_ADMIN, bearer, token_for

MUNI = "/api/v1/municipalities/10005"
SECOND_AUDITOR = "auditora2@vigia.example"

# the callers, in the order they are tried
CALLERS = [*(role.value for role in Role), "second_auditor", "other_municipality_admin", "national_admin",
           "anonymous"]
ANYONE_SIGNED_IN = frozenset(CALLERS) - {"anonymous"}

# who passes each kind of check
MANAGERS = frozenset({"audit_reviewer", "admin", "national_admin"})  # rulings.manage (server/auth/actor.py)
TEAM = frozenset({"student_auditor", "second_auditor", "audit_reviewer", "admin", "national_admin"})
DECIDERS = frozenset({"audit_reviewer", "admin", "national_admin"})  # the team's reviewer and coordinator, admins
COORDINATORS = frozenset({"admin", "national_admin"})  # the team's coordinator (admin@), admins
COLLECTORS = frozenset({"student_auditor", "second_auditor", "audit_reviewer", "admin", "national_admin"})


def only(allowed: frozenset[str], refusal: str, **exceptions: str) -> dict[str, str]:
    """Each caller → "ok" (answered < 300) or the code of the refusal (anonymous: 401 auth_required; others 403)."""
    expected = {caller: "ok" if caller in allowed else refusal for caller in CALLERS}
    expected["anonymous"] = "auth_required"
    expected.update(exceptions)
    return expected


MANAGE = only(MANAGERS, "forbidden")
ANY_TEAM = only(TEAM, "audit_team_required")
DECIDE = only(DECIDERS, "audit_team_required")
COORDINATE = only(COORDINATORS, "audit_team_required")
# the open assignment of the demo (auditora2@'s, on the ruling at stage "annotating"): only its annotator; whoever
# else is refused the same way, team or not, so nothing tells an outsider whose it is
OWNER = only(frozenset({"second_auditor"}), "assignment_not_yours")


def unpublished(expected: dict[str, str], code: str = "ruling_not_found") -> dict[str, str]:
    """On a ruling never published (or a notebook not published: code notebook_not_found): whoever is not in the
    team (nor an admin) is told it does not exist (404), as when reading it (docs/rulings.md, docs/notebooks.md)."""
    return {caller: code if refusal == "audit_team_required" and caller not in TEAM else refusal
            for caller, refusal in expected.items()}


REFUSAL_STATUS = {"auth_required": 401, "ruling_not_found": 404, "ruling_text_not_found": 404,
                  "notebook_not_found": 404}  # any other refusal: 403


# ------------------------------------------------------------------------------------------------ demo records


def _user(session, email: str) -> uuid.UUID:
    from server.auth.models import User

    return session.scalar(sa.select(User.id).where(User.email == email))


def _project(session) -> Any:
    from server.rulings.models import AuditProject, AuditTeamMember

    return session.scalar(sa.select(AuditProject).join(AuditTeamMember, AuditTeamMember.project_id == AuditProject.id)
                          .where(AuditTeamMember.user_id == _user(session, SECOND_AUDITOR)))


def _published_ruling(session) -> Any:
    """A published ruling with annotation work done on it (not one of those still waiting for the team)."""
    from server.annotations.models import AnnotationAssignment, AssignmentState
    from server.rulings.codelists import RulingState
    from server.rulings.models import Ruling

    worked = sa.select(AnnotationAssignment.ruling_id).where(AnnotationAssignment.state == AssignmentState.done)
    return session.scalar(sa.select(Ruling).where(Ruling.project_id == _project(session).id,
                                                  Ruling.state == RulingState.published, Ruling.id.in_(worked))
                          .order_by(Ruling.id))


def _ruling_in_redaction(session) -> Any:
    from server.rulings.codelists import RulingState
    from server.rulings.models import Ruling

    return session.scalar(sa.select(Ruling).where(Ruling.project_id == _project(session).id,
                                                  Ruling.state == RulingState.in_redaction).order_by(Ruling.id))


def _scheme_version(session) -> Any:
    from server.annotations.models import AnnotationSchemeVersion, SchemeState

    return session.scalar(sa.select(AnnotationSchemeVersion).where(
        AnnotationSchemeVersion.state == SchemeState.published).order_by(AnnotationSchemeVersion.id))


def _open_assignment(session) -> Any:
    from server.annotations.models import AnnotationAssignment, AssignmentState

    return session.scalar(sa.select(AnnotationAssignment).where(
        AnnotationAssignment.annotator_id == _user(session, SECOND_AUDITOR),
        AnnotationAssignment.state == AssignmentState.in_progress))  # not those still to read


def _t_project(session, client) -> dict[str, str]:
    project = _project(session)
    return {"project": str(project.id), "project_version": project.version}


def _t_court(session, client) -> dict[str, str]:
    from server.rulings.models import Court

    court = session.scalar(sa.select(Court).where(Court.name.like("Juzgado Primero de lo Civil%")))
    return {"court": str(court.id), "court_version": court.version}


def _t_judge(session, client) -> dict[str, str]:
    from server.rulings.models import Judge

    judge = session.scalar(sa.select(Judge).where(Judge.full_name == "Leonor Bracamontes Ayala"))
    return {"judge": str(judge.id), "judge_version": judge.version}


def _t_member(session, client) -> dict[str, str]:
    return {"second_auditor_id": str(_user(session, SECOND_AUDITOR))}


def _t_published(session, client) -> dict[str, str]:
    ruling = _published_ruling(session)
    return {"published": str(ruling.id), "published_version": ruling.version}


def _t_published_original(session, client) -> dict[str, str]:
    from server.rulings import service
    from server.rulings.codelists import TextKind

    ruling = _published_ruling(session)
    return {"published": str(ruling.id),
            "published_original": str(service.latest_text(session, ruling.id, TextKind.original).id)}


def _t_redaction(session, client) -> dict[str, str]:
    from server.rulings import service
    from server.rulings.codelists import FindingState, TextKind
    from server.rulings.models import RedactionFinding

    ruling = _ruling_in_redaction(session)
    original = service.latest_text(session, ruling.id, TextKind.original)
    finding = session.scalar(sa.select(RedactionFinding).where(
        RedactionFinding.text_id == original.id, RedactionFinding.state == FindingState.pending)
        .order_by(RedactionFinding.start))
    return {"redaction": str(ruling.id), "redaction_version": ruling.version, "original": str(original.id),
            "finding": str(finding.id), "finding_version": finding.version}


def _t_scheme(session, client) -> dict[str, str]:
    from server.annotations.models import AnnotationScheme

    version = _scheme_version(session)
    scheme = session.get(AnnotationScheme, version.scheme_id)
    definition = client.get(f"{MUNI}/annotation-schemes/{scheme.id}").json()["versions"][0]["definition"]
    return {"scheme": str(scheme.id), "scheme_version": str(version.id), "definition": definition}


def _t_draft_scheme(session, client) -> dict[str, str]:
    found = _t_scheme(session, client)
    admin = bearer(token_for(session, DEMO_ACCOUNTS[Role.admin]))
    draft = client.post(f"{MUNI}/annotation-schemes/{found['scheme']}/versions", headers=admin,
                        json={"definition": found["definition"]})
    assert draft.status_code == 201, draft.text
    return {**found, "draft_number": draft.json()["number"]}


def _t_open_assignment(session, client) -> dict[str, str]:
    """auditora2@'s open assignment, and an annotation of hers in it (made for the test, on a span and label her
    colleague annotated on the same ruling)."""
    from server.annotations.models import Annotation, AnnotationAssignment

    assignment = _open_assignment(session)
    theirs = session.scalar(sa.select(Annotation).join(AnnotationAssignment,
                                                       AnnotationAssignment.id == Annotation.assignment_id)
                            .where(AnnotationAssignment.ruling_id == assignment.ruling_id,
                                   AnnotationAssignment.id != assignment.id).order_by(Annotation.start))
    span = {"start": theirs.start, "end": theirs.end, "label": theirs.label}
    made = client.post(f"{MUNI}/annotation-assignments/{assignment.id}/annotations", json=span,
                       headers=bearer(token_for(session, SECOND_AUDITOR, "matriz")))
    assert made.status_code in (200, 201), made.text
    annotation = session.scalar(sa.select(Annotation).where(Annotation.assignment_id == assignment.id)
                                .order_by(Annotation.start))
    session.refresh(assignment)
    return {"open_assignment": str(assignment.id), "open_assignment_version": assignment.version,
            "annotation": str(annotation.id), "annotation_version": annotation.version,
            "annotation_start": annotation.start, "annotation_end": annotation.end,
            "annotation_label": annotation.label}


def _t_answered(session, client) -> dict[str, Any]:
    """auditora2@'s open assignment with every question answered (her colleague's answers on the same ruling),
    ready to finish."""
    from server.annotations.models import AnnotationAssignment, DocumentAnswer

    assignment = _open_assignment(session)
    theirs = session.execute(sa.select(DocumentAnswer.question, DocumentAnswer.value).join(
        AnnotationAssignment, AnnotationAssignment.id == DocumentAnswer.assignment_id).where(
        AnnotationAssignment.ruling_id == assignment.ruling_id, AnnotationAssignment.id != assignment.id)).all()
    answered = client.put(f"{MUNI}/annotation-assignments/{assignment.id}/answers",
                          headers=bearer(token_for(session, SECOND_AUDITOR, "matriz")),
                          json={"answers": dict(theirs), "version": assignment.version})
    assert answered.status_code == 200, answered.text
    return {"answered": str(assignment.id)}


def _t_done_assignment(session, client) -> dict[str, str]:
    from server.annotations.models import AnnotationAssignment, AssignmentKind

    done = session.scalar(sa.select(AnnotationAssignment).where(
        AnnotationAssignment.annotator_id == _user(session, DEMO_ACCOUNTS[Role.student_auditor]),
        AnnotationAssignment.kind == AssignmentKind.annotator, AnnotationAssignment.state == "done")
        .order_by(AnnotationAssignment.id))
    return {"done_assignment": str(done.id), "done_assignment_version": done.version}


def _t_ready(session, client) -> dict[str, str]:
    """The ruling at stage "annotating" made ready to adjudicate: its second annotator's assignment finished
    (as `finish` would, without its checks), so both annotators are done and there is no gold yet."""
    from server.annotations.models import AssignmentState

    assignment = _open_assignment(session)
    assignment.state, assignment.version = AssignmentState.done, assignment.version + 1
    session.flush()
    return {"ready": str(assignment.ruling_id), "scheme_version": str(assignment.scheme_version_id)}


def _t_notebooks(session, client) -> dict[str, str]:
    """A published demo notebook; a draft and a reviewed one computed for two other demo judges."""
    from server.notebooks.models import Notebook, NotebookState
    from server.rulings.models import Judge

    published = session.scalar(sa.select(Notebook).where(Notebook.state == NotebookState.published)
                               .order_by(Notebook.id))
    taken = set(session.scalars(sa.select(Notebook.judge_id)))
    others = list(session.scalars(sa.select(Judge.id).where(Judge.id.not_in(taken)).order_by(Judge.full_name)))
    admin = bearer(token_for(session, DEMO_ACCOUNTS[Role.admin]))
    project = _project(session).id
    made = []
    for judge in others[:2]:
        response = client.post(f"{MUNI}/audit-projects/{project}/notebooks", headers=admin,
                               json={"judge_id": str(judge)})
        assert response.status_code == 201, response.text
        made.append(response.json())
    reviewed = client.post(f"{MUNI}/notebooks/{made[1]['id']}/review", headers=admin,
                           json={"version": made[1]["version"]})
    assert reviewed.status_code == 200, reviewed.text
    return {"nb_published": str(published.id), "nb_published_version": published.version,
            "nb_draft": made[0]["id"], "nb_draft_version": made[0]["version"], "nb_reviewed": made[1]["id"],
            "nb_reviewed_version": reviewed.json()["version"], "nb_judge": str(others[2])}


def _t_surveys(session, client) -> dict[str, str]:
    """A demo questionnaire with its published version."""
    from server.notebooks.models import Survey, SurveyVersion

    version = session.scalar(sa.select(SurveyVersion).where(SurveyVersion.published_at.is_not(None))
                             .order_by(SurveyVersion.id))
    survey = session.get(Survey, version.survey_id)
    return {"survey": str(survey.id), "survey_version": str(version.id), "survey_items": version.items}


def _t_survey_draft(session, client) -> dict[str, Any]:
    found = _t_surveys(session, client)
    admin = bearer(token_for(session, DEMO_ACCOUNTS[Role.admin]))
    draft = client.post(f"{MUNI}/surveys/{found['survey']}/versions", headers=admin,
                        json={"items": found["survey_items"]})
    assert draft.status_code == 201, draft.text
    return {**found, "survey_draft": draft.json()["version"]}


# the placeholders each maker provides (a maker runs when one of its placeholders is used)
TARGETS: list[tuple[tuple[str, ...], Callable[[Any, Any], dict[str, Any]]]] = [
    (("project", "project_version"), _t_project), (("court", "court_version"), _t_court),
    (("judge", "judge_version"), _t_judge), (("second_auditor_id",), _t_member),
    (("published", "published_version"), _t_published),
    (("published_original",), _t_published_original),
    (("redaction", "redaction_version", "original", "finding", "finding_version"), _t_redaction),
    (("draft_number",), _t_draft_scheme), (("ready",), _t_ready),
    (("scheme", "scheme_version", "definition"), _t_scheme),
    (("open_assignment", "open_assignment_version", "annotation", "annotation_version"), _t_open_assignment),
    (("done_assignment", "done_assignment_version"), _t_done_assignment), (("answered",), _t_answered),
    (("nb_published", "nb_published_version", "nb_draft", "nb_draft_version", "nb_reviewed", "nb_reviewed_version",
      "nb_judge"), _t_notebooks),
    (("survey_draft",), _t_survey_draft), (("survey", "survey_version", "survey_items"), _t_surveys),
]


# ------------------------------------------------------------------------------------------------ the matrix

P = MUNI + "/audit-projects/{project}"
CSV = ("text/csv", "case_number,court_id,kind,matter,outcome,ruled_on,judges,parties,text\n"
       "MATRIZ-9/2025,{court},sentencia,civil,upheld,2025-05-02,{judge},demandante;demandado,"
       "Sentencia de la matriz de permisos: se declara fundada la demanda.\n")
ADJUDICATE = ("POST", MUNI + "/rulings/{ready}/adjudication", {"scheme_version_id": "{scheme_version}"})

# name: (method, path template, body — JSON, or (content type, text) —, expected per caller[, a request each caller
# makes first, unchecked])
MATRIX: dict[str, tuple] = {
    # ---- rulings (docs/rulings.md, "Roles and who sees what")
    "create_court": ("POST", MUNI + "/courts", {"name": "Juzgado de la Matriz", "level": "first_instance",
                                                "speciality": "civil"}, MANAGE),
    "update_court": ("PATCH", MUNI + "/courts/{court}", {"version": "{court_version}", "region": "Durango centro"},
                     MANAGE),
    "create_judge": ("POST", MUNI + "/judges", {"full_name": "Persona Juzgadora de la Matriz"}, MANAGE),
    "update_judge": ("PATCH", MUNI + "/judges/{judge}", {"version": "{judge_version}", "title": "Jueza titular"},
                     MANAGE),
    "assign_judge": ("POST", MUNI + "/judges/{judge}/assignments",
                     {"court_id": "{court}", "role": "provisional", "starts_on": "2026-01-05"}, MANAGE),
    "create_project": ("POST", MUNI + "/audit-projects", {"name": "Auditoría de la matriz", "period_starts_on":
                                                          "2026-01-01", "period_ends_on": "2026-12-31"}, MANAGE),
    "update_project": ("PATCH", P, {"version": "{project_version}", "description": "Editada"}, COORDINATE),
    "get_team": ("GET", P + "/team", None, ANY_TEAM),
    "set_team_member": ("PUT", P + "/team/{second_auditor_id}", {"role": "auditor"}, COORDINATE),
    "remove_team_member": ("DELETE", P + "/team/{second_auditor_id}", None, COORDINATE),
    "create_ruling": ("POST", P + "/rulings", {
        "court_id": "{court}", "case_number": "MATRIZ-1/2025", "kind": "sentencia", "matter": "civil",
        "outcome": "upheld", "ruled_on": "2025-05-02", "parties": [{"role": "demandante", "kind": "person"}],
        "judges": [{"judge_id": "{judge}"}]}, DECIDE),
    "import_rulings": ("POST", P + "/rulings/import", CSV, DECIDE),
    "update_ruling": ("PATCH", MUNI + "/rulings/{published}", {"version": "{published_version}", "outcome": "upheld"},
                      DECIDE),
    "upload_text": ("POST", MUNI + "/rulings/{redaction}/texts",
                    ("text/plain", "SENTENCIA de la matriz de permisos. Se declara fundada la demanda."),
                    unpublished(DECIDE)),
    "update_ruling (never published)": ("PATCH", MUNI + "/rulings/{redaction}",
                                        {"version": "{redaction_version}", "outcome": "upheld"}, unpublished(DECIDE)),
    "list_findings (published ruling)": ("GET", MUNI + "/rulings/{published}/findings", None, ANY_TEAM),
    "list_findings": ("GET", MUNI + "/rulings/{redaction}/findings", None, unpublished(ANY_TEAM)),
    "add_finding": ("POST", MUNI + "/rulings/{redaction}/findings",
                    {"text_id": "{original}", "start": 0, "end": 7, "category": "person_name"},  # "JUZGADO"
                    unpublished(ANY_TEAM)),
    "decide_finding": ("POST", MUNI + "/rulings/{redaction}/findings/{finding}/decision",
                       {"state": "confirmed", "version": "{finding_version}"}, unpublished(DECIDE)),
    # a published ruling whose latest original is already public: 200, nothing changed
    "publish": ("POST", MUNI + "/rulings/{published}/public-version", None, DECIDE),
    "preview_public_version": ("GET", MUNI + "/rulings/{redaction}/public-version/preview", None,
                               unpublished(DECIDE)),
    "preview_public_version (published ruling)": ("GET", MUNI + "/rulings/{published}/public-version/preview",
                                                  None, DECIDE),
    # ---- annotations (docs/annotations.md)
    "create_scheme": ("POST", MUNI + "/annotation-schemes",
                      {"slug": "matriz", "name": "Esquema de la matriz", "definition": "{definition}"}, MANAGE),
    "create_seed_scheme": ("POST", MUNI + "/annotation-schemes/seed", None, MANAGE),
    "add_scheme_version": ("POST", MUNI + "/annotation-schemes/{scheme}/versions", {"definition": "{definition}"},
                           MANAGE),
    "edit_scheme_version": ("PUT", MUNI + "/annotation-schemes/{scheme}/versions/{draft_number}",
                            {"definition": "{definition}"}, MANAGE),
    "publish_scheme_version": ("POST", MUNI + "/annotation-schemes/{scheme}/versions/{draft_number}/publish", None,
                               MANAGE),
    # the reviewer, who has no annotator assignment on that ruling, to annotate it
    "create_assignments": ("POST", P + "/assignments", {"ruling_id": "{published}", "scheme_version_id":
                                                        "{scheme_version}", "annotator_ids": ["{reviewer_id}"]},
                           DECIDE),
    "list_assignments": ("GET", P + "/assignments", None, ANY_TEAM),
    # reviewers, coordinators and admins read every assignment; a team auditor not another's; outsiders, nothing
    "get_assignment": ("GET", MUNI + "/annotation-assignments/{open_assignment}", None,
                       only(DECIDERS | {"second_auditor"}, "audit_team_required",
                            student_auditor="assignment_not_yours")),
    "save_annotation": ("POST", MUNI + "/annotation-assignments/{open_assignment}/annotations",
                        {"id": "{annotation}", "start": "{annotation_start}", "end": "{annotation_end}",
                         "label": "{annotation_label}"}, OWNER),  # the same annotation sent again: 200
    "update_annotation": ("PUT", MUNI + "/annotations/{annotation}",
                          {"start": "{annotation_start}", "end": "{annotation_end}", "label": "{annotation_label}",
                           "comment": "Revisado en la matriz", "version": "{annotation_version}"}, OWNER),
    "delete_annotation": ("DELETE", MUNI + "/annotations/{annotation}", None, OWNER),
    "set_answers": ("PUT", MUNI + "/annotation-assignments/{open_assignment}/answers",
                    {"answers": {}, "version": "{open_assignment_version}"}, OWNER),
    "finish_assignment": ("POST", MUNI + "/annotation-assignments/{answered}/finish", {}, OWNER),
    "reopen_assignment": ("POST", MUNI + "/annotation-assignments/{done_assignment}/reopen",
                          {"version": "{done_assignment_version}"}, DECIDE),
    "ruling_annotations": ("GET", MUNI + "/rulings/{published}/annotations", None, ANY_TEAM),
    "agreement": ("GET", P + "/agreement?scheme_version_id={scheme_version}", None, ANY_TEAM),
    "start_adjudication": ADJUDICATE[:3] + (DECIDE,),
    "get_adjudication": ("GET", MUNI + "/rulings/{published}/adjudication?scheme_version_id={scheme_version}", None,
                         DECIDE),
    "decide": ("POST", MUNI + "/rulings/{ready}/adjudication/decisions",
               {"scheme_version_id": "{scheme_version}", "version": 1, "accept_agreed": True}, DECIDE, ADJUDICATE),
    "export_w3c": ("GET", P + "/annotations.jsonld", None, DECIDE),
    "export_doccano": ("GET", P + "/annotations.doccano.jsonl", None, DECIDE),
    # ---- notebooks (docs/notebooks.md)
    "compute_notebook": ("POST", P + "/notebooks", {"judge_id": "{nb_judge}"}, DECIDE),
    "review_notebook": ("POST", MUNI + "/notebooks/{nb_draft}/review", {"version": "{nb_draft_version}"},
                        unpublished(DECIDE, "notebook_not_found")),
    "publish_notebook": ("POST", MUNI + "/notebooks/{nb_reviewed}/publish", {"version": "{nb_reviewed_version}"},
                         unpublished(DECIDE, "notebook_not_found")),
    "withdraw_notebook": ("POST", MUNI + "/notebooks/{nb_published}/withdraw",
                          {"version": "{nb_published_version}", "reason": "Prueba de la matriz"}, DECIDE),
    "invite_reply": ("POST", MUNI + "/notebooks/{nb_published}/reply-invitations", {"days": 7}, DECIDE),
    "create_survey": ("POST", MUNI + "/surveys", {"key": "matriz", "title": "Encuesta de la matriz",
                                                   "audience": "court_users"}, MANAGE),
    "add_survey_version": ("POST", MUNI + "/surveys/{survey}/versions", {"items": "{survey_items}"}, MANAGE),
    "edit_survey_version": ("PUT", MUNI + "/surveys/{survey}/versions/{survey_draft}", {"items": "{survey_items}"},
                            MANAGE),
    "publish_survey_version": ("POST", MUNI + "/surveys/{survey}/versions/{survey_draft}/publish", None, MANAGE),
    "respond_survey": ("POST", MUNI + "/survey-responses", {
        "id": "0193b000-0000-7000-8000-00000000a001", "version_id": "{survey_version}", "court_id": "{court}",
        "collected_on": "2026-03-02", "answers": {}}, only(COLLECTORS, "survey_collect_forbidden")),
}


# Public endpoints (no sign-in needed) whose team-only part is specified here too: a ruling never published and
# an original text are the team's (and admins'); whoever else, signed in or not, is told they do not exist.
PUBLIC_WITH_TEAM_DATA = {
    "get_ruling (never published)": ("GET", MUNI + "/rulings/{redaction}", None,
                                     {**unpublished(ANY_TEAM), "anonymous": "ruling_not_found"}),
    "get_text (an original)": ("GET", MUNI + "/rulings/{published}/texts/{published_original}", None,
                               {**only(TEAM, "ruling_text_not_found"), "anonymous": "ruling_text_not_found"}),
}
PUBLIC_ENDPOINTS = {"get_ruling", "get_text"}
MATRIX.update(PUBLIC_WITH_TEAM_DATA)


def endpoint_of(name: str) -> str:
    """The endpoint an entry tests: `update_ruling (never published)` is update_ruling on another record."""
    return name.split(" (")[0]


def _fill(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in names:
            return names[value[1:-1]]  # the value itself (a number, a list, a definition)
        return value.format(**names) if "{" in value else value
    if isinstance(value, list):
        return [_fill(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


def _targets(session, client, *templates: Any) -> dict[str, Any]:
    text = " ".join(str(template) for template in templates)
    names: dict[str, Any] = {"reviewer_id": str(_user(session, DEMO_ACCOUNTS[Role.audit_reviewer]))}
    for provided, make in TARGETS:
        if any("{" + key + "}" in text for key in provided) and not set(provided) <= set(names):
            names.update(make(session, client))
    return names


def _headers(session, caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    email = {"other_municipality_admin": OTHER_ADMIN, "national_admin": NATIONAL_ADMIN,
             "second_auditor": SECOND_AUDITOR}.get(caller) or DEMO_ACCOUNTS[Role(caller)]
    return bearer(token_for(session, email, "matriz"))


def _send(client, method: str, template: str, body: Any, names: dict[str, Any], headers: dict[str, str]):
    path = _fill(template, names)
    if isinstance(body, tuple):
        content_type, text = body
        return client.request(method, path, content=_fill(text, names).encode(),
                              headers={**headers, "Content-Type": content_type})
    return client.request(method, path, json=_fill(body, names), headers=headers)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_audit_permission(client, session, database, name: str) -> None:
    method, template, body, expected, *first = MATRIX[name]
    assert set(expected) == set(CALLERS), name
    headers = {caller: _headers(session, caller) for caller in CALLERS}
    names = _targets(session, client, template, body, *first)
    session.flush()
    connection = database.sessions.kw["bind"]
    answers = {}
    for caller in CALLERS:
        savepoint = connection.begin_nested()
        try:
            if first:
                _send(client, *first[0][:2], first[0][2], names, headers[caller])
            response = _send(client, method, template, body, names, headers[caller])
        finally:
            savepoint.rollback()
        code = response.json()["error"]["code"] if response.status_code >= 400 else None
        answers[caller] = "ok" if response.status_code < 300 else code
        if answers[caller] != expected[caller]:
            answers[caller] = f"{answers[caller]} ({response.status_code}: {response.text[:300]})"
        elif expected[caller] != "ok":
            assert response.status_code == REFUSAL_STATUS.get(expected[caller], 403), (name, caller, response.text)
    wrong = {caller: (expected[caller], got) for caller, got in answers.items() if got != expected[caller]}
    assert not wrong, (name, wrong)
