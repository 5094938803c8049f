"""/api/v1/municipalities/{code}/rulings: the judicial-ruling audit's rulings, their texts, the redaction findings
and the public version (docs/rulings.md). Courts and judges are court_routes.py; audit projects and their teams,
project_routes.py."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from starlette.responses import JSONResponse

from server.api import Call, endpoint
from server.db import read_scope, session_scope
from server.municipalities import service as municipalities
from server.rulings import findings, importing, publishing, records, service
from server.rulings.codelists import FindingState, RulingState, TextKind
from server.rulings.models import AuditProject, RedactionFinding, Ruling, RulingText
from server.rulings.schemas import (
    FindingCreate,
    FindingDecision,
    FindingView,
    ImportReport,
    JudgeRef,
    PlaceholderSpan,
    PublicVersionPreview,
    RulingCreate,
    RulingUpdate,
    RulingView,
    TextRef,
    TextView,
)

TAG = "rulings"
MUNI = "/municipalities/{code}"
PROJECT = MUNI + "/audit-projects/{project_id:uuid}"
RULING = MUNI + "/rulings/{ruling_id:uuid}"
TEXT_TYPES = ("text/plain", "application/pdf", "application/json")


def _text_view(text: RulingText, *, with_text: bool) -> TextView:
    return TextView(id=text.id, kind=text.kind, number=text.number, sha256=text.sha256, source=text.source,
                    derived_from=text.derived_from, created_at=text.created_at, length=len(text.text),
                    text=text.text if with_text else None)


def ruling_view(session: Any, ruling: Ruling, *, is_team: bool, with_public_text: bool = True) -> RulingView:
    import sqlalchemy as sa

    from server.rulings.models import Court, Judge, RulingJudge

    court_name = session.scalar(sa.select(Court.name).where(Court.id == ruling.court_id))
    judges = session.execute(sa.select(Judge.id, Judge.full_name, RulingJudge.role)
                             .join(RulingJudge, RulingJudge.judge_id == Judge.id)
                             .where(RulingJudge.ruling_id == ruling.id).order_by(Judge.full_name)).all()
    public = service.latest_text(session, ruling.id, TextKind.public)
    view = RulingView(
        id=ruling.id, project_id=ruling.project_id, court_id=ruling.court_id, court_name=court_name,
        case_number=ruling.case_number, kind=ruling.kind, matter=ruling.matter, outcome=ruling.outcome,
        filed_on=ruling.filed_on, heard_on=ruling.heard_on, ruled_on=ruling.ruled_on, parties=ruling.parties,
        judges=[JudgeRef(id=j.id, full_name=j.full_name, role=j.role) for j in judges], state=ruling.state,
        published_at=ruling.published_at, version=ruling.version,
        public_text=_text_view(public, with_text=with_public_text) if public is not None else None)
    if is_team:
        original = service.latest_text(session, ruling.id, TextKind.original)
        view.original = _text_view(original, with_text=False) if original is not None else None
        view.pending_findings = session.scalar(
            sa.select(sa.func.count()).select_from(RedactionFinding)
            .where(RedactionFinding.text_id == original.id, RedactionFinding.state == FindingState.pending)
        ) if original is not None else 0
    return view


# ------------------------------------------------------------------------------------------------ rulings


class RulingQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: uuid.UUID | None = PField(None, description="Only this audit project's rulings")
    judge_id: uuid.UUID | None = PField(None, description="Only rulings this judge signed")
    court_id: uuid.UUID | None = None
    state: RulingState | None = PField(None, description="imported, in_redaction or published (team)")


@endpoint("GET", MUNI + "/rulings", summary="Rulings: published ones for everyone, all of their projects' for a team",
          tag=TAG, query=RulingQuery, response=list[RulingView], errors=(404, 422))
def list_rulings(call: Call) -> list[RulingView]:
    """Without the texts (GET one ruling for its public text)."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = records.list_rulings(session, actor=call.actor, municipality=municipality, **call.query.model_dump())
        teams: dict[uuid.UUID, bool] = {}
        views = []
        for ruling in rows:
            if ruling.project_id not in teams:
                teams[ruling.project_id] = service.sees_team_data(
                    session, session.get(AuditProject, ruling.project_id), call.actor)
            views.append(ruling_view(session, ruling, is_team=teams[ruling.project_id], with_public_text=False))
        return views


@endpoint("GET", RULING, summary="One ruling: metadata and its latest public text", tag=TAG, response=RulingView,
          errors=(404, 422))
