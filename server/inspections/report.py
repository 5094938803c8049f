"""A committee's report (informe) for a period: its visits with their findings, the progress it observed on
each work, its meetings and agreements, and the complaints its findings became. JSON, and a printable page.

Two versions of the same content (docs/inspections.md, "The committee's report"):

- the **internal** one, for the committee's active members, coordinators and staff: the findings as written;
- the **public** one, for anyone without signing in (the committee's *versión pública*): the publication policy
  applied (docs/privacy.md). Members appear as the public register shows them (a name only with consent, a role,
  never contact data); a finding's text only through the complaint it became, as that complaint's public view
  shows it (server.complaints.service.public_view: moderated text, no exact point, no photo nor text of a
  denuncia or a confidential complaint); a visit's photos only once a moderator published them
  (server.media.service.published_ids); never the visit's point, answers or who recorded it.

Every label is in the caller's language (Spanish, or English with `Accept-Language: en` or `?lang=en`), from
the catalogue in server/i18n.py.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server import i18n
from server.auth.actor import ANONYMOUS, Actor
from server.errors import Invalid, NotFound
from server.edge import CatalogueLanguage
from server.i18n import N_, Language, translate
from server.inspections.models import ReportQuery, Severity, Visit, VisitFinding, VisitPhoto
from server.municipalities.models import Municipality

MAX_DAYS = 731
MAX_VISITS = 500
INTERNAL, PUBLIC = "internal", "public"


class CommitteeReportQuery(ReportQuery):
    lang: CatalogueLanguage = None


# ------------------------------------------------------------------------------------------------ public schema


class ReportWork(BaseModel):
    id: uuid.UUID
    identifier: str
    title: str


class ReportMember(BaseModel):
    name: str = PField(description="the member's name only if they consented to publish it, else a word for it")
    named: bool = PField(description="false: the member did not consent to publish their name")
    role: str
    role_label: str


class ReportCommittee(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    kind_label: str
    program: str | None
    state: str
    state_label: str
    registration_number: str | None
    works: list[ReportWork]
    members: list[ReportMember] = PField(description="active today, as the public register shows them")


class ReportMunicipality(BaseModel):
    code: str
    name: str


class ReportPeriod(BaseModel):
    since: date
    until: date
    text: str = PField(description="the period in words")


class ReportFinding(BaseModel):
    severity: Severity
    severity_label: str
    text: str | None = PField(description=(
        "public version: null (a finding's text is published only through the complaint it became)"))
    complaint_folio: str | None


class ReportVisit(BaseModel):
    visited_on: date
    work: ReportWork
    observed_physical_pct: float | None
    findings: list[ReportFinding]
    photos: int = PField(description="photos taken in the visit")
    published_photo_ids: list[uuid.UUID] = PField(description="of those, the ones a moderator published")


class ReportObservation(BaseModel):
    on: date
    physical_pct: float


class ReportProgress(BaseModel):
    work: ReportWork
    official_physical_pct: float | None
    observations: list[ReportObservation]
    visits: int
    latest_observed_pct: float | None
    gap_points: float | None = PField(description="official minus latest observed, in percentage points")


class ReportSeverity(BaseModel):
    severity: Severity
    label: str
    count: int


class ReportMeetings(BaseModel):
    count: int = PField(description="meetings held in the period")
    agreements: int
    agreements_done: int
    agreements_overdue: int


class ReportComplaint(BaseModel):
    """A complaint filed from a finding, as the public view of complaints shows it."""

    folio: str
    kind_label: str
    category_name: str
    state: str
    state_label: str
    received_on: date
    description: str | None = PField(description="the text once a moderator published it, else null")
    photo_ids: list[uuid.UUID] = PField(description="the photos a moderator published")
    work: str | None = PField(description="the work's identifier, when the complaint's work is public")


class PublicCommitteeReport(BaseModel):
    """The committee's report as anyone may read it (docs/inspections.md)."""

    version: Literal["public"]
    language: Language
    committee: ReportCommittee
    municipality: ReportMunicipality
    period: ReportPeriod
    visits: list[ReportVisit]
    progress_by_work: list[ReportProgress]
    findings_by_severity: list[ReportSeverity]
    meetings: ReportMeetings
    complaints: list[ReportComplaint]
    note: str = PField(description="what this public version leaves out, and why")


# ------------------------------------------------------------------------------------------------ content


def _period(municipality: Municipality, since: date | None, until: date | None, language: Language
            ) -> dict[str, Any]:
    from server.complaints import service as complaints

    until = until or complaints.today_in(municipality)
    since = since or date(until.year, 1, 1)
    if until < since or (until - since).days > MAX_DAYS:
        raise Invalid.for_field("until", "invalid_period", days=MAX_DAYS)
    return {"since": since, "until": until,
            "text": translate("report_period", language, since=in_words(since, language),
                              until=in_words(until, language))}


