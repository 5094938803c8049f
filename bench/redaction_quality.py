"""Recall and precision of the redaction detector (server/rulings/redaction.py) on the labelled sample
tests/rulings/redaction_sample.jsonl (its format and scoring rule: tests/rulings/redaction_sample.md).

    python bench/redaction_quality.py [--rules-only] [--sample PATH]

A labelled span is recalled when a finding of the same category overlaps it; a finding is a true positive when it
overlaps a labelled span of its category, else a false positive. Prints one line per category and the totals.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.rulings import redaction  # noqa: E402

SAMPLE = ROOT / "tests" / "rulings" / "redaction_sample.jsonl"
ID_CATEGORIES = ("dni", "ruc", "curp", "rfc", "ine_key", "cedula_ec", "cedula_co")


def load(path: Path = SAMPLE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def from_demo(path: Path) -> list[dict]:
    """The demo rulings (server/demo/rulings.json: each ruling's personal data labelled on its text) as passages:
    prose written apart from the sample, a check on text the detector was not tuned on."""
    demo = json.loads(path.read_text(encoding="utf-8"))
    judges = {judge["key"]: judge["full_name"] for judge in demo["judges"]}
    return [{"id": ruling["case_number"], "text": ruling["text"], "own_case_number": ruling["case_number"],
             "judges": [judges[ref["judge"]] for ref in ruling["judges"]], "spans": ruling["personal_data"]}
            for ruling in demo["rulings"]]


def evaluate(passages: list[dict], *, use_ner: bool = True) -> dict[str, dict[str, float]]:
    """{category: {labelled, recalled, found, true_positives, recall, precision}} plus "ids" and "all"."""
    counts: dict[str, Counter] = {}
    for passage in passages:
        text = passage["text"]
        found = redaction.detect(text, own_case_numbers=[passage.get("own_case_number") or ""],
                                 judge_names=passage.get("judges", []), use_ner=use_ner)
        for span in passage["spans"]:
            c = counts.setdefault(span["category"], Counter())
            c["labelled"] += 1
            if any(f.category == span["category"] and f.start < span["end"] and span["start"] < f.end
                   for f in found):
                c["recalled"] += 1
        for f in found:
            c = counts.setdefault(f.category, Counter())
            c["found"] += 1
            if any(f.category == span["category"] and f.start < span["end"] and span["start"] < f.end
                   for span in passage["spans"]):
                c["true_positives"] += 1
    groups = {"ids": [k for k in counts if k in ID_CATEGORIES], "all": list(counts)}
    for name, members in groups.items():
        total = Counter()
        for member in members:
            total.update(counts[member])
        counts[name] = total
    result = {}
    for category, c in counts.items():
        result[category] = {
            **{key: c[key] for key in ("labelled", "recalled", "found", "true_positives")},
            "recall": c["recalled"] / c["labelled"] if c["labelled"] else 1.0,
            "precision": c["true_positives"] / c["found"] if c["found"] else 1.0,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules-only", action="store_true", help="without spaCy: the documented fallback")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--demo", type=Path, help="measure on the demo rulings instead (server/demo/rulings.json)")
    args = parser.parse_args()
    use_ner = not args.rules_only
    detector = "patterns + rules" if not use_ner or redaction.ner_model() is None else "patterns + spaCy + rules"
    passages = from_demo(args.demo) if args.demo else load(args.sample)
    result = evaluate(passages, use_ner=use_ner)
    print(f"redaction quality on {(args.demo or args.sample).name}, {len(passages)} texts ({detector})")
    print(f"{'category':<13} {'labelled':>8} {'recall':>7} {'found':>6} {'precision':>9}")
    for category in sorted(result, key=lambda k: (k in {"ids", "all"}, k)):
        r = result[category]
        print(f"{category:<13} {r['labelled']:>8} {r['recall']:>7.3f} {r['found']:>6} {r['precision']:>9.3f}")


if __name__ == "__main__":
    main()
