"""The words of complaints for any screen: states, kinds, priorities, outcomes and the workflow's moves, each a code
with its label in the reader's language, from the catalogue (so no screen shows `admitted` or `high`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from pydantic import Field as PField

from server import i18n
from server.complaints import workflow
from server.complaints.models import PRIORITY_RANK, Kind
from server.complaints.workflow import Outcome, State



class Word(BaseModel):
    code: str
    label: str


class StateWord(Word):
    open: bool = PField(description="Open311 `open`: the complaint is still being handled")
    term_runs: bool = PField(description="its answer deadline runs in this state (only then can it be overdue)")
    moves: list[str] = PField(description="the codes of the moves staff may make from this state")


class MoveWord(Word):
    to_state: State
    to_label: str
    from_states: list[State] = PField(description="the states staff may make this move from")
    public_answer: Literal["required", "optional"] = PField(description=(
        "required: the move owes the reporter a public answer (written, or a template)"))
    fields: list[str] = PField(description="what else it asks for besides the reason: outcome, referred_to, "
                                           "extension_days")


class Vocabulary(BaseModel):
    """Every list in its order of use: states and moves in workflow order, priorities from the most urgent."""

    states: list[StateWord]
    kinds: list[Word]
    priorities: list[Word]
    outcomes: list[Word]
    moves: list[MoveWord]


def _staff_moves() -> dict[State, list[State]]:
    """For each target state, the states staff may move a complaint to it from, in workflow order."""
    moves: dict[State, list[State]] = {}
    for current, targets in workflow.TRANSITIONS.items():
        for target, who in targets.items():
            if workflow.STAFF in who:
                moves.setdefault(target, []).append(current)
    return moves


def vocabulary(language: str) -> Vocabulary:
    moves = _staff_moves()
    targets = [state for state in State if state in moves]
    return Vocabulary(
        states=[StateWord(code=state.value, label=workflow.label(state, language),
                          open=state in workflow.OPEN_STATES, term_runs=state in workflow.RUNNING_STATES,
                          moves=[workflow.MOVES[target] for target in targets if state in moves[target]])
                for state in State],
        kinds=[Word(code=kind.value, label=i18n.translate(f"kind_{kind.value}", language)) for kind in Kind],
        priorities=[Word(code=priority.value, label=i18n.translate(f"priority_{priority.value}", language))
                    for priority in sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__)],
        outcomes=[Word(code=outcome.value, label=i18n.translate(f"outcome_{outcome.value}", language))
                  for outcome in Outcome],
        moves=[MoveWord(code=workflow.MOVES[target], label=workflow.move_label(workflow.MOVES[target], language),
                        to_state=target, to_label=workflow.label(target, language), from_states=moves[target],
                        public_answer="required" if target in workflow.ANSWER_REQUIRED else "optional",
                        fields=list(workflow.MOVE_FIELDS.get(target, ())))
               for target in targets],
    )
