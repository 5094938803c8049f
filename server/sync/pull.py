"""Pull: the records that changed since a cursor, only those the user may see (docs/sync.md, section 3).

The change log (`sync_changes`, written by `server.sync.capture`) says *which* records changed and through which
scope they may be seen; the records themselves are read now, through their domain's service and as this user
may see them. A record that is gone, or that the user may no longer see, is served as a deletion.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, PrivateAttr
from pydantic import Field as PField
from sqlalchemy.orm import Session, aliased

from server.auth.actor import Actor, can
from server.auth.models import Role
from server.errors import AppError
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.sync import cursor as cursors
from server.sync.cursor import START, Group, Position, Scope
from server.sync.models import Change, Clock, Horizon, ScopeKind

PROTOCOL = "vigia-sync/1"


class PullQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = PField(None, max_length=8_000, description="from the previous page; omit to start over")
    limit: int = PField(200, ge=1, le=1_000, description="records per page at most")
    max_bytes: int = PField(262_144, ge=16_384, le=4_194_304, description="JSON bytes per page at most")


class PullItem(BaseModel):
    type: str = PField(description="work, form_version, committee, meeting, visit, complaint, survey_version or "
                                   "assignment (an annotation assignment)")
    id: uuid.UUID
    scope: str = PField(description="works:<code>, forms:<code>, surveys:<code>, committee:<id>, "
                       "committees:<code>, mine or assignments")
    op: str = PField(description="upsert (data is the record now) or delete (drop it)")
    data: dict[str, Any] | None = None


class PullPage(BaseModel):
    protocol: str = PROTOCOL
    ok: bool = True
    items: list[PullItem]
    removed_scopes: list[str] = PField(description="drop every record held under these scopes")
    has_more: bool
    cursor: str | None = PField(description="send it with the next pull; null after a reset")
    reset: bool = PField(False, description="the cursor is older than the kept change log: start over")
    _encoded_items: list[bytes] | None = PrivateAttr(default=None)  # each item's JSON, made once by _serve

    def to_json(self) -> bytes:
        """The page as the JSON the phone receives, reusing each item's JSON made when the page was filled (its
        size is what `max_bytes` counts), so no item is serialised twice."""
        if self._encoded_items is None or len(self._encoded_items) != len(self.items):
            return self.model_dump_json().encode()
        envelope = self.model_dump_json(exclude={"items"}).encode()
        return envelope[:-1] + b',"items":[' + b",".join(self._encoded_items) + b"]}"


# ------------------------------------------------------------------------------------------------ scopes


def scopes_for(session: Session, actor: Actor) -> set[Scope]:
    """What this user may pull now: works and forms of each municipality where they hold a role, every
    committee there for coordinators and staff, their own committees otherwise, and their own complaints."""
    from server.committees import service as committees

    if actor.is_national_admin:
        municipality_ids = set(session.scalars(sa.select(Municipality.id)))
    else:
        municipality_ids = set(actor.roles)
    scopes: set[Scope] = {Scope(ScopeKind.reporter, actor.user_id), Scope(ScopeKind.annotator, actor.user_id)}
    all_committees = set()
    for municipality_id in municipality_ids:
        scopes.add(Scope(ScopeKind.works, municipality_id))
        scopes.add(Scope(ScopeKind.forms, municipality_id))
        if actor.is_national_admin or actor.has_role(municipality_id, Role.student_auditor, Role.audit_reviewer,
                                                     Role.admin):
            scopes.add(Scope(ScopeKind.surveys, municipality_id))  # those who collect survey responses
        if can(actor, "committees.manage", municipality_id):
            scopes.add(Scope("A", municipality_id))
            all_committees.add(municipality_id)
    for committee_id, municipality_id in committees.memberships(session, user_id=actor.user_id):
        # As committees.can_read: an active member who also holds the committee_member role. Without the role
        # the scope would be held but serve only deletions, and granting the role later would not backfill it.
        if (municipality_id in municipality_ids and municipality_id not in all_committees
                and actor.has_role(municipality_id, Role.committee_member)):
            scopes.add(Scope(ScopeKind.committee, committee_id))
    return scopes


def _condition(scope: Scope) -> sa.ColumnElement[bool]:
    if scope.kind == "A":
        return sa.and_(Change.scope_kind == ScopeKind.committee, Change.municipality_id == scope.id)
    return sa.and_(Change.scope_kind == scope.kind, Change.scope_id == scope.id)


def _scope_of(row: Change, scopes: set[Scope]) -> Scope | None:
    exact = Scope(row.scope_kind, row.scope_id)
    if exact in scopes:
        return exact
    if row.scope_kind == ScopeKind.committee and Scope("A", row.municipality_id) in scopes:
        return Scope("A", row.municipality_id)
    return None


class _Names:
    """Municipality codes for scope labels, read once per pull."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[uuid.UUID, Municipality] = {}

    def municipality(self, municipality_id: uuid.UUID) -> Municipality:
        if municipality_id not in self.cache:
            self.cache[municipality_id] = municipalities.get_by_id(self.session, municipality_id)
        return self.cache[municipality_id]

    def label(self, scope: Scope) -> str:
        if scope.kind == ScopeKind.reporter:
            return "mine"
        if scope.kind == ScopeKind.annotator:
            return "assignments"
        if scope.kind == ScopeKind.committee:
            return f"committee:{scope.id}"
        prefix = {ScopeKind.works: "works", ScopeKind.forms: "forms", ScopeKind.surveys: "surveys",
                  "A": "committees"}[scope.kind]
        return f"{prefix}:{self.municipality(scope.id).code}"


