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


def make_variants(photo_id: str) -> None:
    """Render every public copy of the photo with its current redactions and mark them ready.

    The decoding and resizing happen outside any transaction. A copy is published only if the photo still has
    the public_version it was made for (a redaction in the meantime queues its own job), and copies of older
    versions, which may show what a moderator has since blacked out, are deleted. On failure the photo is
    marked `failed` and the error re-raised, so the queue logs it and retries; the record itself stays."""
    with session_scope() as session:
        photo = session.get(Photo, uuid.UUID(photo_id))
        if photo is None:
            log.warning("photo_gone", extra={"photo_id": photo_id})
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
