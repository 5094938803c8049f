"""Benchmark: where the bytes of a tus upload in progress are kept (issue 20, point 2; docs/sync.md, section 4).

A 4 MB photo sent in 256 KB chunks (the field app's chunk), through the real use cases a PATCH runs
(`server.sync.uploads.append`, one transaction per chunk, as the route calls it), with the bytes so far kept by:

- `disk`: a file per upload on the instance's disk, written at the offset and fsynced (what Vigía did before
  migration 0023: a chunk could only be resumed on the instance that had the file);
- `pg-rows`: rows of `sync_upload_parts` on PostgreSQL (`server.sync.upload_parts.DatabaseParts`, what Vigía
  does), with the column's storage EXTERNAL as migration 0023 sets it (no compression attempted);
- `pg-rows-pglz`: the same rows with PostgreSQL's default storage (EXTENDED: pglz tries to compress each part);
- `pg-lo`: PostgreSQL large objects (`lo_create`, `lo_put` at the offset, `lo_get` in 1 MiB pieces, `lo_unlink`),
  an implementation of the same `Parts` interface written here only;
- `sqlite-rows`: rows of `sync_upload_parts` on SQLite (the embedded, one-instance deployment).

Each variant runs in a process of its own on a fresh migrated database with the demo accounts. For each photo
(a JPEG of random pixels of about 4 MB, so no compression helps) it times every chunk's transaction and, apart,
the last one, and within it the assembly (`uploads._finish`: reading the parts in order, hashing and joining
them, deleting them) less the media service's share (`attachments.receive`: image checks, the original written,
the row), which is shown alone. The public copies' job is not queued (a worker's work, the same for all).
The PostgreSQL variants run in one process on one database, taking turns photo by photo (order rotated), so the
machine's load falls on each alike; `sqlite-rows` runs in a second process. Memory: the Python allocations at their
peak during the last chunk (tracemalloc; the photo itself is 4 MB). On PostgreSQL also the WAL written per photo.

    .venv/bin/python bench/uploads.py                     # 8 photos per variant, a few minutes
    .venv/bin/python bench/uploads.py --photos 10 --variants pg-rows,pg-lo --json /tmp/uploads.json

PostgreSQL is reached through VIGIA_BENCH_POSTGRES_URL (or VIGIA_TEST_POSTGRES_URL); without either the script starts
a cluster of its own for the run (tests/services.py) and stops it at the end. Results: docs/performance.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard library's queue (psycopg imports it): the repository root, not bench/.
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]

VARIANTS = ("disk", "pg-rows", "pg-rows-pglz", "pg-lo", "sqlite-rows")
PIECE = 1 << 20


# ------------------------------------------------------------------------------------------------ other stores


class FileParts:
    """Before migration 0023: MEDIA_DIR/uploads/<id>.part, written at the offset and fsynced."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, upload_id: uuid.UUID) -> Path:
        return self.folder / f"{upload_id}.part"

    def held(self, session, upload_id: uuid.UUID) -> int:  # noqa: ANN001
        path = self._path(upload_id)
        return path.stat().st_size if path.exists() else 0

    def write(self, session, upload_id: uuid.UUID, offset: int, data: bytes) -> None:  # noqa: ANN001
        fd = os.open(self._path(upload_id), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.ftruncate(fd, offset)
            os.lseek(fd, offset, os.SEEK_SET)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self, session, upload_id: uuid.UUID) -> Iterator[bytes]:  # noqa: ANN001
        with self._path(upload_id).open("rb") as source:
            while block := source.read(PIECE):
                yield block

    def discard(self, session, upload_id: uuid.UUID) -> None:  # noqa: ANN001
        self._path(upload_id).unlink(missing_ok=True)


