"""The OC4IDS 0.9 codelists Vigía validates against (copied from the standard, Apache-2.0, see LICENSE-OC4IDS)."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from server.errors import value_error

FOLDER = resources.files("server.works") / "codelists"  # package data (pyproject.toml)


@lru_cache(maxsize=None)
def codes(name: str) -> frozenset[str]:
    """The codes of codelist `name` (e.g. "projectStatus")."""
    with (FOLDER / f"{name}.csv").open("r", encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def check(name: str, value: str) -> str:
    """`value` if it is in the codelist, else a ValueError listing what is allowed (short lists only)."""
    allowed = codes(name)
    if value not in allowed:
        if len(allowed) <= 30:
            raise value_error("codelist_unknown", value=value, name=name, codes=", ".join(sorted(allowed)))
        raise value_error("codelist_unknown_long", value=value, name=name)
    return value
