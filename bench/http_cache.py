"""Bytes a phone pays per public read, first time and on revalidation (docs/performance.md, "HTTP caching").

Starts `vigia serve` (one worker) on a throwaway demo database and, over one kept-alive raw socket, counts every
byte of the request and of the answer (status line, headers, body as sent) of the public reads the field app and
an Open311 client make on a phone: once plain, once with `Accept-Encoding: gzip`, then the same requests again
with `If-None-Match` set to the tag received (the revalidation). The limit, in the same run, for the same tags: the
smallest exchange HTTP/1.1 allows for a revalidation, a request line with `Host` and `If-None-Match` and an answer
`HTTP/1.1 304 Not Modified` with only the `ETag`. Also the empty pull of a signed-in phone (personal: `private`).

    .venv/bin/python bench/http_cache.py                    # SpatiaLite (bytes do not depend on the database)
    .venv/bin/python bench/http_cache.py --backend postgis
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
import platform
import socket
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ after the standard library, not first (as `python bench/http_cache.py` puts it): bench/queue.py must not
# shadow the standard `queue` (spaCy, loaded by the demo fixtures, needs it).
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"), str(ROOT / "bench")]

import sqlalchemy as sa  # noqa: E402
from works_near import throwaway_database  # noqa: E402

from server import db, fixtures, migrate  # noqa: E402
from server.config import Settings  # noqa: E402

CODE = "10005"
CENTRO = (-104.6657, 24.0277)  # Zona Centro, Victoria de Durango
EMAIL, PASSWORD = "comite@vigia.example", "vigia-demo-2026"


@contextmanager
def http_server(url: str, folder: Path) -> Iterator[int]:
    """`vigia serve` (uvicorn, one worker, as `./dev.sh demo` runs it) on the database; its port. As
    bench/works_near.py's, with two minutes to start: on a loaded machine 30 seconds were not always enough."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": url, "VIGIA_ENV": "development", "LOG_LEVEL": "WARNING",
                   "MEDIA_DIR": str(folder / "media"), "REDIS_URL": ""}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--no-migrate"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("vigia serve did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Wire:
    """One kept-alive HTTP/1.1 connection that counts the bytes each way."""

    def __init__(self, port: int) -> None:
        self.host = f"127.0.0.1:{port}"
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buffer = b""

    def exchange(self, method: str, path: str, headers: dict[str, str],
                 body: bytes = b"") -> tuple[int, int, int, dict[str, str], bytes]:
        """(status, request bytes, answer bytes, answer headers, body)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", *(f"{k}: {v}" for k, v in headers.items())]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        answer_headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            answer_headers[name.strip().lower()] = value.strip()
        length = int(answer_headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self.buffer += self._recv()
        content, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), len(request), len(head) + 4 + length, answer_headers, content

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk


def floor_bytes(path: str, host: str, etag: str) -> int:
    """The smallest revalidation HTTP/1.1 allows for this address and tag: request and 304, both ways."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nIf-None-Match: {etag}\r\n\r\n"
    answer = f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n"
    return len(request) + len(answer)


def public_reads(database: db.Database) -> list[tuple[str, str]]:
    with database.engine.connect() as connection:
        work = connection.execute(sa.text(
            "SELECT works.id FROM works JOIN municipalities ON municipalities.id = works.municipality_id"
            " WHERE municipalities.code = :code ORDER BY works.id LIMIT 1"), {"code": CODE}).scalar_one()
    work_id = uuid.UUID(hex=str(work).replace("-", ""))
    api = f"/api/v1/municipalities/{CODE}"
    return [
        ("works near me (2 km)", f"{api}/works/near?lon={CENTRO[0]}&lat={CENTRO[1]}&radius_m=2000"),
        ("one work", f"{api}/works/{work_id}"),
        ("works, first page", f"{api}/works"),
        ("municipality", api),
        ("public complaints", f"{api}/complaints/public"),
        ("Open311 services.json", f"/open311/v2/services.json?jurisdiction_id={CODE}"),
        ("public page of the municipality", f"/publico/{CODE}"),
    ]


