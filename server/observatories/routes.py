"""/api/v1/municipalities/{code}/observatories: citizen observatories, their members, indicators and findings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField

from server.api import Call, endpoint
from server.db import read_scope, session_scope
from server.municipalities import service as municipalities
from server.observatories import service, tracking
from server.observatories.models import (
    SLUG,
    AccreditationCreate,
    AccreditationPrivate,
    FindingCreate,
    FindingPublic,
    IndicatorCreate,
    IndicatorPublic,
    MemberCreate,
    MemberPrivate,
    ObservationCreate,
    ObservationPublic,
    ObservatoryCreate,
    ObservatoryPublic,
    ObservatorySummary,
    ObservatoryUpdate,
    RevocationCreate,
)

TAG = "observatories"
BASE = "/municipalities/{code}/observatories"
ONE = BASE + "/{observatory_id:uuid}"


class ObservatoryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    theme: str | None = PField(None, max_length=64, pattern=SLUG, description="Only observatories of this theme")


@endpoint("GET", BASE, summary="List the municipality's citizen observatories", tag=TAG, query=ObservatoryQuery,
          response=list[ObservatorySummary], errors=(404,))
def list_observatories(call: Call) -> list[ObservatorySummary]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return tracking.summaries(session, municipality=municipality, theme=call.query.theme)


@endpoint("GET", ONE, summary="One observatory: works, programs, members, indicators and findings", tag=TAG,
          response=ObservatoryPublic, errors=(404,))
def get_observatory(call: Call) -> ObservatoryPublic:
    """Members appear by name only if they consented, with their accreditation status; never contact data."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        observatory = service.get(session, municipality=municipality, observatory_id=call.path["observatory_id"])
        return tracking.public(session, observatory, municipality=municipality)


@endpoint("POST", BASE, summary="Create an observatory", tag=TAG, body=ObservatoryCreate, response=ObservatoryPublic,
          status=201, auth=True, errors=(403, 404, 409))
def create_observatory(call: Call) -> ObservatoryPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        observatory = service.create(session, actor=call.actor, municipality=municipality, data=call.body)
        return tracking.public(session, observatory, municipality=municipality)


@endpoint("PATCH", ONE, summary="Edit an observatory (send the version you read)", tag=TAG, body=ObservatoryUpdate,
          response=ObservatoryPublic, auth=True, errors=(403, 404, 409))
def update_observatory(call: Call) -> ObservatoryPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        observatory = service.update(session, actor=call.actor, municipality=municipality,
                                     observatory_id=call.path["observatory_id"], data=call.body)
        return tracking.public(session, observatory, municipality=municipality)


@endpoint("GET", ONE + "/members", summary="Members with contact data and accreditations (staff)", tag=TAG,
          response=list[MemberPrivate], auth=True, errors=(403, 404))
def list_observatory_members(call: Call) -> list[MemberPrivate]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return service.list_members(session, actor=call.actor, municipality=municipality,
                                    observatory_id=call.path["observatory_id"])


@endpoint("POST", ONE + "/members", summary="Add a member to the observatory", tag=TAG, body=MemberCreate,
          response=MemberPrivate, status=201, auth=True, errors=(403, 404, 409))
def add_observatory_member(call: Call) -> MemberPrivate:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        member = service.add_member(session, actor=call.actor, municipality=municipality,
                                    observatory_id=call.path["observatory_id"], data=call.body)
        return service.member_view(session, municipality=municipality, member=member)


@endpoint("POST", ONE + "/members/{member_id:uuid}/accreditations", summary="Accredit a member as citizen comptroller",
          tag=TAG, body=AccreditationCreate, response=MemberPrivate, status=201, auth=True, errors=(403, 404, 409))
