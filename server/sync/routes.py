"""/api/v1/sync: push, pull and the tus uploads of photos (docs/sync.md)."""

from __future__ import annotations

from starlette.responses import Response

from server.api import Call, endpoint
from server.auth import service as auth
from server.db import read_scope, session_scope
from server.sync import pull as pulls
from server.sync import push as pushes
from server.sync import upload_routes
from server.sync.http import require_device

TAG = "sync"


@endpoint("POST", "/sync/push", summary="Send mutations made offline; each is applied at most once", tag=TAG,
          body=pushes.PushBody, response=pushes.PushAck, auth=True, anonymous_device=True, errors=(403,),
          max_bytes=lambda settings: pushes.MAX_PUSH_BYTES)
def push(call: Call) -> Response:
    """One result per mutation, in order: applied, noted, rejected (with a reason to show) or retry. The same
    mutation sent again returns the result stored the first time. Send the `Vigia-Device` header."""
    device_id = require_device(call.request, call.actor)
    ack = pushes.push(actor=call.actor, device_id=device_id, body=call.body, language=call.language)
    return Response(ack.model_dump_json(), media_type="application/json")  # 500 results: serialised in one pass


@endpoint("GET", "/sync/pull", summary="What changed since the cursor, only what this user may see", tag=TAG,
          query=pulls.PullQuery, response=pulls.PullPage, auth=True, anonymous_device=True, errors=(403,))
def pull(call: Call) -> Response:
    """Records changed since `cursor` (all of them without one), deletions and lost access included, in pages
    bounded by `limit` and `max_bytes`; `has_more` says to pull again at once with the new cursor."""
    device_id = require_device(call.request, call.actor)
    with read_scope() as session:  # a pull never waits for a push (SQLite's write lock)
        page = pulls.pull(session, actor=call.actor, query=call.query, language=call.language)
        due = auth.sync_mark_due(session, device_id=device_id)
    if due:  # at most once a minute per device: the last sync, in a short writing scope of its own
        with session_scope() as session:
            auth.mark_synced(session, device_id=device_id)
    return Response(page.to_json(), media_type="application/json")  # each item serialised once (pull.py)


routes: list = [push, pull, *upload_routes.routes]
