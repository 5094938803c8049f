"""Demo data of the judicial-ruling audit (server/demo/rulings.json, written by tools/make_demo_rulings.py):
courts, judges and their assignments, the 2025 audit project and its team, 34 synthetic rulings taken through the
whole flow as the demo accounts would take them (imported, personal data confirmed, public version, assigned to
two auditors, annotated and answered, adjudicated by the reviewer) and the judges' notebooks, reviewed and
published, one with the judge's reply.

Everything goes through the services of each domain (rulings, annotations, notebooks) as the person who would do
it, so the audit log, the public versions and the notebooks' figures come out exactly as in use. Two shortcuts keep
loading under two seconds: the first original of a demo ruling is stored without running the detector (spaCy would
take about ten seconds over 34 rulings), and the personal data the demo file lists are recorded as findings
selected by a person and confirmed by the reviewer.

Idempotent: each record has an id derived from its natural key (uuid5), and a ruling already there is left as it
is; notebooks are matched by judge and period.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date
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
from server.rulings import service
from server.rulings.models import (
    AssignmentCreate,
    AuditProject,
    Court,
    CourtCreate,
    FindingState,
    Judge,
    JudgeAssignment,
    JudgeCreate,
    ProjectCreate,
    RedactionFinding,
    Ruling,
    RulingJudgeRef,
    RulingMetadata,
    TeamMemberSet,
    TeamRole,
    TextKind,
    TextSource,
)

FILE = "rulings.json"
NAMESPACE = uuid.UUID("0194a000-d016-7000-8000-000000000016")


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def _actor(session: Session, email: str) -> Actor:
    user = auth.get_by_email(session, email)
    assert user is not None, f"demo account {email} is missing (server/demo/users.json)"
    roles: dict[uuid.UUID, set[Role]] = {}
    for grant in session.scalars(sa.select(RoleGrant).where(RoleGrant.user_id == user.id)):
        roles.setdefault(grant.municipality_id, set()).add(Role(grant.role))
    return Actor(user_id=user.id, email=user.email, full_name=user.full_name,
                 is_national_admin=bool(getattr(user, "national_admin", False)),
                 roles={key: frozenset(value) for key, value in roles.items()})


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: Any = None) -> None:
    file = path / FILE
    if not file.is_file():
        return
    document = json.loads(file.read_text("utf-8"))
    code = document["municipality"]
    municipality = municipalities.get_by_code(session, code)
    team = document["project"]["team"]
    coordinator = next(m["email"] for m in team if m["role"] == "coordinator")
    reviewer = next(m["email"] for m in team if m["role"] == "reviewer")
    actors = {member["email"]: _actor(session, member["email"]) for member in team}

    courts, judges = _load_courts_and_judges(session, municipality, document, actors[coordinator], report)
    project = _load_project(session, municipality, document, actors, coordinator, report)
    demo = _Demo(session, municipality, project, actors, reviewer, courts, judges)
    counts: Counter[str] = Counter()
    for item in document["rulings"]:
        counts[demo.ruling(item)] += 1
    session.flush()
    report["rulings"] = counts
    report["notebooks"] = demo.notebooks(document.get("notebooks", []))


def _load_courts_and_judges(session: Session, municipality: Municipality, document: dict[str, Any], admin: Actor,
                            report: dict[str, Counter[str]]) -> tuple[dict[str, uuid.UUID], dict[str, uuid.UUID]]:
    code = municipality.code
    courts: dict[str, uuid.UUID] = {}
    counts: Counter[str] = Counter()
    for item in document["courts"]:
        court_id = courts[item["key"]] = _id(code, "court", item["key"])
        if session.get(Court, court_id) is not None:
            counts["unchanged"] += 1
            continue
        data = CourtCreate(id=court_id, **{k: v for k, v in item.items() if k != "key"})
        service.create_court(session, actor=admin, municipality=municipality, data=data)
        counts["created"] += 1
    report["courts"] = counts

    judges: dict[str, uuid.UUID] = {}
    counts = Counter()
    for item in document["judges"]:
        judge_id = judges[item["key"]] = _id(code, "judge", item["key"])
        if session.get(Judge, judge_id) is None:
            data = JudgeCreate(id=judge_id, **{k: v for k, v in item.items() if k not in ("key", "assignments")})
            service.create_judge(session, actor=admin, municipality=municipality, data=data)
            counts["created"] += 1
        else:
            counts["unchanged"] += 1
        for position, entry in enumerate(item["assignments"]):
            assignment_id = _id(code, "assignment", item["key"], str(position))
            if session.get(JudgeAssignment, assignment_id) is None:
                data = AssignmentCreate(id=assignment_id, court_id=courts[entry["court"]], role=entry["role"],
                                        starts_on=entry["starts_on"], ends_on=entry["ends_on"])
                service.assign_judge(session, actor=admin, municipality=municipality, judge_id=judge_id, data=data)
    session.flush()
    report["judges"] = counts
    return courts, judges


def _load_project(session: Session, municipality: Municipality, document: dict[str, Any], actors: dict[str, Actor],
                  coordinator: str, report: dict[str, Counter[str]]) -> AuditProject:
    item = document["project"]
    project_id = _id(municipality.code, "project", item["name"])
    project = session.get(AuditProject, project_id)
    report["audit projects"] = Counter({"unchanged" if project is not None else "created": 1})
    if project is None:
        data = ProjectCreate(id=project_id, **{k: v for k, v in item.items() if k != "team"})
        project = service.create_project(session, actor=actors[coordinator], municipality=municipality, data=data)
    for member in item["team"]:
        service.set_team_member(session, actor=actors[coordinator], municipality=municipality, project_id=project.id,
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
        self._scheme_version: uuid.UUID | None = None

    def scheme_version(self) -> uuid.UUID:
        """The seed annotation scheme's published version (created from the seed the first time)."""
        if self._scheme_version is None:
            from server.annotations import schemes

            scheme, _ = schemes.create_from_seed(self.session, actor=self.reviewer_or_admin(),
                                                 municipality=self.municipality)
            public = schemes.public(self.session, scheme, drafts=False)
            self._scheme_version = max((v for v in public.versions if v.state == "published"),
                                       key=lambda v: v.number).id
        return self._scheme_version

    def reviewer_or_admin(self) -> Actor:
        return self.reviewer

    def ruling(self, item: dict[str, Any]) -> str:
        session, municipality = self.session, self.municipality
        ruling_id = _id(municipality.code, "ruling", item["court"], item["case_number"], item["kind"])
        if session.get(Ruling, ruling_id) is not None:
            return "unchanged"
        data = RulingMetadata(
            id=ruling_id, court_id=self.courts[item["court"]], case_number=item["case_number"], kind=item["kind"],
            matter=item["matter"], outcome=item["outcome"], filed_on=item["filed_on"], heard_on=item["heard_on"],
            ruled_on=item["ruled_on"], parties=item["parties"],
            judges=[RulingJudgeRef(judge_id=self.judges[j["judge"]], role=j["role"]) for j in item["judges"]])
        ruling, _ = service.create_ruling(session, actor=self.reviewer, municipality=municipality,
                                          project=self.project, data=data, text=item["text"],
                                          source=TextSource.text, detect=False)
        self._confirmed_findings(ruling, item)
        service.publish(session, actor=self.reviewer, municipality=municipality, ruling_id=ruling.id)
        self._annotate(ruling, item)
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

    def _annotate(self, ruling: Ruling, item: dict[str, Any]) -> None:
        from server.annotations import service as annotations
        from server.annotations.service import AnswersUpdate, AssignmentsCreate
        from server.annotations.w3c import AnnotationIn

        session, municipality = self.session, self.municipality
        emails = list(item["annotations"])
        rows = annotations.create_assignments(
            session, actor=self.reviewer, municipality=municipality, project_id=self.project.id,
            data=AssignmentsCreate(ruling_id=ruling.id, scheme_version_id=self.scheme_version(),
                                   annotator_ids=[self.actors[email].user_id for email in emails]))
        for email, assignment in zip(emails, rows):
            actor = self.actors[email]
            for note in item["annotations"][email]:
                annotations.save_annotation(session, actor=actor, municipality=municipality,
                                            assignment_id=assignment.id, data=AnnotationIn(**note))
            annotations.set_answers(session, actor=actor, municipality=municipality, assignment_id=assignment.id,
                                    data=AnswersUpdate(answers=item["answers"][email], version=assignment.version))
            annotations.finish(session, actor=actor, municipality=municipality, assignment_id=assignment.id)
        self._adjudicate(ruling, item, rows)

    def _adjudicate(self, ruling: Ruling, item: dict[str, Any], rows: list[Any]) -> None:
        """The reviewer's gold, decided item by item as a reviewer does it in the adjudication view: an item that
        matches a gold span takes the side that has exactly that span (or the reviewer's own span), an item with
        no gold span is rejected (neither), a gold span both auditors missed is annotated on the gold assignment;
        the answers are the reviewer's own. Then the gold assignment is finished."""
        from server.annotations import review
        from server.annotations import service as annotations
        from server.annotations.w3c import AnnotationIn

        session, municipality, actor = self.session, self.municipality, self.reviewer
        version_id = self.scheme_version()
        gold, _ = review.start(session, actor=actor, municipality=municipality, ruling_id=ruling.id,
                               scheme_version_id=version_id)
        text = service.latest_text(session, ruling.id, TextKind.public).text
        wanted = []
        for span in item["adjudication"]["spans"]:
            start = text.index(span["exact"])
            wanted.append({"start": start, "end": start + len(span["exact"]), "label": span["label"], "used": False})
        view = review.view(session, actor=actor, municipality=municipality, ruling_id=ruling.id,
                           scheme_version_id=version_id)
        decisions = []
        for entry in view["items"]:
            overlapping = [g for g in wanted if not g["used"] and g["start"] < entry["end"] and entry["start"] < g["end"]]
            match = next((g for g in overlapping if g["label"] == entry["label"]), None) or \
                next(iter(overlapping), None)
            if match is None:
                decisions.append(review.ItemDecision(key=entry["key"], take="neither"))
                continue
            match["used"] = True
            side = next((letter for letter, spans in entry["sides"].items()
                         if [(s["start"], s["end"]) for s in spans] == [(match["start"], match["end"])]), None)
            if side is not None and match["label"] == entry["label"]:
                decisions.append(review.ItemDecision(key=entry["key"], take=side))
            else:
                decisions.append(review.ItemDecision(key=entry["key"], take="own", start=match["start"],
                                                     end=match["end"], label=match["label"]))
        answers = [review.AnswerDecision(question=question, take="own", value=value)
                   for question, value in item["adjudication"]["answers"].items()]
        gold = review.decide(session, actor=actor, municipality=municipality, ruling_id=ruling.id,
                             data=review.Decisions(scheme_version_id=version_id, version=gold.version,
                                                   items=decisions, answers=answers))
        for missed in (g for g in wanted if not g["used"]):
            annotations.save_annotation(session, actor=actor, municipality=municipality, assignment_id=gold.id,
                                        data=AnnotationIn(start=missed["start"], end=missed["end"],
                                                          label=missed["label"]))
        annotations.finish(session, actor=actor, municipality=municipality, assignment_id=gold.id)

    def notebooks(self, items: list[dict[str, Any]]) -> Counter[str]:
        from server.notebooks import service as notebooks
        from server.notebooks.models import InvitationCreate, NotebookCreate, ReplyCreate

        session, municipality, actor = self.session, self.municipality, self.reviewer
        counts: Counter[str] = Counter()
        for item in items:
            judge_id = self.judges[item["judge"]]
            starts_on, ends_on = date.fromisoformat(item["period_starts_on"]), date.fromisoformat(item["period_ends_on"])
            existing = [notebook for notebook, _ in notebooks.list_(session, actor=actor, municipality=municipality,
                                                                    judge_id=judge_id, project_id=self.project.id)
                        if (notebook.period_starts_on, notebook.period_ends_on) == (starts_on, ends_on)]
            if existing:
                counts["unchanged"] += 1
                continue
            notebook, _ = notebooks.compute_notebook(
                session, actor=actor, municipality=municipality, project_id=self.project.id,
                data=NotebookCreate(judge_id=judge_id, period_starts_on=starts_on, period_ends_on=ends_on))
            notebook = notebooks.review(session, actor=actor, municipality=municipality, notebook_id=notebook.id,
                                        version=notebook.version, note=item.get("review_note"))
            notebook = notebooks.publish(session, actor=actor, municipality=municipality, notebook_id=notebook.id,
                                         version=notebook.version)
            if "reply" in item:
                _, secret = notebooks.invite(session, actor=actor, municipality=municipality,
                                             notebook_id=notebook.id, data=InvitationCreate(days=30))
                notebooks.reply(session, municipality=municipality, notebook_id=notebook.id,
                                data=ReplyCreate(secret=secret, **item["reply"]))
            counts["created"] += 1
        return counts
