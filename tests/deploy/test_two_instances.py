"""Two `vigia serve` instances with separate local disks behind a real reverse proxy (Debian's HAProxy, round-robin,
deploy/haproxy.cfg as committed), one worker, PostgreSQL and Redis: what a phone sees through the proxy (issue 20,
point 3; docs/deployment.md, "10. Past one machine"). Nothing lost, nothing doubled, whichever instance answers."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from server.audit.models import AuditEntry
from server.complaints.models import Complaint, ComplaintUpdate
from server.sync.models import Mutation
from tests.deploy.conftest import INSTANCE, TwoInstances
from tests.sync.helpers import Phone, complaint_payload, mutation, settle, sign_in

pytestmark = pytest.mark.postgis_only

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"
UPLOADS = "/api/v1/sync/uploads/"
COMPLAINTS = "/api/v1/municipalities/10005/complaints"
PHOTOS = "/api/v1/municipalities/10005/photos"
CHUNK = 64 * 1024


def answered_by(response: httpx.Response) -> str:
    return response.headers[INSTANCE]


def align(client: httpx.Client, after: str) -> None:
    """Ask (a harmless GET) until `after` answers, so that round-robin sends the client's next request to the
    other instance."""
    for _ in range(4):
        if answered_by(client.get("/healthz")) == after:
            return
    raise AssertionError(f"{after} never answered through the proxy")


def push(client: httpx.Client, phone: Phone, sent: list[dict]) -> httpx.Response:
    return client.post(PUSH, json={"mutations": sent}, headers=phone.headers)


def acknowledged(response: httpx.Response, sent: list[dict]) -> list[dict]:
    """What the app checks before it forgets a batch (docs/sync.md): 200, the protocol, ok, one result each."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["protocol"] == "vigia-sync/1" and body["ok"] is True
    assert [result["id"] for result in body["results"]] == [item["id"] for item in sent]
    return body["results"]


