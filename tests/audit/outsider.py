"""The stand-alone verifier of docs/audit-log.md, loaded from the page itself, so the tests check what an
outsider would run and share no code with the server's implementation."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit-log.md"
MARKER = "<!-- verify_chain.py"


def script() -> str:
    """The Python block that follows the verify_chain.py marker."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"```python\n(.*?)```", text[text.index(MARKER):], re.DOTALL)
    assert found, "docs/audit-log.md lost its verify_chain.py block"
    return found.group(1)


def load() -> SimpleNamespace:
    """entry_hash(entry), check(entries) and download(base, code), as the page defines them."""
    namespace: dict = {"__name__": "verify_chain"}
    exec(compile(script(), str(DOC), "exec"), namespace)
    return SimpleNamespace(entry_hash=namespace["entry_hash"], check=namespace["check"],
                           download=namespace["download"])


def documented_vector() -> tuple[bytes, str]:
    """The documented canonical bytes of the test-vector entry, and the documented hash."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("Test vector"):]
    vector = re.search(r"```json\n(.*?)\n```", section, re.DOTALL).group(1)
    digest = re.search(r"has the hash\s+`([0-9a-f]{64})`", section).group(1)
    return vector.encode("utf-8"), digest

