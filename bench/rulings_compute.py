"""Agreement and notebook computation at the size of a year of a social audit of the judiciary: 60 judges × 200
rulings × 20 annotations per ruling (two annotators, 10 spans each), synthetic, seed fixed.

    .venv/bin/python bench/rulings_compute.py                      # 60 judges × 200 rulings, 900-word rulings
    .venv/bin/python bench/rulings_compute.py --judges 5 --words 400

It times, in this process and without a database (the computations are pure functions; their inputs are a
few indexed reads per ruling):

- **span agreement** (server.annotations.agreement.span_agreement): per judge, κ and α per label over word tokens
  and span-matching F1 (with `--whole`, also over all 12,000 rulings at once: a whole project);
- **document agreement** (document_agreement): per question and per label, per judge and for everything;
- **notebook** (server.notebooks.compute.figures): every figure of one judge's notebook from the gold of its
  200 rulings (rates with Wilson intervals, median/p90 time to ruling, consistency with own precedents, line of
  decisions), for the 60 judges.

Results and their reading: docs/performance.md ("Rulings: agreement and notebooks").
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from server.annotations.agreement import Document, Span, document_agreement, span_agreement
from server.notebooks.compute import RulingFacts, figures

LABELS = ["apparent_reasoning", "internal_reasoning", "external_justification", "insufficient_reasoning",
          "incongruent_reasoning"]
QUESTIONS = ["outcome", "time_to_ruling_reasonable", "departs_from_own_precedent"]
MATTERS = ["civil", "family", "labour", "criminal"]
OUTCOMES = ["upheld", "partially_upheld", "not_upheld", "inadmissible"]
WORDS = ("considerando que el demandado no acreditó la existencia del vínculo laboral conforme al artículo "
         "del código procesal civil y la jurisprudencia vinculante de la corte suprema").split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _spans(rng: random.Random, length: int, count: int) -> list[Span]:
    spans = []
    for _ in range(count):
        start = rng.randrange(0, max(1, length - 400))
        spans.append(Span(start, start + rng.randrange(40, 400), rng.choice(LABELS)))
    return spans


def _second(rng: random.Random, first: list[Span], length: int) -> list[Span]:
    """The second annotator: agrees on ~75 % of the spans (shifted a little), marks the rest elsewhere."""
    out = []
    for span in first:
        if rng.random() < 0.75:
            shift = rng.randrange(-20, 21)
            out.append(Span(max(0, span.start + shift), min(length, span.end + shift), span.label))
        else:
            out += _spans(rng, length, 1)
    return out


def _answers(rng: random.Random) -> dict:
    return {"outcome": rng.choice(OUTCOMES), "time_to_ruling_reasonable": rng.random() < 0.7,
            "departs_from_own_precedent": rng.choice(["yes", "no", "no", "no", "not_applicable"])}


def synthetic(judges: int, rulings: int, words: int, spans: int, seed: int = 20250101):
    """Per judge: the documents as the two annotators left them, and the gold facts of each ruling."""
    rng = random.Random(seed)
    texts = [_text(rng, words) for _ in range(20)]  # reused: text generation is not what is measured
    per_judge = []
    for judge in range(judges):
        documents, facts = [], []
        for number in range(rulings):
            text = rng.choice(texts)
            first = _spans(rng, len(text), spans)
            second = _second(rng, first, len(text))
            first_answers = _answers(rng)
            second_answers = first_answers if rng.random() < 0.8 else _answers(rng)
            documents.append(Document(text=text, spans=[first, second], answers=[first_answers, second_answers]))
            ruled = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
            facts.append(RulingFacts(id=f"{judge}-{number}", ruled_on=ruled,
                                     filed_on=ruled - timedelta(days=rng.randrange(20, 900)),
                                     matter=rng.choice(MATTERS), outcome=first_answers["outcome"],
                                     labels=frozenset(s.label for s in first if rng.random() < 0.9),
                                     answers=first_answers))
        per_judge.append((documents, facts))
    return per_judge


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--judges", type=int, default=60)
    parser.add_argument("--rulings", type=int, default=200, help="per judge")
    parser.add_argument("--spans", type=int, default=10, help="per annotator and ruling (two annotators)")
    parser.add_argument("--words", type=int, default=900, help="words per ruling text")
    parser.add_argument("--whole", action="store_true",
                        help="also span agreement over every ruling at once (about the sum of the per-judge runs)")
    args = parser.parse_args()
    built, data = _timed(synthetic, args.judges, args.rulings, args.words, args.spans)
    total_rulings = args.judges * args.rulings
    print(f"{args.judges} judges × {args.rulings} rulings × {2 * args.spans} annotations "
          f"({total_rulings:,} rulings, {total_rulings * 2 * args.spans:,} annotations, {args.words} words each); "
          f"synthetic data built in {built:.1f} s")
    span_times, doc_times, notebook_times = [], [], []
    for number, (documents, facts) in enumerate(data, 1):
        elapsed, _ = _timed(span_agreement, documents, LABELS)
        span_times.append(elapsed)
        elapsed, _ = _timed(document_agreement, documents, LABELS, QUESTIONS)
        doc_times.append(elapsed)
        elapsed, result = _timed(figures, facts, labels=LABELS)
        notebook_times.append(elapsed)
        assert result["n_rulings"] == args.rulings
        if number % 10 == 0:
            print(f"  {number} judges done", flush=True)
    everything = [document for documents, _ in data for document in documents]
    whole_doc, _ = _timed(document_agreement, everything, LABELS, QUESTIONS)

    def line(name: str, times: list[float]) -> str:
        return (f"{name:<34} per judge: median {statistics.median(times) * 1000:8.1f} ms, "
                f"max {max(times) * 1000:8.1f} ms; all {len(times)} judges {sum(times):7.2f} s")

    print(line("span agreement (κ, α, F1)", span_times))
    print(line("document agreement (κ, α)", doc_times))
    print(line("notebook figures", notebook_times))
    print(f"{'document agreement, whole project':<34} {whole_doc:7.2f} s")
    if args.whole:
        whole_span, result = _timed(span_agreement, everything, LABELS)
        print(f"{'span agreement, whole project':<34} {whole_span:7.2f} s (scheme α = {result['scheme']['alpha']})")


if __name__ == "__main__":
    main()
