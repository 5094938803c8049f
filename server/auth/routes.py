"""/api/v1/auth: sign in and out, who am I, my devices."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field as PField
from starlette.responses import JSONResponse, Response

from server.api import Call, endpoint
from server.auth import anonymous, browser, service
from server.auth import me as me_view
from server.auth.actor import Actor
from server.auth.credentials import csrf_token_for
from server.auth.models import (
    AnonymousDeviceCreate,
    AnonymousDevicePublic,
    BrowserSessionCreate,
    DevicePublic,
    LoginCreate,
    SessionPublic,
)
from server.config import get_settings
from server.db import read_scope, session_scope
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


class BrowserSessionPublic(BaseModel):
    """A browser session just opened. Its token is in the HttpOnly cookie `vigia_session`, not here; the CSRF
    token (also in the cookie `vigia_csrf`) goes back in the `X-CSRF-Token` header of every request that changes
    something."""

    user: me_view.MePublic
    csrf_token: str
    expires_at: datetime = PField(description="the latest the session can last (SESSION_HOURS after sign-in)")
    idle_minutes: int = PField(description="the session also ends after this many minutes without a request")
    device: DevicePublic


@endpoint("POST", "/auth/session", summary="Sign in from a browser (session cookie for the desk)", tag=TAG,
          body=BrowserSessionCreate, response=BrowserSessionPublic, errors=(401, 403, 429))
def open_browser_session(call: Call) -> Response:
    """Sets the cookies `vigia_session` (HttpOnly, SameSite=Strict, Secure) and `vigia_csrf` (read by the page).
    The same password rules and lockout as `/auth/login`. The session shows in `GET /auth/devices` and ends with
    `POST /auth/session/end`, with a revoke, after SESSION_IDLE_MINUTES without a request or SESSION_HOURS in
    all. Integrators keep using `/auth/login` and bearer tokens (docs/api.md, "Browser sessions")."""
    browser.check_origin(call.request)  # no signing a victim's browser into someone else's account from elsewhere
    data = LoginCreate(email=call.body.email, password=call.body.password,
                       device_name=call.body.device_name or browser.device_name(call.request.headers.get("user-agent")))
    with session_scope() as session:  # committed before the password is checked: the attempt counts
        attempt = service.claim_login(session=session, data=data)
    with session_scope() as session:
        outcome = service.finish_login(session=session, attempt=attempt, data=data, browser=True)
        if isinstance(outcome, AppError):
            raise outcome
        assert isinstance(outcome, service.BrowserSession)
        if call.actor.browser_session:  # this browser was signed in already: that session ends here
            service.end_browser_session(session=session, actor=call.actor)
        signed_in = Actor(user_id=outcome.user_id, device_id=outcome.device_id, browser_session=True)
        user = me_view.me(session=session, actor=signed_in, language=call.language)
        device = service.list_devices(session=session, actor=signed_in)
    body = BrowserSessionPublic(user=user, csrf_token=csrf_token_for(outcome.token), expires_at=outcome.ends_at,
                                idle_minutes=get_settings().session_idle_minutes,
                                device=next(d for d in device if d.current))
    response = JSONResponse(body.model_dump(mode="json"), headers={"Cache-Control": "no-store"})
    browser.set_cookies(response, token=outcome.token)
    return response


@endpoint("POST", "/auth/session/end", summary="Sign out of the browser session (and clear its cookies)", tag=TAG,
          status=204)
def end_browser_session(call: Call) -> Response:
    """Revokes the session on the server and clears both cookies. Answers 204 even when the session had already
    ended (the cookies are cleared all the same)."""
    if call.actor.is_authenticated:
        with session_scope() as session:
            if call.actor.browser_session:
                service.end_browser_session(session=session, actor=call.actor)
            else:
                service.logout(session=session, actor=call.actor)
    response = Response(status_code=204)
    browser.clear_cookies(response)
    return response


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
    with read_scope() as session:
        return me_view.me(session=session, actor=call.actor, language=call.language)


@endpoint("GET", "/auth/devices", summary="My devices and browser sessions", tag=TAG, response=list[DevicePublic],
          auth=True)
def devices(call: Call) -> list[DevicePublic]:
    """Oldest first; `current` marks the one making this request, `active` those whose session has not ended."""
    with read_scope() as session:
        return service.list_devices(session=session, actor=call.actor)


@endpoint("POST", "/auth/devices/{device_id:uuid}/revoke", summary="Revoke one of my devices (lost phone)",
          tag=TAG, response=DevicePublic, auth=True, errors=(404,))
def revoke_device(call: Call) -> DevicePublic | Response:
    """Ends every session the device holds. Revoking the browser session making the request signs it out: its
    cookies are cleared in the answer."""
    with session_scope() as session:
        revoked = service.revoke_device(session=session, actor=call.actor, device_id=call.path["device_id"])
    if not (revoked.current and call.actor.browser_session):
        return revoked
    response = JSONResponse(revoked.model_dump(mode="json"))
    browser.clear_cookies(response)
    return response


routes = [login, open_browser_session, end_browser_session, anonymous_device, logout, me, devices, revoke_device]
