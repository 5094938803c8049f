"""Risk signals of a public work: each one a SQL condition (to filter) and a sentence (to explain), from the
same thresholds, so what the list filters and what the record says never disagree."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from server.i18n import N_, term, translate
from server.works.models import RISK_CODES, Risk, Work  # noqa: F401 (RISK_CODES: read here too)

# Points of difference between the official physical progress and what a committee or citizen observed.
GAP_POINTS = 20.0
# Points by which money paid runs ahead of the work done.
FINANCIAL_AHEAD_POINTS = 20.0
# Days without physical progress, past the planned end, while the work is in implementation.
STALL_DAYS = 60
# Growth of the contract value over the original; 25 % is the ceiling for modifying agreements
# without a new contract in Mexico's public works law (LOPSRM, art. 59), so past it the signal is high.
COST_GROWTH_PCT = 10.0
COST_GROWTH_HIGH_PCT = 25.0


# Each signal explained in one sentence: catalogue entries risk_<code>; who observed, risk_who_<source>.
MESSAGES = {"progress_gap": N_("risk_progress_gap"), "financial_ahead": N_("risk_financial_ahead"),
            "stalled": N_("risk_stalled"), "cost_growth": N_("risk_cost_growth")}
WHO = {"committee": N_("risk_who_committee"), "citizen": N_("risk_who_citizen")}


def _stall_reference(work: Work) -> date | None:
    return work.last_progress_on or work.actual_start or work.planned_start or work.planned_end


def evaluate(work: Work, *, today: date, language: str = "es") -> list[Risk]:
    """The risk signals that apply to `work` today, each explained in one sentence."""
    risks: list[Risk] = []
    lang = language
    official, observed = work.physical_official_pct, work.physical_observed_pct
    if official is not None and observed is not None and official - observed >= GAP_POINTS:
        gap = official - observed
        who = term(WHO.get(work.physical_observed_source or "citizen", WHO["citizen"]))
        risks.append(_risk("progress_gap", "high" if gap >= 2 * GAP_POINTS else "medium", gap, lang,
                           official=official, observed=observed, who=who))
    financial, physical = work.financial_official_pct, work.physical_official_pct
    if financial is not None and physical is not None and financial - physical >= FINANCIAL_AHEAD_POINTS:
        ahead = financial - physical
        risks.append(_risk("financial_ahead", "high" if ahead >= 2 * FINANCIAL_AHEAD_POINTS else "medium", ahead,
                           lang, financial=financial, physical=physical))
    reference = _stall_reference(work)
    if (
        work.status == "implementation"
        and work.planned_end is not None
        and work.planned_end < today
        and reference is not None
        and (today - reference).days >= STALL_DAYS
    ):
        days = (today - reference).days
        risks.append(_risk("stalled", "high" if days >= 3 * STALL_DAYS else "medium", days, lang,
                           planned_end=work.planned_end.isoformat()))
    original, current = work.contract_value, work.current_contract_value
    if original and current is not None and original > 0:
        growth = float((current - original) / original * 100)
        if growth > COST_GROWTH_PCT:
            risks.append(_risk("cost_growth", "high" if growth > COST_GROWTH_HIGH_PCT else "medium", growth, lang,
                               original=f"{original:,.2f}", current=f"{current:,.2f}", currency=work.currency))
    return risks


def _risk(code: str, severity: str, value: float, lang: str, **params: Any) -> Risk:
    return Risk(code=code, severity=severity, value=round(float(value), 1),
                message=translate(MESSAGES[code], lang, value=value, **params))


def condition(code: str, *, today: date) -> sa.ColumnElement[bool]:
    """The SQL condition that selects the works showing risk `code` today (same thresholds as evaluate)."""
    if code == "progress_gap":
        return sa.and_(
            Work.physical_official_pct.is_not(None),
            Work.physical_observed_pct.is_not(None),
            Work.physical_official_pct - Work.physical_observed_pct >= GAP_POINTS,
        )
    if code == "financial_ahead":
        return sa.and_(
            Work.financial_official_pct.is_not(None),
            Work.physical_official_pct.is_not(None),
            Work.financial_official_pct - Work.physical_official_pct >= FINANCIAL_AHEAD_POINTS,
        )
    if code == "stalled":
        cutoff = today - timedelta(days=STALL_DAYS)
        reference = sa.func.coalesce(Work.last_progress_on, Work.actual_start, Work.planned_start, Work.planned_end)
        return sa.and_(
            Work.status == "implementation",
            Work.planned_end.is_not(None),
            Work.planned_end < today,
            reference <= cutoff,
        )
    if code == "cost_growth":
        return sa.and_(
            Work.contract_value > 0,
            Work.current_contract_value.is_not(None),
            Work.current_contract_value * 100 > Work.contract_value * (100 + COST_GROWTH_PCT),
        )
    raise ValueError(code)
