"""The complaint workflow, the whole table: every state, every move, every kind of caller.

The expected table is written out here from the rules in docs/complaints.md (Workflow: the diagram and the table
of who may make each move) and shared/DOMAIN.md (Complaints), never read from server/complaints/workflow.py: a
move that code allows and these rules do not (or the reverse) must fail a test.

A complaint is built in each state with the service layer (as the demo data is replayed), then every move is
tried over HTTP by each caller: the municipality's comptroller, the reporter (signed in, and anonymous with the
folio and the secret code), another account of the same municipality, another municipality's comptroller, and
anonymous callers without the code. An allowed move answers 200 with the new state; a refused one answers in the
one error shape with its status, code and message, and leaves the complaint as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from server.auth import service as auth
from server.auth.actor import ANONYMOUS
from server.auth.models import Role
from server.complaints import intake, reporting, triage, workflow
from server.complaints.schemas import ComplaintCreate, TransitionCreate
from tests.factories import DEMO_ACCOUNTS, bearer, complaint_body, make_user, municipality, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"
COMPTROLLER = DEMO_ACCOUNTS[Role.comptroller]
NEIGHBOUR = DEMO_ACCOUNTS[Role.volunteer]  # another account of the same municipality, not the reporter
OTHER_COMPTROLLER = "contraloria.gomez@vigia.example"  # staff of municipality 10007

STATES = ("received", "needs_clarification", "admitted", "inadmissible", "referred", "under_investigation",
          "extended", "resolved", "closed", "reopened", "withdrawn")

# ------------------------------------------------------------------------------------------------ the rules

# Where the comptroller's office (comptrollers and administrators) may move a complaint from each state.
STAFF_MOVES: dict[str, set[str]] = {
    # received -> needs clarification | admitted | inadmissible | referred
    "received": {"needs_clarification", "admitted", "inadmissible", "referred"},
    # the clarification arrives (also by another channel) -> received; or staff decide on what they have
    # (DOMAIN: "received → needs clarification → admitted | inadmissible | referred")
    "needs_clarification": {"received", "admitted", "inadmissible", "referred"},
    # admitted -> under investigation, or referred when it turns out to be another body's
    "admitted": {"under_investigation", "referred"},
    # under investigation -> extended (once) | resolved
    "under_investigation": {"extended", "resolved"},
    # extended -> resolved (never extended twice)
    "extended": {"resolved"},
    # resolved -> closed; a decision can be reopened
    "resolved": {"closed", "reopened"},
    "inadmissible": {"closed", "reopened"},
    # referred -> closed: it is the competent body's now
    "referred": {"closed"},
    # "a closed complaint can be reopened"
    "closed": {"reopened"},
    # reopened -> under investigation again, or a new resolution
    "reopened": {"under_investigation", "resolved"},
    # withdrawn is final: nobody revives it
    "withdrawn": set(),
}

# Where the reporter may move their own complaint: withdraw it while no decision has been made, and answer a
# request for clarification (which puts it back in the queue as received).
REPORTER_MOVES: dict[str, set[str]] = {
    "received": {"withdrawn"},
    "needs_clarification": {"received", "withdrawn"},
    "admitted": {"withdrawn"},
    "under_investigation": {"withdrawn"},
    "extended": {"withdrawn"},
    **{state: set() for state in ("inadmissible", "referred", "resolved", "closed", "reopened", "withdrawn")},
}

# `vigia tick`: a month without the clarification withdraws the complaint. Nothing else moves on its own.
SYSTEM_MOVES: dict[str, set[str]] = {state: set() for state in STATES} | {"needs_clarification": {"withdrawn"}}

# What each move needs besides the target and a reason (sent on every attempt, so a refusal is the table's).
FIELDS: dict[str, dict] = {
    "needs_clarification": {"public_answer": "Indique entre qué calles está la banqueta."},
    "inadmissible": {"public_answer": "No corresponde a una obra pública municipal."},
    "referred": {"public_answer": "Corresponde a la Secretaría de Obras del Estado.",
                 "referred_to": "Secretaría de Comunicaciones y Obras Públicas del Estado"},
    "resolved": {"public_answer": "Se instruyó a la empresa reparar la banqueta.", "outcome": "upheld"},
    "extended": {"extension_days": 5},
}

# How each state is reached, with the service layer and moves the rules allow.
PATHS: dict[str, list[str]] = {
    "received": [],
    "needs_clarification": ["needs_clarification"],
    "admitted": ["admitted"],
    "inadmissible": ["inadmissible"],
    "referred": ["referred"],
    "under_investigation": ["admitted", "under_investigation"],
    "extended": ["admitted", "under_investigation", "extended"],
    "resolved": ["admitted", "under_investigation", "resolved"],
    "closed": ["admitted", "under_investigation", "resolved", "closed"],
    "reopened": ["admitted", "under_investigation", "resolved", "closed", "reopened"],
    "withdrawn": [],  # then the reporter withdraws it
}


def test_the_workflow_table_is_the_one_the_rules_describe() -> None:
    """Every (state, target, actor) cell of the code's table, including cells no endpoint reaches today."""
    expected = {workflow.STAFF: STAFF_MOVES, workflow.REPORTER: REPORTER_MOVES, workflow.SYSTEM: SYSTEM_MOVES}
    assert {state.value for state in workflow.State} == set(STATES)
    wrong = [
        f"{actor.value}: {current} -> {target} is {'allowed' if allowed else 'refused'}"
        for actor, moves in expected.items() for current in STATES for target in STATES
        if (allowed := workflow.allowed(workflow.State(current), workflow.State(target), actor))
        != (target in moves[current])
    ]
    assert not wrong, "the workflow departs from docs/complaints.md:\n" + "\n".join(wrong)


