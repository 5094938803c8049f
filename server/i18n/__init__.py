"""Texts a person reads: Spanish first, English (or any language with a catalogue) through Accept-Language.

Error codes are stable English identifiers; each one is a `msgid` of the gettext catalogues in
`server/locales/<language>/LC_MESSAGES/vigia.po`, which hold its text in every language (docs/translating.md).
Code marks the codes where it raises or renders them; `pybabel extract` finds them (server/i18n/extract.py).
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from server.i18n import catalogues

Language = str  # a language with a catalogue: "es", "en", ... (LANGUAGES)
DEFAULT_LANGUAGE: Language = "es"
VALIDATION = "validation:"  # Pydantic's error types are catalogue entries "validation:<type>"

TEXTS: dict[Language, dict[str, str]] = {}
LANGUAGES: tuple[Language, ...] = ()
# Each code with its texts by language (Pydantic's error types apart, in VALIDATION_MESSAGES).
MESSAGES: dict[str, dict[Language, str]] = {}
VALIDATION_MESSAGES: dict[str, dict[Language, str]] = {}


def install(texts: dict[Language, dict[str, str]]) -> None:
    """Make `texts` (language → msgid → text, as catalogues.load reads them) the catalogue every message comes
    from: Spanish first, then English, then the other languages in alphabetical order."""
    global LANGUAGES
    for table in (TEXTS, MESSAGES, VALIDATION_MESSAGES):
        table.clear()
    TEXTS.update(texts)
    LANGUAGES = tuple(sorted(TEXTS, key=lambda tag: ({"es": 0, "en": 1}.get(tag, 2), tag)))
    for language in LANGUAGES:
        for code, text in TEXTS[language].items():
            if code.startswith(VALIDATION):
                VALIDATION_MESSAGES.setdefault(code[len(VALIDATION):], {})[language] = text
            else:
                MESSAGES.setdefault(code, {})[language] = text


install(catalogues.load(DEFAULT_LANGUAGE))


def N_(code: str) -> str:
    """Marks a code that is looked up by a name built at run time (f"complaint_is_{state}"), so that
    `pybabel extract` finds it; returns it unchanged."""
    return code


def negotiate(accept_language: str | None) -> Language:
    """The language with a catalogue that an Accept-Language header prefers ("es-MX" is "es"); Spanish when the
    header names none of them."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().replace("_", "-").split("-")[0]))
    for quality, _, tag in sorted(ranked):
        if tag in TEXTS and quality < 0:
            return tag
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Words:
    """A text that comes with the data in Spanish and English (a checklist question and its English version):
    a message parameter that shows the one it is rendered in; Spanish in any other language."""

    es: str
    en: str

    def in_(self, language: Language) -> str:
        return self.en if language == "en" else self.es

    def __str__(self) -> str:
        return self.es


@dataclass(frozen=True)
class Term:
    """A catalogue entry as a parameter for another message (a state, a kind, a question's expected answer):
    rendered in the language of the message it fills, its own placeholders filled from `params`."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def in_(self, language: Language) -> str:
        return translate(self.code, language, **self.params)

    def __str__(self) -> str:
        return self.in_(DEFAULT_LANGUAGE)


def term(code: str, /, **params: Any) -> Term:
    """The catalogue entry `code` (with its placeholders filled from `params`) as a parameter for another message."""
    if code not in MESSAGES:
        raise KeyError(code)
    return Term(code, params)


def megabytes(size: object) -> str:
    """A size in bytes as people read it, in MB (of 1,048,576 bytes) rounded up to a tenth: "15 MB", "1.5 MB",
    "15.1 MB" for a byte more than 15 MB (so a file over a limit never reads as the limit); text is left as is."""
    if isinstance(size, bool) or not isinstance(size, (int, float)):
        return str(size)
    tenths = math.ceil(size * 10 / 1_048_576)
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


def grouped(number: object, language: Language) -> str:
    """A whole number with its thousands separated as the reader writes them: "2 000 000" (Spanish, a narrow no-break
    space, from five digits: "4000"), "2,000,000" (English); anything else as it is."""
    if isinstance(number, bool) or not isinstance(number, int):
        return str(number)
    if language == "es":
        return f"{number:,}".replace(",", "\u202f") if abs(number) >= 10_000 else str(number)
    return f"{number:,}"


class _Formatter(string.Formatter):
    """str.format with three specs of our own: `{limit:MB}` shows a size in bytes as megabytes, `{limit:n}` a
    whole number with its thousands separated in the reader's language (2 000 000, 2,000,000), and
    `{count:elemento|elementos}` picks the singular when the number is 1 (the number itself goes in its own
    placeholder: "al menos {count} {count:elemento|elementos}")."""

    def __init__(self, language: Language = DEFAULT_LANGUAGE) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "MB":
            return megabytes(value)
        if format_spec == "n":
            return grouped(value, self.language)
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if _is_one(value) else many
        return super().format_field(value, format_spec)


def _is_one(value: Any) -> bool:
    try:
        return float(value) == 1
    except (TypeError, ValueError):
        return False


FORMATTER = _Formatter()
FORMATTERS: dict[str, _Formatter] = {}


def fill(template: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """`template` with its placeholders filled (Words and Terms in `language`); the template as it is if one is
    missing."""
    if "{" not in template and "}" not in template:  # nothing to fill (most labels): the formatter is costly
        return template
    resolved = {key: value.in_(language) if isinstance(value, (Words, Term)) else value
                for key, value in params.items()}
    try:
        formatter = FORMATTERS.get(language) or FORMATTERS.setdefault(language, _Formatter(language))
        return formatter.format(template, **resolved)
    except (KeyError, IndexError, ValueError):
        return template


def placeholders(template: str) -> set[str]:
    """The names of the placeholders of a template (without their format specs)."""
    return {name for _, name, _, _ in FORMATTER.parse(template) if name}


def translate(code: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message for `code` in `language` (Spanish where that language's catalogue lacks it), with its
    placeholders filled; the code itself if unknown."""
    texts = MESSAGES.get(code)
    if texts is None:
        return code
    return fill(texts.get(language) or texts[DEFAULT_LANGUAGE], language, **params)


