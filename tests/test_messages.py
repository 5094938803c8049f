"""Every message a person may read: Spanish in words, English with Accept-Language: en (issue 13).

Part 1 walks the catalogue (server/i18n.py) and every code the server raises; part 2 (tests/test_messages_http.py)
triggers each class of error through HTTP and reads what a person would read.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from server import i18n
from server.committees.models import State as CommitteeState
from server.complaints.models import Kind, Priority
from server.complaints.workflow import State as ComplaintState
from server.i18n import MESSAGES, VALIDATION_MESSAGES, placeholders, translate

SERVER = Path(__file__).resolve().parent.parent / "server"

# English words that never belong in a Spanish sentence.
ENGLISH = (" the ", " not ", " must ", " should ", " please ", " is ", " are ", " and ", " with ", " cannot ",
           " you ", " your ", " this ", " that ", " was ", " has ", " an ", "invalid", "required", " found",
           " missing", " allowed", " unknown", " wrong", " too ")
# Codes of states and enumerations: a person reads their words instead, in Spanish ("admitida", "denuncia").
CODES = sorted({member.value for enum in (ComplaintState, CommitteeState, Kind, Priority) for member in enum}
               - {"normal"})  # "normal" is a Spanish word too
# snake_case: a code or a field name, never words.
SNAKE = re.compile(r"(?<![\w{])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w}])")
# A size in bytes: "{limit} bytes" or "1048576 bytes" (sizes are shown in MB: {limit:MB}).
BYTES = re.compile(r"(\{[a-z_]+\}|\d[\d.,]*)\s*bytes", re.IGNORECASE)
# Field and parameter names a message may name because the caller must send exactly that (Open311's protocol,
# HTTP headers); each one is documented in docs/api.md or docs/open311.md.
PROTOCOL_NAMES = {"api_key", "jurisdiction_id", "service_code", "start_date", "end_date", "address_string",
                  "services.json", "prev_hash"}


def _entries() -> list[tuple[str, dict[str, str]]]:
    return sorted(MESSAGES.items()) + sorted((f"validation:{kind}", texts) for kind, texts in VALIDATION_MESSAGES.items())


ENTRIES = _entries()


def _without_placeholders(text: str) -> str:
    """The text a person reads as words: no placeholders, no literal the caller must send as written (quoted:
    «open», 'complaint:<id>')."""
    return re.sub(r"\{[^{}]*\}|«[^»]*»|'[^' ]*'", "", text)


def problems_of(code: str, texts: dict[str, str]) -> list[str]:
    """What is wrong with one catalogue entry, in words for the test's report."""
    found = []
    if set(texts) != {"es", "en"} or not all(isinstance(text, str) and text.strip() for text in texts.values()):
        return [f"{code}: needs a Spanish and an English text, has {sorted(texts)}"]
    es, en = texts["es"], texts["en"]
    if placeholders(es) != placeholders(en):
        found.append(f"{code}: placeholders differ: es {sorted(placeholders(es))}, en {sorted(placeholders(en))}")
    spanish = f" {_without_placeholders(es).lower()} "
    for word in ENGLISH:
        if word in spanish:
            found.append(f"{code}: English {word.strip()!r} in the Spanish text {es!r}")
    words = set(re.findall(r"[a-z_]+", spanish))
    for state in CODES:
        if state in words:
            found.append(f"{code}: the code {state!r} in the Spanish text {es!r}")
    for language, text in texts.items():
        for name in SNAKE.findall(_without_placeholders(text)):
            if name not in PROTOCOL_NAMES:
                found.append(f"{code}: the code name {name!r} in the {language} text {text!r}")
        if BYTES.search(text):
            found.append(f"{code}: a raw number of bytes in the {language} text {text!r} (use {{limit:MB}})")
    return found


