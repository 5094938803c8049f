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


def allowed(current: State, target: State, actor: Actor) -> bool:
    return actor in TRANSITIONS.get(current, {}).get(target, frozenset())


def open311_status(state: State) -> str:
    return "open" if state in OPEN_STATES else "closed"


def label(state: State, language: str) -> str:
    return translate(LABELS[state], language)
