"""/api/v1/municipalities/{code}/annotation-schemes, …/audit-projects/{id}/assignments|agreement|exports,
…/annotation-assignments/{id}, …/annotations/{id}, …/rulings/{id}/annotations|adjudication (docs/annotations.md)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError
from pydantic import Field as PField
from starlette.responses import JSONResponse, Response

from server.annotations import assignments, exports, reading, review, schemes, service, w3c
from server.annotations.models import AnnotationAssignment, AssignmentKind
from server.api import Call, endpoint
from server.api.parsing import BodyValidationError
from server.db import read_scope, session_scope
from server.errors import Invalid, NotFound
from server.municipalities import service as municipalities

TAG = "annotations"
SCHEMES = "/municipalities/{code}/annotation-schemes"
SCHEME = SCHEMES + "/{scheme_id:uuid}"
VERSION = SCHEME + "/versions/{number}"
PROJECT = "/municipalities/{code}/audit-projects/{project_id:uuid}"
ASSIGNMENT = "/municipalities/{code}/annotation-assignments/{assignment_id:uuid}"
ANNOTATION = "/municipalities/{code}/annotations/{annotation_id:uuid}"
RULING = "/municipalities/{code}/rulings/{ruling_id:uuid}"
JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
JSON_TYPES = ("application/json", "application/ld+json")  # what an annotation may be sent as (OpenAPI)


def _number(call: Call) -> int:
    text = call.path["number"]
    if not text.isdigit() or len(text) > 6:
        raise NotFound("scheme_version_not_found")
    return int(text)


class AnnotationPayload(RootModel[dict[str, Any]]):
    """A W3C Web Annotation (JSON-LD, TextQuoteSelector and/or TextPositionSelector, a classifying body naming the
    label) or the short form {id?, start, end, exact?, label, attributes?, comment?, version?}."""


def _annotation_in(payload: dict[str, Any]) -> w3c.AnnotationIn:
    if w3c.is_w3c(payload):
        return w3c.from_w3c(payload)
    try:
        return w3c.AnnotationIn.model_validate(payload)
    except ValidationError as error:
        # Explained like any other body's fields, in the reader's language (never Pydantic's English).
        raise BodyValidationError(error) from error


def _w3c(session, annotation, status: int = 200) -> JSONResponse:
    assignment = session.get(AnnotationAssignment, annotation.assignment_id)
    body = w3c.to_w3c(annotation, scheme_version_id=assignment.scheme_version_id,
                      kind=AssignmentKind(assignment.kind).value)
    return JSONResponse(body, status_code=status, media_type="application/ld+json")


# ------------------------------------------------------------------------------------------------ schemes


@endpoint("GET", SCHEMES, summary="Annotation schemes and their published versions (drafts for those who manage)",
          tag=TAG, response=list[schemes.SchemePublic], errors=(404,))
def list_schemes(call: Call) -> list[schemes.SchemePublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return schemes.list_(session, actor=call.actor, municipality=municipality)


@endpoint("GET", SCHEME, summary="One annotation scheme with its versions", tag=TAG, response=schemes.SchemePublic,
          errors=(404,))
def get_scheme(call: Call) -> schemes.SchemePublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return schemes.read(session, actor=call.actor, municipality=municipality, scheme_id=call.path["scheme_id"])


@endpoint("POST", SCHEMES, summary="Create an annotation scheme; its first version is a draft", tag=TAG,
          body=schemes.SchemeCreate, response=schemes.SchemePublic, status=201, auth=True, errors=(403, 404, 409))
def create_scheme(call: Call) -> schemes.SchemePublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        scheme = schemes.create(session, actor=call.actor, municipality=municipality, data=call.body)
        return schemes.public(session, scheme, drafts=True)


@endpoint("POST", SCHEMES + "/seed", summary="Create the seed scheme (TC Perú, exp. 00728-2008-PHC/TC, fundamento "
          "7), published", tag=TAG, response=schemes.SchemePublic, status=201, auth=True, errors=(403, 404),
          responses={200: "The municipality already has it"})
def create_seed_scheme(call: Call) -> Any:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        scheme, created = schemes.create_from_seed(session, actor=call.actor, municipality=municipality)
        view = schemes.public(session, scheme, drafts=True)
    return JSONResponse(view.model_dump(mode="json"), status_code=201 if created else 200)


@endpoint("POST", SCHEME + "/versions", summary="Draft the next version of a scheme", tag=TAG,
          body=schemes.SchemeVersionCreate, response=schemes.SchemeVersionPublic, status=201, auth=True,
          errors=(403, 404, 409))
def add_scheme_version(call: Call) -> schemes.SchemeVersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = schemes.add_version(session, actor=call.actor, municipality=municipality,
                                      scheme_id=call.path["scheme_id"], data=call.body)
        return schemes.version_public(version)


@endpoint("PUT", VERSION, summary="Edit a draft version (a published one answers 409)", tag=TAG,
          body=schemes.SchemeVersionCreate, response=schemes.SchemeVersionPublic, auth=True, errors=(403, 404, 409))
def edit_scheme_version(call: Call) -> schemes.SchemeVersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = schemes.edit_version(session, actor=call.actor, municipality=municipality,
                                       scheme_id=call.path["scheme_id"], number=_number(call), data=call.body)
        return schemes.version_public(version)


@endpoint("POST", VERSION + "/publish", summary="Publish a draft version: from now on it never changes", tag=TAG,
          response=schemes.SchemeVersionPublic, auth=True, errors=(403, 404, 409))
def publish_scheme_version(call: Call) -> schemes.SchemeVersionPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        version = schemes.publish(session, actor=call.actor, municipality=municipality,
                                  scheme_id=call.path["scheme_id"], number=_number(call))
        return schemes.version_public(version)


# ------------------------------------------------------------------------------------------------ assignments


class AssignmentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ruling_id: uuid.UUID | None = None
    mine: bool = PField(False, description="only the caller's (reviewers otherwise see all)")


@endpoint("POST", PROJECT + "/assignments", summary="Assign a published ruling to annotators (two: double, blind)",
          tag=TAG, body=assignments.AssignmentsCreate, response=list[assignments.AssignmentPublic], status=201,
          auth=True, errors=(403, 404, 409))
def create_assignments(call: Call) -> list[assignments.AssignmentPublic]:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = assignments.create_assignments(session, actor=call.actor, municipality=municipality,
                                              project_id=call.path["project_id"], data=call.body)
        return [assignments.AssignmentPublic.of(row) for row in rows]


@endpoint("GET", PROJECT + "/assignments", summary="The project's assignments (an auditor's own; all for reviewers)",
          tag=TAG, query=AssignmentQuery, response=list[assignments.AssignmentListed], auth=True, errors=(403, 404))
def list_assignments(call: Call) -> list[assignments.AssignmentListed]:
    """Each with the annotator's name and e-mail, the ruling's case number, the scheme's name and version number
    and the count of live annotations."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = assignments.list_assignments(session, actor=call.actor, municipality=municipality,
                                            project_id=call.path["project_id"], ruling_id=call.query.ruling_id,
                                            mine=call.query.mine)
        return assignments.listed(session, rows)


