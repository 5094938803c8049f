"""The public pages' routes (docs/public-pages.md): /publico/…, /sitemap.xml, /robots.txt.

Every page: Spanish, or English with ?lang=en (else Accept-Language); the strict Content-Security-Policy of the
field app (no script at all, one stylesheet); short public caching (Cache-Control max-age=300) with an ETag and a
Last-Modified, so a revalidation answers 304 without the body; an unknown municipality, work, folio, committee or
observatory is a 404 page in words. Pages are not API: they are left out of /openapi.json, as /docs is."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from threading import Lock
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from server import pwa
from server.auth.browser import check_origin
from server.db import read_scope, session_scope
from server.errors import AppError
from server.http_cache import etag_of
from server.i18n import DEFAULT_LANGUAGE, N_, Language, negotiate
from server.pages import committees_page, complaint_page, municipal, observatories_page, sitemap, stats_page
from server.pages import notebooks_page, works_page
from server.pages.common import where
from server.pages.html import LANGUAGES, PREFIX, STYLESHEET, STYLESHEET_HASH, Page, e, layout, url

CACHE = "public, max-age=300"  # five minutes: a shared page stays fresh enough, and a revalidation is cheap
IMMUTABLE = "public, max-age=31536000, immutable"


def language_of(request: Request) -> Language:
    """?lang=es|en first (a shared link keeps its language), else the browser's Accept-Language, else Spanish."""
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        return chosen
    negotiated = negotiate(request.headers.get("accept-language"))
    return negotiated if negotiated in LANGUAGES else DEFAULT_LANGUAGE


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


class _Versions:
    """When each page (its address and language) last changed, as this process saw it: its Last-Modified. A page
    changes when its records change and also with the day (overdue, stalled), so no record's date alone says
    when; the moment its content (its ETag) first differed from what the same address served before does. A new
    version is stamped at least a second after the one it replaces (HTTP dates count whole seconds), so a copy
    revalidated with If-Modified-Since is never taken for a newer one; a restart can only make dates later (a full
    answer, never a wrong 304). Bounded: the least recently served pages are forgotten first."""

    def __init__(self, size: int = 50_000) -> None:
        self.size, self.lock = size, Lock()
        self.seen: OrderedDict[tuple[str, str], tuple[str, datetime]] = OrderedDict()

    def __call__(self, key: tuple[str, str], etag: str) -> datetime:
        with self.lock:
            now = datetime.now(timezone.utc).replace(microsecond=0)
            known = self.seen.get(key)
            if known is None or known[0] != etag:
                since = now if known is None else max(now, known[1] + timedelta(seconds=1))
                known = (etag, since)
            self.seen[key] = known
            self.seen.move_to_end(key)
            while len(self.seen) > self.size:
                self.seen.popitem(last=False)
            return known[1]


VERSIONS = _Versions()


def _headers(request: Request) -> dict[str, str]:
    return {"Content-Security-Policy": pwa.content_security_policy(request.app.state.settings),
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}


def cached(request: Request, body: str, media_type: str, *, language: Language | None = None,
           status: int = 200) -> Response:
    """The answer with its validators (server/http_cache.py answers 304 without a body when the client's copy is
    this one, as it does for the API)."""
    data = body.encode("utf-8")
    etag = etag_of(data)
    modified = VERSIONS((str(request.url.path) + "?" + request.url.query, language or ""), etag)
    headers = {**_headers(request), "ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True),
               "Cache-Control": CACHE if status == 200 else "no-cache", "Vary": "Accept-Language"}
    if language is not None:
        headers["Content-Language"] = language
    return Response(data, status_code=status, media_type=media_type, headers=headers)


def _error_page(language: Language, path: str) -> Page:
    from server.i18n import translate

    return Page(path=path, title=translate("page_not_found_title", language),
                description=translate("page_not_found_title", language), status=404,
                body=(f"<h1>{e(translate('page_not_found_title', language))}</h1>"
                      f"<p>{e(translate('page_not_found_text', language))}</p>"
                      f'<p><a href="{e(url(PREFIX, language))}">{e(translate("page_not_found_back", language))}</a>'
                      "</p>"))


