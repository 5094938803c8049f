"""The notebook's statistics as pure functions, checked against published worked examples."""

from __future__ import annotations

from datetime import date

import pytest

from server.notebooks.compute import (
    RulingFacts,
    consistency,
    defects,
    figures,
    line_of_decisions,
    median,
    quantile,
    time_to_ruling,
    wilson,
)


@pytest.mark.parametrize("successes,n,low,high", [
    # Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
    # methods", Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score without continuity correction).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
])
def test_wilson_matches_newcombe_1998(successes: int, n: int, low: float, high: float) -> None:
    got = wilson(successes, n)
    assert got is not None
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_wilson_limits_stay_in_zero_one_and_no_base_has_no_interval() -> None:
    assert wilson(0, 1) == (0.0, pytest.approx(0.7935, abs=1e-4))
    assert wilson(1, 1)[1] == 1.0
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_quantiles_interpolate_like_numpy_and_r_type_7() -> None:
    # numpy.percentile([15, 20, 35, 40, 50], 90) == 46.0; R quantile(c(15,20,35,40,50), .9) == 46
    assert quantile([50, 15, 40, 20, 35], 0.9) == pytest.approx(46.0)
    assert quantile(list(range(1, 11)), 0.9) == pytest.approx(9.1)
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None
    assert quantile([7], 0.9) == 7


def _r(id_: str, ruled: date | None, *, filed: date | None = None, matter: str = "civil",
       outcome: str | None = "upheld", labels: frozenset[str] = frozenset(), **answers) -> RulingFacts:
    return RulingFacts(id=id_, ruled_on=ruled, filed_on=filed, matter=matter, outcome=outcome, labels=labels,
                       answers=answers)


def test_time_to_ruling_in_days_leaves_out_missing_and_impossible_dates() -> None:
    rulings = [_r("a", date(2025, 3, 1), filed=date(2025, 1, 1)),   # 59 days
               _r("b", date(2025, 3, 11), filed=date(2025, 3, 1)),  # 10
               _r("c", date(2025, 6, 30), filed=date(2024, 6, 30)),  # 365
               _r("d", date(2025, 1, 1)),                            # no filing date
               _r("e", date(2025, 1, 1), filed=date(2025, 2, 1))]    # ruled before filed
    result = time_to_ruling(rulings)
    assert result["n"] == 3
    assert result["median_days"] == 59
    assert result["p90_days"] == pytest.approx(59 + (365 - 59) * 0.8, abs=0.05)
    assert result["left_out_missing_dates"] == 1
    assert result["left_out_inconsistent_dates"] == 1


def test_defect_rates_count_rulings_not_spans() -> None:
    rulings = [_r("a", date(2025, 1, 1), labels=frozenset({"insufficient"})),
               _r("b", date(2025, 1, 2), labels=frozenset({"insufficient", "apparent"})),
               _r("c", date(2025, 1, 3)),
               _r("d", date(2025, 1, 4), labels=frozenset({"other_label"}))]
    result = defects(rulings, ["apparent", "insufficient", "incongruent"])
    by = {row["label"]: row for row in result["by_label"]}
    assert by["insufficient"]["count"] == 2 and by["insufficient"]["n"] == 4 and by["insufficient"]["rate"] == 0.5
    assert by["insufficient"]["ci95"] == [round(wilson(2, 4)[0], 4), round(wilson(2, 4)[1], 4)]
    assert by["incongruent"]["count"] == 0 and by["incongruent"]["ci95"][0] == 0.0
    assert result["any"]["count"] == 2  # "other_label" is not one of the defects asked for


def test_line_of_decisions_by_matter_quarter_and_month() -> None:
    rulings = [_r("a", date(2025, 1, 15), outcome="upheld"), _r("b", date(2025, 2, 1), outcome="not_upheld"),
               _r("c", date(2025, 4, 2), outcome="upheld"), _r("d", date(2025, 4, 3), matter="labour"),
               _r("e", None, outcome=None)]
    line = line_of_decisions(rulings)
    civil = next(row for row in line["by_matter"] if row["matter"] == "civil")
    assert civil["n"] == 4
    assert {"outcome": "other", "count": 1} in civil["outcomes"]
    assert {"period": "2025-T1", "matter": "civil", "outcome": "upheld", "count": 1} in line["by_quarter"]
    assert {"period": "2025-T2", "matter": "civil", "outcome": "upheld", "count": 1} in line["by_quarter"]
    assert {"period": "2025-02", "matter": "civil", "outcome": "not_upheld", "count": 1} in line["by_month"]
    assert sum(row["count"] for row in line["by_month"]) == 4  # the undated one only in the totals


def test_consistency_follows_the_modal_earlier_outcome_per_matter() -> None:
    rulings = [
        _r("1", date(2025, 1, 1), outcome="upheld"),          # no precedent: not judged
        _r("2", date(2025, 2, 1), outcome="upheld"),          # precedent {upheld}: follows
        _r("3", date(2025, 3, 1), outcome="not_upheld"),      # modal upheld: departs
        _r("4", date(2025, 4, 1), outcome="upheld"),          # modal upheld (2 v 1): follows
        _r("5", date(2025, 5, 1), matter="labour", outcome="upheld"),  # first of its matter
        _r("6", date(2025, 6, 1), matter="labour", outcome="not_upheld"),  # departs
    ]
    result = consistency(rulings)
    assert result["follows_modal_outcome"]["count"] == 2
    assert result["follows_modal_outcome"]["n"] == 4
    assert {"matter": "labour", **result["follows_by_matter"][1]}["count"] == 0


def test_consistency_ties_and_earlier_precedents_outside_the_period() -> None:
    earlier = [_r("e1", date(2024, 5, 1), outcome="not_upheld"), _r("e2", date(2024, 6, 1), outcome="upheld")]
    rulings = [_r("1", date(2025, 1, 1), outcome="upheld"),      # tie {not_upheld, upheld}: follows
               _r("2", date(2025, 2, 1), outcome="not_upheld")]  # modal upheld (2 v 1): departs
    result = consistency(rulings, earlier=earlier)
    assert (result["follows_modal_outcome"]["count"], result["follows_modal_outcome"]["n"]) == (1, 2)


def test_departs_answer_rate_leaves_out_not_applicable() -> None:
    rulings = [_r("1", date(2025, 1, 1), departs_from_own_precedent="yes"),
               _r("2", date(2025, 1, 2), departs_from_own_precedent="no"),
               _r("3", date(2025, 1, 3), departs_from_own_precedent="no"),
               _r("4", date(2025, 1, 4), departs_from_own_precedent="na"),
               _r("5", date(2025, 1, 5))]
    departs = consistency(rulings)["departs_by_auditors"]
    assert (departs["count"], departs["n"], departs["rate"]) == (1, 3, 0.3333)


def test_figures_snapshot_has_every_part() -> None:
    rulings = [_r(str(i), date(2025, 1 + i % 12, 1), filed=date(2024, 12, 1)) for i in range(12)]
    result = figures(rulings, labels=["apparent"])
    assert result["n_rulings"] == 12
    assert set(result) == {"n_rulings", "by_kind", "line_of_decisions", "defects", "time_to_ruling", "consistency"}
