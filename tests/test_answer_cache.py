"""The answer cache (server/answer_cache.py): a public read is answered from memory only while nothing it was
computed from has been written, so every write through the API shows in the very next read, on this process and
on another one serving the same database; languages, compression and 304s stay right; the memory stays bounded;
nothing asked with credentials is kept."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from server.app import create_app
from tests.conftest import committed_demo_database
from tests.factories import CENTRO, DEMO, DEMO_PASSWORD, complaint_body
from tests.live import LiveVigia, vigia_env

BASE = f"/api/v1/municipalities/{DEMO}"
WORKS = f"{BASE}/works"
NEAR = f"{WORKS}/near?lon={CENTRO[0]}&lat={CENTRO[1]}&radius_m=3000&limit=50"
SERVICES = f"/open311/v2/services.json?jurisdiction_id={DEMO}"
PUBLIC_COMPLAINTS = f"{BASE}/complaints/public?limit=200"
ADMIN = "admin@vigia.example"


class Served:
    def __init__(self, client: TestClient, settings, database) -> None:
        self.client = client
        self.settings = settings
        self.database = database

    @property
    def cache(self):
        return self.client.app.state.answer_cache

    def get(self, url: str, **headers: str) -> httpx.Response:
        return self.client.get(url, headers={"Accept-Language": "es", **headers})

    def sign_in(self, email: str = ADMIN) -> dict[str, str]:
        answer = self.client.post("/api/v1/auth/login", json={
            "email": email, "password": DEMO_PASSWORD, "device_name": "pruebas", "device_id": str(uuid.uuid4())})
        assert answer.status_code == 201, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}


def _served(backend, tmp_path: Path, **overrides) -> Iterator[Served]:
    template = backend.settings.model_copy(update={"media_dir": tmp_path / "media", **overrides})
    with committed_demo_database(backend.name, tmp_path, template) as (settings, database):
        app = create_app(settings, database=database)
        assert app.state.answer_cache is not None
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Served(client, settings, database)


@pytest.fixture
def served(backend, tmp_path) -> Iterator[Served]:
    yield from _served(backend, tmp_path)


def _kept(served: Served, url: str, **headers: str) -> httpx.Response:
    """The answer to `url`, asked twice: the second time from the cache (what a reader gets most of the time)."""
    first = served.get(url, **headers)
    hits = served.cache.hits
    second = served.get(url, **headers)
    assert served.cache.hits == hits + 1, "the second read was not answered from the cache"
    assert (second.status_code, second.content) == (first.status_code, first.content)
    return second


def _a_work(served: Served) -> dict:
    """The nearest work to the centre (in the answers of NEAR and of the list)."""
    return served.get(NEAR).json()[0]


def test_an_edited_work_shows_at_once_in_its_record_the_list_and_near(served) -> None:
    work = _a_work(served)
    record = f"{WORKS}/{work['id']}"
    for url in (record, NEAR, f"{WORKS}?limit=100"):
        assert work["title"] in _kept(served, url).text
    current = served.get(record).json()
    edited = served.client.patch(record, headers=served.sign_in(),
                                 json={"version": current["version"], "title": "Pavimentación editada ahora"})
    assert edited.status_code == 200, edited.text
    assert served.get(record).json()["title"] == "Pavimentación editada ahora"
    assert "Pavimentación editada ahora" in served.get(NEAR).text
    assert "Pavimentación editada ahora" in served.get(f"{WORKS}?limit=100").text


def test_a_complaint_filed_shows_at_once_in_the_public_list(served) -> None:
    before = _kept(served, PUBLIC_COMPLAINTS).json()
    filed = served.client.post(f"{BASE}/complaints", json=complaint_body(id=str(uuid.uuid4()), anonymous=True))
    assert filed.status_code == 201, filed.text
    after = served.get(PUBLIC_COMPLAINTS).json()
    assert filed.json()["complaint"]["folio"] in {item["folio"] for item in after}
    assert len(after) == len(before) + 1


def test_complaints_a_phone_pushes_show_at_once_in_the_public_list(served) -> None:
    """A push's filings are written together past the ORM (COPY on PostgreSQL, one INSERT for many rows on
    SQLite: server.db.insert_rows); the cache still learns that `complaints` was written."""
    from tests.sync.helpers import complaint_payload, mutation

    before = _kept(served, PUBLIC_COMPLAINTS).json()
    phone_id = str(uuid.uuid4())
    signed = served.client.post("/api/v1/auth/login", json={
        "email": "voluntaria@vigia.example", "password": DEMO_PASSWORD, "device_name": "Moto G",
        "device_id": phone_id})
    assert signed.status_code == 201, signed.text
    sent = [mutation("complaint.file", complaint_payload(anonymous=True)) for _ in range(3)]
    pushed = served.client.post("/api/v1/sync/push", json={"mutations": sent}, headers={
        "Authorization": f"Bearer {signed.json()['token']}", "Vigia-Device": phone_id})
    assert [r["status"] for r in pushed.json()["results"]] == ["applied"] * 3, pushed.text
    folios = {r["data"]["folio"] for r in pushed.json()["results"]}
    after = served.get(PUBLIC_COMPLAINTS).json()
    assert folios <= {item["folio"] for item in after}
    assert len(after) == len(before) + 3


def test_a_category_renamed_shows_at_once_in_open311_services_in_each_language(served) -> None:
    spanish = _kept(served, SERVICES).json()
    english = _kept(served, SERVICES, **{"Accept-Language": "en"}).json()
    code = spanish[0]["service_code"]
    admin = served.sign_in()
    changed = served.client.patch(f"{BASE}/complaints/categories/{code}", headers=admin,
                                  json={"name": "Banquetas rotas", "name_en": "Broken sidewalks"})
    assert changed.status_code == 200, changed.text
    now = {s["service_code"]: s["service_name"] for s in served.get(SERVICES).json()}
    assert now[code] == "Banquetas rotas"
    now_en = {s["service_code"]: s["service_name"] for s in served.get(SERVICES, **{"Accept-Language": "en"}).json()}
    assert now_en[code] == "Broken sidewalks"
    assert english != spanish
    retired = served.client.patch(f"{BASE}/complaints/categories/{code}", headers=admin, json={"active": False})
    assert retired.status_code == 200, retired.text
    assert code not in {s["service_code"] for s in served.get(SERVICES).json()}


def test_languages_and_compression_are_kept_apart(served) -> None:
    work = _a_work(served)
    record = f"{WORKS}/{work['id']}"
    names = _kept(served, SERVICES).json()
    names_en = _kept(served, SERVICES, **{"Accept-Language": "en"}).json()
    assert [s["service_code"] for s in names] == [s["service_code"] for s in names_en]
    assert [s["service_name"] for s in names] != [s["service_name"] for s in names_en]
    assert _kept(served, SERVICES).json() == names
    spanish = _kept(served, record)
    zipped = served.client.get(record, headers={"Accept-Language": "es", "Accept-Encoding": "gzip"})
    again = served.client.get(record, headers={"Accept-Language": "es", "Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
    assert zipped.content == again.content == spanish.content  # httpx decompresses: the same answer
    plain = served.client.get(record, headers={"Accept-Language": "es", "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == spanish.content
    assert zipped.headers["etag"] == plain.headers["etag"]


def test_a_kept_answer_revalidates_with_304_until_the_data_changes(served) -> None:
    work = _a_work(served)
    record = f"{WORKS}/{work['id']}"
    kept = _kept(served, record)
    etag = kept.headers["etag"]
    assert kept.headers["cache-control"] == "public, no-cache"
    for _ in range(2):  # the first revalidation may compute the answer, the second is answered from the cache
        revalidated = served.get(record, **{"If-None-Match": etag})
        assert revalidated.status_code == 304 and revalidated.content == b""
        assert revalidated.headers["etag"] == etag and "x-request-id" in revalidated.headers
    current = served.get(record).json()
    edited = served.client.patch(record, headers=served.sign_in(),
                                 json={"version": current["version"], "title": "Título cambiado hoy"})
    assert edited.status_code == 200, edited.text
    changed = served.get(record, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["title"] == "Título cambiado hoy"
    assert changed.headers["etag"] != etag


def test_signed_in_reads_are_not_kept_and_anonymous_ones_stay_public(served) -> None:
    admin = served.sign_in()
    before = len(served.cache.entries)
    signed = served.get(PUBLIC_COMPLAINTS, **admin)
    assert signed.status_code == 200 and signed.headers["cache-control"] == "private, no-cache"
    assert len(served.cache.entries) == before
    anonymous = _kept(served, PUBLIC_COMPLAINTS)
    assert anonymous.headers["cache-control"] == "public, no-cache"
    assert served.get(PUBLIC_COMPLAINTS, **admin).headers["cache-control"] == "private, no-cache"
    with_key = served.get(SERVICES + "&api_key=unknown")
    assert len([key for key in served.cache.entries if b"api_key" in key[1]]) == 0, with_key.status_code


def test_the_memory_bound_evicts_the_least_recently_used(backend, tmp_path) -> None:
    for served in _served(backend, tmp_path, answer_cache_bytes=24_000):
        works = served.get(f"{WORKS}?limit=100").json()["items"][:20]
        bodies = {}
        for work in works:
            bodies[work["id"]] = served.get(f"{WORKS}/{work['id']}").content
            assert served.cache.bytes <= 24_000
        assert served.cache.evictions > 0 and len(served.cache.entries) < len(works)
        for work in works:  # evicted or kept, every answer is still the right one
            assert served.get(f"{WORKS}/{work['id']}").content == bodies[work["id"]]
        last = works[-1]["id"]
        assert any(key[0].endswith(last) for key in served.cache.entries)


def test_a_write_through_another_instance_is_seen_at_once(served, tmp_path) -> None:
    """Two Vigía instances on one database (this process and a `vigia serve` process): what one writes, the
    other's kept answers show in the next read, in both directions."""
    logs = tmp_path / "logs"
    logs.mkdir()
    other = LiveVigia(settings=served.settings, database=served.database, logs=logs,
                      env=vigia_env(served.settings, redis_url=None))
    try:
        other.start_server(workers=1)
        work = _a_work(served)
        record = f"{WORKS}/{work['id']}"
        _kept(served, record)
        with httpx.Client(base_url=other.url, headers={"Accept-Language": "es"}, timeout=30) as remote:
            for _ in range(2):
                assert remote.get(record).json()["title"] == work["title"]
            login = remote.post("/api/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD,
                                                             "device_name": "otra", "device_id": str(uuid.uuid4())})
            assert login.status_code == 201, login.text
            admin = {"Authorization": f"Bearer {login.json()['token']}"}
            version = remote.get(record).json()["version"]
            edited = remote.patch(record, headers=admin, json={"version": version, "title": "Escrito en la otra"})
            assert edited.status_code == 200, edited.text
            assert served.get(record).json()["title"] == "Escrito en la otra"  # this instance had it kept
            edited = served.client.patch(record, headers=served.sign_in(),
                                         json={"version": version + 1, "title": "Escrito en esta"})
            assert edited.status_code == 200, edited.text
            assert remote.get(record).json()["title"] == "Escrito en esta"  # the other had it kept
    finally:
        other.stop()


