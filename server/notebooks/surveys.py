"""Surveys of court users and judges: versioned questionnaires (a published version never changes), anonymous
responses (from phones, offline, through the sync intent `survey.respond`) and results per court.

Results per item: the distribution of answers 1..5, the share that agree (4 or 5) with its Wilson interval, and
the mean. The access and fairness indices follow CourTools Measure 1: for each response the mean of its answered
items of the section, then the mean over responses, times 20 (0..100; 100 = everyone strongly agrees with
everything), with the number of responses it rests on (docs/notebooks.md).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.audit import service as audit
from server.auth.actor import Actor, authorize, can, require_user
from server.auth.models import Role
from server.db import utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.i18n import Words
from server.municipalities.models import Municipality
from server.notebooks import courtools
from server.notebooks.compute import rate
from server.notebooks.models import (
    ItemKind,
    Survey,
    SurveyCreate,
    SurveyItem,
    SurveyPublic,
    SurveyResponse,
    SurveyResponseCreate,
    SurveyVersion,
    SurveyVersionCreate,
    SurveyVersionPublic,
)

MANAGE = "rulings.manage"  # who writes questionnaires: those who manage courts, judges and audit projects
# Who may collect responses (push them): the audit team's roles and administrators. The response keeps none of it.
COLLECTORS = (Role.student_auditor, Role.audit_reviewer, Role.admin)
CLOCK_SKEW_DAYS = 1  # a phone's date may run a day ahead (time zones)
SECTIONS = ("access", "fairness")


def _items(items: list[SurveyItem]) -> list[dict[str, Any]]:
    codes = [item.code for item in items]
    errors = []
    for index, item in enumerate(items):
        if codes.index(item.code) != index:
            errors.append({"field": f"items.{index}.code", "code": "survey_item_repeated",
                           "params": {"code": item.code}})
        if item.kind == ItemKind.choice and len(item.options) < 2:
            errors.append({"field": f"items.{index}.options", "code": "survey_item_needs_options",
                           "params": {"code": item.code}})
        if item.kind == ItemKind.likert5 and item.options:
            errors.append({"field": f"items.{index}.options", "code": "survey_item_likert_no_options",
                           "params": {"code": item.code}})
    if errors:
        raise Invalid("survey_definition_invalid", details=errors)
    return [item.model_dump(mode="json") for item in items]


def get_survey(session: Session, *, municipality: Municipality, survey_id: uuid.UUID) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None or survey.municipality_id != municipality.id:
        raise NotFound("survey_not_found")
    return survey


def _versions(session: Session, survey_id: uuid.UUID) -> list[SurveyVersion]:
    return list(session.scalars(sa.select(SurveyVersion).where(SurveyVersion.survey_id == survey_id)
                                .order_by(SurveyVersion.version)))


def public(session: Session, survey: Survey, *, drafts: bool) -> SurveyPublic:
    versions = [v for v in _versions(session, survey.id) if drafts or v.published_at is not None]
    return SurveyPublic(id=survey.id, key=survey.key, title=survey.title, audience=survey.audience,
                        created=survey.created, versions=[SurveyVersionPublic.model_validate(v) for v in versions])


def list_(session: Session, *, actor: Actor, municipality: Municipality) -> list[SurveyPublic]:
    """Every questionnaire with its published versions (drafts too for those who manage them)."""
    drafts = can(actor, MANAGE, municipality.id)
    rows = session.scalars(sa.select(Survey).where(Survey.municipality_id == municipality.id).order_by(Survey.key))
    return [public(session, survey, drafts=drafts) for survey in rows]


def read(session: Session, *, actor: Actor, municipality: Municipality, survey_id: uuid.UUID) -> SurveyPublic:
    survey = get_survey(session, municipality=municipality, survey_id=survey_id)
    return public(session, survey, drafts=can(actor, MANAGE, municipality.id))


def create(session: Session, *, actor: Actor, municipality: Municipality, data: SurveyCreate) -> Survey:
    """A questionnaire with its first version as a draft (by default, the CourTools items for its audience)."""
    authorize(actor, MANAGE, municipality.id)
    items = _items(data.items) if data.items is not None else courtools.default_items(data.audience.value)
    survey = Survey(municipality_id=municipality.id, key=data.key, title=data.title, audience=data.audience)
    try:
        with session.begin_nested():
            session.add(survey)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("survey_key_taken", key=data.key) from exc
    session.add(SurveyVersion(survey_id=survey.id, version=1, items=items))
    session.flush()
    return survey


def add_version(session: Session, *, actor: Actor, municipality: Municipality, survey_id: uuid.UUID,
                data: SurveyVersionCreate) -> SurveyVersion:
    """The next version, as a draft. One draft at a time."""
    authorize(actor, MANAGE, municipality.id)
    survey = get_survey(session, municipality=municipality, survey_id=survey_id)
    items = _items(data.items)
    versions = _versions(session, survey.id)
    if any(v.published_at is None for v in versions):
        raise Conflict("survey_draft_exists")
    version = SurveyVersion(survey_id=survey.id, version=max(v.version for v in versions) + 1, items=items)
    try:
        with session.begin_nested():
            session.add(version)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("survey_draft_exists") from exc
    return version


def _numbered(session: Session, municipality: Municipality, survey_id: uuid.UUID, number: int) -> SurveyVersion:
    survey = get_survey(session, municipality=municipality, survey_id=survey_id)
    version = session.scalar(sa.select(SurveyVersion).where(SurveyVersion.survey_id == survey.id,
                                                            SurveyVersion.version == number).with_for_update())
    if version is None:
        raise NotFound("survey_version_not_found")
    return version


def edit_version(session: Session, *, actor: Actor, municipality: Municipality, survey_id: uuid.UUID,
                 number: int, data: SurveyVersionCreate) -> SurveyVersion:
    authorize(actor, MANAGE, municipality.id)
    version = _numbered(session, municipality, survey_id, number)
    if version.published_at is not None:
        raise Conflict("survey_version_published", version=number)
    version.items = _items(data.items)
    session.flush()
    return version


def publish(session: Session, *, actor: Actor, municipality: Municipality, survey_id: uuid.UUID,
            number: int) -> SurveyVersion:
    authorize(actor, MANAGE, municipality.id)
    version = _numbered(session, municipality, survey_id, number)
    if version.published_at is not None:
        raise Conflict("survey_version_published", version=number)
    version.published_at = utcnow()
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="survey", entity_id=version.survey_id,
                 action="version_published", **audit.who(actor), data={"version": number})
    return version


def published_version(session: Session, *, municipality: Municipality, version_id: uuid.UUID) -> dict | None:
    """A published version with its questionnaire's key, title and audience, as a phone keeps it offline."""
    version = session.get(SurveyVersion, version_id)
    survey = session.get(Survey, version.survey_id) if version is not None else None
    if survey is None or survey.municipality_id != municipality.id or version.published_at is None:
        return None
    return {"survey": {"id": str(survey.id), "key": survey.key, "title": survey.title,
                       "audience": survey.audience},
            **SurveyVersionPublic.model_validate(version).model_dump(mode="json")}


