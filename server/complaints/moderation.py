"""Moderation: a person decides what the public may see of a complaint (docs/privacy.md).

The text and each photo wait for a moderator (a comptroller or an administrator of the municipality): approve,
approve with blackout (a public version of the text; black boxes on a photo, through server.media), or keep
private. The decision is taken on the complaint's row, locked, against the version the moderator read, so two
moderators at once never lose a decision: the second is told what changed (409 stale_version). The reason goes
into the complaint's private notes, its commitment and the decisions into the public audit log. A municipality
may publish the text of kinds it deems safe at once (`rules`); never photos, never a denuncia's text.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor, authorize
from server.complaints import publication, service, workflow
from server.complaints.moderation_models import (
    ItemType,
    ModerationComplaint,
    ModerationCounts,
    ModerationCreate,
    ModerationItem,
    ModerationQuery,
    ModerationQueue,
    PublicationRulePublic,
    PublicationRuleUpdate,
)
from server.complaints.models import Category, Complaint, ComplaintNote, ComplaintPhoto, Kind, PublicationRule
from server.errors import Invalid, NotFound
from server.i18n import translate
from server.media.models import Decision, Photo, Publication
from server.municipalities.models import Municipality, Zone

OUTCOME = {Decision.approve: Publication.published, Decision.approve_with_blackout: Publication.published,
           Decision.keep_private: Publication.withheld}


def moderate(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
             data: ModerationCreate, language: str = "es", today: date | None = None) -> Complaint:
    """Apply a moderator's decisions on the complaint's text and photos, all or none. `today`: a past day, for
    the demo data only (as triage.transition)."""
    from server.media import service as media

    authorize(actor, "complaints.triage", municipality.id)
    if data.photos:
        authorize(actor, "photos.moderate", municipality.id)
    if data.text is None and not data.photos:
        raise Invalid.for_field("text", "moderation_empty")
    # Locked (PostgreSQL; SQLite serialises writers) before the version is compared: of two moderators at once,
    # the second reads the first one's version and is refused, never silently overwritten.
    complaint = service.get(session, municipality=municipality, complaint_id=complaint_id, lock=True)
    service.check_version(session, complaint, data.version, municipality=municipality, language=language)
    hidden = publication.restricted(complaint)
    logged: dict[str, object] = {}
    if data.text is not None:
        if hidden and data.text != Decision.keep_private:
            raise Invalid.for_field("text", "moderation_restricted")
        if data.text == Decision.approve_with_blackout and not (data.public_text or "").strip():
            raise Invalid.for_field("public_text", "moderation_public_text_required")
        complaint.text_publication = OUTCOME[data.text]
        complaint.public_description = (data.public_text.strip() if data.text == Decision.approve_with_blackout
                                        else None)
        logged["text"] = data.text.value
        if complaint.public_description:
            logged["public_text_hmac"] = service.commit_text(complaint.public_description)
    photos: list[dict[str, str]] = []
    for index, item in enumerate(data.photos):
        field = f"photos.{index}"
        if session.get(ComplaintPhoto, (complaint.id, item.photo_id)) is None:
            raise NotFound("photo_not_in_complaint")
        if hidden and item.decision != Decision.keep_private:
            raise Invalid.for_field(f"{field}.decision", "moderation_restricted")
        if item.decision == Decision.approve_with_blackout:
            if not item.rectangles:
                raise Invalid.for_field(f"{field}.rectangles", "moderation_boxes_required")
            media.redact(session, actor=actor, municipality=municipality, photo_id=item.photo_id,
                         rectangles=item.rectangles, public_version=item.public_version)
        elif item.rectangles:
            raise Invalid.for_field(f"{field}.rectangles", "moderation_boxes_only_with_blackout")
        media.set_publication(session, actor=actor, municipality=municipality, photo_id=item.photo_id,
                              publication=OUTCOME[item.decision])
        photos.append({"photo_id": str(item.photo_id), "decision": item.decision.value})
    if photos:
        logged["photos"] = photos
    complaint.version += 1
    complaint.updated_at = service.moment(municipality, today)
    # The reason may name people or places: staff read it among the private notes; the public log proves it.
    session.add(ComplaintNote(complaint_id=complaint.id, author_id=actor.user_id,
                              text=f"Moderación: {data.reason.strip()}"))
    service.record(session, complaint, "moderated", actor, {**logged,
                                                           "reason_hmac": service.commit_text(data.reason)})
    session.flush()
    return complaint


def photo_complaints(session: Session, *, photo_id: uuid.UUID) -> list[uuid.UUID]:
    """The complaints a photo belongs to (their moderation decides it, not the photo's own endpoint)."""
    return list(session.scalars(sa.select(ComplaintPhoto.complaint_id).where(ComplaintPhoto.photo_id == photo_id)))


# ------------------------------------------------------------------------------------------------ the queue


def _pending_complaints(municipality: Municipality) -> list:
    return [*service.base_filters(municipality, kind=[], category=[], work_id=None),
            publication.awaiting_moderation()]


def _pending_photos(municipality: Municipality) -> list:
    # A complaint's photo is decided with its complaint (listed there, or never when the complaint is restricted).
    of_complaint = sa.exists().where(ComplaintPhoto.photo_id == Photo.id)
    return [Photo.municipality_id == municipality.id, Photo.publication == Publication.pending.value,
            sa.not_(of_complaint)]


def pending(session: Session, *, actor: Actor, municipality: Municipality, query: ModerationQuery,
            language: str = "es") -> ModerationQueue:
    """Everything that waits for a moderator before the public may see it, oldest first: complaints whose text
    or a photo waits (docs/privacy.md), and photos that are no complaint's (visits, committees)."""
    from server.media import service as media

    authorize(actor, "photos.moderate", municipality.id)
    complaints = sa.select(sa.literal(ItemType.complaint.value).label("type"), Complaint.id.label("id"),
                           Complaint.created_at.label("at")).where(*_pending_complaints(municipality))
    photos = sa.select(sa.literal(ItemType.photo.value).label("type"), Photo.id.label("id"),
                       Photo.created_at.label("at")).where(*_pending_photos(municipality))
    chosen = {None: [complaints, photos], ItemType.complaint: [complaints], ItemType.photo: [photos]}[query.type]
    union = sa.union_all(*chosen).subquery() if len(chosen) > 1 else chosen[0].subquery()
    total = session.scalar(sa.select(sa.func.count()).select_from(union)) or 0
    rows = session.execute(sa.select(union.c.type, union.c.id, union.c.at)
                           .order_by(union.c.at, union.c.id).offset(query.offset).limit(query.limit)).all()

    def as_uuid(value):
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))

    complaint_ids = [as_uuid(row.id) for row in rows if row.type == ItemType.complaint.value]
    found = {c.id: c for c in session.scalars(sa.select(Complaint).where(Complaint.id.in_(complaint_ids)))}
    photos_of = publication.photos_of(session, complaint_ids)
    items = []
    for row in rows:
        if row.type == ItemType.photo.value:
            photo = media.get(session, municipality=municipality, photo_id=as_uuid(row.id))
            items.append(ModerationItem(type=ItemType.photo, waiting_since=photo.created_at,
                                        photo=media.public(photo, municipality=municipality)))
            continue
        complaint = found[as_uuid(row.id)]
        shown = [media.public(media.get(session, municipality=municipality, photo_id=photo_id),
                              municipality=municipality) for photo_id, _ in photos_of[complaint.id]]
        items.append(ModerationItem(
            type=ItemType.complaint, waiting_since=complaint.created_at,
            text_pending=complaint.text_publication == Publication.pending.value,
            pending_photos=[photo_id for photo_id, state in photos_of[complaint.id]
                            if state == Publication.pending.value],
            complaint=_for_moderator(session, complaint, shown, language)))
    return ModerationQueue(items=items, total=total, counts=_counts(session, municipality))


