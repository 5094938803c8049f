"""Demo data for inspections: the seed checklists (server/demo/forms.json) and, once the demo committees exist,
visits with photos submitted through the real service (so progress observations and risk signals follow).
Idempotent: templates and versions have fixed ids; visits have ids derived from their committee."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server import geo
from server.auth import service as auth
from server.auth.actor import Actor
from server.auth.models import Role
from server.db import utcnow
from server.demo_calendar import DemoCalendar
from server.inspections.definition import validate_definition
from server.inspections.models import FindingCreate, FormTemplate, FormVersion, Question, VisitCreate
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

STAFF_EMAIL = {"10005": "contraloria@vigia.example", "10007": "contraloria.gomez@vigia.example"}
GENERAL_VERSION = {"10005": uuid.UUID("0193f000-0000-7000-8100-000000000101"),
                   "10007": uuid.UUID("0193f000-0000-7000-8200-000000000101")}
DEMO_COMMITTEES = 8  # committees of each municipality that get demo visits
FINDINGS = [
    ("No hay letrero con el monto ni la empresa responsable.", "medium"),
    ("La zanja quedó abierta sin señalamientos para peatones.", "high"),
    ("El concreto de la guarnición ya presenta grietas.", "medium"),
    ("El avance es menor al reportado por la dependencia.", "high"),
]


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: DemoCalendar) -> None:
    document = json.loads((path / "forms.json").read_text("utf-8"))
    counts: Counter[str] = Counter()
    for code, templates in document["templates"].items():
        municipality = municipalities.get_by_code(session, code)
        for item in templates:
            template_id = uuid.UUID(item["id"])
            if session.get(FormTemplate, template_id) is None:
                session.add(FormTemplate(id=template_id, municipality_id=municipality.id, key=item["key"],
                                         title=item["title"], program=item.get("program")))
                session.flush()
                counts["created"] += 1
            else:
                counts["unchanged"] += 1
            for entry in item["versions"]:
                if session.get(FormVersion, uuid.UUID(entry["id"])) is not None:
                    continue
                questions = [Question.model_validate(q) for q in entry["questions"]]
                errors = validate_definition(questions)
                assert not errors, f"server/demo/forms.json {item['key']}: {errors}"
                session.add(FormVersion(id=uuid.UUID(entry["id"]), template_id=template_id,
                                        version=entry["version"],
                                        questions=[q.model_dump(mode="json", exclude_none=True) for q in questions],
                                        published_at=utcnow() if entry.get("published") else None))
    session.flush()
    report["form templates"] = counts
    report["visits"] = _load_visits(session)


def _staff(session: Session, code: str, municipality: Municipality) -> Actor:
    user = auth.get_by_email(session, STAFF_EMAIL[code])
    assert user is not None, f"fixture account {STAFF_EMAIL[code]} is missing"
    return Actor(user_id=user.id, email=user.email, roles={municipality.id: frozenset({Role.comptroller})})


def _load_visits(session: Session) -> Counter[str]:
    from server.committees import members as committee_members
    from server.committees import service as committees
    from server.committees.schemas import CommitteeQuery

    counts: Counter[str] = Counter()
    for code, version_id in GENERAL_VERSION.items():
        municipality = municipalities.get_by_code(session, code)
        staff = _staff(session, code, municipality)
        listed = committees.list_(session, actor=staff, municipality=municipality,
                                  query=CommitteeQuery(state=["active"], kind=["works"]))
        chosen = [c for c in listed if c.works][:DEMO_COMMITTEES]
        for number, committee in enumerate(chosen):
            people = committee_members.list_(session, actor=staff, municipality=municipality,
                                             committee_id=committee.id)
            for k in range(2):
                counts[_visit(session, municipality, staff, committee, people, version_id, number, k)] += 1
    return counts


def _visit(session: Session, municipality: Municipality, staff: Actor, committee, people, version_id: uuid.UUID,
           number: int, k: int) -> str:
    from server.complaints.fixtures import synthetic_photo
    from server.inspections import visits
    from server.inspections.models import Visit
    from server.media import service as media
    from server.works import service as works

    visit_id = uuid.uuid5(committee.id, f"visita-demo-{k}")
    if session.get(Visit, visit_id) is not None:
        return "unchanged"
    zone = ZoneInfo(municipality.timezone)
    day = works.today_in(municipality) - timedelta(days=12 + 21 * (1 - k) + number)
    member = next((m for m in people if m.start_on <= day and (m.end_on is None or m.end_on > day)), None)
    if member is None:
        return "skipped"
    work = works.get(session, municipality=municipality, work_id=committee.works[k % len(committee.works)].id)
    shape = geo.from_db(work.geometry)
    spot = shape.representative_point() if shape is not None else None
    photo = media.store(session, actor=staff, municipality=municipality,
                        data=synthetic_photo(7000 + int(municipality.code) % 100 * 100 + number * 2 + k)).photo
    official = work.physical_official_pct
    behind = number % 3 == 0  # every third committee sees less progress than reported: a risk signal
    observed = None if official is None else max(0.0, official - 25.0) if behind else official
    point = {"type": "Point", "coordinates": [spot.x, spot.y]} if spot is not None else None
    answers = {"letrero": number % 2 == 0, "residente": k == 1, "bitacora": True, "materiales": "si",
               "avance_corresponde": "no" if behind else "si", "seguridad": number % 4 != 1,
               "accesibilidad": False, "pidieron_dinero": False, "foto_general": str(photo.id),
               "trabajadores": 4 + number}
    if point is not None:
        answers["ubicacion"] = point
    text, severity = FINDINGS[(number + k) % len(FINDINGS)]
    visits.submit(session, actor=staff, municipality=municipality, data=VisitCreate(
        id=visit_id, committee_id=committee.id, member_id=member.id, work_id=work.id, form_version_id=version_id,
        visited_at=datetime.combine(day, time(11, 30), zone), location=point, accuracy_m=6.0 if point else None,
        captured_at=datetime.combine(day, time(11, 32), zone), observed_physical_pct=observed, answers=answers,
        findings=[FindingCreate(id=uuid.uuid5(visit_id, "hallazgo-1"), text=text, severity=severity)],
        photo_ids=[photo.id]))
    session.flush()
    return "created"
