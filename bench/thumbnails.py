"""Benchmark: public copies of phone photos per second per core, ours against the fastest Pillow and ImageMagick.

It makes realistic 12-megapixel phone JPEGs with Pillow (4032 × 3024, gradients, shapes, edges and sensor
noise so they compress like photos, quality 95 and 3-4 MB like a phone's, EXIF as a phone writes it, half of them held upright with
orientation 6), then times, one process on one core, for the 320 and 1280 px copies:

- ours: `server.media.images.render(original, max_side=..., redactions=[])`, what the worker runs (JPEG draft,
  auto-rotation, sRGB, Lanczos, progressive JPEG quality 82 without metadata); and `render_variants(...)`
  making both sizes from one decoding, which is what `make_variants` actually does per photo;
- fastest Pillow: `draft()` to the nearest JPEG scale at or above the size, one bilinear resize (Pillow's
  `reduce()` steps included), baseline JPEG quality 82: no rotation, no colour conversion, no Lanczos;
- ImageMagick: `convert IN -resize 1280x1280 -strip OUT` (and 320x320) as a subprocess, one thread
  (MAGICK_THREAD_LIMIT=1, OMP_NUM_THREADS=1), and the same with `-define jpeg:size=1280x1280` (320x320), its
  equivalent of draft(), which lets libjpeg decode at the same reduced scale ours does.

Every method reads the file from disk inside the timed region (the worker does too). It prints the median
time per copy, copies per second per core (1 / median), the ratios, and the machine.

    .venv/bin/python bench/thumbnails.py [--photos 6] [--rounds 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import PIL  # noqa: E402
from PIL import ExifTags, Image, ImageDraw, ImageFilter, features  # noqa: E402

from server.media import images  # noqa: E402

WIDTH, HEIGHT = 4032, 3024  # a 12-megapixel phone sensor (4:3)
SIZES = (320, 1280)
TEXTURE, GRAIN, QUALITY = 0.15, 0.15, 95  # tuned so the photos weigh what 12 MP phone JPEGs do (3-5 MB)


# ------------------------------------------------------------------------------------------------ photos


def make_photo(seed: int) -> bytes:
    """A synthetic street photo: sky and ground gradients, buildings and a car as shapes with soft edges,
    texture, and sensor noise; JPEG quality 95 with phone EXIF."""
    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).convert("RGB")
    tint = Image.new("RGB", (WIDTH, HEIGHT), (rng.randint(60, 120), rng.randint(110, 160), rng.randint(170, 230)))
    image = Image.blend(sky, tint, 0.6)
    draw = ImageDraw.Draw(image)
    horizon = int(HEIGHT * rng.uniform(0.45, 0.6))
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=(rng.randint(80, 120), rng.randint(80, 110), 70))
    for _ in range(40):  # buildings, windows, poles, a car
        x, y = rng.randint(0, WIDTH), rng.randint(horizon // 2, HEIGHT)
        w, h = rng.randint(40, 900), rng.randint(40, 700)
        colour = tuple(rng.randint(20, 240) for _ in range(3))
        if rng.random() < 0.7:
            draw.rectangle((x, y - h, x + w, y), fill=colour)
        else:
            draw.ellipse((x, y - h, x + w, y), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.2))  # a lens, not vector art
    texture = Image.effect_noise((WIDTH // 4, HEIGHT // 4), 60).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    image = Image.blend(image, Image.merge("RGB", (texture,) * 3), TEXTURE)
    grain = Image.merge("RGB", [Image.effect_noise((WIDTH, HEIGHT), 18) for _ in range(3)])
    image = Image.blend(image, grain, GRAIN)  # sensor noise: what makes photos large
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "samsung"
    exif[ExifTags.Base.Model] = "Galaxy A14"
    exif[ExifTags.Base.Orientation] = 6 if seed % 2 else 1
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: "2026:03:01 10:30:00"}
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (24.0, 1.0, 39.72), 3: "W", 4: (104.0, 39.0, 56.52)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, exif=exif)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ methods


def ours(path: Path, size: int) -> bytes:
    return images.render(path.read_bytes(), max_side=size, redactions=[])


def ours_both(path: Path) -> dict[int, bytes]:
    return images.render_variants(path.read_bytes(), sizes=SIZES, redactions=[])


def fastest_pillow(path: Path, size: int) -> bytes:
    with Image.open(path) as image:
        scale = size / max(image.size)
        target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image.draft("RGB", target)
        small = image.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=82)
    return out.getvalue()


def pillow_both(path: Path) -> dict[int, bytes]:
    """The limit per photo, as issue 19 measured it: bare Pillow making the same two sizes (the fastest path above,
    once per size, so the file is decoded twice: at 1/8 for 320 and at 1/2 for 1280)."""
    return {size: fastest_pillow(path, size) for size in SIZES}


def pillow_both_one_decoding(path: Path) -> dict[int, bytes]:
    """A stricter limit: bare Pillow decoding once with draft() for the larger size and resizing that decoded image
    to both sizes (bilinear, baseline JPEG quality 82)."""
    copies = {}
    with Image.open(path) as image:
        scale = max(SIZES) / max(image.size)
        image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
        image.load()
        for size in SIZES:
            scale = size / max(image.size)
            target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            out = io.BytesIO()
            image.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0).save(out, "JPEG", quality=82)
            copies[size] = out.getvalue()
    return copies


def interleaved(methods: dict[str, Any], paths: list[Path], rounds: int) -> dict[str, dict[str, float]]:
    """CPU time per call (ms) of each method, the methods taking turns on each photo (the order rotating), so
    that a machine busy with other work weighs on all of them alike; median, mean and calls per CPU-second."""
    names = list(methods)
    for name in names:
        methods[name](paths[0])  # warm-up
    spent: dict[str, list[float]] = {name: [] for name in names}
    turn = 0
    for _ in range(rounds):
        for path in paths:
            order = names[turn % len(names):] + names[:turn % len(names)]
            turn += 1
            for name in order:
                started = time.process_time()
                methods[name](path)
                spent[name].append(time.process_time() - started)
    return {name: {"median_ms": statistics.median(times) * 1000, "mean_ms": statistics.fmean(times) * 1000,
                   "per_cpu_second": 1 / statistics.median(times), "calls": len(times)}
            for name, times in spent.items()}


def same_output(paths: list[Path]) -> dict[str, Any]:
    """Proof that ours and the limits make the same sizes at the same JPEG quality setting."""
    ours_sizes = {size: Image.open(io.BytesIO(data)).size for size, data in ours_both(paths[1]).items()}
    limit_sizes = {size: Image.open(io.BytesIO(data)).size for size, data in pillow_both(paths[1]).items()}
    return {"ours": ours_sizes, "bare Pillow": limit_sizes, "quality": images.JPEG_QUALITY}


def imagemagick(convert: str, path: Path, size: int, out: Path, *, jpeg_size: bool) -> None:
    command = [convert]
    if jpeg_size:
        command += ["-define", f"jpeg:size={size}x{size}"]  # decode at the scale ours uses (DRAFT_MARGIN 1)
    command += [str(path), "-resize", f"{size}x{size}", "-strip", str(out)]
    subprocess.run(command, check=True, env={**os.environ, "MAGICK_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1"})


def real_convert() -> str | None:
    """ImageMagick's convert, if the real one is installed (some machines have a stand-in named convert)."""
    for candidate in ("/usr/bin/convert", shutil.which("convert")):
        if candidate and os.path.exists(candidate):
            try:
                version = subprocess.run([candidate, "-version"], capture_output=True, text=True, timeout=10).stdout
            except (OSError, subprocess.TimeoutExpired):
                continue
            if version.startswith("Version: ImageMagick"):
                return candidate
    return None


