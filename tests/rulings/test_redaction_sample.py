"""The labelled redaction sample is well formed: spans inside the text, known categories, at least 30 of each,
identity numbers with valid check digits, look-alikes apart from personal data (format: redaction_sample.md)."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

SAMPLE = Path(__file__).with_name("redaction_sample.jsonl")
CATEGORIES = {"dni", "ruc", "curp", "rfc", "ine_key", "cedula_ec", "cedula_co", "phone", "email", "address",
              "case_number", "person_name"}


def _passages() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()]


def _ruc_ok(value: str) -> bool:
    weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    check = 11 - sum(int(d) * w for d, w in zip(value[:10], weights)) % 11
    return len(value) == 11 and value[:2] in {"10", "20"} and int(value[10]) == {10: 0, 11: 1}.get(check, check)


def _curp_ok(value: str) -> bool:
    chars = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
    total = sum(chars.index(c) * (18 - i) for i, c in enumerate(value[:17]))
    return len(value) == 18 and value[17] == str((10 - total % 10) % 10)


def _rfc_ok(value: str) -> bool:
    values = {**{str(i): i for i in range(10)}, **{c: 10 + i for i, c in enumerate("ABCDEFGHIJKLMN")}, "&": 24,
              **{c: 25 + i for i, c in enumerate("OPQRSTUVWXYZ")}, " ": 37, "Ñ": 38}
    remainder = sum(values[c] * (13 - i) for i, c in enumerate(value[:12])) % 11
    check = "0" if remainder == 0 else ("A" if remainder == 1 else str(11 - remainder))
    return len(value) == 13 and value[12] == check


def _cedula_ec_ok(value: str) -> bool:
    digits = [int(d) for d in value]
    total = sum((v * 2 - 9 if v * 2 > 9 else v * 2) if i % 2 == 0 else v for i, v in enumerate(digits[:9]))
    return len(value) == 10 and 1 <= int(value[:2]) <= 24 and digits[2] < 6 and digits[9] == (10 - total % 10) % 10


CHECKS = {"ruc": _ruc_ok, "curp": lambda v: _curp_ok(v.upper()), "rfc": lambda v: _rfc_ok(v.replace("-", "")),
          "cedula_ec": lambda v: _cedula_ec_ok(v.replace("-", ""))}


def test_sample_is_well_formed_and_large_enough():
    passages = _passages()
    assert len(passages) >= 60
    counts: Counter[str] = Counter()
    for passage in passages:
        text = passage["text"]
        assert text == unicodedata.normalize("NFC", text) and "\r" not in text
        assert passage["own_case_number"] in text
        taken: list[tuple[int, int]] = []
        for span in passage["spans"]:
            assert span["category"] in CATEGORIES
            assert 0 <= span["start"] < span["end"] <= len(text)
            value = text[span["start"]:span["end"]]
            assert value == value.strip(), (passage["id"], value)
            check = CHECKS.get(span["category"])
            assert check is None or check(value), (passage["id"], span["category"], value)
            counts[span["category"]] += 1
            taken.append((span["start"], span["end"]))
        for other in passage["not_personal"]:
            assert not any(start < other["end"] and other["start"] < end for start, end in taken), passage["id"]
    assert set(counts) == CATEGORIES
    assert min(counts.values()) >= 30, counts