# ------------------------------------------------------------------------------------------------ records


def _work(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID, language: str):
    from server.works import service as works

    work = works.get(session, municipality=municipality, work_id=entity_id)
    return works.public(session, work, municipality=municipality, language=language).model_dump(mode="json")


def _form_version(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID, language: str):
    from server.inspections import forms

    return forms.published_version(session, municipality=municipality, version_id=entity_id)


def _survey_version(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID,
                    language: str):
    from server.notebooks import surveys

    return surveys.published_version(session, municipality=municipality, version_id=entity_id)


def _committee(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID, language: str):
    from server.committees import service as committees

    committees.require_read(session, actor=actor, municipality=municipality, committee_id=entity_id)
    view = committees.public(session, actor=actor, municipality=municipality, committee_id=entity_id)
    return view.model_dump(mode="json")


def _meeting(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID, language: str):
    from server.committees import activities

    return activities.meeting_view(session, actor=actor, municipality=municipality,
                                   meeting_id=entity_id).model_dump(mode="json")


def _visit(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID, language: str):
    from server.inspections import visits
    from server.sync import attachments

    visit = visits.read(session, actor=actor, municipality=municipality, visit_id=entity_id)
    data = visits.public(session, visit, language=language).model_dump(mode="json")
    missing = attachments.missing(session, record_type="visit", record_ids=[visit.id])[visit.id]
    data["missing_attachments"] = [str(item) for item in missing]
    return data


def _complaints(session: Session, actor: Actor, municipality: Municipality, entity_ids: list[uuid.UUID],
                language: str) -> dict[uuid.UUID, dict[str, Any] | None]:
    """The reporter's own complaints among `entity_ids` as the phone stores them (their reporter view, the photos
    still missing, the version a description edit is based on), None for the others (gone, another municipality's,
    not theirs): a page of a phone's own filings (500 after days offline) costs a handful of queries, whatever
    their number."""
    from server.complaints import service as complaints
    from server.sync import attachments

    found = complaints.live_by_ids(session, municipality=municipality, ids=entity_ids)
    own = [found[i] for i in entity_ids if i in found and found[i].reporter_id is not None
           and found[i].reporter_id == actor.user_id]
    views = complaints.reporter_views(session, own, municipality=municipality, language=language)
    missing = attachments.missing(session, record_type="complaint", record_ids=[c.id for c in own])
    result: dict[uuid.UUID, dict[str, Any] | None] = dict.fromkeys(entity_ids)
    for complaint, view in zip(own, views, strict=True):
        data = view.model_dump(mode="json")
        data["missing_attachments"] = [str(item) for item in missing[complaint.id]]
        data["version"] = complaint.version  # the base_version of the reporter's complaint.edit_description
        result[complaint.id] = data
    return result


