"""Signing in and out over HTTP, as the PWA and scripts do it."""

from __future__ import annotations

import uuid

from tests.factories import DEMO_PASSWORD, bearer, token_for
from tests.test_app import assert_error_shape


def sign_in(client, email="contraloria@vigia.example", password=DEMO_PASSWORD, **extra):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password,
                                                  "device_name": "Moto G de prueba", **extra})


def test_login_me_logout(client) -> None:
    response = sign_in(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["roles"] == [{"municipality_code": "10005", "role": "comptroller"}]
    assert "password" not in response.text and "hash" not in response.text
    headers = bearer(body["token"])
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["email"] == "contraloria@vigia.example"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    error = assert_error_shape(client.get("/api/v1/auth/me", headers=headers), 401, "token_revoked")
    assert "sesión" in error["message"]


def test_wrong_password_is_a_401_without_saying_which_part_was_wrong(client) -> None:
    wrong = assert_error_shape(sign_in(client, password="mala"), 401, "login_failed")
    unknown = assert_error_shape(sign_in(client, email="nadie@vigia.example", password="mala"), 401, "login_failed")
    assert wrong["message"] == unknown["message"] == "Correo o contraseña incorrectos."


def test_lockout_survives_across_requests(client, backend) -> None:
    for _ in range(backend.settings.login_max_failures):
        assert sign_in(client, email="comite@vigia.example", password="mala").status_code == 401
    response = sign_in(client, email="comite@vigia.example")
    assert_error_shape(response, 429, "login_locked")
    assert int(response.headers["retry-after"]) > 0


def test_missing_malformed_and_unknown_tokens(client) -> None:
    assert_error_shape(client.get("/api/v1/auth/me"), 401, "auth_required")
    assert client.get("/api/v1/auth/me").headers["www-authenticate"].startswith("Bearer")
    assert_error_shape(client.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"}), 401, "token_invalid")
    assert_error_shape(client.get("/api/v1/auth/me", headers={"Authorization": "Bearer "}), 401, "token_invalid")
    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer("vg_forged")), 401, "token_invalid")


def test_an_invalid_token_is_refused_even_on_public_endpoints(client) -> None:
    # A stale token must not silently turn the caller anonymous: the app has to know to sign in again.
    assert_error_shape(client.get("/api/v1/municipalities", headers=bearer("vg_old")), 401, "token_invalid")


def test_devices_list_and_revoke(client) -> None:
    phone = sign_in(client, device_id=str(uuid.uuid4())).json()
    laptop = sign_in(client).json()
    devices = client.get("/api/v1/auth/devices", headers=bearer(laptop["token"])).json()
    assert {d["name"] for d in devices} == {"Moto G de prueba"}
    assert len(devices) == 2
    revoked = client.post(f"/api/v1/auth/devices/{phone['device']['id']}/revoke", headers=bearer(laptop["token"]))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(phone["token"])), 401, "token_revoked")
    assert client.get("/api/v1/auth/me", headers=bearer(laptop["token"])).status_code == 200


def test_cannot_revoke_someone_elses_device(client, session) -> None:
    theirs = sign_in(client, email="voluntaria@vigia.example").json()
    mine = token_for(session, "contraloria@vigia.example")
    response = client.post(f"/api/v1/auth/devices/{theirs['device']['id']}/revoke", headers=bearer(mine))
    assert_error_shape(response, 404, "device_not_found")
    assert client.get("/api/v1/auth/me", headers=bearer(theirs["token"])).status_code == 200


def test_a_device_id_of_another_account_is_a_409(client) -> None:
    device_id = sign_in(client, email="voluntaria@vigia.example").json()["device"]["id"]
    assert_error_shape(sign_in(client, device_id=device_id), 409, "device_taken")


def test_bad_device_id_path_is_a_404(client, session) -> None:
    token = token_for(session, "contraloria@vigia.example")
    response = client.post("/api/v1/auth/devices/not-a-uuid/revoke", headers=bearer(token))
    assert_error_shape(response, 404, "route_not_found")
