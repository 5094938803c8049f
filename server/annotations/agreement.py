"""Inter-annotator agreement: Cohen's κ, Krippendorff's α (nominal, with missing data), span matching F1, and the
unitising rules that turn two annotators' spans into comparable units (docs/annotations.md, "Agreement").

Pure functions over plain values: the service gathers finished assignments and calls these. Checked in
tests/annotations/test_agreement.py against Krippendorff (2011)'s worked nominal example (α = 0.743), a textbook
Cohen's κ example and the `krippendorff` package on random data.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# What "no value" is in a reliability matrix: the coder did not judge that unit.
MISSING = None


def cohen_kappa(pairs: Iterable[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's κ for two coders, from the (first coder's value, second coder's value) of each unit.

    κ = (p_o − p_e) / (1 − p_e), p_o the share of units where the two agree, p_e the agreement expected from each
    coder's own distribution of values. Units where either value is missing are left out. None when it is
    undefined: no unit, or every unit got one and the same value from both (p_e = 1)."""
    return kappa_of(Counter(pairs))


def kappa_of(tally: Mapping[tuple[Hashable, Hashable], int]) -> float | None:
    """Cohen's κ from how many units got each (first, second) pair of values."""
    kept = {pair: count for pair, count in tally.items() if pair[0] is not MISSING and pair[1] is not MISSING}
    n = sum(kept.values())
    if n == 0:
        return None
    observed = sum(count for (a, b), count in kept.items() if a == b) / n
    first: Counter[Hashable] = Counter()
    second: Counter[Hashable] = Counter()
    for (a, b), count in kept.items():
        first[a] += count
        second[b] += count
    expected = sum(first[value] * second.get(value, 0) for value in first) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def coincidences(units: Iterable[Sequence[Hashable | None]]) -> dict[tuple[Hashable, Hashable], float]:
    """Krippendorff's coincidence matrix o_ck from the values each unit got (one entry per coder, None = missing).

    Each unit with m ≥ 2 values contributes count(c)·(count(k) − [c = k]) / (m − 1) to o_ck; units with fewer
    than two values are not pairable and contribute nothing."""
    return coincidences_of(Counter(tuple(unit) for unit in units))


def coincidences_of(tally: Mapping[tuple[Hashable | None, ...], int]) -> dict[tuple[Hashable, Hashable], float]:
    """The coincidence matrix from how many units got each combination of values (units that got the same
    values contribute the same: they are counted, not walked one by one)."""
    matrix: dict[tuple[Hashable, Hashable], float] = {}
    for unit, weight in tally.items():
        values = Counter(value for value in unit if value is not MISSING)
        m = sum(values.values())
        if m < 2 or not weight:
            continue
        for c, n_c in values.items():
            for k, n_k in values.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[(c, k)] = matrix.get((c, k), 0.0) + weight * pairs / (m - 1)
    return matrix


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's α for nominal values, any number of coders, missing values allowed.

    `units` holds, per unit (a document, a token...), the value each coder gave it, None where a coder gave none.
    α = 1 − D_o / D_e = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, with o the coincidence matrix and n_c its
    margins (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section C). None when it is
    undefined: fewer than two pairable values, or no variation at all (every value the same, D_e = 0)."""
    return alpha_of(Counter(tuple(unit) for unit in units))


def alpha_of(tally: Mapping[tuple[Hashable | None, ...], int]) -> float | None:
    """Krippendorff's α (nominal) from how many units got each combination of values."""
    matrix = coincidences_of(tally)
    margins: Counter[Hashable] = Counter()
    for (c, _k), count in matrix.items():
        margins[c] += count
    n = sum(margins.values())
    if n <= 1:
        return None
    disagreement = sum(count for (c, k), count in matrix.items() if c != k)
    total = sum(margins.values()) ** 2 - sum(value * value for value in margins.values())  # Σ_{c≠k} n_c·n_k
    if total <= 0:
        return None
    return 1 - (n - 1) * disagreement / total


def observed_agreement(pairs: Iterable[tuple[Hashable, Hashable]]) -> float | None:
    """The share of units (both values present) on which two coders agree."""
    return observed_of(Counter(pairs))