@endpoint("GET", ASSIGNMENT, summary="An assignment with the ruling's public text, my annotations and answers",
          tag=TAG, response=dict[str, Any], auth=True, errors=(403, 404))
def get_assignment(call: Call) -> dict[str, Any]:
    """Everything the annotator needs, also offline (the same record the sync pull serves): the project, the scheme
    version with its labels and questions, the ruling with its court, judges and matter, its latest public text,
    the annotations (W3C; `vigia.anchorState`, and `vigia.previousText` on an orphaned one) and the answers."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return reading.assignment_view(session, actor=call.actor, municipality=municipality,
                                       assignment_id=call.path["assignment_id"], language=call.language)


@endpoint("POST", ASSIGNMENT + "/annotations", summary="Annotate a span (W3C Web Annotation or short form)", tag=TAG,
          body=AnnotationPayload, body_types=JSON_TYPES, response=dict[str, Any], status=201, auth=True,
          errors=(403, 404, 409),
          responses={200: "Updated, or the same annotation sent again"}, media_type="application/ld+json")
def save_annotation(call: Call) -> Any:
    """Answers the annotation as W3C JSON-LD. Send your own `id` to create it offline-safe; send it again with
    `version` (the last one you saw) to change it."""
    data = _annotation_in(call.body.root)
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row, created = service.save_annotation(session, actor=call.actor, municipality=municipality,
                                               assignment_id=call.path["assignment_id"], data=data)
        return _w3c(session, row, 201 if created else 200)


@endpoint("PUT", ANNOTATION, summary="Change one of my annotations (with the version I last saw)", tag=TAG,
          body=AnnotationPayload, body_types=JSON_TYPES, response=dict[str, Any], auth=True, errors=(403, 404, 409),
          media_type="application/ld+json")
def update_annotation(call: Call) -> Any:
    data = _annotation_in(call.body.root)
    if data.id is not None and data.id != call.path["annotation_id"]:
        raise Invalid.for_field("id", "annotation_id_mismatch")
    data = data.model_copy(update={"id": call.path["annotation_id"]})
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = service.get_annotation(session, municipality=municipality, annotation_id=call.path["annotation_id"])
        row, _created = service.save_annotation(session, actor=call.actor, municipality=municipality,
                                                assignment_id=row.assignment_id, data=data)
        return _w3c(session, row)


class DeleteQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = PField(None, ge=1, description="the version I last saw (409 if it changed since)")


@endpoint("DELETE", ANNOTATION, summary="Delete one of my annotations", tag=TAG, query=DeleteQuery, status=204,
          auth=True, errors=(403, 404, 409))
def delete_annotation(call: Call) -> None:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        service.delete_annotation(session, actor=call.actor, municipality=municipality,
                                  annotation_id=call.path["annotation_id"], version=call.query.version)


@endpoint("PUT", ASSIGNMENT + "/answers", summary="Answer the document-level questions of my assignment", tag=TAG,
          body=service.AnswersUpdate, response=dict[str, Any], auth=True, errors=(403, 404, 409))
def set_answers(call: Call) -> dict[str, Any]:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        assignment = service.set_answers(session, actor=call.actor, municipality=municipality,
                                         assignment_id=call.path["assignment_id"], answers=call.body.answers,
                                         version=call.body.version)
        return {"assignment": assignments.AssignmentPublic.of(assignment).model_dump(mode="json"),
                "answers": assignments.answers_of(session, assignment.id)}


@endpoint("POST", ASSIGNMENT + "/finish", summary="Finish my assignment (required questions answered)", tag=TAG,
          body=service.FinishRequest, response=assignments.AssignmentPublic, auth=True, errors=(403, 404, 409))
def finish_assignment(call: Call) -> assignments.AssignmentPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = service.finish(session, actor=call.actor, municipality=municipality,
                             assignment_id=call.path["assignment_id"], version=call.body.version)
        return assignments.AssignmentPublic.of(row)


@endpoint("POST", ASSIGNMENT + "/reopen", summary="Give a finished assignment back to its annotator (reviewers)",
          tag=TAG, body=service.FinishRequest, response=assignments.AssignmentPublic, auth=True, errors=(403, 404, 409))
def reopen_assignment(call: Call) -> assignments.AssignmentPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = service.reopen(session, actor=call.actor, municipality=municipality,
                             assignment_id=call.path["assignment_id"], version=call.body.version)
        return assignments.AssignmentPublic.of(row)


# ------------------------------------------------------------------------------------------------ reading, review


class VersionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme_version_id: uuid.UUID


class OptionalVersionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme_version_id: uuid.UUID | None = None


@endpoint("GET", RULING + "/annotations", summary="A ruling's annotations I may see, as a W3C AnnotationPage",
          tag=TAG, query=OptionalVersionQuery, response=dict[str, Any], auth=True, errors=(403, 404),
          media_type="application/ld+json")
def ruling_annotations(call: Call) -> Any:
    """Blind: an annotator sees their own until every annotator of the ruling has finished; reviewers see all."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = reading.visible_annotations(session, actor=call.actor, municipality=municipality,
                                           ruling_id=call.path["ruling_id"],
                                           scheme_version_id=call.query.scheme_version_id)
        items = [w3c.to_w3c(row, scheme_version_id=assignment.scheme_version_id,
                            kind=AssignmentKind(assignment.kind).value, context=False) for row, assignment in rows]
    return JSONResponse({"@context": w3c.CONTEXT, "type": "AnnotationPage", "items": items},
                        media_type="application/ld+json")


