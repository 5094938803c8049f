"""Password hashing (argon2id) and bearer-token digests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from server.config import get_settings

TOKEN_PREFIX = "vg_"
# A browser session's token (the HttpOnly cookie, never a bearer token): docs/api.md, "Browser sessions".
SESSION_PREFIX = "vgs_"


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


def new_session_token() -> str:
    """A browser session's token: 256 random bits, accepted only from the session cookie."""
    return SESSION_PREFIX + secrets.token_urlsafe(32)


def is_session_token(token: str) -> bool:
    return token.startswith(SESSION_PREFIX)


def csrf_token_for(session_token: str) -> str:
    """The session's CSRF token: HMAC-SHA256 of the session token keyed with SECRET_KEY. Bound to the session (a
    new session, a new token), never stored, and worthless without the HttpOnly session cookie beside it."""
    key = get_settings().secret_key.encode()
    digest = hmac.new(key, b"csrf:" + session_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_matches(session_token: str, offered: str | None) -> bool:
    """Whether `offered` is the session's CSRF token (compared in constant time)."""
    if not offered:
        return False
    return hmac.compare_digest(csrf_token_for(session_token).encode(), offered.encode("utf-8", "replace"))


def token_digest(token: str) -> str:
    """What the database stores: HMAC-SHA256 keyed with SECRET_KEY (rotating the key signs everyone out)."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
