"""Notebooks: compute one (a snapshot of figures from adjudicated annotations), review, publish, withdraw; the
judge's reply through a one-time invitation; the views the team and the public read (docs/notebooks.md).

Who does what: the project's reviewers and coordinators (and municipal or national administrators) compute,
review, publish, withdraw and invite the judge; the whole team reads every state; the public reads published and
withdrawn notebooks, and sees a notebook's figures only when it covers at least VIGIA_NOTEBOOK_MIN_RULINGS
adjudicated rulings.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.audit import service as audit
from server.auth.actor import Actor, require_user
from server.config import get_settings
from server.db import utcnow
from server.errors import AppError, Conflict, Invalid, NotFound
from server.i18n import Language, Term, term, translate
from server.municipalities.models import Municipality
from server.notebooks import compute
from server.notebooks import replies as reply_versions
from server.notebooks.models import (
    InvitationCreate,
    Notebook,
    NotebookCreate,
    NotebookReply,
    NotebookState,
    ReplyCreate,
    ReplyInvitation,
)

# The defect labels of the seed scheme (server/annotations/seed.py), in its order: what a notebook with no
# adjudicated ruling lists (with one, the labels of the gold's scheme versions, each shown even when 0).
SEED_LABELS = ("apparent_reasoning", "internal_reasoning", "external_justification", "insufficient_reasoning",
               "incongruent_reasoning")
MANAGERS = ("reviewer", "coordinator")
EARLIEST = date(1900, 1, 1)


def min_rulings() -> int:
    return get_settings().vigia_notebook_min_rulings


# ------------------------------------------------------------------------------------------------ access


def _rulings():
    from server.rulings import service as rulings

    return rulings


def _require_manager(session: Session, project: Any, actor: Actor) -> None:
    from server.rulings.codelists import TeamRole

    _rulings().require_team(session, project, actor, TeamRole.reviewer, TeamRole.coordinator)


def require_manager(session: Session, notebook: Notebook, actor: Actor, municipality: Municipality) -> None:
    """403 unless the caller is a reviewer or coordinator of the notebook's project (or an administrator); a
    draft or reviewed notebook is 404 notebook_not_found for whoever is not in the team, as when reading it."""
    require_user(actor)
    project = _rulings().get_project(session, municipality, notebook.project_id)
    if notebook.state not in (NotebookState.published, NotebookState.withdrawn) and not sees_internal(
            session, project, actor):
        raise NotFound("notebook_not_found")
    _require_manager(session, project, actor)


def sees_internal(session: Session, project: Any, actor: Actor) -> bool:
    return actor.is_authenticated and _rulings().sees_team_data(session, project, actor)


def get(session: Session, *, municipality: Municipality, notebook_id: uuid.UUID) -> Notebook:
    notebook = session.get(Notebook, notebook_id)
    if notebook is None or notebook.municipality_id != municipality.id:
        raise NotFound("notebook_not_found")
    return notebook


def readable(session: Session, *, actor: Actor, municipality: Municipality, notebook_id: uuid.UUID
             ) -> tuple[Notebook, bool]:
    """The notebook and whether the caller reads it as the team (every state, figures always). The public
    reads published and withdrawn notebooks; a draft is not found for it."""
    notebook = get(session, municipality=municipality, notebook_id=notebook_id)
    project = _rulings().get_project(session, municipality, notebook.project_id)
    internal = sees_internal(session, project, actor)
    if not internal and notebook.state not in (NotebookState.published, NotebookState.withdrawn):
        raise NotFound("notebook_not_found")
    return notebook, internal


def _managed(session: Session, actor: Actor, municipality: Municipality, notebook_id: uuid.UUID,
             version: int) -> Notebook:
    """The notebook locked for a workflow step, once the caller may take it (require_manager): before any lock is
    taken or any version compared."""
    require_manager(session, get(session, municipality=municipality, notebook_id=notebook_id), actor, municipality)
    return _locked(session, municipality, notebook_id, version)


def _locked(session: Session, municipality: Municipality, notebook_id: uuid.UUID, version: int) -> Notebook:
    notebook = get(session, municipality=municipality, notebook_id=notebook_id)
    session.refresh(notebook, with_for_update=True)
    if notebook.version != version:
        raise Conflict("notebook_version_stale", details=[{"field": "version", "code": "notebook_version_stale"}],
                       current=notebook.version)
    return notebook


# ------------------------------------------------------------------------------------------------ compute


def _code(value: Any) -> str | None:
    """A codelist value as its code, whether the ORM gives the enum member or the stored string."""
    return None if value is None else str(getattr(value, "value", value))


def _facts(session: Session, rulings: list[Any]) -> tuple[list[compute.RulingFacts], list[str]]:
    """The adjudicated rulings among `rulings` as facts, and the scheme's defect labels."""
    from server.annotations import schemes
    from server.annotations import service as annotations

    gold = annotations.gold_for_rulings(session, [r.id for r in rulings])
    labels: list[str] = []
    for version_id in dict.fromkeys(view.scheme_version_id for view in gold.values()):  # in first-seen order
        labels += [code for code in schemes.scheme_labels(session, version_id) if code not in labels]
    if not labels:
        labels = list(SEED_LABELS)
    facts = []
    for ruling in rulings:
        view = gold.get(ruling.id)
        if view is None:
            continue
        answers = dict(getattr(view, "answers", {}) or {})
        outcome = answers.get(compute.OUTCOME_QUESTION) or _code(ruling.outcome)
        found = {label for label in (getattr(view, "labels", None) or set())}
        for label in sorted(found - set(labels)):
            labels.append(label)
        facts.append(compute.RulingFacts(
            id=str(ruling.id), ruled_on=ruling.ruled_on, filed_on=ruling.filed_on,
            matter=_code(ruling.matter), outcome=outcome, kind=_code(ruling.kind), labels=frozenset(found),
            answers=answers))
    return facts, labels


