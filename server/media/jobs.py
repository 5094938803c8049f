"""Background work on photos: making their public copies (run by `vigia worker`, or in-process)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

import sqlalchemy as sa

from server.config import get_settings
from server.db import session_scope
from server.media import images
from server.media.models import Photo, VariantsStatus
from server.media.storage import Storage, derived_key, get_storage

log = logging.getLogger("vigia.media")


def variants_job_id(photo_id: uuid.UUID | str, version: int) -> str:
    """The one job id of "make the public copies of this photo's version": queued at most once at a time."""
    return f"photo-variants-{photo_id}-v{version}"


def queue_pending(batch: int = 500) -> int:
    """Catch-up chore (`vigia tick`, `vigia worker` when it connects): queue `make_variants` again for every photo
    whose copies are still pending, in case its job was never queued (Redis was down when the photo committed)
    or was lost (Redis restarted without persistence). A job already waiting or running is not queued twice;
    a photo done meanwhile makes its job do nothing. Returns how many jobs were queued."""
    from server import jobs

    queued, after = 0, None
    while True:
        with session_scope() as session:
            query = sa.select(Photo.id, Photo.public_version).where(
                Photo.variants_status == VariantsStatus.pending.value)
            if after is not None:
                query = query.where(Photo.id > after)  # keyset: each batch goes on where the last one stopped
            rows = session.execute(query.order_by(Photo.id).limit(batch)).all()
        if not rows:
            break
        for photo_id, version in rows:
            queued += jobs.send(make_variants, photo_id, version, job_id=variants_job_id(photo_id, version))
        after = rows[-1].id
    if queued:
        log.info("photo_variants_queued_again", extra={"count": queued})
    return queued


def make_variants(photo_id: str, version: int | None = None) -> None:
    """Render every public copy of the photo with its current redactions and mark them ready.

    With `version` (the public_version the job was queued for), a photo already ready at that version, or
    redacted since (the newer version has its own job), is left alone: a job queued twice does the work once.

    The decoding and resizing happen outside any transaction. A copy is published only if the photo still has
    the public_version it was made for (a redaction in the meantime queues its own job), and copies of older
    versions, which may show what a moderator has since blacked out, are deleted. On failure the photo is
    marked `failed` and the error re-raised, so the queue logs it and retries; the record itself stays."""
    with session_scope() as session:
        photo = session.get(Photo, uuid.UUID(photo_id))
        if photo is None:
            log.warning("photo_gone", extra={"photo_id": photo_id})
            return
        if version is not None and (photo.public_version != int(version)
                                    or photo.variants_status == VariantsStatus.ready.value):
            log.info("photo_variants_not_needed", extra={"photo_id": photo_id, "public_version": int(version)})
            return
        municipality_id, sha256 = photo.municipality_id, photo.sha256
        version, redactions = photo.public_version, list(photo.redactions)
        sizes = get_settings().photo_variants
        every_size = sorted(set(sizes) | {int(size) for size in photo.variants})
    storage = get_storage()
    _delete(storage, municipality_id, sha256, versions=range(1, version), sizes=every_size)
    try:
        copies = images.render_variants(storage.get_original(sha256), sizes=sizes, redactions=redactions)
        made = {}
        for size, data in copies.items():
            storage.put_derived(derived_key(municipality_id=municipality_id, sha256=sha256, version=version,
                                            variant=size), data)
            width, height = images.dimensions(data)
            made[str(size)] = {"width": width, "height": height, "bytes": len(data)}
    except Exception as exc:
        # One line naming the photo here; the traceback goes with the queue's job_failed line.
        log.error("photo_variants_failed", extra={"photo_id": photo_id, "public_version": version,
                                                  "error": f"{type(exc).__name__}: {exc}"})
        _set_status(photo_id, version, status=VariantsStatus.failed, variants={})
        raise
    if not _set_status(photo_id, version, status=VariantsStatus.ready, variants=made):
        # Redacted while this job ran: these copies show an older state and must not stay around.
        _delete(storage, municipality_id, sha256, versions=[version], sizes=sizes)
        log.info("photo_variants_superseded", extra={"photo_id": photo_id, "public_version": version})
        return
    log.info("photo_variants_ready", extra={"photo_id": photo_id, "public_version": version})


def _set_status(photo_id: str, version: int, *, status: VariantsStatus, variants: dict) -> bool:
    """Compare-and-set on public_version: True if the photo was still at `version`."""
    with session_scope() as session:
        result = session.execute(
            sa.update(Photo)
            .where(Photo.id == uuid.UUID(photo_id), Photo.public_version == version)
            .values(variants_status=status.value, variants=variants)
        )
        return result.rowcount == 1


def _delete(storage: Storage, municipality_id: uuid.UUID, sha256: str, *, versions: Iterable[int],
            sizes: Iterable[int]) -> None:
    for old in versions:
        for size in sizes:
            storage.delete(derived_key(municipality_id=municipality_id, sha256=sha256, version=old, variant=size))
