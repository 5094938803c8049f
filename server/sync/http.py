"""Every sync request names its device (`Vigia-Device`), and the bearer token must be that device's."""

from __future__ import annotations

import uuid

from starlette.requests import HTTPConnection

from server.auth.actor import Actor, require_user
from server.errors import BadRequest, Forbidden

DEVICE_HEADER = "vigia-device"


def require_device(connection: HTTPConnection, actor: Actor) -> uuid.UUID:
    """The device named by the request, after checking the caller is signed in from that very device."""
    require_user(actor)
    raw = connection.headers.get(DEVICE_HEADER, "").strip()
    try:
        device_id = uuid.UUID(raw)
    except ValueError:
        raise BadRequest("device_required") from None
    if device_id != actor.device_id:
        raise Forbidden("device_mismatch")
    return device_id
