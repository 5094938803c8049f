"""What a form version may say, and whether a visit's answers fit exactly that version.

Both checks return every problem at once, each naming its question, as error details
(`{"field", "code", "params"}`) ready for `Invalid(details=...)`.
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from server.errors import AppError
from server.i18n import N_, Term, Words, join_words, register_words, term
from server.inspections.models import Question, QuestionKind, Severity

CHOICES = (QuestionKind.single_choice, QuestionKind.multiple_choice)
register_words(Severity, "severity_")  # a finding's severity: "alta", "crítica" (shown and accepted)
TEXT_MAX = 4_000


def _detail(field: str, code: str, **params: Any) -> dict[str, Any]:
    return {"field": field, "code": code, "params": params}


def validate_definition(questions: Iterable[Question]) -> list[dict[str, Any]]:
    """Problems with a version's questions: repeated ids, a condition on a later or unknown question or on a
    value that question cannot take, choices without options, a range whose minimum exceeds its maximum."""
    errors: list[dict[str, Any]] = []
    seen: dict[str, Question] = {}
    for index, question in enumerate(questions):
        field = f"questions[{index}]"
        qid = question.id
        if qid in seen:
            errors.append(_detail(f"{field}.id", "question_id_repeated", question=qid))
        if question.kind in CHOICES:
            keys = [option.key for option in question.options]
            if not keys:
                errors.append(_detail(f"{field}.options", "question_options_missing", question=qid))
            elif len(set(keys)) != len(keys):
                errors.append(_detail(f"{field}.options", "question_options_repeated", question=qid))
        elif question.options:
            errors.append(_detail(f"{field}.options", "question_options_not_allowed", question=qid))
        if question.kind == QuestionKind.number:
            if question.min is not None and question.max is not None and question.min > question.max:
                errors.append(_detail(f"{field}.min", "question_range_invalid", question=qid))
        elif question.min is not None or question.max is not None:
            errors.append(_detail(f"{field}.min", "question_range_not_allowed", question=qid))
        if question.show_if is not None:
            target = seen.get(question.show_if.question)
            if target is None:
                errors.append(_detail(f"{field}.show_if", "question_condition_not_earlier", question=qid,
                                      other=question.show_if.question))
            elif not _may_equal(target, question.show_if.equals):
                errors.append(_detail(f"{field}.show_if", "question_condition_value", question=qid,
                                      other=target.id))
        seen.setdefault(qid, question)
    return errors


def _may_equal(target: Question, value: Any) -> bool:
    if target.kind == QuestionKind.yes_no:
        return isinstance(value, bool)
    if target.kind in CHOICES:
        return isinstance(value, str) and value in {option.key for option in target.options}
    if target.kind == QuestionKind.number:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return target.kind in (QuestionKind.text, QuestionKind.date) and isinstance(value, str)


def parse_questions(raw: list[dict[str, Any]]) -> list[Question]:
    return [Question.model_validate(item) for item in raw]


def visible(questions: list[Question], answers: dict[str, Any]) -> set[str]:
    """The ids of the questions shown, given the answers (a condition on a hidden question hides too)."""
    shown: set[str] = set()
    for question in questions:
        condition = question.show_if
        if condition is None:
            shown.add(question.id)
            continue
        if condition.question not in shown:
            continue
        if _matches(answers.get(condition.question), condition.equals):
            shown.add(question.id)
    return shown


def _matches(answer: Any, expected: Any) -> bool:
    if isinstance(answer, list):
        return expected in answer
    if isinstance(answer, bool) or isinstance(expected, bool):
        return isinstance(answer, bool) and isinstance(expected, bool) and answer == expected
    return answer is not None and answer == expected


def validate_answers(version: Any, answers: dict[str, Any], *, municipality: Any = None,
                     photo_exists: Callable[[uuid.UUID], bool] | None = None) -> list[dict[str, Any]]:
    """Every problem with `answers` against exactly `version` (anything with `.questions`), each naming its
    question by its text: unknown question, answer to a hidden question, missing required answer, wrong type,
    option not in the list, number out of range, bad date, photo that is not one of this municipality's, point
    that is invalid or (given `municipality`) outside it. The caller says which photos exist.

    The natural forms of an answer that the form offers are accepted and written back into `answers` as the
    stored value (`normalise_answers`): "Sí", "si", "No" for a yes/no question, an option's label for its key,
    "12" or "12,5" for a number."""
    questions = parse_questions(version.questions)
    answers.update(normalise_answers(questions, answers))
    by_id = {question.id: question for question in questions}
    shown = visible(questions, answers)
    errors: list[dict[str, Any]] = []
    for qid in answers:
        if qid not in by_id:
            errors.append(_detail(f"answers.{qid}", "answer_unknown_question", question=qid))
    for question in questions:
        field = f"answers.{question.id}"
        answer = answers.get(question.id)
        empty = answer is None or answer == [] or (isinstance(answer, str) and not answer.strip())
        if question.id not in shown:
            if not empty:
                errors.append(_detail(field, "answer_to_hidden_question", question=_text(question)))
            continue
        if empty:
            if question.required:
                errors.append(_detail(field, "answer_required", question=_text(question)))
            continue
        problem = _check(question, answer, municipality, photo_exists)
        if problem is not None:
            code, params = problem
            errors.append(_detail(field, code, question=_text(question), **params))
    return errors


# ------------------------------------------------------------------------------------------------ natural answers

_YES = {"si", "yes", "true", "verdadero", "s", "y"}
_NO = {"no", "false", "falso", "n"}


def normalise_answers(questions: list[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with each natural form the form offers turned into the value stored: a yes/no question takes
    "Sí", "si", "No" (any case, with or without the accent), a choice an option's label as well as its key (a
    multiple choice also one option alone, not in a list), a number "12" or "12,5". Anything else is left as
    sent, for `validate_answers` to name."""
    by_id = {question.id: question for question in questions}
    normalised = dict(answers)
    for qid, answer in answers.items():
        question = by_id.get(qid)
        if question is not None:
            normalised[qid] = _natural(question, answer)
    return normalised


