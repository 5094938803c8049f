"""The canonical form of an audit entry, its hash, and the rules for what an entry's `data` may hold.

No database here: the same functions serve appending, verifying, and the tests that check them against the
stand-alone verifier in docs/audit-log.md.

Canonical form (docs/audit-log.md, "The canonical form"): the JSON object with exactly the members
`action, actor_id, actor_kind, at, data, entity, entity_id, municipality_id, prev_hash, seq`, keys sorted (at
every depth), separators "," and ":" with no spaces, non-ASCII characters written as themselves, encoded as
UTF-8. UUIDs are lower-case hyphenated strings; `actor_id` may be null; `at` is ISO 8601 UTC with six decimals
and "Z" (2026-11-21T17:03:09.000412Z); `seq` is an integer. `hash` is the hex SHA-256 of those bytes; the first
entry's `prev_hash` is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64
CANONICAL_FIELDS = ("action", "actor_id", "actor_kind", "at", "data", "entity", "entity_id", "municipality_id",
                    "prev_hash", "seq")

# A key whose name contains one of these words holds personal data or a secret: the log is public, so such
# facts go in as a salted commitment (see `commitment`) under a neutral name, or stay out of the log.
DENIED_KEY_WORDS = ("email", "e_mail", "mail", "correo", "phone", "telefono", "celular", "mobile", "reporter_name",
                    "name_of_reporter", "full_name", "contact", "address", "domicilio", "password", "secret",
                    "token", "curp", "rfc", "dni")
MAX_DATA_BYTES = 16_384
# Integers a JavaScript verifier reads exactly (2**53 - 1).
MAX_SAFE_INTEGER = 9_007_199_254_740_991
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[a-z]{2,}", re.IGNORECASE)


class AuditDataRejected(ValueError):
    """A caller tried to log something the public log must not hold (personal data, a secret) or cannot hash
    portably (floats, non-ASCII keys). A programming error in the caller, never the user's: it is not an AppError,
    so it surfaces as a 500 and fails the caller's tests."""


def timestamp(at: datetime) -> str:
    """`at` as hashed and published: ISO 8601 in UTC, always six decimals, and "Z"."""
    if at.tzinfo is None:
        raise ValueError("naive datetime in an audit entry")
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _uuid(value: uuid.UUID | str | None) -> str | None:
    if value is None or isinstance(value, uuid.UUID):
        return None if value is None else str(value)
    return str(uuid.UUID(value))


def fields(entry: Any) -> dict[str, Any]:
    """The hashed members of an entry (an AuditEntry, a row or a mapping with the same names), in canonical types."""
    get = entry.get if isinstance(entry, Mapping) else lambda name: getattr(entry, name)
    at = get("at")
    return {
        "action": get("action"),
        "actor_id": _uuid(get("actor_id")),
        "actor_kind": get("actor_kind"),
        "at": at if isinstance(at, str) else timestamp(at),
        "data": get("data"),
        "entity": get("entity"),
        "entity_id": _uuid(get("entity_id")),
        "municipality_id": _uuid(get("municipality_id")),
        "prev_hash": get("prev_hash"),
        "seq": int(get("seq")),
    }


def canonical(entry: Any) -> bytes:
    """The bytes that are hashed: see the module docstring."""
    return json.dumps(fields(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def entry_hash(entry: Any) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def commitment(content: str | bytes, *, salt: str | bytes = b"") -> str:
    """A SHA-256 commitment to private content (a private note's text, a redacted region), for an entry's data:
    the log proves the content existed unchanged without revealing it. Guessable content (a short note, a phone
    number) needs a random salt kept with the private record; without it, anyone could test guesses."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    pepper = salt.encode("utf-8") if isinstance(salt, str) else salt
    return hashlib.sha256(pepper + raw).hexdigest()


# ------------------------------------------------------------------------------------------------ the guard


def check_name(kind: str, value: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise AuditDataRejected(f"{kind} must be lower-case snake_case of at most 40 characters: {value!r}")
    return value


def check_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` if the public log may hold it; AuditDataRejected otherwise.

    Refused: keys that are not lower-case ASCII snake_case (so every language sorts them alike), keys naming
    personal data or secrets (DENIED_KEY_WORDS, anywhere in the key), string values that contain an email
    address, floats (write decimals as strings: float formatting differs between languages), integers beyond
    ±(2**53 - 1), anything that is not JSON, and more than MAX_DATA_BYTES once serialised."""
    checked_json(data)
    return dict(data)


def checked_json(data: Mapping[str, Any]) -> str:
    """`data` as compact JSON if the public log may hold it (the rules of `check_data`); AuditDataRejected
    otherwise. One encoding serves the size check and the caller's copy."""
    if not isinstance(data, Mapping):
        raise AuditDataRejected("audit data must be a JSON object")
    _check_value(data, "data")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise AuditDataRejected("audit data holds text that is not valid Unicode") from exc
    if size > MAX_DATA_BYTES:
        raise AuditDataRejected(f"audit data is {size} bytes; at most {MAX_DATA_BYTES}")
    return text


_GOOD_KEYS: set[str] = set()  # keys found fine before (a few dozen in all: the callers' own names)


def _check_key(key: Any, path: str) -> None:
    if not isinstance(key, str) or not _KEY.match(key):
        raise AuditDataRejected(f"{path}: key {key!r} must be lower-case ASCII snake_case")
    denied = next((word for word in DENIED_KEY_WORDS if word in key), None)
    if denied:
        raise AuditDataRejected(
            f"{path}.{key}: '{denied}' is personal data or a secret and the audit log is public; "
            "log a salted commitment (audit.chain.commitment) under a neutral name, or leave it out"
        )
    if len(_GOOD_KEYS) < 10_000:  # bounded, whatever a caller passes
        _GOOD_KEYS.add(key)


def _check_value(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise AuditDataRejected(f"{path}: integer beyond ±(2**53 - 1); write it as a string")
        return
    if isinstance(value, float):
        raise AuditDataRejected(f"{path}: floats are not allowed in audit data; write {value!r} as a string")
    if isinstance(value, str):
        # "@" first: the pattern needs one, and searching a long text without it backtracks at every position.
        if "@" in value and _EMAIL.search(value):
            raise AuditDataRejected(f"{path}: looks like an email address; the audit log is public")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_value(item, f"{path}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key not in _GOOD_KEYS:
                _check_key(key, path)
            _check_value(item, f"{path}.{key}")
        return
    raise AuditDataRejected(f"{path}: {type(value).__name__} is not JSON; convert it (UUIDs and dates to strings)")
