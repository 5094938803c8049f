"""Annotations as the W3C Web Annotation Data Model says (https://www.w3.org/TR/annotation-model/), and the short
form the API also accepts.

An annotation answers as JSON-LD with `@context` http://www.w3.org/ns/anno.jsonld: `target` = the public text
version (`urn:uuid:<text id>`) with a TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector (start,
end); `body` = a classifying SpecificResource whose source names the label in its scheme version
(`urn:uuid:<scheme version id>#<label>`) and, when there is one, a commenting TextualBody; `creator`, `created`,
`modified`. What the model has no term for (the label's attributes, the version for optimistic concurrency, the
anchoring state) goes in a `vigia` object, which JSON-LD processors ignore.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Strict, ValidationError, field_validator
from pydantic import Field as PField

from server.errors import Invalid

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
COMMENT_MAX = 10_000
# An offset or a version is a JSON integer: "10", 10.0 or true are refused, not read as 10 or 1 (a client sending
# them has a bug that would put the span somewhere else than the person chose).
Integer = Annotated[int, Strict()]


def no_blank_comment(value: Any) -> Any:
    """A comment without its surrounding spaces; a blank one (spaces only) is no comment (None), never stored."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class AnnotationIn(BaseModel):
    """The short form: a span of the assignment's ruling's latest public text with a label. `exact` may be sent
    to be checked; `start`/`end` may be left out when `exact` (with `prefix`/`suffix` if it occurs more than once)
    finds the place. `version`: the version the client last saw, to update an existing annotation."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = PField(None, description="the client's id (offline): saving it again updates it")
    start: Integer | None = PField(None, ge=0)
    end: Integer | None = PField(None, ge=1)
    exact: str | None = PField(None, min_length=1, max_length=100_000)
    prefix: str | None = PField(None, max_length=200)
    suffix: str | None = PField(None, max_length=200)
    label: str = PField(min_length=1, max_length=64)
    attributes: dict[str, Any] = PField(default_factory=dict)
    comment: str | None = PField(None, max_length=COMMENT_MAX, description="blank (spaces only): no comment")
    version: Integer | None = PField(None, ge=1, description="base version (required to change an existing one)")

    _comment = field_validator("comment", mode="before")(no_blank_comment)


def _urn(value: uuid.UUID) -> str:
    return f"urn:uuid:{value}"


def _uuid(value: Any, field: str) -> uuid.UUID:
    text = str(value)
    for prefix in ("urn:uuid:",):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.rsplit("/", 1)[-1]
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise Invalid.for_field(field, "annotation_id_invalid") from exc


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_w3c(payload: Any) -> bool:
    return isinstance(payload, dict) and ("@context" in payload or payload.get("type") == "Annotation"
                                          or "target" in payload)


def from_w3c(payload: dict[str, Any]) -> AnnotationIn:
    """The short form of a W3C annotation. 422 in words when it has no label body or no usable selector."""
    if not isinstance(payload.get("target"), (dict, list)):
        raise Invalid.for_field("target", "annotation_target_missing")
    start = end = exact = prefix = suffix = None
    for target in _items(payload.get("target")):
        if not isinstance(target, dict):
            continue
        for selector in _items(target.get("selector")):
            if not isinstance(selector, dict):
                continue
            if selector.get("type") == "TextPositionSelector":
                start, end = selector.get("start"), selector.get("end")
            elif selector.get("type") == "TextQuoteSelector":
                exact, prefix, suffix = selector.get("exact"), selector.get("prefix"), selector.get("suffix")
    if start is None and exact is None:
        raise Invalid.for_field("target.selector", "annotation_selector_missing")
    label = comment = None
    for body in _items(payload.get("body")):
        if isinstance(body, str):  # an IRI naming the label
            label = label or body.rsplit("#", 1)[-1]
            continue
        if not isinstance(body, dict):
            continue
        purpose = body.get("purpose")
        if body.get("type") == "SpecificResource" and purpose in ("classifying", "tagging", None):
            label = str(body.get("source", "")).rsplit("#", 1)[-1] or label
        elif body.get("type") == "TextualBody" and purpose in ("classifying", "tagging"):
            label = body.get("value") or label
        elif body.get("type") == "TextualBody":
            comment = body.get("value")
    if not label:
        raise Invalid.for_field("body", "annotation_label_missing")
    extra = payload.get("vigia") if isinstance(payload.get("vigia"), dict) else {}
    values = {"start": start, "end": end, "exact": exact, "prefix": prefix, "suffix": suffix, "label": label,
              "comment": comment, "attributes": extra.get("attributes") or {}, "version": extra.get("version")}
    if payload.get("id") is not None:
        values["id"] = _uuid(payload["id"], "id")
    try:
        return AnnotationIn.model_validate(values)
    except ValidationError as error:
        raise Invalid("annotation_w3c_invalid", details=[
            {"field": ".".join(str(part) for part in item["loc"]), "code": "annotation_w3c_invalid", "params": {}}
            for item in error.errors()]) from error


def to_w3c(annotation: Any, *, scheme_version_id: uuid.UUID, kind: str, context: bool = True) -> dict[str, Any]:
    """One annotation row as W3C JSON-LD."""
    body: list[dict[str, Any]] = [{"type": "SpecificResource", "purpose": "classifying",
                                   "source": f"{_urn(scheme_version_id)}#{annotation.label}"}]
    if annotation.comment:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": annotation.comment,
                     "format": "text/plain"})
    item: dict[str, Any] = {
        "id": _urn(annotation.id),
        "type": "Annotation",
        "motivation": "classifying",
        "created": _iso(annotation.created),
        "modified": _iso(annotation.modified),
        "body": body,
        "target": {"source": _urn(annotation.text_id), "type": "Text", "selector": [
            {"type": "TextQuoteSelector", "exact": annotation.exact, "prefix": annotation.prefix,
             "suffix": annotation.suffix},
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end}]},
        "vigia": {"label": annotation.label, "attributes": annotation.attributes or {},
                  "assignment": str(annotation.assignment_id), "ruling": str(annotation.ruling_id),
                  "kind": kind, "version": annotation.version, "anchorState": str(annotation.anchor_state.value
                                                                                  if hasattr(annotation.anchor_state,
                                                                                             "value")
                                                                                  else annotation.anchor_state)},
    }
    if annotation.creator_id is not None:
        item["creator"] = {"id": _urn(annotation.creator_id), "type": "Person"}
    if context:
        return {"@context": CONTEXT, **item}
    return item


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