def _natural(question: Question, answer: Any) -> Any:
    kind = question.kind
    if kind == QuestionKind.yes_no and isinstance(answer, str):
        word = _plain(answer)
        return True if word in _YES else False if word in _NO else answer
    if kind == QuestionKind.single_choice and isinstance(answer, str):
        return _option_key(question, answer)
    if kind == QuestionKind.multiple_choice:
        if isinstance(answer, str):  # one option alone
            key = _option_key(question, answer)
            return [key] if key in {option.key for option in question.options} else answer
        if isinstance(answer, list):
            return [_option_key(question, item) if isinstance(item, str) else item for item in answer]
    if kind == QuestionKind.number and isinstance(answer, str):
        text = answer.strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return answer
        if not math.isfinite(number):
            return answer
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    return answer


def _option_key(question: Question, answer: str) -> str:
    """The key of the option `answer` names (by key, or by its label in either language); `answer` otherwise."""
    if answer in {option.key for option in question.options}:
        return answer
    wanted = _plain(answer)
    for option in question.options:
        if wanted in {_plain(option.key), _plain(option.label), _plain(option.label_en or "")}:
            return option.key
    return answer


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split()).strip(" .!¡")


# ------------------------------------------------------------------------------------------------ words


def _text(question: Question) -> Words:
    """How a person knows the question: its text, in Spanish and (when the form has it) in English."""
    return Words(es=question.text, en=question.text_en or question.text)


def _labels(question: Question) -> Words:
    spanish = [option.label for option in question.options]
    english = [option.label_en or option.label for option in question.options]
    return Words(es=join_words(spanish, "es"), en=join_words(english, "en"))


