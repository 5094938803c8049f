"""What devices pull from this domain (published survey versions, for collecting responses offline), as the
change log (server/sync/capture.py) needs to know it; registered by server/assembly.py."""

from __future__ import annotations

import sqlalchemy as sa

from server.notebooks.models import Survey, SurveyVersion
from server.tracking import Pullable, ScopeKind

PULLABLE = [
    # A version has no municipality of its own (it is its questionnaire's): always looked up.
    Pullable(
        entity="survey_version", scope_kind=ScopeKind.surveys, model=SurveyVersion,
        scopes=lambda ids: sa.select(SurveyVersion.id, Survey.municipality_id, Survey.municipality_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id).where(SurveyVersion.id.in_(ids)),
    ),
]
