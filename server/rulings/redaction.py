"""Finding personal data in a ruling's original text (docs/rulings.md, "Redaction").

Patterns find identity numbers (with their check digits where the scheme has one: RUC of Peru, cédula of
Ecuador), e-mails, phones, addresses and the case numbers of OTHER cases; person names come from spaCy's
`es_core_news_sm` named entities combined with context rules (a capitalised sequence after "la señora", "el
demandado", "testigo"..., and the "APELLIDOS, Nombre" form). Without spaCy or its model the rules alone find
names (`detector = rules`). Judges' names are public professional data: never a finding. Overlaps are resolved by
priority (identity numbers, e-mail, phone, case number, address, name): a lower-priority finding inside a
higher-priority one is dropped.

A finding is a span [start, end) of the text with a category and a detector; it never copies the text. The
patterns and check digits themselves are in patterns.py.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from server.rulings.patterns import (
    ADDRESS_NEXT,
    ADDRESS_PART,
    ADDRESS_START,
    CASE_LONG,
    CASE_SHORT,
    CEDULA,
    COMPANY_SUFFIX,
    CURP,
    DNI,
    EMAIL,
    INE,
    INVERTED_ANY,
    NAME_AFTER_CUE,
    NAME_CUE,
    NOT_NAME_WORDS,
    PHONE,
    PHONE_LABEL,
    PRECEDENT,
    RFC,
    RUC,
    cedula_ec_valid,
    only_digits,
    plain,
    ruc_valid,
)

log = logging.getLogger(__name__)

# Spanish placeholders that replace a confirmed span in a public version
PLACEHOLDERS = {
    "dni": "[DNI]", "ruc": "[RUC]", "curp": "[CURP]", "rfc": "[RFC]", "ine_key": "[CLAVE DE ELECTOR]",
    "cedula_ec": "[CÉDULA]", "cedula_co": "[CÉDULA]", "phone": "[TELÉFONO]", "email": "[CORREO ELECTRÓNICO]",
    "address": "[DIRECCIÓN]", "case_number": "[EXPEDIENTE]", "person_name": "[NOMBRE]", "other": "[DATO PERSONAL]",
}

PRIORITY = ["curp", "ine_key", "rfc", "ruc", "cedula_ec", "cedula_co", "dni", "email", "phone", "case_number",
            "address", "person_name", "other"]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    category: str
    detector: str  # pattern, ner, rules


# ------------------------------------------------------------------------------------------------ detectors


def _identity_numbers(text: str) -> list[Found]:
    found: list[Found] = []
    for match in CURP.finditer(text):
        found.append(Found(match.start(), match.end(), "curp", "pattern"))
    for match in INE.finditer(text):
        found.append(Found(match.start(), match.end(), "ine_key", "pattern"))
    for match in RFC.finditer(text):
        found.append(Found(match.start(), match.end(), "rfc", "pattern"))
    for match in RUC.finditer(text):
        if ruc_valid(match.group()):
            found.append(Found(match.start(), match.end(), "ruc", "pattern"))
    for match in DNI.finditer(text):
        found.append(Found(match.start("num"), match.end("num"), "dni", "pattern"))
    for match in CEDULA.finditer(text):
        label = match.group("label").replace(" ", "").lower()
        number = match.group("num")
        digits = only_digits(number)
        if cedula_ec_valid(digits) and "." not in number and label not in {"c.c.", "cc"}:
            category = "cedula_ec"
        elif label in {"c.i.", "ci"} and len(digits) == 10:
            category = "cedula_ec"
        elif 6 <= len(digits) <= 10 and "-" not in number:
            category = "cedula_co"
        else:
            continue
        found.append(Found(match.start("num"), match.end("num"), category, "pattern"))
    return found


def _emails(text: str) -> list[Found]:
    return [Found(m.start(), m.end(), "email", "pattern") for m in EMAIL.finditer(text)]


def _phones(text: str) -> list[Found]:
    found = []
    for match in PHONE.finditer(text):
        digits = only_digits(match.group())
        if not 7 <= len(digits) <= 13:
            continue
        before = text[max(0, match.start() - 60):match.start()]
        labelled = PHONE_LABEL.search(before) is not None
        grouped = re.search(r"[\s.()-]", match.group().strip()) is not None
        mobile = (len(digits) == 9 and digits[0] == "9") or (len(digits) == 10 and digits[:2] == "09")
        if re.fullmatch(r"(?:19|20)\d{2}", digits[-4:]) and "-" in match.group() and not labelled:
            continue  # 5962-2016: a case number, not a phone
        id_label = re.search(r"(?i)(?:dni|ruc|c[ée]dula|c\.[ci]\.)\W*$", before)
        money = re.search(r"[$/]|S/\s*$", before[-4:])
        if labelled or (mobile and not id_label) or (
                grouped and len(digits) >= 9 and "." not in match.group() and not money):
            found.append(Found(match.start(), match.end(), "phone", "pattern"))
    return found


def _normal_case(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", number.upper()).lstrip("0")


def _case_numbers(text: str, own: Iterable[str]) -> list[Found]:
    own_keys = {_normal_case(number) for number in own if number}
    found = []
    spans: list[tuple[int, int]] = []
    for match in CASE_LONG.finditer(text):
        spans.append((match.start(), match.end()))
    for match in CASE_SHORT.finditer(text):
        number = match.group("num").strip()
        start = match.start("num") + (len(match.group("num")) - len(match.group("num").lstrip()))
        if not re.search(r"\d", number) or len(only_digits(number)) < 4:
            continue
        spans.append((start, match.end("num")))
    seen = set()
    for start, end in sorted(spans):
        number = text[start:end]
        if PRECEDENT.search(number) or (start, end) in seen:
            continue
        if _normal_case(number) in own_keys:
            continue
        seen.add((start, end))
        found.append(Found(start, end, "case_number", "pattern"))
    return found


def _addresses(text: str) -> list[Found]:
    found = []
    for match in ADDRESS_START.finditer(text):
        start = match.start()
        end = match.end()
        # the street: up to the first comma, full stop or semicolon (at most 80 characters)
        street = re.match(r"[^,.;:\n]*(?:\n[^,.;:\n]*)?", text[end:end + 80])
        end += len(street.group()) if street else 0
        # the following parts: ", barrio X", ", distrito de Y", ", Lima"
        for _ in range(6):
            part = ADDRESS_NEXT.match(text, end)
            if part is None:
                break
            words = part.group(1).strip()
            first = words.split(" ")[0] if words else ""
            if not words:
                break
            if ADDRESS_PART.match(words) or (first[:1].isupper() and len(words.split()) <= 4
                                              and not re.search(r"\b(?:con|portador|identificad|quien|según|segun|"
                                                                r"el|la|de fecha|mediante|DNI|RUC|CURP|RFC)\b",
                                                                words)) or re.match(r"\d", words):
                end = part.end()
            else:
                break
        # "y calle X" continues the street
        end_text = text[start:end].rstrip(" \t\n")
        if len(end_text) >= 8:
            found.append(Found(start, start + len(end_text), "address", "pattern"))
    return found


def _is_judge(name: str, judges: list[set[str]]) -> bool:
    tokens = set(plain(name).split()) - {"de", "del", "la", "y", "los"}
    return bool(tokens) and any(tokens <= judge or (len(tokens & judge) >= 2 and len(judge) >= 2
                                                     and judge <= tokens) for judge in judges)


def _clean_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a candidate to a plausible person name: no digits, 2-7 words, not an institution or place."""
    span = text[start:end]
    if re.search(r"\d|@", span):
        return None
    words = re.findall(r"[\wÁÉÍÓÚÑÜáéíóúñü.]+", span)
    names = [w for w in words if w.lower() not in {"de", "del", "la", "los", "y", "vda.", "viuda"}]
    if len(names) < 2 or len(names) > 7:
        return None
    if any(w.endswith(".") or len(w) == 1 for w in names):  # abbreviations: D.N.I., S.A., N.
        return None
    if any(w.lower().strip(".") in NOT_NAME_WORDS or w.lower() in NOT_NAME_WORDS for w in names):
        return None
    if not all(w[:1].isupper() for w in names):
        return None
    if COMPANY_SUFFIX.match(text[end:end + 12]):
        return None
    return start, end