def expected(question: Question) -> Term:
    """What a question expects, in words: "Sí o No", "una de estas opciones: Bueno, Regular o Malo"..."""
    kind = question.kind
    if kind in CHOICES:
        labels = _labels(question)
        if kind == QuestionKind.single_choice:
            return term("expect_one_of", options=labels)
        return term("expect_some_of", options=labels)
    if kind == QuestionKind.number:
        low, high = question.min, question.max
        if low is not None and high is not None:
            return term("expect_number_between", low=_show(low), high=_show(high))
        if low is not None:
            return term("expect_number_at_least", low=_show(low))
        if high is not None:
            return term("expect_number_at_most", high=_show(high))
        return term("expect_number")
    return term(EXPECTED[kind])


# What the other kinds of question expect, in words.
EXPECTED = {QuestionKind.yes_no: N_("expect_yes_no"), QuestionKind.text: N_("expect_text"),
            QuestionKind.date: N_("expect_date"), QuestionKind.photo: N_("expect_photo"),
            QuestionKind.point: N_("expect_point")}


def _check(question: Question, answer: Any, municipality: Any,
           photo_exists: Callable[[uuid.UUID], bool] | None) -> tuple[str, dict[str, Any]] | None:
    kind = question.kind
    wrong = (N_("answer_wrong_type"), {"expected": expected(question)})
    if kind == QuestionKind.yes_no:
        return None if isinstance(answer, bool) else wrong
    keys = {o.key for o in question.options}
    if kind == QuestionKind.single_choice:
        if not isinstance(answer, str):
            return wrong
        return None if answer in keys else (N_("answer_option_unknown"), {"value": answer, "expected": expected(question)})
    if kind == QuestionKind.multiple_choice:
        if not isinstance(answer, list) or not all(isinstance(item, str) for item in answer) \
                or len(set(answer)) != len(answer):
            return wrong
        unknown = [item for item in answer if item not in keys]
        return (N_("answer_option_unknown"), {"value": ", ".join(unknown), "expected": expected(question)}) \
            if unknown else None
    if kind == QuestionKind.number:
        if not isinstance(answer, (int, float)) or isinstance(answer, bool):
            return wrong
        low = question.min if question.min is not None else float("-inf")
        high = question.max if question.max is not None else float("inf")
        if not low <= answer <= high:
            return N_("answer_out_of_range"), {"expected": expected(question)}
        return None
    if kind == QuestionKind.text:
        if not isinstance(answer, str):
            return wrong
        return (N_("answer_too_long"), {"limit": TEXT_MAX}) if len(answer) > TEXT_MAX else None
    if kind == QuestionKind.date:
        try:
            date.fromisoformat(answer)
        except (TypeError, ValueError):
            return N_("answer_bad_date"), {}
        return None
    if kind == QuestionKind.photo:
        try:
            photo_id = uuid.UUID(answer) if isinstance(answer, str) else None
        except ValueError:
            photo_id = None
        if photo_id is None or (photo_exists is not None and not photo_exists(photo_id)):
            return N_("answer_photo_unknown"), {}
        return None
    return _check_point(answer, municipality)


def _check_point(answer: Any, municipality: Any) -> tuple[str, dict[str, Any]] | None:
    from server import geo
    from server.municipalities import service as municipalities

    try:
        shape = geo.parse_geojson(answer, allowed=("Point",), field="answer")
    except AppError as error:
        if error.code == "coordinates_look_swapped":
            return N_("answer_point_swapped"), {}
        return N_("answer_point_invalid"), {}
    if municipality is not None:
        try:
            municipalities.check_point(municipality, lon=shape.x, lat=shape.y)
        except AppError as error:
            if error.code == "coordinates_swapped":
                return N_("answer_point_swapped"), {}
            if error.code == "point_in_other_municipality":
                return N_("answer_point_elsewhere"), {key: error.params[key] for key in ("other", "other_code")} | {
                    "municipality": municipality.name}
            return N_("answer_point_outside"), {"municipality": municipality.name}
    return None


def _show(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("finding_severity_critical"), N_("finding_severity_high"), N_("finding_severity_low"),
    N_("finding_severity_medium"), N_("severity_critical"), N_("severity_high"), N_("severity_low"),
    N_("severity_medium"),
)