def pull_pages(client: httpx.Client, phone: Phone, cursor: str | None = None,
               **params: object) -> tuple[list[dict], str, list[str]]:
    """Pull until has_more is false: every item, the last cursor, and which instance served each page."""
    items: list[dict] = []
    served: list[str] = []
    for _ in range(500):
        response = client.get(PULL, params={**params, **({"cursor": cursor} if cursor else {})},
                              headers=phone.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["ok"] is True and page["reset"] is False
        items.extend(page["items"])
        served.append(answered_by(response))
        cursor = page["cursor"]
        if not page["has_more"]:
            return items, cursor, served
    raise AssertionError("the pull never ended")


# ------------------------------------------------------------------------------------------------ the proxy


def test_requests_take_turns_between_the_instances(two_instances: TwoInstances) -> None:
    with httpx.Client(base_url=two_instances.url, timeout=30) as client:  # one kept-alive connection, as a phone
        answers = [client.get("/api/v1/municipalities") for _ in range(12)]
        own = client.get("/healthz", headers={"X-Request-ID": "phone-7f3a-0002"})
    assert [response.status_code for response in answers] == [200] * 12
    names = [answered_by(response) for response in answers]
    assert set(names) == two_instances.names
    # Round-robin request by request, on one connection: nothing ties a phone to an instance.
    assert all(first != second for first, second in zip(names, names[1:])), names
    assert answers[0].json() == answers[1].json()  # the same answer from either
    # The proxy gives each request an id that reaches the app (one id joins the proxy's log line and Vigía's);
    # a phone's own id is kept.
    ids = [response.headers["x-request-id"] for response in answers]
    assert len(set(ids)) == 12 and all(":" in request_id for request_id in ids), ids
    assert own.headers["x-request-id"] == "phone-7f3a-0002"


def test_each_instance_answers_its_own_health_and_the_proxy_checks_it(two_instances: TwoInstances) -> None:
    for instance in two_instances.instances:
        health = httpx.get(instance.url + "/healthz", timeout=30)
        assert health.status_code == 200 and answered_by(health) == instance.name
        assert health.json()["status"] == "ok", health.json()  # database, Redis and the worker's heartbeat
    # HAProxy's own checks reached both (its log shows no server going DOWN, and /healthz was asked).
    assert "is DOWN" not in two_instances.proxy.log.read_text(errors="replace"), two_instances.log()


# ------------------------------------------------------------------------------------------------ a phone's sync


def test_a_phone_syncs_through_the_proxy_nothing_lost_nothing_doubled(two_instances: TwoInstances) -> None:
    database = two_instances.database
    with httpx.Client(base_url=two_instances.url, timeout=60) as client:
        phone = sign_in(client, "voluntaria@vigia.example", name="Moto G detrás del proxy")  # enrols the device
        filed = [complaint_payload(description=f"Banqueta agrietada frente al número {n}.") for n in range(5)]
        batch = [mutation("complaint.file", payload) for payload in filed]
        batch.append(mutation("complaint.add_information", {
            "complaint_id": filed[0]["id"], "text": "Ya se cayó un pedazo más grande.", "attachments": []}))

        first = push(client, phone, batch)
        results = acknowledged(first, batch)
        assert [result["status"] for result in results] == ["applied"] * 6, results

        # The phone never saw that answer and sends the batch again: the other instance answers it, the same.
        align(client, answered_by(first))
        replay = push(client, phone, batch)
        assert answered_by(replay) != answered_by(first)
        assert acknowledged(replay, batch) == results

        # The next batch: three new complaints, two mutations sent before, and a complaint already filed under a
        # new mutation id; sent at once from four connections, which the proxy spreads over both instances.
        later = [complaint_payload(description=f"Zanja abierta sin señalamiento, tramo {n}.") for n in range(3)]
        second = ([mutation("complaint.file", payload) for payload in later] + batch[1:3]
                  + [mutation("complaint.file", filed[4])])
        barrier = threading.Barrier(4)

        def send() -> tuple[str, list[dict]]:
            with httpx.Client(base_url=two_instances.url, timeout=60) as own:
                barrier.wait()
                response = push(own, phone, second)
                return answered_by(response), acknowledged(response, second)

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: send(), range(4)))
        assert {name for name, _ in answers} == two_instances.names, answers
        assert all(answer == answers[0][1] for _, answer in answers)
        again = answers[0][1]
        assert [result["status"] for result in again] == ["applied"] * 6, again
        assert again[3:5] == results[1:3]  # replays answer what was stored the first time
        assert again[5]["record"] == results[4]["record"]  # the same complaint, not a second one
        assert again[5]["data"]["folio"] == results[4]["data"]["folio"]

        complaint_ids = [uuid.UUID(payload["id"]) for payload in filed + later]
        with database.session_scope() as session:
            counts = Counter(session.scalars(sa.select(Complaint.id).where(Complaint.id.in_(complaint_ids))))
            assert counts == Counter(complaint_ids)  # each once
            sent_ids = {uuid.UUID(item["id"]) for item in batch + second}
            stored = set(session.scalars(sa.select(Mutation.mutation_id).where(Mutation.device_id == phone.device_id)))
            assert stored == sent_ids
            information = session.scalar(sa.select(sa.func.count()).select_from(ComplaintUpdate).where(
                ComplaintUpdate.complaint_id == complaint_ids[0], ComplaintUpdate.kind == "information"))
            assert information == 1
            audit = Counter(session.execute(sa.select(AuditEntry.entity_id, AuditEntry.action)
                                            .where(AuditEntry.entity_id.in_(complaint_ids))).all())
            assert set(audit.values()) == {1}, audit  # no action logged twice
            assert {entity for entity, _ in audit} == set(complaint_ids)
        verified = two_instances.worker.cli("verify-log")
        assert verified.returncode == 0, verified.stdout + verified.stderr

        # Pull in small pages, which the proxy serves from both instances.
        settle(database)
        items, cursor, served = pull_pages(client, phone, limit=5)
        assert set(served) == two_instances.names
        assert Counter((item["type"], item["id"]) for item in items).most_common(1)[0][1] == 1  # each record once
        mine = {item["id"]: item for item in items if item["scope"] == "mine"}
        assert {str(complaint_id) for complaint_id in complaint_ids} <= set(mine)
        folios = {result["record"]["id"]: result["data"]["folio"] for result in results[:5] + again[:3]}
        assert {key: mine[key]["data"]["folio"] for key in folios} == folios
        # Nothing lost: what one instance serves in one page, the proxy's pages served too.
        whole = httpx.get(two_instances.instances[0].url + PULL, params={"limit": 1000, "max_bytes": 4 * 2**20},
                          headers=phone.headers, timeout=60).json()
        assert whole["has_more"] is False
        assert sorted(items, key=lambda item: (item["type"], item["id"])) == sorted(
            whole["items"], key=lambda item: (item["type"], item["id"]))
        # Caught up: either instance has nothing more.
        for _ in range(2):
            empty = client.get(PULL, params={"cursor": cursor}, headers=phone.headers).json()
            assert (empty["items"], empty["has_more"]) == ([], False)


# ------------------------------------------------------------------------------------------------ photos


def jpeg(width: int = 800, height: int = 600) -> bytes:
    """A real photo of noise (a few hundred KB: several tus chunks)."""
    picture = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def tus(phone: Phone, **headers: str) -> dict[str, str]:
    return {**phone.headers, "Tus-Resumable": "1.0.0", **headers}


