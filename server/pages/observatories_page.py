"""/publico/{code}/observatorios and /observatorios/{id}: citizen observatories and their published findings, with
their members as the public sees them (a name only with consent, the accreditation's status always)."""

from __future__ import annotations

import uuid
from typing import Any

from server.i18n import N_
from server.observatories import service as observatories
from server.observatories import tracking
from server.pages.common import Where, label
from server.pages.html import Page, day, e, number, section, table, url

WORDS = (
    N_("page_theme_public_security"), N_("page_theme_scholarships"), N_("page_theme_brick_kiln_relocation"),
    N_("page_theme_water"), N_("page_theme_public_works"),
    N_("page_accreditation_valid"), N_("page_accreditation_expired"), N_("page_accreditation_revoked"),
    N_("page_accreditation_not_yet_valid"), N_("page_accreditation_none"),
)


def theme(slug: str, language: str) -> str:
    return label(f"page_theme_{slug}", language, slug.replace("_", " "))


def listing(where: Where) -> Page:
    t, lang = where.words, where.language
    found = tracking.summaries(where.session, municipality=where.municipality)
    items = "".join(
        f'<li><h2><a href="{e(url(f"{where.home}/observatorios/{o.id}", lang))}">{e(o.name)}</a></h2>'
        f'<p class="muted">{e(theme(o.theme, lang))} · '
        f'{e(t("page_observatory_counts", members=o.accredited_members, findings=o.findings))}</p>'
        + (f"<p>{e(o.description)}</p>" if o.description else "") + "</li>" for o in found)
    body = (f"<h1>{e(t('page_observatories_title'))}</h1><p>{e(t('page_observatories_intro'))}</p>"
            + (f'<ul class="cards">{items}</ul>' if items else f"<p>{e(t('page_observatories_none'))}</p>"))
    return Page(path=f"{where.home}/observatorios", title=t("page_observatories_title_in", municipality=where.name),
                description=t("page_observatories_description", count=len(found), municipality=where.name),
                body=body, crumbs=where.crumbs((t("page_observatories_title"), None)), municipality=where.name)


def one(where: Where, observatory_id: uuid.UUID) -> Page:
    t, lang = where.words, where.language
    row = observatories.get(where.session, municipality=where.municipality, observatory_id=observatory_id)
    view = tracking.public(where.session, row, municipality=where.municipality)
    parts = [f"<h1>{e(view.name)}</h1><p class=\"lead\">{e(theme(view.theme, lang))}</p>"]
    if view.description:
        parts.append(f"<p>{e(view.description)}</p>")
    parts.append(section(e(t("page_observatory_findings")), _findings(where, view.findings), ident="hallazgos"))
    if view.indicators:
        rows = [[e(i.name), (number(float(i.latest_value), lang, 2).rstrip("0").rstrip(",.") + " " + e(i.unit))
                 if i.latest_value is not None else "—", e(day(i.latest_observed_on, lang))]
                for i in view.indicators]
        parts.append(section(e(t("page_observatory_indicators")), table(
            e(t("page_observatory_indicators_caption")),
            [e(t("page_col_indicator")), e(t("page_col_latest")), e(t("page_col_date"))], rows, numeric={1}),
            ident="indicadores"))
    works = "".join(f'<li><a href="{e(url(f"{where.home}/obras/{work.id}", lang))}">{e(work.identifier)}</a> · '
                    f"{e(work.title)}</li>" for work in view.works)
    programs = "".join(f"<li>{e(name)}</li>" for name in view.programs)
    if works or programs:
        parts.append(section(e(t("page_observatory_follows")), (f"<ul>{works}</ul>" if works else "")
                             + (f"<ul>{programs}</ul>" if programs else ""), ident="sigue"))
    members = [[e(m.name) if m.name else f'<span class="muted">{e(t("page_member_unnamed"))}</span>',
                e(label(f"page_accreditation_{m.accreditation_status}", lang, m.accreditation_status)),
                e(m.accreditation.number) if m.accreditation and m.name else "—"] for m in view.members]
    if members:
        parts.append(section(e(t("page_observatory_members")), table(
            e(t("page_observatory_members_caption")),
            [e(t("page_col_name")), e(t("page_col_accreditation")), e(t("page_col_accreditation_number"))],
            members), ident="integrantes"))
    return Page(path=f"{where.home}/observatorios/{observatory_id}", title=view.name,
                description=t("page_observatory_description", name=view.name, findings=len(view.findings),
                              municipality=where.name),
                body="".join(parts),
                crumbs=where.crumbs((t("page_observatories_title"), where.home + "/observatorios"),
                                    (view.name, None)),
                og_type="article", municipality=where.name)


def _findings(where: Where, findings: list[Any]) -> str:
    t, lang = where.words, where.language
    if not findings:
        return f"<p>{e(t('page_observatory_no_findings'))}</p>"
    items = []
    for finding in findings:
        evidence = []
        for link in finding.evidence_links:
            if link.get("url"):
                # written by citizen comptrollers: the site's standing goes to none of them (ugc, nofollow)
                evidence.append(f'<li><a href="{e(link["url"])}" rel="nofollow ugc noopener">'
                                f'{e(link["url"])}</a></li>')
            elif link.get("kind") == "work":
                target = url(f"{where.home}/obras/{link['id']}", lang)
                evidence.append(f'<li><a href="{e(target)}">{e(t("page_evidence_work"))}</a></li>')
        author = f" · {e(finding.author)}" if finding.author else ""
        items.append(f'<article class="finding"><h3>{e(finding.title)}</h3><p class="muted">'
                     f'<time datetime="{finding.published_on.isoformat()}">{e(day(finding.published_on, lang))}'
                     f"</time>{author}</p><p>{e(finding.text)}</p>"
                     + (f"<ul>{''.join(evidence)}</ul>" if evidence else "") + "</article>")
    return "".join(items)
