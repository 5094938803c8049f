"""Every protected endpoint × every role, in the municipality, from another municipality, national, anonymous.

The table below is the specification. A new protected endpoint that is not in it fails
`test_the_matrix_covers_every_protected_endpoint`, so no endpoint ships without its permissions tested. The
judicial-ruling audit domains (rulings, annotations, notebooks), whose refusals carry their own codes
(`audit_team_required`, `assignment_not_yours`...), have their matrix in tests/rulings/test_permission_matrix.py;
together the two cover every protected endpoint, each in exactly one."""

from __future__ import annotations

import json

import pytest
from starlette.routing import Route

from server.api import all_routes
from server.auth.models import Role
from tests.factories import DEMO_ACCOUNTS, NATIONAL_ADMIN, OTHER_ADMIN, ago, bearer, today, token_for

EVERY_ROLE = frozenset(Role)
ADMINS = frozenset({Role.admin})
STAFF = frozenset({Role.admin, Role.comptroller})

# callers: each demo role in 10005, the admin of 10007 (another municipality) and a national admin
CALLERS = [*(role.value for role in Role), "other_municipality_admin", "national_admin", "anonymous"]


def _target_user(client, session) -> str:
    from server.auth import service

    return str(service.get_by_email(session, "comite@vigia.example").id)


# The first demo complaint (server/demo/complaints.json), open, in 10005.
DEMO_COMPLAINT = "0192f000-0000-7000-8000-000000000001"


def _target_complaint(client, session, photo: str = "") -> str:
    from server.auth.actor import ANONYMOUS
    from server.complaints import intake
    from server.complaints.schemas import ComplaintCreate
    from tests.factories import CENTRO, municipality

    filed = intake.file(session, actor=ANONYMOUS, municipality=municipality(session), data=ComplaintCreate(
        kind="complaint", category="obra-calidad", description="La banqueta nueva ya está rota en la esquina.",
        location={"type": "Point", "coordinates": list(CENTRO)}, anonymous=True, photo_ids=[photo] if photo else []))
    session.flush()
    return str(filed.complaint.id)


def _target_template(client, session) -> str:
    import sqlalchemy as sa

    from server.complaints.models import ResponseTemplate
    from tests.factories import municipality

    template = ResponseTemplate(municipality_id=municipality(session).id, state="resolved", title="De la matriz",
                                body="Texto de la matriz")
    session.add(template)
    session.flush()
    assert session.scalar(sa.select(ResponseTemplate.id).where(ResponseTemplate.id == template.id))
    return str(template.id)


def _fill(value, **names):
    if isinstance(value, str):
        return value.format(**names) if "{" in value else value
    if isinstance(value, list):
        return [_fill(item, **names) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, **names) for key, item in value.items()}
    return value


def _target_work(client, session) -> str:
    from server.auth import service as auth
    from server.works import service
    from server.works.models import WorkCreate
    from tests.factories import municipality

    actor = auth.authenticate(session, token=token_for(session, "contraloria@vigia.example", "matrix"))
    work = service.create(session, actor=actor, municipality=municipality(session),
                          data=WorkCreate(identifier="MATRIZ-1", title="Obra de la matriz", status="implementation"))
    session.flush()
    return str(work.id)


def _target_photo(client, session) -> str:
    import io

    from PIL import Image

    from server.auth.actor import ANONYMOUS
    from server.media import service
    from tests.factories import municipality

    image = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 140, 60)).save(image, "JPEG")
    stored = service.store(session, actor=ANONYMOUS, municipality=municipality(session), data=image.getvalue())
    session.flush()
    return str(stored.photo.id)



# The demo security observatory (server/demo/observatories.json).
OBSERVATORY = "/api/v1/municipalities/10005/observatories/0192f0b5-0000-7000-8000-000000000001"

# The seed checklist (server/demo/forms.json), and a works committee whose member is the demo committee member.
GENERAL_FORM = "0193f000-0000-7000-8100-000000000001"
GENERAL_FORM_VERSION = "0193f000-0000-7000-8100-000000000101"
VISIT_READERS = frozenset({Role.committee_member, Role.committee_coordinator, Role.comptroller, Role.admin})
ONE_QUESTION = [{"id": "a", "text": "¿Hay letrero?", "kind": "yes_no"}]


