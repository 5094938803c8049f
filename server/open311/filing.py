"""POST requests: an Open311 form becomes a complaint filed through the complaints intake (source "open311").

- The api_key identifies the client application, not the citizen: the complaint is filed anonymously, and the
  follow-up code intake returns goes into the receipt's service_notice (the only channel to the person).
- email, first_name, last_name and phone become the complaint's private contact (only the comptroller sees it).
- A location is a point inside the municipality (lat and long): Vigía does not geocode addresses, so an
  address_string alone is refused; with coordinates it is kept as the complaint's address.
- media_url is kept as a private reference (`open311_submissions`), never downloaded nor published; a photo sent
  as the multipart file `media` is stored like any other complaint photo.
- Repeats: the same client application (the api_key's device) sending the same device_id and description within
  10 to 20 minutes gets the first folio back. The complaint id is derived from them with a keyed hash (so it
  reveals nothing and nothing more is stored), and intake files one complaint per id.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import uuid
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from server.auth.actor import ANONYMOUS, Actor
from server.complaints import intake
from server.complaints import service as complaints
from server.complaints.models import Category, Kind
from server.complaints.schemas import ComplaintCreate
from server.config import get_settings
from server.errors import Invalid, NotFound, validation_details
from server.i18n import Language, translate
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.open311 import service
from server.open311.models import LIST_DATATYPES, Filing, Receipt, Submission, SubmissionForm

REPEAT_WINDOW_SECONDS = 600
MIN_DESCRIPTION = 10  # what the complaints intake asks for
MAX_TEXT = {"address_string": 500, "device_id": 200, "account_id": 200, "media_url": 2000, "first_name": 100,
            "last_name": 100, "email": 254, "phone": 40}
def file(session: Session, *, caller: Actor, municipality: Municipality, form: SubmissionForm,
         language: Language) -> Filing:
    for name, limit in MAX_TEXT.items():
        value = getattr(form, name)
        if value is not None and len(value) > limit:
            raise Invalid.for_field(name, "open311_too_long", parameter=name, max=limit)
    if not form.service_code:
        raise Invalid.for_field("service_code", "open311_service_code_required")
    try:
        category = service.category(session, municipality=municipality, service_code=form.service_code)
    except NotFound:  # a bad parameter of the form: 400, as for any other (GET services/{code} answers 404)
        raise Invalid.for_field("service_code", "unknown_category", code=form.service_code) from None
    lon, lat = _location(form)
    description = (form.description or "").strip()
    if len(description) < MIN_DESCRIPTION:
        raise Invalid.for_field("description", "open311_description_required", min=MIN_DESCRIPTION)
    if len(description) > service.MAX_DESCRIPTION:
        raise Invalid.for_field("description", "open311_too_long", parameter="description",
                                max=service.MAX_DESCRIPTION)
    media_url = _media_url(form.media_url)
    sent = dict(form.attributes)
    confidential = _confidential(category, sent)
    try:
        data = ComplaintCreate(
            id=_repeat_id(session, municipality, caller, form.device_id, description),
            kind=Kind.complaint, category=category.service_code, description=description,
            location={"type": "Point", "coordinates": [lon, lat]}, address=(form.address_string or "").strip() or None,
            attributes=_attributes(category, sent), anonymous=True, contact=_contact(form),
            confidential=confidential,
        )
    except ValidationError as error:
        raise _invalid(error) from None
    if form.media:
        from server.media import service as media

        # Checked before the photo is kept, so a request refused for its location leaves no file behind.
        municipalities.check_point(municipality, lon=lon, lat=lat, field="location")
        stored = media.store(session, actor=ANONYMOUS, municipality=municipality, data=form.media)
        data = data.model_copy(update={"photo_ids": [stored.photo.id]})
    # The reporter is anonymous: intake must not tie the complaint to the client application's account. The
    # filer of a repeat is the same client application and citizen's device that derived its id.
    filer = f"open311:{caller.device_id}:{(form.device_id or '').strip()}" if data.id is not None else None
    filed = intake.file(session, actor=ANONYMOUS, municipality=municipality, data=data, source="open311",
                        filer=filer)
    folio = filed.complaint.folio
    if filed.created:
        session.add(Submission(complaint_id=filed.complaint.id, client_device_id=caller.device_id,
                               media_url=media_url))
        session.flush()
        notice = translate("open311_notice_filed", language, folio=folio, agency=service.agency(municipality),
                           due=filed.complaint.due_on.isoformat(), code=filed.follow_up_code)
    else:
        notice = translate("open311_notice_repeated", language, folio=folio)
    account_id = (form.account_id or "").strip() or None
    return Filing(Receipt(service_request_id=folio, service_notice=notice, account_id=account_id), filed.created)


def _number(name: str, value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value.strip())
    except ValueError:
        raise Invalid.for_field(name, "open311_not_a_number") from None
    if not math.isfinite(number):
        raise Invalid.for_field(name, "open311_not_a_number")
    return number


def _location(form: SubmissionForm) -> tuple[float, float]:
    lat, lon = _number("lat", form.lat), _number("long", form.long)
    if lat is None or lon is None:
        if form.address_string or form.address_id:
            raise Invalid.for_field("location", "open311_address_only")
        raise Invalid.for_field("location", "open311_location_required")
    return lon, lat


def _media_url(value: str | None) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    if not re.match(r"^https?://[^\s/]+\S*$", url):
        raise Invalid.for_field("media_url", "open311_media_url_invalid")
    return url


def _contact(form: SubmissionForm) -> dict[str, str | None] | None:
    name = " ".join(part.strip() for part in (form.first_name, form.last_name) if part and part.strip()) or None
    email = (form.email or "").strip() or None
    # Apps send phones as they were typed ("618.123.4567", "ext. 12"): keep the digits and the usual signs.
    phone = re.sub(r"\s+", " ", re.sub(r"[^0-9+() -]", " ", form.phone or "")).strip() or None
    if not (name or email or phone):
        return None
    return {"name": name, "email": email, "phone": phone}  # checked by ComplaintCreate (Contact)


CONFIDENTIAL = "confidential"
YES, NO = {"true", "1", "yes", "si", "sí"}, {"false", "0", "no"}


def _confidential(category: Category, sent: dict[str, list[str]]) -> bool:
    """`attribute[confidential]=true` (any category that does not define its own `confidential`): the reporter
    asks that only category, zone, state and dates be public (docs/privacy.md). Taken out of the attributes."""
    if any(item.get("code") == CONFIDENTIAL for item in category.attributes) or CONFIDENTIAL not in sent:
        return False
    given = [value.strip().lower() for value in sent.pop(CONFIDENTIAL) if value.strip()]
    if not given:
        return False
    if len(given) > 1 or given[0] not in YES | NO:
        raise Invalid.for_field(f"attributes.{CONFIDENTIAL}", "open311_confidential_value")
    return given[0] in YES


def _attributes(category: Category, sent: dict[str, list[str]]) -> dict[str, Any]:
    """attribute[code]=value (attribute[code][]=v, or the key repeated, for multivaluelist) as intake stores
    them; numbers and datetimes are checked here, lists and required ones by intake."""
    known = {item["code"]: item for item in category.attributes}
    values: dict[str, Any] = {}
    for code, given in sent.items():
        given = [value.strip() for value in given if value.strip()]
        if not given:
            continue
        attribute = known.get(code)
        if attribute is None:
            raise Invalid.for_field(f"attributes.{code}", "unknown_attribute", code=code)
        datatype = attribute.get("datatype", "string")
        if datatype == "multivaluelist":
            values[code] = given
        elif len(given) > 1:
            raise Invalid.for_field(f"attributes.{code}", "attribute_single_value", code=code)
        elif datatype == "number":
            values[code] = _attribute_number(code, given[0])
        elif datatype == "datetime":
            try:
                datetime.fromisoformat(given[0])
            except ValueError:
                raise Invalid.for_field(f"attributes.{code}", "open311_attribute_datetime", code=code) from None
            values[code] = given[0]
        elif datatype not in LIST_DATATYPES and len(given[0]) > service.MAX_DESCRIPTION:
            raise Invalid.for_field(f"attributes.{code}", "open311_too_long", parameter=f"attribute[{code}]",
                                    max=service.MAX_DESCRIPTION)
        else:
            values[code] = given[0]
    return values


def _attribute_number(code: str, text: str) -> int | float:
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise Invalid.for_field(f"attributes.{code}", "open311_attribute_number", code=code)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _repeat_id(session: Session, municipality: Municipality, caller: Actor, device_id: str | None,
               description: str) -> uuid.UUID | None:
    """The complaint id for this device and description in this 10-minute window, or the previous window's if
    that one was filed (so a repeat a few seconds across the boundary is still caught). None without device_id:
    each POST is then a new complaint."""
    device = (device_id or "").strip()
    if not device:
        return None
    window = int(datetime.now(timezone.utc).timestamp() // REPEAT_WINDOW_SECONDS)
    key = get_settings().secret_key.encode()

    def derived(number: int) -> uuid.UUID:
        message = "\x1f".join(("open311", str(municipality.id), str(caller.device_id), device, description,
                               str(number)))
        return uuid.UUID(bytes=hmac.new(key, message.encode(), hashlib.sha256).digest()[:16], version=4)

    previous = derived(window - 1)
    try:
        complaints.get(session, municipality=municipality, complaint_id=previous)
        return previous
    except NotFound:
        return derived(window)


def _invalid(error: ValidationError) -> Invalid:
    """Pydantic's complaint checks (contact email and phone, address length) as one error per field."""
    details = [
        {"field": spanish["field"], "code": "open311_invalid_value",
         "params": {"reason_es": spanish["message"], "reason_en": english["message"]}}
        for spanish, english in zip(validation_details(error, "es"), validation_details(error, "en"), strict=True)
    ]
    return Invalid("open311_invalid_value", details=details, **details[0]["params"])
