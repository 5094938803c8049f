"""`vigia media-to-s3`: copy a MEDIA_DIR into the S3 bucket, verifying every original against its SHA-256.

Resumable: an object already in the bucket with the same size and SHA-256 (kept in its `sha256` metadata) is
not sent again, so the command can be stopped and run again, or run once more just before switching
MEDIA_STORAGE to s3 to pick up what arrived meanwhile. An original is never overwritten: one whose local file
does not hash to its name, or whose name holds other bytes in the bucket, is reported as a mismatch and left
as it is, and the command exits 1. `uploads/` (tus uploads in progress) and `.tmp-*` files are not copied.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from server.media.keys import CHUNK, check_key, original_key
from server.media.s3 import S3Storage

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Tally:
    copied: int = 0
    present: int = 0
    verified: int = 0  # present and read back from the bucket (--verify-bucket)


@dataclass
class CopyReport:
    originals: Tally = field(default_factory=Tally)
    public: Tally = field(default_factory=Tally)
    mismatches: list[tuple[str, str]] = field(default_factory=list)  # (key, what is wrong)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                yield path


def _original(target: S3Storage, source: Path, path: Path, verify_bucket: bool) -> tuple[str, str | None]:
    """Copy one original: ("copied" | "present" | "verified" | "mismatch", what is wrong)."""
    name = path.name
    if not _SHA256.match(name) or path.parent.name != name[:2]:
        return "mismatch", "not an original's name (originals/<sha[:2]>/<sha-256 in hex>)"
    sha256 = _hash_file(path)
    if sha256 != name:
        return "mismatch", f"the file on disk does not match its name (its SHA-256 is {sha256}): not copied"
    key = original_key(name)
    size = path.stat().st_size
    there = target.head(key)
    if there is None:
        if target.put(key, path.read_bytes(), content_type="application/octet-stream", sha256=sha256,
                      only_if_absent=True):
            return "copied", None
        there = target.head(key)  # written by someone else meanwhile: check it like any other
        if there is None:
            return "mismatch", "the bucket refused the write but has no such object"
    if there["size"] != size or there["sha256"] not in (None, sha256):
        return "mismatch", (f"the bucket holds other bytes under this name ({there['size']} bytes, SHA-256 "
                            f"{there['sha256']}): left as it is")
    if verify_bucket:
        digest = hashlib.sha256()
        with target.open_original(name) as body:
            while chunk := body.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            return "mismatch", f"the bucket's object does not match its name (its SHA-256 is {digest.hexdigest()})"
        return "verified", None
    return "present", None


def _public(target: S3Storage, source: Path, path: Path) -> tuple[str, str | None]:
    try:
        key = check_key(path.relative_to(source).as_posix())
    except ValueError:
        return "mismatch", "not a storage key: not copied"
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    there = target.head(key)
    if there is not None and there["size"] == len(data) and there["sha256"] == sha256:
        return "present", None
    target.put(key, data, content_type="image/jpeg", sha256=sha256)  # a public copy may be replaced
    return "copied", None


def copy_to_bucket(source: Path, target: S3Storage, *, verify_bucket: bool = False, jobs: int = 8,
                   progress: Callable[[str], None] = lambda line: None) -> CopyReport:
    """Copy `source`/originals and `source`/public into `target` with their keys unchanged."""
    report = CopyReport()
    work = [("originals", path) for path in _files(source / "originals")] + \
           [("public", path) for path in _files(source / "public")]

    def one(item: tuple[str, Path]) -> tuple[str, Path, str, str | None]:
        folder, path = item
        if folder == "originals":
            return (folder, path, *_original(target, source, path, verify_bucket))
        return (folder, path, *_public(target, source, path))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for done, (folder, path, outcome, problem) in enumerate(pool.map(one, work), start=1):
            tally = report.originals if folder == "originals" else report.public
            if outcome == "mismatch":
                key = path.relative_to(source).as_posix()
                report.mismatches.append((key, problem or ""))
                progress(f"MISMATCH {key}: {problem}")
            else:
                setattr(tally, outcome, getattr(tally, outcome) + 1)
            if done % 500 == 0:
                progress(f"{done} of {len(work)} files")
    return report
