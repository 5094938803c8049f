"""The field app's unit tests (pwa/tests/unit: the sync engine's acknowledgement rules, result states, pull
scopes, sign-out) run with Node's own test runner as part of the README's test command."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"


def test_the_sync_engine_unit_tests_pass() -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is missing: ./dev.sh install-system installs it")
        pytest.skip("Node.js is not installed (./dev.sh install-system installs it)")
    if not (PWA / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PWA, check=True,
                       timeout=600)
    result = subprocess.run(["npm", "test", "--silent"], cwd=PWA, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = [line for line in result.stdout.splitlines() if line.startswith("# pass ")]
    assert passed and int(passed[-1].split()[-1]) > 0, result.stdout[-2000:]
