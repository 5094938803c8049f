"""What devices pull from this domain, as the change log (server/sync/capture.py) needs to know it; registered by
server/assembly.py: each annotator's own assignments, with their annotations and answers (scope `annotator`)."""

from __future__ import annotations

import sqlalchemy as sa

from server.annotations.models import Annotation, AnnotationAssignment, DocumentAnswer
from server.tracking import Pullable, ScopeKind

PULLABLE = [
    Pullable(
        entity="assignment", scope_kind=ScopeKind.annotator, model=AnnotationAssignment,
        scopes=lambda ids: sa.select(AnnotationAssignment.id, AnnotationAssignment.municipality_id,
                                     AnnotationAssignment.annotator_id).where(AnnotationAssignment.id.in_(ids)),
        own_scope=lambda o: (o.municipality_id, o.annotator_id),
        parts={Annotation: lambda o: o.assignment_id, DocumentAnswer: lambda o: o.assignment_id},
    ),
]
