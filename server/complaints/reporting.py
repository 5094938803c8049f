"""The reporter's side of a complaint once it is filed, their follow-up: reaching it by folio and secret code
(each try counted against guessing) or by a signed link, reading the answers, adding information, correcting the
description, withdrawing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import i18n, limits
from server.auth.actor import Actor
from server.complaints import deadlines, filings, intake, service
from server.complaints.models import Complaint, ComplaintUpdate
from server.complaints.schemas import InformationCreate
from server.complaints.workflow import State
from server.config import get_settings
from server.db import utcnow
from server.errors import AppError, Conflict, Forbidden, NotFound
from server.municipalities.models import Municipality

FOLLOW_UP_LIMITED = i18n.N_("follow_up_rate_limited")


def claim_follow_up(session: Session, *, municipality_code: str, folio: str, client: str | None) -> limits.Claim:
    """Count one attempt at a folio's secret code before it is checked, per client address and per folio
    (FOLLOW_UP_MAX_FAILURES_PER_ADDRESS / _PER_FOLIO in each FOLLOW_UP_WINDOW_MINUTES); past either limit it is
    `429 follow_up_rate_limited` with `Retry-After`. Commit it before the code is checked, and refund it
    (`limits.refund`) in the transaction of a look-up that succeeded: only wrong codes use the limits up."""
    settings = get_settings()
    window = settings.follow_up_window_minutes * 60
    checks = []
    if client:
        checks.append((limits.Rule("follow-up:address", settings.follow_up_max_failures_per_address, window,
                                   FOLLOW_UP_LIMITED), client))
    checks.append((limits.Rule("follow-up:folio", settings.follow_up_max_failures_per_folio, window,
                               FOLLOW_UP_LIMITED), f"{municipality_code}:{folio.strip().upper()}"))
    return limits.claim(session, checks)


def by_follow_up(session: Session, *, municipality: Municipality, folio: str, code: str) -> Complaint:
    """An anonymous reporter's complaint, by folio and secret code (a wrong code looks like a wrong folio). The
    code is read in any case, with or without dashes or spaces; a code issued in the old format as it was issued
    (server.complaints.filings)."""
    complaint = session.scalar(
        sa.select(Complaint).where(Complaint.municipality_id == municipality.id, Complaint.folio == folio.strip())
    )
    if complaint is None or not filings.code_matches(complaint, code):
        raise NotFound("follow_up_not_found")
    return complaint


# A follow-up that opens from a link (docs/complaints.md): the app's page takes folio and code in the URL's
# fragment, which browsers never send to a server (filings.follow_up_page); or the API signs a link that holds no
# code at all and expires.
FOLLOW_UP_LINK_DAYS = 7


def _link_mac(municipality: Municipality, complaint: Complaint, expires: int) -> str:
    """Bound to the complaint's current code (its digest): the link dies with the code, and only this server can
    make one."""
    key = hashlib.sha256(b"vigia-follow-up-link:" + get_settings().secret_key.encode()).digest()
    message = f"{municipality.code}\x1f{complaint.folio}\x1f{expires}\x1f{complaint.follow_up_digest}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()[:18]).decode("ascii")


def follow_up_link(session: Session, *, municipality: Municipality, folio: str, code: str,
                   now: datetime | None = None) -> tuple[str, datetime]:
    """A signed token for `GET …/complaints/follow-up/{token}`, valid FOLLOW_UP_LINK_DAYS, for the complaint
    whose folio and code are given (checked as `by_follow_up` does); (token, expires_at)."""
    complaint = by_follow_up(session, municipality=municipality, folio=folio, code=code)
    expires_at = (now or utcnow()).replace(microsecond=0) + timedelta(days=FOLLOW_UP_LINK_DAYS)
    expires = int(expires_at.timestamp())
    return f"{complaint.folio}.{expires}.{_link_mac(municipality, complaint, expires)}", expires_at


def by_follow_up_link(session: Session, *, municipality: Municipality, token: str,
                      now: datetime | None = None) -> Complaint:
    """The complaint a signed follow-up link names: 404 follow_up_link_invalid when it was not made here for this
    complaint's current code (forged, cut short, another municipality's), 410 follow_up_link_expired after its
    time."""
    folio, _, rest = token.partition(".")
    expires_text, _, mac = rest.partition(".")
    complaint = session.scalar(
        sa.select(Complaint).where(Complaint.municipality_id == municipality.id, Complaint.folio == folio)
    ) if folio and expires_text.isdigit() and len(expires_text) <= 12 else None
    if complaint is None or complaint.follow_up_digest is None or not secrets.compare_digest(
            _link_mac(municipality, complaint, int(expires_text)), mac):
        raise NotFound("follow_up_link_invalid")
    expires_at = datetime.fromtimestamp(int(expires_text), timezone.utc)
    if expires_at <= (now or utcnow()):
        raise AppError("follow_up_link_expired", status=410, days=FOLLOW_UP_LINK_DAYS)
    return complaint


def reporters_complaint(session: Session, *, actor: Actor, municipality: Municipality,
                        complaint_id: uuid.UUID | None, folio: str | None, code: str | None) -> Complaint:
    if folio and code:
        return by_follow_up(session, municipality=municipality, folio=folio, code=code)
    if complaint_id is None or not actor.is_authenticated:
        raise Forbidden("not_the_reporter")
    complaint = service.get(session, municipality=municipality, complaint_id=complaint_id)
    if complaint.reporter_id != actor.user_id:
        raise Forbidden("not_the_reporter")
    return complaint


def add_information(session: Session, *, actor: Actor, municipality: Municipality,
                    complaint_id: uuid.UUID | None, data: InformationCreate) -> Complaint:
    """The reporter adds information (and photos). It answers a request for clarification, which puts the
    complaint back in the queue with a fresh term; after the resolution it stays a note, never an overwrite."""
    complaint = reporters_complaint(session, actor=actor, municipality=municipality, complaint_id=complaint_id,
                                    folio=data.folio, code=data.code)
    if State(complaint.state) == State.withdrawn:
        raise Conflict("complaint_not_open")
    intake.attach_photos(session, municipality, complaint, data.photo_ids)
    session.add(ComplaintUpdate(complaint_id=complaint.id, kind="information", text=data.text, by_reporter=True))
    if State(complaint.state) == State.needs_clarification:
        today = service.today_in(municipality)
        complaint.state = State.received
        complaint.clarification_due_on = None
        complaint.due_on = deadlines.add_business_days(session, municipality, today,
                                                       deadlines.term_for(session, municipality, complaint.kind))
        session.add(ComplaintUpdate(complaint_id=complaint.id, kind="transition",
                                    from_state=State.needs_clarification.value, to_state=State.received.value,
                                    by_reporter=True))
    complaint.updated_at = utcnow()
    complaint.version += 1
    service.record(session, complaint, "information_added", None, by="reporter", data={
        "state": State(complaint.state).value, "text_hmac": service.commit_text(data.text),
        "photos": [str(p) for p in data.photo_ids]})
    return complaint


def edit_description(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
                     description: str, base_version: int) -> tuple[Complaint, bool]:
    """The reporter corrects what they wrote: (complaint, True) while the complaint is still `received` and
    unchanged since `base_version`. Once it moved on (officials own it from then on), or someone changed it
    meanwhile, the new text is kept as information on the complaint instead: (complaint, False). Never an
    overwrite of the officials' work, never a lost write."""
    complaint = reporters_complaint(session, actor=actor, municipality=municipality, complaint_id=complaint_id,
                                    folio=None, code=None)
    if State(complaint.state) == State.received and complaint.version == base_version:
        if complaint.description != description:
            complaint.description = description
            complaint.updated_at = utcnow()
            complaint.version += 1
            service.record(session, complaint, "description_edited", None, by="reporter",
                           data={"description_hmac": service.commit_text(description)})
        return complaint, True
    if State(complaint.state) == State.withdrawn:
        raise Conflict("complaint_not_open")
    add_information(session, actor=actor, municipality=municipality, complaint_id=complaint.id,
                    data=InformationCreate(complaint_id=complaint.id, text=description))
    return complaint, False


def withdraw(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID | None,
             folio: str | None, code: str | None, reason: str) -> Complaint:
    from server.complaints import workflow

    complaint = reporters_complaint(session, actor=actor, municipality=municipality, complaint_id=complaint_id,
                                    folio=folio, code=code)
    current = State(complaint.state)
    if not workflow.allowed(current, State.withdrawn, workflow.REPORTER):
        raise AppError("transition_to_same_state" if current == State.withdrawn else "transition_not_allowed",
                       status=409, current=i18n.term(f"complaint_is_{current.value}"),
                       target=i18n.term("complaint_to_withdrawn"))
    complaint.state = State.withdrawn
    complaint.closed_at = utcnow()
    complaint.version += 1
    session.add(ComplaintUpdate(complaint_id=complaint.id, kind="transition", from_state=current.value,
                                to_state=State.withdrawn.value, by_reporter=True))
    service.record(session, complaint, "transitioned", None, by="reporter", data={
        "from": current.value, "to": State.withdrawn.value, "by": "reporter",
        "reason_hmac": service.commit_text(reason)})
    return complaint