def _inspection_targets(client, session) -> dict[str, str]:
    from datetime import date, datetime, timezone

    from server.auth import service as auth
    from server.committees import members
    from server.committees import service as committees
    from server.committees.schemas import CommitteeCreate, MemberCreate
    from server.inspections import forms, visits
    from server.inspections.models import TemplateCreate, VisitCreate
    from tests.factories import municipality

    actor = auth.authenticate(session, token=token_for(session, "contraloria@vigia.example", "matrix"))
    here = municipality(session)
    work = _target_work(client, session)
    photo = _target_photo(client, session)
    committee = committees.create(session, actor=actor, municipality=here, data=CommitteeCreate(
        name="Comité de la matriz", kind="works", work_ids=[work]))
    user = auth.get_by_email(session, "comite@vigia.example")
    member = members.add(session, actor=actor, municipality=here, committee_id=committee.id, data=MemberCreate(
        full_name=user.full_name, sex="F", role="chair", user_id=user.id, start_on=date(2026, 1, 15)))
    answers = {"letrero": True, "residente": True, "bitacora": True, "materiales": "si", "avance_corresponde": "si",
               "seguridad": True, "accesibilidad": True, "pidieron_dinero": False, "foto_general": photo}
    visit, _ = visits.submit(session, actor=actor, municipality=here, data=VisitCreate(
        committee_id=committee.id, member_id=member.id, work_id=work, form_version_id=GENERAL_FORM_VERSION,
        visited_at=datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc), answers=answers,
        location={"type": "Point", "coordinates": [-104.6657, 24.0277]},
        findings=[{"text": "La zanja no tiene señalamientos.", "severity": "high"}]))
    draft = forms.create(session, actor=actor, municipality=here, data=TemplateCreate(
        key="matriz-borrador", title="Borrador de la matriz", questions=ONE_QUESTION))
    session.flush()
    finding = visits.public(session, visit).findings[0].id
    return {"insp_committee": str(committee.id), "insp_member": str(member.id), "insp_work": work,
            "insp_photo": photo, "insp_visit": str(visit.id), "insp_finding": str(finding),
            "insp_draft": str(draft.id)}


def _needs_inspection_targets(template: str, body) -> bool:
    return "{insp_" in template or "{insp_" in str(body)


# name: (method, path template, json body, roles of 10005 allowed). Signed-in callers of every kind may use
# the endpoints whose allowed set is EVERY_ROLE ("any signed-in account", including other municipalities').
# committees (server/demo/committees.json): the demo committee and its chair
COMMITTEES = "/api/v1/municipalities/10005/committees"
DEMO_COMMITTEE_PATH = f"{COMMITTEES}/0192f100-0001-7000-8000-000000000001"
DEMO_COMMITTEE_MEMBER = f"{DEMO_COMMITTEE_PATH}/members/0192f100-0002-7000-8000-000000000001"
COMMITTEE_MANAGERS = frozenset({Role.committee_coordinator, Role.comptroller, Role.admin})
COMMITTEE_READERS = COMMITTEE_MANAGERS | {Role.committee_member}  # members: only of their own committee

THIS_YEAR = today().year  # the demo has this year's holidays, whatever the year (server/demo/calendar.json)


