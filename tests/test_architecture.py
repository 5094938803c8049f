"""The layers are written down (pyproject.toml, [tool.importlinter]; docs/architecture.md) and checked: the shared
core imports no domain, the domains do not import the edge, no new circle between packages or modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint(config: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run([command, "--config", str(config), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_every_import_contract_is_kept() -> None:
    result = lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]
    assert result.stdout.count(" KEPT") == len(contracts) >= 4


def test_a_new_circle_would_fail(tmp_path: Path) -> None:
    """Without the list of circles already known, the circle check fails: the contract does look at imports."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contracts = settings["tool"]["importlinter"]["contracts"]
    circle = next(contract for contract in contracts if contract["type"] == "acyclic_siblings")
    known = circle.pop("ignore_imports")
    assert known  # each is named in docs/architecture.md
    config = tmp_path / "contracts.toml"
    lines = ['[tool.importlinter]', 'root_package = "server"', '', '[[tool.importlinter.contracts]]',
             f'name = "{circle["name"]}"', 'type = "acyclic_siblings"', 'ancestors = ["server"]']
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = lint(config)
    assert result.returncode != 0 and "BROKEN" in result.stdout
    documented = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    assert all(f"`{expression}`" in documented for expression in known)
