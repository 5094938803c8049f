"""The committees' words for screens: every code the committee endpoints answer with its label in the reader's
language, and the lifecycle with what each step needs (`models.STEP_NEEDS`, the table `service.transition` applies),
so a screen asks for exactly what the rule requires and never shows a code."""

from __future__ import annotations

from typing import Any

from server import i18n
from server.committees.models import STEP_NEEDS, TRANSITIONS, AgreementStatus, Kind, MemberRole, Sex, State
from server.committees.schemas import Label, Step, StepNeed, Vocabulary


def vocabulary(language: str) -> Vocabulary:
    """The words of states, kinds, roles, sexes and agreement statuses, and every lifecycle step with its button,
    its hint and the labels of the fields it asks for (STEP_NEEDS, the rule transition() applies)."""

    def labels(enum: Any, prefix: str) -> list[Label]:
        return [Label(code=item.value, label=i18n.translate(f"{prefix}{item.value}", language)) for item in enum]

    steps = [Step(to=target, from_states=[state for state in State if target in TRANSITIONS[state]],
                  label=i18n.translate(f"committee_step_{target.value}", language),
                  help=i18n.translate(f"committee_step_{target.value}_help", language),
                  needs=[StepNeed(field=need.field, required=need.required, kind=need.kind,
                                  label=i18n.translate(f"committee_need_{target.value}_{need.field}", language))
                         for need in needs])
             for target, needs in STEP_NEEDS.items()]
    return Vocabulary(states=labels(State, "committee_state_"), kinds=labels(Kind, "committee_kind_"),
                      roles=labels(MemberRole, "member_role_"), sexes=labels(Sex, "sex_"),
                      agreement_statuses=labels(AgreementStatus, "agreement_"), steps=steps)