class LargeObjectParts:
    """PostgreSQL large objects: one per upload, named in a table of the benchmark's own."""

    def __init__(self, engine) -> None:  # noqa: ANN001
        import sqlalchemy as sa

        self.sa = sa
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_upload_objects "
                                       "(upload_id uuid PRIMARY KEY, oid oid NOT NULL)")

    def _oid(self, session, upload_id: uuid.UUID) -> int | None:  # noqa: ANN001
        return session.scalar(self.sa.text("SELECT oid FROM bench_upload_objects WHERE upload_id = :u"),
                              {"u": upload_id})

    def held(self, session, upload_id: uuid.UUID) -> int:  # noqa: ANN001
        oid = self._oid(session, upload_id)
        if oid is None:
            return 0
        # INV_READ = 0x40000; SEEK_END = 2
        return session.scalar(self.sa.text("SELECT lo_lseek64(lo_open(:o, 262144), 0, 2)"), {"o": oid})

    def write(self, session, upload_id: uuid.UUID, offset: int, data: bytes) -> None:  # noqa: ANN001
        oid = self._oid(session, upload_id)
        if oid is None:
            oid = session.scalar(self.sa.text("SELECT lo_create(0)"))
            session.execute(self.sa.text("INSERT INTO bench_upload_objects VALUES (:u, :o)"),
                            {"u": upload_id, "o": oid})
        session.execute(self.sa.text("SELECT lo_put(:o, :off, :d)"), {"o": oid, "off": offset, "d": data})

    def read(self, session, upload_id: uuid.UUID) -> Iterator[bytes]:  # noqa: ANN001
        oid = self._oid(session, upload_id)
        offset = 0
        while True:
            block = session.scalar(self.sa.text("SELECT lo_get(:o, :off, :n)"), {"o": oid, "off": offset, "n": PIECE})
            if not block:
                return
            yield bytes(block)
            offset += len(block)

    def discard(self, session, upload_id: uuid.UUID) -> None:  # noqa: ANN001
        oid = self._oid(session, upload_id)
        if oid is not None:
            session.execute(self.sa.text("SELECT lo_unlink(:o)"), {"o": oid})
            session.execute(self.sa.text("DELETE FROM bench_upload_objects WHERE upload_id = :u"), {"u": upload_id})


# ------------------------------------------------------------------------------------------------ one variant


def photo_of(size: int, seed: int) -> bytes:
    """A JPEG of random pixels of about `size` bytes: a real image for the media service's checks, and bytes that
    nothing compresses, as a photo's."""
    from PIL import Image

    side = int((size / 1.18) ** 0.5)  # noise at quality 95 weighs ~1.18 bytes a pixel
    rng = random.Random(seed)
    width, height = side * 4 // 3, side * 3 // 4
    picture = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=95)
    return out.getvalue()