def test_every_catalogue_entry_reads_as_words_in_both_languages() -> None:
    found = [problem for code, texts in ENTRIES for problem in problems_of(code, texts)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


@pytest.mark.parametrize(("texts", "expected"), [
    ({"es": "El valor no es invalid.", "en": "The value is invalid."}, "English 'invalid'"),
    ({"es": "La queja está admitted.", "en": "The complaint is admitted."}, "the code 'admitted'"),
    ({"es": "Falta supporter_key.", "en": "supporter_key is missing."}, "the code name 'supporter_key'"),
    ({"es": "Máximo {limit} bytes.", "en": "At most {limit} bytes."}, "a raw number of bytes"),
    ({"es": "Máximo {limit:MB}.", "en": "At most {size:MB}."}, "placeholders differ"),
    ({"es": "Solo en español."}, "needs a Spanish and an English text"),
])
def test_the_walk_catches_each_kind_of_defect(texts: dict[str, str], expected: str) -> None:
    """A planted defect of each kind is found (so the walk above can fail)."""
    assert any(expected in problem for problem in problems_of("planted", texts))


def test_state_and_kind_words_exist_for_every_member() -> None:
    missing = [f"{prefix}{member.value}" for enum, prefixes in (
        (ComplaintState, ("complaint_is_", "complaint_to_")), (CommitteeState, ("committee_is_", "committee_to_")),
        (Kind, ("kind_",)), (Priority, ("priority_",))) for prefix in prefixes for member in enum
        if f"{prefix}{member.value}" not in MESSAGES]
    assert not missing


# ------------------------------------------------------------------------------------------------ codes raised

ERRORS = {"AppError", "Invalid", "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "TooLarge",
          "TooManyRequests", "Unavailable", "Open311Error"}
# Helpers that take a message code, and the position of the code among their arguments.
CALLS = {"translate": 0, "term": 0, "_error": 0, "PydanticCustomError": 0, "_detail": 1, "issue": 1, "fail": 1}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def raised_codes() -> dict[str, list[str]]:
    """Every message code written as a literal where the server raises an error or renders a message:
    `NotFound("x")`, `Invalid.for_field(field, "x")`, `{"code": "x", ...}` details, `translate("x", ...)`,
    `_detail(field, "x")`... with the places it appears."""
    found: dict[str, list[str]] = {}
    for path in sorted(SERVER.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(SERVER.parent))
        for node in ast.walk(tree):
            codes: list[ast.AST] = []
            if isinstance(node, ast.Call):
                name = _name(node.func)
                args = node.args
                if name in ERRORS and args:
                    codes.append(args[0])
                elif name == "for_field" and len(args) > 1:
                    codes.append(args[1])
                elif name in CALLS and len(args) > CALLS[name]:
                    codes.append(args[CALLS[name]])
                codes += [keyword.value for keyword in node.keywords if keyword.arg in ("code", "message_code")
                          and name in ERRORS | {"ErrorDetail"}]
            elif isinstance(node, ast.Dict):
                codes += [value for key, value in zip(node.keys, node.values)
                          if isinstance(key, ast.Constant) and key.value in ("code", "message_code")]
            for code in codes:
                if isinstance(code, ast.Constant) and isinstance(code.value, str) and re.fullmatch(
                        r"[a-z][a-z0-9_]*", code.value) and "_" in code.value + "_":
                    found.setdefault(code.value, []).append(f"{where}:{node.lineno}")
    return found


# Codes that are not messages: error `code` fields of other shapes (Open311 keeps its own), audit reasons,
# Pydantic's error types (VALIDATION_MESSAGES) and detail codes rendered with an explicit message.
NOT_MESSAGES = {"altered", "removed", "relinked", "head_mismatch"}


def test_every_code_the_server_raises_is_in_the_catalogue() -> None:
    codes = raised_codes()
    assert len(codes) > 150  # the scan sees the server's raise sites
    missing = {code: places for code, places in codes.items()
               if code not in MESSAGES and code not in VALIDATION_MESSAGES and code not in NOT_MESSAGES}
    assert not missing, "\n".join(f"{code}: {', '.join(places)}" for code, places in sorted(missing.items()))


def test_a_code_missing_from_the_catalogue_would_be_found(tmp_path, monkeypatch) -> None:
    assert "transition_not_allowed" in raised_codes()  # raised with words in complaints/triage.py
    monkeypatch.delitem(MESSAGES, "transition_not_allowed")
    with pytest.raises(AssertionError, match="transition_not_allowed"):
        test_every_code_the_server_raises_is_in_the_catalogue()


# ------------------------------------------------------------------------------------------------ rendering


def test_states_read_as_words_and_agree_in_gender() -> None:
    said = translate("transition_not_allowed", "es", current=i18n.term("complaint_is_admitted"),
                     target=i18n.term("complaint_to_resolved"))
    assert said == "Una queja admitida no puede pasar a resuelta."
    said = translate("transition_not_allowed", "en", current=i18n.term("complaint_is_admitted"),
                     target=i18n.term("complaint_to_resolved"))
    assert said == "A complaint that is admitted cannot be resolved."
    said = translate("committee_transition_not_allowed", "es", current=i18n.term("committee_is_draft"),
                     to=i18n.term("committee_to_registered"))
    assert said == "Un comité en borrador no puede quedar registrado."


def test_sizes_read_in_megabytes_and_counts_agree_in_number() -> None:
    assert translate("body_too_large", "es", limit=1_048_576) == "La solicitud es demasiado grande: el máximo es 1 MB."
    assert translate("body_too_large", "en", limit=15 * 1_048_576) == "The request is too large: the maximum is 15 MB."
    assert translate("upload_too_large", "es", length=20 * 1_048_576 + 524_288, limit=15 * 1_048_576) == (
        "El archivo pesa 20 MB; el máximo para una foto es 15 MB.")
    assert i18n.fill(VALIDATION_MESSAGES["too_short"]["es"], "es", min_length=1) == "Debe tener al menos 1 elemento."
    assert i18n.fill(VALIDATION_MESSAGES["too_short"]["es"], "es", min_length=2) == (
        "Debe tener al menos 2 elementos.")
    assert i18n.fill(VALIDATION_MESSAGES["too_short"]["en"], "en", min_length=1) == "Must have at least 1 item."


def test_enumerations_accept_and_show_the_words_people_use() -> None:
    assert [Kind(word) for word in ("queja", "Denuncia", "solicitud de información", "Solicitud de informacion",
                                    "SUGERENCIA", "report")] == [
        Kind.complaint, Kind.report, Kind.information_request, Kind.information_request, Kind.suggestion,
        Kind.report]
    assert Priority("Urgente") == Priority.urgent and Priority("alta") == Priority.high
    with pytest.raises(ValueError):
        Kind("reclamo")
    assert i18n.enum_words([kind.value for kind in Kind], "es") == (
        "queja, denuncia, solicitud de información o sugerencia")
