"""What an annotation scheme version may say (labels with definitions, examples and attributes; document-level
questions), and whether an annotation's attributes or an assignment's answers fit exactly that version.

The checks return every problem at once as error details (`{"field", "code", "params"}`) for `Invalid(details=...)`.
"""

from __future__ import annotations

import math
from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField

from server.i18n import N_, Words, register_words

CODE = r"^[a-z0-9][a-z0-9_-]{0,63}$"
TEXT_MAX = 4_000
LIST_MAX = 50


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(Strict):
    """A text in Spanish (always) and English (when the scheme has it)."""

    es: str = PField(min_length=1, max_length=4_000)
    en: str | None = PField(None, max_length=4_000)


class Option(Strict):
    code: str = PField(pattern=CODE)
    name: Bilingual


class AttributeKind(str, Enum):
    choice = "choice"
    boolean = "boolean"
    text = "text"


# The kinds of attributes and questions share their words ("opción", "sí o no", "texto"…): "value_kind_" + code.
register_words(AttributeKind, "value_kind_")


class Attribute(Strict):
    """Something more an annotator says about one span of a label (e.g. which kind of incongruence)."""

    code: str = PField(pattern=CODE)
    name: Bilingual
    kind: AttributeKind
    options: list[Option] = PField(default_factory=list, max_length=50)
    required: bool = False


class Label(Strict):
    code: str = PField(pattern=CODE)
    name: Bilingual
    definition: Bilingual
    examples: list[Bilingual] = PField(default_factory=list, max_length=20)
    attributes: list[Attribute] = PField(default_factory=list, max_length=20)
    color: str | None = PField(None, pattern=r"^#[0-9a-fA-F]{6}$")


class QuestionKind(str, Enum):
    choice = "choice"  # one option
    multi = "multi"  # some options
    number = "number"
    date = "date"  # YYYY-MM-DD
    text = "text"
    boolean = "boolean"
    list = "list"  # a list of short texts (e.g. the precedents a ruling cites)


register_words(QuestionKind, "value_kind_")
VALUE_KINDS = (N_("value_kind_choice"), N_("value_kind_multi"), N_("value_kind_number"), N_("value_kind_date"),
               N_("value_kind_text"), N_("value_kind_boolean"), N_("value_kind_list"))


class Question(Strict):
    code: str = PField(pattern=CODE)
    text: Bilingual
    help: Bilingual | None = None
    kind: QuestionKind
    options: list[Option] = PField(default_factory=list, max_length=100)
    required: bool = False
    min: float | None = None
    max: float | None = None


class Definition(Strict):
    """A scheme version: the labels an annotator gives spans of a ruling, and the questions about the whole ruling."""

    labels: list[Label] = PField(min_length=1, max_length=50)
    questions: list[Question] = PField(default_factory=list, max_length=50)


def _detail(field: str, message: str, **params: Any) -> dict[str, Any]:
    return {"field": field, "code": message, "params": params}


def _options(field: str, options: list[Option], needs: bool, owner: str) -> list[dict[str, Any]]:
    codes = [option.code for option in options]
    if needs and not codes:
        return [_detail(f"{field}.options", N_("scheme_options_missing"), code=owner)]
    if not needs and codes:
        return [_detail(f"{field}.options", N_("scheme_options_not_allowed"), code=owner)]
    if len(set(codes)) != len(codes):
        return [_detail(f"{field}.options", N_("scheme_options_repeated"), code=owner)]
    return []


def validate_definition(definition: Definition) -> list[dict[str, Any]]:
    """Problems with a version: repeated label, attribute or question codes, choices without options or options
    where there is no choice, a number range whose minimum exceeds its maximum."""
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, label in enumerate(definition.labels):
        field = f"definition.labels[{index}]"
        if label.code in seen:
            errors.append(_detail(f"{field}.code", N_("scheme_label_repeated"), code=label.code))
        seen.add(label.code)
        attributes: set[str] = set()
        for number, attribute in enumerate(label.attributes):
            where = f"{field}.attributes[{number}]"
            if attribute.code in attributes:
                errors.append(_detail(f"{where}.code", N_("scheme_attribute_repeated"), code=attribute.code))
            attributes.add(attribute.code)
            errors += _options(where, attribute.options, attribute.kind == AttributeKind.choice, attribute.code)
    asked: set[str] = set()
    for index, question in enumerate(definition.questions):
        field = f"definition.questions[{index}]"
        if question.code in asked:
            errors.append(_detail(f"{field}.code", N_("scheme_question_repeated"), code=question.code))
        asked.add(question.code)
        errors += _options(field, question.options, question.kind in (QuestionKind.choice, QuestionKind.multi),
                           question.code)
        if question.kind == QuestionKind.number:
            if question.min is not None and question.max is not None and question.min > question.max:
                errors.append(_detail(f"{field}.min", N_("scheme_range_invalid"), code=question.code))
        elif question.min is not None or question.max is not None:
            errors.append(_detail(f"{field}.min", N_("scheme_range_not_allowed"), code=question.code))
    return errors