def _complaint(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID, language: str):
    return _complaints(session, actor, municipality, [entity_id], language)[entity_id]


def _annotation_assignment(session: Session, actor: Actor, municipality: Municipality, entity_id: uuid.UUID,
                           language: str):
    from server.annotations import reading

    return reading.assignment_view(session, actor=actor, municipality=municipality, assignment_id=entity_id,
                                   language=language)


LOADERS: dict[str, Callable[..., dict[str, Any] | None]] = {
    "work": _work, "form_version": _form_version, "committee": _committee, "meeting": _meeting,
    "visit": _visit, "complaint": _complaint, "survey_version": _survey_version,
    "assignment": _annotation_assignment,
}


# Kinds whose records a page loads together (the same data as their LOADERS entry, record by record).
BULK_LOADERS: dict[str, Callable[..., dict[uuid.UUID, dict[str, Any] | None]]] = {"complaint": _complaints}


def _load(session: Session, actor: Actor, municipality: Municipality, row: Change, language: str):
    if row.op == "delete":
        return None
    try:  # loaders only read, so a refusal leaves the transaction as it was
        return LOADERS[row.entity](session, actor, municipality, row.entity_id, language)
    except AppError:  # gone, or no longer visible to this user: a deletion for the device
        return None


def _preload(session: Session, actor: Actor, names: _Names, rows: list[Change], current: set[Scope],
             language: str) -> dict[tuple[str, uuid.UUID], dict[str, Any] | None]:
    """The data of the page's records whose kind loads together (BULK_LOADERS), by (kind, id)."""
    wanted: dict[tuple[str, uuid.UUID], list[uuid.UUID]] = {}
    for row in rows:
        if row.entity in BULK_LOADERS and row.op != "delete" and _scope_of(row, current) is not None:
            wanted.setdefault((row.entity, row.municipality_id), []).append(row.entity_id)
    loaded: dict[tuple[str, uuid.UUID], dict[str, Any] | None] = {}
    for (entity, municipality_id), ids in wanted.items():
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            data = BULK_LOADERS[entity](session, actor, names.municipality(municipality_id), chunk, language)
            loaded.update(((entity, key), value) for key, value in data.items())
    return loaded


# ------------------------------------------------------------------------------------------------ pull