def page(render: Callable[..., Page], *params: str, municipal_page: bool = True) -> Callable[[Request], Any]:
    """A route handler: the language, the page rendered in one read-only session (in the thread pool, as the
    services are synchronous), the 404 page in words when a record is not there."""

    def run(code: str | None, values: list[Any], language: Language) -> Page:
        with read_scope() as session:
            if municipal_page:
                return render(where(session, code or "", language), *values)
            return render(session, language)

    async def handler(request: Request) -> Response:
        language = language_of(request)
        path_params = request.path_params
        values = [path_params[name] for name in params]
        try:
            if any("\x00" in str(value) for value in path_params.values()):
                raise AppError("route_not_found", status=404)
            result = await run_in_threadpool(run, path_params.get("code"), values, language)
        except AppError as error:
            if error.status not in (404, 422):
                raise
            result = _error_page(language, request.url.path)
        html = layout(result, language=language, base_url=_base_url(request),
                      explicit="lang" in request.query_params)
        return cached(request, html, "text/html; charset=utf-8", language=language, status=result.status)

    return handler


async def not_found(request: Request) -> Response:
    path = request.url.path
    if path.endswith("/") and path != "/":  # /publico/10005/ is /publico/10005
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(path.rstrip("/") + query, status_code=308)
    language = language_of(request)
    html = layout(_error_page(language, request.url.path), language=language, base_url=_base_url(request))
    return cached(request, html, "text/html; charset=utf-8", language=language, status=404)


async def stylesheet(request: Request) -> Response:
    """The one stylesheet, under its content hash: cached for a year. An old hash (a page cached across an upgrade)
    gets today's stylesheet, revalidated each time."""
    current = request.path_params["hash"] == STYLESHEET_HASH
    headers = {**_headers(request), "Cache-Control": IMMUTABLE if current else "no-cache",
               "ETag": f'"{STYLESHEET_HASH}"'}
    return Response(STYLESHEET, media_type="text/css; charset=utf-8", headers=headers)


async def sitemap_index(request: Request) -> Response:
    def run() -> str:
        with read_scope() as session:
            return sitemap.index(session, _base_url(request))

    return cached(request, await run_in_threadpool(run), "application/xml")


async def municipal_sitemap(request: Request) -> Response:
    def run() -> str | None:
        with read_scope() as session:
            try:
                return sitemap.urlset(where(session, request.path_params["code"], DEFAULT_LANGUAGE),
                                      _base_url(request))
            except AppError as error:
                if error.status != 404:
                    raise
                return None

    body = await run_in_threadpool(run)
    if body is None:
        return await not_found(request)
    return cached(request, body, "application/xml")


async def robots(request: Request) -> Response:
    return cached(request, sitemap.robots(_base_url(request)), "text/plain; charset=utf-8")


# The judge's reply form (docs/public-pages.md, "The reply form"): an ordinary HTML form, POSTed to its own address.
FORM_TYPE = "application/x-www-form-urlencoded"
FORM_MOST_BYTES = 256 * 1024  # a reply of 20,000 characters, every one a percent-encoded accented letter, fits
NO_STORE = "no-store"
FORM_REFUSALS = (N_("page_form_other_origin"), N_("page_form_not_a_form"), N_("page_form_too_large"))


def _refused(language: Language, path: str, status: int, text_code: str) -> Page:
    """A form that could not be read at all, in words (not the JSON error of the API: a person sent it)."""
    from server.i18n import translate

    title = translate("page_form_refused_title", language)
    return Page(path=path, title=title, description=title, status=status,
                body=(f"<h1>{e(title)}</h1><p>{e(translate(text_code, language))}</p>"
                      f'<p><a href="{e(url(path, language))}">{e(translate("page_form_back", language))}</a></p>'))


async def _form_values(request: Request) -> dict[str, str] | tuple[int, str]:
    """The form's fields (the first value of each), or (status, the words' code) when it cannot be taken: from
    another site (the browser says so in Origin or Sec-Fetch-Site), not a form, or too large (413 before reading
    more than the limit)."""
    try:
        check_origin(request)
    except AppError:
        return 403, "page_form_other_origin"
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        return 415, "page_form_not_a_form"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > FORM_MOST_BYTES:
        return 413, "page_form_too_large"
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_MOST_BYTES:
            return 413, "page_form_too_large"
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=20,
                          encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        return 400, "page_form_not_a_form"
    if any("\x00" in value for values in fields.values() for value in values):
        return 400, "page_form_not_a_form"  # no text holds a NUL (PostgreSQL refuses one)
    return {name: values[0] for name, values in fields.items() if values}