def in_words(day: date, language: Language) -> str:
    """"6 de diciembre de 2026" / "6 December 2026"."""
    return translate("report_date", language, day=day.day, month=translate(f"report_month_{day.month}", language),
                     year=day.year)


def _label(code: str, language: Language) -> str:
    text = translate(code, language)
    return text[:1].upper() + text[1:]


def _visits(session: Session, municipality: Municipality, committee_id: uuid.UUID, since: date,
            until: date) -> list[Visit]:
    """The committee's visits in the period (days in the municipality's time zone), oldest first. Read here,
    after the caller's right to this version was checked (visits of this domain; the same rows for both)."""
    zone = ZoneInfo(municipality.timezone)
    start = datetime.combine(since, time.min, zone)
    end = datetime.combine(until + timedelta(days=1), time.min, zone)
    return list(session.scalars(
        sa.select(Visit).where(Visit.municipality_id == municipality.id, Visit.committee_id == committee_id,
                               Visit.visited_at >= start, Visit.visited_at < end)
        .order_by(Visit.visited_at, Visit.id).limit(MAX_VISITS)))


def _meeting_counts(session: Session, municipality: Municipality, committee_id: uuid.UUID, since: date,
                    until: date) -> dict[str, int]:
    """Meetings held in the period and their agreements: counts only (committees.activities.meeting_counts)."""
    from server.committees import activities

    return activities.meeting_counts(session, committee_id=committee_id, since=since, until=until,
                                     today=_today(municipality))


def _today(municipality: Municipality) -> date:
    from server.complaints import service as complaints

    return complaints.today_in(municipality)


def _committee(view: Any, language: Language) -> dict[str, Any]:
    """The committee as its public register entry shows it (server.committees.service.public)."""
    from server.committees.models import MemberRole
    from server.committees.service import ANONYMOUS_MEMBER

    order = list(MemberRole)  # chair, secretary, member at large, social comptroller: as minutes list them
    members = []
    for member in sorted(view.active_members, key=lambda m: order.index(MemberRole(m.role))):
        role = getattr(member.role, "value", member.role)
        named = member.name != ANONYMOUS_MEMBER
        members.append({"name": member.name if named else translate("report_member_unnamed", language),
                        "named": named, "role": role,
                        "role_label": translate(f"membership_role_{role}", language)})
    kind, state = getattr(view.kind, "value", view.kind), getattr(view.state, "value", view.state)
    return {"id": view.id, "name": view.name, "kind": kind,
            "kind_label": translate(f"report_committee_kind_{kind}", language), "program": view.program,
            "state": state, "state_label": translate(f"membership_committee_{state}", language),
            "registration_number": view.registration_number,
            "works": [{"id": w.id, "identifier": w.identifier, "title": w.title} for w in view.works],
            "members": members}


def _content(session: Session, *, municipality: Municipality, committee_view: Any, period: dict[str, Any],
             version: str, language: Language) -> dict[str, Any]:
    """Both versions from the same rows; `version` PUBLIC applies the publication policy."""
    from server.complaints import service as complaints
    from server.media import service as media
    from server.works import service as works

    public = version == PUBLIC
    since, until = period["since"], period["until"]
    committee_id = committee_view.id
    work_cache: dict[uuid.UUID, Any] = {}
    severity: Counter[str] = Counter()
    complaint_rows: list[dict[str, Any]] = []
    visit_items = []
    progress: dict[uuid.UUID, dict[str, Any]] = {}
    zone = ZoneInfo(municipality.timezone)
    for visit in _visits(session, municipality, committee_id, since, until):
        if visit.work_id not in work_cache:
            work_cache[visit.work_id] = works.get(session, municipality=municipality, work_id=visit.work_id)
        work = work_cache[visit.work_id]
        work_ref = {"id": work.id, "identifier": work.identifier, "title": work.title}
        findings = []
        for finding in session.scalars(sa.select(VisitFinding).where(VisitFinding.visit_id == visit.id)
                                       .order_by(VisitFinding.id)):
            level = Severity(finding.severity).value
            severity[level] += 1
            folio = None
            if finding.complaint_id is not None:
                complaint = complaints.get(session, municipality=municipality, complaint_id=finding.complaint_id)
                view = complaints.public_view(session, complaint, municipality=municipality, language=language)
                folio = view.folio
                complaint_rows.append(_complaint_row(view, finding.text, work.identifier, public, language))
            findings.append({"severity": level, "severity_label": _label(f"finding_severity_{level}", language),
                             "text": None if public else finding.text, "complaint_folio": folio})
        photo_ids = list(session.scalars(sa.select(VisitPhoto.photo_id).where(VisitPhoto.visit_id == visit.id)
                                         .order_by(VisitPhoto.photo_id)))
        published = media.published_ids(session, photo_ids)
        day = visit.visited_at.astimezone(zone).date()
        item: dict[str, Any] = {
            "visited_on": day, "work": work_ref, "observed_physical_pct": visit.observed_physical_pct,
            "findings": findings, "photos": len(photo_ids),
            "published_photo_ids": [photo_id for photo_id in photo_ids if photo_id in published]}
        if not public:
            item["id"] = visit.id
        visit_items.append(item)
        entry = progress.setdefault(work.id, {"work": work_ref, "official_physical_pct": work.physical_official_pct,
                                              "observations": [], "visits": 0})
        entry["visits"] += 1
        if visit.observed_physical_pct is not None:
            entry["observations"].append({"on": day, "physical_pct": visit.observed_physical_pct})
    for entry in progress.values():
        observed = entry["observations"][-1]["physical_pct"] if entry["observations"] else None
        entry["latest_observed_pct"] = observed
        official = entry["official_physical_pct"]
        entry["gap_points"] = round(official - observed, 1) if official is not None and observed is not None \
            else None
    return {
        "version": version,
        "language": language,
        "committee": _committee(committee_view, language),
        "municipality": {"code": municipality.code, "name": municipality.name},
        "period": period,
        "visits": visit_items,
        "progress_by_work": list(progress.values()),
        "findings_by_severity": [{"severity": s.value, "label": _label(f"finding_severity_{s.value}", language),
                                  "count": severity[s.value]} for s in Severity],
        "meetings": _meeting_counts(session, municipality, committee_id, since, until),
        "complaints": complaint_rows,
    }