# ------------------------------------------------------------------------------------------------ responses


def court(session: Session, municipality: Municipality, court_id: uuid.UUID, *, field: str = "court_id"):
    """One of this municipality's courts (another municipality's is not found, in the words of `field`)."""
    from server.rulings import service as rulings

    try:
        return rulings.get_court(session, municipality, court_id)
    except NotFound:
        raise Invalid.for_field(field, "court_not_found") from None


def _named(item: dict[str, Any]) -> Words:
    """An item as the person answering reads it (its text in their language, without the final stop), never its
    code."""
    text = item.get("text") or {}
    spanish = (text.get("es") or item["code"]).rstrip(". ")
    return Words(es=spanish, en=(text.get("en") or spanish).rstrip(". "))


def _check_answers(items: list[dict[str, Any]], answers: dict[str, Any]) -> None:
    by_code = {item["code"]: item for item in items}
    errors = []
    for code, value in answers.items():
        item = by_code.get(code)
        if item is None:
            errors.append({"field": f"answers.{code}", "code": "survey_item_unknown", "params": {"code": code}})
        elif value is None:
            continue
        elif item["kind"] == "likert5" and (isinstance(value, bool) or not isinstance(value, int)
                                             or not 1 <= value <= 5):
            errors.append({"field": f"answers.{code}", "code": "survey_answer_likert", "params": {"code": _named(item)}})
        elif item["kind"] == "choice" and (not isinstance(value, str)
                                           or value not in {o["code"] for o in item["options"]}):
            errors.append({"field": f"answers.{code}", "code": "survey_answer_option", "params": {"code": _named(item)}})
    for item in items:
        if item.get("required") and answers.get(item["code"]) is None:
            errors.append({"field": f"answers.{item['code']}", "code": "survey_answer_required",
                           "params": {"code": _named(item)}})
    if errors:
        raise Invalid("survey_answers_invalid", details=errors)


