"""/api/v1/municipalities/{code}/complaints: filing, following and triaging complaints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field as PField
from starlette.responses import JSONResponse, Response

from server import limits
from server.api import Call, endpoint
from server.complaints import (
    casefile,
    configuration,
    duplicates,
    intake,
    moderation,
    reporting,
    service,
    triage,
    vocabulary,
)
from server.complaints import queue as complaint_queue
from server.complaints.configuration_models import (
    CategoryCreate,
    CategoryPublic,
    CategoryUpdate,
    DeadlinePublic,
    DeadlineUpdate,
    TemplateCreate,
    TemplatePublic,
    TemplateQuery,
)
from server.complaints.models import Kind
from server.complaints.moderation_models import ModerationCreate, PublicationRulePublic, PublicationRuleUpdate
from server.complaints.public import public_list
from server.complaints.queue_models import QueuePage, QueueQuery
from server.complaints.schemas import (
    BulkResult,
    BulkTransition,
    ComplaintCreate,
    ComplaintEdit,
    ComplaintPublic,
    ComplaintStaff,
    Filed,
    FollowUp,
    InformationCreate,
    MergeCreate,
    NoteCreate,
    NotePublic,
    PublicQuery,
    SuggestionQuery,
    Suggestions,
    SupportCreate,
    TransitionCreate,
    WithdrawCreate,
)
from server.db import read_scope, session_scope
from server.errors import Invalid
from server.media.models import PhotoPublic, RedactionUpdate
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


# ------------------------------------------------------------------------------------------------ staff


@endpoint("GET", BASE, summary="The triage queue (overdue first), with counts per state and keyset pages", tag=TAG,
          query=QueueQuery, response=QueuePage, auth=True, errors=(403, 404, 422))
def queue(call: Call) -> QueuePage:
    """Staff only. Closed complaints are left out unless `state` or `include_closed=true` asks for them; `counts`
    has every state with the same filters (so a closed state's tab can be chosen). For the next page send
    `next_cursor` back as `cursor` (docs/complaints.md, "The queue")."""
    with read_scope() as session:
        return complaint_queue.queue(session, actor=call.actor, municipality=_municipality(session, call),
                                     query=call.query, language=call.language)


@endpoint("PATCH", ONE, summary="Priority, assignment, category, linked work (send the version you read)",
          tag=TAG, body=ComplaintEdit, response=ComplaintStaff, auth=True, errors=(403, 404, 409))
def edit(call: Call) -> ComplaintStaff:
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = triage.edit(session, actor=call.actor, municipality=municipality,
                                complaint_id=call.path["complaint_id"], data=call.body, language=call.language)
        return service.staff_view(session, complaint, municipality=municipality, language=call.language,
                                  actor=call.actor)


@endpoint("POST", ONE + "/transitions", summary="Move a complaint along the workflow, with a reason", tag=TAG,
          body=TransitionCreate, response=ComplaintStaff, auth=True, errors=(403, 404, 409))
def transition(call: Call) -> ComplaintStaff:
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = triage.transition(session, actor=call.actor, municipality=municipality,
                                      complaint_id=call.path["complaint_id"], data=call.body, language=call.language)
        return service.staff_view(session, complaint, municipality=municipality, language=call.language,
                                  actor=call.actor)


@endpoint("POST", BASE + "/bulk-transitions", summary="The same move for many complaints (each on its own)",
          tag=TAG, body=BulkTransition, response=list[BulkResult], auth=True, errors=(403, 404))
def bulk_transition(call: Call) -> list[BulkResult]:
    with session_scope() as session:
        return triage.bulk_transition(session, actor=call.actor, municipality=_municipality(session, call),
                                      data=call.body, language=call.language)


@endpoint("GET", ONE + "/notes", summary="Private notes (staff only)", tag=TAG, response=list[NotePublic],
          auth=True, errors=(403, 404))
def list_notes(call: Call) -> list[NotePublic]:
    with read_scope() as session:
        rows = triage.notes(session, actor=call.actor, municipality=_municipality(session, call),
                            complaint_id=call.path["complaint_id"])
        return [NotePublic.model_validate(row) for row in rows]


@endpoint("POST", ONE + "/notes", summary="Add a private note", tag=TAG, body=NoteCreate, response=NotePublic,
          status=201, auth=True, errors=(403, 404))
def add_note(call: Call) -> NotePublic:
    with session_scope() as session:
        note = triage.add_note(session, actor=call.actor, municipality=_municipality(session, call),
                               complaint_id=call.path["complaint_id"], data=call.body)
        return NotePublic.model_validate(note)


@endpoint("POST", ONE + "/merge", summary="Close as a duplicate of another complaint", tag=TAG, body=MergeCreate,
          response=ComplaintStaff, auth=True, errors=(403, 404, 409))
def merge(call: Call) -> ComplaintStaff:
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = triage.merge(session, actor=call.actor, municipality=municipality,
                                 complaint_id=call.path["complaint_id"], data=call.body, language=call.language)
        return service.staff_view(session, complaint, municipality=municipality, language=call.language,
                                  actor=call.actor)


@endpoint("GET", BASE + "/templates", summary="Response templates", tag=TAG, query=TemplateQuery,
          response=list[TemplatePublic], auth=True, errors=(403, 404))
def list_templates(call: Call) -> list[TemplatePublic]:
    with read_scope() as session:
        rows = triage.templates(session, actor=call.actor, municipality=_municipality(session, call),
                                state=call.query.state)
        return [TemplatePublic.model_validate(row) for row in rows]


@endpoint("POST", BASE + "/templates", summary="Add a response template", tag=TAG, body=TemplateCreate,
          response=TemplatePublic, status=201, auth=True, errors=(403, 404))
def add_template(call: Call) -> TemplatePublic:
    with session_scope() as session:
        template = triage.add_template(session, actor=call.actor, municipality=_municipality(session, call),
                                       data=call.body)
        return TemplatePublic.model_validate(template)


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


@endpoint("POST", ONE + "/photos/{photo_id:uuid}/redactions",
          summary="Black out faces or plates on a complaint's photo (moderators)", tag=TAG, body=RedactionUpdate,
          response=PhotoPublic, auth=True, errors=(403, 404, 409))
def redact_photo_of_complaint(call: Call) -> PhotoPublic:
    from server.media import service as media

    with session_scope() as session:
        municipality = _municipality(session, call)
        photo = triage.redact_photo(session, actor=call.actor, municipality=municipality,
                                    complaint_id=call.path["complaint_id"], photo_id=call.path["photo_id"],
                                    data=call.body)
        return media.public(photo, municipality=municipality)


@endpoint("POST", ONE + "/moderation",
          summary="Decide what the public sees of a complaint's text and photos (moderators)", tag=TAG,
          body=ModerationCreate, response=ComplaintStaff, auth=True, errors=(403, 404, 409, 422))
def moderate_complaint(call: Call) -> ComplaintStaff:
    """Approve, approve with blackout (a public version of the text; black boxes on a photo) or keep private,
    with a reason; send the `version` you read (409 stale_version if another moderator decided meanwhile).
    The queue lists what waits with `?publication=pending`. docs/privacy.md."""
    with session_scope() as session:
        municipality = _municipality(session, call)
        complaint = moderation.moderate(session, actor=call.actor, municipality=municipality,
                                        complaint_id=call.path["complaint_id"], data=call.body,
                                        language=call.language)
        return service.staff_view(session, complaint, municipality=municipality, language=call.language,
                                  actor=call.actor)


@endpoint("GET", BASE + "/publication", summary="Which kinds of complaint have their text public at once", tag=TAG,
          response=list[PublicationRulePublic], errors=(404,))
def list_publication_rules(call: Call) -> list[PublicationRulePublic]:
    with read_scope() as session:
        return moderation.rules(session, municipality=_municipality(session, call))


@endpoint("PUT", BASE + "/publication/{kind}",
          summary="Publish a kind's text at once, without moderation (administrators; never denuncias)", tag=TAG,
          body=PublicationRuleUpdate, response=list[PublicationRulePublic], auth=True, errors=(403, 404, 422))
def set_publication_rule(call: Call) -> list[PublicationRulePublic]:
    """For complaints filed from now on. Photos always wait for a moderator; a confidential complaint and a
    denuncia are never public in full (`text_public_at_once: true` for `report` is 422)."""
    try:
        kind = Kind(call.path["kind"])
    except ValueError as exc:
        raise Invalid.for_field("kind", "unknown_kind", value=call.path["kind"]) from exc
    with session_scope() as session:
        return moderation.set_rule(session, actor=call.actor, municipality=_municipality(session, call), kind=kind,
                                   data=call.body)


@endpoint("GET", ONE + "/photos", summary="A complaint's photos as evidence: copies, SHA-256, camera data, original (staff)",
          tag=TAG, response=list[casefile.StaffPhoto], auth=True, errors=(403, 404))
def staff_photos(call: Call) -> list[casefile.StaffPhoto]:
    """Comptrollers and administrators: each photo's record with its copies (before publication too), its
    evidence (SHA-256 of the file received, capture time, GPS position, camera, black boxes) and `original_url`,
    the file exactly as received."""
    base = f"/api/v1/municipalities/{call.path['code']}/complaints/{call.path['complaint_id']}"
    with read_scope() as session:
        return casefile.photos(session, actor=call.actor, municipality=_municipality(session, call),
                               complaint_id=call.path["complaint_id"], base=base)


@endpoint("GET", ONE + "/photos/{photo_id:uuid}/original",
          summary="The original of a complaint's photo, byte for byte as received (staff)", tag=TAG, auth=True,
          errors=(403, 404), media_type="application/octet-stream")
def staff_photo_original(call: Call) -> Response:
    """Its SHA-256 is the evidence's `sha256` (also in the `X-Content-SHA256` header); it keeps the camera's
    metadata (place, time), so it is never cached and is sent as an attachment."""
    with read_scope() as session:
        data, content_type, sha256 = casefile.original(
            session, actor=call.actor, municipality=_municipality(session, call),
            complaint_id=call.path["complaint_id"], photo_id=call.path["photo_id"])
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(content_type, "heic")
    return Response(data, media_type=content_type, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{sha256}.{extension}"', "X-Content-SHA256": sha256})


@endpoint("GET", ONE + "/duplicates", summary="Likely duplicates of a complaint (staff)", tag=TAG,
          response=list[casefile.Duplicate], auth=True, errors=(403, 404))
def staff_duplicates(call: Call) -> list[casefile.Duplicate]:
    """Same category, within 250 m of its exact point, received within 30 days of it, neither withdrawn nor
    merged: the rule of the filing's suggestions, nearest first. Merge one with `POST …/{id}/merge`."""
    with read_scope() as session:
        return casefile.duplicates(session, actor=call.actor, municipality=_municipality(session, call),
                                   complaint_id=call.path["complaint_id"], language=call.language)
@endpoint("GET", "/complaints/vocabulary", summary="The words of complaints: states, kinds, priorities, moves",
          tag=TAG, response=vocabulary.Vocabulary)
def complaint_vocabulary(call: Call) -> JSONResponse:
    """Public. Each state, kind, priority, outcome and workflow move as a code with its label in the reader's
    language (`Accept-Language`), for screens that must never show a code such as `admitted` or `high`. The
    same for everyone: it may be cached (an hour), per language."""
    words = vocabulary.vocabulary(call.language)
    return JSONResponse(words.model_dump(mode="json"), headers={
        "Cache-Control": "public, max-age=3600", "Vary": "Accept-Language", "Content-Language": call.language})


routes = [list_categories, create_category, update_category, list_deadlines, set_deadline, redact_photo_of_complaint, suggestions, file_complaint, list_public, list_mine, get_complaint, support, follow_up, follow_up_link, follow_up_by_link,
          add_information, withdraw, queue, edit, transition, bulk_transition, list_notes, add_note, merge,
          list_templates, add_template, moderate_complaint, list_publication_rules, set_publication_rule,
          staff_photos, staff_photo_original, staff_duplicates, complaint_vocabulary]
