"""The pull cursor: where each group of scopes is in the change log, signed so it cannot be forged.

A cursor is a list of groups, each a log position (txid, seq) and the scopes pulled up to there. Usually there
is one group; a scope the user just gained starts a group of its own at the beginning of the log, and the groups
merge once they reach the same position. Binary layout (then base64url, no padding):

    version (1) | groups (1) | per group: txid (8) seq (8) scopes (1) | per scope: kind (1) id (16) | mac (12)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import uuid
from dataclasses import dataclass

from server.config import get_settings
from server.errors import BadRequest

VERSION = 1
MAC_BYTES = 12
MAX_SCOPES = 255


@dataclass(frozen=True, order=True)
class Scope:
    """A set of records one may pull: W works, F forms (id: municipality), C committee (id: committee),
    A every committee of a municipality (id: municipality), R one's own complaints (id: user)."""

    kind: str
    id: uuid.UUID


Position = tuple[int, int]  # (txid, seq)
START: Position = (0, 0)


@dataclass(frozen=True)
class Group:
    position: Position
    scopes: frozenset[Scope]


def _mac(body: bytes) -> bytes:
    key = hashlib.sha256(b"vigia-sync-cursor:" + get_settings().secret_key.encode()).digest()
    return hmac.new(key, body, hashlib.sha256).digest()[:MAC_BYTES]


def encode(groups: list[Group]) -> str:
    body = bytearray(struct.pack(">BB", VERSION, len(groups)))
    for group in groups:
        scopes = sorted(group.scopes)[:MAX_SCOPES]
        body += struct.pack(">qqB", group.position[0], group.position[1], len(scopes))
        for scope in scopes:
            body += scope.kind.encode("ascii") + scope.id.bytes
    raw = bytes(body) + _mac(bytes(body))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode(text: str) -> list[Group]:
    """The groups of a cursor this server made (400 cursor_invalid for anything else)."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        if len(raw) <= MAC_BYTES or not hmac.compare_digest(mac, _mac(body)):
            raise ValueError("signature")
        version, count = struct.unpack_from(">BB", body, 0)
        if version != VERSION:
            raise ValueError("version")
        offset = 2
        groups = []
        for _ in range(count):
            txid, seq, n = struct.unpack_from(">qqB", body, offset)
            offset += 17
            scopes = set()
            for _ in range(n):
                kind = body[offset:offset + 1].decode("ascii")
                scopes.add(Scope(kind, uuid.UUID(bytes=bytes(body[offset + 1:offset + 17]))))
                offset += 17
            groups.append(Group((txid, seq), frozenset(scopes)))
        if offset != len(body):
            raise ValueError("length")
        return groups
    except (ValueError, struct.error, UnicodeDecodeError, IndexError):
        raise BadRequest("cursor_invalid") from None