def test_under_concurrent_writers_and_readers_each_edit_shows_in_the_next_read(served) -> None:
    """Four writers edit four works again and again over real HTTP while four readers keep the kept answers busy:
    each read a writer starts after its edit was answered shows that edit, and at the end every work shows its
    last title, through its record, the list and near."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Event

    from tests.live import serving

    works = served.get(NEAR).json()[:4]
    admin = served.sign_in()
    with serving(served.client.app) as url:
        done = Event()

        def write(work: dict) -> str:
            record = f"{url}{WORKS}/{work['id']}"
            with httpx.Client(headers={"Accept-Language": "es"}, timeout=60) as http:
                version = http.get(record).json()["version"]
                for number in range(5):
                    title = f"Edición {number} de {work['identifier']}"
                    edited = http.patch(record, headers=admin, json={"version": version, "title": title})
                    assert edited.status_code == 200, edited.text
                    version = edited.json()["version"]
                    assert http.get(record).json()["title"] == title
                return title

        def read() -> int:
            count = 0
            with httpx.Client(headers={"Accept-Language": "es"}, timeout=60) as http:
                while not done.is_set():
                    for work in works:
                        assert http.get(f"{url}{WORKS}/{work['id']}").status_code == 200
                    assert http.get(url + NEAR).status_code == 200
                    count += 1
            return count

        with ThreadPoolExecutor(8) as pool:
            readers = [pool.submit(read) for _ in range(4)]
            writers = [pool.submit(write, work) for work in works]
            titles = [writer.result() for writer in writers]
            done.set()
            assert all(reader.result() > 0 for reader in readers)
    near = served.get(NEAR).text
    listed = served.get(f"{WORKS}?limit=100").text
    for work, title in zip(works, titles, strict=True):
        assert served.get(f"{WORKS}/{work['id']}").json()["title"] == title
        assert title in near and title in listed


def test_readers_of_a_stale_answer_wait_for_one_computation_of_it(served, monkeypatch) -> None:
    """After a write, every reader of a popular answer arrives at once: the first computes it, the others wait
    for that answer instead of computing it again (server/answer_cache.py, `computing`), and all get the answer
    with the write in it. The computation is slowed so that the eight readers surely overlap."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from server.complaints import routes

    _kept(served, PUBLIC_COMPLAINTS)
    filed = served.client.post(f"{BASE}/complaints", json=complaint_body(id=str(uuid.uuid4()), anonymous=True))
    assert filed.status_code == 201, filed.text
    computed: list[float] = []
    slow = routes.public_list

    def public_list(*args, **kwargs):
        computed.append(time.monotonic())
        time.sleep(0.3)
        return slow(*args, **kwargs)

    monkeypatch.setattr(routes, "public_list", public_list)
    coalesced = served.cache.coalesced
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: served.get(PUBLIC_COMPLAINTS), range(8)))
    assert [a.status_code for a in answers] == [200] * 8
    assert len({a.content for a in answers}) == 1
    assert filed.json()["complaint"]["folio"] in {item["folio"] for item in answers[0].json()}
    assert len(computed) == 1, computed
    assert served.cache.coalesced == coalesced + 7