def get_ruling(call: Call) -> RulingView:
    """A ruling never published is visible to its project's team (and admins) only; they also see the latest
    original's id and how many findings are pending."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        ruling, is_team = records.visible_ruling(session, actor=call.actor, municipality=municipality,
                                                 ruling_id=call.path["ruling_id"])
        return ruling_view(session, ruling, is_team=is_team)


@endpoint("POST", PROJECT + "/rulings", summary="Import a ruling: metadata and its text (JSON)", tag=TAG,
          body=RulingCreate, response=RulingView, status=201, auth=True, errors=(403, 404, 409, 413, 422),
          max_bytes=lambda settings: settings.max_import_bytes,
          responses={200: "The same create resent with its id: the stored ruling"})
def create_ruling(call: Call) -> Any:
    """Reviewers and coordinators of the project (and admins). The text is stored in canonical form and the
    detector marks the personal data it finds (findings to decide). Without `text` the ruling waits (imported)
    for an upload. The same ruling again is 409 ruling_duplicate; the same create resent with its id answers 200
    with the stored ruling."""
    from server.rulings.codelists import TextSource

    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        project = service.get_project(session, municipality, call.path["project_id"])
        ruling, created = records.create_ruling(session, actor=call.actor, municipality=municipality,
                                                project=project, data=call.body, text=call.body.text,
                                                source=TextSource.text)
        view = ruling_view(session, ruling, is_team=True)
    if created:
        return view
    return JSONResponse(view.model_dump(mode="json"), status_code=200)


@endpoint("POST", PROJECT + "/rulings/import", summary="Import rulings in batch: CSV or JSONL, a report per line",
          tag=TAG, raw_body=("text/csv", "application/jsonl", "application/x-ndjson", "application/json"),
          response=ImportReport,
          auth=True, errors=(400, 403, 404, 413, 415, 422))
def import_rulings(call: Call) -> ImportReport:
    """Each line: accepted, duplicate (same ruling, same text), new_version (same ruling, another text) or error
    (with its line number, field and message). Accepted lines are kept even if others fail. CSV columns:
    case_number, court (name) or court_id, kind, matter, outcome, filed_on, heard_on, ruled_on, judges
    ("name or id[:role]; ..."), parties ("role[:kind]; ..."), text. JSONL: one ruling per line as in the JSON
    import; JSON: an array of them (reported by position)."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return importing.import_batch(session, actor=call.actor, municipality=municipality,
                                      project_id=call.path["project_id"], content_type=call.body.content_type,
                                      data=call.body.data, language=call.language)


@endpoint("PATCH", RULING, summary="Correct a ruling's metadata (send the version you read)", tag=TAG,
          body=RulingUpdate, response=RulingView, auth=True, errors=(403, 404, 409, 422))
def update_ruling(call: Call) -> RulingView:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        ruling = records.update_ruling(session, actor=call.actor, municipality=municipality,
                                       ruling_id=call.path["ruling_id"], data=call.body)
        return ruling_view(session, ruling, is_team=True)


@endpoint("POST", RULING + "/texts", summary="Upload the ruling's original text: plain text, PDF or JSON {text}",
          tag=TAG,
          raw_body=TEXT_TYPES, response=TextView, status=201, auth=True, errors=(400, 403, 404, 413, 415, 422),
          responses={200: "The same canonical text as the latest original: not a new version"})
