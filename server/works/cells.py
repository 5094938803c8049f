"""Spreadsheet cells as people write them: amounts with thousands separators and a peso sign, dates as
DD/MM/YYYY, decimal commas, status words in Spanish; and text cells that must not run as formulas."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal

from server.works import codelists
from server.works.service import fold

# Words people write in the status and type columns (accents and case do not matter), besides OC4IDS codes.
STATUS_WORDS = {
    "en proceso": "implementation", "en ejecución": "implementation", "en construcción": "implementation",
    "terminada": "completion", "terminado": "completion", "concluida": "completion", "concluido": "completion",
    "cancelada": "cancelled", "cancelado": "cancelled",
    "planeación": "preparation", "en planeación": "preparation", "proyecto": "preparation",
    "identificada": "identification", "identificado": "identification",
}
TYPE_WORDS = {
    "construcción": "construction", "obra nueva": "construction", "rehabilitación": "rehabilitation",
    "reemplazo": "replacement", "sustitución": "replacement", "ampliación": "expansion",
    "desmantelamiento": "decommissioning", "demolición": "decommissioning",
}
WORDS = {"projectStatus": STATUS_WORDS, "projectType": TYPE_WORDS}
# A cell starting with one of these is a formula to a spreadsheet; exports put a ' before it.
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def parse_amount(text: str) -> Decimal:
    """1234567.89, 1,234,567.89, $1,234,567.89 or 1234567,89 (a comma before one or two final digits)."""
    cleaned = re.sub(r"[\s$\u00a0]", "", text)
    if re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return Decimal(cleaned)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        return Decimal(cleaned.replace(",", ""))
    if re.fullmatch(r"\d+,\d{1,2}", cleaned):
        return Decimal(cleaned.replace(",", "."))
    raise ValueError(text)


def parse_day(text: str) -> date:
    """An ISO date (a time after it is ignored) or DD/MM/YYYY."""
    found = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", text)
    if found:
        return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", text):
        return date.fromisoformat(text[:10])
    raise ValueError(text)


def parse_degrees(text: str) -> float:
    value = float(text.replace(",", ".") if "." not in text else text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def code_of(text: str, codelist: str) -> str | None:
    """The codelist code for a cell: the code itself (any case) or one of its WORDS (accents and case aside)."""
    folded = fold(" ".join(text.split()))
    by_code = {code.lower(): code for code in codelists.codes(codelist)}
    return by_code.get(folded) or {fold(word): code for word, code in WORDS[codelist].items()}.get(folded)


def guard(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a ' before it (OWASP's advice against CSV injection)."""
    return "'" + text if text.startswith(FORMULA) else text


def unguard(text: str) -> str:
    """The text as it was before `guard`."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA) else text
