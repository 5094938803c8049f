"""What every input is checked for at the edge, whatever its schema says (docs/api.md, "Odd input").

- A NUL character (U+0000) in any string: PostgreSQL cannot store one in text (SQLite can), so it is refused on
  both databases alike, before anything is stored: 400 `nul_character`, naming each field.
- An integer outside 64 bits (-2^63 .. 2^63-1): no column or index holds one, and the drivers fail on it; 422
  `int64_range` naming the field (the API document declares such integers `format: int64`).
- Blank text: where a schema refuses empty text (`min_length` of 1 or more), text of only spaces, tabs or line
  breaks is refused the same way (422 `string_too_short`, "no puede estar vacío ni tener solo espacios"), and the
  minimum counts the characters between the first and the last that are not spaces. The text is stored as sent;
  passwords, secrets and tokens are never looked at (`refuse_blank`).

It also declares `CatalogueLanguage`, the `?lang=` of printable pages: any language with a message catalogue.

`server.api.endpoint()` applies both to every JSON body, query string and path; the sync push applies them to
each mutation on its own (a mutation that holds one is `rejected`, the others still apply), and the file imports
to what they parse.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import typing
import uuid
from typing import Annotated, Any

from annotated_types import MinLen
from pydantic import AfterValidator, BaseModel
from pydantic import Field as PField
from pydantic.fields import FieldInfo

from server import i18n
from server.errors import BadRequest, Invalid, value_error
from server.i18n import N_

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
NUL = "\x00"


def _join(path: str, part: object) -> str:
    return f"{path}.{part}" if path else str(part)


def nul_fields(value: Any, path: str = "") -> list[str]:
    """The path of every string or object key in parsed data (JSON, query, path values) that holds a NUL."""
    found: list[str] = []
    if isinstance(value, str):
        if NUL in value:
            found.append(path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = _join(path, key.replace(NUL, "\\u0000") if isinstance(key, str) else key)
            if isinstance(key, str) and NUL in key:
                found.append(where)
            found += nul_fields(item, where)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += nul_fields(item, _join(path, index))
    return found


def wide_ints(value: Any, path: str = "") -> list[str]:
    """The path of every integer outside 64 bits in a validated model (or plain data)."""
    found: list[str] = []
    if isinstance(value, bool):
        return found
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            found.append(path or "body")
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            found += wide_ints(getattr(value, name, None), _join(path, info.alias or name))
        for name, item in (value.__pydantic_extra__ or {}).items():
            found += wide_ints(item, _join(path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += wide_ints(item, _join(path, key))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            found += wide_ints(item, _join(path, index))
    return found


def _has_nul(value: Any) -> bool:
    """Whether `nul_fields` would find anything (without building a path for every field: most data is clean)."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any((isinstance(key, str) and NUL in key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(item) for item in value)
    return False


def _has_wide_int(value: Any) -> bool:
    """Whether `wide_ints` would find anything (the same walk, without the paths)."""
    if isinstance(value, bool) or isinstance(value, str):
        return False
    if isinstance(value, int):
        return not INT64_MIN <= value <= INT64_MAX
    if isinstance(value, BaseModel):
        return any(_has_wide_int(getattr(value, name, None)) for name in _fields_holding(type(value), int)) \
            or any(_has_wide_int(item) for item in (value.__pydantic_extra__ or {}).values())
    if isinstance(value, dict):
        return any(_has_wide_int(item) for item in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_wide_int(item) for item in value)
    return False


def refuse_nul(value: Any, path: str = "") -> None:
    """400 `nul_character` naming each field of `value` that holds a NUL character."""
    if not _has_nul(value):
        return
    fields = nul_fields(value, path)
    if fields:
        raise BadRequest("nul_character", details=[{"field": field, "code": "nul_character"} for field in fields])


def refuse_wide_ints(value: Any, path: str = "") -> None:
    """422 `int64_range` naming each integer of `value` outside 64 bits."""
    if not _has_wide_int(value):
        return
    fields = wide_ints(value, path)
    if fields:
        params = {"min": INT64_MIN, "max": INT64_MAX}
        raise Invalid("validation_error", details=[{"field": field, "code": "int64_range", "params": params}
                                                   for field in fields])


def refuse_odd(value: Any, path: str = "") -> None:
    """Both checks, NUL first (parsed data that also went through a model, such as a query or a path)."""
    refuse_nul(value, path)
    refuse_wide_ints(value, path)


# Fields whose text is a credential: never inspected, never altered (a password may be anything).
_SECRET_NAMES = ("password", "secret", "token", "api_key")


def _min_length(metadata: Any) -> int:
    """The largest minimum length among constraints (MinLen, Field(min_length=...), StringConstraints)."""
    found = 0
    for item in metadata:
        if isinstance(item, MinLen):
            found = max(found, item.min_length)
        elif isinstance(item, FieldInfo):
            found = max(found, _min_length(item.metadata))
        elif isinstance(getattr(item, "min_length", None), int):
            found = max(found, item.min_length)
    return found


