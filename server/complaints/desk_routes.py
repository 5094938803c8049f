"""/api/v1/municipalities/{code}/complaints, the desk's side (staff): the triage queue, edits and workflow moves,
notes and merges, response templates, a photo's redaction, moderation and the publication rules, and the case
file's photos and duplicates. routes.py lists these endpoints in its `routes`, in the order they are matched."""

from __future__ import annotations

from starlette.responses import Response

from server.api import Call, endpoint
from server.complaints import casefile, moderation, service, triage
from server.complaints import queue as complaint_queue
from server.complaints.configuration_models import TemplateCreate, TemplatePublic, TemplateQuery
from server.complaints.models import Kind
from server.complaints.moderation_models import ModerationCreate, PublicationRulePublic, PublicationRuleUpdate
from server.complaints.queue_models import QueuePage, QueueQuery
from server.complaints.schemas import (
    BulkResult,
    BulkTransition,
    ComplaintEdit,
    ComplaintStaff,
    MergeCreate,
    NoteCreate,
    NotePublic,
    TransitionCreate,
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