@endpoint("GET", PROJECT + "/agreement", summary="Agreement (Cohen's κ, Krippendorff's α, span F1) for a scheme "
          "version", tag=TAG, query=VersionQuery, response=dict[str, Any], auth=True, errors=(403, 404))
def agreement(call: Call) -> dict[str, Any]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return review.agreement_report(session, actor=call.actor, municipality=municipality,
                                       project_id=call.path["project_id"],
                                       scheme_version_id=call.query.scheme_version_id)


@endpoint("POST", RULING + "/adjudication", summary="Start adjudicating a ruling (the reviewer's gold assignment)",
          tag=TAG, body=review.AdjudicationStart, response=assignments.AssignmentPublic, status=201, auth=True,
          errors=(403, 404, 409), responses={200: "Already started by me"})
def start_adjudication(call: Call) -> Any:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        gold, created = review.start(session, actor=call.actor, municipality=municipality,
                                     ruling_id=call.path["ruling_id"], scheme_version_id=call.body.scheme_version_id)
        view = assignments.AssignmentPublic.of(gold)
    return JSONResponse(view.model_dump(mode="json"), status_code=201 if created else 200)


@endpoint("GET", RULING + "/adjudication", summary="The adjudication of a ruling: items, answers, the gold so far",
          tag=TAG, query=VersionQuery, response=dict[str, Any], auth=True, errors=(403, 404, 409))
