"""/api/v1/auth: sign in and out, who am I, my devices."""

from __future__ import annotations

from server.api import Call, endpoint
from server.auth import anonymous, service
from server.auth import me as me_view
from server.auth.models import AnonymousDeviceCreate, AnonymousDevicePublic, DevicePublic, LoginCreate, SessionPublic
from server.db import session_scope
from server.errors import AppError

TAG = "auth"


@endpoint("POST", "/auth/login", summary="Sign in from a named device", tag=TAG, body=LoginCreate,
          response=SessionPublic, status=201, errors=(401, 403, 409, 429))
def login(call: Call) -> SessionPublic:
    """Returns an opaque bearer token bound to the device. Send it as `Authorization: Bearer <token>`."""
    with session_scope() as session:  # committed before the password is checked: the attempt counts
        attempt = service.claim_login(session=session, data=call.body)
    with session_scope() as session:
        outcome = service.finish_login(session=session, attempt=attempt, data=call.body)
    if isinstance(outcome, AppError):
        raise outcome
    return outcome


@endpoint("POST", "/auth/anonymous-device", summary="Enrol a phone to file anonymous complaints offline", tag=TAG,
          body=AnonymousDeviceCreate, response=AnonymousDevicePublic, status=201, errors=(409, 429))
def anonymous_device(call: Call) -> AnonymousDevicePublic:
    """No account and nothing about the person: a token bound to the device id the app made, for pushing
    anonymous complaints, uploading their photos and pulling them back (docs/sync.md, "Anonymous devices").
    Limited per client address."""
    client = call.request.client.host if call.request.client else None
    with session_scope() as session:  # committed before enrolling: the attempt counts
        anonymous.claim(session, client=client)
    with session_scope() as session:
        return anonymous.enrol(session, data=call.body)


@endpoint("POST", "/auth/logout", summary="Sign out (revoke this token)", tag=TAG, status=204, auth=True,
          anonymous_device=True)
def logout(call: Call) -> None:
    with session_scope() as session:
        service.logout(session=session, actor=call.actor)


@endpoint("GET", "/auth/me", summary="The signed-in account, its roles, committees and observatories", tag=TAG,
          response=me_view.MePublic, auth=True)
def me(call: Call) -> me_view.MePublic:
    """The committees where the person is an active member today (role and the committee's state, as codes and
    in words) and the observatories they belong to (with their accreditation as citizen comptroller)."""
    with session_scope() as session:
        return me_view.me(session=session, actor=call.actor, language=call.language)


@endpoint("GET", "/auth/devices", summary="My devices", tag=TAG, response=list[DevicePublic], auth=True)
def devices(call: Call) -> list[DevicePublic]:
    with session_scope() as session:
        return service.list_devices(session=session, actor=call.actor)


@endpoint("POST", "/auth/devices/{device_id:uuid}/revoke", summary="Revoke one of my devices (lost phone)",
          tag=TAG, response=DevicePublic, auth=True, errors=(404,))
def revoke_device(call: Call) -> DevicePublic:
    with session_scope() as session:
        return service.revoke_device(session=session, actor=call.actor, device_id=call.path["device_id"])


routes = [login, anonymous_device, logout, me, devices, revoke_device]
