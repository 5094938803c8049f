"""The field app (`pwa/`, docs/pwa.md) served at `/`: its built files, and index.html for the app's own routes.

The build (`cd pwa && npm ci && npm run build`) writes `pwa/dist/`: index.html, content-hashed scripts and styles,
`sw.js`, `manifest.webmanifest` and icons. Any GET that is not the API, the API document, Open311, the public
pages (server/pages: /publico, /sitemap.xml, /robots.txt) or the health check is the app's: an existing file is sent
as it is, anything else gets index.html and the app's router shows the screen (`/seguimiento`, `/quejas/...`). Without a build, a short Spanish page says how to make one.

Caching: index.html, `sw.js` and every file whose name carries no content hash are `no-cache` (revalidated each
time, so a new version is seen at once); hashed files never change under their name and are `immutable`. Every
answer carries a strict Content-Security-Policy: no inline script, nothing from another origin except the map
tiles' origin when `VIGIA_MAP_TILE_URL` names one (docs/deployment.md).

`/app-config.json` tells the app its server's settings without inline script: today the map tile URL template
(null: no tiles, the map draws only the municipality's own GeoJSON)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from server.config import Settings

# Paths that belong to the server, never to the app: an unknown path under them is a 404 in the error shape.
RESERVED = ("api", "docs", "openapi.json", "open311", "healthz", "publico", "sitemap.xml", "robots.txt")
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# esbuild's content hash: 8 characters of upper-case base32 after a dash ("app-5XJ2KMHT.js"); or anything
# under assets/, where the build puts only hashed files.
_HASHED = re.compile(r"-[A-Z2-7]{8}\.[A-Za-z0-9]+$")
# A missing path that looks like a file is a 404, not the app: a stale page asking for an old script must not get
# HTML in its place.
_FILE_LIKE = re.compile(r"\.(js|mjs|css|map|json|webmanifest|png|jpe?g|gif|svg|webp|ico|woff2?|txt|wasm)$", re.I)
CONFIG_PATH = "app-config.json"
_TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript", ".mjs": "text/javascript"}


def default_dir() -> Path:
    """Where the build is when VIGIA_PWA_DIR is not set: `pwa/dist` beside the `server` package in a checkout,
    else `server/pwa_dist` inside an installed package (docs/deployment.md)."""
    package = Path(__file__).resolve().parent
    checkout = package.parent / "pwa" / "dist"
    return checkout if checkout.is_dir() else package / "pwa_dist"


def content_security_policy(settings: Settings) -> str:
    images = ["'self'", "blob:", "data:"]
    tile_origin = _origin(settings.vigia_map_tile_url)
    if tile_origin:
        images.append(tile_origin)
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src " + " ".join(images),
        "connect-src 'self'", "worker-src 'self'", "manifest-src 'self'", "font-src 'self'",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ])


def _origin(url: str | None) -> str | None:
    """The origin of a tile URL template: "https://tiles.example.org/{z}/{x}/{y}.png" -> "https://tiles.example.org"."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def app_config(settings: Settings) -> dict[str, object]:
    """What the app learns from its server (`GET /app-config.json`): only settings that are public anyway."""
    tile_url = settings.vigia_map_tile_url if _origin(settings.vigia_map_tile_url) else None
    return {"map_tile_url": tile_url}


def _cache_control(relative: str) -> str:
    name = relative.rsplit("/", 1)[-1]
    if relative.startswith("assets/") or _HASHED.search(name):
        return IMMUTABLE
    return NO_CACHE


MISSING_BUILD = """<!doctype html>
<html lang="es">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigía: falta construir la aplicación</title></head>
<body>
<h1>Vigía</h1>
<p>El servidor funciona, pero la aplicación para el teléfono todavía no está construida en este equipo.</p>
<p>Para construirla (necesita Node.js 20 y npm):</p>
<pre>cd pwa &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>o bien <code>./dev.sh demo</code>, que la construye y sirve la demostración. En un servidor, la variable
<code>VIGIA_PWA_DIR</code> indica dónde está la aplicación construida.</p>
<p>La referencia de la API está en <a href="/docs">/docs</a>.</p>
<hr>
<p lang="en">The field app is not built yet: run <code>cd pwa &amp;&amp; npm ci &amp;&amp; npm run build</code>
(or <code>./dev.sh demo</code>). The API reference is at <a href="/docs?lang=en">/docs</a>.</p>
</body>
</html>
"""


def _not_modified(request: Request, response: FileResponse) -> bool:
    etag = response.headers.get("etag")
    offered = request.headers.get("if-none-match")
    if not etag or not offered:
        return False
    return offered.strip() == "*" or etag.removeprefix("W/") in [t.strip().removeprefix("W/")
                                                                   for t in offered.split(",")]


def route(settings: Settings) -> Route:
    """The catch-all route for the app; mount it last, after every route of the server."""
    root = (settings.vigia_pwa_dir or default_dir()).resolve()
    headers = {"Content-Security-Policy": content_security_policy(settings), "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer"}

    def send_file(request: Request, path: Path, relative: str) -> Response:
        response = FileResponse(path, media_type=_TYPES.get(path.suffix.lower()), stat_result=path.stat(),
                                headers={**headers, "Cache-Control": _cache_control(relative)})
        if _not_modified(request, response):
            kept = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
            return Response(status_code=304, headers=kept)
        return response

    async def app_page(request: Request) -> Response:
        relative = request.path_params["path"]
        if request.method not in ("GET", "HEAD") or relative.split("/", 1)[0] in RESERVED:
            raise HTTPException(404)
        if relative == CONFIG_PATH:
            return JSONResponse(app_config(settings), headers={**headers, "Cache-Control": NO_CACHE})
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(MISSING_BUILD, headers={**headers, "Cache-Control": NO_CACHE})
        if relative:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return send_file(request, candidate, candidate.relative_to(root).as_posix())
            if _FILE_LIKE.search(relative):
                raise HTTPException(404)
        return send_file(request, index, "index.html")

    return Route("/{path:path}", app_page, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                 include_in_schema=False)
