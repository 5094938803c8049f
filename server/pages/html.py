"""The page skeleton every public page shares: head (title, description, canonical and language alternates, Open
Graph), the one stylesheet, the breadcrumb, the language switch and the footer; and small helpers to write HTML."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from html import escape
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

from server.i18n import DEFAULT_LANGUAGE, Language, translate

PREFIX = "/publico"
STYLESHEET = (resources.files("server.pages") / "static" / "pages.css").read_bytes()
STYLESHEET_HASH = hashlib.sha256(STYLESHEET).hexdigest()[:12]
STYLESHEET_PATH = f"{PREFIX}/estilo-{STYLESHEET_HASH}.css"
LANGUAGES: tuple[Language, ...] = ("es", "en")
OG_LOCALE = {"es": "es_MX", "en": "en_US"}


def e(value: object) -> str:
    """Text (or a number) as HTML, quotes escaped too (safe in attributes)."""
    return escape("" if value is None else str(value), quote=True)


def t(code: str, language: Language, /, **params: Any) -> str:
    """A catalogue text, escaped for HTML."""
    return e(translate(code, language, **params))


def day(value: date | datetime | None, language: Language) -> str:
    """"6 de diciembre de 2026" / "6 December 2026"; a dash when there is none."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    return translate("report_date", language, day=value.day, month=translate(f"report_month_{value.month}", language),
                     year=value.year)


def number(value: float | int | None, language: Language, decimals: int = 0) -> str:
    """A number as the reader writes it: 1 234 567,5 or 1,234,567.5 (Spanish groups with a narrow no-break
    space from five digits, as the catalogue's {n:n} does)."""
    if value is None:
        return "—"
    text = f"{float(value):,.{decimals}f}"
    if language == "es":
        whole, _, fraction = text.partition(".")
        digits = whole.replace(",", "")
        whole = whole.replace(",", "\u202f") if len(digits.lstrip("-")) >= 5 else digits
        return whole + ("," + fraction if fraction else "")
    return text


def money(value: Decimal | float | None, currency: str, language: Language) -> str:
    if value is None:
        return "—"
    # "$" is the peso's (and the dollar's) sign; a sol is not "$1 000,00 PEN": other currencies go by their code.
    sign = "$" if currency in ("MXN", "USD") else ""
    return f"{sign}{number(value, language, 2)} {e(currency)}"


def pct(value: float | None, language: Language) -> str:
    return "—" if value is None else f"{number(value, language)} %"


def url(path: str, language: Language, **query: Any) -> str:
    """A page's address in a language: Spanish has no ?lang (the canonical one), English ?lang=en. A fragment
    stays last (`/publico/10005?lang=en#obras`): after it, ?lang would be part of the fragment, never sent."""
    path, hash_, fragment = path.partition("#")
    params = {key: value for key, value in query.items() if value is not None}
    if language != DEFAULT_LANGUAGE:
        params["lang"] = language
    return path + ("?" + urlencode(params) if params else "") + hash_ + fragment


@dataclass
class Page:
    """What a handler renders; `layout` wraps it in the skeleton."""

    path: str  # the canonical path (without ?lang)
    title: str  # plain text
    description: str  # plain text, for <meta name=description> and Open Graph
    body: str  # HTML of <main>
    crumbs: list[tuple[str, str | None]] = field(default_factory=list)  # (plain text, path or None for this page)
    og_type: str = "website"
    status: int = 200
    municipality: str | None = None  # plain text: the site's name in the header
    share: bool = False  # show the page's address to copy or send ("Compartir", no script)
    index: bool = True  # False: noindex (a form, not something to find)


