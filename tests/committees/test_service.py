"""Committees through their use cases: lifecycle, members and replacements, parity, agreements, tenancy."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from server.audit import service as audit
from server.committees import activities, members, parity, service
from server.committees.schemas import (
    AgreementCreate,
    CommitmentLetter,
    CommitteeCreate,
    CommitteeUpdate,
    MeetingCreate,
    MemberCreate,
    MemberEnd,
    Replacement,
    TrainingCreate,
    TransitionCreate,
)
from server.errors import Conflict, Forbidden, Invalid, NotFound
from tests.committees.helpers import (
    DEMO_COMMITTEE,
    add_member,
    area,
    coordinator,
    days_ago,
    make_committee,
    photo_id,
    today,
)
from tests.factories import CENTRO, OTHER, make_work, municipality, staff_actor


def _step(session, committee, to: str, **fields):
    fields.setdefault("on", days_ago(session, 10))
    return service.transition(session, actor=coordinator(session), municipality=municipality(session),
                              committee_id=committee.id, data=TransitionCreate(to=to, **fields))


def _code(exc_info) -> str:
    return exc_info.value.code


# ------------------------------------------------------------------------------------------------ lifecycle


def test_the_lifecycle_needs_each_steps_document(session) -> None:
    committee = make_committee(session)
    with pytest.raises(Conflict) as skipped:
        _step(session, committee, "registered", registration_number="CS-1", photo_id=photo_id(session))
    assert _code(skipped) == "committee_transition_not_allowed"
    with pytest.raises(Invalid) as no_minutes:
        _step(session, committee, "constituted")
    assert _code(no_minutes) == "committee_document_required"
    with pytest.raises(Invalid) as future:
        _step(session, committee, "constituted", document="Acta", on=today(session) + timedelta(days=1))
    assert _code(future) == "committee_date_in_future"
    _step(session, committee, "constituted", document="Acta de constitución", photo_id=photo_id(session))
    with pytest.raises(Invalid) as no_number:
        _step(session, committee, "registered", photo_id=photo_id(session))
    assert _code(no_number) == "committee_registration_required"
    with pytest.raises(Invalid) as no_certificate:
        _step(session, committee, "registered", registration_number="CS-77")
    assert _code(no_certificate) == "committee_certificate_required"
    with pytest.raises(Invalid) as earlier:
        _step(session, committee, "registered", registration_number="CS-77", photo_id=photo_id(session),
              on=days_ago(session, 11))
    assert _code(earlier) == "committee_date_before_previous_step"
    _step(session, committee, "registered", registration_number="CS-77", photo_id=photo_id(session),
          document="Constancia")
    _step(session, committee, "active")
    _step(session, committee, "concluded", document="Acta de conclusión")
    with pytest.raises(Conflict):
        _step(session, committee, "dissolved", reason="Ya no aplica")
    view = service.public(session, actor=coordinator(session), municipality=municipality(session),
                          committee_id=committee.id)
    assert view.state == "concluded" and view.registration_number == "CS-77"
    assert [(e.from_state, e.to_state) for e in view.timeline] == [
        (None, "draft"), ("draft", "constituted"), ("constituted", "registered"), ("registered", "active"),
        ("active", "concluded")]
    logged = audit.entries(session, municipality_id=municipality(session).id, entity="committee",
                           entity_id=committee.id)
    assert [e.action for e in logged] == ["created"] + ["transitioned"] * 4
    assert logged[2].data["registration_number"] == "CS-77"


def test_dissolution_needs_a_reason_and_ends_the_lifecycle(session) -> None:
    committee = make_committee(session, state="constituted")
    with pytest.raises(Invalid) as no_reason:
        _step(session, committee, "dissolved")
    assert _code(no_reason) == "committee_reason_required"
    _step(session, committee, "dissolved", reason="La obra fue cancelada")
    with pytest.raises(Conflict):
        _step(session, committee, "registered", registration_number="CS-9", photo_id=photo_id(session))
    with pytest.raises(Conflict) as closed:
        add_member(session, committee)
    assert _code(closed) == "committee_closed"


def test_registration_numbers_are_unique_in_the_municipality(session) -> None:
    first = make_committee(session, state="constituted")
    second = make_committee(session, state="constituted")
    _step(session, first, "registered", registration_number="CS-DUP", photo_id=photo_id(session))
    with pytest.raises(Conflict) as taken:
        _step(session, second, "registered", registration_number="CS-DUP", photo_id=photo_id(session))
    assert _code(taken) == "committee_registration_taken"


def test_edit_links_works_and_refuses_stale_versions(session) -> None:
    work = make_work(session)
    committee = make_committee(session)
    edited = service.update(session, actor=coordinator(session), municipality=municipality(session),
                            committee_id=committee.id, data=CommitteeUpdate(version=1, work_ids=[work.id]))
    assert edited.version == 2
    listed = service.public(session, actor=coordinator(session), municipality=municipality(session),
                            committee_id=committee.id)
    assert [w.identifier for w in listed.works] == [work.identifier]
    with pytest.raises(Conflict) as stale:
        service.update(session, actor=coordinator(session), municipality=municipality(session),
                       committee_id=committee.id, data=CommitteeUpdate(version=1, name="Otro nombre"))
    assert _code(stale) == "stale_version"


@pytest.mark.parametrize(("geometry", "code"), [
    ({"type": "Polygon", "coordinates": [[[-104.67, 24.02], [-104.66, 24.03], [-104.66, 24.02], [-104.67, 24.03],
                                          [-104.67, 24.02]]]}, "invalid_geometry"),  # a bow tie
    (area(-120.0, 10.0), "geometry_outside_municipality"),
    ({"type": "Point", "coordinates": list(CENTRO)}, "geometry_type_not_allowed"),
])
def test_bad_service_areas_are_refused(session, geometry, code) -> None:
    with pytest.raises(Invalid) as refused:
        make_committee(session, service_area=geometry)
    assert _code(refused) == code
    assert refused.value.details[0]["field"] == "service_area"


def test_works_of_another_municipality_or_unknown_are_refused(session) -> None:
    elsewhere = make_work(session, code=OTHER)
    for work_id in (elsewhere.id, uuid.uuid4()):
        with pytest.raises(Invalid) as refused:
            make_committee(session, work_ids=[work_id])
        assert _code(refused) == "committee_work_not_found"
        assert refused.value.details[0]["field"] == "work_ids.0"


def test_another_municipality_never_finds_the_committee(session) -> None:
    committee = make_committee(session, state="active")
    other = municipality(session, OTHER)
    with pytest.raises(NotFound) as missing:
        service.get(session, municipality=other, committee_id=committee.id)
    assert _code(missing) == "committee_not_found"
    other_admin = staff_actor(session, "admin.gomez@vigia.example")
    with pytest.raises(NotFound):
        members.list_(session, actor=other_admin, municipality=other, committee_id=committee.id)
    with pytest.raises(Forbidden):  # and in 10005 they hold no role
        members.list_(session, actor=other_admin, municipality=municipality(session), committee_id=committee.id)


def test_only_coordinators_and_staff_create_committees(session) -> None:
    volunteer = staff_actor(session, "voluntaria@vigia.example")
    with pytest.raises(Forbidden):
        service.create(session, actor=volunteer, municipality=municipality(session),
                       data=CommitteeCreate(name="Comité sin permiso", kind="works"))


# ------------------------------------------------------------------------------------------------ members


def test_members_letters_replacements_and_their_audit(session) -> None:
    committee = make_committee(session, state="active")
    chair = add_member(session, committee, role="chair", full_name="Amparo Sintética Uno")
    leaving = add_member(session, committee, sex="M", full_name="Baltazar Sintético Dos")
    scan = photo_id(session)
    signed = members.commitment_letter(session, actor=coordinator(session), municipality=municipality(session),
                                       committee_id=committee.id, member_id=chair.id,
                                       data=CommitmentLetter(on=days_ago(session, 19), photo_id=scan))
    assert signed.commitment_letter_photo_id == scan
    new = members.replace(session, actor=coordinator(session), municipality=municipality(session),
                          committee_id=committee.id, member_id=leaving.id, data=Replacement(
                              document="Acta de sustitución: renuncia por cambio de domicilio",
                              new=MemberCreate(full_name="Celia Sintética Tres", sex="F", role="member_at_large",
                                               start_on=days_ago(session, 5))))
    assert new.replaced_member_id == leaving.id and leaving.end_on == days_ago(session, 5)
    assert new.replacement_document.startswith("Acta de sustitución")
    with pytest.raises(Conflict) as twice:
        members.end(session, actor=coordinator(session), municipality=municipality(session),
                    committee_id=committee.id, member_id=leaving.id, data=MemberEnd(end_on=days_ago(session, 1)))
    assert _code(twice) == "committee_member_already_ended"
    with pytest.raises(Invalid) as before:
        members.end(session, actor=coordinator(session), municipality=municipality(session),
                    committee_id=committee.id, member_id=chair.id, data=MemberEnd(end_on=days_ago(session, 40)))
    assert _code(before) == "committee_member_end_before_start"
    view = service.public(session, actor=coordinator(session), municipality=municipality(session),
                          committee_id=committee.id)
    assert sorted(m.role for m in view.active_members) == ["chair", "member_at_large"]
    logged = audit.entries(session, municipality_id=municipality(session).id, entity="committee",
                           entity_id=committee.id)
    actions = [e.action for e in logged]
    assert actions[-4:] == ["member_added", "member_added", "commitment_letter", "member_replaced"]
    text = json.dumps([e.data for e in logged], ensure_ascii=False)
    assert "Sintétic" not in text and "correo.example" not in text and "618 555" not in text  # the phone, not any id or hash that holds the digits


def test_a_member_of_another_committee_cannot_be_recorded_in_a_meeting(session) -> None:
    committee = make_committee(session, state="active")
    stranger = add_member(session, make_committee(session, state="active"))
    with pytest.raises(Invalid) as refused:
        activities.add_meeting(session, actor=coordinator(session), municipality=municipality(session),
                               committee_id=committee.id,
                               data=MeetingCreate(held_on=days_ago(session, 2), member_ids=[stranger.id]))
    assert _code(refused) == "committee_member_not_found" and refused.value.details[0]["field"] == "member_ids.0"


def test_contacts_only_for_coordinators_staff_and_the_member(session) -> None:
    joaquin = staff_actor(session, "comite@vigia.example")
    mine = members.list_(session, actor=joaquin, municipality=municipality(session),
                         committee_id=uuid.UUID(DEMO_COMMITTEE))
    own = [m for m in mine if m.full_name == "Joaquín Salas Ibarra"]
    assert own and own[0].contact_email == "comite@vigia.example"
    others = [m for m in mine if m.full_name != "Joaquín Salas Ibarra"]
    assert others and all(m.contact_phone is None and m.contact_email is None for m in others)
    seen_by_staff = members.list_(session, actor=coordinator(session), municipality=municipality(session),
                                  committee_id=uuid.UUID(DEMO_COMMITTEE))
    assert len(seen_by_staff) == len(mine) and all(m.contact_phone for m in seen_by_staff)
    elsewhere = make_committee(session, state="active")
    with pytest.raises(Forbidden):  # a committee member sees only their own committee
        members.list_(session, actor=joaquin, municipality=municipality(session), committee_id=elsewhere.id)


# ------------------------------------------------------------------------------------------------ parity


def test_parity_of_a_controlled_committee(session) -> None:
    before = parity.for_municipality(session, municipality=municipality(session))
    committee = make_committee(session, state="constituted")
    add_member(session, committee, sex="F", role="chair")
    add_member(session, committee, sex="M", role="secretary")
    add_member(session, committee, sex="F")
    add_member(session, committee, sex="F")
    add_member(session, committee, sex="M")
    add_member(session, committee, sex="X", role="social_comptroller")
    gone = add_member(session, committee, sex="F", start=60)
    members.end(session, actor=coordinator(session), municipality=municipality(session), committee_id=committee.id,
                member_id=gone.id, data=MemberEnd(end_on=days_ago(session, 30)))
    report = parity.for_committee(session, municipality=municipality(session), committee_id=committee.id)
    assert report.members == 6 and report.by_sex == {"F": 3, "M": 2, "X": 1}
    assert report.women_share == 0.5
    assert report.by_role["member_at_large"] == {"F": 2, "M": 1, "X": 0}
    assert report.chair_is_woman is True and report.secretary_is_woman is False
    after = parity.for_municipality(session, municipality=municipality(session))
    assert after.committees == before.committees + 1 and after.members == before.members + 6
    assert after.by_sex["F"] == before.by_sex["F"] + 3
    assert after.chairs_held_by_women == before.chairs_held_by_women + 1
    assert after.secretaries_held_by_women == before.secretaries_held_by_women


def test_parity_of_an_empty_committee(session) -> None:
    committee = make_committee(session, state="constituted")
    report = parity.for_committee(session, municipality=municipality(session), committee_id=committee.id)
    assert report.members == 0 and report.women_share is None and report.chair_is_woman is None


# ------------------------------------------------------------------------------------------------ activities


def test_overdue_agreements_per_committee_and_municipality(session) -> None:
    committee = make_committee(session, state="active")
    owner = add_member(session, committee)
    meeting = activities.add_meeting(
        session, actor=coordinator(session), municipality=municipality(session), committee_id=committee.id,
        data=MeetingCreate(held_on=days_ago(session, 10), place={"type": "Point", "coordinates": list(CENTRO)},
                           minutes="Minuta", member_ids=[owner.id], agreements=[
                               AgreementCreate(text="Pedir la bitácora", owner_member_id=owner.id,
                                               due_on=days_ago(session, 1)),
                               AgreementCreate(text="Tomar fotos", owner_text="Vecinos", due_on=days_ago(session, 2)),
                               AgreementCreate(text="Convocar asamblea", due_on=today(session) + timedelta(days=3)),
                           ]))
    assert list(meeting.place["coordinates"]) == list(CENTRO) and meeting.attendees == [owner.id]
    done = meeting.agreements[1]
    activities.update_agreement(session, actor=coordinator(session), municipality=municipality(session),
                                committee_id=committee.id, agreement_id=done.id,
                                data=activities.AgreementUpdate(status="done"))
    overdue = activities.list_agreements(session, actor=coordinator(session), municipality=municipality(session),
                                         committee_id=committee.id, overdue=True)
    assert [a.text for a in overdue] == ["Pedir la bitácora"] and overdue[0].overdue
    everywhere = activities.overdue_agreements(session, actor=coordinator(session), municipality=municipality(session))
    assert overdue[0].id in {a.id for a in everywhere}
    assert all(a.overdue and a.status == "pending" for a in everywhere)


def test_meeting_place_must_be_a_point_inside_the_municipality(session) -> None:
    committee = make_committee(session, state="active")
    for place, code in (({"type": "Point", "coordinates": [-120.0, 10.0]}, "point_outside_municipality"),
                        ({"type": "Point", "coordinates": [CENTRO[1], CENTRO[0]]}, "coordinates_look_swapped"),
                        (area(), "geometry_type_not_allowed")):
        with pytest.raises(Invalid) as refused:
            activities.add_meeting(session, actor=coordinator(session), municipality=municipality(session),
                                   committee_id=committee.id, data=MeetingCreate(held_on=days_ago(session, 1),
                                                                                 place=place))
        assert _code(refused) == code and refused.value.details[0]["field"] == "place"


def test_trainings_with_attendance(session) -> None:
    committee = make_committee(session, state="active")
    first, second = add_member(session, committee), add_member(session, committee)
    training = activities.add_training(session, actor=coordinator(session), municipality=municipality(session),
                                       data=TrainingCreate(committee_id=committee.id, topic="Lectura de la bitácora",
                                                           held_on=days_ago(session, 3), trainer="Contraloría",
                                                           member_ids=[first.id]))
    more = activities.record_attendance(session, actor=coordinator(session), municipality=municipality(session),
                                        training_id=training.id, data=activities.Attendance(member_ids=[second.id,
                                                                                                       first.id]))
    assert sorted(more.attendees) == sorted([first.id, second.id])
    listed = activities.list_trainings(session, actor=coordinator(session), municipality=municipality(session),
                                       committee_id=committee.id)
    assert training.id in {t.id for t in listed}
    with pytest.raises(Invalid) as unknown:
        activities.add_training(session, actor=coordinator(session), municipality=municipality(session),
                                data=TrainingCreate(committee_id=uuid.uuid4(), topic="Otra", trainer="Alguien",
                                                    held_on=days_ago(session, 1)))
    assert _code(unknown) == "committee_not_found"