def get_adjudication(call: Call) -> dict[str, Any]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return review.view(session, actor=call.actor, municipality=municipality, ruling_id=call.path["ruling_id"],
                           scheme_version_id=call.query.scheme_version_id)


@endpoint("POST", RULING + "/adjudication/decisions", summary="Decide items and answers into the gold", tag=TAG,
          body=review.Decisions, response=dict[str, Any], auth=True, errors=(403, 404, 409))
def decide(call: Call) -> dict[str, Any]:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        review.decide(session, actor=call.actor, municipality=municipality, ruling_id=call.path["ruling_id"],
                      data=call.body)
        return review.view(session, actor=call.actor, municipality=municipality, ruling_id=call.path["ruling_id"],
                           scheme_version_id=call.body.scheme_version_id)


# ------------------------------------------------------------------------------------------------ exports


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int | None = PField(None, ge=0, le=1_000_000, description="one AnnotationPage (0-based)")
    kind: AssignmentKind | None = PField(None, description="gold: only adjudicated annotations")


@endpoint("GET", PROJECT + "/annotations.jsonld", summary="The project's annotations as a W3C AnnotationCollection",
          tag=TAG, query=ExportQuery, response=dict[str, Any], auth=True, errors=(403, 404),
          media_type="application/ld+json")
def export_w3c(call: Call) -> Any:
    base = str(call.request.url.replace(query=""))
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        body = exports.collection(session, actor=call.actor, municipality=municipality,
                                  project_id=call.path["project_id"], base=base, page=call.query.page,
                                  kind=call.query.kind)
    return JSONResponse(body, media_type=JSONLD)


class DoccanoQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AssignmentKind | None = None


@endpoint("GET", PROJECT + "/annotations.doccano.jsonl", summary="The project's annotations as doccano JSONL",
          tag=TAG, query=DoccanoQuery, auth=True, errors=(403, 404), media_type="application/x-ndjson")
def export_doccano(call: Call) -> Response:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        lines = list(exports.doccano(session, actor=call.actor, municipality=municipality,
                                     project_id=call.path["project_id"], kind=call.query.kind))
    return Response("".join(lines), media_type="application/x-ndjson",
                    headers={"Content-Disposition": 'attachment; filename="annotations.doccano.jsonl"'})


routes = [list_schemes, get_scheme, create_scheme, create_seed_scheme, add_scheme_version, edit_scheme_version,
          publish_scheme_version, create_assignments, list_assignments, get_assignment, save_annotation,
          update_annotation, delete_annotation, set_answers, finish_assignment, reopen_assignment,
          ruling_annotations, agreement,
          start_adjudication, get_adjudication, decide, export_w3c, export_doccano]