def parse(definition: dict[str, Any]) -> Definition:
    return Definition.model_validate(definition)


def words(text: Bilingual) -> Words:
    return Words(es=text.es, en=text.en or text.es)


def label_names(definition: Definition) -> Words:
    """The version's labels as a person reads them, for messages that list them."""
    from server.i18n import join_words

    return Words(es=join_words([f"{label.name.es} ({label.code})" for label in definition.labels], "es"),
                 en=join_words([f"{(label.name.en or label.name.es)} ({label.code})" for label in definition.labels],
                               "en"))


# ------------------------------------------------------------------------------------------------ values


def check_attributes(label: Label, attributes: dict[str, Any], field: str = "attributes") -> list[dict[str, Any]]:
    """Problems with a span's attributes against its label: unknown attribute, wrong type, option not offered,
    required attribute missing."""
    errors: list[dict[str, Any]] = []
    by_code = {attribute.code: attribute for attribute in label.attributes}
    for code in attributes:
        if code not in by_code:
            errors.append(_detail(f"{field}.{code}", N_("annotation_attribute_unknown"), attribute=code,
                                  label=words(label.name)))
    for attribute in label.attributes:
        value = attributes.get(attribute.code)
        where = f"{field}.{attribute.code}"
        if value is None:
            if attribute.required:
                errors.append(_detail(where, N_("annotation_attribute_required"), attribute=words(attribute.name)))
            continue
        if attribute.kind == AttributeKind.boolean and not isinstance(value, bool):
            errors.append(_detail(where, N_("annotation_attribute_wrong_type"), attribute=words(attribute.name)))
        elif attribute.kind == AttributeKind.text and (not isinstance(value, str) or len(value) > TEXT_MAX):
            errors.append(_detail(where, N_("annotation_attribute_wrong_type"), attribute=words(attribute.name)))
        elif attribute.kind == AttributeKind.choice and (not isinstance(value, str) or value not in {
                option.code for option in attribute.options}):
            errors.append(_detail(where, N_("annotation_attribute_option_unknown"), attribute=words(attribute.name),
                                  value=str(value)[:100]))
    return errors


def check_answer(question: Question, value: Any) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with one answer (None: nothing). A None value clears the answer and is always accepted."""
    if value is None:
        return None
    kind = question.kind
    name = {"question": words(question.text)}
    codes = {option.code for option in question.options}
    if kind == QuestionKind.boolean:
        return None if isinstance(value, bool) else (N_("answer_expects_boolean"), name)
    if kind == QuestionKind.choice:
        if not isinstance(value, str) or value not in codes:
            return N_("answer_option_not_offered"), name | {"value": str(value)[:100]}
        return None
    if kind == QuestionKind.multi:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value) \
                or len(set(value)) != len(value):
            return N_("answer_expects_options"), name
        unknown = [item for item in value if item not in codes]
        return (N_("answer_option_not_offered"), name | {"value": ", ".join(unknown)[:100]}) if unknown else None
    if kind == QuestionKind.number:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return N_("answer_expects_number"), name
        if (question.min is not None and value < question.min) or (question.max is not None and value > question.max):
            return N_("answer_number_out_of_range"), name
        return None
    if kind == QuestionKind.date:
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return N_("answer_expects_date"), name
        return None
    if kind == QuestionKind.list:
        if not isinstance(value, list) or len(value) > LIST_MAX \
                or not all(isinstance(item, str) and 0 < len(item.strip()) <= 300 for item in value):
            return N_("answer_expects_list"), name
        return None
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        return N_("answer_expects_text"), name
    return None


def check_answers(definition: Definition, answers: dict[str, Any]) -> list[dict[str, Any]]:
    by_code = {question.code: question for question in definition.questions}
    errors: list[dict[str, Any]] = []
    for code, value in answers.items():
        question = by_code.get(code)
        if question is None:
            errors.append(_detail(f"answers.{code}", N_("answer_question_unknown"), question=code))
            continue
        problem = check_answer(question, value)
        if problem is not None:
            errors.append(_detail(f"answers.{code}", problem[0], **problem[1]))
    return errors


def missing_required(definition: Definition, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The required questions left unanswered (checked when an assignment is finished)."""
    return [_detail(f"answers.{question.code}", N_("answer_required_missing"), question=words(question.text))
            for question in definition.questions
            if question.required and answers.get(question.code) in (None, "", [])]