def measure(wire: Wire, path: str, extra: dict[str, str] | None = None) -> dict[str, int | str]:
    extra = extra or {}
    row: dict[str, int | str] = {}
    for encoding in ("identity", "gzip"):
        headers = {**extra, "Accept-Encoding": encoding}
        status, sent, received, answer, _ = wire.exchange("GET", path, headers)
        assert status == 200, (path, status)
        etag = answer.get("etag", "")
        row[f"first_{encoding}"] = sent + received
        row[f"body_{encoding}"] = int(answer.get("content-length", "0"))
        row["cache_control"] = answer.get("cache-control", "")
        if etag:
            status, sent, received, _, content = wire.exchange("GET", path, {**headers, "If-None-Match": etag})
            assert status == 304 and content == b"", (path, status)
            row[f"again_{encoding}"] = sent + received
        else:
            row[f"again_{encoding}"] = row[f"first_{encoding}"]  # no validator: the whole answer again
        row["floor"] = floor_bytes(path, wire.host, etag) if etag else 0
    return row


def sign_in(wire: Wire) -> dict[str, str]:
    import json

    device = str(uuid.uuid4())
    body = json.dumps({"email": EMAIL, "password": PASSWORD, "device_name": "Moto G bench",
                       "device_id": device}).encode()
    status, _, _, _, content = wire.exchange("POST", "/api/v1/auth/login", {"Content-Type": "application/json"}, body)
    assert status == 201, content
    return {"Authorization": f"Bearer {json.loads(content)['token']}", "Vigia-Device": device}


def empty_pull_cursor(wire: Wire, phone: dict[str, str]) -> str:
    import json

    cursor = ""
    while True:
        path = "/api/v1/sync/pull?limit=1000" + (f"&cursor={cursor}" if cursor else "")
        status, _, _, _, content = wire.exchange("GET", path, {**phone, "Accept-Encoding": "identity"})
        assert status == 200, content
        page = json.loads(content)
        cursor = page["cursor"]
        if not page["items"] and not page["has_more"]:
            return cursor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("spatialite", "postgis"), default="spatialite")
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()}, {platform.python_version()}, backend {args.backend}")
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(args.backend, Path(tmp)) as url:
        engine = db.make_engine(Settings(database_url=url, vigia_env="test"))
        try:
            migrate.upgrade(engine)
            database = db.Database(engine)
            with database.session_scope() as session:
                fixtures.load(session)
            reads = public_reads(database)
            with http_server(url, Path(tmp)) as port:
                wire = Wire(port)
                rows = [(name, path, measure(wire, path)) for name, path in reads]
                phone = sign_in(wire)
                cursor = empty_pull_cursor(wire, phone)
                pull = measure(wire, f"/api/v1/sync/pull?limit=1000&cursor={cursor}", phone)
        finally:
            engine.dispose()

    print("\nBytes on the wire per exchange (request + answer, headers included), one kept-alive connection:\n")
    print("| read | body plain / gzip | first GET, gzip | revalidation (304) | limit: bare 304 | 304 / limit |"
          " 304 / first GET | Cache-Control |")
    print("|---|---|---|---|---|---|---|---|")
    totals = {"first": 0, "again": 0, "floor": 0}
    for name, _path, row in [*rows, ("empty pull (signed in)", "", pull)]:
        first, again, floor = row["first_gzip"], row["again_gzip"], row["floor"]
        totals["first"] += first  # type: ignore[operator]
        totals["again"] += again  # type: ignore[operator]
        totals["floor"] += floor  # type: ignore[operator]
        print(f"| {name} | {row['body_identity']} / {row['body_gzip']} | {first} | {again} | {floor} |"
              f" {again / floor:.2f} | {again / first:.2f} | `{row['cache_control']}` |")  # type: ignore[operator]
    print(f"| **all of them** | | {totals['first']} | {totals['again']} | {totals['floor']} |"
          f" {totals['again'] / totals['floor']:.2f} | {totals['again'] / totals['first']:.2f} | |")
    print(f"\nA phone refreshing these {len(rows) + 1} reads pays {totals['again']} bytes when nothing changed,"
          f" {totals['first']} without validators (gzip), {totals['again'] / totals['first']:.0%} of it;"
          f" the protocol's floor for the same revalidations is {totals['floor']} bytes"
          f" ({totals['again'] / totals['floor']:.2f}×).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
