"""Vigía installed as a package, the way an administrator installs a release: the wheel is built from the sources,
installed with its dependencies into a fresh virtualenv (the versions pinned in requirements/test.lock), and run from
a folder outside the repository, so it reads nothing but what the wheel ships: `vigia migrate`, `vigia
load-fixtures`, then one request to `vigia serve`. Runs once, on the embedded database (docs/testing.md)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.test_cli import _free_port, _stop, _wait_healthy

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "test.lock"

pytestmark = pytest.mark.wheel


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stderr


def _constraints(folder: Path) -> Path:
    """The lock's pins, as a constraints file: the wheel's own dependencies decide what is installed, the lock
    decides which versions."""
    pins = re.findall(r"^([A-Za-z0-9_.-]+==\S+)", LOCK.read_text("utf-8"), re.M)
    path = folder / "constraints.txt"
    path.write_text("\n".join(pins) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel built from these sources and its dependencies; its bin/ folder."""
    work = tmp_path_factory.mktemp("wheel")
    # Only what the wheel is built from, so that nothing else in the checkout can stand in for package data.
    sources = work / "sources"
    sources.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, sources / name)
    # no compiled catalogue either: the build must compile them (setup.py)
    shutil.copytree(ROOT / "server", sources / "server", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
          str(sources)], cwd=work)
    wheel = next(dist.glob("vigia-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for language in ("es", "en"):
        assert f"server/locales/{language}/LC_MESSAGES/vigia.mo" in names, sorted(names)[:20]
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-compile", "-c", str(_constraints(work)), str(wheel)],
         cwd=work)
    _run([str(python), "-m", "pip", "check"], cwd=work)
    return venv / "bin"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "REDIS_URL", "DATABASE_URL") and not key.startswith("VIGIA_")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path}/var/vigia.db", "VIGIA_ENV": "development",
                "MEDIA_DIR": str(tmp_path / "media"), "PASSWORD_MEMORY_KIB": "1024", "PASSWORD_TIME_COST": "1"})
    return env


def test_the_installed_wheel_migrates_loads_the_demo_and_serves(installed: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    where = subprocess.run([str(installed / "python"), "-c", "import server; print(server.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert Path(where).is_relative_to(installed.parent), where  # the installed copy, not the checkout

    assert "database at revision" in _run([str(installed / "vigia"), "migrate"], cwd=tmp_path, env=env)
    loaded = _run([str(installed / "vigia"), "load-fixtures"], cwd=tmp_path, env=env)
    assert "municipalities: created 2" in loaded and "works: created" in loaded, loaded

    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        process = subprocess.Popen([str(installed / "vigia"), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process, log)
        works = httpx.get(f"http://127.0.0.1:{port}/api/v1/municipalities/10005/works", timeout=10)
        assert works.status_code == 200, works.text
        assert works.json()["items"], works.text  # the demo register, from the data inside the wheel
        for language, message in (("es", "Esa dirección no existe en la API."),
                                  ("en", "That address does not exist in the API.")):  # the compiled catalogues
            missing = httpx.get(f"http://127.0.0.1:{port}/api/v1/no-existe", headers={"Accept-Language": language},
                                timeout=10)
            assert (missing.status_code, missing.json()["error"]["message"]) == (404, message)
    finally:
        _stop(process)


def test_load_fixtures_without_its_data_says_so_in_one_line(installed: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    _run([str(installed / "vigia"), "migrate"], cwd=tmp_path, env=env)
    demo = installed.parent / "lib"
    (calendar,) = demo.glob("python3*/site-packages/server/demo/calendar.json")
    moved = calendar.with_name("calendar.json.away")
    calendar.rename(moved)
    try:
        result = subprocess.run([str(installed / "vigia"), "load-fixtures"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
    finally:
        moved.rename(calendar)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: no demo data in {calendar.parent}: calendar.json missing "
                                     "(--path names a folder laid out like server/demo/)")
