"""/sitemap.xml (an index of every municipality's sitemap), /publico/{code}/sitemap.xml (its public pages) and
/robots.txt: what search engines are invited to read."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from server.auth.actor import ANONYMOUS
from server.committees import service as committees
from server.committees.schemas import CommitteeQuery
from server.complaints import public as complaints
from server.municipalities import service as municipalities
from server.observatories import tracking
from server.pages import notebooks_page
from server.pages.common import Where
from server.pages.html import PREFIX
from server.works import search
from server.works.models import WorkQuery

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# A sitemap holds at most 50,000 addresses (sitemaps.org); the newest complaints fill what the other pages leave.
MOST = 50_000


def _stamp(value: datetime | None) -> str:
    return f"<lastmod>{value.date().isoformat()}</lastmod>" if value is not None else ""


def index(session, base_url: str) -> str:
    entries = "".join(f"<sitemap><loc>{escape(base_url)}{PREFIX}/{escape(m.code)}/sitemap.xml</loc></sitemap>"
                      for m in municipalities.list_(session))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{XMLNS}">{entries}</sitemapindex>\n'


def paths(where: Where) -> list[tuple[str, datetime | None]]:
    """Every public page of the municipality, with when its main record last changed where one does."""
    home = where.home
    found: list[tuple[str, datetime | None]] = [
        (home, None), (f"{home}/estadisticas", None), (f"{home}/comites", None), (f"{home}/observatorios", None),
        (f"{home}/cuadernos", None), (f"{home}/datos", None)]
    for work in search.all_matching(where.session, municipality=where.municipality, query=WorkQuery()):
        found.append((f"{home}/obras/{work.id}", work.updated_at))
    for committee in committees.list_(where.session, actor=ANONYMOUS, municipality=where.municipality,
                                      query=CommitteeQuery()):
        found.append((f"{home}/comites/{committee.id}", None))
    for observatory in tracking.summaries(where.session, municipality=where.municipality):
        found.append((f"{home}/observatorios/{observatory.id}", observatory.updated_at))
    for notebook_id, changed in notebooks_page.public_ids(where):  # published and withdrawn, as the public reads
        found.append((f"{home}/cuadernos/{notebook_id}", changed))
    for folio, updated in complaints.folios(where.session, municipality=where.municipality,
                                            limit=max(MOST - len(found), 0)):
        found.append((f"{home}/quejas/{folio}", updated))
    return found[:MOST]


def urlset(where: Where, base_url: str) -> str:
    entries = "".join(
        f'<url><loc>{escape(base_url + path)}</loc>{_stamp(changed)}'
        f'<xhtml:link rel="alternate" hreflang="en" href="{escape(base_url + path)}?lang=en"/></url>'
        for path, changed in paths(where))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{XMLNS}" '
            f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{entries}</urlset>\n')


def robots(base_url: str) -> str:
    return ("User-agent: *\nAllow: /publico/\nAllow: /docs\nDisallow: /api/\nDisallow: /mesa\n"
            "Disallow: /seguimiento\n"
            f"\nSitemap: {base_url}/sitemap.xml\n")