def timed(fn, paths: list[Path], rounds: int) -> dict[str, float]:
    """Median and mean wall time per call (ms) and CPU time per call (ms, this process and its children)."""
    fn(paths[0])  # warm-up: code paths, page cache
    walls = []
    cpu_start = _cpu()
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            fn(path)
            walls.append(time.perf_counter() - started)
    cpu = (_cpu() - cpu_start) / len(walls)
    median = statistics.median(walls)
    return {"median_ms": median * 1000, "mean_ms": statistics.fmean(walls) * 1000, "cpu_ms": cpu * 1000,
            "per_second": 1 / median, "calls": len(walls)}


def _cpu() -> float:
    spent = os.times()
    return spent.user + spent.system + spent.children_user + spent.children_system


def machine(convert: str | None) -> dict[str, str]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    magick = subprocess.run([convert, "-version"], capture_output=True, text=True).stdout.splitlines()[0] \
        if convert else "not installed"
    return {
        "cpus": str(os.cpu_count()),
        "cpu_model": model,
        "os": platform.platform(),
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "libjpeg_turbo": str(features.version("libjpeg_turbo")),
        "imagemagick": magick,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=6, help="how many different 12 MP photos")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the photos per method")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    convert = real_convert()
    with tempfile.TemporaryDirectory(prefix="vigia-thumbs-") as folder:
        work = Path(folder)
        paths = []
        for seed in range(args.photos):
            path = work / f"photo-{seed}.jpg"
            path.write_bytes(make_photo(seed))
            paths.append(path)
        sizes_mb = [path.stat().st_size / 1e6 for path in paths]
        print(f"{len(paths)} photos {WIDTH}x{HEIGHT}, {min(sizes_mb):.1f}-{max(sizes_mb):.1f} MB each "
              f"(mean {statistics.fmean(sizes_mb):.1f} MB), {args.rounds} rounds", flush=True)
        results: dict[str, dict[str, float]] = {}
        out = work / "out.jpg"
        for size in SIZES:
            results[f"ours {size}"] = timed(lambda p, s=size: ours(p, s), paths, args.rounds)
            results[f"fastest Pillow {size}"] = timed(lambda p, s=size: fastest_pillow(p, s), paths, args.rounds)
            if convert:
                results[f"ImageMagick {size}"] = timed(
                    lambda p, s=size: imagemagick(convert, p, s, out, jpeg_size=False), paths, args.rounds)
                results[f"ImageMagick jpeg:size {size}"] = timed(
                    lambda p, s=size: imagemagick(convert, p, s, out, jpeg_size=True), paths, args.rounds)
        results["ours 320+1280 (one decoding)"] = timed(ours_both, paths, args.rounds)
        both = interleaved({"ours 320+1280": ours_both, "bare Pillow 320+1280 (draft per size)": pillow_both,
                            "bare Pillow 320+1280 (one decoding)": pillow_both_one_decoding},
                           paths, args.rounds)
        output = same_output(paths)
    report = {"machine": machine(convert), "photos": args.photos, "rounds": args.rounds,
              "photo_mb_mean": round(statistics.fmean(sizes_mb), 2), "results": results, "ratios": {},
              "both": both}
    print(f"\n{'method':34} {'median ms':>10} {'CPU ms':>8} {'copies/s/core':>14}")
    for name, row in results.items():
        print(f"{name:34} {row['median_ms']:10.1f} {row['cpu_ms']:8.1f} {row['per_second']:14.2f}")
    print("\nthroughput ratios (ours / other; above 1 means ours is faster):")
    for size in SIZES:
        for other in ("fastest Pillow", "ImageMagick", "ImageMagick jpeg:size"):
            if f"{other} {size}" in results:
                ratio = results[f"ours {size}"]["per_second"] / results[f"{other} {size}"]["per_second"]
                report["ratios"][f"ours/{other} {size}"] = ratio
                print(f"  {size:>4} px  ours / {other:22} {ratio:6.2f}")
    print(f"\nboth copies of a photo, CPU time per photo, the methods taking turns on each photo "
          f"({args.photos} photos x {args.rounds} rounds); sizes made: ours {output['ours']}, "
          f"bare Pillow {output['bare Pillow']}, JPEG quality {output['quality']}:")
    print(f"{'method':40} {'median CPU ms':>14} {'photos/CPU-s':>13}")
    for name, row in both.items():
        print(f"{name:40} {row['median_ms']:14.1f} {row['per_cpu_second']:13.2f}")
    ours_rate = both["ours 320+1280"]["per_cpu_second"]
    for name in ("bare Pillow 320+1280 (draft per size)", "bare Pillow 320+1280 (one decoding)"):
        ratio = ours_rate / both[name]["per_cpu_second"]
        report["ratios"][f"ours/{name}"] = ratio
        goal = f"  (issue 19's goal >= 0.90: {'met' if ratio >= 0.9 else 'MISSED'})" if "per size" in name else ""
        print(f"  ours / {name:38} {ratio:6.2f}{goal}")
    print("\nmachine:", json.dumps(report["machine"], indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