def test_a_photo_cut_off_resumes_on_the_other_instance_and_gets_its_thumbnails(two_instances: TwoInstances,
                                                                              s3_server) -> None:
    photo = jpeg()
    assert len(photo) > 4 * CHUNK
    sha256 = hashlib.sha256(photo).hexdigest()
    with httpx.Client(base_url=two_instances.url, timeout=60) as client:
        phone = sign_in(client, "voluntaria@vigia.example", name="Moto G con foto")
        attachment_id = str(uuid.uuid4())
        payload = complaint_payload(attachments=[{"id": attachment_id, "sha256": sha256}])
        sent = [mutation("complaint.file", payload)]
        filed = acknowledged(push(client, phone, sent), sent)[0]
        assert filed["data"]["missing_attachments"] == [attachment_id]

        # The first chunk travels with the creation (creation-with-upload); then the bus enters a tunnel.
        metadata = {"record": f"complaint:{payload['id']}", "attachment": attachment_id, "sha256": sha256,
                    "filetype": "image/jpeg"}
        encoded = ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items())
        created = client.post(UPLOADS, content=photo[:CHUNK], headers=tus(
            phone, **{"Upload-Length": str(len(photo)), "Upload-Metadata": encoded,
                      "Content-Type": "application/offset+octet-stream"}))
        assert created.status_code == 201, created.text
        assert created.headers["upload-offset"] == str(CHUNK)
        location = created.headers["location"]
        first = answered_by(created)

        # Back in coverage: the next chunk reaches the other instance, which resumes where the first stopped.
        align(client, first)
        resumed = client.patch(location, content=photo[CHUNK:2 * CHUNK], headers=tus(
            phone, **{"Upload-Offset": str(CHUNK), "Content-Type": "application/offset+octet-stream"}))
        assert answered_by(resumed) != first
        assert resumed.status_code == 204, resumed.text
        offset = 2 * CHUNK
        while offset < len(photo):  # the rest, chunk by chunk, taking turns between the instances
            head = client.head(location, headers=tus(phone))
            assert head.status_code == 200 and int(head.headers["upload-offset"]) == offset, head.headers
            chunk = photo[offset:offset + CHUNK]
            sent_chunk = client.patch(location, content=chunk, headers=tus(
                phone, **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                          "Upload-Checksum": "sha256 " + base64.b64encode(hashlib.sha256(chunk).digest()).decode()}))
            assert sent_chunk.status_code == 204, sent_chunk.text
            offset += len(chunk)
        for _ in range(2):  # both instances see it complete and attached
            done = client.head(location, headers=tus(phone))
            assert done.headers["upload-offset"] == done.headers["upload-length"] == str(len(photo))
            complaint = client.get(f"{COMPLAINTS}/{payload['id']}", headers=phone.headers)
            assert complaint.status_code == 200 and complaint.json()["photos"] == [attachment_id], complaint.text

        # The worker makes the public copies in the bucket; both instances serve them to the uploader.
        deadline = time.monotonic() + 90
        while True:
            shown = client.get(f"{PHOTOS}/{attachment_id}", headers=phone.headers)
            assert shown.status_code == 200, shown.text
            if shown.json()["variants_status"] == "ready":
                break
            assert shown.json()["variants_status"] == "pending", shown.json()
            assert time.monotonic() < deadline, f"no thumbnails after 90 s:\n{two_instances.log()}"
            time.sleep(0.5)
        variants = shown.json()["variants"]
        served = set()
        assert set(variants) == {"320", "1280"}
        for _ in range(2):
            for variant in variants.values():
                copy = client.get(variant["url"], headers=phone.headers)
                assert copy.status_code == 200 and copy.headers["content-type"] == "image/jpeg", copy.text
                assert Image.open(io.BytesIO(copy.content)).size == (variant["width"], variant["height"])
                served.add(answered_by(copy))
        assert served == two_instances.names
        settle(two_instances.database)
        items, _, _ = pull_pages(client, phone)
        pulled = next(item for item in items if item["id"] == payload["id"])
        assert pulled["data"]["missing_attachments"] == []
    # The photo and its copies are in the bucket, written once; nothing of them on any instance's own disk.
    keys = [item["Key"] for page in s3_server.client().get_paginator("list_objects_v2").paginate(
        Bucket=s3_server.bucket) for item in page.get("Contents", []) if sha256 in item["Key"]]
    assert len([key for key in keys if "/originals/" in f"/{key}"]) == 1 and len(keys) == 3, keys
    for instance in two_instances.instances:
        assert not [path for path in instance.media_dir.rglob("*") if path.is_file()], instance.media_dir


# ------------------------------------------------------------------------------------------------ failover (last)


def test_an_instance_that_stops_is_taken_out_of_turn_and_comes_back(two_instances: TwoInstances) -> None:
    """Runs last in the module: it stops an instance, and restarts it."""
    kept, stopped = two_instances.instances
    stopped.stop()
    try:
        with httpx.Client(base_url=two_instances.url, timeout=60) as client:
            # Refused connections are retried on the other instance at once (option redispatch), then the health
            # checks take the stopped one out of turn: no request fails meanwhile.
            answers = [client.get("/api/v1/municipalities") for _ in range(8)]
            assert [response.status_code for response in answers] == [200] * 8
            assert {answered_by(response) for response in answers} == {kept.name}
    finally:
        stopped.start()
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=two_instances.url, timeout=60) as client:
        while answered_by(client.get("/healthz")) != stopped.name:  # back in turn after 2 good checks
            assert time.monotonic() < deadline, f"{stopped.name} never came back:\n{two_instances.log()}"
            time.sleep(0.2)
