"""create_app(settings) -> Starlette: mounts each domain's routes, the error handlers and the middleware."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from server import __version__, answer_cache, db, i18n, jobs, pwa
from server.api import openapi_document
from server.api.parsing import RequestValidationError
from server.assembly import assemble
from server.annotations import routes as annotation_routes
from server.audit import routes as audit_routes
from server.auth import routes as auth_routes
from server.committees import routes as committee_routes
from server.complaints import configuration_routes as complaint_configuration_routes
from server.complaints import routes as complaint_routes
from server.complaints import moderation_routes, stats_routes
from server.config import Settings, configure_settings, get_settings
from server.docs_page import localized, render_docs
from server.errors import AppError, Conflict, Unavailable, error_payload, validation_details
from server.http_cache import GZIP_MINIMUM_BYTES, ConditionalGetMiddleware
from server.i18n import N_, negotiate, translate
from server.inspections import routes as inspection_routes
from server.logs import setup_logging
from server.media import routes as media_routes
from server.municipalities import routes as municipality_routes
from server.notebooks import routes as notebook_routes
from server.observatories import routes as observatory_routes
from server.open311 import routes as open311_routes
from server.pages import routes as pages_routes
from server.rulings import court_routes, project_routes
from server.rulings import routes as ruling_routes
from server.sync import routes as sync_routes
from server.works import exchange_routes
from server.works import routes as work_routes

log = logging.getLogger("vigia.app")

API_ROUTES = [
    *auth_routes.routes,
    *municipality_routes.routes,
    *work_routes.routes,
    *exchange_routes.routes,
    *complaint_routes.routes,
    *complaint_configuration_routes.routes,
    *stats_routes.routes,
    *moderation_routes.routes,
    *media_routes.routes,
    *audit_routes.routes,
    *committee_routes.routes,
    *inspection_routes.routes,
    *observatory_routes.routes,
    *notebook_routes.routes,
    *court_routes.routes,
    *project_routes.routes,
    *ruling_routes.routes,
    *annotation_routes.routes,
    *sync_routes.routes,
]


# ------------------------------------------------------------------------------------------------ errors


def _language(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


async def app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    language = _language(request)
    payload = error_payload(exc.code, exc.message(language), exc.rendered_details(language), _request_id(request))
    payload["error"].update(exc.extra)
    return JSONResponse(payload, status_code=exc.status, headers=exc.headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    language = _language(request)
    assert isinstance(exc, RequestValidationError)
    source = exc.error
    details = validation_details(source, language)
    code = "validation_error"
    return JSONResponse(
        error_payload(code, translate(code, language), details, _request_id(request)), status_code=422
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    language = _language(request)
    code = {404: N_("route_not_found"), 405: "method_not_allowed"}.get(exc.status_code, N_("http_error"))
    message = translate(code, language, method=request.method)
    return JSONResponse(
        error_payload(code, message, [], _request_id(request)), status_code=exc.status_code, headers=exc.headers
    )


async def database_error(request: Request, exc: Exception) -> Response:
    """The database cannot serve right now (down, restarting, out of connections, locked by another writer): 503
    with Retry-After, so clients and load balancers wait and try again. Any other database error is a bug and
    goes on to the 500 handler."""
    if not db.unavailable(exc):
        raise exc
    log.warning("database_unavailable", extra={"path": request.url.path, "error": _brief(exc)})
    return await app_error(request, Unavailable(seconds=db.RETRY_AFTER_SECONDS))


def _brief(exc: BaseException) -> str:
    """The exception's class and first line, for a log line (without the SQL and parameters it may carry)."""
    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__}: {str(orig).strip().splitlines()[0] if str(orig).strip() else ''}"


async def integrity_error(request: Request, exc: Exception) -> Response:
    """A unique key decided against the request (a name another record has, an id already used): 409 in the one
    shape, naming the fields, instead of a 500. Services that know better raise their own Conflict first (a
    resent client id is answered as the first time). Any other integrity error is a bug: on to the 500."""
    violated = db.unique_violation(exc)
    if violated is None:
        raise exc
    _table, columns = violated
    # The scope of the key (municipality_id, template_id...) is not what the caller can change.
    fields = [column for column in columns if not column.endswith("_id")] or columns
    details = [{"field": field, "code": "already_exists"} for field in fields]
    return await app_error(request, Conflict("id_taken" if fields == ["id"] else "already_exists", details=details))