def observed_of(tally: Mapping[tuple[Hashable, Hashable], int]) -> float | None:
    kept = {pair: count for pair, count in tally.items() if pair[0] is not MISSING and pair[1] is not MISSING}
    total = sum(kept.values())
    return sum(count for (a, b), count in kept.items() if a == b) / total if total else None


# ------------------------------------------------------------------------------------------------ units

TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[tuple[int, int]]:
    """The word tokens of a text as (start, end) character offsets: the units of span-level agreement.
    Punctuation and spaces are not units, so a span that does or does not take the final full stop is the same."""
    return [(match.start(), match.end()) for match in TOKEN.finditer(text)]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


def token_values(units: Sequence[tuple[int, int]], spans: Iterable[Span], label: str) -> list[bool]:
    """For each token, whether one of the spans with `label` covers any part of it (the overlap rule: a token
    touched by a span of the label is marked with the label)."""
    ranges = sorted((span.start, span.end) for span in spans if span.label == label and span.end > span.start)
    marked: list[bool] = []
    index = 0
    for start, end in units:
        while index < len(ranges) and ranges[index][1] <= start:
            index += 1
        covered = False
        probe = index
        while probe < len(ranges) and ranges[probe][0] < end:
            if ranges[probe][1] > start:
                covered = True
                break
            probe += 1
        marked.append(covered)
    return marked


def marked(units: Sequence[tuple[int, int]], spans: Iterable[Span], label: str) -> set[int]:
    """The indices of the tokens one of the spans with `label` overlaps (by bisection: as token_values, without
    walking the tokens no span touches)."""
    starts = [start for start, _ in units]
    ends = [end for _, end in units]
    found: set[int] = set()
    for span in spans:
        if span.label != label or span.end <= span.start:
            continue
        found.update(range(bisect_right(ends, span.start), bisect_left(starts, span.end)))
    return found


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match_spans(first: Sequence[Span], second: Sequence[Span], *, exact: bool = False) -> int:
    """How many one-to-one pairs of spans with the same label the two sets have: exact = same start and end;
    otherwise (relaxed) the two spans overlap by at least one character. Pairs are taken greedily, largest
    overlap first, so one span never counts twice."""
    candidates = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            if a.label != b.label:
                continue
            if exact:
                if a.start == b.start and a.end == b.end:
                    candidates.append((a.end - a.start, i, j))
            else:
                overlap = _overlap(a, b)
                if overlap > 0:
                    candidates.append((overlap, i, j))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_first: set[int] = set()
    used_second: set[int] = set()
    matched = 0
    for _overlap_size, i, j in candidates:
        if i in used_first or j in used_second:
            continue
        used_first.add(i)
        used_second.add(j)
        matched += 1
    return matched


def f1(matched: int, first: int, second: int) -> float | None:
    """Span matching F1 = 2·matched / (|first| + |second|): symmetric, either annotator may be the reference.
    None when neither marked anything."""
    if first + second == 0:
        return None
    return 2 * matched / (first + second)


# ------------------------------------------------------------------------------------------------ reports


@dataclass
class Figure:
    """One agreement figure over a set of units."""

    units: int
    observed: float | None
    kappa: float | None
    alpha: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"units": self.units, "observed": _round(self.observed), "kappa": _round(self.kappa),
                "alpha": _round(self.alpha)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def figure(rows: Sequence[Sequence[Hashable | None]] | Mapping[tuple, int]) -> Figure:
    """κ over the first two coders of each unit, α over all of them, and the observed agreement; from the rows,
    or from how many units got each row of values."""
    tally = rows if isinstance(rows, Mapping) else Counter(tuple(row) for row in rows)
    pairs: Counter[tuple[Hashable, Hashable]] = Counter()
    pairable = 0
    for row, count in tally.items():
        if len(row) >= 2:
            pairs[(row[0], row[1])] += count
        if sum(1 for value in row if value is not MISSING) >= 2:
            pairable += count
    return Figure(units=pairable, observed=observed_of(pairs), kappa=kappa_of(pairs), alpha=alpha_of(tally))


