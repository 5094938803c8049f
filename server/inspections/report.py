"""A committee's report (informe) for a period: its visits with their findings, the progress it observed on
each work, its meetings and agreements, and the complaints its findings became. JSON, and a printable page."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from html import escape
from typing import Any

from sqlalchemy.orm import Session

from server.auth.actor import Actor
from server.errors import Invalid
from server.inspections import visits as visit_service
from server.inspections.models import Severity, VisitQuery
from server.municipalities.models import Municipality

MAX_DAYS = 731
SEVERITY_ES = {"low": "baja", "medium": "media", "high": "alta", "critical": "crítica"}


def compile_(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
             since: date | None, until: date | None) -> dict[str, Any]:
    """The report's content for a period (by default the year so far). Readers: the committee's active
    members, coordinators and staff."""
    from server.committees import activities
    from server.complaints import service as complaints
    from server.works import service as works

    until = until or complaints.today_in(municipality)
    since = since or date(until.year, 1, 1)
    committee = visit_service._committee(session, municipality, committee_id, actor)
    if until < since or (until - since).days > MAX_DAYS:
        raise Invalid.for_field("until", "invalid_period", days=MAX_DAYS)
    rows = visit_service.list_(session, actor=actor, municipality=municipality,
                               query=VisitQuery(committee_id=committee.id, since=since, until=until, limit=500))
    rows.sort(key=lambda v: (v.visited_at, v.id))
    work_cache: dict[uuid.UUID, Any] = {}
    severity: Counter[str] = Counter()
    complaint_rows: list[dict[str, Any]] = []
    visit_items = []
    progress: dict[uuid.UUID, dict[str, Any]] = {}
    for visit in rows:
        if visit.work_id not in work_cache:
            work_cache[visit.work_id] = works.get(session, municipality=municipality, work_id=visit.work_id)
        work = work_cache[visit.work_id]
        view = visit_service.public(session, visit)
        findings = []
        for finding in view.findings:
            severity[finding.severity.value] += 1
            folio = None
            if finding.complaint_id is not None:
                complaint = complaints.get(session, municipality=municipality, complaint_id=finding.complaint_id)
                folio = complaint.folio
                complaint_rows.append({"folio": folio, "state": str(getattr(complaint.state, "value",
                                                                                complaint.state)),
                                       "finding": finding.text, "work": work.identifier})
            findings.append({"text": finding.text, "severity": finding.severity.value, "complaint_folio": folio})
        day = visit_service.local_day(municipality, visit.visited_at)
        visit_items.append({
            "id": str(visit.id), "visited_on": day.isoformat(),
            "work": {"id": str(work.id), "identifier": work.identifier, "title": work.title},
            "observed_physical_pct": visit.observed_physical_pct, "findings": findings,
            "photos": len(view.photo_ids)})
        entry = progress.setdefault(work.id, {
            "work": {"id": str(work.id), "identifier": work.identifier, "title": work.title},
            "official_physical_pct": work.physical_official_pct, "observations": [], "visits": 0})
        entry["visits"] += 1
        if visit.observed_physical_pct is not None:
            entry["observations"].append({"on": day.isoformat(), "physical_pct": visit.observed_physical_pct})
    for entry in progress.values():
        observed = entry["observations"][-1]["physical_pct"] if entry["observations"] else None
        entry["latest_observed_pct"] = observed
        official = entry["official_physical_pct"]
        entry["gap_points"] = round(official - observed, 1) if official is not None and observed is not None \
            else None
    meetings = [m for m in activities.list_meetings(session, actor=actor, municipality=municipality,
                                                     committee_id=committee.id) if since <= m.held_on <= until]
    agreements = [a for m in meetings for a in m.agreements]
    return {
        "committee": {"id": str(committee.id), "name": committee.name, "kind": committee.kind,
                      "state": committee.state},
        "municipality": {"code": municipality.code, "name": municipality.name},
        "period": {"since": since.isoformat(), "until": until.isoformat()},
        "visits": visit_items,
        "progress_by_work": list(progress.values()),
        "findings_by_severity": {s.value: severity[s.value] for s in Severity},
        "meetings": {"count": len(meetings), "agreements": len(agreements),
                     "agreements_done": sum(1 for a in agreements if a.status.value == "done"),
                     "agreements_overdue": sum(1 for a in agreements if a.overdue)},
        "complaints": complaint_rows,
    }


STYLE = """
body{font-family:Georgia,'Times New Roman',serif;color:#111;margin:2rem auto;max-width:52rem;line-height:1.4}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;border-bottom:1px solid #444;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;padding:.3rem .4rem;
text-align:left;vertical-align:top;font-size:.9rem}th{background:#eee}.muted{color:#555}
.sev-high,.sev-critical{font-weight:bold}.firmas{display:flex;gap:3rem;margin-top:4rem}
.firmas div{flex:1;border-top:1px solid #000;text-align:center;padding-top:.3rem}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}
@page{size:letter;margin:1.5cm}}
"""


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value:.0f} %"


def render_html(data: dict[str, Any]) -> str:
    """The report as a self-contained Spanish page for printing (no scripts, fonts or images from elsewhere)."""
    e = escape
    committee, period = data["committee"], data["period"]
    parts = [
        "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\">",
        f"<title>Informe del comité {e(committee['name'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>Informe del comité de contraloría social</h1><p><strong>{e(committee['name'])}</strong> · "
        f"{e(data['municipality']['name'])}<br><span class=\"muted\">Periodo: {e(period['since'])} al "
        f"{e(period['until'])}</span></p>",
        "<h2>Resumen</h2><table><tr><th>Visitas</th><th>Hallazgos</th><th>Reuniones</th><th>Acuerdos</th>"
        "<th>Acuerdos vencidos</th><th>Quejas presentadas</th></tr>",
        f"<tr><td>{len(data['visits'])}</td><td>{sum(data['findings_by_severity'].values())}</td>"
        f"<td>{data['meetings']['count']}</td><td>{data['meetings']['agreements']}</td>"
        f"<td>{data['meetings']['agreements_overdue']}</td><td>{len(data['complaints'])}</td></tr></table>",
        "<h2>Avance observado por obra</h2>",
    ]
    if data["progress_by_work"]:
        parts.append("<table><tr><th>Obra</th><th>Visitas</th><th>Avance oficial</th><th>Último avance observado"
                     "</th><th>Diferencia (puntos)</th></tr>")
        for entry in data["progress_by_work"]:
            gap = "—" if entry["gap_points"] is None else f"{entry['gap_points']:.0f}"
            parts.append(f"<tr><td>{e(entry['work']['identifier'])} · {e(entry['work']['title'])}</td>"
                         f"<td>{entry['visits']}</td><td>{_pct(entry['official_physical_pct'])}</td>"
                         f"<td>{_pct(entry['latest_observed_pct'])}</td><td>{gap}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p class=\"muted\">Sin visitas en el periodo.</p>")
    parts.append("<h2>Visitas y hallazgos</h2>")
    for visit in data["visits"]:
        parts.append(f"<h3>{e(visit['visited_on'])} · {e(visit['work']['identifier'])} "
                     f"{e(visit['work']['title'])}</h3><p>Avance observado: {_pct(visit['observed_physical_pct'])}"
                     f" · Fotografías: {visit['photos']}</p>")
        if visit["findings"]:
            parts.append("<table><tr><th>Hallazgo</th><th>Severidad</th><th>Queja</th></tr>")
            for finding in visit["findings"]:
                sev = finding["severity"]
                parts.append(f"<tr><td>{e(finding['text'])}</td><td class=\"sev-{e(sev)}\">"
                             f"{e(SEVERITY_ES.get(sev, sev))}</td><td>{e(finding['complaint_folio'] or '—')}</td>"
                             "</tr>")
            parts.append("</table>")
        else:
            parts.append("<p class=\"muted\">Sin hallazgos.</p>")
    parts.append("<h2>Quejas presentadas a partir de hallazgos</h2>")
    if data["complaints"]:
        parts.append("<table><tr><th>Folio</th><th>Obra</th><th>Estado</th></tr>")
        for row in data["complaints"]:
            parts.append(f"<tr><td>{e(row['folio'])}</td><td>{e(row['work'])}</td><td>{e(row['state'])}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p class=\"muted\">Ninguna.</p>")
    parts.append("<div class=\"firmas\"><div>Presidencia del comité</div><div>Secretaría del comité</div>"
                 "<div>Contraloría municipal</div></div></body></html>")
    return "".join(parts)
