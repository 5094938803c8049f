"""/api/v1/municipalities/{code}/complaints: filing and following complaints (anyone, and their reporters), a
municipality's categories and terms, and the words of complaints. The desk's endpoints (triage, moderation, the
case file) are in desk_routes.py; `routes` below lists both, in the order they are matched."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field as PField
from starlette.responses import JSONResponse

from server import limits
from server.api import Call, endpoint
from server.complaints import configuration, duplicates, intake, reporting, service, triage, vocabulary
from server.complaints import desk_routes as desk
from server.complaints.configuration_models import (
    CategoryCreate,
    CategoryPublic,
    CategoryUpdate,
    DeadlinePublic,
    DeadlineUpdate,
)
from server.complaints.models import Kind
from server.complaints.public import public_list
from server.complaints.schemas import (
    ComplaintCreate,
    ComplaintPublic,
    Filed,
    FollowUp,
    InformationCreate,
    PublicQuery,
    SuggestionQuery,
    Suggestions,
    SupportCreate,
    WithdrawCreate,
)
from server.db import read_scope, session_scope
from server.errors import Invalid
from server.municipalities import service as municipalities

TAG = "complaints"
BASE = "/municipalities/{code}/complaints"
ONE = BASE + "/{complaint_id:uuid}"


def _municipality(session, call: Call):
    return municipalities.get_by_code(session, call.path["code"])


def _category(category, language: str) -> CategoryPublic:
    name = (category.name_en or category.name) if language == "en" else category.name
    return CategoryPublic(service_code=category.service_code, name=name, description=category.description,
                          group=category.group, attributes=category.attributes)


@endpoint("GET", BASE + "/categories", summary="Complaint categories (Open311 services)", tag=TAG,
          response=list[CategoryPublic], errors=(404,))
def list_categories(call: Call) -> list[CategoryPublic]:
    with read_scope() as session:
        rows = triage.categories(session, municipality=_municipality(session, call))
        return [_category(c, call.language) for c in rows]


@endpoint("GET", BASE + "/suggestions", summary="Before filing: works within 100 m and likely duplicates", tag=TAG,
          query=SuggestionQuery, response=Suggestions, errors=(404,))
def suggestions(call: Call) -> Suggestions:
    with read_scope() as session:
        q = call.query
        return duplicates.suggestions(session, municipality=_municipality(session, call), lon=q.lon, lat=q.lat,
                                      category=q.category, language=call.language)


@endpoint("POST", BASE, summary="File a complaint (signed in, or anonymous with a folio and a secret code)",
          tag=TAG, body=ComplaintCreate, response=Filed, status=201, errors=(404, 409))
def file_complaint(call: Call) -> JSONResponse:
    """Sending the same `id` again returns the complaint already filed with status 200 (no duplicate)."""
    with session_scope() as session:
        filed = intake.file(session, actor=call.actor, municipality=_municipality(session, call), data=call.body)
    return JSONResponse(filed.model_dump(mode="json"), status_code=201 if filed.created else 200)


@endpoint("GET", BASE + "/public", summary="Complaints as the public sees them (no reporter data)", tag=TAG,
          query=PublicQuery, response=list[ComplaintPublic], errors=(404,))
def list_public(call: Call) -> list[ComplaintPublic]:
    with read_scope() as session:
        return public_list(session, municipality=_municipality(session, call), query=call.query,
                           language=call.language)


@endpoint("GET", BASE + "/mine", summary="The complaints I filed", tag=TAG, response=list[ComplaintPublic],
          auth=True, errors=(404,))
def list_mine(call: Call) -> list[ComplaintPublic]:
    from server.complaints.public import mine

    with read_scope() as session:
        return mine(session, actor=call.actor, municipality=_municipality(session, call), language=call.language)


@endpoint("GET", ONE, summary="One complaint: the public view, or more for its reporter and the comptrollers", tag=TAG,
          response=ComplaintPublic, errors=(404,))
def get_complaint(call: Call) -> ComplaintPublic:
    """The public view (docs/privacy.md) for anyone; the whole complaint, without staff fields, for its signed-in
    reporter; the staff view for the municipality's comptrollers and administrators."""
    with read_scope() as session:
        municipality = _municipality(session, call)
        complaint = service.get(session, municipality=municipality, complaint_id=call.path["complaint_id"])
        return service.view_for(session, complaint, actor=call.actor, municipality=municipality,
                                language=call.language)