def test_open311_calls_open_only_what_is_still_being_worked_on() -> None:
    # docs/complaints.md: received, needs_clarification, admitted, under_investigation, extended, reopened are open
    opened = {"received", "needs_clarification", "admitted", "under_investigation", "extended", "reopened"}
    assert {state: workflow.open311_status(workflow.State(state)) for state in STATES} == {
        state: "open" if state in opened else "closed" for state in STATES}


# ------------------------------------------------------------------------------------------------ over HTTP


@dataclass
class Built:
    """A complaint in a known state and how its reporter reaches it."""

    id: str
    folio: str
    code: str | None  # the anonymous reporter's secret follow-up code


@dataclass
class Outcome:
    status: int
    code: str | None = None  # the error code when refused
    state: str | None = None  # the state afterwards when allowed
    message: str | None = None  # the exact message a Spanish-speaking caller reads


# How a Spanish-speaking person reads each state: after "Una queja ..." and after "... no puede pasar a".
IS = {"received": "recibida", "needs_clarification": "en espera de aclaración", "admitted": "admitida",
      "inadmissible": "improcedente", "referred": "turnada a otra autoridad", "under_investigation": "en investigación",
      "extended": "en investigación con prórroga", "resolved": "resuelta", "closed": "concluida",
      "reopened": "reabierta", "withdrawn": "desistida"}
TO = {**IS, "needs_clarification": "espera de aclaración", "referred": "turnada", "under_investigation": "investigación",
      "extended": "prórroga"}


def refused_move(current: str, target: str) -> Outcome:
    if current == target:
        return Outcome(409, "transition_to_same_state", message=f"La queja ya está {IS[current]}.")
    return Outcome(409, "transition_not_allowed", message=f"Una queja {IS[current]} no puede pasar a {TO[target]}.")


FORBIDDEN = Outcome(403, "forbidden", message="Su cuenta no tiene permiso para esta acción en este municipio.")
SIGN_IN = Outcome(401, "auth_required", message="Inicie sesión para continuar.")
NOT_THE_REPORTER = Outcome(403, "not_the_reporter", message=(
    "Solo quien presentó la queja puede hacer esto (con su cuenta, o con folio y código)."))
WRONG_CODE = Outcome(404, "follow_up_not_found", message="No encontramos una queja con ese folio y código.")

# Moves: ("to", state) through POST …/transitions; "withdraw" through POST …/withdraw; "inform" through
# POST …/information (the reporter's answer to a request for clarification, or more information).
MOVES = [("to", target) for target in STATES] + ["withdraw", "inform"]
# Callers: how they identify themselves (the reporter's complaint is signed in or anonymous accordingly).
CALLERS = ("staff", "reporter", "anonymous_reporter", "neighbour", "other_comptroller", "anonymous",
           "wrong_code")


