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
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor
from server.complaints import service
from server.complaints.models import Category, Complaint, Kind
from server.complaints.schemas import ComplaintCreate, Filed
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


# Follow-up codes (docs/complaints.md, "Following a complaint"): 9 symbols of Crockford's base32 without 0 and 1
# (Crockford already leaves out I, L, O and U), so nothing reads two ways: 30⁹ ≈ 2⁴⁴ codes. Shown in groups of
# three ("K7Q-M4P-X9D"); read in any case, with or without dashes or spaces. Codes issued before (12 characters
# of base64url, case-sensitive) keep working: they are checked as they were typed.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 9
_SEPARATORS = str.maketrans("", "", " -\u2010\u2011\u2012\u2013\u2014\u2212_.")


def grouped(code: str) -> str:
    """"K7QM4PX9D" as people read it: "K7Q-M4P-X9D"."""
    return "-".join(code[i:i + 3] for i in range(0, len(code), 3))


def new_code() -> str:
    """A random follow-up code (a complaint filed without an id, or by a filer nobody can recognise again)."""
    return grouped("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def canonical_code(typed: str) -> str | None:
    """The code someone typed, as it is stored (upper case, no dashes or spaces), or None if it cannot be one of
    today's codes (it may still be a code issued before: see `candidates`)."""
    bare = typed.translate(_SEPARATORS).upper()
    if len(bare) == CODE_LENGTH and all(char in CODE_ALPHABET for char in bare):
        return bare
    return None


def candidates(typed: str) -> list[str]:
    """The forms of a typed code to check against a complaint's stored digest: today's (canonical) and the text
    exactly as typed, without surrounding spaces (a code issued in the old format, which is case-sensitive)."""
    found = [code for code in (canonical_code(typed), typed.strip()) if code]
    return list(dict.fromkeys(found))


FOLLOW_UP_PAGE = "/seguimiento"


def follow_up_page(municipality: Municipality, folio: str, code: str) -> str:
    """The app's follow-up page, relative to the site, with folio and code in the URL's fragment: browsers never
    send a fragment to any server, so the code never reaches a log; the page's script posts it to the API."""
    return f"{FOLLOW_UP_PAGE}#{urlencode({'municipio': municipality.code, 'folio': folio, 'codigo': code})}"


def _filer_digest(complaint_id: uuid.UUID, filer: str) -> bytes:
    key = hashlib.sha256(b"vigia-follow-up-code:" + get_settings().secret_key.encode()).digest()
    return hmac.new(key, complaint_id.bytes + b"\x1f" + filer.encode(), hashlib.sha256).digest()


def follow_up_code(complaint_id: uuid.UUID, filer: str) -> str:
    """The secret follow-up code of an anonymous complaint whose filer is known: a keyed hash of the complaint
    and its filer (the device, or the device's secret key), so the filer's own resend or replay shows the same
    code without the server storing it, and nobody else can get it: neither the complaint's public fields nor
    its id are enough without the filer's device and the server's key. Grouped, as it is shown."""
    number = int.from_bytes(_filer_digest(complaint_id, filer)[:16], "big")  # 2¹²⁸ ≫ 30⁹: no visible bias
    symbols = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        symbols.append(CODE_ALPHABET[digit])
    return grouped("".join(symbols))


def legacy_follow_up_code(complaint_id: uuid.UUID, filer: str) -> str:
    """The same code in the format issued before (12 characters of base64url), for complaints filed then."""
    return base64.urlsafe_b64encode(_filer_digest(complaint_id, filer)[:9]).decode("ascii")


def filer_code(complaint: Complaint, filer: str) -> str | None:
    """The follow-up code that is this filer's for an anonymous complaint, in the format it was issued in (today's
    or the old one), or None if the complaint's code is not theirs."""
    if complaint.follow_up_digest is None:
        return None
    for code in (follow_up_code(complaint.id, filer), legacy_follow_up_code(complaint.id, filer)):
        if code_matches(complaint, code):
            return code
    return None


def follow_up_digest(folio: str, code: str) -> str:
    """What is stored for an anonymous reporter's secret code: a keyed hash, bound to the folio."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{folio}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(complaint: Complaint, typed: str) -> bool:
    """Whether `typed` is the complaint's follow-up code, in either format (compared in constant time)."""
    expected = complaint.follow_up_digest
    if expected is None:
        return False
    matches = [secrets.compare_digest(expected, follow_up_digest(complaint.folio, code))
               for code in candidates(typed)]
    return any(matches)


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
            and existing.anonymous == data.anonymous and existing.confidential == data.confidential)


def resent(session: Session, existing: Complaint, data: ComplaintCreate, actor: Actor,
           municipality: Municipality, filer: str | None) -> Filed:
    """A complaint id that is already filed. Its own filer's resend of the same content is answered as the
    first time (the follow-up code included: it is theirs). Anyone else, or other content, is `409
    complaint_id_taken`: ids are public, so knowing one proves nothing."""
    code = resent_code(session, existing, data, actor, municipality, filer)
    view = service.reporter_view(session, existing, municipality=municipality, language="es")
    return Filed(complaint=view, follow_up_code=code, created=False,
                 follow_up_url=follow_up_page(municipality, existing.folio, code) if code else None)


def resent_code(session: Session, existing: Complaint, data: ComplaintCreate, actor: Actor,
                municipality: Municipality, filer: str | None) -> str | None:
    """`resent` without its answer: the follow-up code to show again (None for a signed-in reporter), or `409
    complaint_id_taken`."""
    same = _same_content(session, existing, data, municipality)
    code = None
    if same and existing.anonymous:
        code = filer_code(existing, filer) if filer else None
        same = code is not None
    elif same:  # the account is the reporter: its own resend, from any of its devices, reveals nothing
        same = actor.is_authenticated and existing.reporter_id == actor.user_id
    if not same:
        raise Conflict("complaint_id_taken")
    return code