def _item_min_length(annotation: Any) -> int:
    """The min_length of the text items of a list field (`list[Annotated[str, Field(min_length=2)]]`)."""
    found = 0
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Annotated:
            found = max(found, _min_length(typing.get_args(arg)[1:]))
        elif typing.get_args(arg):
            found = max(found, _item_min_length(arg))
    return found


def blank_texts(value: Any, path: str = "") -> list[dict[str, Any]]:
    """Details for every text of a validated model that its schema requires but that holds only spaces (or fewer
    characters than its minimum once the spaces around it are left aside)."""
    found: list[dict[str, Any]] = []
    if isinstance(value, BaseModel):
        for name, alias, info, minimum in _checked_fields(type(value)):
            where = _join(path, alias)
            item = getattr(value, name, None)
            if isinstance(item, str):  # the commonest case, with the field's minimum read once per model
                found += _blank(item, minimum, where)
            elif item is not None and not isinstance(item, (bool, int, float)):
                found += _blank_field(item, info, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            found += blank_texts(item, _join(path, key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += blank_texts(item, _join(path, index))
    return found


@functools.lru_cache(maxsize=None)
def _checked_fields(model: type[BaseModel]) -> tuple[tuple[str, str, FieldInfo, int], ...]:
    """A model's fields that `blank_texts` looks into (credentials never, nor fields whose type holds no text),
    with each one's minimum length."""
    texts = set(_fields_holding(model, str))
    return tuple((name, info.alias or name, info, _min_length(info.metadata))
                 for name, info in model.model_fields.items()
                 if name in texts and not any(word in name.lower() for word in _SECRET_NAMES))


# Types whose values are never an int nor a str (bool is an int to Python, but never a "wide" one).
_ATOMS = (bool, float, bytes, uuid.UUID, datetime.date, datetime.time, datetime.timedelta, decimal.Decimal)


@functools.lru_cache(maxsize=None)
def _fields_holding(model: type[BaseModel], kind: type) -> tuple[str, ...]:
    """The fields of `model` whose declared type may hold a value of `kind` (int or str) anywhere inside it: the
    checks walk only those (a point's list of floats, a UUID, a date are never looked into). Whatever the
    annotation does not say for sure (Any, a model, a type unknown here) is walked."""
    return tuple(name for name, info in model.model_fields.items() if _may_hold(info.annotation, kind))


def _may_hold(annotation: Any, kind: type) -> bool:
    if annotation is None or annotation is type(None):
        return False
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return any(isinstance(value, kind) and not isinstance(value, bool) for value in typing.get_args(annotation))
    if origin is Annotated:
        return _may_hold(typing.get_args(annotation)[0], kind)
    if origin is not None:  # unions, lists, tuples, sets, dicts (keys and values), ...
        args = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        return not args or any(_may_hold(arg, kind) for arg in args)
    if isinstance(annotation, type):
        if issubclass(annotation, kind) and not issubclass(annotation, bool):
            return True
        if issubclass(annotation, (int, str, *_ATOMS)):  # an int, str or atom that is not `kind`, enums included
            return False
    return True


def _blank_field(item: Any, info: FieldInfo, where: str) -> list[dict[str, Any]]:
    if isinstance(item, str):
        return _blank(item, _min_length(info.metadata), where)
    if isinstance(item, (list, tuple)) and any(isinstance(text, str) for text in item):
        minimum = _item_min_length(info.annotation)
        return [problem for index, text in enumerate(item) if isinstance(text, str)
                for problem in _blank(text, minimum, _join(where, index))]
    return blank_texts(item, where)


def _blank(text: str, minimum: int, where: str) -> list[dict[str, Any]]:
    if minimum < 1 or len(text.strip()) >= minimum:
        return []
    message_code = N_("text_blank") if not text.strip() else N_("text_too_short")
    return [{"field": where, "code": "string_too_short", "message_code": message_code,
             "params": {"min_length": minimum}}]


def refuse_blank(value: Any, path: str = "", *, skip: Any = ()) -> None:
    """422 naming each required text of a validated model (or of the models in `value`) that is only spaces;
    `skip` names top-level fields checked elsewhere (the sync push checks each mutation on its own)."""
    problems = [problem for problem in blank_texts(value, path)
                if problem["field"].split(".", 1)[0] not in set(skip)]
    if problems:
        raise Invalid("validation_error", details=problems)


def _has_a_catalogue(lang: str | None) -> str | None:
    if lang is not None and lang not in i18n.TEXTS:
        raise value_error("language_unknown", value=lang, languages=", ".join(i18n.LANGUAGES))
    return lang


# `lang: CatalogueLanguage = None` on a query: the language of a page's every label and text, refused in words
# (422 `language_unknown`, listing the languages there are) when no catalogue has it.
CatalogueLanguage = Annotated[str | None, PField(max_length=20, description=(
    "language of every label and text: one with a message catalogue, es or en today (default: the "
    "Accept-Language header, else Spanish)")), AfterValidator(_has_a_catalogue)]
