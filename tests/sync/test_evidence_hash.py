"""The camera original's hash (docs/sync.md, section 4): a phone that downscales a photo before sending it declares
`original_sha256` with the attachment; staff see it in the photo's evidence, next to the hash of what arrived."""

from __future__ import annotations

import hashlib
import os
import uuid

from starlette.testclient import TestClient

from tests.sync.helpers import complaint_payload, mutation, sign_in
from tests.sync.test_anonymous_device import PUSH, upload
from tests.sync.test_uploads import jpeg
from tests.test_app import assert_error_shape

PHOTOS = "/api/v1/municipalities/10005/photos"


def test_the_originals_hash_reaches_staff_with_the_photo(live: TestClient) -> None:
    phone = sign_in(live, "voluntaria@vigia.example")
    small, as_taken = jpeg(320, 240), jpeg(200, 150)
    original = hashlib.sha256(os.urandom(4096)).hexdigest()  # the camera's file, never sent
    downscaled, sent_whole = uuid.uuid4(), uuid.uuid4()
    payload = complaint_payload(attachments=[
        {"id": str(downscaled), "sha256": hashlib.sha256(small).hexdigest(), "original_sha256": original.upper()},
        {"id": str(sent_whole), "sha256": hashlib.sha256(as_taken).hexdigest()}])
    pushed = live.post(PUSH, json={"mutations": [mutation("complaint.file", payload)]}, headers=phone.headers)
    (result,) = pushed.json()["results"]
    assert result["status"] == "applied", result
    complaint_id = result["record"]["id"]
    assert upload(live, phone, complaint_id, downscaled, small).status_code == 201
    assert upload(live, phone, complaint_id, sent_whole, as_taken).status_code == 201

    staff = {"Authorization": f"Bearer {sign_in(live, 'contraloria@vigia.example').token}"}
    evidence = live.get(f"{PHOTOS}/{downscaled}/evidence", headers=staff).json()
    assert evidence["sha256"] == hashlib.sha256(small).hexdigest()
    assert evidence["original_sha256"] == original  # stored in lower case, as every hash
    whole = live.get(f"{PHOTOS}/{sent_whole}/evidence", headers=staff).json()
    assert whole["original_sha256"] is None

    complaint = live.get(f"/api/v1/municipalities/10005/complaints/{complaint_id}", headers=staff).json()
    assert complaint["photo_original_sha256"] == {str(downscaled): original}
    reporter = live.get(f"/api/v1/municipalities/10005/complaints/{complaint_id}",
                        headers={"Authorization": f"Bearer {phone.token}"}).json()
    assert "photo_original_sha256" not in reporter and "original_sha256" not in str(reporter)

    public = live.get(f"{PHOTOS}/{downscaled}", headers=staff).json()
    assert "original_sha256" not in public
    volunteer = live.get(f"{PHOTOS}/{downscaled}/evidence", headers={"Authorization": f"Bearer {phone.token}"})
    assert_error_shape(volunteer, 403, "forbidden")


def test_an_original_hash_that_is_not_one_is_rejected_by_name(live: TestClient) -> None:
    phone = sign_in(live, "voluntaria@vigia.example")
    payload = complaint_payload(attachments=[{"id": str(uuid.uuid4()), "sha256": "a" * 64,
                                              "original_sha256": "not-a-hash"}])
    (result,) = live.post(PUSH, json={"mutations": [mutation("complaint.file", payload)]},
                          headers=phone.headers).json()["results"]
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_error"
    assert [d["field"] for d in result["error"]["details"]] == ["attachments.0.original_sha256"]
