"""Every protected endpoint × every role, in the municipality, from another municipality, national, anonymous.

The table below is the specification. A new protected endpoint that is not in it fails
`test_the_matrix_covers_every_protected_endpoint`, so no endpoint ships without its permissions tested."""

from __future__ import annotations

import pytest
from starlette.routing import Route

from server.api import all_routes
from server.auth.models import Role
from tests.factories import DEMO_ACCOUNTS, NATIONAL_ADMIN, OTHER_ADMIN, bearer, token_for

EVERY_ROLE = frozenset(Role)
ADMINS = frozenset({Role.admin})
STAFF = frozenset({Role.admin, Role.comptroller})

# callers: each demo role in 10005, the admin of 10007 (another municipality) and a national admin
CALLERS = [*(role.value for role in Role), "other_municipality_admin", "national_admin", "anonymous"]


def _target_user(client, session) -> str:
    from server.auth import service

    return str(service.get_by_email(session, "comite@vigia.example").id)


# The first demo complaint (fixtures/complaints.json), open, in 10005.
DEMO_COMPLAINT = "0192f000-0000-7000-8000-000000000001"


def _target_complaint(client, session, photo: str = "") -> str:
    from server.auth.actor import ANONYMOUS
    from server.complaints import intake
    from server.complaints.models import ComplaintCreate
    from tests.factories import CENTRO, municipality

    filed = intake.file(session, actor=ANONYMOUS, municipality=municipality(session), data=ComplaintCreate(
        kind="complaint", category="obra-calidad", description="La banqueta nueva ya está rota en la esquina.",
        location={"type": "Point", "coordinates": list(CENTRO)}, anonymous=True, photo_ids=[photo] if photo else []))
    session.flush()
    return str(filed.complaint.id)


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



# name: (method, path template, json body, roles of 10005 allowed). Signed-in callers of every kind may use
# the endpoints whose allowed set is EVERY_ROLE ("any signed-in account", including other municipalities').
MATRIX = {
    "logout": ("POST", "/api/v1/auth/logout", None, EVERY_ROLE),
    "me": ("GET", "/api/v1/auth/me", None, EVERY_ROLE),
    "devices": ("GET", "/api/v1/auth/devices", None, EVERY_ROLE),
    "revoke_device": ("POST", "/api/v1/auth/devices/{own_device}/revoke", None, EVERY_ROLE),
    "update_municipality": ("PATCH", "/api/v1/municipalities/10005", {"timezone": "America/Mexico_City"}, ADMINS),
    "add_holiday": ("POST", "/api/v1/municipalities/10005/holidays", {"day": "2026-12-12", "name": "Guadalupe"},
                    ADMINS),
    "remove_holiday": ("DELETE", "/api/v1/municipalities/10005/holidays/2026-01-01", None, ADMINS),
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
                     {"observed_on": "2026-11-01", "physical_pct": 35}, STAFF),
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
    "add_template": ("POST", "/api/v1/municipalities/10005/complaints/templates",
                     {"state": "resolved", "title": "Otra", "body": "Texto de la plantilla"}, STAFF),
}


def test_the_matrix_covers_every_protected_endpoint(app) -> None:
    protected = {
        route.operation.name
        for route in all_routes(app.routes)
        if isinstance(route, Route) and getattr(route, "operation", None) and route.operation.auth
    }
    assert protected == set(MATRIX)


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
    path = template.format(
        own_device=client.get("/api/v1/auth/devices", headers=headers).json()[0]["id"] if token else
        "00000000-0000-0000-0000-000000000000",
        target_user=_target_user(client, session),
        target_work=_target_work(client, session) if "{target_work}" in template else "",
        target_photo=(photo := _target_photo(client, session) if "{target_photo}" in template else ""),
        target_complaint=(complaint := _target_complaint(client, session, photo)),
    )
    response = client.request(method, path, json=_fill(body, target_complaint=complaint), headers=headers)
    if _allowed(caller, roles):
        assert response.status_code < 300, (name, caller, response.status_code, response.text)
    elif caller == "anonymous":
        assert response.status_code == 401, (name, caller, response.text)
        assert response.json()["error"]["code"] == "auth_required"
    else:
        assert response.status_code == 403, (name, caller, response.status_code, response.text)
        assert response.json()["error"]["code"] == "forbidden"