MATRIX = {
    "logout": ("POST", "/api/v1/auth/logout", None, EVERY_ROLE),
    "me": ("GET", "/api/v1/auth/me", None, EVERY_ROLE),
    "devices": ("GET", "/api/v1/auth/devices", None, EVERY_ROLE),
    "revoke_device": ("POST", "/api/v1/auth/devices/{own_device}/revoke", None, EVERY_ROLE),
    # offline sync: any signed-in person, from their own device (the header Vigia-Device is sent below)
    "push": ("POST", "/api/v1/sync/push", {"mutations": [{
        "id": "0193a000-0000-7000-8000-000000000001", "intent": "complaint.support", "municipality": "10005",
        "payload": {"complaint_id": "{target_complaint}"}}]}, EVERY_ROLE),
    "pull": ("GET", "/api/v1/sync/pull", None, EVERY_ROLE),
    "update_municipality": ("PATCH", "/api/v1/municipalities/10005", {"timezone": "America/Mexico_City"}, ADMINS),
    "add_holiday": ("POST", "/api/v1/municipalities/10005/holidays",
                    {"day": f"{THIS_YEAR}-10-12", "name": "Día de la Raza"}, ADMINS),
    "remove_holiday": ("DELETE", f"/api/v1/municipalities/10005/holidays/{THIS_YEAR}-01-01", None, ADMINS),
    "list_users": ("GET", "/api/v1/municipalities/10005/users", None, STAFF),
    "add_user": ("POST", "/api/v1/municipalities/10005/users",
                 {"email": "nueva@vigia.example", "full_name": "Nueva", "roles": ["volunteer"]}, ADMINS),
    "set_roles": ("PUT", "/api/v1/municipalities/10005/users/{target_user}/roles",
                  {"roles": ["committee_member", "volunteer"]}, ADMINS),
    "import_zones": ("POST", "/api/v1/municipalities/10005/zones/import",
                     {"type": "FeatureCollection", "features": []}, ADMINS),
    "create_work": ("POST", "/api/v1/municipalities/10005/works",
                    {"identifier": "MATRIZ-2", "title": "Otra obra", "status": "preparation"}, STAFF),
    "update_work": ("PATCH", "/api/v1/municipalities/10005/works/{target_work}",
                    {"version": 1, "title": "Obra renombrada"}, STAFF),
    "add_progress": ("POST", "/api/v1/municipalities/10005/works/{target_work}/progress",
                     {"observed_on": ago(5), "physical_pct": 35}, STAFF),
    "import_works": ("POST", "/api/v1/municipalities/10005/works/import",
                     {"version": "0.9", "projects": [{"id": "MATRIZ-3", "title": "Obra importada"}]}, STAFF),
    "photo_evidence": ("GET", "/api/v1/municipalities/10005/photos/{target_photo}/evidence", None, STAFF),
    "redact_photo": ("POST", "/api/v1/municipalities/10005/photos/{target_photo}/redactions",
                     {"rectangles": [{"x": 0, "y": 0, "width": 8, "height": 8}]}, STAFF),
    "list_mine": ("GET", "/api/v1/municipalities/10005/complaints/mine", None, EVERY_ROLE),
    "queue": ("GET", "/api/v1/municipalities/10005/complaints", None, STAFF),
    "edit": ("PATCH", "/api/v1/municipalities/10005/complaints/{target_complaint}",
             {"version": 1, "priority": "high"}, STAFF),
    "transition": ("POST", "/api/v1/municipalities/10005/complaints/{target_complaint}/transitions",
                   {"to": "admitted", "reason": "Cumple los requisitos", "version": 1}, STAFF),
    "bulk_transition": ("POST", "/api/v1/municipalities/10005/complaints/bulk-transitions",
                        {"ids": ["{target_complaint}"], "transition": {"to": "admitted", "reason": "Procede"}}, STAFF),
    "list_notes": ("GET", "/api/v1/municipalities/10005/complaints/{target_complaint}/notes", None, STAFF),
    "add_note": ("POST", "/api/v1/municipalities/10005/complaints/{target_complaint}/notes",
                 {"text": "Llamar a Obras Públicas"}, STAFF),
    "merge": ("POST", "/api/v1/municipalities/10005/complaints/{target_complaint}/merge",
              {"duplicate_of": DEMO_COMPLAINT, "reason": "Mismo hecho", "version": 1}, STAFF),
    "create_category": ("POST", "/api/v1/municipalities/10005/complaints/categories",
                        {"service_code": "baches", "name": "Baches en obra reciente"}, ADMINS),
    "update_category": ("PATCH", "/api/v1/municipalities/10005/complaints/categories/sugerencia",
                        {"description": "Ideas para mejorar"}, ADMINS),
    "set_deadline": ("PUT", "/api/v1/municipalities/10005/complaints/deadlines/suggestion",
                     {"business_days": 20}, ADMINS),
    "redact_photo_of_complaint": ("POST",
                                  "/api/v1/municipalities/10005/complaints/{target_complaint}/photos/{target_photo}"
                                  "/redactions", {"rectangles": [{"x": 0, "y": 0, "width": 8, "height": 8}]}, STAFF),
    "list_templates": ("GET", "/api/v1/municipalities/10005/complaints/templates", None, STAFF),
    "list_all_categories": ("GET", "/api/v1/municipalities/10005/complaints/categories/all", None, ADMINS),
    # a response template made for the test (_target_template)
    "update_template": ("PUT", "/api/v1/municipalities/10005/complaints/templates/{target_template}",
                        {"state": "resolved", "title": "Otra", "body": "Texto de la plantilla"}, STAFF),
    "delete_template": ("DELETE", "/api/v1/municipalities/10005/complaints/templates/{target_template}", None,
                        STAFF),
    # one complaint on the desk (docs/complaints.md, "A complaint for staff")
    "staff_photos": ("GET", "/api/v1/municipalities/10005/complaints/{target_complaint}/photos", None, STAFF),
    "staff_photo_original": ("GET", "/api/v1/municipalities/10005/complaints/{target_complaint}/photos/"
                             "{target_photo}/original", None, STAFF),
    "staff_duplicates": ("GET", "/api/v1/municipalities/10005/complaints/{target_complaint}/duplicates", None,
                         STAFF),
    # publication policy (docs/privacy.md): moderators decide, administrators set what is public at once
    "moderate_complaint": ("POST", "/api/v1/municipalities/10005/complaints/{target_complaint}/moderation",
                           {"version": 1, "text": "approve", "reason": "Sin datos personales"}, STAFF),
    "set_publication_rule": ("PUT", "/api/v1/municipalities/10005/complaints/publication/suggestion",
                             {"text_public_at_once": True}, ADMINS),
    "moderate_photo": ("POST", "/api/v1/municipalities/10005/photos/{insp_photo}/moderation",
                       {"decision": "approve", "reason": "Sin rostros ni placas"}, STAFF),
    "moderation_queue": ("GET", "/api/v1/municipalities/10005/moderation", None, STAFF),
    "photo_staff_copy": ("GET", "/api/v1/municipalities/10005/photos/{target_photo}/staff", None, STAFF),
    "add_template": ("POST", "/api/v1/municipalities/10005/complaints/templates",
                     {"state": "resolved", "title": "Otra", "body": "Texto de la plantilla"}, STAFF),
    # observatories (server/demo/observatories.json: the security observatory, where the demo citizen comptroller
    # holds a valid accreditation; its member Héctor Nevárez, not accredited; Gabriela Rentería's accreditation;
    # the robberies indicator)
    "create_observatory": ("POST", "/api/v1/municipalities/10005/observatories",
                           {"name": "Observatorio de la matriz", "theme": "mobility"}, STAFF),
    "update_observatory": ("PATCH", f"{OBSERVATORY}", {"version": 1, "description": "Editada"}, STAFF),
    "list_observatory_members": ("GET", f"{OBSERVATORY}/members", None, STAFF),
    "add_observatory_member": ("POST", f"{OBSERVATORY}/members", {"full_name": "Integrante Nueva"}, STAFF),
    "accredit_observatory_member": ("POST", f"{OBSERVATORY}/members/337dc2ee-62eb-5325-ad6b-bc95034f4c48"
                                    "/accreditations", {"number": "MATRIZ-ACC-1", "issuer": "Contraloría",
                                                        "valid_from": ago(300), "valid_to": ago(-400)}, STAFF),
    "revoke_accreditation": ("POST", f"{OBSERVATORY}/accreditations/7c24d186-e09e-5f01-a34c-c7f41b8c2b97/revoke",
                             {"reason": "Prueba de la matriz"}, STAFF),
    "add_observatory_indicator": ("POST", f"{OBSERVATORY}/indicators",
                                  {"key": "matriz", "name": "Indicador de la matriz", "unit": "casos"}, STAFF),
    "record_indicator_observation": ("POST", f"{OBSERVATORY}/indicators/6047c04c-76b8-5c61-b897-56680729c956"
                                     "/observations", {"observed_on": ago(20), "value": "3"},
                                     STAFF | {Role.citizen_comptroller}),  # with a valid accreditation
    "publish_observatory_finding": ("POST", f"{OBSERVATORY}/findings",
                                    {"title": "Hallazgo de la matriz", "text": "Texto del hallazgo de la matriz."},
                                    STAFF | {Role.citizen_comptroller}),  # with a valid accreditation
    # inspection checklists and visits (a committee created by _inspection_targets, whose active member is the
    # demo committee member; coordinators and staff act on its behalf)
    "create_form": ("POST", "/api/v1/municipalities/10005/forms",
                    {"key": "matriz", "title": "Cédula de la matriz", "questions": ONE_QUESTION}, STAFF),
    "add_form_version": ("POST", f"/api/v1/municipalities/10005/forms/{GENERAL_FORM}/versions",
                         {"questions": ONE_QUESTION}, STAFF),
    "edit_form_version": ("PUT", "/api/v1/municipalities/10005/forms/{insp_draft}/versions/1",
                          {"questions": ONE_QUESTION}, STAFF),
    "publish_form_version": ("POST", "/api/v1/municipalities/10005/forms/{insp_draft}/versions/1/publish", None,
                             STAFF),
    "submit_visit": ("POST", "/api/v1/municipalities/10005/visits",
                     {"committee_id": "{insp_committee}", "member_id": "{insp_member}", "work_id": "{insp_work}",
                      "form_version_id": GENERAL_FORM_VERSION, "visited_at": f"{ago(1)}T11:00:00-06:00",
                      "observed_physical_pct": 20,
                      "answers": {"letrero": False, "residente": True, "bitacora": True, "materiales": "si",
                                  "avance_corresponde": "si", "seguridad": True, "accesibilidad": True,
                                  "pidieron_dinero": False, "foto_general": "{insp_photo}"}}, VISIT_READERS),
    "list_visits": ("GET", "/api/v1/municipalities/10005/visits?committee_id={insp_committee}", None, VISIT_READERS),
    "get_visit": ("GET", "/api/v1/municipalities/10005/visits/{insp_visit}", None, VISIT_READERS),
    "finding_complaint": ("POST", "/api/v1/municipalities/10005/visits/{insp_visit}/findings/{insp_finding}"
                          "/complaint", {"category": "obra-calidad"}, VISIT_READERS),
    "committee_report": ("GET", "/api/v1/municipalities/10005/committees/{insp_committee}/report"
                         f"?since={ago(365)}&until={ago(0)}", None, VISIT_READERS),
    "committee_report_html": ("GET", "/api/v1/municipalities/10005/committees/{insp_committee}/report.html"
                              f"?since={ago(365)}&until={ago(0)}", None, VISIT_READERS),
    # committees: the demo committee (server/demo/committees.json), active, whose secretary is the demo committee member
    "create_committee": ("POST", COMMITTEES, {"name": "Comité de la matriz", "kind": "works"}, COMMITTEE_MANAGERS),
    "update_committee": ("PATCH", DEMO_COMMITTEE_PATH, {"version": 1, "program": "Programa de la matriz"},
                         COMMITTEE_MANAGERS),
    "transition_committee": ("POST", f"{DEMO_COMMITTEE_PATH}/transitions",
                             {"to": "concluded", "on": ago(5), "document": "Acta de conclusión"},
                             COMMITTEE_MANAGERS),
    "list_committee_members": ("GET", f"{DEMO_COMMITTEE_PATH}/members", None, COMMITTEE_READERS),
    "add_committee_member": ("POST", f"{DEMO_COMMITTEE_PATH}/members",
                             {"full_name": "Integrante de la matriz", "sex": "F", "role": "member_at_large",
                              "start_on": ago(5)}, COMMITTEE_MANAGERS),
    "sign_commitment_letter": ("POST", f"{DEMO_COMMITTEE_MEMBER}/commitment-letter", {"on": ago(20)},
                               COMMITTEE_MANAGERS),
    "end_committee_member": ("POST", f"{DEMO_COMMITTEE_MEMBER}/end", {"end_on": ago(5)}, COMMITTEE_MANAGERS),
    "replace_committee_member": ("POST", f"{DEMO_COMMITTEE_MEMBER}/replacement",
                                 {"document": "Acta de sustitución de la matriz",
                                  "new": {"full_name": "Sustituta de la matriz", "sex": "F", "role": "chair",
                                          "start_on": ago(5)}}, COMMITTEE_MANAGERS),
    "list_committee_meetings": ("GET", f"{DEMO_COMMITTEE_PATH}/meetings", None, COMMITTEE_READERS),
    "add_committee_meeting": ("POST", f"{DEMO_COMMITTEE_PATH}/meetings",
                              {"held_on": ago(4), "minutes": "Minuta de la matriz"}, COMMITTEE_READERS),
    "add_committee_agreement": ("POST", f"{DEMO_COMMITTEE_PATH}/meetings/0192f100-0003-7000-8000-000000000001"
                                "/agreements", {"text": "Acuerdo de la matriz"}, COMMITTEE_READERS),
    "update_committee_agreement": ("PATCH", f"{DEMO_COMMITTEE_PATH}/agreements/0192f100-0004-7000-8000-000000000001",
                                   {"status": "done"}, COMMITTEE_READERS),
    "list_committee_agreements": ("GET", f"{DEMO_COMMITTEE_PATH}/agreements", None, COMMITTEE_READERS),
    "list_committee_trainings": ("GET", f"{DEMO_COMMITTEE_PATH}/trainings", None, COMMITTEE_READERS),
    "list_overdue_agreements": ("GET", f"{COMMITTEES}/agreements/overdue", None, COMMITTEE_MANAGERS),
    "list_municipality_trainings": ("GET", f"{COMMITTEES}/trainings", None, COMMITTEE_MANAGERS),
    "add_committee_training": ("POST", f"{COMMITTEES}/trainings",
                               {"topic": "Capacitación de la matriz", "held_on": ago(5),
                                "trainer": "Contraloría Municipal"}, COMMITTEE_MANAGERS),
    "record_training_attendance": ("POST", f"{COMMITTEES}/trainings/0192f100-0005-7000-8000-000000000001/attendance",
                                   {"member_ids": ["0192f100-0002-7000-8000-000000000001"]}, COMMITTEE_MANAGERS),
}


