"""/api/v1/municipalities/{code}/notebooks (judges' notebooks, the judge's reply) and /surveys, /survey-responses,
/survey-results (questionnaires of court users and judges)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic import Field as PField
from starlette.responses import HTMLResponse, JSONResponse, Response

from server.api import Call, endpoint
from server.db import read_scope, session_scope
from server.errors import Conflict, NotFound
from server.municipalities import service as municipalities
from server.notebooks import export, page, service, surveys
from server.notebooks.models import (
    InvitationCreate,
    InvitationPublic,
    LangQuery,
    NotebookCreate,
    NotebookQuery,
    NotebookReview,
    NotebookVersionOnly,
    NotebookWithdraw,
    ReplyCreate,
    ReplyPublic,
    ResultsQuery,
    SurveyCreate,
    SurveyPublic,
    SurveyResponseCreate,
    SurveyResult,
    SurveyVersionCreate,
    SurveyVersionPublic,
)

TAG = "notebooks"
NOTEBOOKS = "/municipalities/{code}/notebooks"
NOTEBOOK = NOTEBOOKS + "/{notebook_id:uuid}"
SURVEYS = "/municipalities/{code}/surveys"
SURVEY_VERSION = SURVEYS + "/{survey_id:uuid}/versions/{version}"


class NotebookView(BaseModel):
    """A notebook as the caller may read it (docs/notebooks.md has every figure's definition)."""

    id: str
    municipality: dict[str, Any]
    project: dict[str, Any]
    judge: dict[str, Any]
    courts: list[dict[str, Any]]
    period: dict[str, Any]
    state: str = PField(description="draft, reviewed, published or withdrawn")
    state_label: str
    language: str
    internal: bool = PField(description="true: read as the audit team (every state, figures always)")
    n_rulings: int = PField(description="adjudicated rulings the figures rest on")
    min_rulings: int
    withheld: bool = PField(description="the public does not see the figures (withheld_reason says why)")
    withheld_reason: str | None
    figures: dict[str, Any] | None
    computed_at: str
    reviewed_at: str | None
    review_note: str | None
    published_at: str | None
    withdrawn_at: str | None
    withdrawn_reason: str | None
    version: int
    replies: list[ReplyPublic]
    surveys: list[SurveyResult]


def _language(call: Call) -> str:
    return getattr(call.query, "lang", None) or call.language


def _view(call: Call, session: Any, municipality: Any, notebook: Any, internal: bool) -> dict[str, Any]:
    return service.view(session, notebook, internal=internal, language=_language(call), municipality=municipality)


@endpoint("POST", "/municipalities/{code}/audit-projects/{project_id:uuid}/notebooks",
          summary="Compute (or recompute) a judge's notebook for a period of the project", tag=TAG,
          body=NotebookCreate, response=NotebookView, status=201, auth=True, errors=(403, 404, 409),
          responses={200: "Recomputed (the notebook existed: it is a draft again)"})
def compute_notebook(call: Call) -> Any:
    """For the project's reviewers and coordinators and administrators. Only adjudicated rulings count."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        notebook, created = service.compute_notebook(session, actor=call.actor, municipality=municipality,
                                                     project_id=call.path["project_id"], data=call.body)
        data = service.view(session, notebook, internal=True, language=call.language, municipality=municipality)
    return JSONResponse(data, status_code=201 if created else 200)


@endpoint("GET", NOTEBOOKS, summary="Judges' notebooks the caller may read", tag=TAG, query=NotebookQuery,
          response=list[NotebookView], errors=(404,))
def list_notebooks(call: Call) -> list[dict[str, Any]]:
    """Public: published and withdrawn notebooks (figures only above the minimum of rulings). The audit team
    also sees its projects' drafts."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = service.list_(session, actor=call.actor, municipality=municipality, state=call.query.state,
                             judge_id=call.query.judge_id, project_id=call.query.project_id)
        return [_view(call, session, municipality, notebook, internal) for notebook, internal in rows]


def _read(call: Call) -> dict[str, Any]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        notebook, internal = service.readable(session, actor=call.actor, municipality=municipality,
                                              notebook_id=call.path["notebook_id"])
        return _view(call, session, municipality, notebook, internal)


