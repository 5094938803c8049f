"""Benchmark: the photo store's operations on disk (`LocalStorage`) and in an S3 bucket (`S3Storage`), same run.

The bucket is moto in server mode (`python -m moto.server`, the tests' S3 server, tests/objectstore.py) on a
loopback port: a Python emulator, so its times are an upper bound of what the client side costs, not what AWS,
MinIO or Ceph answer in. What the figures are for: how much a request pays for S3 against the disk, and what a
307 to a presigned URL costs Vigía against streaming a copy through it.

For each store, `--rounds` times (after `--warmup`), with a phone-sized original (`--original-kb`, a JPEG of
noise) and a public copy (`--copy-kb`):

- put_original: an upload's original written once (a new SHA-256 each time: HEAD + conditional PUT on S3);
- put_original (there): the same photo again (a HEAD on S3, a stat on disk);
- put_derived: a public copy written by the thumbnails job;
- stream_derived: a public copy read to its last byte as the route streams it (64 KiB chunks);
- presigned_url: what MEDIA_PRESIGNED_REDIRECT costs per request instead (signing; no request to the store).

It prints the median and p95 in milliseconds and the S3/disk ratio, and the load average before and after.

    .venv/bin/python bench/media_storage.py [--rounds 200] [--warmup 20] [--original-kb 3000] [--copy-kb 120]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard library's queue, which urllib3 (boto3) imports.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def timed(rounds: int, warmup: int, action) -> list[float]:
    for index in range(warmup):
        action(index)
    times = []
    for index in range(warmup, warmup + rounds):
        start = time.perf_counter()
        action(index)
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def measure(storage, rounds: int, warmup: int, original_kb: int, copy_kb: int) -> dict[str, list[float]]:
    from server.media.storage import derived_key, sha256_hex

    originals = [os.urandom(original_kb * 1024) for _ in range(rounds + warmup)]
    hashes = [sha256_hex(data) for data in originals]
    copy = os.urandom(copy_kb * 1024)
    municipality = uuid.uuid4()
    keys = [derived_key(municipality_id=municipality, sha256=hashes[index], version=1, variant=320)
            for index in range(rounds + warmup)]
    results = {
        "put_original": timed(rounds, warmup, lambda i: storage.put_original(hashes[i], originals[i])),
        "put_original (there)": timed(rounds, warmup, lambda i: storage.put_original(hashes[i], originals[i])),
        "put_derived": timed(rounds, warmup, lambda i: storage.put_derived(keys[i], copy)),
        "stream_derived": timed(rounds, warmup, lambda i: sum(len(chunk) for chunk in
                                                              storage.stream_derived(keys[i]).chunks)),
    }
    results["presigned_url"] = timed(rounds, warmup, lambda i: storage.presigned_url(keys[i], expires=300))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--original-kb", type=int, default=3000)
    parser.add_argument("--copy-kb", type=int, default=120)
    args = parser.parse_args()

    from server.config import Settings
    from server.media.s3 import S3Storage
    from server.media.storage import LocalStorage
    from tests.objectstore import MotoServer

    load_before = os.getloadavg()
    server = MotoServer()
    try:
        with tempfile.TemporaryDirectory(prefix="vigia-bench-media-") as folder:
            disk = measure(LocalStorage(Path(folder)), args.rounds, args.warmup, args.original_kb, args.copy_kb)
        s3 = S3Storage(Settings(**server.settings(prefix=f"bench-{uuid.uuid4().hex[:8]}/")))
        bucket = measure(s3, args.rounds, args.warmup, args.original_kb, args.copy_kb)
    finally:
        server.stop()
    load_after = os.getloadavg()

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; rounds {args.rounds}, "
          f"original {args.original_kb} KiB, copy {args.copy_kb} KiB")
    print(f"{'operation':24} {'disk median':>12} {'disk p95':>10} {'S3 median':>10} {'S3 p95':>10} {'S3/disk':>8}")
    for name in disk:
        d, s = statistics.median(disk[name]), statistics.median(bucket[name])
        ratio = f"{s / d:8.1f}" if name != "presigned_url" else "       -"
        print(f"{name:24} {d:10.3f}ms {p95(disk[name]):8.3f}ms {s:8.3f}ms {p95(bucket[name]):8.3f}ms {ratio}")
    stream, sign = statistics.median(bucket["stream_derived"]), statistics.median(bucket["presigned_url"])
    print(f"a copy by 307 to a presigned URL costs Vigía {sign:.3f} ms against {stream:.3f} ms streamed from S3 "
          f"({stream / sign:.0f}x less), and its bytes never pass through the web process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
