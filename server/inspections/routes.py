"""/api/v1/municipalities/{code}/forms (inspection checklists) and /visits (inspections in the field)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic import Field as PField
from pydantic_core import to_jsonable_python
from starlette.responses import HTMLResponse, JSONResponse

from server.api import Call, endpoint
from server.db import read_scope, session_scope
from server.errors import NotFound
from server.i18n import Language
from server.inspections import forms, report, report_page, visits
from server.inspections.models import (
    FindingComplaint,
    FindingComplaintCreate,
    TemplateCreate,
    TemplatePublic,
    VersionCreate,
    VersionPublic,
    VisitCreate,
    VisitPublic,
    VisitQuery,
)
from server.municipalities import service as municipalities

TAG = "inspections"
FORMS = "/municipalities/{code}/forms"
VISITS = "/municipalities/{code}/visits"
VERSION = FORMS + "/{template_id:uuid}/versions/{version}"


def _number(call: Call) -> int:
    text = call.path["version"]
    if not text.isdigit() or len(text) > 6:
        raise NotFound("form_version_not_found")
    return int(text)


class FormQuery(BaseModel):
    program: str | None = PField(None, max_length=200, description="templates for this program and general ones")


@endpoint("GET", FORMS, summary="Inspection checklists (cédulas de vigilancia) and their published versions",
          tag=TAG, query=FormQuery, response=list[TemplatePublic], errors=(404,))
def list_forms(call: Call) -> list[TemplatePublic]:
    """Public. Those who manage forms also see draft versions."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return forms.list_(session, actor=call.actor, municipality=municipality, program=call.query.program)


@endpoint("GET", FORMS + "/{template_id:uuid}", summary="One checklist with its versions", tag=TAG,
          response=TemplatePublic, errors=(404,))
def get_form(call: Call) -> TemplatePublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return forms.read(session, actor=call.actor, municipality=municipality, template_id=call.path["template_id"])


@endpoint("POST", FORMS, summary="Create a checklist; its first version is a draft", tag=TAG, body=TemplateCreate,
          response=TemplatePublic, status=201, auth=True, errors=(403, 404, 409))
def create_form(call: Call) -> TemplatePublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        template = forms.create(session, actor=call.actor, municipality=municipality, data=call.body)
        return forms.public(session, template, drafts=True)


@endpoint("POST", FORMS + "/{template_id:uuid}/versions", summary="Draft the next version of a checklist", tag=TAG,
          body=VersionCreate, response=VersionPublic, status=201, auth=True, errors=(403, 404, 409))
def add_form_version(call: Call) -> VersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = forms.add_version(session, actor=call.actor, municipality=municipality,
                                    template_id=call.path["template_id"], data=call.body)
        return VersionPublic.model_validate(version)


@endpoint("PUT", VERSION, summary="Edit a draft version (a published one answers 409)", tag=TAG, body=VersionCreate,
          response=VersionPublic, auth=True, errors=(403, 404, 409))
def edit_form_version(call: Call) -> VersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = forms.edit_version(session, actor=call.actor, municipality=municipality,
                                     template_id=call.path["template_id"], number=_number(call),
                                     data=call.body)
        return VersionPublic.model_validate(version)


@endpoint("POST", VERSION + "/publish", summary="Publish a draft version: from now on it never changes", tag=TAG,
          response=VersionPublic, auth=True, errors=(403, 404, 409))
def publish_form_version(call: Call) -> VersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = forms.publish(session, actor=call.actor, municipality=municipality,
                                template_id=call.path["template_id"], number=_number(call))
        return VersionPublic.model_validate(version)


@endpoint("POST", VISITS, summary="Submit an inspection visit (idempotent by its client id)", tag=TAG,
          body=VisitCreate, response=VisitPublic, status=201, auth=True, errors=(403, 404, 409))
