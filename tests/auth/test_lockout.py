"""The login lockout under parallel guesses: each attempt is counted by the database before its password is
checked, so at most LOGIN_MAX_FAILURES guesses are ever checked before the lock, however many arrive at once.
Other workers' guesses are emulated by claims the test makes itself or by changing the row behind the session's
back; the HTTP crowd test is in tests/reliability/test_concurrency.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.auth import service
from server.auth.models import LoginCreate, User
from server.db import utcnow
from server.errors import TooManyRequests, Unauthorized
from tests.factories import make_user

PASSWORD = "una-clave-segura"


def _data(email: str, password: str) -> LoginCreate:
    return LoginCreate(email=email, password=password, device_name="Moto G")


def _row(session, email: str) -> tuple[int, object]:
    return session.execute(sa.select(User.failed_logins, User.locked_until).where(User.email == email)).one()


def test_guesses_in_flight_are_counted_before_any_password_is_checked(session, backend) -> None:
    allowed = backend.settings.login_max_failures
    email = make_user(session).email
    # `allowed` guesses claimed at once (none of them checked yet): the next one is refused without a check
    attempts = [service.claim_login(session, data=_data(email, f"adivinanza-{n}")) for n in range(allowed)]
    with pytest.raises(TooManyRequests) as locked:
        service.claim_login(session, data=_data(email, PASSWORD))
    assert locked.value.code == "login_locked" and int(locked.value.headers["Retry-After"]) > 0
    failed, until = _row(session, email)
    assert failed == allowed and until > utcnow()
    outcomes = [service.finish_login(session, attempt=a, data=_data(email, f"adivinanza-{n}"))
                for n, a in enumerate(attempts)]
    assert all(isinstance(outcome, Unauthorized) for outcome in outcomes)


def test_failures_other_workers_counted_meanwhile_are_not_lost(session, backend) -> None:
    allowed = backend.settings.login_max_failures
    email = make_user(session).email
    user = service.get_by_email(session, email)  # this session read the account before the others wrote
    assert user.failed_logins == 0
    session.execute(sa.update(User).where(User.email == email).values(failed_logins=allowed - 1)
                    .execution_options(synchronize_session=False))  # the object this session read keeps 0
    assert isinstance(service.login(session, data=_data(email, "otra-adivinanza")), Unauthorized)
    with pytest.raises(TooManyRequests):
        service.login(session, data=_data(email, PASSWORD))


def test_the_right_password_among_the_claimed_ones_signs_in_and_starts_the_count_again(session, backend) -> None:
    email = make_user(session).email
    wrong = service.claim_login(session, data=_data(email, "mal"))
    right = service.claim_login(session, data=_data(email, PASSWORD))
    assert isinstance(service.finish_login(session, attempt=wrong, data=_data(email, "mal")), Unauthorized)
    assert service.finish_login(session, attempt=right, data=_data(email, PASSWORD)).token
    session.flush()
    assert _row(session, email) == (0, None)


def test_once_the_lock_ends_the_count_starts_again(session, backend) -> None:
    allowed = backend.settings.login_max_failures
    email = make_user(session).email
    for n in range(allowed):
        assert isinstance(service.login(session, data=_data(email, f"mal-{n}")), Unauthorized)
    session.execute(sa.update(User).where(User.email == email).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert isinstance(service.login(session, data=_data(email, "mal-otra-vez")), Unauthorized)
    assert _row(session, email) == (1, None)  # one failure after the lock, not locked again at once
