"""Agreement figures against published worked examples and the `krippendorff` package (no database)."""

from __future__ import annotations

import random
from collections import Counter

import krippendorff
import numpy as np
import pytest

from server.annotations.agreement import (
    Document,
    Span,
    cohen_kappa,
    document_agreement,
    figure,
    krippendorff_alpha,
    marked,
    match_spans,
    span_agreement,
    token_values,
    tokens,
)

N = None


def test_krippendorff_2011_nominal_example_with_missing_data():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units,
    nominal values with missing data: α = 0.743."""
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
    units = list(zip(*observers))
    assert round(krippendorff_alpha(units), 3) == 0.743


def test_krippendorff_2011_binary_two_observers():
    """Krippendorff (2011), section A: two observers, binary values, ten units: α = 0.095."""
    first = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    second = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha(list(zip(first, second))), 3) == 0.095


@pytest.mark.parametrize(("yes_yes", "yes_no", "no_yes", "no_no", "kappa"), [
    (20, 5, 10, 15, 0.4),  # 50 grant proposals read by two readers: p_o = 0.70, p_e = 0.50
    (45, 15, 25, 15, 0.1304),  # same observed agreement (0.60), different marginals: p_e = 0.54
    (25, 35, 5, 35, 0.2593),  # p_e = 0.46
])
def test_cohen_kappa_textbook_examples(yes_yes, yes_no, no_yes, no_no, kappa):
    """The 2×2 tables of the standard presentation of Cohen's κ (e.g. Wikipedia, "Cohen's kappa", examples)."""
    pairs = [("yes", "yes")] * yes_yes + [("yes", "no")] * yes_no + [("no", "yes")] * no_yes + [("no", "no")] * no_no
    assert round(cohen_kappa(pairs), 4) == kappa


def test_cohen_kappa_three_categories_by_hand():
    # p_o = 7/10; first: a5 b3 c2, second: a4 b4 c2 → p_e = (20 + 12 + 4) / 100 = 0.36; κ = 0.34 / 0.64
    pairs = [("a", "a")] * 4 + [("a", "b")] + [("b", "b")] * 2 + [("b", "c")] + [("c", "c")] + [("c", "b")]
    assert cohen_kappa(pairs) == pytest.approx(0.34 / 0.64)


def test_undefined_figures_are_none_not_a_number():
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # no variation: p_e = 1
    assert cohen_kappa([("a", None), (None, "b")]) is None  # nothing pairable
    assert krippendorff_alpha([]) is None
    assert krippendorff_alpha([("a", "a"), ("a", "a")]) is None
    assert krippendorff_alpha([("a", None), ("b", None)]) is None
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert krippendorff_alpha([("a", "a"), ("b", "b")]) == 1.0


@pytest.mark.parametrize("seed", range(25))
def test_alpha_equals_the_krippendorff_package_on_random_data(seed):
    rng = random.Random(seed)
    coders = rng.randint(2, 5)
    units = rng.randint(5, 60)
    categories = rng.randint(2, 6)
    missing = rng.choice([0.0, 0.1, 0.3])
    matrix = [[rng.randint(1, categories) if rng.random() >= missing else None for _ in range(units)]
              for _ in range(coders)]
    ours = krippendorff_alpha(list(zip(*matrix)))
    data = np.array([[np.nan if value is None else value for value in row] for row in matrix], dtype=float)
    try:
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # the package refuses data with a single value; ours says undefined
        assert ours is None
        return
    if ours is None:
        assert np.isnan(theirs) or theirs is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_alpha_labels_may_be_any_hashable_value():
    units = [("fundada", "fundada"), ("infundada", "fundada"), ("nula", "nula"), ("fundada", "fundada")]
    numbers = [(1, 1), (2, 1), (3, 3), (1, 1)]
    assert krippendorff_alpha(units) == pytest.approx(krippendorff_alpha(numbers))


