"""What a form version may say, and whether a visit's answers fit exactly that version.

Both checks return every problem at once, each naming its question, as error details
(`{"field", "code", "params"}`) ready for `Invalid(details=...)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from server.errors import AppError
from server.inspections.models import Question, QuestionKind

CHOICES = (QuestionKind.single_choice, QuestionKind.multiple_choice)
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
    question: unknown question, answer to a hidden question, missing required answer, wrong type, option not
    in the list, number out of range, bad date, photo that is not one of this municipality's, point that is
    invalid or (given `municipality`) outside it. Pure: the caller says which photos exist."""
    questions = parse_questions(version.questions)
    by_id = {question.id: question for question in questions}
    shown = visible(questions, answers)
    errors: list[dict[str, Any]] = []
    for qid in answers:
        if qid not in by_id:
            errors.append(_detail(f"answers.{qid}", "answer_unknown_question", question=qid))
    for question in questions:
        field = f"answers.{question.id}"
        answer = answers.get(question.id)
        empty = answer is None or answer == "" or answer == []
        if question.id not in shown:
            if not empty:
                errors.append(_detail(field, "answer_to_hidden_question", question=question.id))
            continue
        if empty:
            if question.required:
                errors.append(_detail(field, "answer_required", question=question.id))
            continue
        problem = _check(question, answer, municipality, photo_exists)
        if problem is not None:
            code, params = problem
            errors.append(_detail(field, code, question=question.id, **params))
    return errors


def _check(question: Question, answer: Any, municipality: Any,
           photo_exists: Callable[[uuid.UUID], bool] | None) -> tuple[str, dict[str, Any]] | None:
    kind = question.kind
    wrong = ("answer_wrong_type", {"kind": kind.value})
    if kind == QuestionKind.yes_no:
        return None if isinstance(answer, bool) else wrong
    if kind == QuestionKind.single_choice:
        if not isinstance(answer, str):
            return wrong
        return None if answer in {o.key for o in question.options} else ("answer_option_unknown", {"value": answer})
    if kind == QuestionKind.multiple_choice:
        if not isinstance(answer, list) or not all(isinstance(item, str) for item in answer) \
                or len(set(answer)) != len(answer):
            return wrong
        unknown = [item for item in answer if item not in {o.key for o in question.options}]
        return ("answer_option_unknown", {"value": ", ".join(unknown)}) if unknown else None
    if kind == QuestionKind.number:
        if not isinstance(answer, (int, float)) or isinstance(answer, bool):
            return wrong
        low = question.min if question.min is not None else float("-inf")
        high = question.max if question.max is not None else float("inf")
        if not low <= answer <= high:
            return "answer_out_of_range", {"min": _show(question.min), "max": _show(question.max)}
        return None
    if kind == QuestionKind.text:
        if not isinstance(answer, str):
            return wrong
        return ("answer_too_long", {"limit": TEXT_MAX}) if len(answer) > TEXT_MAX else None
    if kind == QuestionKind.date:
        try:
            date.fromisoformat(answer)
        except (TypeError, ValueError):
            return "answer_bad_date", {}
        return None
    if kind == QuestionKind.photo:
        try:
            photo_id = uuid.UUID(answer) if isinstance(answer, str) else None
        except ValueError:
            photo_id = None
        if photo_id is None or (photo_exists is not None and not photo_exists(photo_id)):
            return "answer_photo_unknown", {}
        return None
    return _check_point(answer, municipality)


def _check_point(answer: Any, municipality: Any) -> tuple[str, dict[str, Any]] | None:
    from server import geo
    from server.municipalities import service as municipalities

    try:
        shape = geo.parse_geojson(answer, allowed=("Point",), field="answer")
    except AppError:
        return "answer_point_invalid", {}
    if municipality is not None:
        try:
            municipalities.check_point(municipality, lon=shape.x, lat=shape.y)
        except AppError:
            return "answer_point_outside", {"municipality": municipality.name}
    return None


def _show(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)
