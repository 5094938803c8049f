"""/api/v1/municipalities/{code}/committees: the public register of committees, and their private side
(members, meetings, agreements, trainings) for members, coordinators and staff."""

from __future__ import annotations

from server.api import Call, endpoint
from server.committees import activities, members, parity, service, vocabulary
from server.committees.schemas import (
    AgreementCreate,
    AgreementPublic,
    AgreementQuery,
    AgreementUpdate,
    Attendance,
    CommitmentLetter,
    CommitteeCreate,
    CommitteePublic,
    CommitteeQuery,
    CommitteeSummary,
    CommitteeUpdate,
    MeetingCreate,
    MeetingPublic,
    MemberCreate,
    MemberEnd,
    MemberPrivate,
    ParityReport,
    Replacement,
    TrainingCreate,
    TrainingPublic,
    TransitionCreate,
    Vocabulary,
)
from server.db import read_scope, session_scope
from server.municipalities import service as municipalities

TAG = "committees"
BASE = "/municipalities/{code}/committees"
ONE = BASE + "/{committee_id:uuid}"
MEMBER = ONE + "/members/{member_id:uuid}"


def _view(session, call: Call, committee_id) -> CommitteePublic:
    municipality = municipalities.get_by_code(session, call.path["code"])
    return service.public(session, actor=call.actor, municipality=municipality, committee_id=committee_id)


def _private(session, call: Call, member) -> MemberPrivate:
    municipality = municipalities.get_by_code(session, call.path["code"])
    return members.private_view(member, actor=call.actor, municipality=municipality,
                                today=service.today_in(municipality))


# ------------------------------------------------------------------------------------------------ register


@endpoint("GET", "/committees/vocabulary", summary="Committees' words: states, kinds, roles, and what each "
          "lifecycle step needs", tag=TAG, response=Vocabulary)
def committee_vocabulary(call: Call) -> Vocabulary:
    """Labels in the reader's language (Accept-Language) for every code the committee endpoints answer, and the
    lifecycle: each step, the states it may be taken from, its button and the fields it asks for."""
    return vocabulary.vocabulary(call.language)


@endpoint("GET", BASE, summary="The public register of committees", tag=TAG, query=CommitteeQuery,
          response=list[CommitteeSummary], errors=(404,))
def list_committees(call: Call) -> list[CommitteeSummary]:
    """Drafts are listed only for coordinators and staff."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return service.list_(session, actor=call.actor, municipality=municipality, query=call.query)


@endpoint("GET", ONE, summary="One committee: works, state, timeline, members' names and roles", tag=TAG,
          response=CommitteePublic, errors=(404,))
def get_committee(call: Call) -> CommitteePublic:
    """A member's name appears only if they consented (otherwise 'Integrante'); contact data never."""
    with read_scope() as session:
        return _view(session, call, call.path["committee_id"])


@endpoint("GET", BASE + "/parity", summary="Parity report of the municipality's committees", tag=TAG,
          response=ParityReport, errors=(404,))
def municipality_parity(call: Call) -> ParityReport:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return parity.for_municipality(session, municipality=municipality)


@endpoint("GET", ONE + "/parity", summary="Parity report of one committee", tag=TAG, response=ParityReport,
          errors=(404,))
def committee_parity(call: Call) -> ParityReport:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return parity.for_committee(session, municipality=municipality, committee_id=call.path["committee_id"])


@endpoint("POST", BASE, summary="Register a committee", tag=TAG, body=CommitteeCreate, response=CommitteePublic,
          status=201, auth=True, errors=(403, 404, 409))
def create_committee(call: Call) -> CommitteePublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        committee = service.create(session, actor=call.actor, municipality=municipality, data=call.body)
        return _view(session, call, committee.id)


@endpoint("PATCH", ONE, summary="Edit a committee, its works and service area (send the version you read)",
          tag=TAG, body=CommitteeUpdate, response=CommitteePublic, auth=True, errors=(403, 404, 409))
