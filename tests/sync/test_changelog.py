"""The change log pulls read: written by the session itself in the same transaction as the change (so a change
rolled back leaves nothing), and pruned to the latest change per record with a horizon for old cursors."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from server.complaints.models import Complaint
from server.db import utcnow
from server.sync import log
from server.sync.capture import txid_expression
from server.sync.models import Change, Horizon, ScopeKind
from server.works import service as works
from server.works.models import ProgressCreate, Work, WorkUpdate
from tests.factories import make_work, municipality, staff_actor
from tests.sync.test_pull import settle


def changes(session, entity_id: uuid.UUID) -> list[Change]:
    return list(session.scalars(sa.select(Change).where(Change.entity_id == entity_id).order_by(Change.seq)))


def observe(session, work: Work, pct: float):
    return works.add_progress(session, actor=staff_actor(session), municipality=municipality(session),
                              work_id=work.id, data=ProgressCreate(observed_on=date(2026, 2, 2), physical_pct=pct,
                                                                   financial_pct=pct, source="official"))


def test_a_progress_observation_logs_its_work_in_the_same_transaction(session):
    work = make_work(session)
    before = {row.seq for row in changes(session, work.id)}
    observe(session, work, 35)
    session.flush()

    new = [row for row in changes(session, work.id) if row.seq not in before]
    assert new and {(row.entity, row.scope_kind, row.scope_id, row.op) for row in new} == \
        {("work", ScopeKind.works, municipality(session).id, "upsert")}
    # Written by this very transaction (its id on PostgreSQL; 0 where writers are serialised).
    this_transaction = session.scalar(sa.select(txid_expression(session.get_bind().dialect.name)))
    assert {row.txid for row in new} == {this_transaction}


def test_a_rolled_back_savepoint_leaves_no_change(session):
    work = make_work(session)
    before = [row.seq for row in changes(session, work.id)]
    with pytest.raises(RuntimeError), session.begin_nested():
        observe(session, work, 40)
        session.flush()
        assert len(changes(session, work.id)) > len(before)
        raise RuntimeError("the use case failed after the flush")
    assert [row.seq for row in changes(session, work.id)] == before


def test_only_records_someone_may_pull_are_logged(session):
    work = make_work(session)
    anonymous = session.scalars(sa.select(Complaint.id).where(Complaint.reporter_id.is_(None))).first()
    assert anonymous is not None
    complaint = session.get(Complaint, anonymous)
    complaint.description = complaint.description + " (corregido)"
    session.flush()
    assert changes(session, anonymous) == []  # an anonymous complaint: nobody pulls it
    assert changes(session, work.id)


def test_prune_keeps_the_latest_change_of_each_record_and_old_deletions_go(committed_database):
    database = committed_database
    with database.session_scope() as session:
        kept = make_work(session, title="Obra que cambia varias veces")
        gone = make_work(session, title="Obra que se da de baja")
    for title in ("Obra que cambió una vez", "Obra que cambió dos veces"):
        with database.session_scope() as session:
            work = session.get(Work, kept.id)
            works.update(session, actor=staff_actor(session), municipality=municipality(session), work_id=work.id,
                         data=WorkUpdate(version=work.version, title=title))
    with database.session_scope() as session:
        session.get(Work, gone.id).deleted_at = utcnow()
    with database.session_scope() as session:
        history = changes(session, kept.id)
        deletion = changes(session, gone.id)[-1]
        horizon = session.get(Horizon, 1)
        start = (horizon.txid, horizon.seq) if horizon else (0, 0)
    assert len(history) >= 3 and deletion.op == "delete"

    settle(database)
    with database.session_scope() as session:
        pruned = log.prune(session)
    assert pruned.superseded >= len(history) - 1 and pruned.deletions == 0
    with database.session_scope() as session:
        assert [row.seq for row in changes(session, kept.id)] == [history[-1].seq]
        assert [(row.seq, row.op) for row in changes(session, gone.id)] == [(deletion.seq, "delete")]
        horizon = session.get(Horizon, 1)
        assert ((horizon.txid, horizon.seq) if horizon else (0, 0)) == start  # nothing a cursor needs went

    with database.session_scope() as session:
        pruned = log.prune(session, retention_days=0)  # every deletion is older than "now"
    assert pruned.deletions >= 1
    with database.session_scope() as session:
        assert changes(session, gone.id) == []
        assert [row.seq for row in changes(session, kept.id)] == [history[-1].seq]  # upserts never age out
        horizon = session.get(Horizon, 1)
        assert (horizon.txid, horizon.seq) >= (deletion.txid, deletion.seq) > start
        assert session.scalar(sa.select(sa.func.count()).select_from(Change).where(Change.op == "delete")) == 0

    with database.session_scope() as session:
        again = log.prune(session, retention_days=0)
    assert (again.superseded, again.deletions) == (0, 0)