def build_figures(session: Session, *, project_id: uuid.UUID, judge_id: uuid.UUID, starts_on: date,
                  ends_on: date) -> dict[str, Any]:
    """The figures of one judge's notebook: the project's adjudicated rulings the judge signed in the period
    (and, as precedents for consistency, the judge's adjudicated rulings of the project before it)."""
    rulings = _rulings()
    in_period = [r for r in rulings.rulings_of_judge(session, judge_id, starts_on, ends_on)
                 if r.project_id == project_id]
    before = [r for r in rulings.rulings_of_judge(session, judge_id, EARLIEST, starts_on - timedelta(days=1))
              if r.project_id == project_id]
    facts, labels = _facts(session, in_period)
    earlier, _ = _facts(session, before)
    adjudicated = {f.id for f in facts}
    result = compute.figures(facts, labels=labels, earlier=earlier)
    result["rulings_in_period"] = len(in_period)
    result["rulings_without_adjudication"] = len(in_period) - len(facts)
    result["court_ids"] = sorted({str(r.court_id) for r in in_period if str(r.id) in adjudicated})
    result["ruling_ids"] = [str(r.id) for r in in_period if str(r.id) in adjudicated]
    return result


def compute_notebook(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                     data: NotebookCreate) -> tuple[Notebook, bool]:
    """Compute (or recompute) a judge's notebook for a period of the project: (notebook, created). Recomputing
    a draft, reviewed or withdrawn notebook makes it a draft again with the new figures; a published one must
    be withdrawn first (409), so what the public read is never changed silently."""
    require_user(actor)
    rulings = _rulings()
    project = rulings.get_project(session, municipality, project_id)
    _require_manager(session, project, actor)
    try:
        judge = rulings.get_judge(session, municipality, data.judge_id)
    except NotFound:
        raise Invalid.for_field("judge_id", "judge_not_found") from None
    starts_on = data.period_starts_on or project.period_starts_on
    ends_on = data.period_ends_on or project.period_ends_on
    if ends_on < starts_on:
        raise Invalid.for_field("period_ends_on", "notebook_period_reversed")
    # Within the project's period only: its rulings were gathered for that period (1900–9999 is not a period).
    for field, day in (("period_starts_on", starts_on), ("period_ends_on", ends_on)):
        if not project.period_starts_on <= day <= project.period_ends_on:
            raise Invalid.for_field(field, "notebook_period_outside_project", since=_date_term(project.period_starts_on),
                                    until=_date_term(project.period_ends_on))
    figures = build_figures(session, project_id=project.id, judge_id=judge.id, starts_on=starts_on,
                            ends_on=ends_on)
    notebook = session.scalar(sa.select(Notebook).where(
        Notebook.project_id == project.id, Notebook.judge_id == judge.id, Notebook.period_starts_on == starts_on,
        Notebook.period_ends_on == ends_on).with_for_update())
    created = notebook is None
    if notebook is None:
        notebook = Notebook(municipality_id=municipality.id, project_id=project.id, judge_id=judge.id,
                            period_starts_on=starts_on, period_ends_on=ends_on, created_by=actor.user_id)
        try:
            with session.begin_nested():
                session.add(notebook)
                session.flush()
        except sa.exc.IntegrityError as exc:  # computed twice at once: the unique key decided
            raise Conflict("notebook_busy") from exc
    elif notebook.state == NotebookState.published:
        raise Conflict("notebook_published_recompute")
    else:
        notebook.version += 1
    notebook.state = NotebookState.draft
    notebook.figures = figures
    notebook.n_rulings = figures["n_rulings"]
    notebook.computed_at = utcnow()
    notebook.reviewed_by = notebook.reviewed_at = notebook.review_note = None
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="notebook", entity_id=notebook.id,
                 action="computed", **audit.who(actor),
                 data={"judge_id": str(judge.id), "period": [starts_on.isoformat(), ends_on.isoformat()],
                       "n_rulings": notebook.n_rulings, "version": notebook.version})
    return notebook, created