def _names_by_rules(text: str) -> list[Found]:
    found = []
    for cue in NAME_CUE.finditer(text):
        match = NAME_AFTER_CUE.match(text, cue.end())
        if match:
            span = _clean_name(text, match.start(), match.end())
            if span:
                found.append(Found(*span, "person_name", "rules"))
    for match in INVERTED_ANY.finditer(text):
        span = _clean_name(text, match.start(), match.end())
        if span:
            found.append(Found(*span, "person_name", "rules"))
    return found


_NLP: list[Any] = []
_NLP_LOCK = threading.Lock()
_NLP_MISSING = object()


def ner_model() -> Any | None:
    """spaCy's es_core_news_sm (tagger and parser left out), loaded once; None when spaCy or the model is absent
    (then the rules alone find names). The model declares spaCy < 3.2 and loads under 3.8 with warning W095,
    silenced here."""
    if not _NLP:
        with _NLP_LOCK:
            if not _NLP:
                try:
                    with warnings.catch_warnings():
                        warnings.filterwarnings("ignore", message=r".*\[W095\]")
                        warnings.filterwarnings("ignore", category=DeprecationWarning)
                        warnings.filterwarnings("ignore", category=UserWarning, module=r"spacy.*")
                        import spacy

                        model = spacy.load("es_core_news_sm", exclude=["parser", "lemmatizer", "morphologizer",
                                                                       "attribute_ruler", "senter"])
                except Exception as exc:  # ImportError, OSError (model not installed), a broken model
                    log.warning("spaCy es_core_news_sm not available (%s): person names by rules only", exc)
                    model = _NLP_MISSING
                _NLP.append(model)
    return None if _NLP[0] is _NLP_MISSING else _NLP[0]


