"""Open311 reads, mapped onto the complaints domain: who is calling, which municipality, its services (complaint
categories) and its service requests (complaints) as the public may see them.

The jurisdiction is the municipality code (`jurisdiction_id=10005`). It may be left out when the server holds one
municipality, or when the api_key's account has roles in exactly one. The list and single-request queries read
the complaints tables directly (read-only): the complaints service has no query by folio, date range or Open311
status, and building each answer through its full public view would cost four queries per request.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth import service as auth
from server.auth.actor import ANONYMOUS, Actor
from server.auth.service import WriteDue  # noqa: F401  (re-exported for the routes)
from server.complaints import service as complaints
from server.complaints import triage, workflow
from server.complaints.models import Category, Complaint
from server.complaints.schemas import ComplaintPublic
from server.complaints.service import public_views
from server.complaints.workflow import State
from server.errors import AppError, BadRequest, Forbidden, NotFound, Unauthorized
from server.i18n import N_, Language, translate
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.open311.models import (
    LIST_DATATYPES,
    Attribute,
    AttributeValue,
    Service,
    ServiceDefinition,
    ServiceRequest,
    TokenAnswer,
)

MAX_RESULTS = 1000  # the specification's default limit: 1000 requests or 90 days, whichever is smaller
MAX_SPAN = timedelta(days=90)
MAX_DESCRIPTION = 4000  # request.json's maxLength for description
PHOTO_SIZE = "1280"  # the public copy linked as media_url


def agency(municipality: Municipality) -> str:
    return f"Contraloría Municipal de {municipality.name}"


# ------------------------------------------------------------------------------------------------ caller


def client(session: Session, *, api_key: str | None, required: bool, read_only: bool = False) -> Actor:
    """The client application behind an api_key (a Vigía token). A wrong, expired or revoked key is a 403, as
    Open311 clients expect; so is a missing one where it is required (POST). `read_only`: see
    server.auth.service.authenticate (WriteDue when the key's last use is due to be written)."""
    if not api_key:
        if required:
            raise Forbidden("open311_api_key_required")
        return ANONYMOUS
    try:
        return auth.authenticate(session, token=api_key, read_only=read_only)
    except Unauthorized as error:
        cause = {"token_expired": "expired", "token_revoked": "revoked", "account_disabled": "revoked"}
        raise Forbidden(f"open311_api_key_{cause.get(error.code, 'invalid')}") from None


def jurisdiction(session: Session, *, jurisdiction_id: str | None, caller: Actor) -> Municipality:
    """The municipality asked for; without jurisdiction_id, the only one there is, or the only one where the
    api_key's account holds a role. Otherwise 400: a server with many municipalities cannot guess."""
    if jurisdiction_id:
        return municipalities.get_by_code(session, jurisdiction_id.strip()[:40])
    only = session.scalars(sa.select(Municipality).order_by(Municipality.code).limit(2)).all()
    if len(only) == 1:
        return only[0]
    if caller.is_authenticated and len(caller.roles) == 1:
        (municipality_id,) = caller.roles
        found = session.get(Municipality, municipality_id)
        if found is not None:
            return found
    raise BadRequest("open311_jurisdiction_required", example=only[0].code if only else "10005")


# ------------------------------------------------------------------------------------------------ services


def services(session: Session, *, municipality: Municipality, language: Language) -> list[Service]:
    return [
        Service(
            service_code=category.service_code,
            service_name=_category_name(category, language),
            description=category.description,
            metadata=bool(category.attributes),
            keywords=", ".join(category.keywords) if category.keywords else None,
            group=category.group,
        )
        for category in triage.categories(session, municipality=municipality)
    ]


def category(session: Session, *, municipality: Municipality, service_code: str) -> Category:
    """The active category with that service code, or 404 (a service that does not exist here)."""
    try:
        return complaints.category_by_code(session, municipality, service_code, field="service_code")
    except AppError as error:
        raise NotFound("unknown_category", code=service_code) from error


def definition(session: Session, *, municipality: Municipality, service_code: str) -> ServiceDefinition:
    found = category(session, municipality=municipality, service_code=service_code)
    attributes = []
    for position, item in enumerate(sorted(found.attributes, key=lambda a: a.get("order") or 0), start=1):
        datatype = item.get("datatype", "string")
        values = None
        if datatype in LIST_DATATYPES:
            values = [AttributeValue(key=str(v["key"]), name=str(v.get("name", v["key"])))
                      for v in item.get("values", [])]
        attributes.append(Attribute(
            variable=bool(item.get("variable", True)), code=item["code"], datatype=datatype,
            required=bool(item.get("required", False)), datatype_description=item.get("datatype_description"),
            order=item.get("order") or position, description=item.get("description"), values=values,
        ))
    return ServiceDefinition(service_code=found.service_code, attributes=attributes)


def _category_name(category: Category, language: Language) -> str:
    return (category.name_en or category.name) if language == "en" else category.name


# ------------------------------------------------------------------------------------------------ requests


def _id_condition(request_id: str) -> Any:
    """A folio (what people quote) or the complaint's UUID."""
    try:
        return Complaint.id == uuid.UUID(request_id)
    except ValueError:
        return Complaint.folio == request_id


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_instant(value: str, zone: ZoneInfo, *, end: bool = False) -> datetime:
    """ISO 8601; a date alone is that day in the municipality (its start, or its end for end_date); a time
    without offset is the municipality's. A '+' the client did not encode arrives as a space: put it back."""
    text = value.strip()
    if len(text) > 19 and text[-6] == " " and text[-5:-3].isdigit():
        text = text[:-6] + "+" + text[-5:]
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=zone)
            return moment - timedelta(microseconds=1) if end else moment
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest("invalid_instant", value=value[:40]) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _window(params: dict[str, str | None], zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    start = parse_instant(params["start_date"], zone) if params.get("start_date") else None
    end = parse_instant(params["end_date"], zone, end=True) if params.get("end_date") else None
    if start is None and end is None:
        return now - MAX_SPAN, now
    if start is None:
        start = end - MAX_SPAN  # type: ignore[operator]
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise BadRequest("open311_end_before_start")
    if end - start > MAX_SPAN + timedelta(days=1):  # a whole last day counts as within 90 days
        raise BadRequest("open311_range_too_long", days=MAX_SPAN.days)
    return start, end


def _statuses(values: list[str]) -> set[State]:
    states: set[State] = set()
    for value in values:
        if value.lower() == "open":
            states |= workflow.OPEN_STATES
        elif value.lower() == "closed":
            states |= workflow.CLOSED_STATES
        else:
            raise BadRequest("open311_status_unknown", value=value[:40])
    return states


def list_requests(session: Session, *, municipality: Municipality, params: dict[str, str | None],
                  language: Language, base_url: str) -> list[ServiceRequest]:
    """GET requests: by service_request_id (comma-separated folios or UUIDs; overrides every other filter), or
    by service_code, status and requested_datetime between start_date and end_date (the last 90 days by
    default, at most 90 days), newest first, at most 1000."""
    conditions: list[Any] = [Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None)]
    ids = _split(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_RESULTS:
            raise BadRequest("open311_too_many_ids", max=MAX_RESULTS)
        conditions.append(sa.or_(*[_id_condition(value) for value in ids]))
    else:
        zone = ZoneInfo(municipality.timezone)
        start, end = _window(params, zone, datetime.now(timezone.utc))
        conditions += [Complaint.created_at >= start, Complaint.created_at <= end]
        codes = _split(params.get("service_code"))
        if codes:
            conditions.append(Complaint.category_id.in_(
                sa.select(Category.id).where(Category.municipality_id == municipality.id,
                                             Category.service_code.in_(codes))))
        states = _statuses(_split(params.get("status")))
        if states:
            conditions.append(Complaint.state.in_(sorted(state.value for state in states)))
    rows = session.scalars(
        sa.select(Complaint).where(*conditions)
        .order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(MAX_RESULTS)
    ).all()
    return views(session, municipality=municipality, complaints=list(rows), language=language, base_url=base_url)


def find(session: Session, *, municipality: Municipality, request_id: str) -> Complaint:
    complaint = session.scalar(
        sa.select(Complaint).where(Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None),
                                   _id_condition(request_id.strip()))
    )
    if complaint is None:
        raise NotFound("open311_request_not_found", id=request_id[:60])
    return complaint