# ------------------------------------------------------------------------------------------------ workflow


def review(session: Session, *, actor: Actor, municipality: Municipality, notebook_id: uuid.UUID, version: int,
           note: str | None) -> Notebook:
    """A reviewer checked the figures: draft -> reviewed."""
    notebook = _managed(session, actor, municipality, notebook_id, version)
    if notebook.state != NotebookState.draft:
        raise Conflict("notebook_not_draft")
    notebook.state = NotebookState.reviewed
    notebook.reviewed_by, notebook.reviewed_at, notebook.review_note = actor.user_id, utcnow(), note
    notebook.version += 1
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="notebook", entity_id=notebook.id,
                 action="reviewed", **audit.who(actor), data={"version": notebook.version})
    return notebook


def publish(session: Session, *, actor: Actor, municipality: Municipality, notebook_id: uuid.UUID,
            version: int) -> Notebook:
    """reviewed -> published. Below the minimum number of rulings it is published withheld: the public sees
    that it exists and why its figures are not shown."""
    notebook = _managed(session, actor, municipality, notebook_id, version)
    if notebook.state != NotebookState.reviewed:
        raise Conflict("notebook_not_reviewed")
    notebook.state = NotebookState.published
    notebook.published_at = utcnow()
    notebook.withdrawn_at = notebook.withdrawn_reason = None
    notebook.version += 1
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="notebook", entity_id=notebook.id,
                 action="published", **audit.who(actor),
                 data={"version": notebook.version, "n_rulings": notebook.n_rulings,
                       "withheld": notebook.n_rulings < min_rulings()})
    return notebook


def withdraw(session: Session, *, actor: Actor, municipality: Municipality, notebook_id: uuid.UUID, version: int,
             reason: str) -> Notebook:
    """published -> withdrawn, with a reason the public reads."""
    notebook = _managed(session, actor, municipality, notebook_id, version)
    if notebook.state != NotebookState.published:
        raise Conflict("notebook_not_published")
    notebook.state = NotebookState.withdrawn
    notebook.withdrawn_at, notebook.withdrawn_reason = utcnow(), reason
    notebook.version += 1
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="notebook", entity_id=notebook.id,
                 action="withdrawn", **audit.who(actor), data={"version": notebook.version, "reason": reason})
    return notebook


# ------------------------------------------------------------------------------------------------ reply


def invite(session: Session, *, actor: Actor, municipality: Municipality, notebook_id: uuid.UUID,
           data: InvitationCreate) -> tuple[ReplyInvitation, str]:
    """A one-time secret for the judge (server.notebooks.replies.invite), by the project's reviewers."""
    notebook = get(session, municipality=municipality, notebook_id=notebook_id)
    require_manager(session, notebook, actor, municipality)
    return reply_versions.invite(session, actor=actor, municipality=municipality, notebook=notebook, data=data)


def reply(session: Session, *, municipality: Municipality, notebook_id: uuid.UUID, data: ReplyCreate
          ) -> NotebookReply:
    """The judge's reply with the invitation's secret (server.notebooks.replies.reply); no account."""
    notebook = get(session, municipality=municipality, notebook_id=notebook_id)
    return reply_versions.reply(session, municipality=municipality, notebook=notebook, data=data)


# ------------------------------------------------------------------------------------------------ views