def upload_text(call: Call) -> Any:
    """A new original version (the detector runs on it). PDF: its text layer (422 pdf_no_text for a scan;
    pdf_encrypted, pdf_unreadable, pdf_too_many_pages)."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        # Who may upload is decided before the file is read: nobody else makes the server parse a PDF.
        records.require_importer(session, actor=call.actor, municipality=municipality, ruling_id=call.path["ruling_id"])
        text, source = importing.text_from_upload(call.body.content_type, call.body.data)
        added, created = records.add_original(session, actor=call.actor, municipality=municipality,
                                              ruling_id=call.path["ruling_id"], text=text, source=source)
        view = _text_view(added, with_text=False)
    if created:
        return view
    return JSONResponse(view.model_dump(mode="json"), status_code=200)


@endpoint("GET", RULING + "/texts", summary="The ruling's text versions (originals: team only)", tag=TAG,
          response=list[TextView], errors=(404, 422))
def list_texts(call: Call) -> list[TextView]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        ruling, is_team = records.visible_ruling(session, actor=call.actor, municipality=municipality,
                                                 ruling_id=call.path["ruling_id"])
        return [_text_view(text, with_text=False) for text in records.texts_of(session, ruling, is_team=is_team)]


@endpoint("GET", RULING + "/texts/{text_id:uuid}", summary="One text version with its text (originals: team only)",
          tag=TAG, response=TextView, errors=(404, 422))
def get_text(call: Call) -> TextView:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        text = records.get_text(session, actor=call.actor, municipality=municipality,
                                ruling_id=call.path["ruling_id"], text_id=call.path["text_id"])
        return _text_view(text, with_text=True)


# ------------------------------------------------------------------------------------------------ redaction


class FindingQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text_id: uuid.UUID | None = PField(None, description="An earlier original (default: the latest)")
    state: FindingState | None = None


@endpoint("GET", RULING + "/findings", summary="Personal data found in the latest original (team only)", tag=TAG,
          query=FindingQuery, response=list[FindingView], auth=True, errors=(403, 404, 422))
def list_findings(call: Call) -> list[FindingView]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = findings.findings(session, actor=call.actor, municipality=municipality,
                                 ruling_id=call.path["ruling_id"], **call.query.model_dump())
        return [findings.finding_view(row) for row in rows]


@endpoint("POST", RULING + "/findings", summary="Mark a datum the detector missed (team)", tag=TAG,
          body=FindingCreate, response=FindingView, status=201, auth=True, errors=(403, 404, 422))
def add_finding(call: Call) -> FindingView:
    """start/end in characters of the latest original; pending until a reviewer or coordinator decides it."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return findings.finding_view(findings.add_finding(session, actor=call.actor, municipality=municipality,
                                                 ruling_id=call.path["ruling_id"], data=call.body))


@endpoint("POST", RULING + "/findings/{finding_id:uuid}/decision",
          summary="Confirm or dismiss a finding (reviewer or coordinator)", tag=TAG, body=FindingDecision,
          response=FindingView, auth=True, errors=(403, 404, 409, 422))
def decide_finding(call: Call) -> FindingView:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return findings.finding_view(findings.decide_finding(session, actor=call.actor, municipality=municipality,
                                                    ruling_id=call.path["ruling_id"],
                                                    finding_id=call.path["finding_id"], data=call.body))


@endpoint("POST", RULING + "/public-version", summary="Publish a redacted public version (reviewer or coordinator)",
          tag=TAG, response=RulingView, status=201, auth=True, errors=(403, 404, 409, 422),
          responses={200: "Nothing changed since the latest public version"})
def publish(call: Call) -> Any:
    """409 redaction_unreviewed while a finding of the latest original is pending. Each confirmed span becomes a
    bracketed placeholder ("[DNI]", "[NOMBRE]", "[TELÉFONO]"...). Logged in the audit chain."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        _, created = publishing.publish(session, actor=call.actor, municipality=municipality,
                                        ruling_id=call.path["ruling_id"])
        ruling = service.get_ruling(session, municipality, call.path["ruling_id"])
        view = ruling_view(session, ruling, is_team=True)
    if created:
        return view
    return JSONResponse(view.model_dump(mode="json"), status_code=200)


@endpoint("GET", RULING + "/public-version/preview", summary="Preview the public version as it would be published "
          "now (reviewer or coordinator)", tag=TAG, response=PublicVersionPreview, auth=True,
          errors=(403, 404, 409, 422))
def preview_public_version(call: Call) -> PublicVersionPreview:
    """The latest original with every confirmed finding replaced by its placeholder, exactly as `POST
    …/public-version` would make it (pending findings stay as they are and are counted), with where each
    placeholder is in that text. 409 ruling_without_text before an original is uploaded."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        ruling, original, redacted, latest = publishing.preview(session, actor=call.actor, municipality=municipality,
                                                                ruling_id=call.path["ruling_id"])
        return PublicVersionPreview(
            ruling_id=ruling.id, case_number=ruling.case_number, text=redacted.text,
            spans=[PlaceholderSpan(**vars(item)) for item in redacted.placed], pending=redacted.pending,
            confirmed=len(redacted.confirmed), original=TextRef(id=original.id, number=original.number,
                                                                sha256=original.sha256),
            latest_public=TextRef(id=latest.id, number=latest.number, sha256=latest.sha256) if latest else None,
            changed=publishing.is_new_public_text(latest, original, redacted.text))


routes = [list_rulings, get_ruling, create_ruling, import_rulings, update_ruling, upload_text, list_texts, get_text,
          list_findings, add_finding, decide_finding, publish, preview_public_version]