def expected(caller: str, move, state: str) -> Outcome:
    """What the rules say `caller` gets when trying `move` on a complaint in `state`."""
    if isinstance(move, tuple):
        target = move[1]
        if caller == "staff":
            return Outcome(200, state=target) if target in STAFF_MOVES[state] else refused_move(state, target)
        if caller in ("anonymous_reporter", "anonymous", "wrong_code"):
            return SIGN_IN  # moving a complaint along the workflow is staff's, under their account
        return FORBIDDEN  # the reporter, other accounts of the municipality, other municipalities' staff
    if caller in ("staff", "neighbour", "other_comptroller", "anonymous"):
        return NOT_THE_REPORTER  # only the reporter withdraws or adds information, not even staff for them
    if caller == "wrong_code":
        return WRONG_CODE
    if move == "withdraw":
        return (Outcome(200, state="withdrawn") if "withdrawn" in REPORTER_MOVES[state]
                else refused_move(state, "withdrawn"))
    # more information: it answers a request for clarification; afterwards it is kept, never an overwrite
    if state == "withdrawn":
        return Outcome(409, "complaint_not_open", message="La queja ya no está abierta.")
    return Outcome(200, state="received" if "received" in REPORTER_MOVES[state] else state)


class Desk:
    """Builds complaints in each state through the services and tries moves on them over HTTP."""

    def __init__(self, client, session) -> None:
        self.client, self.session = client, session
        self.municipality = municipality(session)
        self.staff = auth.authenticate(session, token=token_for(session, COMPTROLLER, "servicio"))
        reporter = make_user(session, Role.volunteer)
        self.reporter_token = token_for(session, reporter.email)
        self.reporter = auth.authenticate(session, token=self.reporter_token)
        self.headers = {
            "staff": bearer(token_for(session, COMPTROLLER)),
            "reporter": bearer(self.reporter_token),
            "neighbour": bearer(token_for(session, NEIGHBOUR)),
            "other_comptroller": bearer(token_for(session, OTHER_COMPTROLLER)),
        }

    def build(self, state: str, *, anonymous: bool) -> Built:
        actor = ANONYMOUS if anonymous else self.reporter
        filed = intake.file(self.session, actor=actor, municipality=self.municipality,
                            data=ComplaintCreate(**complaint_body(anonymous=anonymous)))
        complaint_id = filed.complaint.id
        for target in PATHS[state]:
            triage.transition(self.session, actor=self.staff, municipality=self.municipality,
                              complaint_id=complaint_id,
                              data=TransitionCreate(to=target, reason="Camino de la prueba", **FIELDS.get(target, {})))
        if state == "withdrawn":
            reporting.withdraw(self.session, actor=actor, municipality=self.municipality,
                               complaint_id=None if anonymous else complaint_id, folio=filed.complaint.folio,
                               code=filed.follow_up_code, reason="Ya no hace falta")
        self.session.flush()
        built = Built(str(complaint_id), filed.complaint.folio, filed.follow_up_code)
        assert self.state_of(built) == state
        return built

    def state_of(self, complaint: Built) -> str:
        response = self.client.get(f"{BASE}/{complaint.id}")
        assert response.status_code == 200, response.text
        return response.json()["state"]

    def attempt(self, caller: str, move, complaint: Built):
        headers = self.headers.get(caller, {})
        if isinstance(move, tuple):
            body = {"to": move[1], "reason": "Prueba de la tabla de estados", **FIELDS.get(move[1], {})}
            return self.client.post(f"{BASE}/{complaint.id}/transitions", headers=headers, json=body)
        if caller == "anonymous_reporter":
            who = {"folio": complaint.folio, "code": complaint.code}
        elif caller == "wrong_code":
            who = {"folio": complaint.folio, "code": "codigo-equivocado"}
        else:
            who = {"complaint_id": complaint.id}
        if move == "withdraw":
            return self.client.post(f"{BASE}/withdraw", headers=headers, json={**who, "reason": "Ya se arregló"})
        return self.client.post(f"{BASE}/information", headers=headers,
                                json={**who, "text": "La banqueta está entre Juárez y Zaragoza."})


