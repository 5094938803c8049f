"""A complaint filed again with the id it already has: who filed it, and the follow-up code that is theirs.

Complaint ids are public (every public view shows them), so an id proves nothing. A resend is answered as the
first filing only when it comes from the same *filer* with the same content: the same signed-in device (or, for a
complaint that is not anonymous, the same account), the same secret device key of an anonymous phone without an
account, the same Open311 client and device. Anything else is `409 complaint_id_taken`. The follow-up code of
an anonymous complaint whose filer is known is a keyed hash of the complaint and the filer, so the filer's own
replays show it again without the server storing it, and nobody else can obtain it (docs/complaints.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import uuid

from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor
from server.complaints import service
from server.complaints.models import Category, Complaint, ComplaintCreate, Filed, Kind
from server.config import get_settings
from server.errors import Conflict
from server.municipalities.models import Municipality


def device_filer(device_id: uuid.UUID) -> str:
    """The filer a signed-in device is (server.sync answers its replays with the code this gives)."""
    return f"device:{device_id}"


def filer(actor: Actor, data: ComplaintCreate, established: str | None) -> str | None:
    """Who files, as far as a resend can be recognised as theirs: the filer the caller established (Open311:
    the client application and the citizen's device), else the signed-in device, else the secret key an
    anonymous phone sent. None: nobody could prove a resend is theirs."""
    if established:
        return established
    if actor.is_authenticated and actor.device_id is not None:
        return device_filer(actor.device_id)
    if data.device_key:
        return "key:" + data.device_key
    return None


def follow_up_code(complaint_id: uuid.UUID, filer: str) -> str:
    """The secret follow-up code of an anonymous complaint whose filer is known: a keyed hash of the complaint
    and its filer (the device, or the device's secret key), so the filer's own resend or replay shows the same
    code without the server storing it, and nobody else can get it: neither the complaint's public fields nor
    its id are enough without the filer's device and the server's key."""
    key = hashlib.sha256(b"vigia-follow-up-code:" + get_settings().secret_key.encode()).digest()
    digest = hmac.new(key, complaint_id.bytes + b"\x1f" + filer.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode("ascii")


def _same_content(session: Session, existing: Complaint, data: ComplaintCreate,
                  municipality: Municipality) -> bool:
    """What a resend repeats exactly: the municipality, kind, category, text, point, work and anonymity."""
    if existing.municipality_id != municipality.id or existing.deleted_at is not None:
        return False
    category = session.get(Category, existing.category_id)
    point = geo.to_geojson(existing.location) or {}
    sent = data.location.coordinates
    stored = point.get("coordinates") or []
    same_point = len(stored) >= 2 and all(math.isclose(a, b, abs_tol=1e-9)
                                          for a, b in zip(stored[:2], sent[:2], strict=True))
    return (Kind(existing.kind) == data.kind and category is not None and category.service_code == data.category
            and existing.description == data.description and same_point and existing.work_id == data.work_id
            and existing.anonymous == data.anonymous)


def resent(session: Session, existing: Complaint, data: ComplaintCreate, actor: Actor,
           municipality: Municipality, filer: str | None) -> Filed:
    """A complaint id that is already filed. Its own filer's resend of the same content is answered as the
    first time (the follow-up code included: it is theirs). Anyone else, or other content, is `409
    complaint_id_taken`: ids are public, so knowing one proves nothing."""
    same = _same_content(session, existing, data, municipality)
    code = None
    if same and existing.anonymous:
        code = follow_up_code(existing.id, filer) if filer else None
        same = (code is not None and existing.follow_up_digest is not None
                and secrets.compare_digest(existing.follow_up_digest, service.follow_up_digest(existing.folio, code)))
    elif same:  # the account is the reporter: its own resend, from any of its devices, reveals nothing
        same = actor.is_authenticated and existing.reporter_id == actor.user_id
    if not same:
        raise Conflict("complaint_id_taken")
    view = service.public_view(session, existing, municipality=municipality, language="es")
    return Filed(complaint=view, follow_up_code=code, created=False)