@endpoint("POST", ONE + "/support", summary="Support a complaint instead of filing the same one", tag=TAG,
          body=SupportCreate, response=ComplaintPublic, errors=(404, 409))
def support(call: Call) -> ComplaintPublic:
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = duplicates.support(session, actor=call.actor, municipality=municipality,
                                       complaint_id=call.path["complaint_id"], data=call.body)
        return service.public_view(session, complaint, municipality=municipality, language=call.language)


def _follow_up_attempt(call: Call, folio: str | None, code: str | None) -> limits.Claim:
    """With a folio and code: one attempt counted per client address and per folio, committed before the code
    is checked (429 past the limits); the look-up's transaction refunds it when it succeeds."""
    if not (folio and code):
        return limits.Claim()
    client = call.request.client.host if call.request.client else None
    with session_scope() as session:
        return reporting.claim_follow_up(session, municipality_code=call.path["code"], folio=folio, client=client)


@endpoint("POST", BASE + "/follow-up", summary="Follow an anonymous complaint with its folio and secret code",
          tag=TAG, body=FollowUp, response=ComplaintPublic, errors=(404, 429))
def follow_up(call: Call) -> ComplaintPublic:
    """Wrong codes are limited per client address and per folio (`429 follow_up_rate_limited`, `Retry-After`)."""
    attempt = _follow_up_attempt(call, call.body.folio, call.body.code)
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = reporting.by_follow_up(session, municipality=municipality, folio=call.body.folio,
                                           code=call.body.code)
        limits.refund(session, attempt)
        return service.reporter_view(session, complaint, municipality=municipality, language=call.language)


@endpoint("POST", BASE + "/information", summary="The reporter adds information (answers a clarification)",
          tag=TAG, body=InformationCreate, response=ComplaintPublic, errors=(403, 404, 409, 429))
def add_information(call: Call) -> ComplaintPublic:
    attempt = _follow_up_attempt(call, call.body.folio, call.body.code)
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = reporting.add_information(session, actor=call.actor, municipality=municipality,
                                              complaint_id=call.body.complaint_id, data=call.body)
        limits.refund(session, attempt)
        return service.reporter_view(session, complaint, municipality=municipality, language=call.language)


@endpoint("POST", BASE + "/withdraw", summary="The reporter withdraws a complaint", tag=TAG, body=WithdrawCreate,
          response=ComplaintPublic, errors=(403, 404, 409, 429))
def withdraw(call: Call) -> ComplaintPublic:
    b = call.body
    attempt = _follow_up_attempt(call, b.folio, b.code)
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = reporting.withdraw(session, actor=call.actor, municipality=municipality,
                                       complaint_id=b.complaint_id, folio=b.folio, code=b.code, reason=b.reason)
        limits.refund(session, attempt)
        return service.reporter_view(session, complaint, municipality=municipality, language=call.language)


class FollowUpLink(BaseModel):
    """A link that opens an anonymous complaint's follow-up with a GET, without its code (docs/complaints.md)."""

    url: str = PField(description="GET it to read the complaint; keep it private, like the code")
    token: str = PField(description="the last part of the url: signed by this server, no code inside")
    expires_at: datetime


@endpoint("POST", BASE + "/follow-up/link", summary="Exchange folio and code for a signed follow-up link", tag=TAG,
          body=FollowUp, response=FollowUpLink, status=201, errors=(404, 429))
def follow_up_link(call: Call) -> FollowUpLink:
    """The link is valid for 7 days and holds no code; counted like any follow-up (wrong codes are limited)."""
    attempt = _follow_up_attempt(call, call.body.folio, call.body.code)
    with session_scope() as session:
        municipality = _municipality(session, call)
        token, expires_at = reporting.follow_up_link(session, municipality=municipality, folio=call.body.folio,
                                                     code=call.body.code)
        limits.refund(session, attempt)
        code = municipality.code
    url = f"{str(call.request.base_url).rstrip('/')}/api/v1/municipalities/{code}/complaints/follow-up/{token}"
    return FollowUpLink(url=url, token=token, expires_at=expires_at)


