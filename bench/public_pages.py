"""Benchmark: Lighthouse on the public work page (server/pages, docs/public-pages.md), against issue 17's budget.

Lighthouse 12.2.3 (pinned in bench/lighthouse, npm; the same one bench/field_app.py runs) in Debian's Chromium
(CHROME_PATH=/usr/bin/chromium), mobile preset (a Moto G Power-sized screen, simulated slow 4G, 4x CPU slowdown),
over `vigia serve` on a throwaway demo database (SpatiaLite, the demo fixtures). The page: the demo work with the
most to show (risk signals, a committee, progress from more than one source), at its shared address (no ?lang),
read by a Spanish browser (--lang=es-MX). Several runs, the median of each category:
performance >= 95, accessibility >= 95, SEO >= 95. Any audit of accessibility or SEO that did not pass is named.

    .venv/bin/python bench/public_pages.py [--runs 3] [--path /publico/10005/estadisticas]

Exit status 1 when a target is missed; the numbers are printed either way. Not a test (its numbers depend on the
machine): results and the machine in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from field_app import CHROMIUM, LIGHTHOUSE, demo_server, lighthouse_version, machine  # noqa: E402

TARGETS = {"performance": 95, "accessibility": 95, "seo": 95}
CODE = "10005"


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.loads(answer.read())


def richest_work(base_url: str) -> str:
    """The public page of the demo work with risk signals, a committee and progress from several sources."""
    api = f"{base_url}/api/v1/municipalities/{CODE}"
    best, best_score = None, -1
    for work in _get(f"{api}/works?limit=200")["items"]:
        committees = _get(f"{api}/committees?work_id={work['id']}")
        sources = {item["source"] for item in _get(f"{api}/works/{work['id']}/progress")}
        score = len(work["risks"]) * 2 + (3 if committees else 0) + len(sources)
        if score > best_score:
            best, best_score = work["id"], score
    return f"/publico/{CODE}/obras/{best}"


def run_once(url: str, report: Path) -> dict:
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--only-categories=performance,accessibility,seo", "--output=json",
         f"--output-path={report}", "--quiet",
         "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage --lang=es-MX"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not report.exists():
        raise RuntimeError("Lighthouse did not run: " + result.stderr[-2000:])
    return json.loads(report.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", default=None, help="another public page (default: the richest work's)")
    args = parser.parse_args()
    for line in machine():
        print(line)
    missed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
            demo_server("spatialite", Path(folder)) as (base_url, _):
        path = args.path or richest_work(base_url)
        print(f"\n== Lighthouse {lighthouse_version()} (mobile preset: simulated slow 4G, 4x CPU), {path}, "
              f"{args.runs} runs ==")
        runs, failing = [], {}
        for n in range(args.runs):
            data = run_once(base_url + path, Path(folder) / f"lighthouse-{n}.json")
            scores = {key: round(data["categories"][key]["score"] * 100) for key in TARGETS}
            audits = data["audits"]
            timing = {name: audits[audit]["numericValue"] for name, audit in (
                ("FCP", "first-contentful-paint"), ("LCP", "largest-contentful-paint"), ("TBT", "total-blocking-time"),
                ("SI", "speed-index"))}
            print(f"  run {n + 1}: performance {scores['performance']}, accessibility {scores['accessibility']}, "
                  f"SEO {scores['seo']}; FCP {timing['FCP']:.0f} ms, LCP {timing['LCP']:.0f} ms, TBT "
                  f"{timing['TBT']:.0f} ms, CLS {audits['cumulative-layout-shift']['numericValue']:.3f}, Speed Index "
                  f"{timing['SI']:.0f} ms; transfer {audits['total-byte-weight']['numericValue'] / 1024:.1f} KB; CPU "
                  f"benchmark index {data['environment'].get('benchmarkIndex', 0):.0f}")
            for category in ("accessibility", "seo"):
                for ref in data["categories"][category]["auditRefs"]:
                    audit = audits[ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        failing[ref["id"]] = audit["title"]
            runs.append(scores)
        settings = data["configSettings"]
        print(f"  settings: formFactor {settings['formFactor']}, {settings['throttlingMethod']} throttling, RTT "
              f"{settings['throttling']['rttMs']} ms, {settings['throttling']['throughputKbps']} kbit/s, CPU "
              f"x{settings['throttling']['cpuSlowdownMultiplier']}; {data['environment']['hostUserAgent']}")
        for audit, title in failing.items():
            print(f"  not passed: {audit} ({title})")
        median = {key: statistics.median(run[key] for run in runs) for key in TARGETS}
        print("  median: " + ", ".join(f"{key} {value:.0f} (>= {TARGETS[key]})" for key, value in median.items()))
        missed = [f"{key} {median[key]:.0f} < {TARGETS[key]}" for key in TARGETS if median[key] < TARGETS[key]]
    print("\n" + ("targets missed: " + "; ".join(missed) if missed else "every target met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
