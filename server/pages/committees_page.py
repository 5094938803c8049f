"""/publico/{code}/comites and /comites/{id}: the public register of committees and each committee's entry with
its public report (the same content as `…/committees/{id}/public-report`, whose printable page it links)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from server.auth.actor import ANONYMOUS
from server.committees import parity
from server.committees import service as committees
from server.committees.schemas import CommitteeQuery
from server.inspections import report
from server.pages.common import Where, capital, label
from server.pages.html import Page, day, definitions, e, number, section, table, url


def register(where: Where) -> Page:
    t, lang = where.words, where.language
    listed = committees.list_(where.session, actor=ANONYMOUS, municipality=where.municipality,
                              query=CommitteeQuery())
    rows = [[f'<a href="{e(url(f"{where.home}/comites/{c.id}", lang))}">{e(c.name)}</a>',
             e(label(f"committee_kind_{c.kind.value}", lang)),
             e(label(f"membership_committee_{c.state.value}", lang)),
             e(c.registration_number or "—"),
             ", ".join(e(work.identifier) for work in c.works) or "—",
             str(c.members)] for c in listed]
    parts = [f"<h1>{e(t('page_committees_title'))}</h1><p>{e(t('page_committees_intro'))}</p>"]
    if rows:
        parts.append(table(e(t("page_committees_table", count=len(rows))),
                           [e(t("page_col_committee")), e(t("page_col_kind")), e(t("page_col_state")),
                            e(t("page_col_registration")), e(t("page_col_works")), e(t("page_col_members"))],
                           rows, numeric={5}))
    else:
        parts.append(f"<p>{e(t('page_committees_none'))}</p>")
    balance = parity.for_municipality(where.session, municipality=where.municipality)
    if balance.members:
        parts.append(section(e(t("page_parity_title")), "<p>" + e(t(
            "page_parity_text", members=balance.members, women=balance.by_sex.get("F", 0),
            share=number((balance.women_share or 0) * 100, lang), chairs=balance.chairs_held_by_women,
            committees=balance.committees)) + "</p>", ident="paridad"))
    return Page(path=f"{where.home}/comites", title=t("page_committees_title_in", municipality=where.name),
                description=t("page_committees_description", count=len(rows), municipality=where.name),
                body="".join(parts), crumbs=where.crumbs((t("page_committees_title"), None)),
                municipality=where.name)


def one(where: Where, committee_id: uuid.UUID) -> Page:
    t, lang = where.words, where.language
    view = committees.public(where.session, actor=ANONYMOUS, municipality=where.municipality,
                             committee_id=committee_id)
    today = committees.today_in(where.municipality)
    data = report.compile_public(where.session, municipality=where.municipality, committee_id=committee_id,
                                 since=today - timedelta(days=364), until=today, language=lang)
    kind = label(f"committee_kind_{view.kind.value}", lang)
    state = label(f"membership_committee_{view.state.value}", lang)
    parts = [f"<h1>{e(view.name)}</h1><p class=\"lead\">{e(kind)} · {e(state)}</p>",
             definitions([(e(t("page_col_registration")), e(view.registration_number or "")),
                          (e(t("page_committee_program")), e(view.program or "")),
                          (e(t("page_col_members")), str(view.members))])]
    works = "".join(f'<li><a href="{e(url(f"{where.home}/obras/{work.id}", lang))}">{e(work.identifier)}</a> · '
                    f"{e(work.title)}</li>" for work in view.works)
    parts.append(section(e(t("page_committee_works")), f"<ul>{works}</ul>" if works else
                         f"<p>{e(t('page_committee_no_works'))}</p>", ident="obras"))
    members = [[e(m.name) if m.named else f'<span class="muted">{e(m.name)}</span>', e(m.role_label)]
               for m in data.committee.members]
    parts.append(section(e(t("page_committee_members")), table(
        e(t("page_committee_members_caption")), [e(t("page_col_name")), e(t("page_col_role"))], members)
        if members else f"<p>{e(t('page_committee_no_members'))}</p>", ident="integrantes"))
    steps = "".join(
        f'<li><time datetime="{event.on.isoformat()}">{e(day(event.on, lang))}</time> · '
        f'{e(capital(label(f"membership_committee_{event.to_state}", lang, event.to_state)))}'
        + (f" · {e(event.document)}" if event.document else "") + "</li>" for event in view.timeline)
    parts.append(section(e(t("page_committee_timeline")), f'<ol class="timeline">{steps}</ol>', ident="historial"))
    parts.append(section(e(t("page_committee_report")), _report(where, data, committee_id), ident="informe"))
    return Page(path=f"{where.home}/comites/{committee_id}", title=view.name,
                description=t("page_committee_description", name=view.name, kind=kind, state=state,
                              municipality=where.name),
                body="".join(parts),
                crumbs=where.crumbs((t("page_committees_title"), where.home + "/comites"), (view.name, None)),
                municipality=where.name)


def _report(where: Where, data: Any, committee_id: uuid.UUID) -> str:
    t, lang = where.words, where.language
    meetings = data.meetings
    findings = sum(item.count for item in data.findings_by_severity)
    facts = f'<p class="muted">{e(data.period.text)}</p>' + definitions([
        (e(t("page_report_visits")), str(len(data.visits))),
        (e(t("page_report_findings")), str(findings)),
        (e(t("page_report_meetings")), str(meetings.count)),
        (e(t("page_report_agreements")), e(t("page_report_agreements_value", total=meetings.agreements,
                                             done=meetings.agreements_done, overdue=meetings.agreements_overdue))),
        (e(t("page_report_complaints")), str(len(data.complaints))),
    ])
    rows = [[e(entry.work.identifier), e(f"{entry.official_physical_pct:.0f} %" if entry.official_physical_pct
                                          is not None else "—"),
             e(f"{entry.latest_observed_pct:.0f} %" if entry.latest_observed_pct is not None else "—"),
             str(entry.visits)] for entry in data.progress_by_work]
    progress = table(e(t("page_report_progress")), [e(t("page_col_work")), e(t("page_col_official")),
                                                     e(t("page_col_observed")), e(t("page_col_visits"))],
                     rows, numeric={1, 2, 3}) if rows else ""
    folios = "".join(f'<li><a href="{e(url(f"{where.home}/quejas/{c.folio}", lang))}">{e(c.folio)}</a> · '
                     f"{e(c.category_name)} · {e(c.state_label)}</li>" for c in data.complaints)
    printable = f"/api/v1/municipalities/{where.code}/committees/{committee_id}/public-report.html"
    return (facts + progress + (f"<ul>{folios}</ul>" if folios else "")
            + f'<p class="muted">{e(data.note)}</p><p><a class="button" href="{e(url(printable, lang))}">'
            f'{e(t("page_report_print"))}</a></p>')
