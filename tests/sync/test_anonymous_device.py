"""Anonymous devices (docs/sync.md, "Anonymous devices"): a neighbour's phone, with no account, files an anonymous
complaint offline, uploads its photo, pulls it back and follows it; it can do nothing else, and nothing about the
person is kept. Through HTTP on both databases."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from server import db
from server.app import create_app
from server.auth.models import AccessToken, Device, RoleGrant, User
from server.complaints.models import Complaint, ComplaintPhoto
from server.config import configure_settings
from server.db import utcnow
from tests.sync.helpers import Phone, complaint_payload, mutation, pull, sign_in
from tests.sync.test_uploads import UPLOADS, encode, jpeg
from tests.test_app import assert_error_shape

ENROL = "/api/v1/auth/anonymous-device"
PUSH = "/api/v1/sync/push"
COMPLAINTS = "/api/v1/municipalities/10005/complaints"


@pytest.fixture
def anon_client(committed) -> Iterator[TestClient]:
    """The app on the committed database, with room for the enrolments this module makes from one address."""
    settings, database = committed
    settings = settings.model_copy(update={"anonymous_device_max_per_address": 1000})
    configure_settings(settings)
    db.configure(database)
    with TestClient(create_app(settings, database=database), raise_server_exceptions=False) as client:
        yield client


def enrol(client: TestClient) -> Phone:
    device_id = uuid.uuid4()
    response = client.post(ENROL, json={"device_id": str(device_id)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"token", "token_type", "device_id", "expires_at"}
    assert body["device_id"] == str(device_id) and body["token_type"] == "bearer"
    return Phone(device_id=device_id, token=body["token"], user_id=uuid.UUID(int=0))


def push(client: TestClient, phone: Phone, *mutations: dict) -> list[dict]:
    response = client.post(PUSH, json={"mutations": list(mutations)}, headers=phone.headers)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def file_with_photo(client: TestClient, phone: Phone, photo: bytes) -> tuple[dict, dict, uuid.UUID]:
    attachment = uuid.uuid4()
    payload = complaint_payload(anonymous=True, attachments=[
        {"id": str(attachment), "sha256": hashlib.sha256(photo).hexdigest()}])
    filing = mutation("complaint.file", payload)
    (result,) = push(client, phone, filing)
    return filing, result, attachment


def upload(client: TestClient, phone: Phone, complaint_id: str, attachment: uuid.UUID, photo: bytes):
    metadata = {"record": f"complaint:{complaint_id}", "attachment": str(attachment),
                "sha256": hashlib.sha256(photo).hexdigest(), "filetype": "image/jpeg"}
    return client.post(UPLOADS, content=photo, headers={
        **phone.headers, "Tus-Resumable": "1.0.0", "Upload-Length": str(len(photo)),
        "Upload-Metadata": encode(metadata), "Content-Type": "application/offset+octet-stream"})


def test_a_phone_without_an_account_files_uploads_pulls_and_follows(anon_client: TestClient,
                                                                    committed_database) -> None:
    client = anon_client
    phone = enrol(client)
    photo = jpeg(320, 240)
    filing, result, attachment = file_with_photo(client, phone, photo)
    assert result["status"] == "applied", result
    folio, code = result["data"]["folio"], result["data"]["follow_up_code"]
    assert folio.startswith("10005-") and len(code) == 11
    assert result["data"]["missing_attachments"] == [str(attachment)]
    complaint_id = result["record"]["id"]

    # The answer lost and the push sent again: the same result and code, one complaint.
    (again,) = push(client, phone, filing)
    assert again == result
    with committed_database.session_scope() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)
                              .where(Complaint.id == uuid.UUID(complaint_id))) == 1

    uploaded = upload(client, phone, complaint_id, attachment, photo)
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.headers["upload-offset"] == str(len(photo))

    items, _cursor, _removed = pull(client, committed_database, phone)
    mine = [item for item in items if item["type"] == "complaint"]
    assert [item["id"] for item in mine] == [complaint_id]
    assert mine[0]["scope"] == "mine" and mine[0]["data"]["folio"] == folio
    assert mine[0]["data"]["missing_attachments"] == []
    assert {item["scope"] for item in items} == {"mine"}  # nothing else: no works, forms or committees

    second = uuid.uuid4()
    another = mutation("complaint.attach_photo", {"complaint_id": complaint_id, "attachment": {
        "id": str(second), "sha256": hashlib.sha256(b"another photo").hexdigest()}})
    information = mutation("complaint.add_information", {"complaint_id": complaint_id,
                                                         "text": "Hoy siguen los escombros en la banqueta."})
    withdrawal = mutation("complaint.withdraw", {"complaint_id": complaint_id, "reason": "Ya lo arreglaron."})
    results = push(client, phone, another, information, withdrawal)
    assert [r["status"] for r in results] == ["applied", "applied", "applied"]
    assert results[0]["data"]["missing_attachments"] == [str(second)]

    followed = client.post(f"{COMPLAINTS}/follow-up", json={"folio": folio, "code": code})
    assert followed.status_code == 200 and followed.json()["state"] == "withdrawn"

    staff = sign_in(client, "contraloria@vigia.example")
    seen = client.get(f"{COMPLAINTS}/{complaint_id}", headers={"Authorization": f"Bearer {staff.token}"}).json()
    assert seen["anonymous"] is True and seen["reporter_id"] is None and seen["contact"] is None

    with committed_database.session_scope() as session:
        complaint = session.get(Complaint, uuid.UUID(complaint_id))
        assert complaint is not None and complaint.anonymous
        assert session.scalar(sa.select(sa.func.count()).select_from(ComplaintPhoto)
                              .where(ComplaintPhoto.complaint_id == complaint.id)) == 1
        account = session.get(User, complaint.reporter_id)
        assert account is not None and account.is_anonymous_device
        assert account.full_name == "" and account.password_hash is None
        assert account.email.endswith("@anonimo.invalid") and str(phone.device_id) not in account.email
        assert session.scalar(sa.select(sa.func.count()).select_from(RoleGrant)
                              .where(RoleGrant.user_id == account.id)) == 0
        device = session.get(Device, phone.device_id)
        assert device is not None and device.user_id == account.id and device.name == "Teléfono anónimo"
        tokens = session.scalars(sa.select(AccessToken).where(AccessToken.device_id == phone.device_id)).all()
        assert [t.digest for t in tokens] != [phone.token] and phone.token not in tokens[0].digest


def test_an_anonymous_phone_can_do_nothing_else(anon_client: TestClient, committed_database) -> None:
    client = anon_client
    phone = enrol(client)
    other = enrol(client)
    (theirs,) = push(client, other, mutation("complaint.file", complaint_payload(anonymous=True)))
    volunteer = sign_in(client, "voluntaria@vigia.example")
    (signed,) = push(client, volunteer, mutation("complaint.file", complaint_payload()))
    token = {"Authorization": f"Bearer {phone.token}"}

    for response in (client.get("/api/v1/auth/me", headers=token),
                     client.get("/api/v1/auth/devices", headers=token),
                     client.get("/api/v1/municipalities/10005/works", headers=token),
                     client.post(COMPLAINTS, json=complaint_payload(anonymous=True), headers=token),
                     client.post(ENROL, json={"device_id": str(uuid.uuid4())}, headers=token)):
        error = assert_error_shape(response, 403, "anonymous_device_forbidden")
        assert "sin cuenta" in error["message"]
    english = client.get("/api/v1/auth/me", headers={**token, "Accept-Language": "en"})
    assert "without an account" in assert_error_shape(english, 403, "anonymous_device_forbidden")["message"]

    results = push(client, phone,
                   mutation("complaint.file", complaint_payload(anonymous=False)),
                   mutation("complaint.file", complaint_payload()),  # anonymous defaults to false
                   mutation("complaint.support", {"complaint_id": signed["record"]["id"]}),
                   mutation("complaint.edit_description", {"complaint_id": theirs["record"]["id"],
                                                           "description": "Otra descripción cualquiera.",
                                                           "base_version": 1}),
                   mutation("complaint.withdraw", {"complaint_id": theirs["record"]["id"], "reason": "No es mía"}),
                   mutation("complaint.attach_photo", {"complaint_id": signed["record"]["id"], "attachment": {
                       "id": str(uuid.uuid4()), "sha256": "a" * 64}}))
    assert [(r["status"], r["error"]["code"]) for r in results] == [
        ("rejected", "anonymous_required"), ("rejected", "anonymous_required"),
        ("rejected", "anonymous_device_forbidden"), ("rejected", "anonymous_device_forbidden"),
        ("rejected", "not_the_reporter"), ("rejected", "not_the_reporter")]
    assert results[0]["error"]["details"][0]["field"] == "anonymous"

    items, _cursor, _removed = pull(client, committed_database, phone)
    assert items == []  # neither the other phone's complaint nor the volunteer's

    with committed_database.session_scope() as session:
        withdrawn = session.get(Complaint, uuid.UUID(theirs["record"]["id"]))
        assert withdrawn is not None and withdrawn.state == "received"


def test_device_ids_tokens_revocation_and_expiry(anon_client: TestClient, committed_database) -> None:
    client = anon_client
    phone = enrol(client)
    taken = client.post(ENROL, json={"device_id": str(phone.device_id)})
    assert_error_shape(taken, 409, "device_taken")  # a device id is not a secret: never a second token
    volunteer = sign_in(client, "voluntaria@vigia.example")
    assert_error_shape(client.post(ENROL, json={"device_id": str(volunteer.device_id)}), 409, "device_taken")
    assert_error_shape(client.post(ENROL, json={"device_id": "not-a-uuid"}), 422, "validation_error")
    named = client.post(ENROL, json={"device_id": str(uuid.uuid4()), "name": "Rosa"})
    assert_error_shape(named, 422, "validation_error")  # nothing about the person is accepted

    wrong_device = client.post(PUSH, json={"mutations": [mutation("complaint.file", complaint_payload(
        anonymous=True))]}, headers={**phone.headers, "Vigia-Device": str(volunteer.device_id)})
    assert_error_shape(wrong_device, 403, "device_mismatch")

    expiring = enrol(client)
    with committed_database.session_scope() as session:
        session.execute(sa.update(AccessToken).where(AccessToken.device_id == expiring.device_id)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    body = {"mutations": [mutation("complaint.file", complaint_payload(anonymous=True))]}
    assert_error_shape(client.post(PUSH, json=body, headers=expiring.headers), 401, "token_expired")

    assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {phone.token}"}).status_code == 204
    assert_error_shape(client.post(PUSH, json=body, headers=phone.headers), 401, "token_revoked")
    assert_error_shape(client.get("/api/v1/sync/pull", headers=phone.headers), 401, "token_revoked")


def test_enrolments_are_limited_per_client_address(committed) -> None:
    settings, database = committed
    settings = settings.model_copy(update={"anonymous_device_max_per_address": 2})
    configure_settings(settings)
    db.configure(database)
    address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    app = create_app(settings, database=database)
    with TestClient(app, raise_server_exceptions=False, client=(address, 50000)) as client, \
            TestClient(app, raise_server_exceptions=False, client=("198.51.100.9", 50000)) as elsewhere:
        answers = [client.post(ENROL, json={"device_id": str(uuid.uuid4())}) for _ in range(3)]
        other = elsewhere.post(ENROL, json={"device_id": str(uuid.uuid4())})
    assert [a.status_code for a in answers[:2]] == [201, 201]
    error = assert_error_shape(answers[2], 429, "anonymous_device_rate_limited")
    assert int(answers[2].headers["retry-after"]) > 0 and "minutos" in error["message"]
    assert other.status_code == 201


def test_a_phone_whose_tokens_are_dead_is_forgotten_its_complaints_stay(anon_client: TestClient,
                                                                        committed_database) -> None:
    from server.auth import anonymous

    client = anon_client
    gone, signed_out, alive = enrol(client), enrol(client), enrol(client)
    photo = jpeg(160, 120)
    _filing, result, attachment = file_with_photo(client, gone, photo)
    assert upload(client, gone, result["record"]["id"], attachment, photo).status_code == 201
    folio, code = result["data"]["folio"], result["data"]["follow_up_code"]
    assert client.post("/api/v1/auth/logout",
                       headers={"Authorization": f"Bearer {signed_out.token}"}).status_code == 204
    with committed_database.session_scope() as session:
        session.execute(sa.update(AccessToken).where(AccessToken.device_id == gone.device_id)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    with committed_database.session_scope() as session:
        assert anonymous.prune(session) >= 2
    with committed_database.session_scope() as session:
        assert session.get(Device, gone.device_id) is None and session.get(Device, signed_out.device_id) is None
        assert session.get(Device, alive.device_id) is not None
        complaint = session.get(Complaint, uuid.UUID(result["record"]["id"]))
        assert complaint is not None and complaint.anonymous and complaint.reporter_id is None
        assert session.scalar(sa.select(sa.func.count()).select_from(ComplaintPhoto)
                              .where(ComplaintPhoto.complaint_id == complaint.id)) == 1
        assert anonymous.prune(session) == 0
    followed = client.post(f"{COMPLAINTS}/follow-up", json={"folio": folio, "code": code})
    assert followed.status_code == 200 and followed.json()["folio"] == folio
    assert_error_shape(client.get("/api/v1/sync/pull", headers=gone.headers), 401, "token_invalid")
    assert client.get("/api/v1/sync/pull", headers=alive.headers).status_code == 200
