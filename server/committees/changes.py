"""What devices pull from this domain, as the change log (server/sync/capture.py) needs to know it; registered by
server/assembly.py."""

from __future__ import annotations

import sqlalchemy as sa

from server.committees.models import (
    Agreement,
    Committee,
    CommitteeEvent,
    CommitteeWork,
    Meeting,
    MeetingAttendance,
    Member,
)
from server.tracking import Pullable, ScopeKind

PULLABLE = [
    Pullable(
        entity="committee", scope_kind=ScopeKind.committee, model=Committee,
        scopes=lambda ids: sa.select(Committee.id, Committee.municipality_id, Committee.id)
        .where(Committee.id.in_(ids)),
        own_scope=lambda o: (o.municipality_id, o.id),
        parts={CommitteeWork: lambda o: o.committee_id, CommitteeEvent: lambda o: o.committee_id,
               Member: lambda o: o.committee_id},
    ),
    Pullable(
        entity="meeting", scope_kind=ScopeKind.committee, model=Meeting,
        scopes=lambda ids: sa.select(Meeting.id, Meeting.municipality_id, Meeting.committee_id)
        .where(Meeting.id.in_(ids)),
        own_scope=lambda o: (o.municipality_id, o.committee_id),
        parts={MeetingAttendance: lambda o: o.meeting_id, Agreement: lambda o: o.meeting_id},
    ),
]
