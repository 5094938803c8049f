"""Public versions of a ruling: its latest original with every confirmed finding replaced by its placeholder,
previewed and then published by a reviewer or coordinator (docs/rulings.md, "Redaction"), and the hook other
domains register to follow them:

- `on_public_version(callback)`: called as `callback(session, ruling, previous_public, new_public)` in the same
  transaction whenever a public version is created (annotations re-anchor on it; registered in
  server/assembly.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.audit import service as audit
from server.auth.actor import Actor
from server.db import utcnow
from server.errors import Conflict
from server.municipalities.models import Municipality
from server.rulings import redaction
from server.rulings.codelists import FindingCategory, FindingState, RulingState, TextKind, TextSource
from server.rulings.models import RedactionFinding, Ruling, RulingText
from server.rulings.service import DECIDERS, latest_text, team_ruling
from server.rulings.text import sha256

PublicVersionHook = Callable[[Session, Ruling, "RulingText | None", RulingText], None]
_PUBLIC_VERSION_HOOKS: list[PublicVersionHook] = []


def on_public_version(callback: PublicVersionHook) -> None:
    """Register `callback(session, ruling, previous_public_text_or_None, new_public_text)`, called in the same
    transaction whenever a public version is created (annotations re-anchor on it). Registering twice is once."""
    if callback not in _PUBLIC_VERSION_HOOKS:
        _PUBLIC_VERSION_HOOKS.append(callback)


# ------------------------------------------------------------------------------------------------ publishing


@dataclass(frozen=True)
class Redacted:
    """An original with its confirmed findings replaced by placeholders: what publishing it now would give."""

    text: str
    placed: list[redaction.Placed]
    confirmed: list[tuple[int, int, str]]
    pending: int


def redact_original(session: Session, original: RulingText) -> Redacted:
    """The original with every confirmed span replaced by its placeholder (pending and dismissed ones left as they
    are), where each placeholder landed, and how many findings are still pending. Publishing and its preview both
    read it."""
    rows = list(session.scalars(sa.select(RedactionFinding).where(RedactionFinding.text_id == original.id)))
    pending = sum(1 for f in rows if f.state == FindingState.pending)
    confirmed = [(f.start, f.end, FindingCategory(f.category).value) for f in rows
                 if f.state == FindingState.confirmed]
    text, placed = redaction.redact_placed(original.text, confirmed)
    return Redacted(text=text, placed=placed, confirmed=confirmed, pending=pending)


def is_new_public_text(previous: RulingText | None, original: RulingText, public_text: str) -> bool:
    """Whether publishing `public_text` made from `original` is a new public version: the same text from the same
    original as the latest public version is not."""
    return previous is None or previous.sha256 != sha256(public_text) or previous.derived_from != original.id


def preview(session: Session, *, actor: Actor, municipality: Municipality,
            ruling_id: uuid.UUID) -> tuple[Ruling, RulingText, Redacted, RulingText | None]:
    """What `publish` would make now (reviewers and coordinators of the project, and admins): the ruling, its
    latest original, the redacted text, and the latest public version. 409 ruling_without_text without an
    original; pending findings do not stop a preview (they are counted)."""
    ruling, _ = team_ruling(session, actor, municipality, ruling_id, *DECIDERS)
    original = latest_text(session, ruling.id, TextKind.original)
    if original is None:
        raise Conflict("ruling_without_text")
    return ruling, original, redact_original(session, original), latest_text(session, ruling.id, TextKind.public)


def publish(session: Session, *, actor: Actor, municipality: Municipality,
            ruling_id: uuid.UUID) -> tuple[RulingText, bool]:
    """A public version of the latest original: every confirmed span replaced by its bracketed Spanish
    placeholder ("[DNI]", "[NOMBRE]"...). 409 redaction_unreviewed while a finding of that original is pending.
    (text, created): the same public text as the latest public version is not a new version."""
    ruling, _ = team_ruling(session, actor, municipality, ruling_id, *DECIDERS)
    session.execute(sa.select(Ruling.id).where(Ruling.id == ruling.id).with_for_update())
    original = latest_text(session, ruling.id, TextKind.original)
    if original is None:
        raise Conflict("ruling_without_text")
    redacted = redact_original(session, original)
    if redacted.pending:
        raise Conflict("redaction_unreviewed", pending=redacted.pending)
    confirmed, public_text = redacted.confirmed, redacted.text
    previous = latest_text(session, ruling.id, TextKind.public)
    digest = sha256(public_text)
    if not is_new_public_text(previous, original, public_text):
        return previous, False
    new = RulingText(ruling_id=ruling.id, kind=TextKind.public, number=(previous.number + 1) if previous else 1,
                     text=public_text, sha256=digest, source=TextSource.redaction, derived_from=original.id,
                     created_by=actor.user_id)
    session.add(new)
    ruling.state = RulingState.published
    ruling.published_at = ruling.published_at or utcnow()
    ruling.version += 1
    ruling.updated_at = utcnow()
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="ruling", entity_id=ruling.id,
                 action="public_version", **audit.who(actor),
                 data={"text_id": str(new.id), "number": new.number, "sha256": digest,
                       "original_id": str(original.id), "original_sha256": original.sha256,
                       "confirmed": len(confirmed)})
    for callback in list(_PUBLIC_VERSION_HOOKS):
        callback(session, ruling, previous, new)
    return new, True
