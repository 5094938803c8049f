"""Audit-log fixtures: a committed database (for other processes and threads), and raw-SQL tampering that
bypasses the application, as someone with database access would."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import db
from server.audit import service as audit
from server.config import Settings, configure_settings, get_settings
from tests.conftest import Backend, base_settings, committed_demo_database


@dataclass
class Committed:
    """A migrated database with the demo fixtures, committed, of one backend."""

    name: str
    url: str
    settings: Settings
    database: db.Database


def _committed(name: str, tmp_path, template: Settings) -> Iterator[Committed]:
    previous = get_settings()
    try:
        with committed_demo_database(name, tmp_path, template) as (settings, database):
            configure_settings(settings)
            with database.session_scope() as session:
                add_audit_towns(session)
            yield Committed(name, settings.database_url, settings, database)
    finally:
        configure_settings(previous)


# Two municipalities of the tests' own, whose chains start empty (the demo data logs to 10005's chain).
AUDIT_TOWNS = ("99101", "99102")


def add_audit_towns(session: Session) -> None:
    from tests.factories import make_municipality

    for code in AUDIT_TOWNS:
        make_municipality(session, code=code, name=f"Municipio de auditoría {code}")


@pytest.fixture(autouse=True)
def audit_towns(request: pytest.FixtureRequest) -> None:
    """Every test that uses the rolled-back `session` gets the two empty-chain municipalities."""
    if "session" in request.fixturenames:
        add_audit_towns(request.getfixturevalue("session"))


@pytest.fixture
def committed(backend: Backend, tmp_path) -> Iterator[Committed]:
    yield from _committed(backend.name, tmp_path, backend.settings)


@pytest.fixture
def committed_postgis(tmp_path) -> Iterator[Committed]:
    """PostgreSQL only: what it shows (row locks per chain) does not exist on SQLite, which has one writer."""
    yield from _committed("postgis", tmp_path, base_settings())


def municipality_id(session: Session, code: str) -> uuid.UUID:
    return session.execute(sa.text("SELECT id FROM municipalities WHERE code = :code")
                           .bindparams(code=code).columns(id=sa.Uuid())).scalar_one()


def log(session: Session, code: str = "99101", count: int = 1, **overrides: Any) -> list:
    """`count` entries about complaints in municipality `code`, appended through the service."""
    target = municipality_id(session, code)
    made = []
    for number in range(count):
        values: dict[str, Any] = {
            "entity": "complaint", "entity_id": uuid.uuid4(), "action": "transitioned", "actor_id": None,
            "actor_kind": "system", "data": {"from": "received", "to": "admitted", "n": number,
                                              "reason": "Cumple los requisitos de admisión"},
        }
        values.update(overrides)
        made.append(audit.append(session, municipality_id=target, **values))
    session.flush()
    return made


# ------------------------------------------------------------------------------------------------ tampering


def _where(session: Session, code: str, seq: int) -> tuple[str, dict]:
    return ("municipality_id = :m AND seq = :seq", {"m": municipality_id(session, code), "seq": seq})


def _run(session: Session, sql: str, params: dict) -> int:
    statement = sa.text(sql).bindparams(*(sa.bindparam(name, type_=sa.Uuid()) for name in params
                                          if isinstance(params[name], uuid.UUID)))
    return session.execute(statement, params).rowcount


def set_data(session: Session, code: str, seq: int, data: dict) -> None:
    """UPDATE an entry's data in raw SQL, leaving its hash alone."""
    where, params = _where(session, code, seq)
    value = "CAST(:data AS json)" if db.dialect_name(session) == "postgresql" else ":data"
    assert _run(session, f"UPDATE audit_entries SET data = {value} WHERE {where}",
                {**params, "data": json.dumps(data)}) == 1


def set_hashes(session: Session, code: str, seq: int, *, prev_hash: str | None = None,
               hash: str | None = None) -> None:
    where, params = _where(session, code, seq)
    sets = {name: value for name, value in (("prev_hash", prev_hash), ("hash", hash)) if value is not None}
    assignments = ", ".join(f"{name} = :{name}" for name in sets)
    assert _run(session, f"UPDATE audit_entries SET {assignments} WHERE {where}", {**params, **sets}) == 1


def delete_entries(session: Session, code: str, *seqs: int) -> None:
    for seq in seqs:
        where, params = _where(session, code, seq)
        assert _run(session, f"DELETE FROM audit_entries WHERE {where}", params) == 1


def published(session: Session, code: str = "99101") -> list[dict]:
    """The chain as the public endpoint publishes it (JSON types), read fresh from the database."""
    session.expire_all()
    rows = audit.entries(session, municipality_id=municipality_id(session, code), limit=100_000)
    return [audit.public(row).model_dump(mode="json") for row in rows]