def check(response, outcome: Outcome) -> str | None:
    """Why the response is not the expected outcome, or None."""
    if response.status_code != outcome.status:
        return f"answered {response.status_code} {response.text[:200]}, expected {outcome.status} {outcome.code}"
    body = response.json()
    if outcome.status == 200:
        return None if body.get("state") == outcome.state else f"went to {body.get('state')}, not {outcome.state}"
    try:
        error = assert_error_shape(response, outcome.status, outcome.code)
    except AssertionError as exc:
        return f"not the error shape or code {outcome.code}: {exc}"
    if error["message"] != outcome.message:
        return f"said {error['message']!r}, expected {outcome.message!r}"
    return None


@pytest.mark.parametrize("state", STATES)
def test_every_move_by_every_caller(client, session, state: str) -> None:
    desk = Desk(client, session)
    # Refusals change nothing, so they share one complaint per kind of reporter; every allowed move gets its own.
    shared = {False: desk.build(state, anonymous=False), True: desk.build(state, anonymous=True)}
    wrong = []
    tried = 0
    for caller in CALLERS:
        anonymous = caller in ("anonymous_reporter", "wrong_code")
        for move in MOVES:
            outcome = expected(caller, move, state)
            complaint = desk.build(state, anonymous=anonymous) if outcome.status == 200 else shared[anonymous]
            response = desk.attempt(caller, move, complaint)
            tried += 1
            if response.status_code == 200 and outcome.status != 200:  # a refusal that moved it: start afresh
                shared[anonymous] = desk.build(state, anonymous=anonymous)
            problem = check(response, outcome)
            if problem is None and outcome.code == "transition_not_allowed" and caller == "staff":
                allowed = response.json()["error"].get("allowed")
                if allowed is None or set(allowed) != STAFF_MOVES[state]:
                    problem = f"listed {allowed} as possible, expected {sorted(STAFF_MOVES[state])}"
            if problem:
                wrong.append(f"{caller} {move} from {state}: {problem}")
    assert not wrong, f"{len(wrong)} of {tried} attempts departed from the rules:\n" + "\n".join(wrong)
    # and nothing that was refused moved the shared complaints
    assert desk.state_of(shared[False]) == state and desk.state_of(shared[True]) == state


def test_an_allowed_move_shows_in_the_public_timeline_and_a_refused_one_does_not(client, session) -> None:
    desk = Desk(client, session)
    complaint = desk.build("received", anonymous=True)
    assert desk.attempt("staff", ("to", "resolved"), complaint).status_code == 409
    assert desk.attempt("staff", ("to", "admitted"), complaint).status_code == 200
    assert desk.attempt("anonymous_reporter", "withdraw", complaint).json()["state"] == "withdrawn"
    assert desk.attempt("staff", ("to", "reopened"), complaint).status_code == 409
    public = client.get(f"{BASE}/{complaint.id}").json()
    assert [(u["from_state"], u["to_state"], u["by_reporter"]) for u in public["updates"]] == [
        (None, "received", True), ("received", "admitted", False), ("admitted", "withdrawn", True)]


def test_an_unanswered_clarification_is_the_only_move_made_on_its_own(client, session) -> None:
    """`vigia tick` withdraws a complaint whose month for clarification ran out, and touches no other state."""
    from datetime import timedelta

    from server.complaints import service
    from server.complaints.models import Complaint

    desk = Desk(client, session)
    built = {state: desk.build(state, anonymous=True) for state in STATES}
    past = service.today_in(desk.municipality) - timedelta(days=1)
    for complaint in built.values():  # a month for clarification that ran out yesterday, whatever the state
        record = session.get(Complaint, uuid.UUID(complaint.id))
        record.clarification_due_on = past
    session.flush()
    triage.expire_clarifications(session, municipality=desk.municipality)
    session.flush()
    after = {state: desk.state_of(complaint) for state, complaint in built.items()}
    assert after == {state: ("withdrawn" if "withdrawn" in SYSTEM_MOVES[state] else state) for state in STATES}
