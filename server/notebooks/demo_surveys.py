"""Demo surveys: the CourTools questionnaire for court users and the one for judges, published, and synthetic
anonymous responses of court users for each court of a municipality in 2025 (seed fixed, ids derived from the
court and the response's number), so the demo notebooks show their courts' survey results.

Idempotent: questionnaires are found by key, responses by id; loading again changes nothing. Called by the demo
loader of the notebooks (server/notebooks/fixtures.py) after the courts exist.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor
from server.municipalities.models import Municipality
from server.notebooks import courtools, surveys
from server.notebooks.models import Survey, SurveyAudience, SurveyCreate, SurveyResponse, SurveyVersion

NAMESPACE = uuid.UUID("0192f0c3-5e0b-7000-8000-00000000c0c0")
QUESTIONNAIRES = [
    ("usuarios-courtools", "Encuesta a usuarios del juzgado (acceso y trato justo, CourTools)",
     SurveyAudience.court_users),
    ("jueces-condiciones", "Encuesta a jueces: condiciones de trabajo", SurveyAudience.judges),
]
RESPONSES_PER_COURT = 24
YEAR = 2025


def _published(session: Session, actor: Actor, municipality: Municipality, key: str, title: str,
               audience: SurveyAudience, counts: Counter[str]) -> SurveyVersion:
    survey = session.scalar(sa.select(Survey).where(Survey.municipality_id == municipality.id, Survey.key == key))
    if survey is None:
        survey = surveys.create(session, actor=actor, municipality=municipality,
                                data=SurveyCreate(key=key, title=title, audience=audience))
        counts["created"] += 1
    version = session.scalar(sa.select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
                             .order_by(SurveyVersion.version.desc()).limit(1))
    if version.published_at is None:
        version = surveys.publish(session, actor=actor, municipality=municipality, survey_id=survey.id,
                                  number=version.version)
    return version


def _answers(rng: random.Random, mood: float) -> dict[str, int | str | None]:
    """One person's answers: `mood` (1..5) is the court's general level; each item varies around it."""
    answers: dict[str, int | str | None] = {"role": rng.choice(["party", "party", "lawyer", "witness", "family"])}
    for item in courtools.COURT_USERS:
        if item["kind"] != "likert5":
            continue
        if item["code"] == "website" and rng.random() < 0.5:
            answers[item["code"]] = None  # did not use it
            continue
        answers[item["code"]] = max(1, min(5, round(rng.gauss(mood, 1.0))))
    return answers


def load(session: Session, *, actor: Actor, municipality: Municipality, court_ids: list[uuid.UUID]) -> Counter[str]:
    """Publish the two questionnaires and add the demo responses of each court (`actor`: an administrator)."""
    counts: Counter[str] = Counter()
    versions = [_published(session, actor, municipality, key, title, audience, counts)
                for key, title, audience in QUESTIONNAIRES]
    court_users = versions[0]
    for index, court_id in enumerate(sorted(court_ids)):
        rng = random.Random(f"{municipality.code}-{court_id}")
        mood = [3.9, 3.1, 2.6, 3.5][index % 4]
        for number in range(RESPONSES_PER_COURT):
            response_id = uuid.uuid5(NAMESPACE, f"{court_id}-{number}")
            if session.get(SurveyResponse, response_id) is not None:
                counts["unchanged"] += 1
                continue
            session.add(SurveyResponse(id=response_id, municipality_id=municipality.id, version_id=court_users.id,
                                       court_id=court_id, answers=_answers(rng, mood),
                                       collected_on=date(YEAR, 2, 1) + timedelta(days=rng.randrange(300))))
            counts["created"] += 1
    session.flush()
    return counts