async def reply_form(request: Request) -> Response:
    """GET: the form (cached like any page); POST: the reply through the notebooks' service, then 303 to the
    notebook's page where it shows, or the form again with what was typed (never the key) and what is wrong.
    A POST's answer is never stored by any cache."""
    language = language_of(request)
    code, notebook_id = request.path_params["code"], request.path_params["notebook_id"]
    path = request.url.path
    base = _base_url(request)
    explicit = "lang" in request.query_params
    if "\x00" in code:
        return await not_found(request)

    def show(result: Page, *, store: bool) -> Response:
        html = layout(result, language=language, base_url=base, explicit=explicit)
        if store:
            return cached(request, html, "text/html; charset=utf-8", language=language, status=result.status)
        return HTMLResponse(html, status_code=result.status, headers={
            **_headers(request), "Cache-Control": NO_STORE, "Content-Language": language})

    if request.method != "POST":
        sent = request.query_params.get("enviada") == "1"

        def render() -> Page:
            with read_scope() as session:
                return notebooks_page.reply_page(where(session, code, language), notebook_id,
                                                 notebooks_page.ReplyForm(sent=sent))
        try:
            return show(await run_in_threadpool(render), store=True)
        except AppError as error:
            if error.status not in (404, 422):
                raise
            return show(_error_page(language, path), store=True)

    def known() -> None:  # an unknown notebook (or another municipality's) is the 404 page, whatever was sent
        with read_scope() as session:
            notebooks_page.reply_target(where(session, code, language), notebook_id)
    try:
        await run_in_threadpool(known)
    except AppError as error:
        if error.status not in (404, 422):
            raise
        return show(_error_page(language, path), store=False)
    values = await _form_values(request)
    if isinstance(values, tuple):
        return show(_refused(language, path, *values), store=False)

    def submit() -> Page | str:
        with session_scope() as session:
            place = where(session, code, language)
            result = notebooks_page.submit_reply(place, notebook_id, values)
            if isinstance(result, str):
                return result
        # the form again, read after the failed attempt's transaction ended
        with read_scope() as session:
            return notebooks_page.reply_page(where(session, code, language), notebook_id, result)
    try:
        outcome = await run_in_threadpool(submit)
    except AppError as error:
        if error.status not in (404, 422):
            raise
        return show(_error_page(language, path), store=False)
    if isinstance(outcome, str):
        return RedirectResponse(outcome, status_code=303, headers={**_headers(request), "Cache-Control": NO_STORE})
    return show(outcome, store=False)




ONE = PREFIX + "/{code}"
routes = [
    Route("/robots.txt", robots, methods=["GET"]),
    Route("/sitemap.xml", sitemap_index, methods=["GET"]),
    Route(PREFIX, page(municipal.everywhere, municipal_page=False), methods=["GET"]),
    Route(PREFIX + "/estilo-{hash}.css", stylesheet, methods=["GET"]),
    Route(ONE, page(municipal.front), methods=["GET"]),
    Route(ONE + "/sitemap.xml", municipal_sitemap, methods=["GET"]),
    Route(ONE + "/obras/{work_id:uuid}", page(works_page.render, "work_id"), methods=["GET"]),
    Route(ONE + "/quejas/{folio}", page(complaint_page.render, "folio"), methods=["GET"]),
    Route(ONE + "/comites", page(committees_page.register), methods=["GET"]),
    Route(ONE + "/comites/{committee_id:uuid}", page(committees_page.one, "committee_id"), methods=["GET"]),
    Route(ONE + "/observatorios", page(observatories_page.listing), methods=["GET"]),
    Route(ONE + "/observatorios/{observatory_id:uuid}", page(observatories_page.one, "observatory_id"),
          methods=["GET"]),
    Route(ONE + "/estadisticas", page(stats_page.render), methods=["GET"]),
    Route(ONE + "/cuadernos", page(notebooks_page.listing), methods=["GET"]),
    Route(ONE + "/cuadernos/{notebook_id:uuid}", page(notebooks_page.one, "notebook_id"), methods=["GET"]),
    Route(ONE + "/cuadernos/{notebook_id:uuid}/responder", reply_form, methods=["GET", "POST"]),
    Route(ONE + "/datos", page(municipal.open_data), methods=["GET"]),
    Route(PREFIX + "/{rest:path}", not_found, methods=["GET"]),
]
# HTML pages for people, not operations of the API: like /docs, they are not in /openapi.json (docs/public-pages.md
# lists them; tests/complaints/test_privacy.py reads them beside the API's GET routes).
for _route in routes:
    _route.include_in_schema = False
