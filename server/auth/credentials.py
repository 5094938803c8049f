"""Password hashing (argon2id) and bearer-token digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from server.config import get_settings

TOKEN_PREFIX = "vg_"


@lru_cache(maxsize=4)
def _hasher(memory_kib: int, time_cost: int) -> PasswordHasher:
    return PasswordHasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=1)


def _current_hasher() -> PasswordHasher:
    settings = get_settings()
    return _hasher(settings.password_memory_kib, settings.password_time_cost)


def hash_password(password: str) -> str:
    return _current_hasher().hash(password)


# Verifying against this when the account does not exist keeps the response time the same either way.
_DUMMY_HASH: dict[tuple[int, int], str] = {}


def verify_password(password: str, password_hash: str | None) -> bool:
    hasher = _current_hasher()
    if password_hash is None:
        key = (hasher.memory_cost, hasher.time_cost)
        if key not in _DUMMY_HASH:
            _DUMMY_HASH[key] = hasher.hash("not-a-real-password")
        password_hash = _DUMMY_HASH[key]
        try:
            hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _current_hasher().check_needs_rehash(password_hash)


def new_token() -> str:
    """256 random bits, URL-safe, with a prefix that secret scanners can recognise."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database stores: HMAC-SHA256 keyed with SECRET_KEY (rotating the key signs everyone out)."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
