"""What devices pull from this domain, as the change log (server/sync/capture.py) needs to know it; registered by
server/assembly.py."""

from __future__ import annotations

import sqlalchemy as sa

from server.inspections.models import FormTemplate, FormVersion, Visit, VisitFinding, VisitPhoto
from server.tracking import Pullable, ScopeKind

PULLABLE = [
    # A form version has no municipality of its own (it is its template's): always looked up.
    Pullable(
        entity="form_version", scope_kind=ScopeKind.forms, model=FormVersion,
        scopes=lambda ids: sa.select(FormVersion.id, FormTemplate.municipality_id, FormTemplate.municipality_id)
        .join(FormTemplate, FormTemplate.id == FormVersion.template_id).where(FormVersion.id.in_(ids)),
    ),
    Pullable(
        entity="visit", scope_kind=ScopeKind.committee, model=Visit,
        scopes=lambda ids: sa.select(Visit.id, Visit.municipality_id, Visit.committee_id).where(Visit.id.in_(ids)),
        own_scope=lambda o: (o.municipality_id, o.committee_id),
        parts={VisitFinding: lambda o: o.visit_id, VisitPhoto: lambda o: o.visit_id},
    ),
]
