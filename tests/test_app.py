"""What any client sees of the application as a whole: errors, request ids, compression, CORS, API docs."""

from __future__ import annotations

import gzip
import html
import json
import os

from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from server.api import all_routes
from server.app import create_app
from tests.conftest import Backend


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    assert error["request_id"] == response.headers["x-request-id"]
    return error


def test_malformed_json_is_a_400_in_the_error_shape(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", content=b'{"email": ', headers={"Content-Type": "application/json"})
    error = assert_error_shape(response, 400, "invalid_json")
    assert "JSON" in error["message"]


def test_empty_body_is_a_400(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", content=b"", headers={"Content-Type": "application/json"})
    assert_error_shape(response, 400, "invalid_json")


def test_non_json_content_type_is_a_415(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", data={"email": "a@b.example"})
    assert_error_shape(response, 415, "unsupported_media_type")


def test_wrong_types_name_each_field_in_spanish_by_default(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"email": 42, "password": "x"})
    error = assert_error_shape(response, 422, "validation_error")
    fields = {detail["field"]: detail for detail in error["details"]}
    assert fields["email"]["code"] == "string_type"
    assert fields["email"]["message"] == "Debe ser texto."
    assert fields["device_name"]["code"] == "missing"
    assert error["message"].startswith("Algunos datos")


def test_english_is_available(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": 42, "password": "x"}, headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    error = assert_error_shape(response, 422, "validation_error")
    assert error["message"] == "Some of the data is not valid; see the details."
    assert {d["field"] for d in error["details"]} >= {"email", "device_name"}


def test_unknown_fields_are_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login",
        json={"email": "a@b.example", "password": "x", "device_name": "d", "is_admin": True},
    )
    error = assert_error_shape(response, 422, "validation_error")
    assert error["details"] == [
        {"field": "is_admin", "code": "extra_forbidden", "message": "Este campo no se admite."}
    ]


def test_body_over_the_limit_is_a_413(client: TestClient) -> None:
    big = b'{"email": "' + b"a" * 2_000_000 + b'"}'
    response = client.post("/api/v1/auth/login", content=big, headers={"Content-Type": "application/json"})
    assert_error_shape(response, 413, "body_too_large")


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    assert_error_shape(client.get("/api/v1/nothing-here"), 404, "route_not_found")
    error = assert_error_shape(client.delete("/api/v1/municipalities"), 405, "method_not_allowed")
    assert "DELETE" in error["message"]


def test_an_unexpected_failure_leaks_no_traceback(backend: Backend, database) -> None:
    app = create_app(backend.settings, database=database)

    def explode(request):
        raise RuntimeError("secret internal detail /etc/passwd")

    app.router.routes.insert(0, Route("/explode", explode))  # before the field app's catch-all
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode")
    error = assert_error_shape(response, 500, "internal_error")
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    assert error["request_id"] in error["message"]


def test_request_id_is_returned_and_logged(client: TestClient, vigia_logs) -> None:
    response = client.get("/api/v1/municipalities")
    echoed = client.get("/api/v1/municipalities", headers={"X-Request-ID": "phone-7f3a-0001"})
    request_id = response.headers["x-request-id"]
    assert len(request_id) >= 16
    assert echoed.headers["x-request-id"] == "phone-7f3a-0001"
    lines = vigia_logs.lines
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert len(mine) == 1
    assert mine[0]["event"] == "request"
    assert mine[0]["path"] == "/api/v1/municipalities"
    assert mine[0]["status"] == 200
    assert any(line.get("request_id") == "phone-7f3a-0001" for line in lines)


def test_unknown_host_is_refused(client: TestClient) -> None:
    response = client.get("/healthz", headers={"Host": "evil.example"})
    assert_error_shape(response, 400, "invalid_host")


def test_every_answer_names_the_instance_that_gave_it(backend, database) -> None:
    """Behind a load balancer, `Vigia-Instance` tells which process answered: INSTANCE_NAME, else host:pid;
    on errors too (a refused host, a 404 in the error shape); INSTANCE_NAME="" sends none."""
    import os

    with TestClient(create_app(backend.settings.model_copy(update={"instance_name": "app-b"}), database=database),
                    raise_server_exceptions=False) as named:
        for response in (named.get("/healthz"), named.get("/api/v1/municipalities/99999"),
                         named.get("/healthz", headers={"Host": "evil.example"})):
            assert response.headers["vigia-instance"] == "app-b", response.status_code
    with TestClient(create_app(backend.settings.model_copy(update={"instance_name": None}), database=database),
                    raise_server_exceptions=False) as unnamed:
        assert unnamed.get("/healthz").headers["vigia-instance"].endswith(f":{os.getpid()}")
    with TestClient(create_app(backend.settings.model_copy(update={"instance_name": ""}), database=database),
                    raise_server_exceptions=False) as silent:
        assert "vigia-instance" not in silent.get("/healthz").headers


def test_large_responses_are_gzipped_and_small_ones_are_not(client: TestClient) -> None:
    large = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert large.headers["content-encoding"] == "gzip"
    assert large.json()["openapi"] == "3.1.0"  # the client decompresses transparently
    small = client.get("/api/v1/auth/me", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    raw = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"}).content
    assert not raw.startswith(b"\x1f\x8b") or json.loads(gzip.decompress(raw))


def test_cors_is_off_by_default(client: TestClient) -> None:
    preflight = client.options(
        "/api/v1/municipalities",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/api/v1/municipalities", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_allows_only_configured_origins(backend: Backend, database) -> None:
    settings = backend.settings.model_copy(update={"cors_origins": ["https://pwa.vigia.example"]})
    with TestClient(create_app(settings, database=database)) as client:
        allowed = client.get("/api/v1/municipalities", headers={"Origin": "https://pwa.vigia.example"})
        other = client.get("/api/v1/municipalities", headers={"Origin": "https://elsewhere.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://pwa.vigia.example"
    assert "access-control-allow-origin" not in other.headers


def test_cors_lets_the_offline_app_resume_uploads_from_its_origin(backend: Backend, database) -> None:
    settings = backend.settings.model_copy(update={"cors_origins": ["https://pwa.vigia.example"]})
    with TestClient(create_app(settings, database=database)) as client:
        preflight = client.options("/api/v1/sync/uploads/", headers={
            "Origin": "https://pwa.vigia.example", "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, vigia-device, tus-resumable, upload-offset"})
        asked = client.options("/api/v1/sync/uploads/", headers={"Origin": "https://pwa.vigia.example",
                                                                 "Tus-Resumable": "1.0.0"})
    assert preflight.status_code == 200
    assert {"vigia-device", "tus-resumable", "upload-offset"} <= {
        header.strip().lower() for header in preflight.headers["access-control-allow-headers"].split(",")}
    exposed = {header.strip().lower() for header in asked.headers["access-control-expose-headers"].split(",")}
    assert {"upload-offset", "location", "tus-resumable", "upload-expires"} <= exposed


def test_openapi_is_valid_3_1_and_covers_every_endpoint(client: TestClient, app) -> None:
    spec = client.get("/openapi.json").json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    documented = {(path, method) for path, methods in spec["paths"].items() for method in methods}
    served = set()
    for route in all_routes(app.routes):
        if not getattr(route, "include_in_schema", True) or not isinstance(route, Route):
            continue
        path = route.path.replace(":uuid", "")
        for method in route.methods or ():
            if method != "HEAD":
                served.add((path, method.lower()))
    assert served and served <= documented, served - documented
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    body = login["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/LoginCreate"}
    assert set(spec["components"]["schemas"]["LoginCreate"]["required"]) == {"email", "password", "device_name"}
    assert "422" in login["responses"] and "401" in login["responses"]
    me = spec["paths"]["/api/v1/auth/me"]["get"]
    assert me["security"] == [{"bearer": []}]


def test_api_page_lists_every_operation_in_both_languages(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    spanish = client.get("/docs")
    english = client.get("/docs?lang=en")
    assert spanish.headers["content-type"].startswith("text/html")
    assert "API de Vigía" in spanish.text and "Vigía API" in english.text
    for methods in spec["paths"].values():
        for operation in methods.values():
            assert f'id="{operation["operationId"]}"' in spanish.text
            assert f'id="{operation["operationId"]}"' in english.text
            assert html.escape(operation["summary"]) in english.text  # /openapi.json is English by default
    root = client.get("/", follow_redirects=False)  # the field app, or how to build it (tests/test_pwa_serving.py)
    assert root.status_code == 200 and root.headers["content-type"].startswith("text/html")


def test_health_on_the_embedded_defaults(client: TestClient, backend: Backend) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    expected = "sqlite" if backend.name == "spatialite" else "postgresql"
    assert body["checks"]["database"]["dialect"] == expected
    assert body["checks"]["worker"] == {"ok": True, "mode": "in-process"}


def test_health_reports_redis_down_as_degraded_but_serving(backend: Backend, database) -> None:
    """Requests are still served without Redis (jobs are queued again when it is back): a load balancer must not
    take every process out of rotation for it."""
    settings = backend.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(settings, database=database)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False


def test_health_without_a_worker_is_degraded_but_serving(backend: Backend, database, redis_url: str) -> None:
    settings = backend.settings.model_copy(update={"redis_url": redis_url})
    with TestClient(create_app(settings, database=database)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == {"ok": True, "configured": True}
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["workers"] == 0



def test_a_response_that_fails_its_own_schema_is_our_500_not_the_callers_422(backend: Backend, database) -> None:
    from pydantic import BaseModel

    app = create_app(backend.settings, database=database)

    class Strict(BaseModel):
        count: int

    def broken(request):
        Strict(count="not a number")  # a bug on our side, whatever the request was

    app.router.routes.insert(0, Route("/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert_error_shape(client.get("/broken"), 500, "internal_error")


def test_a_served_process_freezes_its_start_up_heap_and_a_library_app_does_not(backend: Backend, database,
                                                                                monkeypatch) -> None:
    """GC_FREEZE (server/app.py, settle_heap): with it, the objects alive after start-up are out of the cyclic
    collector's reach while the app serves, and it still answers; without it (an app made by a caller, as here)
    the collector is left alone. `vigia serve` turns it on unless GC_FREEZE says otherwise, for every worker
    process it starts (through the environment)."""
    import gc

    from server import cli
    from server.config import get_settings, reread_environment

    gc.unfreeze()
    try:
        with TestClient(create_app(backend.settings, database=database)) as client:
            assert client.get("/healthz").status_code == 200
            assert gc.get_freeze_count() == 0
        frozen = backend.settings.model_copy(update={"gc_freeze": True})
        with TestClient(create_app(frozen, database=database)) as client:
            assert gc.get_freeze_count() > 10_000  # modules, models, schemas
            assert client.get("/healthz").status_code == 200
    finally:
        gc.unfreeze()

    seen: list[tuple[str | None, bool]] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: seen.append((os.environ.get("GC_FREEZE"),
                                                                      get_settings().gc_freeze)))
    for given, expected in ((None, ("true", True)), ("false", ("false", False))):
        if given is None:
            monkeypatch.setenv("GC_FREEZE", "")  # noted, so that the variable serve sets is undone after the test
            monkeypatch.delenv("GC_FREEZE")
        else:
            monkeypatch.setenv("GC_FREEZE", given)
        monkeypatch.setenv("DATABASE_URL", backend.settings.database_url)
        monkeypatch.setattr("server.config._configured", None)
        reread_environment()
        cli.main(["serve", "--no-migrate"])
        assert seen[-1] == expected
    reread_environment()
