"""The figures of a judge's notebook, computed from adjudicated (gold) annotations only (docs/notebooks.md).

Pure functions over plain values: no session, no model. `server.notebooks.service` gathers the facts of each
ruling (its metadata from server/rulings, its gold from server/annotations) into `RulingFacts` and stores what
`figures()` returns as the notebook's snapshot, so a published notebook never changes under its readers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The 0.975 quantile of the standard normal distribution: a two-sided 95 % interval.
Z95 = 1.959963984540054

# The document question of the seed scheme (server/annotations/seed.py) whose gold answer is the auditors'
# judgement that a ruling departs from the judge's own precedent, and the one that records the outcome.
DEPARTS_QUESTION = "departs_from_own_precedent"
OUTCOME_QUESTION = "outcome"
YES = frozenset({"yes", "si", "sí", True})
NO = frozenset({"no", False})


@dataclass(frozen=True)
class RulingFacts:
    """What a notebook needs to know about one adjudicated ruling."""

    id: str
    ruled_on: date | None
    filed_on: date | None
    matter: str
    outcome: str | None
    kind: str = "sentencia"
    labels: frozenset[str] = field(default_factory=frozenset)  # labels with at least one gold span
    answers: dict[str, Any] = field(default_factory=dict)  # gold document answers: question code -> value


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson's score interval for a proportion (Wilson 1927; Newcombe 1998, method 3): good for small n and
    for rates near 0 or 1, where the normal approximation gives limits outside [0, 1]. None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low, high = centre - half, centre + half
    # Exact limits when p is 0 or 1 (rounding would leave 1e-17 instead of 0).
    return (0.0 if successes == 0 else max(0.0, low), 1.0 if successes == n else min(1.0, high))


def quantile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between order statistics (Hyndman and Fan's type 7, what numpy,
    R and spreadsheets' PERCENTILE.INC compute). None for no values."""
    if not 0 <= q <= 1:
        raise ValueError("q must lie between 0 and 1")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def median(values: Sequence[float]) -> float | None:
    return quantile(values, 0.5)


def rate(successes: int, n: int) -> dict[str, Any]:
    """A proportion as the notebook shows it: count, base, rate and its Wilson 95 % interval."""
    interval = wilson(successes, n)
    return {"count": successes, "n": n, "rate": None if n == 0 else round(successes / n, 4),
            "ci95": None if interval is None else [round(interval[0], 4), round(interval[1], 4)]}


def time_to_ruling(rulings: Iterable[RulingFacts]) -> dict[str, Any]:
    """Days from filing to ruling: median and 90th percentile. Rulings without both dates, or with a ruling
    date before the filing date (a data error to fix in the ruling), are left out and counted."""
    days, missing, inconsistent = [], 0, 0
    for ruling in rulings:
        if ruling.filed_on is None or ruling.ruled_on is None:
            missing += 1
        elif ruling.ruled_on < ruling.filed_on:
            inconsistent += 1
        else:
            days.append((ruling.ruled_on - ruling.filed_on).days)
    mid, p90 = median(days), quantile(days, 0.9)
    return {"n": len(days), "median_days": None if mid is None else round(mid, 1),
            "p90_days": None if p90 is None else round(p90, 1),
            "min_days": min(days, default=None), "max_days": max(days, default=None),
            "left_out_missing_dates": missing, "left_out_inconsistent_dates": inconsistent}


def _quarter(day: date) -> str:
    return f"{day.year}-T{(day.month - 1) // 3 + 1}"


def _month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def line_of_decisions(rulings: Sequence[RulingFacts]) -> dict[str, Any]:
    """Outcomes by matter, overall and over time (by quarter, "2025-T1", and by month, "2025-01"), by the date
    of the ruling. Rulings without a ruling date count in the totals only."""
    by_matter: dict[str, Counter[str]] = {}
    by_quarter: Counter[tuple[str, str, str]] = Counter()
    by_month: Counter[tuple[str, str, str]] = Counter()
    for ruling in rulings:
        outcome = ruling.outcome or "other"
        by_matter.setdefault(ruling.matter, Counter())[outcome] += 1
        if ruling.ruled_on is not None:
            by_quarter[(_quarter(ruling.ruled_on), ruling.matter, outcome)] += 1
            by_month[(_month(ruling.ruled_on), ruling.matter, outcome)] += 1

    def rows(counter: Counter[tuple[str, str, str]]) -> list[dict[str, Any]]:
        return [{"period": p, "matter": m, "outcome": o, "count": c} for (p, m, o), c in sorted(counter.items())]

    return {
        "by_matter": [{"matter": matter, "n": sum(outcomes.values()),
                       "outcomes": [{"outcome": o, "count": c} for o, c in sorted(outcomes.items())]}
                      for matter, outcomes in sorted(by_matter.items())],
        "by_quarter": rows(by_quarter),
        "by_month": rows(by_month),
    }


