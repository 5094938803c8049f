"""Every example in docs/ and README.md runs as written against the demo (docs/testing.md, "Examples in the docs").

An example is a fenced block tagged `sh`: it runs in bash, in document order, against `vigia serve` on a fresh
database loaded with the demo data (what `vigia load-fixtures` loads), with `http://127.0.0.1:8000` (where
`./dev.sh demo` serves) pointing at the test's server, `TOKEN` a token of the demo comptroller, the `vigia`
command on PATH with the server's own settings, and the files examples upload in the folder it runs in. It must
exit 0, and every `curl` in it must answer 2xx, or the status its line names with a comment `# → 404`. Any other
block is an illustration (`text` for shell that is read, not run: setting up, tests, a server's administration).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

from tests.factories import DEMO_PASSWORD
from tests.live import ROOT, live_vigia

DEMO_ORIGIN = "http://127.0.0.1:8000"
RUN = "sh"
FENCE = re.compile(r"^([ \t]*)```([\w+-]*)[^\n]*\n(.*?)^\1```[ \t]*$", re.M | re.S)  # also indented in a list
CURL = re.compile(r"(?:^|[\s;|&(`])curl\s")
EXPECT = re.compile(r"#\s*→\s*(\d{3})\b")
STATUS = re.compile(r"^VIGIA-STATUS (\d{3})$", re.M)
PRELUDE = """set -e -o pipefail
curl() { command curl -sS -w '%{stderr}VIGIA-STATUS %{http_code}\\n' "$@"; }
"""


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    tag: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks() -> list[Block]:
    found = []
    for path in documents():
        text = path.read_text()
        for match in FENCE.finditer(text):
            indent, tag, body = match.groups()
            body = "".join(line[len(indent):] if line.startswith(indent) else line
                           for line in body.splitlines(keepends=True))
            found.append(Block(path, text.count("\n", 0, match.start()) + 1, tag, body))
    return found


def examples() -> list[Block]:
    return [block for block in blocks() if block.tag == RUN]


def expected_statuses(text: str) -> list[str | None]:
    """Per curl in the block, in order: the status its line names (`# → 404`), or None for any 2xx."""
    expected: list[str | None] = []
    logical = re.sub(r"\\\n", " ", text)
    for line in logical.splitlines():
        code = EXPECT.search(line)
        expected += [code.group(1) if code else None] * len(CURL.findall(line.split(" #")[0] + " "))
    return expected


def test_examples_are_marked() -> None:
    """Shell that names a curl is either an example (`sh`) or said to be an illustration (`text`): nothing that
    looks like an example escapes the run by being left untagged."""
    unmarked = [block.where for block in blocks() if block.tag not in (RUN, "text") and CURL.search(block.text)]
    assert not unmarked, f"blocks with curl that are neither `sh` (run) nor `text` (illustration): {unmarked}"
    assert len(examples()) >= 8


def test_fenced_blocks_in_lists_are_found_too() -> None:
    indented = [block for block in blocks() if block.path.name == "testing.md" and "VIGIA_TEST_TODAY=" in block.text]
    assert indented and not indented[0].text.startswith(" ")


def test_expected_statuses_are_read_per_curl() -> None:
    text = ("A=$(curl -s x | jq .a)\ncurl -s -X POST y \\\n  -d '{\"device_name\": \"curl\"}'   # → 404\n"
            "echo '# → 500'\n")
    assert expected_statuses(text) == [None, "404"]


def _token(url: str, email: str) -> str:
    response = httpx.post(url + "/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD,
                                                              "device_name": "docs"}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def _files(folder: Path, url: str) -> None:
    """What the examples upload: a photo under the names they use, and the demo's works as a spreadsheet."""
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 140, 90)).save(image, "JPEG")
    for name in ("IMG_20260301_103000.jpg", "foto.jpg"):
        (folder / name).write_bytes(image.getvalue())
    works = httpx.get(url + "/api/v1/municipalities/10005/works/export.csv", timeout=60)
    assert works.status_code == 200
    (folder / "obras.csv").write_bytes(works.content)


def run(block: Block, url: str, env: dict[str, str], folder: Path) -> list[str]:
    script = PRELUDE + block.text.replace(DEMO_ORIGIN, url)
    try:
        done = subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True,
                              timeout=180, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return [f"{block.where}: did not finish in 180 s"]
    problems = []
    if done.returncode != 0:
        problems.append(f"{block.where}: exit {done.returncode}\n{done.stderr[-1500:]}\n{done.stdout[-1500:]}")
    seen = STATUS.findall(done.stderr)
    expected = expected_statuses(block.text)
    if len(seen) != len(expected):
        problems.append(f"{block.where}: {len(expected)} curl in the block, {len(seen)} ran ({seen})")
    for number, (status, wanted) in enumerate(zip(seen, expected, strict=False), start=1):
        if (wanted is None and not status.startswith("2")) or (wanted is not None and status != wanted):
            problems.append(f"{block.where}: curl #{number} answered {status}, the doc says "
                            f"{wanted or '2xx'}\n{done.stdout[-800:]}")
    return problems


def test_every_example_runs_against_the_demo(backend, tmp_path) -> None:
    with live_vigia(backend.name, tmp_path, backend.settings, workers=1) as vigia:
        folder = tmp_path / "work"
        folder.mkdir()
        _files(folder, vigia.url)
        env = {**vigia.env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               "TOKEN": _token(vigia.url, "contraloria@vigia.example"), "HOME": str(tmp_path)}
        problems = []
        for block in examples():
            problems += run(block, vigia.url, env, folder)
        assert not problems, "\n\n".join(problems) + "\n\n" + vigia.log()