@endpoint("GET", NOTEBOOK, summary="One notebook as JSON", tag=TAG, query=LangQuery, response=NotebookView,
          errors=(404,))
def get_notebook(call: Call) -> dict[str, Any]:
    return _read(call)


@endpoint("GET", NOTEBOOK + ".html", summary="One notebook as a printable page (Spanish; ?lang=en)", tag=TAG,
          query=LangQuery, errors=(404,), media_type="text/html")
def notebook_page(call: Call) -> HTMLResponse:
    data = _read(call)
    return HTMLResponse(page.render_html(data), headers={"Content-Language": data["language"]})


@endpoint("GET", NOTEBOOK + "/figures.csv", summary="A notebook's figures as CSV", tag=TAG, errors=(404, 409),
          media_type="text/csv")
def notebook_csv(call: Call) -> Response:
    """409 `notebook_withheld` when the caller may not see the figures (below the minimum, or withdrawn)."""
    data = _read(call)
    if data["figures"] is None:
        raise Conflict("notebook_withheld", reason=data["withheld_reason"] or "")
    body = export.to_csv(data["figures"], judge=data["judge"]["full_name"],
                         period=f"{data['period']['starts_on']}/{data['period']['ends_on']}")
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=\"cuaderno-{data['id']}.csv\""})


def _transition(call: Call, action: str) -> dict[str, Any]:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        common = {"actor": call.actor, "municipality": municipality, "notebook_id": call.path["notebook_id"],
                  "version": call.body.version}
        if action == "review":
            notebook = service.review(session, note=call.body.note, **common)
        elif action == "publish":
            notebook = service.publish(session, **common)
        else:
            notebook = service.withdraw(session, reason=call.body.reason, **common)
        return service.view(session, notebook, internal=True, language=call.language, municipality=municipality)


@endpoint("POST", NOTEBOOK + "/review", summary="A reviewer checked the figures (draft → reviewed)", tag=TAG,
          body=NotebookReview, response=NotebookView, auth=True, errors=(403, 404, 409))
def review_notebook(call: Call) -> dict[str, Any]:
    return _transition(call, "review")


@endpoint("POST", NOTEBOOK + "/publish", summary="Publish a reviewed notebook (reviewed → published)", tag=TAG,
          body=NotebookVersionOnly, response=NotebookView, auth=True, errors=(403, 404, 409))
def publish_notebook(call: Call) -> dict[str, Any]:
    """Below VIGIA_NOTEBOOK_MIN_RULINGS it is published withheld: the public reads why, not the figures."""
    return _transition(call, "publish")


@endpoint("POST", NOTEBOOK + "/withdraw", summary="Withdraw a published notebook, with a public reason", tag=TAG,
          body=NotebookWithdraw, response=NotebookView, auth=True, errors=(403, 404, 409))
def withdraw_notebook(call: Call) -> dict[str, Any]:
    return _transition(call, "withdraw")


@endpoint("POST", NOTEBOOK + "/reply-invitations", summary="Invite the judge to reply: a one-time secret, shown once",
          tag=TAG, body=InvitationCreate, response=InvitationPublic, status=201, auth=True, errors=(403, 404, 409))
def invite_reply(call: Call) -> InvitationPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        invitation, secret = service.invite(session, actor=call.actor, municipality=municipality,
                                            notebook_id=call.path["notebook_id"], data=call.body)
        return InvitationPublic(id=invitation.id, notebook_id=invitation.notebook_id, secret=secret,
                                # the public form page the judge replies on (server/pages, no account, no script)
                                reply_url=f"/publico/{municipality.code}/cuadernos/{invitation.notebook_id}"
                                          "/responder",
                                expires_at=invitation.expires_at)


@endpoint("POST", NOTEBOOK + "/replies", summary="The judge's reply, with the invitation's secret (no account)",
          tag=TAG, body=ReplyCreate, response=ReplyPublic, status=201, errors=(403, 404, 409, 410))