def update_committee(call: Call) -> CommitteePublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        service.update(session, actor=call.actor, municipality=municipality, committee_id=call.path["committee_id"],
                       data=call.body)
        return _view(session, call, call.path["committee_id"])


@endpoint("POST", ONE + "/transitions", summary="Move a committee along its lifecycle", tag=TAG,
          body=TransitionCreate, response=CommitteePublic, auth=True, errors=(403, 404, 409))
def transition_committee(call: Call) -> CommitteePublic:
    """draft → constituted (founding minutes) → registered (number and certificate) → active → concluded, or
    dissolved (with the reason) from any step before the end."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        service.transition(session, actor=call.actor, municipality=municipality,
                           committee_id=call.path["committee_id"], data=call.body)
        return _view(session, call, call.path["committee_id"])


# ------------------------------------------------------------------------------------------------ members


@endpoint("GET", ONE + "/members", summary="The committee's members, past and present", tag=TAG,
          response=list[MemberPrivate], auth=True, errors=(403, 404))
def list_committee_members(call: Call) -> list[MemberPrivate]:
    """For its members, coordinators and staff. Contact data only for coordinators, staff and the member."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return members.list_(session, actor=call.actor, municipality=municipality,
                             committee_id=call.path["committee_id"])


@endpoint("POST", ONE + "/members", summary="Add a member", tag=TAG, body=MemberCreate, response=MemberPrivate,
          status=201, auth=True, errors=(403, 404, 409))
def add_committee_member(call: Call) -> MemberPrivate:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        member = members.add(session, actor=call.actor, municipality=municipality,
                             committee_id=call.path["committee_id"], data=call.body)
        return _private(session, call, member)


@endpoint("POST", MEMBER + "/commitment-letter", summary="Record a member's signed commitment letter", tag=TAG,
          body=CommitmentLetter, response=MemberPrivate, auth=True, errors=(403, 404, 409))
def sign_commitment_letter(call: Call) -> MemberPrivate:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        member = members.commitment_letter(session, actor=call.actor, municipality=municipality,
                                           committee_id=call.path["committee_id"],
                                           member_id=call.path["member_id"], data=call.body)
        return _private(session, call, member)


@endpoint("POST", MEMBER + "/end", summary="End a membership", tag=TAG, body=MemberEnd, response=MemberPrivate,
          auth=True, errors=(403, 404, 409))
def end_committee_member(call: Call) -> MemberPrivate:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        member = members.end(session, actor=call.actor, municipality=municipality,
                             committee_id=call.path["committee_id"], member_id=call.path["member_id"],
                             data=call.body)
        return _private(session, call, member)


@endpoint("POST", MEMBER + "/replacement", summary="Replace a member, with the replacement record", tag=TAG,
          body=Replacement, response=MemberPrivate, status=201, auth=True, errors=(403, 404, 409))
def replace_committee_member(call: Call) -> MemberPrivate:
    """Answers the new member; the old one's membership ends the day the new one starts."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        member = members.replace(session, actor=call.actor, municipality=municipality,
                                 committee_id=call.path["committee_id"], member_id=call.path["member_id"],
                                 data=call.body)
        return _private(session, call, member)


# ------------------------------------------------------------------------------------------------ activities


@endpoint("GET", ONE + "/meetings", summary="The committee's meetings with minutes, attendance and agreements",
          tag=TAG, response=list[MeetingPublic], auth=True, errors=(403, 404))
def list_committee_meetings(call: Call) -> list[MeetingPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.list_meetings(session, actor=call.actor, municipality=municipality,
                                        committee_id=call.path["committee_id"])


@endpoint("POST", ONE + "/meetings", summary="Record a meeting", tag=TAG, body=MeetingCreate,
          response=MeetingPublic, status=201, auth=True, errors=(403, 404, 409))
def add_committee_meeting(call: Call) -> MeetingPublic:
    """By the committee's members, coordinators or staff. `place` is a GeoJSON Point inside the municipality."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.add_meeting(session, actor=call.actor, municipality=municipality,
                                      committee_id=call.path["committee_id"], data=call.body)