def defects(rulings: Sequence[RulingFacts], labels: Sequence[str]) -> dict[str, Any]:
    """Reasoning defects by category: rulings with at least one gold span of the label over all the rulings,
    with Wilson intervals; and rulings with at least one defect of any of `labels`."""
    n = len(rulings)
    wanted = set(labels)
    return {
        "by_label": [{"label": label, **rate(sum(1 for r in rulings if label in r.labels), n)} for label in labels],
        "any": rate(sum(1 for r in rulings if r.labels & wanted), n),
    }


def _ordered(rulings: Sequence[RulingFacts]) -> list[RulingFacts]:
    dated = [r for r in rulings if r.ruled_on is not None]
    return sorted(dated, key=lambda r: (r.ruled_on, r.id))


def consistency(rulings: Sequence[RulingFacts], *, earlier: Sequence[RulingFacts] = ()) -> dict[str, Any]:
    """Consistency with the judge's own precedents, two ways (docs/notebooks.md):

    - `follows_modal_outcome`: for each ruling, the judge's rulings of the same matter decided strictly before it
      (those of the period and `earlier` ones) are its precedents; it follows them when its outcome is the most
      frequent outcome among them (any of them on a tie). A ruling with no earlier ruling of its matter, or no
      outcome, cannot be judged and is left out of the base.
    - `departs_by_auditors`: the share of rulings whose adjudicated answer to "departs from own precedent" is yes,
      among those answered yes or no ("not applicable" and unanswered are left out).
    """
    history: dict[str, Counter[str]] = {}
    ids = {r.id for r in rulings}
    follows = judged = 0
    by_matter: dict[str, list[int]] = {}
    for ruling in _ordered(list(earlier) + [r for r in rulings]):
        counter = history.setdefault(ruling.matter, Counter())
        if ruling.id in ids and ruling.outcome is not None and counter:
            top = max(counter.values())
            modal = {outcome for outcome, count in counter.items() if count == top}
            hit = ruling.outcome in modal
            follows += hit
            judged += 1
            tally = by_matter.setdefault(ruling.matter, [0, 0])
            tally[0] += hit
            tally[1] += 1
        if ruling.outcome is not None:
            counter[ruling.outcome] += 1
    yes = no = 0
    for ruling in rulings:
        answer = ruling.answers.get(DEPARTS_QUESTION)
        if isinstance(answer, str):
            answer = answer.strip().lower()
        if answer in YES:
            yes += 1
        elif answer in NO:
            no += 1
    return {
        "follows_modal_outcome": rate(follows, judged),
        "follows_by_matter": [{"matter": matter, **rate(hit, total)}
                              for matter, (hit, total) in sorted(by_matter.items())],
        "departs_by_auditors": rate(yes, yes + no),
    }


def figures(rulings: Sequence[RulingFacts], *, labels: Sequence[str], earlier: Sequence[RulingFacts] = ()
            ) -> dict[str, Any]:
    """Every figure of a notebook, as the JSON snapshot it stores (its shape is documented in docs/notebooks.md).
    `labels`: the codes of the scheme's defect labels, in the scheme's order (each shown even when 0)."""
    kinds = Counter(r.kind for r in rulings)
    return {
        "n_rulings": len(rulings),
        "by_kind": [{"kind": k, "count": c} for k, c in sorted(kinds.items())],
        "line_of_decisions": line_of_decisions(rulings),
        "defects": defects(rulings, labels),
        "time_to_ruling": time_to_ruling(rulings),
        "consistency": consistency(rulings, earlier=earlier),
    }
