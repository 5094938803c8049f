"""Answers checked against exactly one form version; every error names its question."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from server.inspections.definition import validate_answers, validate_definition, visible
from server.inspections.models import Question
from tests.factories import CENTRO, municipality

QUESTIONS = [
    {"id": "letrero", "text": "¿Hay letrero?", "kind": "yes_no", "required": True},
    {"id": "materiales", "text": "¿Materiales?", "kind": "single_choice", "required": True,
     "options": [{"key": "si", "label": "Sí"}, {"key": "no", "label": "No"}]},
    {"id": "problemas", "text": "¿Problemas?", "kind": "multiple_choice",
     "options": [{"key": "grietas", "label": "Grietas"}, {"key": "baches", "label": "Baches"}]},
    {"id": "trabajadores", "text": "¿Cuántos?", "kind": "number", "min": 0, "max": 50},
    {"id": "inicio", "text": "¿Cuándo empezó?", "kind": "date"},
    {"id": "foto", "text": "Foto", "kind": "photo"},
    {"id": "lugar", "text": "Lugar", "kind": "point"},
    {"id": "dinero", "text": "¿Pidieron dinero?", "kind": "yes_no", "required": True},
    {"id": "quien", "text": "¿Quién y cuándo?", "kind": "text", "required": True,
     "show_if": {"question": "dinero", "equals": True}},
    {"id": "grietas_donde", "text": "¿Dónde están las grietas?", "kind": "text",
     "show_if": {"question": "problemas", "equals": "grietas"}},
]
VERSION = SimpleNamespace(questions=QUESTIONS)
KNOWN_PHOTO = uuid.UUID("0193f000-0000-7000-8000-0000000000aa")


def check(answers: dict, **kwargs) -> dict[str, str]:
    """{question id: code} of every error."""
    errors = validate_answers(VERSION, answers, photo_exists=lambda pid: pid == KNOWN_PHOTO, **kwargs)
    return {error["field"].removeprefix("answers."): error["code"] for error in errors}


VALID = {"letrero": True, "materiales": "si", "dinero": False}


def test_a_complete_answer_set_has_no_errors() -> None:
    full = dict(VALID, problemas=["grietas"], trabajadores=12, inicio="2026-03-02", foto=str(KNOWN_PHOTO),
                lugar={"type": "Point", "coordinates": list(CENTRO)}, grietas_donde="En la esquina")
    assert check(full) == {}


@pytest.mark.parametrize(("answers", "question", "code"), [
    ({"materiales": "si", "dinero": False}, "letrero", "answer_required"),
    (dict(VALID, letrero="quizá"), "letrero", "answer_wrong_type"),
    (dict(VALID, materiales="tal_vez"), "materiales", "answer_option_unknown"),
    (dict(VALID, problemas=["grietas", "fugas"]), "problemas", "answer_option_unknown"),
    (dict(VALID, problemas="fugas"), "problemas", "answer_wrong_type"),
    (dict(VALID, problemas=3), "problemas", "answer_wrong_type"),
    (dict(VALID, trabajadores=51), "trabajadores", "answer_out_of_range"),
    (dict(VALID, trabajadores=-1), "trabajadores", "answer_out_of_range"),
    (dict(VALID, trabajadores=True), "trabajadores", "answer_wrong_type"),
    (dict(VALID, inicio="2026-02-30"), "inicio", "answer_bad_date"),
    (dict(VALID, inicio=20260301), "inicio", "answer_bad_date"),
    (dict(VALID, foto=str(uuid.uuid4())), "foto", "answer_photo_unknown"),
    (dict(VALID, foto="no-es-un-id"), "foto", "answer_photo_unknown"),
    (dict(VALID, lugar={"type": "Point", "coordinates": [200, 95]}), "lugar", "answer_point_invalid"),
    (dict(VALID, lugar="aquí"), "lugar", "answer_point_invalid"),
    (dict(VALID, quien="El residente"), "quien", "answer_to_hidden_question"),
    (dict(VALID, color="rojo"), "color", "answer_unknown_question"),
])
def test_every_error_names_its_question(answers: dict, question: str, code: str) -> None:
    assert check(answers) == {question: code}


def test_errors_are_collected_together() -> None:
    errors = check({"letrero": "x", "materiales": "otro", "extra": 1})
    assert errors == {"letrero": "answer_wrong_type", "materiales": "answer_option_unknown",
                      "dinero": "answer_required", "extra": "answer_unknown_question"}


def test_a_conditional_question_is_required_only_when_shown() -> None:
    assert check(dict(VALID, dinero=True)) == {"quien": "answer_required"}
    assert check(dict(VALID, dinero=True, quien="Un señor de la empresa, el lunes")) == {}
    assert check(dict(VALID, dinero=False)) == {}


def test_a_condition_on_a_multiple_choice_looks_for_the_option() -> None:
    questions = [Question.model_validate(q) for q in QUESTIONS]
    assert "grietas_donde" in visible(questions, {"problemas": ["baches", "grietas"]})
    assert "grietas_donde" not in visible(questions, {"problemas": ["baches"]})
    assert check(dict(VALID, problemas=["baches"], grietas_donde="Aquí")) == {
        "grietas_donde": "answer_to_hidden_question"}


def test_a_point_outside_the_municipality_is_refused(session) -> None:
    far = {"type": "Point", "coordinates": [-99.13, 19.43]}  # Mexico City
    assert check(dict(VALID, lugar=far), municipality=municipality(session)) == {"lugar": "answer_point_outside"}
    gomez = {"type": "Point", "coordinates": [-103.498, 25.565]}
    assert check(dict(VALID, lugar=gomez), municipality=municipality(session)) == {"lugar": "answer_point_elsewhere"}
    swapped = {"type": "Point", "coordinates": [CENTRO[1], CENTRO[0]]}
    assert check(dict(VALID, lugar=swapped), municipality=municipality(session)) == {"lugar": "answer_point_swapped"}
    inside = {"type": "Point", "coordinates": list(CENTRO)}
    assert check(dict(VALID, lugar=inside), municipality=municipality(session)) == {}


def _definition(*questions: dict) -> dict[str, str]:
    return {error["params"]["question"]: error["code"]
            for error in validate_definition([Question.model_validate(q) for q in questions])}


def test_definition_errors_name_the_question() -> None:
    assert _definition({"id": "a", "text": "A", "kind": "yes_no"}, {"id": "a", "text": "B", "kind": "text"}) == {
        "a": "question_id_repeated"}
    assert _definition({"id": "b", "text": "B", "kind": "single_choice"}) == {"b": "question_options_missing"}
    assert _definition({"id": "c", "text": "C", "kind": "number", "min": 10, "max": 1}) == {
        "c": "question_range_invalid"}
    assert _definition({"id": "d", "text": "D", "kind": "text", "show_if": {"question": "e", "equals": True}},
                       {"id": "e", "text": "E", "kind": "yes_no"}) == {"d": "question_condition_not_earlier"}
    assert _definition({"id": "e", "text": "E", "kind": "yes_no"},
                       {"id": "f", "text": "F", "kind": "text", "show_if": {"question": "e", "equals": "quizá"}}) == {
        "f": "question_condition_value"}
    assert _definition({"id": "g", "text": "G", "kind": "yes_no", "options": [{"key": "x", "label": "X"}]}) == {
        "g": "question_options_not_allowed"}


def _messages(answers: dict, language: str = "es") -> dict[str, str]:
    """{question id: the message a person reads} of every error."""
    from server.errors import Invalid

    errors = validate_answers(VERSION, answers, photo_exists=lambda pid: pid == KNOWN_PHOTO)
    return {detail["field"].removeprefix("answers."): detail["message"]
            for detail in Invalid("answers_invalid", details=errors).rendered_details(language)}


def test_the_natural_answers_the_form_offers_are_accepted_and_stored_as_values() -> None:
    answers = dict(VALID, letrero="Sí", dinero="no", materiales="No", problemas=["Grietas", "baches"],
                   trabajadores="12")
    assert check(answers) == {}
    assert answers == {"letrero": True, "dinero": False, "materiales": "no", "problemas": ["grietas", "baches"],
                       "trabajadores": 12}
    for yes in ("si", "SI", "sí", " Sí ", "yes"):
        assert check(dict(VALID, letrero=yes)) == {}
    alone = dict(VALID, problemas="Baches", trabajadores="2,5")
    assert check(alone) == {} and alone["problemas"] == ["baches"] and alone["trabajadores"] == 2.5
    shown = dict(VALID, dinero="Sí")  # a condition on "dinero" reads the stored value
    assert check(shown) == {"quien": "answer_required"}


def test_answer_errors_name_the_question_and_the_expected_answer_in_words() -> None:
    messages = _messages({"letrero": "quizá", "materiales": "tal vez", "dinero": False, "trabajadores": 51,
                          "problemas": ["fugas"]})
    assert messages == {
        "letrero": "La pregunta «¿Hay letrero?» espera Sí o No.",
        "materiales": "«tal vez» no es una respuesta de la pregunta «¿Materiales?», que espera una de estas "
                      "opciones: Sí o No.",
        "problemas": "«fugas» no es una respuesta de la pregunta «¿Problemas?», que espera una o varias de estas "
                     "opciones: Grietas o Baches.",
        "trabajadores": "La pregunta «¿Cuántos?» espera un número entre 0 y 50.",
    }
    assert _messages({"materiales": "si", "letrero": 3, "dinero": True}, "en") == {
        "letrero": "The question '¿Hay letrero?' expects Yes or No.",
        "quien": "The question '¿Quién y cuándo?' needs an answer.",
    }