def test_tokens_are_words_and_a_span_marks_every_token_it_touches():
    text = "El juez no motivó. La sentencia, sin embargo, resolvió."
    units = tokens(text)
    assert [text[s:e] for s, e in units][:4] == ["El", "juez", "no", "motivó"]
    # a span from the middle of "juez" to just past "no" marks "juez" and "no"
    marked = token_values(units, [Span(5, 10, "x"), Span(0, 2, "other")], "x")
    assert marked[:4] == [False, True, True, False]
    assert not any(marked[4:])


def test_span_matching_is_one_to_one_and_by_label():
    first = [Span(0, 10, "a"), Span(20, 30, "a"), Span(40, 50, "b")]
    second = [Span(0, 10, "a"), Span(5, 25, "a"), Span(40, 50, "a")]
    assert match_spans(first, second, exact=True) == 1
    assert match_spans(first, second) == 2  # (0,10)↔(0,10) and (20,30)↔(5,25); the b span has no partner
    assert match_spans([Span(0, 10, "a")], [Span(0, 3, "a"), Span(4, 10, "a")]) == 1


def test_span_and_document_agreement_by_hand():
    text = "uno dos tres cuatro cinco seis siete ocho"  # 8 tokens
    first = [Span(0, 7, "apparent"), Span(26, 30, "insufficient")]  # uno dos | seis
    second = [Span(4, 12, "apparent"), Span(26, 30, "insufficient")]  # dos tres | seis
    documents = [Document(text=text, spans=[first, second],
                          answers=[{"outcome": "upheld", "precedents": ["A", "b"]},
                                   {"outcome": "upheld", "precedents": ["B", "a"]}]),
                 Document(text=text, spans=[[], [Span(0, 3, "apparent")]],
                          answers=[{"outcome": "not_upheld"}, {"outcome": "upheld"}])]
    spans = span_agreement(documents, ["apparent", "insufficient"])
    apparent = spans["labels"]["apparent"]
    assert apparent["units"] == 16
    # tokens of "apparent": doc 1 (T,F) (T,T) (F,T) + 5 × (F,F); doc 2 (F,T) + 7 × (F,F) → observed 13/16
    assert apparent["observed"] == round(13 / 16, 4)
    assert apparent["alpha"] == round(krippendorff_alpha(
        [(True, False), (True, True), (False, True)] + [(False, False)] * 5 + [(False, True)]
        + [(False, False)] * 7), 4)
    assert apparent["f1_exact"] == 0.0 and apparent["f1_relaxed"] == round(2 * 1 / 3, 4)
    assert spans["labels"]["insufficient"]["f1_exact"] == 1.0
    assert spans["labels"]["insufficient"]["kappa"] == 1.0
    assert spans["scheme"]["units"] == 32
    documents_level = document_agreement(documents, ["apparent", "insufficient"], ["outcome", "precedents"])
    assert documents_level["questions"]["outcome"]["observed"] == 0.5
    assert documents_level["questions"]["precedents"]["units"] == 1  # one ruling has both answers: a set, any case
    assert documents_level["questions"]["precedents"]["observed"] == 1.0
    assert documents_level["labels"]["apparent"]["observed"] == 0.5  # both marked it in ruling 1, only one in 2


def test_marking_by_bisection_equals_walking_every_token():
    rng = random.Random(7)
    text = " ".join(rng.choice(["el", "juez", "no", "motivó,", "la", "sentencia.", "(prueba)"]) for _ in range(400))
    units = tokens(text)
    for _ in range(50):
        spans = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randrange(0, len(text) - 1)
            spans.append(Span(start, min(len(text), start + rng.randint(1, 120)), rng.choice("ab")))
        for label in "ab":
            walked = {index for index, value in enumerate(token_values(units, spans, label)) if value}
            assert marked(units, spans, label) == walked


def test_counted_rows_give_the_same_figures_as_listed_rows():
    rows = [("a", "a"), ("a", "b"), ("b", "b"), ("a", "a"), (None, "b"), ("b", "b")]
    listed = figure(rows)
    counted = figure(Counter(rows))
    assert (listed.units, listed.observed, listed.kappa, listed.alpha) == (
        counted.units, counted.observed, counted.kappa, counted.alpha)