def post_reply(call: Call) -> ReplyPublic:
    """Published beside the notebook at once; each invitation works once; earlier replies stay as versions."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        answer = service.reply(session, municipality=municipality, notebook_id=call.path["notebook_id"],
                               data=call.body)
        return ReplyPublic.model_validate(answer)


# ------------------------------------------------------------------------------------------------ surveys


def _number(call: Call) -> int:
    text = call.path["version"]
    if not text.isdigit() or len(text) > 6:
        raise NotFound("survey_version_not_found")
    return int(text)


@endpoint("GET", SURVEYS, summary="Questionnaires for court users and judges, with their published versions",
          tag=TAG, response=list[SurveyPublic], errors=(404,))
def list_surveys(call: Call) -> list[SurveyPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return surveys.list_(session, actor=call.actor, municipality=municipality)


@endpoint("GET", SURVEYS + "/{survey_id:uuid}", summary="One questionnaire with its versions", tag=TAG,
          response=SurveyPublic, errors=(404,))
def get_survey(call: Call) -> SurveyPublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return surveys.read(session, actor=call.actor, municipality=municipality, survey_id=call.path["survey_id"])


@endpoint("POST", SURVEYS, summary="Create a questionnaire; its first version is a draft (CourTools by default)",
          tag=TAG, body=SurveyCreate, response=SurveyPublic, status=201, auth=True, errors=(403, 404, 409))
def create_survey(call: Call) -> SurveyPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        survey = surveys.create(session, actor=call.actor, municipality=municipality, data=call.body)
        return surveys.public(session, survey, drafts=True)


@endpoint("POST", SURVEYS + "/{survey_id:uuid}/versions", summary="Draft the next version of a questionnaire",
          tag=TAG, body=SurveyVersionCreate, response=SurveyVersionPublic, status=201, auth=True,
          errors=(403, 404, 409))
def add_survey_version(call: Call) -> SurveyVersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = surveys.add_version(session, actor=call.actor, municipality=municipality,
                                      survey_id=call.path["survey_id"], data=call.body)
        return SurveyVersionPublic.model_validate(version)


@endpoint("PUT", SURVEY_VERSION, summary="Edit a draft version (a published one answers 409)", tag=TAG,
          body=SurveyVersionCreate, response=SurveyVersionPublic, auth=True, errors=(403, 404, 409))
def edit_survey_version(call: Call) -> SurveyVersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = surveys.edit_version(session, actor=call.actor, municipality=municipality,
                                       survey_id=call.path["survey_id"], number=_number(call), data=call.body)
        return SurveyVersionPublic.model_validate(version)


@endpoint("POST", SURVEY_VERSION + "/publish", summary="Publish a draft version: from now on it never changes",
          tag=TAG, response=SurveyVersionPublic, auth=True, errors=(403, 404, 409))
def publish_survey_version(call: Call) -> SurveyVersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = surveys.publish(session, actor=call.actor, municipality=municipality,
                                  survey_id=call.path["survey_id"], number=_number(call))
        return SurveyVersionPublic.model_validate(version)


class ResponseAck(BaseModel):
    id: str
    created: bool


@endpoint("POST", "/municipalities/{code}/survey-responses",
          summary="Record an anonymous survey response (idempotent by its client id; phones use survey.respond)",
          tag=TAG, body=SurveyResponseCreate, response=ResponseAck, status=201, auth=True, errors=(403, 404, 409),
          responses={200: "The same response sent again: nothing changed"})
def respond_survey(call: Call) -> Any:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        response, created = surveys.respond(session, actor=call.actor, municipality=municipality, data=call.body)
        answer = {"id": str(response.id), "created": created}
    return JSONResponse(answer, status_code=201 if created else 200)


@endpoint("GET", "/municipalities/{code}/survey-results",
          summary="Survey results per court and questionnaire version: distributions, % agree, CourTools indices",
          tag=TAG, query=ResultsQuery, response=list[SurveyResult], errors=(404,))
def survey_results(call: Call) -> list[dict[str, Any]]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        court_ids = None
        if call.query.court_id is not None:
            surveys.court(session, municipality, call.query.court_id, field="court_id")
            court_ids = [call.query.court_id]
        return surveys.results(session, municipality=municipality, court_ids=court_ids, since=call.query.since,
                               until=call.query.until, survey_id=call.query.survey_id)


routes = [compute_notebook, list_notebooks, get_notebook, notebook_page, notebook_csv, review_notebook,
          publish_notebook, withdraw_notebook, invite_reply, post_reply, list_surveys, get_survey, create_survey,
          add_survey_version, edit_survey_version, publish_survey_version, respond_survey, survey_results]
