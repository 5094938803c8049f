"""The complaint workflow: states, who may move a complaint from one to another, and what Open311 calls them.

    received ─┬─> needs_clarification ─┬─> received (the reporter clarified)
              │                        └─> withdrawn (a month without an answer, or the reporter)
              ├─> admitted ──> under_investigation ─┬─> extended (once) ──> resolved
              │                                      └─> resolved (upheld / not upheld, with a public answer)
              ├─> inadmissible ──> closed                                   │
              ├─> referred (to the competent body) ──> closed               v
              └─> withdrawn                                              closed ──> reopened ──> under_investigation
"""

from __future__ import annotations

from enum import Enum

from server.i18n import N_, translate


class State(str, Enum):
    received = "received"  # recibida
    needs_clarification = "needs_clarification"  # en prevención / requiere aclaración
    admitted = "admitted"  # admitida
    inadmissible = "inadmissible"  # improcedente
    referred = "referred"  # turnada a la autoridad competente
    under_investigation = "under_investigation"  # en investigación
    extended = "extended"  # en investigación, con prórroga
    resolved = "resolved"  # resuelta (fundada / infundada)
    closed = "closed"  # concluida
    reopened = "reopened"  # reabierta
    withdrawn = "withdrawn"  # desistida


class Outcome(str, Enum):
    upheld = "upheld"  # fundada
    not_upheld = "not_upheld"  # infundada


class Actor(str, Enum):
    staff = "staff"  # the municipality's comptrollers and administrators
    reporter = "reporter"  # whoever filed it (signed in, or anonymous with folio and code)
    system = "system"  # scheduled jobs (a clarification term that ran out)


STAFF, REPORTER, SYSTEM = Actor.staff, Actor.reporter, Actor.system

TRANSITIONS: dict[State, dict[State, frozenset[Actor]]] = {
    State.received: {
        State.needs_clarification: frozenset({STAFF}),
        State.admitted: frozenset({STAFF}),
        State.inadmissible: frozenset({STAFF}),
        State.referred: frozenset({STAFF}),
        State.withdrawn: frozenset({REPORTER}),
    },
    State.needs_clarification: {
        State.received: frozenset({STAFF, REPORTER}),
        State.admitted: frozenset({STAFF}),
        State.inadmissible: frozenset({STAFF}),
        State.referred: frozenset({STAFF}),
        State.withdrawn: frozenset({REPORTER, SYSTEM}),
    },
    State.admitted: {
        State.under_investigation: frozenset({STAFF}),
        State.referred: frozenset({STAFF}),
        State.withdrawn: frozenset({REPORTER}),
    },
    State.under_investigation: {
        State.extended: frozenset({STAFF}),
        State.resolved: frozenset({STAFF}),
        State.withdrawn: frozenset({REPORTER}),
    },
    State.extended: {State.resolved: frozenset({STAFF}), State.withdrawn: frozenset({REPORTER})},
    State.resolved: {State.closed: frozenset({STAFF}), State.reopened: frozenset({STAFF})},
    State.inadmissible: {State.closed: frozenset({STAFF}), State.reopened: frozenset({STAFF})},
    State.referred: {State.closed: frozenset({STAFF})},
    State.closed: {State.reopened: frozenset({STAFF})},
    State.reopened: {
        State.under_investigation: frozenset({STAFF}),
        State.resolved: frozenset({STAFF}),
    },
    State.withdrawn: {},
}

# Open311 has two statuses; a referred complaint is closed for this municipality.
OPEN_STATES = frozenset({State.received, State.needs_clarification, State.admitted, State.under_investigation,
                         State.extended, State.reopened})
CLOSED_STATES = frozenset(State) - OPEN_STATES
# While in these states the answer deadline runs; needs_clarification pauses it (the reporter's term runs).
RUNNING_STATES = frozenset({State.received, State.admitted, State.under_investigation, State.extended,
                            State.reopened})