def watermark(session: Session) -> int:
    """Every transaction below this id has finished and is visible to this transaction's snapshot, and every
    one that is not will have an id at least this high. PostgreSQL: the snapshot's xmin. SQLite: one above the
    last number the clock gave (server.sync.capture), as this snapshot sees it: writers are serialised and each
    takes the next number, so a transaction committing later gets a higher one."""
    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(sa.text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    return session.scalar(sa.select(sa.func.coalesce(sa.func.max(Clock.txid), 0) + 1))


def _horizon(session: Session) -> Position:
    row = session.get(Horizon, 1)
    return (row.txid, row.seq) if row is not None else START


def _rows(session: Session, groups: list[Group], below: int, limit: int) -> list[Change]:
    """The next `limit` change rows of the groups' scopes, in log order, leaving out a row when a later row of
    the same record may be served too (that one will be, so a record changed many times goes once)."""
    later = aliased(Change)
    superseded = sa.exists().where(later.entity == Change.entity, later.entity_id == Change.entity_id,
                                   later.seq > Change.seq,
                                   sa.tuple_(later.txid, later.seq) > sa.tuple_(Change.txid, Change.seq),
                                   later.txid < below)
    branches = []
    for group in groups:
        for scope in sorted(group.scopes):
            query = sa.select(Change.seq).where(_condition(scope),
                                                sa.tuple_(Change.txid, Change.seq) > sa.tuple_(*group.position),
                                                Change.txid >= group.position[0], Change.txid < below,
                                                ~superseded)
            branches.append(query.order_by(Change.txid, Change.seq).limit(limit).subquery().select())
    if not branches:
        return []
    union = sa.union_all(*branches).subquery()
    seqs = sa.select(union.c.seq)
    return list(session.scalars(sa.select(Change).where(Change.seq.in_(seqs))
                                .order_by(Change.txid, Change.seq).limit(limit)))


@dataclass
class _Page:
    items: list[PullItem]
    encoded: list[bytes]  # each item's JSON
    last: Position | None
    complete: bool


def pull(session: Session, *, actor: Actor, query: PullQuery, language: str) -> PullPage:
    below = watermark(session)  # first: a snapshot taken before anything else is read
    current = scopes_for(session, actor)
    names = _Names(session)
    if query.cursor is None:
        groups = [Group(START, frozenset(current))]
        removed: set[Scope] = set()
    else:
        previous = cursors.decode(query.cursor)
        held = set().union(*(group.scopes for group in previous)) if previous else set()
        removed = held - current
        horizon = _horizon(session)
        if any(START < group.position < horizon for group in previous):
            return PullPage(items=[], removed_scopes=[], has_more=True, cursor=None, reset=True)
        groups = [Group(g.position, g.scopes & current) for g in previous if g.scopes & current]
        added = current - held
        if added:
            groups.append(Group(START, frozenset(added)))
    page = _serve(session, actor, names, groups, current, below, query, language)
    groups = _advance(groups, page, below)
    answer = PullPage(items=page.items, removed_scopes=sorted(names.label(s) for s in removed),
                      has_more=not page.complete, cursor=cursors.encode(groups))
    answer._encoded_items = page.encoded
    return answer


def _serve(session: Session, actor: Actor, names: _Names, groups: list[Group], current: set[Scope],
           below: int, query: PullQuery, language: str) -> _Page:
    rows = _rows(session, groups, below, query.limit)
    preloaded = _preload(session, actor, names, rows, current, language)
    items: list[PullItem] = []
    encoded: list[bytes] = []
    served: set[tuple[str, uuid.UUID]] = set()
    size = 0
    last: Position | None = None
    for row in rows:
        key = (row.entity, row.entity_id)
        if key not in served:
            scope = _scope_of(row, current)
            if scope is None:
                last = (row.txid, row.seq)
                continue
            data = None if row.op == "delete" else preloaded[key] if key in preloaded \
                else _load(session, actor, names.municipality(row.municipality_id), row, language)
            item = PullItem(type=row.entity, id=row.entity_id, scope=names.label(scope),
                            op="upsert" if data is not None else "delete", data=data)
            text = item.model_dump_json().encode()  # serialised once: counted here, sent as it is
            cost = len(text) + 1
            if items and size + cost > query.max_bytes:
                return _Page(items, encoded, last, complete=False)
            items.append(item)
            encoded.append(text)
            served.add(key)
            size += cost
        last = (row.txid, row.seq)
    return _Page(items, encoded, last, complete=len(rows) < query.limit)


def _advance(groups: list[Group], page: _Page, below: int) -> list[Group]:
    """Move every group to the last row served; when the page was the end, to the watermark itself (every
    later change will have a transaction id at least that high, and positions start at seq 1), so that the next
    empty pull's index range starts where the next change will be and reads nothing. Groups at one position
    merge."""
    target = (below, 0) if page.complete else page.last
    if target is None:
        return _merge(groups)
    return _merge([Group(max(group.position, target), group.scopes) for group in groups])


def _merge(groups: list[Group]) -> list[Group]:
    by_position: dict[Position, set[Scope]] = {}
    for group in groups:
        by_position.setdefault(group.position, set()).update(group.scopes)
    return [Group(position, frozenset(scopes)) for position, scopes in sorted(by_position.items())]
