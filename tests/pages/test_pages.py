"""The public pages (docs/public-pages.md) through HTTP, on both databases: what a person reads on each page of the
demo in Spanish and in English, the 404 page, the caching headers and 304 on revalidation, valid HTML, the sitemap
and robots.txt, and what no page may show (the publication policy: denuncias and confidential complaints, texts
not yet reviewed, the exact point). The scan of every public surface in tests/complaints/test_privacy.py reads
these pages too."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.factories import bearer, complaint_body, token_for
from tests.pages.markup import problems

HOME = "/publico/10005"
API = "/api/v1/municipalities/10005"
PAGES = Path(__file__).resolve().parents[2] / "server" / "pages"
EXACT = (-104.66583, 24.02791)  # a doorstep: the public sees (-104.666, 24.028)


def text_of(html: str) -> str:
    """The words a person reads: the page without its tags, spaces collapsed."""
    body = re.sub(r"<(script|style|title|desc)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&amp;", "&").replace("&#x27;", "'").strip()


def page(client, path: str, **headers) -> tuple[str, str]:
    """(HTML, the words) of a page that must answer 200 as valid HTML."""
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:500])
    assert answer.headers["content-type"].startswith("text/html")
    found = problems(answer.text)
    assert not found, f"{path}: {found}"
    return answer.text, text_of(answer.text)


def staff(session) -> dict[str, str]:
    return bearer(token_for(session, "contraloria@vigia.example"))


def a_watched_work_at_risk(client) -> dict:
    """A demo work with risk signals that a committee watches, as the API answers it."""
    works = client.get(f"{API}/works", params={"limit": 200}).json()["items"]
    for work in works:
        if work["risks"] and client.get(f"{API}/committees", params={"work_id": work["id"]}).json():
            return client.get(f"{API}/works/{work['id']}").json()
    raise AssertionError("the demo has no watched work with risk signals")


def test_a_work_page_says_what_where_how_far_and_what_is_wrong_in_both_languages(client, session) -> None:
    work = a_watched_work_at_risk(client)
    committees = client.get(f"{API}/committees", params={"work_id": work["id"]}).json()
    progress = client.get(f"{API}/works/{work['id']}/progress").json()
    filed = client.post(f"{API}/complaints", json=complaint_body(
        anonymous=True, work_id=work["id"],
        description="La banqueta nueva de esta obra ya está agrietada frente a la escuela."))
    assert filed.status_code == 201, filed.text
    folio = filed.json()["complaint"]["folio"]

    html, words = page(client, f"{HOME}/obras/{work['id']}")
    assert '<html lang="es">' in html
    assert f"<title>{work['title']} · Vigía</title>".replace("&", "&amp;") in html.replace("&amp;", "&amp;")
    for heading in ("Dónde está", "Avance por fuente", "Señales de riesgo", "Comité de contraloría social",
                    "Quejas de los vecinos", "Documentos"):
        assert heading in words, heading
    assert work["title"] in words and work["identifier"] in words
    for risk in work["risks"]:
        assert risk["message"] in words  # the sentence the API explains it with, and what it means
    assert "Qué significa:" in words
    for committee in committees:
        assert committee["name"] in words and f"{HOME}/comites/{committee['id']}" in html
    assert folio in words and f"{HOME}/quejas/{folio}" in html and "Recibida: 1" in words
    assert '<svg class="map"' in html and "Mapa de la obra" in html  # the map, drawn here
    assert '<svg class="chart"' in html and "Reportes de avance" in words and len(progress) >= 1
    for document in work["documents"]:
        assert document["title"] in words
    assert f'href="/quejas/nueva?obra={work["id"]}"' in html  # file a complaint from the page

    html, words = page(client, f"{HOME}/obras/{work['id']}?lang=en")
    assert '<html lang="en">' in html
    for heading in ("Where it is", "Progress by source", "Risk signals", "Social oversight committee",
                    "Neighbours' complaints", "Documents", "What it means:"):
        assert heading in words, heading
    english = client.get(f"{API}/works/{work['id']}", headers={"Accept-Language": "en"}).json()
    for risk in english["risks"]:
        assert risk["message"] in words
    assert "Received: 1" in words
    assert f'<a class="lang" href="{HOME}/obras/{work["id"]}" hreflang="es" lang="es">Español</a>' in html


def test_a_complaint_page_shows_only_what_the_publication_policy_allows(client, session) -> None:
    headers = staff(session)
    work = client.get(f"{API}/works", params={"limit": 1}).json()["items"][0]
    private = "Nadie ha revisado este texto: el bache frente al número 417 de Aquiles Serdán sigue abierto."
    body = complaint_body(anonymous=True, description=private, work_id=work["id"], address="Callejón del Aguacate 417",
                          location={"type": "Point", "coordinates": list(EXACT)})
    complaint = client.post(f"{API}/complaints", json=body).json()["complaint"]
    html, words = page(client, f"{HOME}/quejas/{complaint['folio']}")
    assert f"Queja {complaint['folio']}" in words and "Recibida" in words
    assert "El texto se publicará cuando la contraloría lo revise." in words
    assert private not in html and "Aguacate" not in html and "-104.66583" not in html and "24.02791" not in html
    assert "cerca de 24.028, -104.666 (redondeado a unos 100 m)" in words
    assert "Nuevo estado: Recibida" in words and f"{HOME}/obras/{work['id']}" in html

    version = client.get(f"{API}/complaints/{complaint['id']}", headers=headers).json()["version"]
    moderated = client.post(f"{API}/complaints/{complaint['id']}/moderation", headers=headers, json={
        "version": version, "text": "approve", "reason": "Sin datos personales"})
    assert moderated.status_code == 200, moderated.text
    moved = client.post(f"{API}/complaints/{complaint['id']}/transitions", headers=headers, json={
        "to": "admitted", "reason": "Motivo reservado de la contraloría", "version": moderated.json()["version"]})
    assert moved.status_code == 200, moved.text
    html, words = page(client, f"{HOME}/quejas/{complaint['folio']}")
    assert private in words and "Nuevo estado: Admitida" in words
    assert "Motivo reservado" not in html and "Sin datos personales" not in html
    html, words = page(client, f"{HOME}/quejas/{complaint['folio']}?lang=en")
    assert f"Complaint {complaint['folio']}" in words and "New state: Admitted" in words
    assert "What the complaint says" in words and private in words

    denuncia = client.post(f"{API}/complaints", json=complaint_body(
        anonymous=True, kind="report", category="cobro-indebido", work_id=work["id"],
        description="El inspector Anacleto Barraza cobró 800 pesos a cada puesto para no clausurar la obra.")
    ).json()["complaint"]
    html, words = page(client, f"{HOME}/quejas/{denuncia['folio']}")
    assert f"Denuncia {denuncia['folio']}" in words and "Anacleto" not in html
    assert "solo se publican su categoría, colonia, estado y fechas" in words
    assert f"{HOME}/obras/" not in html.split('id="contenido"')[1].split("</main>")[0]  # its work is not public
    _, words = page(client, f"{HOME}/obras/{work['id']}")
    assert complaint["folio"] in words and denuncia["folio"] not in words


@pytest.mark.parametrize("path", [
    f"{HOME}/quejas/10005-1999-999999", f"{HOME}/obras/0192f100-0001-7000-8000-00000000dead",
    f"{HOME}/comites/0192f100-0001-7000-8000-00000000dead", f"{HOME}/observatorios/not-an-id",
    "/publico/99999", "/publico/99999/estadisticas", f"{HOME}/no-existe",
])
def test_what_is_not_there_is_a_404_page_in_words(client, path) -> None:
    answer = client.get(path)
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")
    assert "No encontramos esta página" in text_of(answer.text)
    assert '<meta name="robots" content="noindex">' in answer.text
    assert not problems(answer.text)
    english = client.get(path, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 404 and "We could not find this page" in text_of(english.text)


def test_an_address_with_a_trailing_slash_leads_to_the_page(client) -> None:
    answer = client.get(f"{HOME}/comites/?lang=en", follow_redirects=False)
    assert answer.status_code == 308 and answer.headers["location"] == f"{HOME}/comites?lang=en"
    assert client.get("/publico/").status_code == 200


def test_another_municipalitys_records_are_not_shown_under_this_one(client) -> None:
    work = client.get(f"{API}/works", params={"limit": 1}).json()["items"][0]
    complaint = client.get(f"{API}/complaints/public", params={"limit": 1}).json()[0]
    assert client.get(f"/publico/10007/obras/{work['id']}").status_code == 404
    assert client.get(f"/publico/10007/quejas/{complaint['folio']}").status_code == 404


def test_the_register_pages_read_in_both_languages(client) -> None:
    committees = client.get(f"{API}/committees").json()
    _, words = page(client, f"{HOME}/comites")
    assert "Comités de contraloría social" in words and all(c["name"] in words for c in committees)
    assert "Paridad" in words
    one = next(c for c in committees if c["members"])
    entry = client.get(f"{API}/committees/{one['id']}").json()
    html, words = page(client, f"{HOME}/comites/{one['id']}")
    assert one["name"] in words and "Informe público" in words and "Versión para imprimir" in words
    assert f"{API}/committees/{one['id']}/public-report.html" in html
    for member in entry["active_members"]:
        assert member["name"] in words
    meetings = client.get(f"{API}/committees/{one['id']}/public-report").json()["meetings"]
    # the public report's numbers, in words that agree with any count ("1 cumplidos" did not)
    assert (f"Acuerdos {meetings['agreements']} (cumplidos: {meetings['agreements_done']}; "
            f"vencidos: {meetings['agreements_overdue']})") in words
    _, words = page(client, f"{HOME}/comites/{one['id']}?lang=en")
    assert "Public report" in words and "Printable version" in words

    observatories = client.get(f"{API}/observatories").json()
    _, words = page(client, f"{HOME}/observatorios")
    assert "Observatorios ciudadanos" in words and all(o["name"] in words for o in observatories)
    published = next(o for o in observatories if o["findings"])
    view = client.get(f"{API}/observatories/{published['id']}").json()
    html, words = page(client, f"{HOME}/observatorios/{published['id']}")
    assert "Hallazgos publicados" in words and all(f["title"] in words for f in view["findings"])
    # links that citizen comptrollers wrote lend this site's standing to no one (rel="ugc nofollow")
    outside = re.findall(r'<a href="(https?://[^"]+)"([^>]*)>', html)
    assert outside and all('rel="nofollow ugc noopener"' in attributes for _, attributes in outside), outside
    _, words = page(client, f"{HOME}/observatorios/{published['id']}?lang=en")
    assert "Published findings" in words

    html, words = page(client, f"{HOME}/datos")
    for export in ("works/export.json", "works/export.geojson", "works/export.csv", "zones", "complaints/stats"):
        assert f'href="{API}/{export}"' in html, export
    assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)" in words
    _, words = page(client, f"{HOME}/datos?lang=en")
    assert "These data are published under the licence" in words

    works = client.get(f"{API}/works", params={"limit": 200}).json()["items"]
    html, words = page(client, HOME)
    assert all(f"{HOME}/obras/{work['id']}" in html for work in works)
    _, words = page(client, "/publico")
    assert "Durango" in words


def test_the_statistics_page_shows_the_apis_figures(client) -> None:
    figures = client.get(f"{API}/complaints/stats").json()
    html, words = page(client, f"{HOME}/estadisticas")
    share = round(figures["answered_on_time"]["share"] * 100)
    assert f"{figures['total']} quejas recibidas" in words
    assert f"{figures['overdue']} fuera de plazo y sin resolver" in words
    assert f"{share} % respondidas en plazo (las vencidas sin respuesta cuentan como tarde)" in words
    late = figures["answered_on_time"]
    assert f"Sin respuesta y con el plazo vencido (cuentan como tarde) {late['unanswered_past_due']}" in words
    median = figures["time_to_first_response"]["median_business_days"]
    assert f"{median:g}".replace(".", ",") + " días hábiles: mediana hasta la primera respuesta" in words
    for month in figures["monthly"]:
        assert f"{month['month']} {month['received']} {month['answered_on_time']} {month['answer_late']}" in words
    assert html.count("<svg") >= 3 and figures["answered_on_time"]["definition"] in words
    _, words = page(client, f"{HOME}/estadisticas?lang=en")
    assert f"{share} % answered within the term (unanswered overdue ones count as late)" in words


def test_the_front_page_counts_every_complaint_received_as_the_statistics_do(client) -> None:
    total = client.get(f"{API}/complaints/stats").json()["total"]
    _, words = page(client, HOME)
    assert f"Quejas recibidas: {total}." in words
    filed = client.post(f"{API}/complaints", json=complaint_body(
        anonymous=True, description="El alumbrado de la calle lleva dos semanas apagado por las noches."))
    assert filed.status_code == 201, filed.text
    _, words = page(client, HOME)
    assert f"Quejas recibidas: {total + 1}." in words
    assert client.get(f"{API}/complaints/stats").json()["total"] == total + 1


def test_the_monthly_chart_names_its_months_so_that_no_one_reads_a_day(client) -> None:
    """The chart's months were "26-06" (read as the 26th of June): now the month's short name, and the year under
    the first month and each January."""
    first = client.get(f"{API}/complaints/stats").json()["monthly"][0]["month"]
    for lang, june in (("", "jun"), ("?lang=en", "Jun")):
        html, _ = page(client, f"{HOME}/estadisticas{lang}")
        chart = re.search(r'<svg[^>]*aria-labelledby="mensual[^"]*".*?</svg>', html, re.S).group(0)
        ticks = re.findall(r'text-anchor="middle" fill="#333">([^<]+)</text>', chart)
        assert first[:4] in ticks and not [tick for tick in ticks if re.fullmatch(r"\d\d-\d\d", tick)], ticks
        assert june in ticks or first[5:] != "06", ticks


def test_each_page_has_its_title_description_canonical_open_graph_and_one_stylesheet(client) -> None:
    work = client.get(f"{API}/works", params={"limit": 1}).json()["items"][0]
    path = f"{HOME}/obras/{work['id']}"
    html, _ = page(client, path)
    assert re.search(r'<meta name="description" content="[^"]{50,}">', html)
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{path}?lang=en">' in html
    for tag in ("og:title", "og:description", "og:url", "og:type", "og:site_name", "og:locale"):
        assert f'<meta property="{tag}" content="' in html, tag
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert len(sheets) == 1 and re.fullmatch(r"/publico/estilo-[0-9a-f]{12}\.css", sheets[0])
    css = client.get(sheets[0])
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable" and "@media print" in css.text
    english, _ = page(client, path, **{"Accept-Language": "en"})
    assert '<html lang="en">' in english and f'<link rel="canonical" href="http://testserver{path}">' in english
    chosen, _ = page(client, path + "?lang=en")
    assert f'<link rel="canonical" href="http://testserver{path}?lang=en">' in chosen
    answer = client.get(path)
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy


def test_pages_are_cached_briefly_and_revalidate_with_304(client, session) -> None:
    work = client.get(f"{API}/works", params={"limit": 1}).json()["items"][0]
    path = f"{HOME}/obras/{work['id']}"
    first = client.get(path)
    assert first.headers["cache-control"] == "public, max-age=300" and "Accept-Language" in first.headers["vary"]
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert parsedate_to_datetime(modified) and re.fullmatch(r'W/"[0-9a-f]{32}"', etag)
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": etag, "Accept-Language": "en"}).status_code == 200

    recorded = client.post(f"{API}/works/{work['id']}/progress", headers=staff(session), json={
        "observed_on": first.headers["last-modified"] and "2026-01-15", "physical_pct": 12.5, "source": "citizen",
        "reference": "Recorrido vecinal 77"})
    assert recorded.status_code == 201, recorded.text
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Recorrido vecinal 77" in changed.text and changed.headers["etag"] != etag
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 200
    assert client.get(f"{HOME}/quejas/no-existe").headers["cache-control"] == "no-cache"


def test_the_sitemap_and_robots_txt_invite_search_engines_to_every_public_page(client) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Allow: /publico/" in robots.text and "Disallow: /api/" in robots.text
    assert "Sitemap: http://testserver/sitemap.xml" in robots.text
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    listed = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://testserver/publico/10005/sitemap.xml" in listed
    sitemap = client.get("/publico/10005/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap.headers["content-type"].startswith("application/xml")
    urls = {loc.text for loc in ElementTree.fromstring(sitemap.content).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    base = "http://testserver" + HOME
    assert {base, f"{base}/estadisticas", f"{base}/comites", f"{base}/observatorios", f"{base}/datos"} <= urls
    for work in client.get(f"{API}/works", params={"limit": 200}).json()["items"]:
        assert f"{base}/obras/{work['id']}" in urls
    for committee in client.get(f"{API}/committees").json():
        assert f"{base}/comites/{committee['id']}" in urls
    drafts = [c for c in client.get(f"{API}/committees").json() if c["state"] == "draft"]
    assert not drafts  # the public register has none, and neither has the sitemap
    complaint = client.get(f"{API}/complaints/public", params={"limit": 1}).json()[0]
    assert f"{base}/quejas/{complaint['folio']}" in urls
    sample = sorted(urls)[:: max(len(urls) // 12, 1)]
    for url in sample:  # every address listed is a page
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_the_field_app_leaves_the_public_pages_to_the_server(client) -> None:
    answer = client.get("/publico/10005/otra-cosa")
    assert answer.status_code == 404 and "No encontramos esta página" in answer.text
    assert client.get("/publico/10005").text.count('id="contenido"') == 1  # the server's page, not the app shell
    service_worker = (PAGES.parents[1] / "pwa" / "src" / "sw.js").read_text()
    assert "url.pathname.startsWith('/publico/')" in service_worker


def test_the_pages_read_the_domains_through_their_services_only() -> None:
    """No query of its own: the pages show what the domains' public services answer (the policy applied)."""
    for source in PAGES.glob("*.py"):
        text = source.read_text()
        for forbidden in ("import sqlalchemy", "from sqlalchemy", "sqlmodel", "session.execute", "session.scalar",
                          "session.get(", ".select("):
            assert forbidden not in text, f"{source.name} uses {forbidden!r}"


