"""Photo bytes in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, a cloud's object store), through boto3.

The keys are those of `LocalStorage` (`originals/ab/ab12...`, `public/<municipality>/...`), under S3_PREFIX.
What the bucket guarantees, and how (docs/media.md, "Object storage"):

- An original is written once and never overwritten: a HEAD first (a photo already there is not sent again),
  then a PUT with `If-None-Match: *`, which the store refuses with 412 when the key appeared meanwhile (AWS
  S3 since 2024, MinIO, Ceph RGW Squid, R2). With S3_CONDITIONAL_WRITES=false (a store that refuses the header)
  the PUT is plain: two uploads of the same photo racing write the same bytes under the same SHA-256 name, so
  the race is harmless; an original is never written with other bytes, since its name is checked first.
- Every PUT carries Content-MD5, which every S3-compatible store checks: bytes damaged on the way are refused.
  The original's SHA-256 also goes in the object's metadata (`x-amz-meta-sha256`), which `vigia media-to-s3`
  compares to resume.
- Reads of public copies stream: `stream_derived` hands the response body over in chunks, never a whole file.
- `presigned_url` signs a GET valid for MEDIA_PRESIGNED_EXPIRY_SECONDS, so a public copy can be served by the
  store itself (routes answer 307 to it).

One boto3 client per process and settings (`get_storage()` keeps it): boto3 clients are thread-safe, the web
threads share its connection pool (S3_MAX_CONNECTIONS); a forked process (an RQ job) makes its own.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from typing import BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import SecretStr

from server.config import ConfigurationError, Settings
from server.media.keys import StorageUnavailable, Streamed, check_key, original_key, sha256_hex

log = logging.getLogger("vigia.media")

CHUNK = 64 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}
_ALREADY_THERE = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> str:
    return str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))


def _missing(error: ClientError) -> bool:
    return _code(error) in _MISSING or _status(error) == "404"


def _unavailable(error: Exception) -> StorageUnavailable:
    if isinstance(error, ClientError):
        reason = f"the object store answered {_code(error) or _status(error)}: {error}"
    else:
        reason = f"the object store did not answer: {type(error).__name__}: {error}"
    log.error("storage_unavailable", extra={"reason": reason})
    return StorageUnavailable(reason)


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


_clients: dict[tuple, object] = {}
_making = threading.Lock()


def client_for(settings: Settings, *, endpoint_url: str | None = None):
    """The process's boto3 client for these connection settings, made once (a forked process makes its own:
    a connection pool is not shared across a fork)."""
    endpoint_url = endpoint_url or settings.s3_endpoint_url
    identity = (os.getpid(), endpoint_url, settings.s3_region, settings.s3_access_key_id,
                settings.s3_secret_access_key, settings.s3_path_style, settings.s3_max_connections)
    with _making:
        client = _clients.get(identity)
        if client is None:
            client = _clients[identity] = make_client(settings, endpoint_url=endpoint_url)
        return client


def make_client(settings: Settings, *, endpoint_url: str | None = None):
    """A boto3 S3 client for these settings (a session of its own: the default session is not thread-safe)."""
    credentials = {}
    secret = settings.s3_secret_access_key
    if settings.s3_access_key_id is not None and secret is not None:
        credentials = {"aws_access_key_id": settings.s3_access_key_id,
                       "aws_secret_access_key": secret.get_secret_value() if isinstance(secret, SecretStr)
                       else str(secret)}  # a str when settings were copied without validation (tests)
    session = boto3.session.Session(**credentials)
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if settings.s3_path_style else "auto"},
        max_pool_connections=settings.s3_max_connections,
        connect_timeout=5,
        read_timeout=30,
        retries={"mode": "standard", "max_attempts": 3},
        # boto3 >= 1.36 adds CRC checksums to every PUT by default, which several S3-compatible stores refuse;
        # Content-MD5 (below) is what they all check.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    region = settings.s3_region or session.region_name or "us-east-1"
    return session.client("s3", endpoint_url=endpoint_url or settings.s3_endpoint_url, region_name=region,
                          config=config)


class S3Storage:
    """The `Storage` of server/media/storage.py over one bucket (and prefix)."""

    def __init__(self, settings: Settings, *, client=None, presign_client=None) -> None:
        if not settings.s3_bucket:
            raise ConfigurationError("S3_BUCKET is not set: name the bucket that keeps the photos")
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix
        self.conditional = settings.s3_conditional_writes
        self.client = client or client_for(settings)
        public = settings.s3_public_endpoint_url
        self.presign_client = presign_client or (client_for(settings, endpoint_url=public) if public
                                                 else self.client)

    def name(self, key: str) -> str:
        """The object name of a storage key."""
        return self.prefix + check_key(key)

    # ---------------------------------------------------------------------------------------------- Storage

    def put_original(self, sha256: str, data: bytes) -> bool:
        if sha256_hex(data) != sha256:
            raise ValueError("the bytes do not match their SHA-256")
        key = original_key(sha256)
        if self.exists(key):  # content-addressed: the same name holds the same bytes
            return False
        extra = {"IfNoneMatch": "*"} if self.conditional else {}
        try:
            self._put(key, data, content_type="application/octet-stream", sha256=sha256, **extra)
        except ClientError as error:
            if _code(error) in _ALREADY_THERE or _status(error) in _ALREADY_THERE:
                return False  # another process wrote the same photo a moment ago
            raise _unavailable(error) from error
        return True

    def get_original(self, sha256: str) -> bytes:
        with self._get(original_key(sha256)) as body:
            return body.read()

    def put_derived(self, key: str, data: bytes) -> None:
        if check_key(key).startswith("originals/"):
            raise ValueError("originals are written with put_original")
        try:
            self._put(key, data, content_type="image/jpeg", sha256=sha256_hex(data))
        except ClientError as error:
            raise _unavailable(error) from error

    def open_derived(self, key: str) -> BinaryIO:
        return self._get(key)

    def stream_derived(self, key: str) -> Streamed:
        answer = self._get_object(key)
        length = answer.get("ContentLength")
        return Streamed(length=int(length) if length is not None else None, chunks=_chunks(answer["Body"]))

    def exists(self, key: str) -> bool:
        return self.head(key) is not None

    def delete(self, key: str) -> None:
        if check_key(key).startswith("originals/"):
            raise ValueError("originals are evidence and are not deleted through the storage interface")
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.name(key))  # missing is fine in S3
        except ClientError as error:
            if not _missing(error):
                raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error

    def presigned_url(self, key: str, *, expires: int, cache_control: str | None = None) -> str | None:
        """A URL that GETs the object without credentials for `expires` seconds (signed here, no request)."""
        params = {"Bucket": self.bucket, "Key": self.name(key), "ResponseContentType": "image/jpeg"}
        if cache_control:
            params["ResponseCacheControl"] = cache_control
        return self.presign_client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)

    # ---------------------------------------------------------------------------------------------- helpers

    def head(self, key: str) -> dict | None:
        """The object's size and stored SHA-256 (`{"size": int, "sha256": str | None}`), or None if absent."""
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as error:
            if _missing(error):
                return None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error
        return {"size": int(answer["ContentLength"]), "sha256": answer.get("Metadata", {}).get("sha256")}

    def put(self, key: str, data: bytes, *, content_type: str, sha256: str, only_if_absent: bool = False) -> bool:
        """Write `key` (the copy command's way, for both folders); False if `only_if_absent` and it is there."""
        extra = {"IfNoneMatch": "*"} if only_if_absent and self.conditional else {}
        try:
            self._put(key, data, content_type=content_type, sha256=sha256, **extra)
        except ClientError as error:
            if extra and (_code(error) in _ALREADY_THERE or _status(error) in _ALREADY_THERE):
                return False
            raise _unavailable(error) from error
        return True

    def open_original(self, sha256: str) -> BinaryIO:
        """A stream of the original's bytes (to hash it without holding it in memory)."""
        return self._get(original_key(sha256))

    def check(self) -> None:
        """Start-up check: the bucket exists and these credentials may use it; a ConfigurationError says what."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            status, code = _status(error), _code(error)
            if status == "404" or code in ("NoSuchBucket", "404"):
                raise ConfigurationError(f"S3_BUCKET {self.bucket!r} does not exist at the object store "
                                         f"({self._where()}): create it first") from None
            if status in ("401", "403"):
                raise ConfigurationError(f"the object store ({self._where()}) refused these credentials for "
                                         f"bucket {self.bucket!r} ({code or status}): check S3_ACCESS_KEY_ID/"
                                         "S3_SECRET_ACCESS_KEY or the AWS chain") from None
            raise ConfigurationError(f"the object store ({self._where()}) answered {code or status} for bucket "
                                     f"{self.bucket!r}") from None
        except BotoCoreError as error:
            raise ConfigurationError(f"the object store ({self._where()}) cannot be reached: {error}") from None

    def _where(self) -> str:
        return self.client.meta.endpoint_url

    def _put(self, key: str, data: bytes, *, content_type: str, sha256: str, **extra: str) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.name(key), Body=data, ContentType=content_type,
                                   ContentMD5=_md5(data), Metadata={"sha256": sha256}, **extra)
        except BotoCoreError as error:
            raise _unavailable(error) from error

    def _get(self, key: str):
        return self._get_object(key)["Body"]

    def _get_object(self, key: str) -> dict:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(key) from None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error


def _chunks(body) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()
