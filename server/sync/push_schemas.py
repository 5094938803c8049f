"""The push's wire format (docs/sync.md, section 2): the mutations a phone sends, as the API document shows
them, and the acknowledgement it gets back; the limits of one push."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import AwareDatetime, BaseModel, ConfigDict, GetJsonSchemaHandler, create_model
from pydantic import Field as PField
from pydantic.json_schema import JsonSchemaValue

from server.sync import intents

PROTOCOL = "vigia-sync/1"
MAX_MUTATIONS = 500
MAX_PUSH_BYTES = 5 * 1024 * 1024


class MutationIn(BaseModel):
    """One thing the person did offline, as a named intent with its data."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = PField(description="made by the device; never reused")
    intent: str = PField(min_length=1, max_length=40, description=", ".join(intents.INTENTS))
    municipality: str = PField(min_length=1, max_length=20, description="the municipality's code")
    at: AwareDatetime | None = PField(None, description="when it was done on the phone (informative)")
    payload: dict[str, Any]


def _documented_mutation(name: str, intent: intents.Intent) -> type[BaseModel]:
    """The shape of one intent's mutation, for the API document only (each is parsed on its own at run time)."""
    return create_model(
        "Mutation_" + name.replace(".", "_"), __base__=MutationIn, __doc__=f"A `{name}` mutation.",
        intent=(Literal[name], PField(description="the intent")),  # type: ignore[valid-type]
        payload=(intent.schema, ...),
    )


_DOCUMENTED = [_documented_mutation(name, intent) for name, intent in intents.INTENTS.items()]


class _PushDocumented(BaseModel):
    mutations: list[Annotated[Union[tuple(_DOCUMENTED)], PField(discriminator="intent")]] = PField(  # noqa: UP007
        min_length=1, max_length=MAX_MUTATIONS)


class PushBody(BaseModel):
    """Up to 500 mutations, applied in order. Each one is checked on its own: a malformed mutation is rejected
    in its result and does not spoil the others (so the body is parsed loosely; the document shows each
    intent's shape)."""

    model_config = ConfigDict(extra="forbid")
    edge_checks_items_of: ClassVar[tuple[str, ...]] = ("mutations",)  # server.edge, per mutation in apply_one

    mutations: list[Any] = PField(min_length=1, max_length=MAX_MUTATIONS)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(_PushDocumented.__pydantic_core_schema__)
        schema = handler.resolve_ref_schema(schema)
        schema["title"] = "PushBody"
        schema["description"] = (cls.__doc__ or "").strip()
        return schema


class ErrorOut(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class MutationResult(BaseModel):
    id: str | None
    intent: str | None
    status: str = PField(description="applied, noted, rejected, or retry (not stored: send it again later)")
    record: dict[str, Any] | None = None
    data: dict[str, Any] = {}
    message: str | None = None
    error: ErrorOut | None = None


class PushAck(BaseModel):
    """The explicit acknowledgement: trust a push only if protocol, ok and one result per mutation are here."""

    protocol: str = PROTOCOL
    ok: bool = True
    server_time: datetime
    results: list[MutationResult]