def layout(page: Page, *, language: Language, base_url: str, explicit: bool = True) -> str:
    """The whole document. `explicit`: the address named the language (?lang=); a page whose language came from
    Accept-Language is its own canonical address, so that search engines (which send none) see the address
    without ?lang as the Spanish page and each ?lang=… as its translation."""
    canonical = base_url + (url(page.path, language) if explicit else page.path)
    other = "en" if language == "es" else "es"
    alternates = "".join(
        f'<link rel="alternate" hreflang="{code}" href="{e(base_url + url(page.path, code))}">' for code in LANGUAGES)
    alternates += f'<link rel="alternate" hreflang="x-default" href="{e(base_url + url(page.path, "es"))}">'
    site = translate("page_site_name", language)
    head_title = f"{page.title} · {site}"
    robots = '<meta name="robots" content="noindex">' if page.status != 200 or not page.index else ""
    crumbs = ""
    if page.crumbs:
        items = []
        for text, path in page.crumbs:
            if path is None:
                items.append(f'<li><span aria-current="page">{e(text)}</span></li>')
            else:
                items.append(f'<li><a href="{e(url(path, language))}">{e(text)}</a></li>')
        crumbs = (f'<nav class="crumbs" aria-label="{t("page_breadcrumb", language)}"><ol>{"".join(items)}</ol>'
                  "</nav>")
    home = page.crumbs[0][1] if page.crumbs and page.crumbs[0][1] else PREFIX
    brand = e(site) + (f" · {e(page.municipality)}" if page.municipality else "")
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(head_title)}</title>"
        f'<meta name="description" content="{e(page.description)}">{robots}'
        f'<link rel="canonical" href="{e(canonical)}">{alternates}'
        f'<meta property="og:title" content="{e(page.title)}">'
        f'<meta property="og:description" content="{e(page.description)}">'
        f'<meta property="og:url" content="{e(canonical)}"><meta property="og:type" content="{e(page.og_type)}">'
        f'<meta property="og:site_name" content="{e(site)}"><meta property="og:locale" content="{OG_LOCALE[language]}">'
        f'<meta property="og:locale:alternate" content="{OG_LOCALE[other]}">'
        '<meta name="twitter:card" content="summary">'
        '<meta name="theme-color" content="#0b4f6c"><link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="{STYLESHEET_PATH}"></head><body>'
        f'<a class="skip" href="#contenido">{t("page_skip", language)}</a>'
        f'<header class="site"><a class="brand" href="{e(url(home, language))}">{brand}</a>'
        f'<a class="lang" href="{e(url(page.path, other))}" hreflang="{other}" lang="{other}">'
        f'{t("page_language_switch", other)}</a></header>'
        f'{crumbs}<main id="contenido">{page.body}{_share(page, base_url + url(page.path, language), language)}</main>'
        f'<footer class="site"><p>{t("page_footer", language)}</p><p>'
        + (f'<a href="{e(url(home + "/datos", language))}">{t("page_data_title", language)}</a> · '
           if home != PREFIX else "")
        + f'<a href="/">{t("page_open_app", language)}</a> · '
        f'<a href="{e(url("/docs", language))}">{t("page_api", language)}</a></p>'
        "</footer></body></html>"
    )


def _share(page: Page, address: str, language: Language) -> str:
    """Sharing without a script: the page's address, in full, to copy (it is selected with one tap on a phone, and
    printed on paper), and a link that opens the reader's mail with it."""
    if not page.share:
        return ""
    mail = "mailto:?" + urlencode({"subject": page.title, "body": address}, quote_via=quote)
    return (f'<aside class="share" aria-labelledby="compartir"><h2 id="compartir">{t("page_share_title", language)}'
            f'</h2><p>{t("page_share_text", language)}</p><p class="address"><a href="{e(address)}">{e(address)}</a>'
            f'</p><p class="actions"><a href="{e(mail)}">{t("page_share_email", language)}</a></p></aside>')


def section(title: str, body: str, *, ident: str) -> str:
    """A titled part of the page (its heading is what the table of contents and screen readers jump to)."""
    return f'<section aria-labelledby="{ident}"><h2 id="{ident}">{title}</h2>{body}</section>'


def table(caption: str, headers: list[str], rows: list[list[str]], *, numeric: set[int] | None = None) -> str:
    """A table with a caption and column headers (cells are HTML already); numbers right-aligned."""
    numeric = numeric or set()
    head = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(
        (f'<th scope="row">{cell}</th>' if i == 0 else f'<td{" class=num" if i in numeric else ""}>{cell}</td>')
        for i, cell in enumerate(row)) + "</tr>" for row in rows)
    # a wide table scrolls inside its box on a phone: the box takes the keyboard's focus, named by the caption
    return (f'<div class="scroll" tabindex="0" role="region" aria-label="{caption}"><table>'
            f"<caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def definitions(pairs: list[tuple[str, str]]) -> str:
    """A description list of (term, HTML value), leaving out empty values."""
    items = "".join(f"<div><dt>{term}</dt><dd>{value}</dd></div>" for term, value in pairs if value not in ("", None))
    return f'<dl class="facts">{items}</dl>'
