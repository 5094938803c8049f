"""What devices pull from this domain, as the change log (server/sync/capture.py) needs to know it; registered by
server/assembly.py."""

from __future__ import annotations

import sqlalchemy as sa

from server.tracking import Pullable, ScopeKind
from server.works.models import ProgressObservation, Work, WorkZone

PULLABLE = [
    Pullable(
        entity="work", scope_kind=ScopeKind.works, model=Work,
        scopes=lambda ids: sa.select(Work.id, Work.municipality_id, Work.municipality_id).where(Work.id.in_(ids)),
        own_scope=lambda o: (o.municipality_id, o.municipality_id),
        parts={ProgressObservation: lambda o: o.work_id, WorkZone: lambda o: o.work_id},
    ),
]
