"""/publico, /publico/{code} and /publico/{code}/datos: the municipalities, a municipality's front page (its works
and the way to everything else), and the open data with its licence."""

from __future__ import annotations

from server.complaints import stats
from server.config import get_settings
from server.i18n import N_, translate
from server.municipalities import service as municipalities
from server.pages.common import Where
from server.pages.html import PREFIX, Page, e, pct, section, table, url
from server.pages.works_page import status_label
from server.works import search
from server.works import service as works
from server.works.models import WorkQuery

# Licences people recognise by name; any other URL set in OC4IDS_LICENSE is shown as its address.
LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/": "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)",
    "https://creativecommons.org/licenses/by-sa/4.0/": "Creative Commons Atribución-CompartirIgual 4.0 (CC BY-SA 4.0)",
    "https://creativecommons.org/publicdomain/zero/1.0/": "Creative Commons CC0 1.0 (dominio público)",
    "https://opendatacommons.org/licenses/odbl/1-0/": "Open Data Commons Open Database License (ODbL 1.0)",
    "https://datos.gob.mx/libreusomx": "Términos de Libre Uso MX",
}


def licence() -> tuple[str, str]:
    """The open-data licence (the setting OC4IDS_LICENSE, CC BY 4.0 by default): its address and its name."""
    address = get_settings().oc4ids_license
    return address, LICENCES.get(address, address)


def everywhere(session, language: str) -> Page:
    def t(code: str, **params: object) -> str:
        return translate(code, language, **params)

    items = "".join(f'<li><a href="{e(url(f"{PREFIX}/{m.code}", language))}">{e(m.name)}</a>, {e(m.state)}</li>'
                    for m in municipalities.list_(session))
    return Page(path=PREFIX, title=t("page_municipalities_title"), description=t("page_municipalities_description"),
                body=f"<h1>{e(t('page_municipalities_title'))}</h1><p>{e(t('page_municipalities_intro'))}</p>"
                     f"<ul>{items}</ul>", crumbs=[])


def front(where: Where) -> Page:
    t, lang = where.words, where.language
    rows = search.all_matching(where.session, municipality=where.municipality, query=WorkQuery())
    listed = works.summaries(where.session, rows, municipality=where.municipality, language=lang)
    received = stats.received_count(where.session, municipality=where.municipality)
    at_risk = sum(1 for work in listed if work.risks)
    links = [("estadisticas", "page_stats_title", N_("page_front_stats")),
             ("comites", "page_committees_title", N_("page_front_committees")),
             ("observatorios", "page_observatories_title", N_("page_front_observatories")),
             ("cuadernos", "page_notebooks_title", N_("page_front_notebooks")),
             ("datos", "page_data_title", N_("page_front_data"))]
    nav = "".join(f'<li><a href="{e(url(f"{where.home}/{path}", lang))}">{e(t(title))}</a> '
                  f'<span class="muted">{e(t(about))}</span></li>' for path, title, about in links)
    table_rows = [[f'<a href="{e(url(f"{where.home}/obras/{work.id}", lang))}">{e(work.title)}</a>'
                   f'<br><span class="muted">{e(work.identifier)}</span>',
                   e(status_label(work.status, lang)), e(", ".join(zone.name for zone in work.zones) or "—"),
                   pct(work.progress.physical_official_pct, lang), str(len(work.risks)) if work.risks else "—"]
                  for work in listed]
    body = (f"<h1>{e(t('page_front_title', municipality=where.name))}</h1>"
            f"<p>{e(t('page_front_intro', works=len(listed), at_risk=at_risk, complaints=received))}</p>"
            f'<nav aria-label="{e(t("page_front_sections"))}"><ul class="sections">{nav}</ul></nav>'
            + section(e(t("page_works_title")), table(
                e(t("page_works_caption", count=len(listed))),
                [e(t("page_col_work")), e(t("page_col_status")), e(t("page_col_zone")), e(t("page_col_official")),
                 e(t("page_col_risks"))], table_rows, numeric={3, 4}) if table_rows
                else f"<p>{e(t('page_works_none'))}</p>", ident="obras"))
    return Page(path=where.home, title=t("page_front_title", municipality=where.name),
                description=t("page_front_description", municipality=where.name, works=len(listed)),
                body=body, crumbs=where.crumbs(), municipality=where.name)


def open_data(where: Where) -> Page:
    t, lang = where.words, where.language
    api = f"/api/v1/municipalities/{where.code}"
    exports = [
        (f"{api}/works/export.json", N_("page_data_oc4ids"), "JSON (OC4IDS 0.9)"),
        (f"{api}/works/export.geojson", N_("page_data_geojson"), "GeoJSON"),
        (f"{api}/works/export.csv", N_("page_data_csv"), "CSV (UTF-8)"),
        (f"{api}/zones", N_("page_data_zones"), "GeoJSON"),
        (f"{api}/complaints/public?limit=200", N_("page_data_complaints"), "JSON"),
        (f"/open311/v2/requests.json?jurisdiction_id={where.code}", N_("page_data_open311"),
         "JSON (Open311 GeoReport v2)"),
        (f"/open311/v2/requests.xml?jurisdiction_id={where.code}", N_("page_data_open311"),
         "XML (Open311 GeoReport v2)"),
        (f"{api}/complaints/stats", N_("page_data_stats"), "JSON"),
        (f"{api}/committees", N_("page_data_committees"), "JSON"),
        (f"{api}/committees/parity", N_("page_data_parity"), "JSON"),
        (f"{api}/observatories", N_("page_data_observatories"), "JSON"),
        (f"{api}/audit/entries", N_("page_data_audit"), "JSON"),
        (f"{api}/audit/verify", N_("page_data_audit_verify"), "JSON"),
    ]
    rows = [[f'<a href="{e(path)}">{e(t(title))}</a>', e(kind), f"<code>{e(path)}</code>"]
            for path, title, kind in exports]
    address, name = licence()
    body = (f"<h1>{e(t('page_data_title'))}</h1><p>{e(t('page_data_intro', municipality=where.name))}</p>"
            + section(e(t("page_data_licence")),
                      f'<p>{e(t("page_data_licence_text"))} <a rel="license" href="{e(address)}">{e(name)}</a>.</p>'
                      f'<p class="muted">{e(t("page_data_licence_note"))}</p>', ident="licencia")
            + section(e(t("page_data_downloads")), table(
                e(t("page_data_caption")), [e(t("page_col_data")), e(t("page_col_format")), e(t("page_col_address"))],
                rows), ident="descargas")
            + f'<p>{e(t("page_data_api"))} <a href="/docs">/docs</a>.</p>')
    return Page(path=f"{where.home}/datos", title=t("page_data_title_in", municipality=where.name),
                description=t("page_data_description", municipality=where.name, licence=name),
                body=body, crumbs=where.crumbs((t("page_data_title"), None)), municipality=where.name)