def _for_moderator(session: Session, complaint: Complaint, photos: list, language: str) -> ModerationComplaint:
    category = session.get(Category, complaint.category_id)
    zone = session.get(Zone, complaint.zone_id) if complaint.zone_id else None
    return ModerationComplaint(
        id=complaint.id, folio=complaint.folio, kind=complaint.kind,
        kind_label=translate(f"kind_{Kind(complaint.kind).value}", language),
        category_name=((category.name_en or category.name) if language == "en" else category.name)
        if category else "",
        zone=zone.name if zone else None, state=complaint.state,
        state_label=workflow.label(workflow.State(complaint.state), language),
        restricted=publication.restricted(complaint), description=complaint.description,
        text_publication=complaint.text_publication, public_description=complaint.public_description,
        photos=photos, received_on=complaint.received_on, version=complaint.version)


def _counts(session: Session, municipality: Municipality) -> ModerationCounts:
    def count(query) -> int:
        return session.scalar(query) or 0

    waiting = _pending_complaints(municipality)
    complaints = count(sa.select(sa.func.count()).select_from(Complaint).where(*waiting))
    texts = count(sa.select(sa.func.count()).select_from(Complaint).where(
        *waiting, Complaint.text_publication == Publication.pending.value))
    complaint_photos = count(sa.select(sa.func.count()).select_from(ComplaintPhoto)
                             .join(Photo, Photo.id == ComplaintPhoto.photo_id)
                             .where(ComplaintPhoto.complaint_id.in_(sa.select(Complaint.id).where(*waiting)),
                                    Photo.publication == Publication.pending.value))
    photos = count(sa.select(sa.func.count()).select_from(Photo).where(*_pending_photos(municipality)))
    return ModerationCounts(total=complaints + photos, complaints=complaints, texts=texts,
                            complaint_photos=complaint_photos, photos=photos)


# ------------------------------------------------------------------------------------------------ configuration


def rules(session: Session, *, municipality: Municipality) -> list[PublicationRulePublic]:
    """For each kind: whether its text is public at once in this municipality."""
    return [PublicationRulePublic(kind=kind, configurable=kind != Kind.report,
                                  text_public_at_once=publication.text_public_at_once(session, municipality, kind))
            for kind in Kind]


def set_rule(session: Session, *, actor: Actor, municipality: Municipality, kind: Kind,
             data: PublicationRuleUpdate) -> list[PublicationRulePublic]:
    """Publish the text of `kind` at once, or not, for complaints filed from now on (administrators). Never a
    denuncia's: that would publish accusations against people before anyone read them."""
    authorize(actor, "complaints.configure", municipality.id)
    if kind == Kind.report and data.text_public_at_once:
        raise Invalid.for_field("text_public_at_once", "publication_report_never_at_once")
    rule = session.scalar(sa.select(PublicationRule).where(PublicationRule.municipality_id == municipality.id,
                                                           PublicationRule.kind == kind.value))
    if rule is None:
        session.add(PublicationRule(municipality_id=municipality.id, kind=kind,
                                    text_public_at_once=data.text_public_at_once))
    else:
        rule.text_public_at_once = data.text_public_at_once
    session.flush()
    from server.audit import service as audit

    audit.append(session, municipality_id=municipality.id, entity="complaint_configuration",
                 entity_id=municipality.id, action="publication_rule_set", actor_id=actor.user_id,
                 actor_kind="user", data={"kind": kind.value, "text_public_at_once": data.text_public_at_once})
    return rules(session, municipality=municipality)

