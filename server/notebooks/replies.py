"""The judge's reply to a notebook: a one-time invitation secret (only its keyed hash is kept), the reply's
versions, each published beside the notebook (docs/notebooks.md, "The judge's reply")."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.audit import chain
from server.audit import service as audit
from server.auth.actor import Actor
from server.config import get_settings
from server.db import utcnow
from server.errors import AppError, Conflict, Forbidden
from server.municipalities.models import Municipality
from server.notebooks.models import (
    InvitationCreate,
    Notebook,
    NotebookReply,
    NotebookState,
    ReplyCreate,
    ReplyInvitation,
)


def _secret_hash(secret: str) -> str:
    key = hashlib.sha256(b"vigia-notebook-reply:" + get_settings().secret_key.encode()).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def invite(session: Session, *, actor: Actor, municipality: Municipality, notebook: Notebook,
           data: InvitationCreate) -> tuple[ReplyInvitation, str]:
    """A one-time secret for the judge to reply without an account: (invitation, secret). The secret is shown
    only in this answer; only its keyed hash is kept. Earlier unused invitations stop working."""
    if notebook.state not in (NotebookState.reviewed, NotebookState.published):
        raise Conflict("notebook_reply_not_open")
    now = utcnow()
    session.execute(sa.update(ReplyInvitation).where(
        ReplyInvitation.notebook_id == notebook.id, ReplyInvitation.used_at.is_(None),
        ReplyInvitation.revoked_at.is_(None)).values(revoked_at=now))
    secret = "vgr_" + secrets.token_urlsafe(32)
    invitation = ReplyInvitation(notebook_id=notebook.id, secret_hash=_secret_hash(secret), created_by=actor.user_id,
                                 created_at=now, expires_at=now + timedelta(days=data.days))
    session.add(invitation)
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="notebook", entity_id=notebook.id,
                 action="reply_invited", **audit.who(actor),
                 data={"invitation_id": str(invitation.id), "expires_at": invitation.expires_at.isoformat()})
    return invitation, secret


def reply(session: Session, *, municipality: Municipality, notebook: Notebook, data: ReplyCreate) -> NotebookReply:
    """The judge's reply, with the invitation's secret (no account). It becomes the reply's next version and is
    published beside the notebook; the secret then stops working."""
    invitation = session.scalar(sa.select(ReplyInvitation).where(
        ReplyInvitation.secret_hash == _secret_hash(data.secret)).with_for_update())
    if invitation is None or invitation.notebook_id != notebook.id or invitation.revoked_at is not None:
        raise Forbidden("reply_secret_invalid", details=[{"field": "secret", "code": "reply_secret_invalid"}])
    if invitation.used_at is not None:
        raise Conflict("reply_secret_used", details=[{"field": "secret", "code": "reply_secret_used"}])
    if invitation.expires_at <= utcnow():
        raise AppError("reply_secret_expired", status=410,
                       details=[{"field": "secret", "code": "reply_secret_expired"}])
    if notebook.state == NotebookState.withdrawn:
        raise Conflict("notebook_reply_not_open")
    invitation.used_at = utcnow()
    number = (session.scalar(sa.select(sa.func.max(NotebookReply.number))
                             .where(NotebookReply.notebook_id == notebook.id)) or 0) + 1
    answer = NotebookReply(notebook_id=notebook.id, invitation_id=invitation.id, number=number,
                           signed_as=data.signed_as, text=data.text)
    session.add(answer)
    session.flush()
    # The judge has no account: the entry names the invitation used, and commits to the text it published.
    audit.append(session, municipality_id=municipality.id, entity="notebook", entity_id=notebook.id,
                 action="replied", actor_id=None, actor_kind="anonymous",
                 data={"invitation_id": str(invitation.id), "number": number,
                       "text": chain.commitment(data.signed_as + "\n" + data.text)})
    return answer


def replies(session: Session, notebook_id: uuid.UUID) -> list[NotebookReply]:
    return list(session.scalars(sa.select(NotebookReply).where(NotebookReply.notebook_id == notebook_id)
                                .order_by(NotebookReply.number)))