def test_the_matrix_covers_every_protected_endpoint(app) -> None:
    protected = {
        route.operation.name
        for route in all_routes(app.routes)
        if isinstance(route, Route) and getattr(route, "operation", None) and route.operation.auth
    }
    from tests.rulings.test_permission_matrix import MATRIX as AUDIT_MATRIX
    from tests.rulings.test_permission_matrix import PUBLIC_ENDPOINTS, endpoint_of

    audit = {endpoint_of(name) for name in AUDIT_MATRIX} - PUBLIC_ENDPOINTS
    assert not audit & set(MATRIX), "an endpoint is specified in both matrices"
    assert PUBLIC_ENDPOINTS.isdisjoint(protected), "a protected endpoint belongs in the matrix proper"
    assert protected == set(MATRIX) | audit


def _caller_token(session, caller: str) -> str | None:
    if caller == "anonymous":
        return None
    email = {"other_municipality_admin": OTHER_ADMIN, "national_admin": NATIONAL_ADMIN}.get(caller)
    return token_for(session, email or DEMO_ACCOUNTS[Role(caller)])


def _allowed(caller: str, roles: frozenset[Role]) -> bool:
    if caller == "anonymous":
        return False
    if caller == "national_admin" or roles == EVERY_ROLE:
        return True
    if caller == "other_municipality_admin":
        return False
    return Role(caller) in roles


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission(client, session, name: str, caller: str) -> None:
    method, template, body, roles = MATRIX[name]
    token = _caller_token(session, caller)
    headers = bearer(token) if token else {}
    inspection = _inspection_targets(client, session) if _needs_inspection_targets(template, body) else {}
    own_device = "00000000-0000-0000-0000-000000000000"
    if token:
        devices = client.get("/api/v1/auth/devices", headers=headers).json()
        own_device = next(device["id"] for device in devices if device["name"] == "pruebas")  # token_for's device
        headers["Vigia-Device"] = own_device
    photo = _target_photo(client, session) if "{target_photo}" in template else ""
    # Filed only where the path or the body names it, or to carry the target photo, as the other targets are made
    # only where named (filing one took about a third of each of the matrix's 1,900 runs).
    complaint = (_target_complaint(client, session, photo)
                 if photo or "{target_complaint}" in template + json.dumps(body) else "")
    path = template.format(
        **inspection,
        own_device=own_device,
        target_user=_target_user(client, session),
        target_work=_target_work(client, session) if "{target_work}" in template else "",
        target_photo=photo,
        target_complaint=complaint,
        target_template=_target_template(client, session) if "{target_template}" in template else "",
    )
    response = client.request(method, path, json=_fill(body, target_complaint=complaint, **inspection), headers=headers)
    if _allowed(caller, roles):
        assert response.status_code < 300, (name, caller, response.status_code, response.text)
    elif caller == "anonymous":
        assert response.status_code == 401, (name, caller, response.text)
        assert response.json()["error"]["code"] == "auth_required"
    else:
        assert response.status_code == 403, (name, caller, response.status_code, response.text)
        assert response.json()["error"]["code"] == "forbidden"