@endpoint("GET", BASE + "/follow-up/{token}", summary="Follow an anonymous complaint from a signed link", tag=TAG,
          response=ComplaintPublic, errors=(404, 410))
def follow_up_by_link(call: Call) -> JSONResponse:
    """404 follow_up_link_invalid for a link not made here, 410 follow_up_link_expired after 7 days. The answer is
    never cached and sends no referrer; the access log never records the token."""
    with read_scope() as session:
        municipality = _municipality(session, call)
        complaint = reporting.by_follow_up_link(session, municipality=municipality, token=call.path["token"])
        view = service.reporter_view(session, complaint, municipality=municipality, language=call.language)
    return JSONResponse(view.model_dump(mode="json"),
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


@endpoint("POST", BASE + "/categories", summary="Add a complaint category (administrators)", tag=TAG,
          body=CategoryCreate, response=CategoryPublic, status=201, auth=True, errors=(403, 404, 409))
def create_category(call: Call) -> CategoryPublic:
    with session_scope() as session:
        category = configuration.create_category(session, actor=call.actor,
                                                 municipality=_municipality(session, call), data=call.body)
        return _category(category, call.language)


@endpoint("PATCH", BASE + "/categories/{service_code}", summary="Edit or retire a category (administrators)",
          tag=TAG, body=CategoryUpdate, response=CategoryPublic, auth=True, errors=(403, 404))
def update_category(call: Call) -> CategoryPublic:
    with session_scope() as session:
        category = configuration.update_category(session, actor=call.actor,
                                                 municipality=_municipality(session, call),
                                                 service_code=call.path["service_code"], data=call.body)
        return _category(category, call.language)


@endpoint("GET", BASE + "/deadlines", summary="Business days to answer each kind of complaint", tag=TAG,
          response=list[DeadlinePublic], errors=(404,))
def list_deadlines(call: Call) -> list[DeadlinePublic]:
    with read_scope() as session:
        return configuration.deadlines(session, municipality=_municipality(session, call))


@endpoint("PUT", BASE + "/deadlines/{kind}", summary="Set the term for a kind of complaint (administrators)",
          tag=TAG, body=DeadlineUpdate, response=list[DeadlinePublic], auth=True, errors=(403, 404, 422))
def set_deadline(call: Call) -> list[DeadlinePublic]:
    try:
        kind = Kind(call.path["kind"])
    except ValueError as exc:
        raise Invalid.for_field("kind", "unknown_kind", value=call.path["kind"]) from exc
    with session_scope() as session:
        return configuration.set_deadline(session, actor=call.actor, municipality=_municipality(session, call),
                                          kind=kind, data=call.body)


@endpoint("GET", "/complaints/vocabulary", summary="The words of complaints: states, kinds, priorities, moves",
          tag=TAG, response=vocabulary.Vocabulary)
def complaint_vocabulary(call: Call) -> JSONResponse:
    """Public. Each state, kind, priority, outcome and workflow move as a code with its label in the reader's
    language (`Accept-Language`), for screens that must never show a code such as `admitted` or `high`. The
    same for everyone: it may be cached (an hour), per language."""
    words = vocabulary.vocabulary(call.language)
    return JSONResponse(words.model_dump(mode="json"), headers={
        "Cache-Control": "public, max-age=3600", "Vary": "Accept-Language", "Content-Language": call.language})


routes = [list_categories, create_category, update_category, list_deadlines, set_deadline,
          desk.redact_photo_of_complaint, suggestions, file_complaint, list_public, list_mine, get_complaint, support,
          follow_up, follow_up_link, follow_up_by_link, add_information, withdraw, desk.queue, desk.edit,
          desk.transition, desk.bulk_transition, desk.list_notes, desk.add_note, desk.merge, desk.list_templates,
          desk.add_template, desk.moderate_complaint, desk.list_publication_rules, desk.set_publication_rule,
          desk.staff_photos, desk.staff_photo_original, desk.staff_duplicates, complaint_vocabulary]