def respond(session: Session, *, actor: Actor, municipality: Municipality,
            data: SurveyResponseCreate) -> tuple[SurveyResponse, bool]:
    """Store one anonymous response; (response, created). The same id with the same content again returns the
    stored one; the same id with anything else is 409 `id_taken`. Collected by the audit team (or an
    administrator); neither the collector nor the device is kept."""
    require_user(actor)
    if not (actor.is_national_admin or actor.has_role(municipality.id, *COLLECTORS)):
        raise Forbidden("survey_collect_forbidden")
    version = session.get(SurveyVersion, data.version_id)
    survey = session.get(Survey, version.survey_id) if version is not None else None
    if survey is None or survey.municipality_id != municipality.id:
        raise Invalid.for_field("version_id", "survey_version_not_found")
    if version.published_at is None:
        raise Invalid.for_field("version_id", "survey_version_draft")
    court(session, municipality, data.court_id)
    if data.collected_on > utcnow().date() + timedelta(days=CLOCK_SKEW_DAYS):
        raise Invalid.for_field("collected_on", "survey_collected_in_future")
    _check_answers(version.items, data.answers)
    record = SurveyResponse(id=data.id, municipality_id=municipality.id, version_id=version.id,
                            court_id=data.court_id, collected_on=data.collected_on, answers=dict(data.answers))
    return client_ids.insert(session, record, data, expected={"municipality_id": municipality.id})


# ------------------------------------------------------------------------------------------------ results


def _section_index(responses: list[dict[str, Any]], codes: list[str]) -> dict[str, Any]:
    means = []
    for answers in responses:
        values = [answers[c] for c in codes if isinstance(answers.get(c), int)]
        if values:
            means.append(sum(values) / len(values))
    return {"n": len(means), "index": None if not means else round(sum(means) / len(means) * 20, 1)}


def summarise(items: list[dict[str, Any]], responses: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-item distributions, agreement and CourTools indices for responses to one version's items."""
    rows = []
    for item in items:
        values = [answers.get(item["code"]) for answers in responses]
        answered = [v for v in values if v is not None]
        row: dict[str, Any] = {"code": item["code"], "section": item["section"], "kind": item["kind"],
                               "text": item["text"], "answered": len(answered),
                               "not_applicable": len(values) - len(answered)}
        if item["kind"] == "likert5":
            counts = Counter(answered)
            row["distribution"] = {str(score): counts.get(score, 0) for score in range(1, 6)}
            row["agree"] = rate(counts.get(4, 0) + counts.get(5, 0), len(answered))
            row["mean"] = None if not answered else round(sum(answered) / len(answered), 2)
        else:
            counts = Counter(answered)
            row["distribution"] = {option["code"]: counts.get(option["code"], 0) for option in item["options"]}
        rows.append(row)
    indices = {section: _section_index(responses, [i["code"] for i in items
                                                   if i["section"] == section and i["kind"] == "likert5"])
               for section in SECTIONS}
    return {"responses": len(responses), "items": rows, "indices": indices}


def results(session: Session, *, municipality: Municipality, court_ids: list[uuid.UUID] | None = None,
            since: date | None = None, until: date | None = None,
            survey_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Results per court and per questionnaire version, for responses collected between `since` and `until`
    (inclusive). Public: responses are anonymous and only counts and shares come out."""
    query = (sa.select(SurveyResponse, SurveyVersion, Survey)
             .join(SurveyVersion, SurveyVersion.id == SurveyResponse.version_id)
             .join(Survey, Survey.id == SurveyVersion.survey_id)
             .where(SurveyResponse.municipality_id == municipality.id))
    if court_ids is not None:
        query = query.where(SurveyResponse.court_id.in_(court_ids))
    if since is not None and until is not None and since > until:
        raise Invalid.for_field("until", "survey_results_period_reversed")
    if since is not None:
        query = query.where(SurveyResponse.collected_on >= since)
    if until is not None:
        query = query.where(SurveyResponse.collected_on <= until)
    if survey_id is not None:
        query = query.where(Survey.id == survey_id)
    groups: dict[tuple[uuid.UUID, uuid.UUID], tuple[Survey, SurveyVersion, list[dict[str, Any]]]] = {}
    for response, version, survey in session.execute(query):
        groups.setdefault((response.court_id, version.id), (survey, version, []))[2].append(response.answers)
    out = []
    for (court_id, _version_id), (survey, version, answers) in sorted(
            groups.items(), key=lambda kv: (str(kv[0][0]), kv[1][0].key, kv[1][1].version)):
        out.append({"court_id": str(court_id), "survey": {"id": str(survey.id), "key": survey.key,
                                                          "title": survey.title, "audience": survey.audience},
                    "version": version.version, "since": since.isoformat() if since else None,
                    "until": until.isoformat() if until else None, **summarise(version.items, answers)})
    return out
