"""Demo data for complaints: categories, response templates and complaints replayed through the real intake and
workflow (so the audit log and the deadlines are what they would have been). Idempotent by natural keys."""

from __future__ import annotations

import io
import random
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from server.auth import service as auth
from server.auth.actor import ANONYMOUS, Actor
from server.auth.models import Role
from server.complaints import intake, moderation, reporting, triage
from server.complaints.models import Category, Complaint, ResponseTemplate
from server.complaints.moderation_models import ModerationCreate
from server.complaints.schemas import ComplaintCreate, TransitionCreate
from server.demo_calendar import DemoCalendar
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

STAFF_EMAIL = {"10005": "contraloria@vigia.example", "10007": "contraloria.gomez@vigia.example"}


def _actor(session: Session, email: str, municipality: Municipality, role: Role) -> Actor:
    user = auth.get_by_email(session, email)
    assert user is not None, f"fixture account {email} is missing"
    return Actor(user_id=user.id, email=user.email, roles={municipality.id: frozenset({role})})


def synthetic_photo(seed: int) -> bytes:
    """A made-up 'site photo' (sky, ground, a trench): deterministic, so loading twice stores it once."""
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 1200), (150, 180, 215))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 600, 1600, 1200), fill=(120 + rng.randint(0, 30), 110, 95))
    for _ in range(40):
        x, y = rng.randint(0, 1500), rng.randint(620, 1150)
        draw.ellipse((x, y, x + rng.randint(20, 90), y + rng.randint(10, 40)), fill=(90, 85, 80))
    draw.rectangle((300 + seed * 13 % 400, 750, 1200, 900), fill=(60, 50, 45))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: DemoCalendar) -> None:
    document = calendar.read(path / "complaints.json")
    counts: Counter[str] = Counter()
    for code, categories in document["categories"].items():
        municipality = municipalities.get_by_code(session, code)
        for item in categories:
            existing = session.scalar(sa.select(Category).where(Category.municipality_id == municipality.id,
                                                                Category.service_code == item["service_code"]))
            values = {key: item.get(key) for key in ("name", "name_en", "description", "group")}
            values["attributes"] = item.get("attributes", [])
            if existing is None:
                session.add(Category(municipality_id=municipality.id, service_code=item["service_code"], **values))
                counts["created"] += 1
            elif any(getattr(existing, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(existing, key, value)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    session.flush()
    report["complaint categories"] = counts

    counts = Counter()
    for code, templates in document["templates"].items():
        municipality = municipalities.get_by_code(session, code)
        for item in templates:
            existing = session.scalar(sa.select(ResponseTemplate).where(
                ResponseTemplate.municipality_id == municipality.id, ResponseTemplate.state == item["state"],
                ResponseTemplate.title == item["title"]))
            if existing is None:
                session.add(ResponseTemplate(municipality_id=municipality.id, **item))
                counts["created"] += 1
            elif existing.body != item["body"]:
                existing.body = item["body"]
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    session.flush()
    report["response templates"] = counts

    counts = Counter()
    for code, complaints in document["complaints"].items():
        municipality = municipalities.get_by_code(session, code)
        staff = _actor(session, STAFF_EMAIL[code], municipality, Role.comptroller)
        for number, item in enumerate(complaints, start=1):
            if session.get(Complaint, uuid.UUID(item["id"])) is not None:
                counts["unchanged"] += 1
                continue
            _replay(session, municipality, staff, number, item)
            counts["created"] += 1
    report["complaints"] = counts


def _replay(session: Session, municipality: Municipality, staff: Actor, number: int, item: dict) -> None:
    from server.media import service as media

    reporter = (_actor(session, item["reporter"], municipality, Role.volunteer) if item.get("reporter")
                else ANONYMOUS)
    photo_ids = [media.store(session, actor=reporter, municipality=municipality,
                             data=synthetic_photo(number * 10 + i)).photo.id for i in range(item.get("photos", 0))]
    filed = intake.file(session, actor=reporter, municipality=municipality, today=date.fromisoformat(item["filed_on"]),
                        data=ComplaintCreate(
                            id=item["id"], kind=item["kind"], category=item["category"],
                            description=item["description"],
                            location={"type": "Point", "coordinates": item["location"]}, accuracy_m=8.0,
                            anonymous=item["anonymous"], photo_ids=photo_ids, attributes=item.get("attributes", {}),
                            confidential=item.get("confidential", False)))
    if item.get("moderation"):  # the moderator reads it the day it came in (docs/privacy.md)
        decided = item["moderation"]
        complaint = session.get(Complaint, filed.complaint.id)
        moderation.moderate(session, actor=staff, municipality=municipality, complaint_id=complaint.id,
                            today=date.fromisoformat(item["filed_on"]),
                            data=ModerationCreate(
                                version=complaint.version, text=decided.get("text"),
                                public_text=decided.get("public_text"), reason=decided["reason"],
                                photos=[{"photo_id": photo_id, **choice}
                                        for photo_id, choice in zip(photo_ids, decided.get("photos", []),
                                                                    strict=False)]))
    templates = {t.title: t.id for t in triage.templates(session, actor=staff, municipality=municipality, state=None)}
    for step in item.get("steps", []):
        triage.transition(session, actor=staff, municipality=municipality, complaint_id=filed.complaint.id,
                          today=date.fromisoformat(step["on"]), data=TransitionCreate(
                              to=step["to"], reason=step["reason"], public_answer=step.get("public_answer"),
                              template_id=templates.get(step.get("template")), outcome=step.get("outcome"),
                              extension_days=step.get("extension_days"), referred_to=step.get("referred_to")))
    if item.get("withdraw_on"):
        reporting.withdraw(session, actor=reporter, municipality=municipality, complaint_id=filed.complaint.id,
                           folio=None, code=None, reason="Ya se atendió")
    session.flush()
