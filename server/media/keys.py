"""What both stores share (server/media/storage.py, server/media/s3.py): the keys of originals and public copies,
the stream of a copy being read, and the error of a store that does not answer."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from server.errors import Unavailable
from server.i18n import N_

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


CHUNK = 64 * 1024  # what a streamed copy is read in


class StorageUnavailable(Unavailable):
    """The object store did not answer, or refused for a reason that is not the key (credentials, bucket): a
    503 with Retry-After; nothing the request asked for was done."""

    default_code = N_("storage_unavailable")

    def __init__(self, reason: str, *, seconds: int = 5) -> None:
        super().__init__(seconds=seconds)
        self.reason = reason  # for the log and the operator, never for the person who sent the request

    def __str__(self) -> str:
        return f"storage_unavailable: {self.reason}"


@dataclass(frozen=True)
class Streamed:
    """A public copy being read: its size in bytes (None if the store did not say) and its bytes in chunks
    (the iterator closes the file or connection when it ends)."""

    length: int | None
    chunks: Iterator[bytes]


def check_key(key: str) -> str:
    """`key` if it is a storage key (folders of letters, digits, '.', '_', '-'; no '.' or '..'), else ValueError."""
    if not _KEY.match(key) or any(part in (".", "..") for part in key.split("/")):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def original_key(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return f"originals/{sha256[:2]}/{sha256}"


def derived_key(*, municipality_id: uuid.UUID, sha256: str, version: int, variant: int | str) -> str:
    """The key of one public copy: `variant` is its long side in pixels."""
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return f"public/{municipality_id}/{sha256[:2]}/{sha256}-v{int(version)}-{int(variant)}.jpg"
