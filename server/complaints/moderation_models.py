"""Schemas of moderation (docs/privacy.md): the moderation queue, everything a person must review before the public
may see it, oldest first, with counts; a moderator's decision on a complaint's text and photos
(`ModerationCreate`); and which kinds' text a municipality publishes at once (`PublicationRulePublic`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel
from pydantic import Field as PField

from server.complaints.models import Kind
from server.complaints.schemas import Strict
from server.complaints.workflow import State
from server.media.models import Decision, PhotoPublic, Publication, Rectangle


class ItemType(str, Enum):
    complaint = "complaint"  # a complaint whose text or a photo waits (decided together: POST …/moderation)
    photo = "photo"  # a photo that is no complaint's (a visit's, a committee's): POST …/photos/{id}/moderation


class ModerationQuery(Strict):
    type: ItemType | None = PField(None, description="only complaints, or only photos that are no complaint's")
    limit: int = PField(20, ge=1, le=100)
    offset: int = PField(0, ge=0, le=100_000)


class ModerationComplaint(BaseModel):
    """What a moderator needs of a complaint to decide on it: the text as sent, the public version if any, each
    photo with its state. No reporter, no contact: moderation does not need to know who wrote it."""

    id: uuid.UUID
    folio: str
    kind: Kind
    kind_label: str
    category_name: str
    zone: str | None
    state: State
    state_label: str
    restricted: bool
    description: str = PField(description="the text as the reporter sent it (staff only)")
    text_publication: Publication
    public_description: str | None
    photos: list[PhotoPublic] = PField(description="every photo of the complaint, with its publication")
    received_on: date
    version: int = PField(description="send it back with the decision (409 stale_version if it changed)")


class ModerationItem(BaseModel):
    type: ItemType
    waiting_since: datetime = PField(description="when it came in: filed (complaint) or uploaded (photo)")
    text_pending: bool = PField(False, description="complaint: its text waits for a decision")
    pending_photos: list[uuid.UUID] = PField(default_factory=list,
                                             description="complaint: its photos that wait for a decision")
    complaint: ModerationComplaint | None = None
    photo: PhotoPublic | None = PField(None, description="photo: the photo that waits")


class ModerationCounts(BaseModel):
    total: int = PField(description="items waiting: complaints + photos")
    complaints: int = PField(description="complaints with something waiting")
    texts: int = PField(description="of those, complaints whose text waits")
    complaint_photos: int = PField(description="photos of those complaints that wait")
    photos: int = PField(description="photos that are no complaint's and wait")


class ModerationQueue(BaseModel):
    items: list[ModerationItem] = PField(description="oldest first")
    total: int = PField(description="items matching `type`")
    counts: ModerationCounts


# ------------------------------------------------------------------------------------------------ publication
# (docs/privacy.md: the moderation of a complaint's text and photos, and what a municipality configures)


class PhotoDecision(Strict):
    photo_id: uuid.UUID
    decision: Decision
    rectangles: list[Rectangle] | None = PField(None, max_length=100, description=(
        "approve_with_blackout: every black box of the photo (they replace its previous boxes)"))
    public_version: int | None = PField(None, ge=1, description="the photo's public_version you looked at")


class ModerationCreate(Strict):
    """A moderator's decision on what the public may see of a complaint. Send the `version` you read."""

    version: int = PField(ge=1)
    text: Decision | None = PField(None, description="the complaint's text; omit to leave it as it is")
    public_text: str | None = PField(None, min_length=10, max_length=10_000, description=(
        "approve_with_blackout: the text the public reads (the reporter's with names, addresses or phones "
        "taken out)"))
    photos: list[PhotoDecision] = PField(default_factory=list, max_length=10)
    reason: str = PField(min_length=3, max_length=4_000, description=(
        "why: kept with the complaint's private notes; the public audit log holds its commitment"))


class PublicationRulePublic(BaseModel):
    kind: Kind
    text_public_at_once: bool = PField(description=(
        "true: the text of this kind is public as soon as it is filed (photos still wait for a moderator)"))
    configurable: bool = PField(description="false: a denuncia's text is never public")


class PublicationRuleUpdate(Strict):
    text_public_at_once: bool