def _names_by_ner(text: str, nlp: Any) -> list[Found]:
    found = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        doc = nlp(text)
    for entity in doc.ents:
        if entity.label_ not in {"PER", "MISC"}:
            continue
        # drop leading words that are not part of a name ("La demandante MIGUEL PAZMIÑO")
        tokens = [t for t in entity]
        while tokens and not (tokens[0].text[:1].isupper() and tokens[0].text.lower() not in NOT_NAME_WORDS
                              and tokens[0].text.lower() not in {"la", "el", "los", "las", "don", "doña"}):
            tokens = tokens[1:]
        if not tokens:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        span = _clean_name(text, start, end)
        if span:
            found.append(Found(*span, "person_name", "ner"))
    return found


def _resolve(found: list[Found]) -> list[Found]:
    """Drop exact duplicates and any finding overlapping one of higher priority (or a longer one of the same
    category)."""
    rank = {category: position for position, category in enumerate(PRIORITY)}
    ordered = sorted(found, key=lambda f: (rank.get(f.category, 99), -(f.end - f.start), f.start))
    kept: list[Found] = []
    for finding in ordered:
        if any(finding.start < other.end and other.start < finding.end for other in kept):
            continue
        kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end))


def detect(text: str, *, own_case_numbers: Iterable[str] = (), judge_names: Iterable[str] = (),
           use_ner: bool = True) -> list[Found]:
    """The personal data in `text`, by start. `own_case_numbers`: the ruling's own expediente (not a finding);
    `judge_names`: public professional data (not findings). `use_ner=False` forces the rules fallback."""
    judges = [set(plain(name).split()) - {"de", "del", "la", "y", "los"} for name in judge_names if name.strip()]
    found = [*_identity_numbers(text), *_emails(text), *_phones(text), *_case_numbers(text, own_case_numbers),
             *_addresses(text)]
    names = _names_by_rules(text)
    nlp = ner_model() if use_ner else None
    if nlp is not None:
        names += _names_by_ner(text, nlp)
    names = [f for f in names if not _is_judge(text[f.start:f.end], judges)]
    # a name from NER and rules on the same words: keep the wider span once, as found by NER
    return _resolve(found + _merge_names(names))


def _merge_names(names: list[Found]) -> list[Found]:
    merged: list[Found] = []
    for finding in sorted(names, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            detector = "ner" if "ner" in (last.detector, finding.detector) else last.detector
            merged[-1] = Found(last.start, max(last.end, finding.end), "person_name", detector)
        else:
            merged.append(finding)
    return merged


@dataclass(frozen=True)
class Placed:
    """A placeholder in a redacted text: [start, end) there, and the span [original_start, original_end) of the
    original it replaces (code points both)."""

    start: int
    end: int
    category: str
    placeholder: str
    original_start: int
    original_end: int


def redact(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each span replaced by its category's Spanish placeholder; overlapping spans become one (the
    placeholder of the first)."""
    return redact_placed(text, spans)[0]


def redact_placed(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, list[Placed]]:
    """`redact`, and where each placeholder landed in the redacted text."""
    merged: list[list[Any]] = []
    for start, end, category in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, category])
    out = []
    placed = []
    position = 0
    length = 0
    for start, end, category in merged:
        out.append(text[position:start])
        length += start - position
        placeholder = PLACEHOLDERS.get(category, PLACEHOLDERS["other"])
        out.append(placeholder)
        placed.append(Placed(length, length + len(placeholder), category, placeholder, start, end))
        length += len(placeholder)
        position = end
    out.append(text[position:])
    return "".join(out), placed
