"""The one error shape: {"error": {"code", "message", "details", "request_id"}}.

Services raise AppError subclasses; the handlers in `server.app` turn them, Pydantic's ValidationError and
Starlette's HTTPException into that shape. No traceback ever leaves the server.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from server.i18n import (
    MESSAGES,
    N_,
    VALIDATION_MESSAGES,
    Language,
    Term,
    Words,
    enum_words,
    fill,
    join_words,
    term,
    translate,
    validation_text,
)


class AppError(Exception):
    """An error the person who sent the request can act on."""

    status = 400
    default_code = N_("http_error")

    def __init__(
        self,
        code: str | None = None,
        /,
        *,
        details: list[dict[str, Any]] | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        **params: Any,
    ) -> None:
        self.code = code or self.default_code
        self.details = details or []
        self.params = params
        self.headers = headers or {}
        self.extra = extra or {}
        if status is not None:
            self.status = status
        super().__init__(self.code)

    def message(self, language: Language) -> str:
        return translate(self.code, language, **self.params)

    def rendered_details(self, language: Language) -> list[dict[str, Any]]:
        """Details with their messages in `language` (a detail may carry a code and params instead of text)."""
        rendered = []
        for detail in self.details:
            item = {key: value for key, value in detail.items() if key not in ("params", "message_code")}
            if "message" not in item:
                code = detail.get("message_code", detail["code"])
                item["message"] = translate(code, language, **detail.get("params", {}))
            item.setdefault("field", None)
            rendered.append(item)
        return rendered


class Invalid(AppError):
    status = 422
    default_code = "validation_error"

    @classmethod
    def for_field(cls, field: str, code: str, /, **params: Any) -> "Invalid":
        """One field is wrong: the error and its detail share the code and the message."""
        return cls(code, details=[{"field": field, "code": code, "params": params}], **params)


class BadRequest(AppError):
    status = 400
    default_code = N_("http_error")


class Unauthorized(AppError):
    status = 401
    default_code = "auth_required"

    def __init__(self, code: str | None = None, /, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="vigia"'})
        super().__init__(code, **kwargs)


class Forbidden(AppError):
    status = 403
    default_code = "forbidden"


class NotFound(AppError):
    status = 404
    default_code = N_("not_found")


class Conflict(AppError):
    status = 409
    default_code = "conflict"


def stale_version(current: int, sent: int, saved: dict[str, Any]) -> Conflict:
    """409 stale_version for a write made on a version that is no longer the saved one, carrying the record as
    saved now (in `error.details[0].current` and `error.current`) so a screen can show both side by side."""
    return Conflict("stale_version", current=current, sent=sent,
                    details=[{"field": "version", "code": "stale_version", "current": saved,
                              "params": {"current": current, "sent": sent}}],
                    extra={"current": saved})


class TooLarge(AppError):
    status = 413
    default_code = N_("body_too_large")


class TooManyRequests(AppError):
    status = 429
    default_code = "login_locked"


class Unavailable(AppError):
    """Vigía cannot serve this request right now (the database is down, restarting or locked by another writer):
    a 503 with Retry-After. Nothing the request asked for was done unless it was acknowledged before."""

    status = 503
    default_code = N_("database_unavailable")

    def __init__(self, code: str | None = None, /, *, seconds: int = 5, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": str(seconds)})
        super().__init__(code, seconds=seconds, **kwargs)


class ErrorDetail(BaseModel):
    """One problem with the request, usually one field."""

    field: str | None = None
    code: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []
    request_id: str | None = None


class ErrorResponse(BaseModel):
    """What every endpoint answers when it cannot do what was asked."""

    error: ErrorBody


def validation_details(exc: ValidationError, language: Language, *, strip_prefix: int = 0) -> list[dict[str, Any]]:
    """Pydantic's errors as ErrorDetail dicts: the field path joined by dots, the message in `language`.

    Every Pydantic error type a request can cause has its words in `VALIDATION_MESSAGES` (counts agree in
    number); a validator may raise `PydanticCustomError(code, ...)` with a catalogue code and its params; the
    codes an enumeration lists become its words ("queja, denuncia, solicitud de información o sugerencia")."""
    details = []
    for err in exc.errors(include_url=False):
        loc = [str(part) for part in err.get("loc", ())][strip_prefix:]
        kind = err.get("type", "value_error")
        ctx = dict(err.get("ctx") or {})
        details.append({"field": ".".join(loc) or None, "code": kind,
                        "message": validation_message(kind, err.get("msg", ""), ctx, language)})
    return details


# Pydantic's error types a request can cause, each with its words in the catalogues ("validation:<type>"; counts
# agree in number: "al menos 1 elemento", "al menos 2 elementos").
PYDANTIC_TYPES = (
    N_("validation:missing"), N_("validation:blank"), N_("validation:extra_forbidden"), N_("validation:string_type"),
    N_("validation:string_too_short"), N_("validation:string_too_long"), N_("validation:string_pattern_mismatch"),
    N_("validation:int_type"), N_("validation:int_parsing"), N_("validation:int_from_float"),
    N_("validation:float_type"), N_("validation:float_parsing"), N_("validation:finite_number"),
    N_("validation:bool_type"), N_("validation:bool_parsing"), N_("validation:greater_than"),
    N_("validation:greater_than_equal"), N_("validation:less_than"), N_("validation:less_than_equal"),
    N_("validation:literal_error"), N_("validation:enum"), N_("validation:uuid_type"), N_("validation:uuid_parsing"),
    N_("validation:date_type"), N_("validation:date_parsing"), N_("validation:date_from_datetime_parsing"),
    N_("validation:date_from_datetime_inexact"), N_("validation:datetime_type"), N_("validation:datetime_parsing"),
    N_("validation:datetime_from_date_parsing"), N_("validation:timezone_aware"), N_("validation:list_type"),
    N_("validation:set_type"), N_("validation:dict_type"), N_("validation:model_type"),
    N_("validation:model_attributes_type"), N_("validation:too_short"), N_("validation:too_long"),
    N_("validation:json_invalid"), N_("validation:json_type"), N_("validation:value_error"),
    N_("validation:decimal_max_places"), N_("validation:decimal_max_digits"), N_("validation:decimal_parsing"),
    N_("validation:decimal_type"), N_("validation:url_parsing"), N_("validation:url_scheme"),
    N_("validation:value_not_email"),
)
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def validation_message(kind: str, message: str, ctx: dict[str, Any], language: Language) -> str:
    """The words for one Pydantic error (`kind`, Pydantic's English `message`, its `ctx`) in `language`."""
    if kind in ("enum", "literal_error") and isinstance(ctx.get("expected"), str):
        codes = _QUOTED.findall(ctx["expected"])
        ctx["expected"] = enum_words(codes, language) or join_words(codes, language) if codes else ctx["expected"]
    if kind in VALIDATION_MESSAGES:
        if kind == "value_error":
            if isinstance(ctx.get("error"), (Words, Term)):  # errors.value_error(code)
                return ctx["error"].in_(language)
            text = str(ctx.get("error", message))
            return text[len("Value error, "):] if text.startswith("Value error, ") else text
        return fill(validation_text(kind, language) or message, language, **ctx)
    if kind in MESSAGES:  # PydanticCustomError(code, ...) with a catalogue code
        return translate(kind, language, **ctx)
    return message[len("Value error, "):] if message.startswith("Value error, ") else message


def value_error(code: str, /, **params: Any) -> PydanticCustomError:
    """What a validator raises instead of ValueError("texto"): Pydantic's `value_error` (the code clients know)
    whose message is the catalogue entry `code`, in the language of the request."""
    return PydanticCustomError("value_error", "{error}", {"error": term(code, **params)})


def error_payload(code: str, message: str, details: list[dict[str, Any]], request_id: str | None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details, "request_id": request_id}}
