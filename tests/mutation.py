"""Mutation testing outside CI: `./dev.sh mutants` (or `nice -n 10 .venv/bin/python -m tests.mutation`).

Runs mutmut (configured in pyproject.toml, [tool.mutmut]) on SQLite + SpatiaLite only, with today fixed for the
whole run (VIGIA_TEST_TODAY) and the demo database built once and copied into each mutant's test session
(tests/template_db.py), then prints the score per module and writes every surviving mutant's diff to
mutants/survivors.diff. Results and working files stay in mutants/ (ignored by git). docs/testing.md, "Mutation
testing", has the last score.

    python -m tests.mutation                    a fresh run of every configured module
    python -m tests.mutation --resume           go on from an interrupted run (results kept in mutants/)
    python -m tests.mutation --report           only print the score and survivors of the last run
    python -m tests.mutation 'server.sync.push.*'   only these mutants (mutmut names, globs allowed)

A run stops after --time-limit minutes (default 60): the mutants tested so far keep their results, and
--resume finishes the rest. Resume only across changes to tests: mutmut records which tests reach each function
once, at the start of a fresh run, and does not record it again for a function that changed or is new since.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

# Each mutated module is tested by its own domain's tests only (mutmut then picks, among them, those that run the
# mutated function). The permission matrix (tests/auth/test_permissions.py, about 850 HTTP tests) runs every
# protected endpoint and so every hot function: it is kept for the permission table (actor.py) alone, or a mutant
# in the token or audit code that survives would cost a minute on its own.
DOMAIN_TESTS = {
    "server/complaints/": ("tests/complaints/",),
    "server/sync/": ("tests/sync/",),
    "server/media/": ("tests/media/",),
    "server/audit/": ("tests/audit/",),
    "server/auth/actor.py": ("tests/auth/",),
    "server/auth/": ("tests/auth/test_service.py", "tests/auth/test_routes.py"),
}
ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants"
TEMPLATE = WORK / "template"
# mutmut's exit codes per mutant (mutmut.stats.status_by_exit_code), in the words of the report
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout",
          24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", 37: "type check", None: "not checked"}


def tests_for(mutant: str) -> tuple[str, ...] | None:
    """The test paths allowed to kill `mutant` (a mutmut name: server.auth.service.x_login__mutmut_3)."""
    if "__mutmut_" not in mutant:
        return None  # mutmut's own runs: stats, the clean run, the forced failure
    path = "/".join(part for part in mutant.split(".") if not part.startswith(("x_", "xǁ"))) + ".py"
    for prefix, tests in DOMAIN_TESTS.items():  # the first that matches: longer prefixes come first
        if path.startswith(prefix):
            return tests
    return None


def pytest_collection_modifyitems(config, items) -> None:
    """In a mutant's session (mutmut sets MUTANT_UNDER_TEST), leave out the tests of other domains."""
    allowed = tests_for(os.environ.get("MUTANT_UNDER_TEST", ""))
    if allowed is None:
        return
    kept = [item for item in items if item.nodeid.startswith(allowed)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def _run(mutants: list[str], max_children: int, minutes: float) -> int:
    # Ctrl-C (SIGINT) stops mutmut cleanly, also when this command was started in the background (which ignores it).
    process = subprocess.Popen([str(Path(sys.executable).with_name("mutmut")), "run",
                                "--max-children", str(max_children), *mutants], cwd=ROOT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        return process.wait(timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        print(f"\ntests.mutation: {minutes:g} minutes are up; stopping (--resume goes on from here)", flush=True)
        process.send_signal(signal.SIGINT)  # mutmut stops its workers and keeps the results so far
        try:
            return process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()


def _configured() -> list[str]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]["only_mutate"]


def _codes() -> dict[str, dict[str, int | None]]:
    """mutmut's exit code per mutant, per configured module (from its files in mutants/)."""
    codes = {}
    for module in _configured():
        meta = WORK / f"{module}.meta"
        if meta.exists():
            codes[module] = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
    return codes


def results() -> dict[str, Counter]:
    """Per mutated module, how many mutants ended in each status."""
    return {module: Counter(STATUS.get(code, "suspicious") for code in codes.values())
            for module, codes in _codes().items() if codes}


def survivors() -> list[str]:
    return [name for codes in _codes().values() for name, code in codes.items()
            if STATUS.get(code, "suspicious") in ("survived", "suspicious")]


def _diffs(names: list[str]) -> str:
    """Each mutant's diff, as `mutmut show` prints it (one process for all of them)."""
    from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant

    os.chdir(ROOT)
    return "\n".join(f"# {name}\n{get_diff_for_mutant(name, path=find_mutant(name).path)}" for name in names)


def report() -> None:
    by_module = results()
    if not by_module:
        print("No results in mutants/: run `./dev.sh mutants` first.")
        return
    print("\n| module | killed | survived | no tests | not checked, other | score (killed / tested) |")
    print("|---|---:|---:|---:|---:|---:|")
    total: Counter = Counter()
    for module, counts in by_module.items():
        total.update(counts)
        _row(module, counts)
    _row("**all**", total)
    names = survivors()
    if names:
        listing = WORK / "survivors.diff"
        listing.write_text(_diffs(names), "utf-8")
        print(f"\n{len(names)} surviving mutants; their diffs are in {listing.relative_to(ROOT)}")


def _row(module: str, counts: Counter) -> None:
    killed, survived, untested = counts["killed"] + counts["timeout"], counts["survived"], counts["no tests"]
    other = sum(counts.values()) - killed - survived - untested
    tested = killed + survived
    score = f"{100 * killed / tested:.1f} % ({killed}/{tested})" if tested else "-"
    print(f"| {module} | {killed} | {survived} | {untested} | {other} | {score} |")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("mutants", nargs="*", help="mutmut mutant names or globs (default: all)")
    parser.add_argument("--resume", action="store_true", help="keep the results in mutants/ and test the rest")
    parser.add_argument("--report", action="store_true", help="only print the last run's score and survivors")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--time-limit", type=float, default=60, help="minutes before the run stops (default 60)")
    args = parser.parse_args()
    if args.report:
        report()
        return 0

    from tests.clock import DEMO_TIME_ZONE

    # One day for the whole run: the template's demo dates and every session's clock agree even past midnight.
    os.environ.setdefault("VIGIA_TEST_TODAY", datetime.now(DEMO_TIME_ZONE).date().isoformat())
    os.environ["VIGIA_TEST_BACKENDS"] = "spatialite"
    os.environ["VIGIA_TEST_TEMPLATE_DB"] = str(TEMPLATE)
    if not args.resume and not args.mutants:
        shutil.rmtree(WORK, ignore_errors=True)  # a fresh run re-tests survivors against today's tests
    started = time.monotonic()
    print(f"tests.mutation: demo database for {os.environ['VIGIA_TEST_TODAY']} in {TEMPLATE.relative_to(ROOT)}",
          flush=True)
    built = subprocess.run([sys.executable, "-m", "tests.template_db", "build", str(TEMPLATE)], cwd=ROOT)
    if built.returncode:
        return built.returncode
    status = _run(args.mutants, args.max_children, args.time_limit)
    print(f"\ntests.mutation: mutmut exited with {status} after {(time.monotonic() - started) / 60:.1f} minutes")
    report()
    return status


if __name__ == "__main__":
    sys.exit(main())
