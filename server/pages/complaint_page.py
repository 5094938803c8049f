"""/publico/{code}/quejas/{folio}: a complaint as the publication policy lets anyone read it (the public view the
API answers, docs/privacy.md), with its public timeline."""

from __future__ import annotations

from typing import Any

from server.complaints import public as complaints
from server.complaints.workflow import State
from server.complaints.workflow import label as state_label
from server.config import get_settings
from server.i18n import N_
from server.pages.common import Where, capital, label
from server.pages.html import Page, day, definitions, e, section, url

WORDS = (
    N_("page_update_transition"), N_("page_update_answer"), N_("page_update_information"),
    N_("page_update_merge"), N_("page_update_assignment"),
    N_("page_outcome_upheld"), N_("page_outcome_not_upheld"),
    N_("page_text_pending"), N_("page_text_withheld"), N_("page_text_restricted"),
)


def render(where: Where, folio: str) -> Page:
    t, lang = where.words, where.language
    view = complaints.by_folio(where.session, municipality=where.municipality, folio=folio, language=lang)
    kind = label(f"kind_{view.kind.value}", lang, view.kind.value)
    parts = [f"<h1>{e(t('page_complaint_title', kind=kind, folio=view.folio))}</h1>",
             f'<p class="lead">{e(view.category_name)}{" · " + e(view.zone) if view.zone else ""}</p>',
             f'<p class="state"><span class="badge">{e(view.state_label)}</span>'
             + (f' <span class="badge late">{e(t("page_complaint_overdue"))}</span>' if view.overdue else "")
             + "</p>"]
    facts = [
        (e(t("page_complaint_kind")), e(kind)),
        (e(t("page_complaint_category")), e(view.category_name)),
        (e(t("page_complaint_zone")), e(view.zone or t("page_complaint_no_zone"))),
        (e(t("page_complaint_received")), e(day(view.received_on, lang))),
        (e(t("page_complaint_due")), e(day(view.due_on, lang))),
        (e(t("page_complaint_outcome")), e(label(f"page_outcome_{view.outcome.value}", lang))
         if view.outcome else ""),
        (e(t("page_complaint_supports")), str(view.support_count) if view.support_count else ""),
    ]
    if view.location and not view.restricted:
        lon, lat = view.location["coordinates"][:2]
        facts.append((e(t("page_complaint_place")), e(t("page_complaint_place_value", lat=f"{lat:.3f}",
                                                                                 lon=f"{lon:.3f}"))))
    parts.append(definitions(facts))
    if view.work_id is not None:
        parts.append(f'<p><a href="{e(url(f"{where.home}/obras/{view.work_id}", lang))}">'
                     f'{e(t("page_complaint_work"))}</a></p>')
    if view.duplicate_of is not None:
        other = complaints.folio_of(where.session, municipality=where.municipality, complaint_id=view.duplicate_of)
        if other:
            parts.append(f'<p>{e(t("page_complaint_duplicate"))} '
                         f'<a href="{e(url(f"{where.home}/quejas/{other}", lang))}">{e(other)}</a></p>')

    if view.description:
        text = f"<blockquote><p>{e(view.description)}</p></blockquote>"
    elif view.restricted:
        text = f'<p class="muted">{e(t("page_text_restricted"))}</p>'
    else:
        reason = "page_text_withheld" if view.text_publication.value == "withheld" else "page_text_pending"
        text = f'<p class="muted">{e(t(reason))}</p>'
    if view.photos:
        sizes = get_settings().photo_variants  # the public copies there are (the smallest shown, the largest linked)
        photos = f"/api/v1/municipalities/{where.code}/photos"
        text += '<ul class="photos">' + "".join(
            f'<li><a href="{e(photos)}/{photo}/{sizes[-1]}">'
            f'<img src="{e(photos)}/{photo}/{sizes[0]}" width="{sizes[0]}" height="{sizes[0] * 3 // 4}" '
            f'loading="lazy" alt="{e(t("page_complaint_photo", n=i + 1))}"></a></li>'
            for i, photo in enumerate(view.photos)) + "</ul>"
    parts.append(section(e(t("page_complaint_text")), text, ident="texto"))
    if view.public_answer:
        parts.append(section(e(t("page_complaint_answer")), f"<blockquote><p>{e(view.public_answer)}</p></blockquote>",
                             ident="respuesta"))
    parts.append(section(e(t("page_complaint_timeline")), _timeline(where, view.updates), ident="historial"))
    parts.append(f'<p class="muted">{e(t("page_complaint_policy"))} '
                 f'<a href="{e(url("/seguimiento", lang))}">{e(t("page_complaint_follow"))}</a></p>')
    description = t("page_complaint_description", kind=kind, folio=view.folio, category=view.category_name,
                    state=view.state_label, municipality=where.name)
    return Page(path=f"{where.home}/quejas/{view.folio}", title=t("page_complaint_title", kind=kind, folio=view.folio),
                description=description, body="".join(parts),
                crumbs=where.crumbs((t("page_stats_title"), where.home + "/estadisticas"), (view.folio, None)),
                og_type="article", municipality=where.name)


def _timeline(where: Where, updates: list[Any]) -> str:
    t, lang = where.words, where.language
    items = []
    for update in updates:
        if update.to_state:
            try:
                what = t("page_update_to", state=state_label(State(update.to_state), lang))
            except ValueError:
                what = label(f"page_update_{update.kind}", lang, update.kind)
        else:
            what = label(f"page_update_{update.kind}", lang, update.kind)
        text = f"<br>{e(update.text)}" if update.text else ""
        items.append(f'<li><time datetime="{update.at.date().isoformat()}">{e(day(update.at, lang))}</time> · '
                     f"{e(capital(what))}{text}</li>")
    return f'<ol class="timeline">{"".join(items)}</ol>' if items else f"<p>{e(t('page_complaint_no_updates'))}</p>"
