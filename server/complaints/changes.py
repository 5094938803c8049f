"""What devices pull from this domain, as the change log (server/sync/capture.py) needs to know it; registered by
server/assembly.py."""

from __future__ import annotations

import sqlalchemy as sa

from server.complaints.models import Complaint, ComplaintPhoto, ComplaintUpdate
from server.tracking import Pullable, ScopeKind

PULLABLE = [
    # An anonymous complaint has no reporter: nobody pulls it.
    Pullable(
        entity="complaint", scope_kind=ScopeKind.reporter, model=Complaint,
        scopes=lambda ids: sa.select(Complaint.id, Complaint.municipality_id, Complaint.reporter_id)
        .where(Complaint.id.in_(ids)),
        own_scope=lambda o: (o.municipality_id, o.reporter_id),
        parts={ComplaintUpdate: lambda o: o.complaint_id, ComplaintPhoto: lambda o: o.complaint_id},
    ),
]
