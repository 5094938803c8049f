"""What every input is checked for at the edge, whatever its schema says (docs/api.md, "Odd input").

- A NUL character (U+0000) in any string: PostgreSQL cannot store one in text (SQLite can), so it is refused on
  both databases alike, before anything is stored: 400 `nul_character`, naming each field.
- An integer outside 64 bits (-2^63 .. 2^63-1): no column or index holds one, and the drivers fail on it; 422
  `int64_range` naming the field (the API document declares such integers `format: int64`).

`server.api.endpoint()` applies both to every JSON body, query string and path; the sync push applies them to
each mutation on its own (a mutation that holds one is `rejected`, the others still apply), and the file imports
to what they parse.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from server.errors import BadRequest, Invalid

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
NUL = "\x00"


def _join(path: str, part: object) -> str:
    return f"{path}.{part}" if path else str(part)


def nul_fields(value: Any, path: str = "") -> list[str]:
    """The path of every string or object key in parsed data (JSON, query, path values) that holds a NUL."""
    found: list[str] = []
    if isinstance(value, str):
        if NUL in value:
            found.append(path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = _join(path, key.replace(NUL, "\\u0000") if isinstance(key, str) else key)
            if isinstance(key, str) and NUL in key:
                found.append(where)
            found += nul_fields(item, where)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += nul_fields(item, _join(path, index))
    return found


def wide_ints(value: Any, path: str = "") -> list[str]:
    """The path of every integer outside 64 bits in a validated model (or plain data)."""
    found: list[str] = []
    if isinstance(value, bool):
        return found
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            found.append(path or "body")
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            found += wide_ints(getattr(value, name, None), _join(path, info.alias or name))
        for name, item in (value.__pydantic_extra__ or {}).items():
            found += wide_ints(item, _join(path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += wide_ints(item, _join(path, key))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            found += wide_ints(item, _join(path, index))
    return found


def refuse_nul(value: Any, path: str = "") -> None:
    """400 `nul_character` naming each field of `value` that holds a NUL character."""
    fields = nul_fields(value, path)
    if fields:
        raise BadRequest("nul_character", details=[{"field": field, "code": "nul_character"} for field in fields])


def refuse_wide_ints(value: Any, path: str = "") -> None:
    """422 `int64_range` naming each integer of `value` outside 64 bits."""
    fields = wide_ints(value, path)
    if fields:
        params = {"min": INT64_MIN, "max": INT64_MAX}
        raise Invalid("validation_error", details=[{"field": field, "code": "int64_range", "params": params}
                                                   for field in fields])


def refuse_odd(value: Any, path: str = "") -> None:
    """Both checks, NUL first (parsed data that also went through a model, such as a query or a path)."""
    refuse_nul(value, path)
    refuse_wide_ints(value, path)
