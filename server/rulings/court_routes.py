"""/api/v1/municipalities/{code}/courts and /judges: the judiciary directory of the judicial-ruling audit (courts,
judges and their assignments; docs/rulings.md)."""

from __future__ import annotations

from server.api import Call, endpoint
from server.db import read_scope, session_scope
from server.municipalities import service as municipalities
from server.rulings import courts, service
from server.rulings.schemas import (
    AssignmentCreate,
    CourtCreate,
    CourtPublic,
    CourtUpdate,
    JudgeCreate,
    JudgePublic,
    JudgeUpdate,
)

TAG = "rulings"
MUNI = "/municipalities/{code}"


# ------------------------------------------------------------------------------------------------ courts


@endpoint("GET", MUNI + "/courts", summary="The municipality's courts", tag=TAG, response=list[CourtPublic],
          errors=(404, 422))
def list_courts(call: Call) -> list[CourtPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return [CourtPublic.model_validate(court) for court in courts.list_courts(session, municipality)]


@endpoint("GET", MUNI + "/courts/{court_id:uuid}", summary="One court", tag=TAG, response=CourtPublic,
          errors=(404, 422))
def get_court(call: Call) -> CourtPublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return CourtPublic.model_validate(service.get_court(session, municipality, call.path["court_id"]))


@endpoint("POST", MUNI + "/courts", summary="Register a court (rulings.manage)", tag=TAG, body=CourtCreate,
          response=CourtPublic, status=201, auth=True, errors=(403, 404, 409, 422))
def create_court(call: Call) -> CourtPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        court = courts.create_court(session, actor=call.actor, municipality=municipality, data=call.body)
        return CourtPublic.model_validate(court)


@endpoint("PATCH", MUNI + "/courts/{court_id:uuid}", summary="Edit a court (send the version you read)", tag=TAG,
          body=CourtUpdate, response=CourtPublic, auth=True, errors=(403, 404, 409, 422))
def update_court(call: Call) -> CourtPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        court = courts.update_court(session, actor=call.actor, municipality=municipality,
                                    court_id=call.path["court_id"], data=call.body)
        return CourtPublic.model_validate(court)


# ------------------------------------------------------------------------------------------------ judges


@endpoint("GET", MUNI + "/judges", summary="The municipality's judges with their assignments (public data)",
          tag=TAG, response=list[JudgePublic], errors=(404, 422))
def list_judges(call: Call) -> list[JudgePublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return courts.list_judges(session, municipality)


@endpoint("GET", MUNI + "/judges/{judge_id:uuid}", summary="One judge with their assignments", tag=TAG,
          response=JudgePublic, errors=(404, 422))
def get_judge(call: Call) -> JudgePublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return courts.judge_view(session, service.get_judge(session, municipality, call.path["judge_id"]))


@endpoint("POST", MUNI + "/judges", summary="Register a judge (public professional data only)", tag=TAG,
          body=JudgeCreate, response=JudgePublic, status=201, auth=True, errors=(403, 404, 409, 422))
def create_judge(call: Call) -> JudgePublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        judge = courts.create_judge(session, actor=call.actor, municipality=municipality, data=call.body)
        return courts.judge_view(session, judge)


@endpoint("PATCH", MUNI + "/judges/{judge_id:uuid}", summary="Edit a judge (send the version you read)", tag=TAG,
          body=JudgeUpdate, response=JudgePublic, auth=True, errors=(403, 404, 409, 422))
def update_judge(call: Call) -> JudgePublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        judge = courts.update_judge(session, actor=call.actor, municipality=municipality,
                                    judge_id=call.path["judge_id"], data=call.body)
        return courts.judge_view(session, judge)


@endpoint("POST", MUNI + "/judges/{judge_id:uuid}/assignments", summary="Sit a judge in a court from a date",
          tag=TAG, body=AssignmentCreate, response=JudgePublic, status=201, auth=True, errors=(403, 404, 409, 422))
def assign_judge(call: Call) -> JudgePublic:
    """An open assignment that started earlier is closed the day before (the judge moved court); any other
    overlap is 409 assignment_overlap."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        courts.assign_judge(session, actor=call.actor, municipality=municipality, judge_id=call.path["judge_id"],
                            data=call.body)
        return courts.judge_view(session, service.get_judge(session, municipality, call.path["judge_id"]))


routes = [list_courts, get_court, create_court, update_court, list_judges, get_judge, create_judge, update_judge,
          assign_judge]