@dataclass
class Document:
    """One ruling as two (or more) annotators saw it: its text, and per annotator their spans and answers."""

    text: str
    spans: Sequence[Sequence[Span]]  # per annotator
    answers: Sequence[Mapping[str, Any]]  # per annotator


def _hashable(value: Any) -> Hashable | None:
    """An answer as a nominal value: a list (multiple choice, cited precedents) compares as the set of its items."""
    if value is None or value == "" or value == []:
        return MISSING
    if isinstance(value, list):
        return tuple(sorted(str(item).strip().casefold() for item in value))
    if isinstance(value, str):
        return value.strip().casefold()
    return value


def span_agreement(documents: Sequence[Document], labels: Sequence[str]) -> dict[str, Any]:
    """Span-level agreement per label and for the whole scheme.

    Units: the word tokens of every document; per label, each token is "marked" or not by each annotator (a span
    of that label overlapping the token). κ and α per label over those binary values; the scheme's figure pools
    every (token, label) unit. Plus span matching F1 per label and overall, exact and relaxed (overlap)."""
    per_label: dict[str, dict[str, Any]] = {}
    pooled: Counter[tuple] = Counter()
    totals = {"exact": 0, "relaxed": 0, "first": 0, "second": 0}
    units_of: dict[int, list[tuple[int, int]]] = {}
    for label in labels:
        rows: Counter[tuple] = Counter()
        matched_exact = matched_relaxed = count_first = count_second = 0
        for index, document in enumerate(documents):
            if index not in units_of:
                units_of[index] = tokens(document.text)
            units = units_of[index]
            if document.spans:
                sets = [marked(units, spans, label) for spans in document.spans]
                touched = set().union(*sets)
                for token in touched:
                    rows[tuple(token in chosen for chosen in sets)] += 1
                if len(units) > len(touched):
                    rows[(False,) * len(sets)] += len(units) - len(touched)
            if len(document.spans) >= 2:
                first = [span for span in document.spans[0] if span.label == label]
                second = [span for span in document.spans[1] if span.label == label]
                matched_exact += match_spans(first, second, exact=True)
                matched_relaxed += match_spans(first, second)
                count_first += len(first)
                count_second += len(second)
        pooled.update(rows)
        entry = figure(rows).as_dict()
        entry["spans"] = [count_first, count_second]
        entry["f1_exact"] = _round(f1(matched_exact, count_first, count_second))
        entry["f1_relaxed"] = _round(f1(matched_relaxed, count_first, count_second))
        per_label[label] = entry
        totals["exact"] += matched_exact
        totals["relaxed"] += matched_relaxed
        totals["first"] += count_first
        totals["second"] += count_second
    overall = figure(pooled).as_dict()
    overall["f1_exact"] = _round(f1(totals["exact"], totals["first"], totals["second"]))
    overall["f1_relaxed"] = _round(f1(totals["relaxed"], totals["first"], totals["second"]))
    return {"labels": per_label, "scheme": overall}


def document_agreement(documents: Sequence[Document], labels: Sequence[str],
                       questions: Sequence[str]) -> dict[str, Any]:
    """Document-level agreement: per question, the rulings are the units and each annotator's answer the value
    (a missing answer is missing data); per label, whether the annotator marked the label anywhere in the ruling
    (yes/no). The scheme's figure pools every (ruling, question) and (ruling, label) unit."""
    per_question: dict[str, dict[str, Any]] = {}
    per_label: dict[str, dict[str, Any]] = {}
    pooled: list[list[Hashable | None]] = []  # one row per (ruling, question) and (ruling, label): few
    for question in questions:
        rows = [[_hashable(answers.get(question)) for answers in document.answers] for document in documents]
        pooled.extend([[(question, value) if value is not MISSING else MISSING for value in row] for row in rows])
        per_question[question] = figure(rows).as_dict()
    for label in labels:
        rows = [[any(span.label == label for span in spans) for spans in document.spans] for document in documents]
        pooled.extend([[(label, value) for value in row] for row in rows])
        per_label[label] = figure(rows).as_dict()
    return {"questions": per_question, "labels": per_label, "scheme": figure(pooled).as_dict()}
