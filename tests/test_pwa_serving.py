"""The field app served at `/` (server/pwa.py): its files, index.html for its routes, the cache and security
headers, and the page that says how to build it when the build is missing. The API, its document and its errors
are unchanged. A tiny build made by the test stands in for `pwa/dist`."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from tests.conftest import Backend
from tests.test_app import assert_error_shape

INDEX = '<!doctype html><html lang="es"><title>Vigía</title><script type="module" src="/assets/app-5XJ2KMHT.js">' \
        '</script><div id="app"></div></html>'


@pytest.fixture
def build(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX, encoding="utf-8")
    (dist / "assets" / "app-5XJ2KMHT.js").write_text("console.log('vigía')\n" * 100, encoding="utf-8")
    (dist / "style-QWERTY23.css").write_text("body{margin:0}\n", encoding="utf-8")
    (dist / "sw.js").write_text("self.addEventListener('install', () => {})\n", encoding="utf-8")
    (dist / "manifest.webmanifest").write_text('{"name": "Vigía"}', encoding="utf-8")
    (dist / "icon-maskable.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "secret.txt").write_text("not part of the app", encoding="utf-8")
    return dist


def _client(backend: Backend, database, **settings) -> TestClient:
    return TestClient(create_app(backend.settings.model_copy(update=settings), database=database),
                      raise_server_exceptions=False)


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response.headers["content-security-policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def test_the_app_is_served_at_the_root_with_a_strict_policy(backend: Backend, database, build: Path) -> None:
    with _client(backend, database, vigia_pwa_dir=build) as client:
        page = client.get("/", follow_redirects=False)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text == INDEX
    assert page.headers["cache-control"] == "no-cache"
    policy = _csp(page)
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"] and policy["worker-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "blob:", "data:"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_the_tile_origin_is_the_only_other_origin_allowed(backend: Backend, database, build: Path) -> None:
    with _client(backend, database, vigia_pwa_dir=build,
                 vigia_map_tile_url="https://tiles.example.org/osm/{z}/{x}/{y}.png") as client:
        page = client.get("/")
    assert _csp(page)["img-src"] == ["'self'", "blob:", "data:", "https://tiles.example.org"]
    assert _csp(page)["connect-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/seguimiento", "/quejas/10005-2026-000017", "/comite/visita/nueva"])
def test_app_routes_get_index_html(backend: Backend, database, build: Path, path: str) -> None:
    with _client(backend, database, vigia_pwa_dir=build) as client:
        page = client.get(path)
    assert page.status_code == 200 and page.text == INDEX
    assert page.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_files_are_sent_with_their_type_and_cache_lifetime(backend: Backend, database, build: Path) -> None:
    with _client(backend, database, vigia_pwa_dir=build) as client:
        script = client.get("/assets/app-5XJ2KMHT.js")
        style = client.get("/style-QWERTY23.css")
        worker = client.get("/sw.js")
        manifest = client.get("/manifest.webmanifest")
        icon = client.get("/icon-maskable.png")
        again = client.get("/sw.js", headers={"If-None-Match": worker.headers["etag"]})
        head = client.head("/assets/app-5XJ2KMHT.js")
    assert script.status_code == 200 and script.text.startswith("console.log")
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert script.headers["content-encoding"] == "gzip"  # compressed like every other answer
    assert style.headers["content-type"].startswith("text/css")
    assert style.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-cache"  # a new version of the app is seen at once
    assert "worker-src 'self'" in worker.headers["content-security-policy"]
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert manifest.headers["cache-control"] == "no-cache"
    assert icon.headers["cache-control"] == "no-cache"  # a name without a content hash may change
    assert again.status_code == 304 and again.content == b""
    assert head.status_code == 200 and head.content == b""


def test_missing_files_and_escapes_are_not_the_app(backend: Backend, database, build: Path) -> None:
    with _client(backend, database, vigia_pwa_dir=build) as client:
        old_script = client.get("/assets/app-OLDHASH2.js")
        escapes = [client.get(path) for path in ("/..%2Fsecret.txt", "/assets/..%2F..%2Fsecret.txt",
                                                  "/assets/%2E%2E%2F%2E%2E%2Fsecret.txt")]
        posted = client.post("/seguimiento", json={})
    assert_error_shape(old_script, 404, "route_not_found")
    for response in escapes:  # the path reaches the server as /../secret.txt: outside the build, not served
        assert_error_shape(response, 404, "route_not_found")
        assert "not part of the app" not in response.text
    assert_error_shape(posted, 404, "route_not_found")


def test_the_api_and_its_document_are_unchanged(backend: Backend, database, build: Path) -> None:
    with _client(backend, database, vigia_pwa_dir=build) as client:
        assert_error_shape(client.get("/api/v1/nothing-here"), 404, "route_not_found")
        assert_error_shape(client.get("/api/nothing-here"), 404, "route_not_found")
        assert_error_shape(client.get("/api"), 404, "route_not_found")
        assert_error_shape(client.delete("/api/v1/municipalities"), 405, "method_not_allowed")
        assert_error_shape(client.get("/openapi.json/x"), 404, "route_not_found")
        works = client.get("/api/v1/municipalities/10005/works")
        docs = client.get("/docs")
        spec = client.get("/openapi.json")
        health = client.get("/healthz")
    assert works.status_code == 200 and works.headers["content-type"].startswith("application/json")
    assert docs.status_code == 200 and "API de Vigía" in docs.text
    # /docs has its own policy (its inline stylesheet, no script at all), not the app's (which forbids inline style)
    policy = docs.headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert spec.status_code == 200 and spec.json()["openapi"] == "3.1.0"
    paths = spec.json()["paths"]
    assert not [path for path in paths if not path.startswith(("/api/v1/", "/open311/", "/healthz"))]
    assert health.status_code == 200


def test_without_a_build_the_root_says_how_to_make_one(backend: Backend, database, tmp_path: Path) -> None:
    with _client(backend, database, vigia_pwa_dir=tmp_path / "nowhere") as client:
        root = client.get("/")
        route = client.get("/seguimiento")
        docs = client.get("/docs")
    for page in (root, route):
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "npm ci" in page.text and "npm run build" in page.text and 'href="/docs"' in page.text
        assert "la aplicación" in page.text.lower()
        assert "<script" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert docs.status_code == 200


def test_the_app_learns_its_tile_url_from_a_json_file(backend: Backend, database, build: Path) -> None:
    with _client(backend, database, vigia_pwa_dir=build) as client:
        plain = client.get("/app-config.json")
    assert plain.status_code == 200 and plain.json() == {"map_tile_url": None}
    assert plain.headers["cache-control"] == "no-cache"
    assert "content-security-policy" in plain.headers
    template = "https://tiles.example.org/osm/{z}/{x}/{y}.png"
    with _client(backend, database, vigia_pwa_dir=build, vigia_map_tile_url=template) as client:
        assert client.get("/app-config.json").json() == {"map_tile_url": template}
    # a template that is not an http(s) URL is never handed to the app (its origin is not in the policy either)
    with _client(backend, database, vigia_pwa_dir=build, vigia_map_tile_url="javascript:alert(1)") as client:
        assert client.get("/app-config.json").json() == {"map_tile_url": None}