def validation_text(kind: str, language: Language) -> str | None:
    """The words of one of Pydantic's error types in `language`, or None if the catalogue has none."""
    texts = VALIDATION_MESSAGES.get(kind)
    return None if texts is None else texts.get(language) or texts[DEFAULT_LANGUAGE]


def json_problem(exc: Exception) -> Term:
    """Where a JSON text breaks, in words: "revise la línea 1, columna 11" (the parser explains in English only)."""
    if isinstance(exc, UnicodeDecodeError):
        return term("json_not_utf8")
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None or column is None:
        return term("json_unreadable")
    return term("json_where", line=line, column=column)


# ------------------------------------------------------------------------------------------------ enumerations

E = TypeVar("E", bound=Enum)
# Enumerations whose members have words in the catalogue (`{prefix}{value}`): they accept those words as input
# (`member_by_words`), and a validation error lists the words instead of the codes (server.errors).
ENUM_WORDS: dict[frozenset[str], str] = {}


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces, no underscores: "Solicitud de Información" == "solicitud_de_informacion"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s_\-]+", " ", bare).strip().lower()


def register_words(enum: type[Enum], prefix: str, *, aliases: dict[str, str] | None = None) -> None:
    """Declare that `enum`'s members have words in the catalogue under `prefix` + value: a validation error lists
    the words, and the enumeration accepts them as input (its `_missing_`, which Pydantic honours), unless it
    defines its own `_missing_`. `aliases` adds other words people use ({"borrador": "draft"})."""
    ENUM_WORDS[frozenset(str(member.value) for member in enum)] = prefix
    if "_missing_" not in vars(enum):
        extra = {_plain(word): code for word, code in (aliases or {}).items()}

        def _missing_(cls: type[Enum], value: object) -> Enum | None:
            return member_by_words(cls, value, prefix, extra=extra)

        enum._missing_ = classmethod(_missing_)  # type: ignore[method-assign,assignment]


def member_by_words(enum: type[E], value: object, prefix: str, *, extra: dict[str, str] | None = None) -> E | None:
    """The member of `enum` that `value` names in words (Spanish or English, any case, with or without accents),
    or by its code written differently ("Denuncia", "information request"); None if it names none. For an
    Enum's `_missing_`, so every schema that takes the enumeration accepts the words."""
    if not isinstance(value, str):
        return None
    wanted = _plain(value)
    if not wanted:
        return None
    for member in enum:
        names = {str(member.value), *MESSAGES.get(f"{prefix}{member.value}", {}).values()}
        if wanted in {_plain(name) for name in names if name}:
            return member
    code = (extra or {}).get(wanted)
    return enum(code) if code is not None else None


def enum_words(codes: list[str], language: Language) -> str | None:
    """The words of a registered enumeration's codes, "queja, denuncia o sugerencia"; None if not registered."""
    prefix = ENUM_WORDS.get(frozenset(codes))
    if prefix is None:
        # A Literal of some of a registered enumeration's codes (a decision: "confirmed" or "dismissed" of a
        # finding's states) reads with that enumeration's words, when only one enumeration holds them all.
        holders = {holder for members, holder in ENUM_WORDS.items() if frozenset(codes) <= members}
        prefix = holders.pop() if len(holders) == 1 else None
    if prefix is None:
        return None
    names = [translate(f"{prefix}{code}", language).lower() for code in codes if f"{prefix}{code}" in MESSAGES]
    if len(names) != len(codes):
        return None
    return join_words(names, language)


def join_words(names: list[str], language: Language) -> str:
    """"a, b o c" / "a, b or c"."""
    if len(names) < 2:
        return "".join(names)
    if language == "es":
        last = " u " if _plain(names[-1]).startswith("o") else " o "
    else:
        last = f" {translate('list_or', language)} "
    return ", ".join(names[:-1]) + last + names[-1]
