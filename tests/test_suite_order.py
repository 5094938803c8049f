"""How the whole suite is split between its two processes (tests/conftest.py, docs/testing.md "The suite's time"):
the tests of one module on one database form one unit, a package-scoped fixture keeps its package's tests of one
database together, the longest units are handed out first, and a process builds each database once."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from tests import conftest

ROOT = Path(conftest.__file__).resolve().parents[1]


class FakeItem:
    """What the grouping and the ordering read of a collected test."""

    def __init__(self, nodeid: str, backend: str | None = None, package_fixture: str | None = None) -> None:
        self.nodeid = nodeid
        self.path = ROOT / nodeid.split("::", 1)[0]
        definitions = {}
        if package_fixture is not None:
            definitions["shared"] = [SimpleNamespace(scope="package", baseid=package_fixture)]
        definitions["session"] = [SimpleNamespace(scope="function", baseid="")]
        self._fixtureinfo = SimpleNamespace(name2fixturedefs=definitions)
        self.group = conftest._unit(self, backend) if backend else None  # type: ignore[arg-type]

    def get_closest_marker(self, name: str):
        return SimpleNamespace(args=(self.group,)) if name == "xdist_group" and self.group else None


def test_a_unit_is_one_module_on_one_database_or_the_package_of_a_shared_fixture() -> None:
    one = FakeItem("tests/complaints/test_intake.py::test_a[postgis]", "postgis")
    same = FakeItem("tests/complaints/test_intake.py::test_b[postgis]", "postgis")
    other_database = FakeItem("tests/complaints/test_intake.py::test_a[spatialite]", "spatialite")
    other_module = FakeItem("tests/complaints/test_queue.py::test_a[postgis]", "postgis")
    crowd = FakeItem("tests/reliability/test_abuse.py::test_a[postgis]", "postgis", "tests/reliability")
    crowd_too = FakeItem("tests/reliability/test_concurrency.py::test_b[postgis]", "postgis", "tests/reliability")
    assert one.group == same.group
    assert len({one.group, other_database.group, other_module.group, crowd.group}) == 4
    assert crowd.group == crowd_too.group  # the live Vigía they share is made once per database


def test_the_longest_units_are_handed_out_first_and_a_unit_stays_together() -> None:
    quick = [FakeItem(f"tests/complaints/test_intake.py::test_{n}[postgis]", "postgis") for n in range(30)]
    browser = [FakeItem(f"tests/pwa/test_start.py::test_{n}[spatialite]", "spatialite") for n in range(2)]
    alone = FakeItem("tests/test_geo.py::test_alone")
    wheel = FakeItem("tests/test_wheel.py::test_the_wheel")
    items = [alone, *quick[:15], *browser, *quick[15:], wheel]
    conftest.order_for_xdist(items, ROOT)  # type: ignore[arg-type]
    # two browser tests (2 × SLOW_WEIGHT) outweigh thirty quick ones; the wheel alone outweighs a quick test
    assert items[:2] == browser
    assert items[2:32] == quick
    assert items[32:] == [wheel, alone]


def test_a_process_builds_each_database_once(backend) -> None:
    assert conftest._BUILT[backend.name] is backend


def test_the_date_runs_collect_the_folders_that_hold_the_date_sensitive_tests() -> None:
    """./dev.sh passes CALENDAR_PATHS to pytest (collecting the whole suite for 378 tests took 14 CPU-seconds a
    day): each must exist, or the run at each day stops with "file or directory not found"."""
    from tests.clock import CALENDAR_PATHS

    assert '"${calendar_paths[@]}"' in (ROOT / "dev.sh").read_text()
    assert [path for path in CALENDAR_PATHS if not (ROOT / path).exists()] == []


def test_under_xdist_a_unit_runs_on_one_process(tmp_path) -> None:
    """The real scheduler, not the helpers: `pytest -n 2 --dist loadgroup` (as ./dev.sh test runs it) on a module
    of tests on two databases, with this suite's collection hook; each unit's tests must all run on one process
    (under pytest 9 with xdist 3.8 they were scattered, each test a unit of its own, until tests/conftest.py wrote
    the group where pytest reads it). Stand-in databases: the scheduling is what is tested, in a few seconds."""
    import os
    import re
    import subprocess
    import sys

    (tmp_path / "conftest.py").write_text(
        "import pytest\n"
        "from tests.conftest import pytest_collection_modifyitems  # the hook under test\n"
        "@pytest.fixture(params=['postgis', 'spatialite'])\n"
        "def backend(request):\n"
        "    return request.param\n")
    (tmp_path / "test_units.py").write_text(
        "import pytest\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_one(backend, n):\n"
        "    pass\n"
        "def test_without_a_database():\n"
        "    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "--no-loadscope-reorder", "-v",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path / "test_units.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ran = re.findall(r"^\[(gw\d)\] \[ *\d+%\] PASSED (\S+)\s*$", result.stdout, re.MULTILINE)
    assert len(ran) == 13, result.stdout[-3000:]
    workers: dict[str, set[str]] = {}
    for worker, nodeid in ran:
        if "without_a_database" not in nodeid:
            assert "@" in nodeid, f"{nodeid} has no group"
            workers.setdefault(nodeid.rsplit("@", 1)[1], set()).add(worker)
    assert set(workers) == {"test_units.py|postgis", "test_units.py|spatialite"}
    assert all(len(on) == 1 for on in workers.values()), workers
