"""Scheme definitions: the seed is valid and complete, and what a version may not say (no database)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.annotations import seed
from server.annotations.definition import Definition, check_answers, check_attributes, missing_required, parse, \
    validate_definition
from server.rulings.codelists import Outcome


def test_the_seed_has_the_five_categories_of_fundamento_7_and_the_document_questions():
    definition = parse(seed.definition())
    assert validate_definition(definition) == []
    assert [label.code for label in definition.labels] == [
        "apparent_reasoning", "internal_reasoning", "external_justification", "insufficient_reasoning",
        "incongruent_reasoning"]
    assert definition.labels[0].name.es == "Inexistencia de motivación o motivación aparente"
    for label in definition.labels:
        assert label.definition.es and label.definition.en and label.examples
    questions = {question.code: question for question in definition.questions}
    assert set(questions) == {"outcome", "time_to_ruling_reasonable", "cited_precedents",
                              "departs_from_own_precedent"}
    assert [option.code for option in questions["outcome"].options] == [outcome.value for outcome in Outcome]
    assert [o.code for o in questions["departs_from_own_precedent"].options] == ["yes", "no", "not_applicable"]


def test_a_copy_each_time():
    first = seed.definition()
    first["labels"].pop()
    assert len(seed.definition()["labels"]) == 5


def test_repeated_codes_and_missing_options_are_named():
    raw = seed.definition()
    raw["labels"].append(dict(raw["labels"][0]))
    raw["questions"].append({"code": "court_kind", "kind": "choice", "text": {"es": "¿Tipo?"}})
    raw["questions"].append({"code": "pages", "kind": "text", "text": {"es": "Páginas"}, "min": 1})
    raw["questions"].append({"code": "age", "kind": "number", "text": {"es": "Edad"}, "min": 5, "max": 1})
    codes = [(error["field"], error["code"]) for error in validate_definition(parse(raw))]
    assert codes == [("definition.labels[5].code", "scheme_label_repeated"),
                     ("definition.questions[4].options", "scheme_options_missing"),
                     ("definition.questions[5].min", "scheme_range_not_allowed"),
                     ("definition.questions[6].min", "scheme_range_invalid")]


@pytest.mark.parametrize("bad", [
    {"labels": []},
    {"labels": [{"code": "Bad Code", "name": {"es": "x"}, "definition": {"es": "y"}}]},
    {"labels": [{"code": "ok", "name": {"es": "x"}, "definition": {"es": "y"}, "unknown": 1}]},
    {"labels": [{"code": "ok", "name": {"en": "x"}, "definition": {"es": "y"}}]},  # Spanish is required
])
def test_malformed_definitions_are_refused_by_the_schema(bad):
    with pytest.raises(ValidationError):
        Definition.model_validate(bad)


def test_attributes_and_answers_are_checked_against_the_version():
    definition = parse(seed.definition())
    incongruent = definition.labels[4]
    assert check_attributes(incongruent, {"incongruence": "active", "decisive": True}) == []
    problems = check_attributes(incongruent, {"incongruence": "partial", "decisive": "yes", "colour": "red"})
    assert [p["code"] for p in problems] == ["annotation_attribute_unknown", "annotation_attribute_option_unknown",
                                             "annotation_attribute_wrong_type"]
    odd = check_attributes(incongruent, {"incongruence": ["active"], "decisive": {"yes": True}})
    assert [p["code"] for p in odd] == ["annotation_attribute_option_unknown", "annotation_attribute_wrong_type"]
    assert check_answers(definition, {"outcome": "upheld", "time_to_ruling_reasonable": False,
                                      "cited_precedents": ["STC 00728-2008-PHC/TC"],
                                      "departs_from_own_precedent": "not_applicable"}) == []
    problems = check_answers(definition, {"outcome": "won", "time_to_ruling_reasonable": "sí",
                                          "cited_precedents": "STC 1", "mood": "ok"})
    assert [(p["field"], p["code"]) for p in problems] == [
        ("answers.outcome", "answer_option_not_offered"), ("answers.time_to_ruling_reasonable",
                                                           "answer_expects_boolean"),
        ("answers.cited_precedents", "answer_expects_list"), ("answers.mood", "answer_question_unknown")]
    assert [p["field"] for p in missing_required(definition, {"outcome": "upheld"})] == [
        "answers.time_to_ruling_reasonable", "answers.departs_from_own_precedent"]