def get_request(session: Session, *, municipality: Municipality, request_id: str, language: Language,
                base_url: str) -> ServiceRequest:
    complaint = find(session, municipality=municipality, request_id=request_id)
    return views(session, municipality=municipality, complaints=[complaint], language=language,
                 base_url=base_url)[0]


def token(session: Session, *, municipality: Municipality, token_id: str) -> TokenAnswer:
    """Vigía answers a POST with the folio at once, so a token is the folio (or the UUID) itself."""
    complaint = find(session, municipality=municipality, request_id=token_id)
    return TokenAnswer(service_request_id=complaint.folio, token=token_id.strip())


# ------------------------------------------------------------------------------------------------ views


def views(session: Session, *, municipality: Municipality, complaints: list[Complaint], language: Language,
          base_url: str) -> list[ServiceRequest]:
    """Complaints as Open311 service requests: each built from the complaints' public view (the publication
    policy, docs/privacy.md: text and photos once moderated, the point rounded, no address, only category, zone,
    state and dates of a denuncia or a confidential complaint), with a constant number of queries (plus one per
    photo tried)."""
    if not complaints:
        return []
    public = public_views(session, complaints, municipality=municipality, language=language)
    zone = ZoneInfo(municipality.timezone)
    return [_view(session, c, view, municipality, zone, language, base_url)
            for c, view in zip(complaints, public, strict=True)]


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone).replace(microsecond=0) if moment is not None else None


