"""Demo data of the judicial-ruling audit, part 1 of 3 (server/demo/rulings.json, written by
tools/make_demo_rulings.py): courts, judges and their assignments (one judge moves court), the 2025 audit project
and its team, and 36 synthetic rulings imported through the rulings service as the project's reviewer would: 34 with
their personal data confirmed and a redacted public version published, 2 still in redaction.
server/annotations/fixtures.py then adds the two auditors' annotations and the reviewer's adjudication,
server/notebooks/fixtures.py the judges' notebooks (the module dependency runs rulings ← annotations ← notebooks;
server/fixtures.py calls the three in order).

One shortcut keeps loading fast: the first original of a published demo ruling is stored without running the
detector (spaCy takes about a third of a second per ruling); the personal data the demo file lists are recorded as
findings a person selected and the reviewer confirmed, which is what the team does with the detector's findings in
use. The two rulings at stage "in_redaction" are imported with the detector, their findings pending: the redaction
review has something to show.

Idempotent: every record has an id derived from its natural key (uuid5, `demo_id`); a ruling already there is left
as it is.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth import service as auth
from server.auth.actor import Actor
from server.auth.models import Role, RoleGrant
from server.db import utcnow
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.rulings import projects, publishing, records, service
from server.rulings.codelists import FindingState, TeamRole, TextKind, TextSource
from server.rulings.courts import assign_judge, create_court, create_judge
from server.rulings.models import AuditProject, Court, Judge, JudgeAssignment, RedactionFinding, Ruling
from server.rulings.schemas import (
    AssignmentCreate,
    CourtCreate,
    JudgeCreate,
    ProjectCreate,
    RulingJudgeRef,
    RulingMetadata,
    TeamMemberSet,
)

FILE = "rulings.json"
NAMESPACE = uuid.UUID("0194a000-d016-7000-8000-000000000016")


def demo_id(*parts: str) -> uuid.UUID:
    """The id of a demo record: the same natural key, the same id, on every load."""
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def ruling_id(code: str, item: dict[str, Any]) -> uuid.UUID:
    return demo_id(code, "ruling", item["court"], item["case_number"], item["kind"])


def judge_id(code: str, key: str) -> uuid.UUID:
    return demo_id(code, "judge", key)


def project_id(code: str, document: dict[str, Any]) -> uuid.UUID:
    return demo_id(code, "project", document["project"]["name"])


def read(path: Path) -> dict[str, Any] | None:
    """The demo file, or None when the folder has none."""
    file = path / FILE
    return json.loads(file.read_text("utf-8")) if file.is_file() else None


def actor(session: Session, email: str) -> Actor:
    """The actor behind a demo account, with the roles it holds."""
    user = auth.get_by_email(session, email)
    assert user is not None, f"demo account {email} is missing (server/demo/users.json)"
    roles: dict[uuid.UUID, set[Role]] = {}
    for grant in session.scalars(sa.select(RoleGrant).where(RoleGrant.user_id == user.id)):
        roles.setdefault(grant.municipality_id, set()).add(Role(grant.role))
    return Actor(user_id=user.id, email=user.email, full_name=user.full_name,
                 is_national_admin=bool(getattr(user, "national_admin", False)),
                 roles={key: frozenset(value) for key, value in roles.items()})


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: Any = None) -> None:
    document = read(path)
    if document is None:
        return
    code = document["municipality"]
    municipality = municipalities.get_by_code(session, code)
    team = document["project"]["team"]
    coordinator = next(m["email"] for m in team if m["role"] == "coordinator")
    reviewer = next(m["email"] for m in team if m["role"] == "reviewer")
    actors = {member["email"]: actor(session, member["email"]) for member in team}

    courts, judges = _load_courts_and_judges(session, municipality, document, actors[coordinator], report)
    project = _load_project(session, municipality, document, actors, coordinator, report)
    demo = _Demo(session, municipality, project, actors, reviewer, courts, judges)
    counts: Counter[str] = Counter()
    for item in document["rulings"]:
        counts[demo.ruling(item)] += 1
    session.flush()
    report["rulings"] = counts


def _load_courts_and_judges(session: Session, municipality: Municipality, document: dict[str, Any], admin: Actor,
                            report: dict[str, Counter[str]]) -> tuple[dict[str, uuid.UUID], dict[str, uuid.UUID]]:
    code = municipality.code
    courts: dict[str, uuid.UUID] = {}
    counts: Counter[str] = Counter()
    for item in document["courts"]:
        court_id = courts[item["key"]] = demo_id(code, "court", item["key"])
        if session.get(Court, court_id) is not None:
            counts["unchanged"] += 1
            continue
        data = CourtCreate(id=court_id, **{k: v for k, v in item.items() if k != "key"})
        create_court(session, actor=admin, municipality=municipality, data=data)
        counts["created"] += 1
    report["courts"] = counts

    judges: dict[str, uuid.UUID] = {}
    counts = Counter()
    for item in document["judges"]:
        judge = judges[item["key"]] = judge_id(code, item["key"])
        if session.get(Judge, judge) is None:
            data = JudgeCreate(id=judge, **{k: v for k, v in item.items() if k not in ("key", "assignments")})
            create_judge(session, actor=admin, municipality=municipality, data=data)
            counts["created"] += 1
        else:
            counts["unchanged"] += 1
        for position, entry in enumerate(item["assignments"]):
            assignment_id = demo_id(code, "assignment", item["key"], str(position))
            if session.get(JudgeAssignment, assignment_id) is None:
                data = AssignmentCreate(id=assignment_id, court_id=courts[entry["court"]], role=entry["role"],
                                        starts_on=entry["starts_on"], ends_on=entry["ends_on"])
                assign_judge(session, actor=admin, municipality=municipality, judge_id=judge, data=data)
    session.flush()
    report["judges"] = counts
    return courts, judges


def _load_project(session: Session, municipality: Municipality, document: dict[str, Any], actors: dict[str, Actor],
                  coordinator: str, report: dict[str, Counter[str]]) -> AuditProject:
    item = document["project"]
    identifier = project_id(municipality.code, document)
    project = session.get(AuditProject, identifier)
    report["audit projects"] = Counter({"unchanged" if project is not None else "created": 1})
    if project is None:
        data = ProjectCreate(id=identifier, **{k: v for k, v in item.items() if k != "team"})
        project = projects.create_project(session, actor=actors[coordinator], municipality=municipality, data=data)
    for member in item["team"]:
        projects.set_team_member(session, actor=actors[coordinator], municipality=municipality, project_id=project.id,
                                 user_id=actors[member["email"]].user_id,
                                 data=TeamMemberSet(role=TeamRole(member["role"])))
    session.flush()
    return project


class _Demo:
    """Takes each demo ruling through the flow, as the team members would."""

    def __init__(self, session: Session, municipality: Municipality, project: AuditProject,
                 actors: dict[str, Actor], reviewer: str, courts: dict[str, uuid.UUID], judges: dict[str, uuid.UUID]):
        self.session, self.municipality, self.project = session, municipality, project
        self.actors, self.reviewer = actors, actors[reviewer]
        self.courts, self.judges = courts, judges

    def ruling(self, item: dict[str, Any]) -> str:
        session, municipality = self.session, self.municipality
        identifier = ruling_id(municipality.code, item)
        if session.get(Ruling, identifier) is not None:
            return "unchanged"
        data = RulingMetadata(
            id=identifier, court_id=self.courts[item["court"]], case_number=item["case_number"], kind=item["kind"],
            matter=item["matter"], outcome=item["outcome"], filed_on=item["filed_on"], heard_on=item["heard_on"],
            ruled_on=item["ruled_on"], parties=item["parties"],
            judges=[RulingJudgeRef(judge_id=self.judges[j["judge"]], role=j["role"]) for j in item["judges"]])
        in_redaction = item.get("stage") == "in_redaction"
        ruling, _ = records.create_ruling(session, actor=self.reviewer, municipality=municipality,
                                          project=self.project, data=data, text=item["text"],
                                          source=TextSource.text, detect=in_redaction)
        if in_redaction:  # the detector's findings wait for the team's review
            return "created"
        self._confirmed_findings(ruling, item)
        publishing.publish(session, actor=self.reviewer, municipality=municipality, ruling_id=ruling.id)
        return "created"

    def _confirmed_findings(self, ruling: Ruling, item: dict[str, Any]) -> None:
        """The demo's personal data as findings a person selected on the original and the reviewer confirmed
        (what the detector and the team do in use; see the module's docstring)."""
        original = service.latest_text(self.session, ruling.id, TextKind.original)
        assert original is not None and original.text == item["text"], \
            f"demo ruling {item['case_number']}: text not in canonical form (tools/make_demo_rulings.py)"
        now = utcnow()
        self.session.add_all(
            RedactionFinding(text_id=original.id, start=span["start"], end=span["end"], category=span["category"],
                             detector="person", state=FindingState.confirmed, decided_by=self.reviewer.user_id,
                             decided_at=now, created_by=self.reviewer.user_id, created_at=now)
            for span in item["personal_data"])
        self.session.flush()