def list_(session: Session, *, actor: Actor, municipality: Municipality, state: NotebookState | None = None,
          judge_id: uuid.UUID | None = None, project_id: uuid.UUID | None = None) -> list[tuple[Notebook, bool]]:
    """Notebooks the caller may read: published and withdrawn ones for everyone, every state of the projects
    whose team the caller is in (or all, for administrators)."""
    query = sa.select(Notebook).where(Notebook.municipality_id == municipality.id)
    if state is not None:
        query = query.where(Notebook.state == state)
    if judge_id is not None:
        query = query.where(Notebook.judge_id == judge_id)
    if project_id is not None:
        query = query.where(Notebook.project_id == project_id)
    out, projects = [], {}
    for notebook in session.scalars(query.order_by(Notebook.period_starts_on.desc(), Notebook.id)):
        if notebook.project_id not in projects:
            project = _rulings().get_project(session, municipality, notebook.project_id)
            projects[notebook.project_id] = sees_internal(session, project, actor)
        internal = projects[notebook.project_id]
        if internal or notebook.state in (NotebookState.published, NotebookState.withdrawn):
            out.append((notebook, internal))
    return out


def _date_term(day: date) -> Term:
    """A date in the reader's words ("1 de enero de 2025"), for a message's parameter."""
    return term("report_date", day=day.day, month=term(f"report_month_{day.month}"), year=day.year)


def _date(day: date, language: Language) -> str:
    return translate("report_date", language, day=day.day, month=translate(f"report_month_{day.month}", language),
                     year=day.year)


def view(session: Session, notebook: Notebook, *, internal: bool, language: Language,
         municipality: Municipality) -> dict[str, Any]:
    """The notebook as JSON (and the page's content): for the public, figures only when published with at least
    the minimum of rulings; the words say why not otherwise. Survey results of the judge's courts for the
    period are crossed in (server.notebooks.surveys)."""
    from server.notebooks import surveys

    rulings = _rulings()
    judge = rulings.get_judge(session, municipality, notebook.judge_id)
    project = rulings.get_project(session, municipality, notebook.project_id)
    minimum = min_rulings()
    state = NotebookState(notebook.state)
    withheld_reason = None
    if state == NotebookState.withdrawn:
        withheld_reason = translate("notebook_withheld_withdrawn", language, reason=notebook.withdrawn_reason or "")
    elif notebook.n_rulings < minimum:
        withheld_reason = translate("notebook_withheld_below_minimum", language, n=notebook.n_rulings,
                                    minimum=minimum)
    shows = internal or (state == NotebookState.published and withheld_reason is None)
    court_ids = [uuid.UUID(c) for c in notebook.figures.get("court_ids", [])]
    courts = []
    for court_id in court_ids:
        try:
            court = rulings.get_court(session, municipality, court_id)
        except AppError:
            continue
        courts.append({"id": str(court.id), "name": court.name})
    survey_results = surveys.results(session, municipality=municipality, court_ids=court_ids,
                                     since=notebook.period_starts_on, until=notebook.period_ends_on) \
        if court_ids else []
    figures = None
    if shows:
        figures = {k: v for k, v in notebook.figures.items() if internal or k != "ruling_ids"}
    return {
        "id": str(notebook.id),
        "municipality": {"code": municipality.code, "name": municipality.name},
        "project": {"id": str(project.id), "name": project.name},
        "judge": {"id": str(judge.id), "full_name": judge.full_name, "title": judge.title},
        "courts": courts,
        "period": {"starts_on": notebook.period_starts_on.isoformat(), "ends_on": notebook.period_ends_on.isoformat(),
                   "text": translate("report_period", language, since=_date(notebook.period_starts_on, language),
                                     until=_date(notebook.period_ends_on, language))},
        "state": state.value,
        "state_label": translate(f"notebook_state_{state.value}", language),
        "language": language,
        "internal": internal,
        "n_rulings": notebook.n_rulings,
        "min_rulings": minimum,
        "withheld": withheld_reason is not None,
        "withheld_reason": withheld_reason,
        "figures": figures,
        "computed_at": notebook.computed_at.isoformat(),
        "reviewed_at": notebook.reviewed_at.isoformat() if notebook.reviewed_at else None,
        "review_note": notebook.review_note if internal else None,
        "published_at": notebook.published_at.isoformat() if notebook.published_at else None,
        "withdrawn_at": notebook.withdrawn_at.isoformat() if notebook.withdrawn_at else None,
        "withdrawn_reason": notebook.withdrawn_reason,
        "version": notebook.version,
        "replies": [{"number": r.number, "signed_as": r.signed_as, "text": r.text,
                     "created_at": r.created_at.isoformat()} for r in reply_versions.replies(session, notebook.id)],
        "surveys": survey_results,  # public whatever the notebook's state: anonymous counts and shares only
    }