async def server_error(request: Request, exc: Exception) -> Response:
    request_id = _request_id(request)
    log.error("unhandled_error", exc_info=exc, extra={"path": request.url.path})
    message = translate("internal_error", _language(request), request_id=request_id)
    # This handler runs outside the request-id middleware (Starlette's outermost layer), so it sets the header.
    headers = {"X-Request-ID": request_id} if request_id else {}
    return JSONResponse(error_payload("internal_error", message, [], request_id), status_code=500, headers=headers)


# ------------------------------------------------------------------------------------------------ health


def _check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with db.session_scope() as session:
            session.execute(sa.text("SELECT 1"))
            dialect = db.dialect_name(session)
    except Exception as exc:  # health checks report, they do not raise
        # The body is public: the error's class only; the driver's message (host, port) goes to the log.
        log.warning("health_database_down", extra={"error": _brief(exc)})
        return {"ok": False, "error": type(getattr(exc, "orig", None) or exc).__name__}
    return {"ok": True, "dialect": dialect, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_redis_and_workers(settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    if not settings.redis_url:
        return {"ok": True, "configured": False}, {"ok": True, "mode": "in-process"}
    try:
        jobs.redis_connection(settings.redis_url).ping()
    except Exception as exc:
        return {"ok": False, "configured": True, "error": type(exc).__name__}, {"ok": False, "mode": "rq"}
    now = datetime.now(timezone.utc)
    workers = jobs.worker_heartbeats()
    fresh = [
        w for w in workers
        if w["last_heartbeat"] is not None
        and (now - w["last_heartbeat"].replace(tzinfo=w["last_heartbeat"].tzinfo or timezone.utc)).total_seconds()
        < jobs.HEARTBEAT_STALE_SECONDS
    ]
    last = max((w["last_heartbeat"] for w in workers if w["last_heartbeat"]), default=None)
    return {"ok": True, "configured": True}, {
        "ok": bool(fresh),
        "mode": "rq",
        "workers": len(fresh),
        "last_heartbeat": last.isoformat() if last else None,
    }


def _health(settings: Settings) -> tuple[dict[str, Any], int]:
    database = _check_database()
    redis, worker = _check_redis_and_workers(settings)
    serving = database["ok"]
    status = "ok" if serving and redis["ok"] and worker["ok"] else ("degraded" if serving else "down")
    return {"status": status, "version": __version__, "checks": {"database": database, "redis": redis,
                                                                   "worker": worker}}, (200 if serving else 503)


async def healthz(request: Request) -> Response:
    """200 while this process can serve: the database answers. Redis or a worker missing only degrades the
    status, since requests are still served and background work catches up when they are back (the worker and
    `vigia tick` queue again what could not be queued). Without the database: 503 with Retry-After, the checks,
    and the error in the one shape."""
    body, status = await run_in_threadpool(_health, request.app.state.settings)
    headers = {"Cache-Control": "no-store"}
    if status == 503:
        error = Unavailable(seconds=db.RETRY_AFTER_SECONDS)
        language = _language(request)
        body.update(error_payload(error.code, error.message(language), [], _request_id(request)))
        headers.update(error.headers)
    return JSONResponse(body, status_code=status, headers=headers)


healthz_route = Route("/healthz", healthz, methods=["GET"])
healthz_route.openapi = {  # type: ignore[attr-defined]
    "get": {
        "operationId": "healthz",
        "summary": "Health of this process: database, Redis and worker heartbeat",
        "tags": ["system"],
        "responses": {
            "200": {"description": "Serving (status ok, or degraded: Redis or the worker is missing)"},
            "503": {"description": "Cannot serve: the database does not answer (with Retry-After)"},
        },
    }
}


# ------------------------------------------------------------------------------------------------ factory


def _sqlite_file_or_server(settings: Settings) -> bool:
    """An in-memory SQLite database lives in one connection: the cache's own could not read its versions."""
    return not settings.database_url.startswith("sqlite") or db._sqlite_path(settings.database_url) is not None


def settle_heap() -> None:
    """Collect once, then freeze what is alive (`gc.freeze`): what start-up loaded (modules, the models, the
    pydantic and SQLAlchemy structures, the demo's look-ups) stays for the process's life, and every full
    collection walked all of it again. A push of 500 filings makes enough objects to start several full
    collections: they took about a third of its time (docs/performance.md, "Push: COPY, the collector, a page
    loaded together"). Objects made later are collected as before."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, *, database: db.Database | None = None) -> Starlette:
    """The web application. Without arguments, settings come from the environment."""
    settings = configure_settings(settings or get_settings())
    settings.check_production()
    setup_logging(settings.log_level)
    assemble()
    owns_engine = database is None
    database = db.configure(database or db.Database(db.make_engine(settings)))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.gc_freeze:
            settle_heap()
        yield
        if cache is not None:
            cache.clock.close()
        if owns_engine:
            database.engine.dispose()

    api = Mount("/api/v1", routes=API_ROUTES)
    spec_cache: dict[str, Any] = {}

    def spec(language: str = "en") -> dict[str, Any]:
        """The API document, English by default (the code's own words), or in another catalogue's language."""
        if "en" not in spec_cache:
            spec_cache["en"] = openapi_document(app.routes, title="Vigía API", version=__version__)
        if language not in spec_cache:
            spec_cache[language] = localized(spec_cache["en"], language)
        return spec_cache[language]

    async def openapi(request: Request) -> Response:
        # English unless ?lang= names another catalogue: one URL, one document, whatever the client's
        # Accept-Language (code generators, validators, caches; docs/api.md, "The API document").
        chosen = request.query_params.get("lang")
        return JSONResponse(spec(chosen if chosen in i18n.TEXTS else "en"))

    async def docs(request: Request) -> Response:
        chosen = request.query_params.get("lang")
        language = chosen if chosen in i18n.TEXTS else _language(request)
        base = str(request.base_url).rstrip("/")
        # No script, one inline stylesheet: nothing else may run or load, nor the page be framed (clickjacking).
        return HTMLResponse(render_docs(spec(language), language=language, base_url=base), headers={
            "Vary": "Accept-Language", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"})

    # Answers of 512 bytes and more are gzipped (smaller ones would barely shrink); validators and 304 are worked
    # out inside, on the uncompressed answer (server/http_cache.py).
    middleware = [Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=6),
                  Middleware(ConditionalGetMiddleware)]
    if settings.cors_origins:
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
                # the offline app's sync and tus headers (docs/sync.md) cross origins too
                allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID", "Vigia-Device",
                               "Tus-Resumable", "Upload-Length", "Upload-Offset", "Upload-Metadata",
                               "Upload-Checksum", "Upload-Concat", "Upload-Defer-Length"],
                expose_headers=["X-Request-ID", "Vigia-Instance", "Location", "Tus-Resumable", "Tus-Version",
                                "Tus-Extension", "Tus-Max-Size", "Tus-Checksum-Algorithm", "Upload-Offset",
                                "Upload-Length", "Upload-Expires", "Upload-Metadata", "Retry-After"],
            ),
        )
    from server.middleware import RequestContextMiddleware

    # Outside the compression and the conditional GET: it keeps their final bytes (server/answer_cache.py). Off
    # for a database joined to a test's connection (nothing there ever commits, so no version would move).
    cache: answer_cache.AnswerCache | None = None
    if settings.answer_cache_bytes and not database.joins_connection and _sqlite_file_or_server(settings):
        cache = answer_cache.AnswerCache(answer_cache.Versions(settings.database_url), settings.answer_cache_bytes)
    middleware.insert(0, Middleware(answer_cache.AnswerCacheMiddleware, cache=cache))
    middleware.insert(0, Middleware(RequestContextMiddleware, allowed_hosts=settings.allowed_hosts,
                                    instance=settings.instance))
    app = Starlette(
        routes=[
            healthz_route,
            Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
            Route("/docs", docs, methods=["GET"], include_in_schema=False),
            *open311_routes.routes,  # /open311/v2/: Open311 GeoReport v2, with its own formats and errors
            api,
            *pages_routes.routes,  # /publico/…, /sitemap.xml, /robots.txt: the public pages (server/pages)
            pwa.route(settings),  # the field app at / (server/pwa.py): last, it takes every other GET
        ],
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            AppError: app_error,
            RequestValidationError: validation_error,
            HTTPException: http_error,
            sa.exc.IntegrityError: integrity_error,
            sa.exc.DBAPIError: database_error,
            sa.exc.TimeoutError: database_error,
            Exception: server_error,
        },
    )
    app.state.settings = settings
    app.state.answer_cache = cache
    return app

