"""HTTP caching as a client sees it (server/http_cache.py, docs/api.md "Caching"): validators and Cache-Control on
public reads, 304 without a body on revalidation, a new ETag when the record changes, nothing personal left to a
shared cache, language variants, gzip above the threshold only, Open311 clients and HEAD unchanged."""

from __future__ import annotations

import gzip
import json
import re
from xml.etree import ElementTree

from server.http_cache import GZIP_MINIMUM_BYTES
from tests.factories import bearer, token_for

API = "/api/v1/municipalities/10005"
OPEN311 = "/open311/v2"
ETAG = re.compile(r'W/"[0-9a-f]{32}"')


def a_work(client) -> str:
    return client.get(f"{API}/works", params={"limit": 1}).json()["items"][0]["id"]


def test_a_public_read_revalidates_with_304_until_the_record_changes(client, session) -> None:
    path = f"{API}/works/{a_work(client)}"
    first = client.get(path)
    assert first.status_code == 200 and ETAG.fullmatch(first.headers["etag"])
    assert first.headers["cache-control"] == "public, no-cache"
    assert "Accept-Language" in first.headers["vary"]

    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers.get("content-length", "0") == "0"
    assert again.headers["etag"] == first.headers["etag"] and again.headers["cache-control"] == "public, no-cache"
    assert "content-type" not in again.headers
    # a list of tags, one of them the copy's (a client that kept two versions), and the strong form of it
    assert client.get(path, headers={"If-None-Match": f'"x", {first.headers["etag"]}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": first.headers["etag"][2:]}).status_code == 304
    assert client.get(path, headers={"If-None-Match": 'W/"0000"'}).status_code == 200

    recorded = client.post(f"{path}/progress", headers=bearer(token_for(session, "contraloria@vigia.example")),
                           json={"observed_on": "2026-01-15", "physical_pct": 12.5, "source": "citizen",
                                 "reference": "Recorrido vecinal 77"})
    assert recorded.status_code == 201, recorded.text
    changed = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    assert changed.json()["id"] == first.json()["id"]


def test_an_answer_for_someone_signed_in_is_never_public(client, session) -> None:
    token = bearer(token_for(session, "contraloria@vigia.example"))
    for path in (f"{API}/works/{a_work(client)}", f"{API}/complaints", "/api/v1/auth/me"):
        answer = client.get(path, headers=token)
        assert answer.status_code == 200, path
        control = answer.headers["cache-control"]
        assert "public" not in control and ("private" in control or "no-store" in control), (path, control)
    # the phone may still revalidate its own copy
    path = f"{API}/complaints"
    first = client.get(path, headers=token)
    assert client.get(path, headers={**token, "If-None-Match": first.headers["etag"]}).status_code == 304
    # the same public address read anonymously is public again
    assert client.get(f"{API}/works").headers["cache-control"] == "public, no-cache"


def test_language_variants_differ_and_say_vary(client) -> None:
    path = f"{OPEN311}/services.json?jurisdiction_id=10005"
    spanish = client.get(path, headers={"Accept-Language": "es"})
    english = client.get(path, headers={"Accept-Language": "en"})
    assert spanish.json() != english.json() and spanish.headers["etag"] != english.headers["etag"]
    assert all("Accept-Language" in answer.headers["vary"] for answer in (spanish, english))
    # the Spanish copy is not good for the English reader
    assert client.get(path, headers={"Accept-Language": "en",
                                     "If-None-Match": spanish.headers["etag"]}).status_code == 200


def test_json_is_gzipped_above_the_threshold_and_not_below(client) -> None:
    large = client.get(f"{API}/works", headers={"Accept-Encoding": "gzip"})
    assert len(large.content) >= GZIP_MINIMUM_BYTES
    assert large.headers["content-encoding"] == "gzip" and "Accept-Encoding" in large.headers["vary"]
    assert int(large.headers["content-length"]) < len(large.content)
    # an answer between the threshold and 1,000 bytes (the threshold before) is compressed too
    medium = client.get(f"{API}/works", params={"limit": 1}, headers={"Accept-Encoding": "gzip"})
    assert GZIP_MINIMUM_BYTES <= len(medium.content) < 1000, len(medium.content)
    assert medium.headers.get("content-encoding") == "gzip"
    small = client.get(f"{OPEN311}/services.json?jurisdiction_id=10007", headers={"Accept-Encoding": "gzip"})
    assert len(small.content) < GZIP_MINIMUM_BYTES, len(small.content)
    assert "content-encoding" not in small.headers
    # the tag is the answer's, gzipped or not: a copy kept either way revalidates
    plain = client.get(f"{API}/works", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["etag"] == large.headers["etag"]
    assert client.get(f"{API}/works", headers={"Accept-Encoding": "gzip",
                                               "If-None-Match": plain.headers["etag"]}).status_code == 304


def test_open311_clients_still_parse_and_revalidate(client) -> None:
    with client.stream("GET", f"{OPEN311}/services.json?jurisdiction_id=10005",
                       headers={"Accept-Encoding": "gzip"}) as raw:
        body = b"".join(raw.iter_raw())
        assert raw.headers["content-encoding"] == "gzip" and raw.headers["content-type"].startswith("application/json")
    services = json.loads(gzip.decompress(body))
    assert len(services) == 7 and {"service_code", "service_name"} <= set(services[0])
    xml = client.get(f"{OPEN311}/services.xml?jurisdiction_id=10005")
    assert ElementTree.fromstring(xml.content).tag == "services" and ETAG.fullmatch(xml.headers["etag"])
    assert client.get(f"{OPEN311}/services.xml?jurisdiction_id=10005",
                      headers={"If-None-Match": xml.headers["etag"]}).status_code == 304
    # an error stays an error in Open311's shape, never a 304
    missing = client.get(f"{OPEN311}/services.json?jurisdiction_id=99999", headers={"If-None-Match": "*"})
    assert missing.status_code >= 400 and "etag" not in missing.headers


def test_head_answers_the_get_headers_without_a_body(client) -> None:
    for path in (f"{API}/works/{a_work(client)}", f"{OPEN311}/services.json?jurisdiction_id=10005",
                 "/publico/10005"):
        get = client.get(path, headers={"Accept-Encoding": "gzip"})
        with client.stream("HEAD", path, headers={"Accept-Encoding": "gzip"}) as head:
            assert head.status_code == 200 and b"".join(head.iter_raw()) == b"", path
            for name in ("etag", "cache-control", "content-type", "content-encoding", "content-length"):
                assert head.headers.get(name) == get.headers.get(name), (path, name)
        assert client.head(path, headers={"If-None-Match": get.headers["etag"]}).status_code == 304
