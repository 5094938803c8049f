"""Rulings in from files: a plain-text or PDF upload (one ruling's original text), and batches in CSV or JSONL with
a report line per line (accepted / duplicate / new_version / error with its line number and field); accepted
lines are kept even if others fail (docs/rulings.md, "Import")."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from server.auth.actor import Actor
from server.errors import AppError, BadRequest, Invalid, validation_details
from server.i18n import json_problem
from server.municipalities.models import Municipality
from server.rulings import records, service
from server.rulings.codelists import TextKind, TextSource
from server.rulings.models import AuditProject, Court, Judge
from server.rulings.schemas import ImportLine, ImportReport, RulingCreate
from server.rulings.text import canonical, sha256

MAX_PDF_PAGES = 500
MAX_BATCH_LINES = 5_000


# ------------------------------------------------------------------------------------------------ one text


def text_from_upload(content_type: str, data: bytes) -> tuple[str, TextSource]:
    """The text of an upload: text/plain in UTF-8 (or Latin-1 when it is not UTF-8), a PDF's text layer, or JSON
    {"text": "..."}."""
    if content_type == "application/pdf":
        return pdf_text(data), TextSource.pdf
    if content_type == "application/json":  # {"text": "..."}
        try:
            value = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRequest("invalid_json", reason=json_problem(exc)) from exc
        if not isinstance(value, dict) or not isinstance(value.get("text"), str) or set(value) != {"text"}:
            raise Invalid.for_field("text", "ruling_text_json")
        return value["text"], TextSource.text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        raise BadRequest("ruling_text_binary")
    return text, TextSource.text


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page by page (pages separated by a blank line). Refused in words: not a PDF or
    broken (pdf_unreadable), encrypted (pdf_encrypted), more than MAX_PDF_PAGES pages (pdf_too_many_pages),
    no text layer (a scan: pdf_no_text)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf reports repairs it makes as warnings in the log
    if not data.startswith(b"%PDF-"):
        raise Invalid("pdf_unreadable")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Invalid("pdf_encrypted")
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise Invalid("pdf_too_many_pages", pages=pages, limit=MAX_PDF_PAGES)
        texts = [page.extract_text() or "" for page in reader.pages]
    except AppError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError, ZeroDivisionError) as exc:
        raise Invalid("pdf_unreadable") from exc
    text = "\n\n".join(texts)
    if not canonical(text).strip():
        raise Invalid("pdf_no_text")
    return text


# ------------------------------------------------------------------------------------------------ batches


def _rows_csv(data: bytes) -> list[tuple[int, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("import_encoding") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "case_number" not in reader.fieldnames:
        raise Invalid("rulings_csv_header")
    rows = []
    ended = reader.line_num
    for row in reader:
        line, ended = ended + 1, reader.line_num  # the line where the record starts (a text may span lines)
        if None in row:
            rows.append((line, Invalid("rulings_csv_extra_fields")))
            continue
        rows.append((line, {key: value for key, value in row.items() if value not in (None, "")}))
    return rows


def _rows_jsonl(data: bytes) -> list[tuple[int, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("import_encoding") from exc
    rows: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            rows.append((number, Invalid("rulings_jsonl_line_invalid")))
            continue
        rows.append((number, value if isinstance(value, dict) else Invalid("rulings_jsonl_line_invalid")))
    return rows


def _rows_json(data: bytes) -> list[tuple[int, Any]]:
    """A JSON array of rulings: each item is reported by its position (1, 2, ...)."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("invalid_json", reason=json_problem(exc)) from exc
    if not isinstance(value, list):
        raise Invalid("rulings_json_not_array")
    return [(number, item if isinstance(item, dict) else Invalid("rulings_jsonl_line_invalid"))
            for number, item in enumerate(value, start=1)]