def _complaint_row(view: Any, finding_text: str, work: str, public: bool, language: Language) -> dict[str, Any]:
    """A complaint filed from a finding, from its public view (`view`); the internal version adds the finding's
    text as the committee wrote it."""
    kind = getattr(view.kind, "value", view.kind)
    state = getattr(view.state, "value", view.state)
    row = {"folio": view.folio, "kind_label": translate(f"kind_{kind}", language),
           "category_name": view.category_name, "state": state, "state_label": view.state_label,
           "received_on": view.received_on, "description": view.description, "photo_ids": list(view.photos),
           "work": work if view.work_id is not None else None}
    if not public:
        row["finding"] = finding_text
    return row


def _draft_view(session: Session, municipality: Municipality, committee: Any) -> SimpleNamespace:
    """What `_committee` needs of a draft committee, from the committees and works services."""
    from server.committees import service as committees
    from server.works import service as works

    linked = [works.get(session, municipality=municipality, work_id=work_id)
              for work_id in sorted(committees.work_ids(session, committee=committee))]
    return SimpleNamespace(
        id=committee.id, name=committee.name, kind=committee.kind, program=committee.program, state=committee.state,
        registration_number=committee.registration_number, active_members=[],
        works=[SimpleNamespace(id=w.id, identifier=w.identifier, title=w.title) for w in linked])


def compile_(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
             since: date | None, until: date | None, language: Language = "es") -> dict[str, Any]:
    """The internal report for a period (by default the year so far). Readers: the committee's active
    members, coordinators and staff (401/403 for anyone else, 404 for another municipality's committee)."""
    from server.committees import service as committees

    committee = committees.require_read(session, actor=actor, municipality=municipality, committee_id=committee_id)
    try:
        view = committees.public(session, actor=actor, municipality=municipality, committee_id=committee_id)
    except NotFound:  # a draft read by one of its members: not in the register yet, so listed without members
        view = _draft_view(session, municipality, committee)
    period = _period(municipality, since, until, language)
    return _content(session, municipality=municipality, committee_view=view, period=period, version=INTERNAL,
                    language=language)


def compile_public(session: Session, *, municipality: Municipality, committee_id: uuid.UUID, since: date | None,
                   until: date | None, language: Language = "es") -> PublicCommitteeReport:
    """The public version, for anyone: a committee of the public register (a draft is 404, as there)."""
    from server.committees import service as committees

    view = committees.public(session, actor=ANONYMOUS, municipality=municipality, committee_id=committee_id)
    period = _period(municipality, since, until, language)
    data = _content(session, municipality=municipality, committee_view=view, period=period, version=PUBLIC,
                    language=language)
    return PublicCommitteeReport(**data, note=translate("report_public_note", language))


# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("report_committee_kind_participatory_budget"), N_("report_committee_kind_program"),
    N_("report_committee_kind_works"), N_("report_month_1"), N_("report_month_2"), N_("report_month_3"),
    N_("report_month_4"), N_("report_month_5"), N_("report_month_6"), N_("report_month_7"), N_("report_month_8"),
    N_("report_month_9"), N_("report_month_10"), N_("report_month_11"), N_("report_month_12"),
)
