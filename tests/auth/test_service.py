"""Accounts, sign-in, tokens and devices through the service layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from server.auth import service
from server.auth.actor import ANONYMOUS, authorize
from server.auth.credentials import hash_password, token_digest, verify_password
from server.auth.models import AccessToken, LoginCreate, Role, User
from server.db import utcnow
from server.errors import Conflict, Forbidden, TooManyRequests, Unauthorized
from tests.factories import DEMO_ACCOUNTS, DEMO_PASSWORD, make_user, municipality


def login(session, email: str, password: str, device: str = "Moto G", device_id=None):
    return service.login(session, data=LoginCreate(email=email, password=password, device_name=device,
                                                   device_id=device_id))


def test_passwords_are_hashed_with_argon2id() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password("correct horse battery", stored)
    assert not verify_password("wrong", stored)
    assert not verify_password("anything", None)


def test_an_unknown_email_is_checked_against_a_real_hash_so_it_takes_as_long(monkeypatch) -> None:
    """Without an account, the password is still verified against an argon2id hash made for the purpose (once per
    process), so the answer's timing does not tell whether the email exists."""
    from server.auth import credentials

    monkeypatch.setattr(credentials, "_DUMMY_HASH", {})
    assert not verify_password(DEMO_PASSWORD, None)
    assert not verify_password("not-a-real-password", None)
    (dummy,) = credentials._DUMMY_HASH.values()
    assert dummy.startswith("$argon2id$")


def test_a_token_ends_at_its_expiry_and_says_why_it_is_refused(session) -> None:
    result = login(session, "auditor@vigia.example", DEMO_PASSWORD)
    with time_machine.travel(result.expires_at, tick=False):  # the very instant it expires
        with pytest.raises(Unauthorized) as expired:
            service.authenticate(session, token=result.token)
    assert expired.value.code == "token_expired"
    service.get_by_email(session, "auditor@vigia.example").is_active = False
    session.flush()
    with pytest.raises(Unauthorized) as disabled:
        service.authenticate(session, token=result.token)
    assert disabled.value.code == "account_disabled"
    with pytest.raises(Unauthorized) as anonymous:
        authorize(ANONYMOUS, "users.read", municipality(session).id)
    assert anonymous.value.code == "auth_required"


def test_the_device_list_shows_when_a_token_was_last_used_at_five_minute_resolution(session) -> None:
    result = login(session, "comite@vigia.example", DEMO_PASSWORD, "Moto G")
    opened = result.device.last_seen_at
    with time_machine.travel(opened + timedelta(minutes=4), tick=False):
        actor = service.authenticate(session, token=result.token)  # too soon to write again
    [device] = [d for d in service.list_devices(session, actor=actor) if d.id == result.device.id]
    assert device.last_seen_at == opened
    later = opened + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        service.authenticate(session, token=result.token)
    [device] = [d for d in service.list_devices(session, actor=actor) if d.id == result.device.id]
    assert device.last_seen_at == later
    record = session.scalar(sa.select(AccessToken).where(AccessToken.digest == token_digest(result.token)))
    assert record.last_used_at == later


def test_the_actor_behind_a_token_carries_the_accounts_name_and_national_role(session) -> None:
    national = service.authenticate(session, token=login(session, "nacional@vigia.example", DEMO_PASSWORD).token)
    local = service.authenticate(session, token=login(session, "contraloria@vigia.example", DEMO_PASSWORD).token)
    assert (national.is_national_admin, local.is_national_admin) == (True, False)
    assert national.full_name == service.get_by_email(session, "nacional@vigia.example").full_name
    assert national.full_name and national.full_name != local.full_name


def test_login_opens_a_session_bound_to_a_device(session) -> None:
    result = login(session, "Contraloria@Vigia.example ", DEMO_PASSWORD)
    assert result.token.startswith("vg_") and len(result.token) > 40
    assert result.user.email == "contraloria@vigia.example"
    assert [(g.municipality_code, g.role) for g in result.user.roles] == [("10005", Role.comptroller)]
    assert result.device.name == "Moto G"
    stored = session.scalar(sa.select(AccessToken).where(AccessToken.device_id == result.device.id))
    assert stored.digest == token_digest(result.token) and result.token not in stored.digest
    actor = service.authenticate(session, token=result.token)
    assert actor.email == "contraloria@vigia.example"
    assert actor.roles_in(municipality(session).id) == {Role.comptroller}
    assert actor.device_id == result.device.id


def test_wrong_password_and_unknown_email_look_the_same(session) -> None:
    wrong = login(session, "contraloria@vigia.example", "nope")
    unknown = login(session, "nadie@vigia.example", "nope")
    assert isinstance(wrong, Unauthorized) and isinstance(unknown, Unauthorized)
    assert wrong.code == unknown.code == "login_failed"


def test_repeated_failures_lock_the_account_for_a_while(session, backend) -> None:
    for _ in range(backend.settings.login_max_failures):
        assert isinstance(login(session, "comite@vigia.example", "mal"), Unauthorized)
    with pytest.raises(TooManyRequests) as locked:
        login(session, "comite@vigia.example", DEMO_PASSWORD)
    assert locked.value.headers["Retry-After"]
    user = service.get_by_email(session, "comite@vigia.example")
    user.locked_until = utcnow() - timedelta(seconds=1)
    assert not isinstance(login(session, "comite@vigia.example", DEMO_PASSWORD), Unauthorized)


