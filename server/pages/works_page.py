"""/publico/{code}/obras/{work_id}: a work as a journalist expects it: what it is, where, how far along by each
source, its risk signals in words, who watches it, what neighbours said, and its documents."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from server.auth.actor import ANONYMOUS
from server.committees import service as committees
from server.committees.schemas import CommitteeQuery
from server.complaints import public as complaints
from server.i18n import N_
from server.municipalities import service as municipalities
from server.pages import svg
from server.pages.common import Where, capital, label
from server.pages.html import Page, day, definitions, e, money, pct, section, table, url
from server.works import service as works

# Words of codes looked up by a name built at run time (docs/translating.md).
WORDS = (
    N_("page_work_status_identification"), N_("page_work_status_preparation"),
    N_("page_work_status_implementation"), N_("page_work_status_completion"), N_("page_work_status_maintenance"),
    N_("page_work_status_decommissioning"), N_("page_work_status_decommissioned"),
    N_("page_work_status_cancelled"),
    N_("page_risk_about_progress_gap"), N_("page_risk_about_financial_ahead"), N_("page_risk_about_stalled"),
    N_("page_risk_about_cost_growth"), N_("page_severity_high"), N_("page_severity_medium"),
    N_("page_source_official"), N_("page_source_committee"), N_("page_source_citizen"),
    N_("page_series_official"), N_("page_series_financial"), N_("page_series_committee"),
    N_("page_series_citizen"),
)


def status_label(status: str, language: str) -> str:
    return label(f"page_work_status_{status}", language, status)


def render(where: Where, work_id: uuid.UUID) -> Page:
    t, session, lang = where.words, where.session, where.language
    row = works.get(session, municipality=where.municipality, work_id=work_id)
    work = works.public(session, row, municipality=where.municipality, language=lang)
    progress = works.list_progress(session, municipality=where.municipality, work_id=work_id)
    watching = committees.list_(session, actor=ANONYMOUS, municipality=where.municipality,
                                query=CommitteeQuery(work_id=work_id))
    said = complaints.for_work(session, municipality=where.municipality, work_id=work_id, language=lang)
    zones = ", ".join(zone.name for zone in work.zones)
    status = status_label(work.status, lang)
    base = f"{where.home}/obras/{work_id}"

    lead = [e(work.identifier), e(status)]
    if zones:
        lead.append(e(zones))
    parts = [f"<h1>{e(work.title)}</h1><p class=\"lead\">{' · '.join(lead)}</p>"]
    if work.risks:
        parts.append(f'<p class="alert">{e(t("page_work_risk_count", count=len(work.risks)))} '
                     f'<a href="#riesgos">{e(t("page_work_risk_see"))}</a></p>')
    summary = [
        (e(t("page_work_physical_official")), pct(work.progress.physical_official_pct, lang)),
        (e(t("page_work_financial_official")), pct(work.progress.financial_official_pct, lang)),
    ]
    if work.progress.physical_observed_pct is not None:
        source = label(f"page_source_{work.progress.physical_observed_source}", lang)
        summary.append((e(t("page_work_physical_observed", source=source)),
                        pct(work.progress.physical_observed_pct, lang)))
    summary += [
        (e(t("page_work_budget")), money(work.budget_amount, work.currency, lang)),
        (e(t("page_work_contract_value")), money(work.contract_value, work.currency, lang)
         if work.contract_value is not None else ""),
        (e(t("page_work_current_value")), money(work.current_contract_value, work.currency, lang)
         if work.current_contract_value not in (None, work.contract_value) else ""),
        (e(t("page_work_contractor")), e(work.contractor or "")),
        (e(t("page_work_contract_number")), e(work.contract_number or "")),
        (e(t("page_work_funding")), e(work.funding_source or "")),
        (e(t("page_work_program")), e(work.program or "")),
        (e(t("page_work_planned")), e(t("page_period", since=day(work.planned_start, lang),
                                        until=day(work.planned_end, lang)))
         if work.planned_start or work.planned_end else ""),
        (e(t("page_work_actual")), e(t("page_period", since=day(work.actual_start, lang),
                                       until=day(work.actual_end, lang)) if work.actual_end else
                                     t("page_work_started", day=day(work.actual_start, lang)))
         if work.actual_start else ""),
    ]
    parts.append(definitions(summary))
    if work.description:
        parts.append(f"<p>{e(work.description)}</p>")
    if work.purpose:
        parts.append(f"<p><strong>{e(t('page_work_purpose'))}</strong> {e(work.purpose)}</p>")
    parts.append(f'<p class="actions"><a class="button" href="{e(url("/quejas/nueva", lang, obra=str(work_id)))}">'
                 f'{e(t("page_work_complain"))}</a></p>')

    parts.append(_where(where, work, zones))
    parts.append(_progress(where, progress))
    parts.append(_risks(where, work))
    parts.append(_committees(where, watching))
    parts.append(_complaints(where, said))
    parts.append(_documents(where, work))
    parts.append(f'<p class="muted">{e(t("page_work_updated", day=day(work.updated_at, lang)))} · '
                 f'<a href="/api/v1/municipalities/{e(where.code)}/works/{work_id}">'
                 f'{e(t("page_work_json"))}</a></p>')
    pct_text = pct(work.progress.physical_official_pct, lang)
    description = t("page_work_description", identifier=work.identifier, status=status, progress=pct_text,
                    municipality=where.name, zones=zones or where.name)
    return Page(path=base, title=work.title, description=description, body="".join(parts),
                crumbs=where.crumbs((t("page_works_title"), where.home + "#obras"), (work.identifier, None)),
                og_type="article", municipality=where.name)


def _where(where: Where, work: Any, zones: str) -> str:
    t = where.words
    outlines: list[dict[str, Any]] = []
    touched = {zone.code for zone in work.zones}
    if touched:
        collection = municipalities.zones_geojson(where.session, code=where.code)
        outlines = [feature.geometry for feature in collection.features if feature.id in touched]
    if not outlines:
        outlines = [municipalities.public(where.municipality).boundary]
    area = zones or where.name
    if work.geometry is None:
        body = f"<p>{e(t('page_work_no_geometry'))}</p>"
    else:
        body = svg.location_map(work.geometry, outlines, title=t("page_map_title", title=work.title),
                                description=t("page_map_description", area=area), language=where.language)
        body = f'<figure>{body}<figcaption>{e(t("page_map_caption", area=area))}</figcaption></figure>'
    if work.location_description:
        body += f"<p>{e(work.location_description)}</p>"
    return section(e(t("page_work_where")), body, ident="ubicacion")


def _progress(where: Where, observations: list[Any]) -> str:
    t, lang = where.words, where.language
    if not observations:
        return section(e(t("page_work_progress")), f"<p>{e(t('page_work_no_progress'))}</p>", ident="avance")
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    rows = []
    for item in observations:
        source = str(getattr(item.source, "value", item.source))
        if item.physical_pct is not None:
            series[source].append((item.observed_on, item.physical_pct))
        if item.financial_pct is not None:
            series["financial"].append((item.observed_on, item.financial_pct))
        rows.append([e(day(item.observed_on, lang)), e(label(f"page_source_{source}", lang, source)),
                     pct(item.physical_pct, lang), pct(item.financial_pct, lang), e(item.reference or "")])
    ordered = {key: series[key] for key in ("official", "financial", "committee", "citizen") if series.get(key)}
    labels = {key: label(f"page_series_{key}", lang, key) for key in ordered}
    chart = svg.progress_chart(ordered, labels, title=t("page_progress_chart_title"),
                               description=t("page_progress_chart_description"))
    body = (f'<figure>{chart}<figcaption>{e(t("page_progress_chart_caption"))}</figcaption></figure>'
            + table(e(t("page_progress_table")), [e(t("page_col_date")), e(t("page_col_source")),
                                                  e(t("page_col_physical")), e(t("page_col_financial")),
                                                  e(t("page_col_reference"))], rows, numeric={2, 3}))
    return section(e(t("page_work_progress")), body, ident="avance")


def _risks(where: Where, work: Any) -> str:
    t, lang = where.words, where.language
    if not work.risks:
        return section(e(t("page_work_risks")), f"<p>{e(t('page_work_no_risks'))}</p>", ident="riesgos")
    items = "".join(
        f'<li class="risk {e(risk.severity)}"><strong>{e(capital(label(f"page_severity_{risk.severity}", lang)))}'
        f"</strong> {e(risk.message)}<br><span class=\"muted\">{e(label(f'page_risk_about_{risk.code}', lang))}"
        "</span></li>" for risk in work.risks)
    body = f"<p>{e(t('page_work_risks_intro'))}</p><ul class=\"risks\">{items}</ul>"
    return section(e(t("page_work_risks")), body, ident="riesgos")


def _committees(where: Where, watching: list[Any]) -> str:
    t, lang = where.words, where.language
    if not watching:
        body = f"<p>{e(t('page_work_no_committee'))}</p>"
    else:
        body = "<ul>" + "".join(
            f'<li><a href="{e(url(f"{where.home}/comites/{c.id}", lang))}">{e(c.name)}</a> · '
            f'{e(label(f"membership_committee_{c.state.value}", lang))} · '
            f'{e(t("page_members_count", count=c.members))}</li>' for c in watching) + "</ul>"
    return section(e(t("page_work_committee")), body, ident="comite")


def _complaints(where: Where, said: Any) -> str:
    t, lang = where.words, where.language
    if not said.total:
        body = f"<p>{e(t('page_work_no_complaints'))}</p>"
    else:
        counts = "".join(f"<li>{e(text)}: <strong>{count}</strong></li>" for text, count in said.by_state)
        latest = "".join(
            f'<li><a href="{e(url(f"{where.home}/quejas/{c.folio}", lang))}">{e(c.folio)}</a> · '
            f"{e(c.category_name)} · {e(c.state_label)} · {e(day(c.received_on, lang))}</li>" for c in said.latest)
        body = (f"<p>{e(t('page_work_complaints_total', count=said.total))}</p><ul class=\"counts\">{counts}</ul>"
                f"<h3>{e(t('page_work_complaints_latest'))}</h3><ul>{latest}</ul>")
    body += f"<p class=\"muted\">{e(t('page_work_complaints_note'))}</p>"
    return section(e(t("page_work_complaints")), body, ident="quejas")


def _documents(where: Where, work: Any) -> str:
    t, lang = where.words, where.language
    if not work.documents:
        return section(e(t("page_work_documents")), f"<p>{e(t('page_work_no_documents'))}</p>", ident="documentos")
    items = []
    for document in work.documents:
        title = e(document.get("title") or "")
        link = document.get("url")
        shown = f'<a href="{e(link)}" rel="noopener">{title}</a>' if link else title
        when = document.get("datePublished")
        if when:
            shown += f' <span class="muted">· {e(day(date.fromisoformat(str(when)[:10]), lang))}</span>'
        items.append(f"<li>{shown}</li>")
    return section(e(t("page_work_documents")), "<ul>" + "".join(items) + "</ul>", ident="documentos")
