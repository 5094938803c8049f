"""Where photo bytes live: content-addressed files under MEDIA_DIR.

Layout (keys are paths relative to the root, with forward slashes):

    originals/<sha[:2]>/<sha>                                    the upload, byte for byte; written once
    public/<municipality id>/<sha[:2]>/<sha>-v<version>-<size>.jpg   a public copy (no metadata, redacted)

Originals are named by their SHA-256, so the same photo uploaded in several municipalities is stored once and
an original can be checked against its name at any time. Public copies are per municipality, because each
municipality's moderators black out their own boxes; the version in the name changes with every redaction.

Every write goes to a temporary file in the same folder and is then renamed over the final name
(`os.replace`, atomic on POSIX), so a reader never sees half a file and a crash leaves at most a stray
`.tmp-*` file.

The service, the jobs and the routes use only the `Storage` interface below. `S3Storage` (server/media/s3.py)
is its second implementation, over an S3-compatible bucket (MinIO, Ceph, a cloud's object store): keys become
object names under S3_PREFIX, `put_*` a PutObject (atomic there by nature), `open_derived` a streaming
GetObject. `get_storage()` picks one from MEDIA_STORAGE. See docs/media.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from server.config import Settings, get_settings
from server.media.keys import (  # noqa: F401  (the names the service, the jobs and the tests import from here)
    CHUNK,
    StorageUnavailable,
    Streamed,
    check_key,
    derived_key,
    original_key,
    sha256_hex,
)


class Storage(Protocol):
    """What the media service needs from a store of bytes."""

    def put_original(self, sha256: str, data: bytes) -> bool:
        """Store an upload under its SHA-256 unless it is already there; True if it was written now."""

    def get_original(self, sha256: str) -> bytes: ...

    def put_derived(self, key: str, data: bytes) -> None:
        """Store (or replace) a public copy."""

    def open_derived(self, key: str) -> BinaryIO:
        """A readable binary stream of a public copy; FileNotFoundError if there is none."""

    def stream_derived(self, key: str) -> Streamed:
        """A public copy to send as it is read (its size and its chunks); FileNotFoundError if there is none,
        raised at once, before any byte is sent."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove a public copy (missing is fine). Originals are never deleted through the service."""

    def presigned_url(self, key: str, *, expires: int, cache_control: str | None = None) -> str | None:
        """A URL from which anyone may GET the object for `expires` seconds, or None if the store has none."""


class LocalStorage:
    """Files on the local disk (or a shared volume) under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_original(self, sha256: str, data: bytes) -> bool:
        if sha256_hex(data) != sha256:
            raise ValueError("the bytes do not match their SHA-256")
        target = self.path(original_key(sha256))
        if target.exists():  # content-addressed: the same name holds the same bytes
            return False
        self._write(target, data, mode=0o444)  # read-only: an original is evidence and never changes
        return True

    def get_original(self, sha256: str) -> bytes:
        return self.path(original_key(sha256)).read_bytes()

    def put_derived(self, key: str, data: bytes) -> None:
        self._write(self.path(key), data, mode=0o644)

    def open_derived(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def stream_derived(self, key: str) -> Streamed:
        stream = self.path(key).open("rb")
        return Streamed(length=os.fstat(stream.fileno()).st_size, chunks=_chunks(stream))

    def presigned_url(self, key: str, *, expires: int, cache_control: str | None = None) -> str | None:
        return None  # files are served by Vigía (or by the proxy from the same volume)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        if key.startswith("originals/"):
            raise ValueError("originals are evidence and are not deleted through the storage interface")
        self.path(key).unlink(missing_ok=True)

    @staticmethod
    def _write(target: Path, data: bytes, *, mode: int) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := stream.read(CHUNK):
            yield chunk
    finally:
        stream.close()


def storage_for(settings: Settings) -> Storage:
    """The store these settings name: files under MEDIA_DIR, or the S3 bucket (server/media/s3.py keeps one
    client per process and connection settings: costly to make, thread-safe to share)."""
    if settings.media_storage != "s3":
        return LocalStorage(settings.media_dir)
    from server.media.s3 import S3Storage  # boto3 is imported only by processes that use it

    return S3Storage(settings)


def get_storage() -> Storage:
    """The configured store (MEDIA_STORAGE: "disk", files under MEDIA_DIR, or "s3", a bucket)."""
    return storage_for(get_settings())