def test_a_success_resets_the_failure_count(session) -> None:
    login(session, "comite@vigia.example", "mal")
    login(session, "comite@vigia.example", DEMO_PASSWORD)
    assert service.get_by_email(session, "comite@vigia.example").failed_logins == 0


def test_disabled_accounts_cannot_sign_in_and_lose_their_sessions(session) -> None:
    token = login(session, "auditor@vigia.example", DEMO_PASSWORD).token
    user = service.get_by_email(session, "auditor@vigia.example")
    user.is_active = False
    session.flush()
    with pytest.raises(Forbidden):
        login(session, "auditor@vigia.example", DEMO_PASSWORD)
    with pytest.raises(Unauthorized):
        service.authenticate(session, token=token)


def test_expired_and_unknown_tokens_are_refused(session) -> None:
    result = login(session, "auditor@vigia.example", DEMO_PASSWORD)
    record = session.scalar(sa.select(AccessToken).where(AccessToken.digest == token_digest(result.token)))
    record.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    with pytest.raises(Unauthorized) as expired:
        service.authenticate(session, token=result.token)
    assert expired.value.code == "token_expired"
    with pytest.raises(Unauthorized) as unknown:
        service.authenticate(session, token="vg_" + "x" * 43)
    assert unknown.value.code == "token_invalid"


def test_the_same_device_id_signs_in_again_as_the_same_device(session) -> None:
    first = login(session, "voluntaria@vigia.example", DEMO_PASSWORD, "Teléfono")
    second = login(session, "voluntaria@vigia.example", DEMO_PASSWORD, "Teléfono de Rosa", first.device.id)
    assert second.device.id == first.device.id and second.device.name == "Teléfono de Rosa"
    assert first.token != second.token
    assert len(service.list_devices(session, actor=service.authenticate(session, token=second.token))) == 1


def test_a_device_id_belongs_to_one_account(session) -> None:
    first = login(session, "voluntaria@vigia.example", DEMO_PASSWORD)
    with pytest.raises(Conflict):
        login(session, "comite@vigia.example", DEMO_PASSWORD, device_id=first.device.id)


def test_revoking_a_device_ends_all_its_sessions(session) -> None:
    first = login(session, "voluntaria@vigia.example", DEMO_PASSWORD, "Perdido")
    again = login(session, "voluntaria@vigia.example", DEMO_PASSWORD, "Perdido", first.device.id)
    other = login(session, "voluntaria@vigia.example", DEMO_PASSWORD, "Laptop")
    actor = service.authenticate(session, token=other.token)
    service.revoke_device(session, actor=actor, device_id=first.device.id)
    for token in (first.token, again.token):
        with pytest.raises(Unauthorized) as revoked:
            service.authenticate(session, token=token)
        assert revoked.value.code == "token_revoked"
    assert service.authenticate(session, token=other.token).user_id == actor.user_id
    with pytest.raises(Forbidden):
        login(session, "voluntaria@vigia.example", DEMO_PASSWORD, "Perdido", first.device.id)


def test_logout_revokes_only_the_current_token(session) -> None:
    one = login(session, "observatorio@vigia.example", DEMO_PASSWORD, "Uno")
    two = login(session, "observatorio@vigia.example", DEMO_PASSWORD, "Dos")
    service.logout(session, actor=service.authenticate(session, token=one.token))
    with pytest.raises(Unauthorized):
        service.authenticate(session, token=one.token)
    assert service.authenticate(session, token=two.token).email == "observatorio@vigia.example"


def test_issue_token_for_scripts_reuses_the_named_device(session) -> None:
    first = service.issue_token(session, email="contraloria@vigia.example", device_name="open311-app", days=30)
    second = service.issue_token(session, email="contraloria@vigia.example", device_name="open311-app")
    a = service.authenticate(session, token=first)
    b = service.authenticate(session, token=second)
    assert a.device_id == b.device_id
    record = session.scalar(sa.select(AccessToken).where(AccessToken.digest == token_digest(first)))
    assert timedelta(days=29) < record.expires_at - utcnow() <= timedelta(days=30)


def test_email_is_unique_whatever_its_case(session) -> None:
    with pytest.raises(Conflict):
        service.create_user(session, email="ADMIN@vigia.example", full_name="Otra", password="otra-clave-1")
    assert session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "admin@vigia.example")) == 1


def test_roles_are_per_municipality(session) -> None:
    user = make_user(session, Role.comptroller, code="10007")
    token = service.issue_token(session, email=user.email, device_name="d")
    actor = service.authenticate(session, token=token)
    assert actor.roles_in(municipality(session, "10007").id) == {Role.comptroller}
    assert actor.roles_in(municipality(session, "10005").id) == frozenset()


def test_every_role_has_a_demo_account(session) -> None:
    assert set(DEMO_ACCOUNTS) == set(Role)
    for role, email in DEMO_ACCOUNTS.items():
        result = login(session, email, DEMO_PASSWORD)
        assert role in {grant.role for grant in result.user.roles}
