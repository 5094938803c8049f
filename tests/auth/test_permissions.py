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
    )
    response = client.request(method, path, json=body, headers=headers)
    if _allowed(caller, roles):
        assert response.status_code < 300, (name, caller, response.status_code, response.text)
    elif caller == "anonymous":
        assert response.status_code == 401, (name, caller, response.text)
        assert response.json()["error"]["code"] == "auth_required"
    else:
        assert response.status_code == 403, (name, caller, response.status_code, response.text)
        assert response.json()["error"]["code"] == "forbidden"
