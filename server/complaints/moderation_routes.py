"""/api/v1/municipalities/{code}/moderation: what waits for a moderator before the public may see it."""

from __future__ import annotations

from server.api import Call, endpoint
from server.complaints import moderation
from server.complaints.moderation_models import ModerationQueue, ModerationQuery
from server.db import session_scope
from server.municipalities import service as municipalities


@endpoint("GET", "/municipalities/{code}/moderation",
          summary="Moderation queue: complaints and photos waiting for review before they are public (moderators)",
          tag="complaints", query=ModerationQuery, response=ModerationQueue, auth=True, errors=(403, 404))
def moderation_queue(call: Call) -> ModerationQueue:
    """Oldest first: complaints whose text or one of whose photos waits for a decision (decide them with `POST
    …/complaints/{id}/moderation`), and photos that are no complaint's, such as an inspection visit's (`POST
    …/photos/{id}/moderation`). `counts` says how many of each wait, whatever `type` is chosen. Denuncias and
    confidential complaints never wait: none of them can be published. docs/privacy.md."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return moderation.pending(session, actor=call.actor, municipality=municipality, query=call.query,
                                  language=call.language)


routes = [moderation_queue]