@endpoint("POST", ONE + "/meetings/{meeting_id:uuid}/agreements", summary="Add an agreement to a meeting", tag=TAG,
          body=AgreementCreate, response=AgreementPublic, status=201, auth=True, errors=(403, 404))
def add_committee_agreement(call: Call) -> AgreementPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.add_agreement(session, actor=call.actor, municipality=municipality,
                                        committee_id=call.path["committee_id"], meeting_id=call.path["meeting_id"],
                                        data=call.body)


@endpoint("PATCH", ONE + "/agreements/{agreement_id:uuid}", summary="Mark an agreement done or cancelled", tag=TAG,
          body=AgreementUpdate, response=AgreementPublic, auth=True, errors=(403, 404))
def update_committee_agreement(call: Call) -> AgreementPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.update_agreement(session, actor=call.actor, municipality=municipality,
                                           committee_id=call.path["committee_id"],
                                           agreement_id=call.path["agreement_id"], data=call.body)


@endpoint("GET", ONE + "/agreements", summary="The committee's agreements (?overdue=true: only the overdue)",
          tag=TAG, query=AgreementQuery, response=list[AgreementPublic], auth=True, errors=(403, 404))
def list_committee_agreements(call: Call) -> list[AgreementPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.list_agreements(session, actor=call.actor, municipality=municipality,
                                          committee_id=call.path["committee_id"], overdue=call.query.overdue)


@endpoint("GET", BASE + "/agreements/overdue", summary="Overdue agreements of every committee", tag=TAG,
          response=list[AgreementPublic], auth=True, errors=(403, 404))
def list_overdue_agreements(call: Call) -> list[AgreementPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.overdue_agreements(session, actor=call.actor, municipality=municipality)


@endpoint("GET", ONE + "/trainings", summary="Trainings the committee could attend, with attendance", tag=TAG,
          response=list[TrainingPublic], auth=True, errors=(403, 404))
def list_committee_trainings(call: Call) -> list[TrainingPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.list_trainings(session, actor=call.actor, municipality=municipality,
                                         committee_id=call.path["committee_id"])


@endpoint("GET", BASE + "/trainings", summary="Every training of the municipality", tag=TAG,
          response=list[TrainingPublic], auth=True, errors=(403, 404))
def list_municipality_trainings(call: Call) -> list[TrainingPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.list_trainings(session, actor=call.actor, municipality=municipality)


@endpoint("POST", BASE + "/trainings", summary="Record a training (for one committee or all)", tag=TAG,
          body=TrainingCreate, response=TrainingPublic, status=201, auth=True, errors=(403, 404, 409))
def add_committee_training(call: Call) -> TrainingPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.add_training(session, actor=call.actor, municipality=municipality, data=call.body)


@endpoint("POST", BASE + "/trainings/{training_id:uuid}/attendance", summary="Add attendees to a training",
          tag=TAG, body=Attendance, response=TrainingPublic, auth=True, errors=(403, 404))
def record_training_attendance(call: Call) -> TrainingPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return activities.record_attendance(session, actor=call.actor, municipality=municipality,
                                            training_id=call.path["training_id"], data=call.body)


routes = [committee_vocabulary,
          list_committees, municipality_parity, list_overdue_agreements, list_municipality_trainings, add_committee_training,
          record_training_attendance, get_committee, committee_parity, create_committee, update_committee,
          transition_committee, list_committee_members, add_committee_member, sign_commitment_letter,
          end_committee_member, replace_committee_member, list_committee_meetings, add_committee_meeting,
          add_committee_agreement, update_committee_agreement, list_committee_agreements, list_committee_trainings]
