"""`vigia verify-log` as a cron job runs it, and docs/audit-log.md's verify_chain.py as an outsider runs it
against a live server: real processes against a committed database."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.audit import outsider
from tests.audit.conftest import Committed, log, set_data
from tests.test_cli import ROOT, _free_port, _start, _stop, _wait_healthy, vigia


def verify_log(committed: Committed, *args: str) -> subprocess.CompletedProcess:
    return vigia("verify-log", *args, database_url=committed.url)


def test_verify_log_prints_one_line_per_chain_and_exits_by_the_result(committed: Committed) -> None:
    with committed.database.session_scope() as session:
        head = log(session, count=1001)[-1].hash
    intact = verify_log(committed)
    assert intact.returncode == 0, intact.stderr
    lines = intact.stdout.splitlines()
    # every chain is listed, the demo's (10005, 10007) as well as the tests' own
    assert [line.split(":")[0] for line in lines] == ["10005", "10007", "99101", "99102"]
    assert lines[0].startswith("10005: ok, ") and all(": ok, " in line for line in lines)
    assert lines[2:] == [f"99101: ok, 1,001 entries, head {head}", f"99102: ok, 0 entries, head {'0' * 64}"]
    one = verify_log(committed, "--municipality", "99102")
    assert one.returncode == 0 and one.stdout == f"99102: ok, 0 entries, head {'0' * 64}\n"

    with committed.database.session_scope() as session:
        log(session, "99102", count=3)
        set_data(session, "99101", 57, {"n": 0})
    broken = verify_log(committed)
    assert broken.returncode == 1, broken.stderr
    lines = broken.stdout.splitlines()
    assert lines[2] == "99101: BROKEN at entry 57: altered (hash does not match its content)"
    assert lines[3].startswith("99102: ok, 3 entries, head ")
    assert verify_log(committed, "--municipality", "99102").returncode == 0
    spanish = verify_log(committed, "--municipality", "99101", "--lang", "es")
    assert spanish.returncode == 1
    assert spanish.stdout == "99101: ROTA en la entrada 57: altered (el hash no coincide con su contenido)\n"


def test_verify_log_for_an_unknown_municipality_is_one_clear_error(committed: Committed) -> None:
    result = verify_log(committed, "--municipality", "99999")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == "error: No existe el municipio con clave 99999. (municipality_not_found)"


def test_the_documented_script_verifies_a_live_server(committed: Committed, tmp_path) -> None:
    with committed.database.session_scope() as session:
        head = log(session, count=1203)[-1].hash
    script = tmp_path / "verify_chain.py"
    script.write_text(outsider.script(), encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": committed.url, "PYTHONPATH": str(ROOT), "VIGIA_ENV": "development"}
    env.pop("REDIS_URL", None)
    server = _start(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server, tmp_path / "serve.log")

        def outsider_runs() -> subprocess.CompletedProcess:
            # A clean interpreter with nothing of Vigía on its path: only the page's script and the standard library.
            return subprocess.run([sys.executable, "-I", str(script), base + "/", "99101"], capture_output=True,
                                  text=True, timeout=120, cwd=tmp_path)

        intact = outsider_runs()
        assert (intact.returncode, intact.stdout) == (0, f"ok: 1203 entries, head {head}\n"), intact.stderr
        with committed.database.session_scope() as session:
            set_data(session, "99101", 1100, {"n": 0})
        broken = outsider_runs()
        assert (broken.returncode, broken.stdout) == (1, "entry 1100 was altered\n"), broken.stderr
    finally:
        _stop(server)