def _resolve_names(session: Session, municipality: Municipality, row: dict[str, Any]) -> dict[str, Any]:
    """CSV convenience: `court` by name instead of court_id; `judges` as "id or name[:role]; ..."; `parties` as
    "role[:kind]; ..."."""
    row = dict(row)
    if "court" in row and "court_id" not in row:
        name = " ".join(str(row.pop("court")).split())
        court_id = session.scalar(sa.select(Court.id).where(Court.municipality_id == municipality.id,
                                                            Court.name == name))
        if court_id is None:
            raise Invalid.for_field("court", "court_not_found")
        row["court_id"] = str(court_id)
    if isinstance(row.get("judges"), str):
        judges = []
        for item in filter(None, (part.strip() for part in row["judges"].split(";"))):
            who, _, role = item.partition(":")
            who = who.strip()
            try:
                judge_id: Any = uuid.UUID(who)
            except ValueError:
                judge_id = session.scalar(sa.select(Judge.id).where(Judge.municipality_id == municipality.id,
                                                                    Judge.full_name == " ".join(who.split())))
                if judge_id is None:
                    raise Invalid.for_field("judges", "judge_not_found") from None
            judges.append({"judge_id": str(judge_id), **({"role": role.strip()} if role.strip() else {})})
        row["judges"] = judges
    if isinstance(row.get("parties"), str):
        parties = []
        for item in filter(None, (part.strip() for part in row["parties"].split(";"))):
            role, _, kind = item.partition(":")
            parties.append({"role": role.strip(), **({"kind": kind.strip()} if kind.strip() else {})})
        row["parties"] = parties
    return row


def _error_line(line: int, exc: Exception, language: str) -> ImportLine:
    if isinstance(exc, ValidationError):
        detail = validation_details(exc, language)[0]
        return ImportLine(line=line, status="error", field=detail.get("field"), code=detail["code"],
                          message=detail["message"])
    if isinstance(exc, AppError):
        details = exc.rendered_details(language)
        field = details[0].get("field") if details else None
        return ImportLine(line=line, status="error", field=field, code=exc.code, message=exc.message(language))
    raise exc


def import_batch(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                 content_type: str, data: bytes, language: str) -> ImportReport:
    """Each line in its own savepoint: a line in error loses nothing accepted before or after it. A ruling
    already there (same project, court, case number, kind and date) with the same canonical text is a
    duplicate; with another text, a new original version of it."""
    project: AuditProject = service.get_project(session, municipality, project_id)
    service.require_team(session, project, actor, *service.IMPORTERS)
    if content_type == "text/csv":
        rows = _rows_csv(data)
    elif content_type == "application/json":
        rows = _rows_json(data)
    else:
        rows = _rows_jsonl(data)
    if len(rows) > MAX_BATCH_LINES:
        raise Invalid("import_too_many_lines", lines=len(rows), limit=MAX_BATCH_LINES)
    source = {"text/csv": TextSource.csv, "application/json": TextSource.text}.get(content_type, TextSource.jsonl)
    lines: list[ImportLine] = []
    for number, row in rows:
        try:
            if isinstance(row, AppError):
                raise row
            with session.begin_nested():
                lines.append(_import_row(session, actor, municipality, project, number, row, source))
        except (AppError, ValidationError) as exc:
            lines.append(_error_line(number, exc, language))
    return ImportReport(accepted=sum(1 for line in lines if line.status == "accepted"),
                        duplicates=sum(1 for line in lines if line.status == "duplicate"),
                        new_versions=sum(1 for line in lines if line.status == "new_version"),
                        errors=sum(1 for line in lines if line.status == "error"), lines=lines)


def _import_row(session: Session, actor: Actor, municipality: Municipality, project: AuditProject, number: int,
                row: dict[str, Any], source: TextSource) -> ImportLine:
    data = RulingCreate.model_validate(_resolve_names(session, municipality, row))
    if data.text is None:
        raise Invalid.for_field("text", "ruling_text_empty")
    existing = records.find_existing(session, project, data)
    if existing is not None:
        latest = service.latest_text(session, existing.id, TextKind.original)
        if latest is not None and latest.sha256 == sha256(canonical(data.text)):
            return ImportLine(line=number, status="duplicate", ruling_id=existing.id)
        records.add_original(session, actor=actor, municipality=municipality, ruling_id=existing.id,
                             text=data.text, source=source)
        return ImportLine(line=number, status="new_version", ruling_id=existing.id)
    ruling, created = records.create_ruling(session, actor=actor, municipality=municipality, project=project,
                                            data=data, text=data.text, source=source)
    return ImportLine(line=number, status="accepted" if created else "duplicate", ruling_id=ruling.id)