def submit_visit(call: Call) -> Any:
    """The same `id` sent again answers 200 with the visit stored the first time."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        visit, created = visits.submit(session, actor=call.actor, municipality=municipality, data=call.body)
        view = visits.public(session, visit, language=call.language)
    return JSONResponse(view.model_dump(mode="json"), status_code=201 if created else 200)


@endpoint("GET", VISITS, summary="Visits the caller may see (their committees'; all for coordinators and staff)",
          tag=TAG, query=VisitQuery, response=list[VisitPublic], auth=True, errors=(403, 404))
def list_visits(call: Call) -> list[VisitPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = visits.list_(session, actor=call.actor, municipality=municipality, query=call.query)
        return [visits.public(session, row, language=call.language) for row in rows]


@endpoint("GET", VISITS + "/{visit_id:uuid}", summary="One visit with its answers, findings and photos", tag=TAG,
          response=VisitPublic, auth=True, errors=(403, 404))
def get_visit(call: Call) -> VisitPublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        visit = visits.read(session, actor=call.actor, municipality=municipality, visit_id=call.path["visit_id"])
        return visits.public(session, visit, language=call.language)


@endpoint("POST", VISITS + "/{visit_id:uuid}/findings/{finding_id:uuid}/complaint",
          summary="File a complaint from a finding, with the visit's point, photos and work (once)", tag=TAG,
          body=FindingComplaintCreate, response=FindingComplaint, status=201, auth=True, errors=(403, 404, 409))
def finding_complaint(call: Call) -> Any:
    """Filed by the member's account. Asking again answers 200 with the same complaint."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        result = visits.complaint_from_finding(session, actor=call.actor, municipality=municipality,
                                               visit_id=call.path["visit_id"], finding_id=call.path["finding_id"],
                                               data=call.body)
    return JSONResponse(result.model_dump(mode="json"), status_code=201 if result.created else 200)


REPORT = "/municipalities/{code}/committees/{committee_id:uuid}/report"
PUBLIC_REPORT = "/municipalities/{code}/committees/{committee_id:uuid}/public-report"


def _report_language(call: Call) -> Language:
    return call.query.lang or call.language


def _internal_report(call: Call) -> dict[str, Any]:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return report.compile_(session, actor=call.actor, municipality=municipality,
                               committee_id=call.path["committee_id"], since=call.query.since,
                               until=call.query.until, language=_report_language(call))


def _public_report(call: Call) -> report.PublicCommitteeReport:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return report.compile_public(session, municipality=municipality, committee_id=call.path["committee_id"],
                                     since=call.query.since, until=call.query.until,
                                     language=_report_language(call))


@endpoint("GET", REPORT, summary="A committee's internal report (informe) for a period: findings as written",
          tag=TAG, query=report.CommitteeReportQuery, response=dict[str, Any], auth=True, errors=(403, 404))
def committee_report(call: Call) -> Any:
    """For the committee's active members, coordinators, comptrollers and administrators. Anyone may read the
    public version at `…/public-report`."""
    return JSONResponse(to_jsonable_python(_internal_report(call)))


@endpoint("GET", REPORT + ".html", summary="The committee's internal report as a printable page", tag=TAG,
          query=report.CommitteeReportQuery, auth=True, errors=(403, 404), media_type="text/html")
def committee_report_html(call: Call) -> HTMLResponse:
    data = _internal_report(call)
    public_path = (f"/api/v1/municipalities/{call.path['code']}/committees/{call.path['committee_id']}"
                   "/public-report.html")
    return HTMLResponse(report_page.render_html(data, public_path=public_path),
                        headers={"Content-Language": data["language"]})


@endpoint("GET", PUBLIC_REPORT, summary="A committee's report, public version: no contact data, policy applied",
          tag=TAG, query=report.CommitteeReportQuery, response=report.PublicCommitteeReport, errors=(404,))
def committee_public_report(call: Call) -> report.PublicCommitteeReport:
    """Anyone, without signing in (versión pública, docs/inspections.md): members as the public register shows
    them, complaints through their public view, only published photos, findings' texts left out."""
    return _public_report(call)


@endpoint("GET", PUBLIC_REPORT + ".html", summary="A committee's report, public version, as a printable page",
          tag=TAG, query=report.CommitteeReportQuery, errors=(404,), media_type="text/html")
def committee_public_report_html(call: Call) -> HTMLResponse:
    data = _public_report(call)
    return HTMLResponse(report_page.render_html(data.model_dump()), headers={"Content-Language": data.language})


routes = [list_forms, get_form, create_form, add_form_version, edit_form_version, publish_form_version,
          submit_visit, list_visits, get_visit, finding_complaint, committee_report, committee_report_html,
          committee_public_report, committee_public_report_html]
