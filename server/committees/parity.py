"""The parity report (paridad de género): active members by sex and by role, the share of women, and whether
women hold the chair and the secretary. Counts only, never names: it is public."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.committees import service
from server.committees.models import Committee, Member, MemberRole, Sex, State
from server.committees.schemas import ParityReport
from server.municipalities.models import Municipality

# Committees whose membership is current: a draft has no members yet, a closed one no longer has any.
COUNTED_STATES = (State.constituted.value, State.registered.value, State.active.value)


def _report(rows: list[tuple[uuid.UUID, str, str]], committees: int) -> ParityReport:
    by_sex: Counter[str] = Counter({sex.value: 0 for sex in Sex})
    by_role: dict[str, Counter[str]] = {role.value: Counter({sex.value: 0 for sex in Sex}) for role in MemberRole}
    holders: dict[str, dict[uuid.UUID, set[str]]] = defaultdict(lambda: defaultdict(set))
    for committee_id, sex, role in rows:
        by_sex[sex] += 1
        by_role[role][sex] += 1
        holders[role][committee_id].add(sex)
    total = sum(by_sex.values())

    def held_by_women(role: MemberRole) -> int:
        return sum(1 for sexes in holders[role.value].values() if Sex.female.value in sexes)

    return ParityReport(
        committees=committees,
        members=total,
        by_sex=dict(by_sex),
        by_role={role: dict(counts) for role, counts in by_role.items()},
        women_share=round(by_sex[Sex.female.value] / total, 4) if total else None,
        chairs_held_by_women=held_by_women(MemberRole.chair),
        secretaries_held_by_women=held_by_women(MemberRole.secretary),
    )


def _rows(session: Session, conditions: list[sa.ColumnElement[bool]], today: date) -> list[tuple[uuid.UUID, str, str]]:
    statement = sa.select(Member.committee_id, Member.sex, Member.role).join(
        Committee, Committee.id == Member.committee_id).where(*conditions, service.active_members_filter(today))
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def for_committee(session: Session, *, municipality: Municipality, committee_id: uuid.UUID,
                  on: date | None = None) -> ParityReport:
    """One committee's active members on `on` (default today), whatever its state."""
    committee = service.get(session, municipality=municipality, committee_id=committee_id)
    if committee.state == State.draft.value:
        raise service.NotFound("committee_not_found")
    today = on or service.today_in(municipality)
    rows = _rows(session, [Member.committee_id == committee.id], today)
    report = _report(rows, 1)
    roles = {role: {sex for _, sex, r in rows if r == role} for role in (MemberRole.chair.value,
                                                                      MemberRole.secretary.value)}
    chair, secretary = roles[MemberRole.chair.value], roles[MemberRole.secretary.value]
    report.chair_is_woman = (Sex.female.value in chair) if chair else None
    report.secretary_is_woman = (Sex.female.value in secretary) if secretary else None
    return report


def for_municipality(session: Session, *, municipality: Municipality, on: date | None = None) -> ParityReport:
    """Every constituted, registered or active committee of the municipality."""
    today = on or service.today_in(municipality)
    in_scope = [Committee.municipality_id == municipality.id, Committee.state.in_(COUNTED_STATES)]
    committees = session.scalar(sa.select(sa.func.count()).select_from(Committee).where(*in_scope)) or 0
    return _report(_rows(session, in_scope, today), committees)