@pytest.mark.parametrize("lang", ["", "?lang=en"])
def test_every_link_of_the_front_statistics_and_data_pages_leads_somewhere(client, lang) -> None:
    """A reader of the English pages follows their links too: the API's addresses take no ?lang (the API answers
    an unknown query parameter with 422), only the pages' own addresses carry it."""
    for path in (HOME, f"{HOME}/estadisticas", f"{HOME}/datos"):
        html, _ = page(client, path + lang)
        for link in sorted(set(re.findall(r'href="(/[^"]*)"', html))):
            link = link.replace("&amp;", "&")
            if link.startswith("/api/"):
                assert "lang=" not in link, (path, link)
            assert client.get(link).status_code == 200, (path + lang, link)


def test_the_english_pages_links_stay_in_english(client) -> None:
    """?lang=en before a fragment, or the fragment swallows it (the work page's breadcrumb led to the Spanish
    front page), and the footer's API reference in English too."""
    work = client.get(f"{API}/works", params={"limit": 1}).json()["items"][0]
    html, _ = page(client, f"{HOME}/obras/{work['id']}?lang=en")
    links = set(re.findall(r'href="([^"]+)"', html.replace("&amp;", "&")))
    assert f"{HOME}?lang=en#obras" in links and not [link for link in links if re.search(r"#[^?]*\?", link)]
    assert "/docs?lang=en" in links
    html, _ = page(client, f"{HOME}/obras/{work['id']}")
    assert f'href="{HOME}#obras"' in html and 'href="/docs"' in html


def test_amounts_carry_the_dollar_sign_only_for_pesos_and_dollars() -> None:
    from server.pages.html import money

    assert money(2750000, "MXN", "es") == "$2\u202f750\u202f000,00 MXN"
    assert money(2750000, "MXN", "en") == "$2,750,000.00 MXN"
    assert money(1500, "PEN", "es") == "1500,00 PEN"  # a Peruvian municipality's soles were "$1500,00 PEN"
