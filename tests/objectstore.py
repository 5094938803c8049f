"""A real S3 protocol server for the tests: moto in server mode (`python -m moto.server`), in a process of its own
on a free loopback port, started the first time a test needs it and stopped when the run ends.

The fixtures (tests/conftest.py):

- `s3_server`: this server (`endpoint_url`, `bucket` made for the run, `client()` a boto3 client, `settings()`
  the settings that point Vigía at it under a prefix of the test's own).
- `photo_store`: where a test's photos live, "disk" (files under MEDIA_DIR) unless the test is parametrised
  with `@pytest.mark.parametrize("photo_store", ["disk", "s3"], indirect=True)`; `overrides` are the settings
  to apply, `keys(folder)`, `read(key)`, `remove(key)` look at what was stored, whichever the store.

Under CI=true a missing moto fails the run instead of skipping (tests/conftest.py, `unavailable`).
"""

from __future__ import annotations

import atexit
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.services import Unavailable, free_port

ACCESS_KEY = "vigia-test-key"
SECRET_KEY = "vigia-test-secret"
REGION = "us-east-1"


class MotoServer:
    """`python -m moto.server` on 127.0.0.1:<free port>, with one bucket for the run."""

    def __init__(self) -> None:
        try:
            import moto.server  # noqa: F401
        except ImportError as exc:
            raise Unavailable(f"moto[server] is not installed ({exc}): pip install 'moto[server]'") from None
        self._client = None
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="vigia-test-moto-", suffix=".log")[1])
        with self.log.open("w") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                             "-p", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        atexit.register(self.stop)
        self._wait()
        self.bucket = f"vigia-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=self.bucket)

    def _wait(self) -> None:
        import urllib.request

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Unavailable(f"moto server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(self.endpoint_url + "/moto-api/", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise Unavailable("moto server did not answer within 30 s")

    def client(self):
        """A boto3 client of the test's own (made once): what the tests look through, not Vigía's code."""
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.session.Session().client(
                "s3", endpoint_url=self.endpoint_url, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY, config=Config(s3={"addressing_style": "path"}))
        return self._client

    def settings(self, prefix: str = "") -> dict[str, object]:
        """The settings that put Vigía's photos in the run's bucket, under `prefix`."""
        return {"media_storage": "s3", "s3_bucket": self.bucket, "s3_endpoint_url": self.endpoint_url,
                "s3_region": REGION, "s3_access_key_id": ACCESS_KEY, "s3_secret_access_key": SECRET_KEY,
                "s3_path_style": True, "s3_prefix": prefix}

    def env(self, prefix: str = "") -> dict[str, str]:
        """The same as environment variables, for `vigia` processes."""
        return {name.upper(): str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in self.settings(prefix).items()}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)


@dataclass
class PhotoStore:
    """Where one test's photos live, and a look at them that does not go through Vigía's own storage code."""

    kind: str  # "disk" or "s3"
    media_dir: Path
    server: MotoServer | None = None
    prefix: str = ""

    @property
    def overrides(self) -> dict[str, object]:
        """The settings to apply (MEDIA_DIR stays: tus keeps its partial files there)."""
        extra = self.server.settings(self.prefix) if self.server is not None else {"media_storage": "disk"}
        return {"media_dir": self.media_dir, **extra}

    def keys(self, folder: str) -> list[str]:
        """The keys stored under `folder` ("originals", "public"), sorted."""
        if self.server is None:
            base = self.media_dir / folder
            return sorted(path.relative_to(self.media_dir).as_posix() for path in base.rglob("*")
                          if path.is_file() and not path.name.startswith(".tmp-")) if base.exists() else []
        names: list[str] = []
        pages = self.server.client().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.server.bucket, Prefix=f"{self.prefix}{folder}/"):
            names += [item["Key"].removeprefix(self.prefix) for item in page.get("Contents", [])]
        return sorted(names)

    def read(self, key: str) -> bytes:
        if self.server is None:
            return (self.media_dir / key).read_bytes()
        return self.server.client().get_object(Bucket=self.server.bucket, Key=self.prefix + key)["Body"].read()

    def remove(self, key: str) -> None:
        """Lose a stored file behind Vigía's back (a restore that missed it)."""
        if self.server is None:
            (self.media_dir / key).unlink()
        else:
            self.server.client().delete_object(Bucket=self.server.bucket, Key=self.prefix + key)


_server: MotoServer | None = None


def moto_server() -> MotoServer:
    """The run's moto server, started on first use (Unavailable if it cannot be)."""
    global _server
    if _server is None or _server.process.poll() is not None:
        _server = MotoServer()
    return _server


def stop() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None