# A state's name as a title ("Recibida", "Turnada a la autoridad competente"): catalogue entries
# complaint_state_<state>.
LABELS = {
    State.received: N_("complaint_state_received"),
    State.needs_clarification: N_("complaint_state_needs_clarification"),
    State.admitted: N_("complaint_state_admitted"),
    State.inadmissible: N_("complaint_state_inadmissible"),
    State.referred: N_("complaint_state_referred"),
    State.under_investigation: N_("complaint_state_under_investigation"),
    State.extended: N_("complaint_state_extended"),
    State.resolved: N_("complaint_state_resolved"),
    State.closed: N_("complaint_state_closed"),
    State.reopened: N_("complaint_state_reopened"),
    State.withdrawn: N_("complaint_state_withdrawn"),
}


# ------------------------------------------------------------------------------------------------ moves
# A move is a transition named as the person making it says it ("Admitir", "Pedir aclaración"): one code per
# target state. The desk shows a button per move allowed from the current state (`moves`), the queue's bulk
# moves and the vocabulary use the same codes and words.

MOVES: dict[State, str] = {
    State.needs_clarification: "ask_clarification",
    State.received: "mark_received",  # the clarification arrived another way
    State.admitted: "admit",
    State.inadmissible: "declare_inadmissible",
    State.referred: "refer",
    State.under_investigation: "investigate",
    State.extended: "extend",
    State.resolved: "resolve",
    State.closed: "close",
    State.reopened: "reopen",
    State.withdrawn: "withdraw",
}
MOVE_TARGETS = {code: state for state, code in MOVES.items()}
MOVE_LABELS = {
    "ask_clarification": N_("move_ask_clarification"),
    "mark_received": N_("move_mark_received"),
    "admit": N_("move_admit"),
    "declare_inadmissible": N_("move_declare_inadmissible"),
    "refer": N_("move_refer"),
    "investigate": N_("move_investigate"),
    "extend": N_("move_extend"),
    "resolve": N_("move_resolve"),
    "close": N_("move_close"),
    "reopen": N_("move_reopen"),
    "withdraw": N_("move_withdraw"),
}
# Moves that owe the reporter a public answer (server/complaints/triage.py refuses them without one); every other
# staff move accepts one.
ANSWER_REQUIRED = frozenset({State.needs_clarification, State.inadmissible, State.referred, State.resolved})
# What else a move asks for, besides the reason (always) and the public answer.
MOVE_FIELDS: dict[State, tuple[str, ...]] = {
    State.resolved: ("outcome",),
    State.referred: ("referred_to",),
    State.extended: ("extension_days",),
}


def move_label(code: str, language: str) -> str:
    return translate(MOVE_LABELS[code], language)


def moves_for(current: State, actor: Actor, *, extended: bool = False, language: str = "es") -> list[dict]:
    """The moves `actor` may make from `current`, in the workflow's order, each as the desk shows it: its code and
    label, the state it leads to and that state's label, whether a reason is required (always, for staff) and
    whether a public answer is required or only accepted. A complaint already extended offers no extension."""
    moves = []
    for target, who in TRANSITIONS.get(current, {}).items():
        if actor not in who or (target == State.extended and extended):
            continue
        code = MOVES[target]
        moves.append({
            "move": code, "label": move_label(code, language), "to_state": target.value,
            "to_label": label(target, language), "reason_required": actor != SYSTEM,
            "public_answer": "required" if target in ANSWER_REQUIRED else "optional",
            "fields": list(MOVE_FIELDS.get(target, ())),
        })
    return moves


def allowed(current: State, target: State, actor: Actor) -> bool:
    return actor in TRANSITIONS.get(current, {}).get(target, frozenset())


def open311_status(state: State) -> str:
    return "open" if state in OPEN_STATES else "closed"


def label(state: State, language: str) -> str:
    return translate(LABELS[state], language)