def run_backend(backend: str, variants: list[str], photos: int, size: int, chunk: int) -> list[dict[str, Any]]:
    """Upload `photos` photos with each of `variants` (all on `backend`), taking turns photo by photo (the order
    rotated each time), so a change in the machine's load falls on every variant alike."""
    from server import db, fixtures, jobs, migrate
    from server.auth import service as auth
    from server.complaints import intake
    from server.complaints.schemas import ComplaintCreate
    from server.config import Settings, configure_settings
    from server.sync import attachments, upload_parts, uploads
    from server.sync.attachments import AttachmentIn
    from tests.factories import complaint_body, municipality, token_for

    near = _works_near()
    with tempfile.TemporaryDirectory(prefix="vigia-bench-uploads-") as folder, \
            near.throwaway_database(backend, Path(folder)) as url:
        settings = configure_settings(Settings(
            database_url=url, media_dir=Path(folder) / "media", vigia_env="test", redis_url=None,
            secret_key="bench-secret-key-that-is-long-enough-for-production", password_memory_kib=1024,
            password_time_cost=1, log_level="WARNING"))
        engine = db.make_engine(settings)
        migrate.upgrade(engine)
        database = db.configure(db.Database(engine))
        with database.session_scope() as session:
            fixtures.load(session)
        stores: dict[str, Any] = {
            "disk": FileParts(Path(folder) / "media" / "uploads"), "pg-rows": upload_parts.DatabaseParts(),
            "pg-rows-pglz": upload_parts.DatabaseParts(), "sqlite-rows": upload_parts.DatabaseParts()}
        if "pg-lo" in variants:
            stores["pg-lo"] = LargeObjectParts(engine)
        current: dict[str, Any] = {}
        uploads.get_parts = lambda: current["store"]  # type: ignore[assignment]

        receiving: list[float] = []
        finishing: list[float] = []

        def timed(function: Any, into: list[float]) -> Any:
            def run(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    into.append(time.perf_counter() - started)
            return run

        attachments.receive = timed(attachments.receive, receiving)  # type: ignore[assignment]
        uploads._finish = timed(uploads._finish, finishing)  # type: ignore[assignment]
        # The public copies are a worker's job (with Redis); without Redis they would run in this process at
        # commit and be counted in the last chunk. Not queued here: the same for every variant.
        jobs.enqueue = lambda *args, **kwargs: "bench"  # type: ignore[assignment]

        measured = {name: {"chunk": [], "last": [], "assembly": [], "media": [], "peak": [], "wal": []}
                    for name in variants}
        storage = None
        for index in range(photos):
            data = photo_of(size, index)
            turn = variants[index % len(variants):] + variants[:index % len(variants)]
            for name in turn:
                wanted = "EXTENDED" if name == "pg-rows-pglz" else "EXTERNAL"
                if backend == "postgis" and storage != wanted:  # the column's storage, for rows written next
                    with engine.begin() as connection:
                        connection.exec_driver_sql(f"ALTER TABLE sync_upload_parts ALTER COLUMN data SET STORAGE "
                                                   f"{wanted}")
                    storage = wanted
                current["store"] = stores[name]
                result = measured[name]
                photo = data[:-2] + bytes([len(result["last"]), variants.index(name)]) + data[-2:]  # a new hash
                with database.session_scope() as session:
                    token = token_for(session, "voluntaria@vigia.example", f"bench {index} {name}")
                    actor = auth.authenticate(session, token=token)
                    place = municipality(session)
                    filed = intake.file(session, actor=actor, municipality=place,
                                        data=ComplaintCreate.model_validate(complaint_body()))
                    attachment = AttachmentIn(id=uuid.uuid4(), sha256=hashlib.sha256(photo).hexdigest())
                    attachments.declare(session, actor=actor, device_id=actor.device_id, municipality=place,
                                        record_type="complaint", record_id=filed.complaint.id, items=[attachment])
                    metadata = {"record": f"complaint:{filed.complaint.id}", "attachment": str(attachment.id),
                                "sha256": attachment.sha256}
                    state = uploads.create(session, actor=actor, device_id=actor.device_id, length=len(photo),
                                           metadata=metadata)
                lsn = _lsn(engine)
                for offset in range(0, len(photo), chunk):
                    piece = photo[offset:offset + chunk]
                    last = offset + len(piece) == len(photo)
                    if last:
                        tracemalloc.start()
                    started = time.perf_counter()
                    with database.session_scope() as session:
                        answer = uploads.append(session, actor=actor, device_id=actor.device_id,
                                                upload_id=state.id, offset=offset, data=piece)
                    elapsed = time.perf_counter() - started
                    assert not isinstance(answer, Exception), answer
                    if last:
                        result["peak"].append(tracemalloc.get_traced_memory()[1])
                        tracemalloc.stop()
                        result["last"].append(elapsed * 1000)
                        result["assembly"].append((finishing[-1] - receiving[-1]) * 1000)
                        result["media"].append(receiving[-1] * 1000)
                    else:
                        result["chunk"].append(elapsed * 1000)
                if lsn is not None:
                    result["wal"].append(_lsn_diff(engine, lsn))
                with database.session_scope() as session:
                    assert attachments.missing(session, record_type="complaint",
                                               record_ids=[filed.complaint.id]) == {filed.complaint.id: []}
                    assert current["store"].held(session, state.id) == 0
        engine.dispose()
    return [{"variant": name, "backend": backend, "photos": photos, "photo_bytes": len(data), "chunk_bytes": chunk,
             "chunk_ms_median": statistics.median(r["chunk"]), "chunk_ms_p95": _p95(r["chunk"]),
             "chunks_total_ms_per_photo": sum(r["chunk"]) / photos,
             "last_chunk_ms_median": statistics.median(r["last"]),
             "assembly_ms_median": statistics.median(r["assembly"]),
             "media_service_ms_median": statistics.median(r["media"]),
             "python_peak_mb_last_chunk": max(r["peak"]) / 1e6,
             "wal_mb_per_photo": statistics.median(r["wal"]) / 1e6 if r["wal"] else None}
            for name, r in measured.items()]


def _lsn(engine) -> str | None:  # noqa: ANN001
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_current_wal_insert_lsn()::text").scalar()


def _lsn_diff(engine, before: str) -> int:  # noqa: ANN001
    with engine.connect() as connection:
        return int(connection.exec_driver_sql(
            f"SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '{before}')").scalar())


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else values[0]


def _works_near():  # noqa: ANN202
    import importlib.util

    spec = importlib.util.spec_from_file_location("works_near", ROOT / "bench" / "works_near.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["works_near"] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--size", type=int, default=4_000_000, help="bytes of each photo")
    parser.add_argument("--chunk", type=int, default=256 * 1024)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        backend, _, names = args.one.partition(":")
        print(json.dumps(run_backend(backend, names.split(","), args.photos, args.size, args.chunk)))
        return 0
    chosen = [name.strip() for name in args.variants.split(",") if name.strip()]
    unknown = set(chosen) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    env = dict(os.environ)
    on_postgres = [name for name in chosen if not name.startswith("sqlite")]
    on_sqlite = [name for name in chosen if name.startswith("sqlite")]
    started_postgres = False
    if on_postgres and not (env.get("VIGIA_BENCH_POSTGRES_URL") or env.get("VIGIA_TEST_POSTGRES_URL")):
        from tests import services

        env["VIGIA_BENCH_POSTGRES_URL"] = services.postgres().admin_url
        started_postgres = True
    results = []
    try:
        for backend, names in (("postgis", on_postgres), ("spatialite", on_sqlite)):
            if not names:
                continue
            done = subprocess.run([sys.executable, __file__, "--one", f"{backend}:{','.join(names)}",
                                   "--photos", str(args.photos), "--size", str(args.size), "--chunk", str(args.chunk)],
                                  env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stderr[-4000:], file=sys.stderr)
                return 1
            results.extend(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        if started_postgres:
            from tests import services

            services.stop_all()
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "load": load,
               "platform": platform.platform()}
    print(f"{results[0]['photo_bytes']:,}-byte photos in {args.chunk // 1024} KB chunks, {args.photos} per variant; "
          f"load {' '.join(load)} ({os.cpu_count()} CPUs)")
    print(f"{'variant':<14}{'chunk ms':>10}{'p95':>8}{'chunks ms':>11}{'last':>8}{'assembly':>10}{'media':>8}"
          f"{'py peak MB':>12}{'WAL MB':>8}")
    for r in results:
        print(f"{r['variant']:<14}{r['chunk_ms_median']:>10.1f}{r['chunk_ms_p95']:>8.1f}"
              f"{r['chunks_total_ms_per_photo']:>11.0f}{r['last_chunk_ms_median']:>8.0f}"
              f"{r['assembly_ms_median']:>10.1f}"
              f"{r['media_service_ms_median']:>8.0f}{r['python_peak_mb_last_chunk']:>12.1f}"
              f"{(r['wal_mb_per_photo'] or 0):>8.1f}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