def accredit_observatory_member(call: Call) -> MemberPrivate:
    """The accreditation number is unique in the municipality (409 if repeated); valid_to ≥ valid_from."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        service.accredit(session, actor=call.actor, municipality=municipality,
                         observatory_id=call.path["observatory_id"], member_id=call.path["member_id"],
                         data=call.body)
        member = service.get_member(session, municipality=municipality, member_id=call.path["member_id"])
        return service.member_view(session, municipality=municipality, member=member)


@endpoint("POST", ONE + "/accreditations/{accreditation_id:uuid}/revoke", summary="Revoke an accreditation",
          tag=TAG, body=RevocationCreate, response=AccreditationPrivate, auth=True, errors=(403, 404, 409))
def revoke_accreditation(call: Call) -> AccreditationPrivate:
    """From now on the member can no longer act as citizen comptroller. Logged in the audit chain."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = service.revoke(session, actor=call.actor, municipality=municipality,
                             observatory_id=call.path["observatory_id"],
                             accreditation_id=call.path["accreditation_id"], data=call.body)
        return AccreditationPrivate(id=row.id, number=row.number, issuer=row.issuer, valid_from=row.valid_from,
                                    valid_to=row.valid_to, status="revoked", revoked_at=row.revoked_at,
                                    revoked_reason=row.revoked_reason)


@endpoint("POST", ONE + "/indicators", summary="Add an indicator the observatory follows", tag=TAG,
          body=IndicatorCreate, response=IndicatorPublic, status=201, auth=True, errors=(403, 404, 409))
def add_observatory_indicator(call: Call) -> IndicatorPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = tracking.add_indicator(session, actor=call.actor, municipality=municipality,
                                     observatory_id=call.path["observatory_id"], data=call.body)
        return IndicatorPublic(id=row.id, key=row.key, name=row.name, unit=row.unit, description=row.description,
                               latest_value=None, latest_observed_on=None)


@endpoint("GET", ONE + "/indicators/{indicator_id:uuid}/observations", summary="An indicator's history", tag=TAG,
          response=list[ObservationPublic], errors=(404,))
def indicator_history(call: Call) -> list[ObservationPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = tracking.history(session, municipality=municipality, observatory_id=call.path["observatory_id"],
                                indicator_id=call.path["indicator_id"])
        return [ObservationPublic.model_validate(row) for row in rows]


@endpoint("POST", ONE + "/indicators/{indicator_id:uuid}/observations", summary="Record an indicator observation",
          tag=TAG, body=ObservationCreate, response=ObservationPublic, status=201, auth=True, errors=(403, 404))
def record_indicator_observation(call: Call) -> ObservationPublic:
    """Staff, or a citizen comptroller with a valid accreditation in this observatory (403
    accreditation_required if it expired or was revoked)."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = tracking.record(session, actor=call.actor, municipality=municipality,
                              observatory_id=call.path["observatory_id"], indicator_id=call.path["indicator_id"],
                              data=call.body)
        return ObservationPublic.model_validate(row)


@endpoint("GET", ONE + "/findings", summary="The observatory's published findings, newest first", tag=TAG,
          response=list[FindingPublic], errors=(404,))
def list_observatory_findings(call: Call) -> list[FindingPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return tracking.findings(session, municipality=municipality, observatory_id=call.path["observatory_id"])


@endpoint("GET", ONE + "/findings/{finding_id:uuid}", summary="One published finding", tag=TAG,
          response=FindingPublic, errors=(404,))
def get_observatory_finding(call: Call) -> FindingPublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return tracking.finding(session, municipality=municipality, observatory_id=call.path["observatory_id"],
                                finding_id=call.path["finding_id"])


@endpoint("POST", ONE + "/findings", summary="Publish a finding", tag=TAG, body=FindingCreate,
          response=FindingPublic, status=201, auth=True, errors=(403, 404))
def publish_observatory_finding(call: Call) -> FindingPublic:
    """Staff, or a citizen comptroller with a valid accreditation in this observatory (403
    accreditation_required if it expired or was revoked). Evidence: URLs or ids of works, complaints, photos."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = tracking.publish(session, actor=call.actor, municipality=municipality,
                               observatory_id=call.path["observatory_id"], data=call.body)
        return tracking.finding_view(session, row)


routes = [list_observatories, get_observatory, create_observatory, update_observatory, list_observatory_members,
          add_observatory_member, accredit_observatory_member, revoke_accreditation, add_observatory_indicator,
          indicator_history, record_indicator_observation, list_observatory_findings, get_observatory_finding,
          publish_observatory_finding]