def _view(session: Session, complaint: Complaint, view: ComplaintPublic, municipality: Municipality,
          zone: ZoneInfo, language: Language, base_url: str) -> ServiceRequest:
    state = State(view.state)
    status = workflow.open311_status(state)
    coordinates = view.location["coordinates"] if view.location else None
    updated = complaint.updated_at
    if status == "closed":  # the specification: for closed requests, when it was closed
        updated = complaint.closed_at or complaint.resolved_at or complaint.updated_at
    description = view.description
    if description is not None and len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1] + "…"
    expected = datetime.combine(view.due_on, time(23, 59, 59), tzinfo=zone)
    return ServiceRequest(
        service_request_id=view.folio,
        status=status,  # type: ignore[arg-type]
        status_notes=status_notes(view, language),
        service_name=view.category_name,
        service_code=view.category,
        description=description,
        agency_responsible=agency(municipality),
        service_notice=_notice(complaint, municipality, language),
        requested_datetime=_local(view.created_at, zone),  # type: ignore[arg-type]
        updated_datetime=_local(updated, zone),
        expected_datetime=expected,
        address=view.address,  # never public (docs/privacy.md): always null here
        address_id=None,
        zipcode=None,
        lat=coordinates[1] if coordinates else None,
        long=coordinates[0] if coordinates else None,
        media_url=_media_url(session, municipality, view.photos, base_url),
    )


def status_notes(view: ComplaintPublic, language: Language) -> str:
    """The state in Vigía's words (eleven states behind Open311's two), the outcome once resolved, and the
    latest public answer (none for a denuncia or a confidential complaint): "Resuelta (fundada). Se instruyó…"."""
    text = workflow.label(State(view.state), language)
    if view.outcome:
        text += " (" + translate(f"open311_outcome_{view.outcome.value}", language) + ")"
    if view.public_answer:
        text += ". " + view.public_answer
    return text


def _notice(complaint: Complaint, municipality: Municipality, language: Language) -> str | None:
    state = State(complaint.state)
    if state == State.needs_clarification:
        return translate("open311_notice_clarification", language)
    if state in workflow.RUNNING_STATES:
        return translate("open311_notice_due", language, agency=agency(municipality),
                         due=complaint.due_on.isoformat())
    return None


def _media_url(session: Session, municipality: Municipality, photo_ids: list[uuid.UUID],
               base_url: str) -> str | None:
    """The first published photo's public copy (1280 px, else the largest), once made: it has no metadata and
    shows the moderators' black boxes. Never the original, never an unpublished photo, never a media_url a client
    sent. `photo_ids` come from the public view, which lists only published photos."""
    from server.media import service as media

    for photo_id in photo_ids:
        shown = media.public(media.get(session, municipality=municipality, photo_id=photo_id),
                             municipality=municipality)
        if shown.variants:
            chosen = shown.variants.get(PHOTO_SIZE) or shown.variants[max(shown.variants, key=int)]
            return base_url.rstrip("/") + chosen.url
    return None


# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("open311_api_key_expired"), N_("open311_api_key_invalid"), N_("open311_api_key_revoked"),
    N_("open311_outcome_not_upheld"), N_("open311_outcome_upheld"),
)
