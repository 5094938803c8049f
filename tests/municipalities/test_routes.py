"""Municipalities, holidays, zones and staff accounts over HTTP."""

from __future__ import annotations

from datetime import date

from shapely.geometry import shape

from server.auth import service as auth
from server.auth.models import Role
from tests.factories import NATIONAL_ADMIN, bearer, make_user, municipality, token_for
from tests.test_app import assert_error_shape


def test_list_and_get_a_municipality(client) -> None:
    listing = client.get("/api/v1/municipalities").json()
    assert [m["code"] for m in listing] == ["10005", "10007"]
    durango = client.get("/api/v1/municipalities/10005").json()
    assert durango["name"] == "Durango" and durango["timezone"] == "America/Monterrey"
    boundary = shape(durango["boundary"])
    assert boundary.geom_type == "MultiPolygon" and boundary.is_valid
    ring = durango["boundary"]["coordinates"][0][0]
    assert len(ring) >= 4 and all(len(position) == 2 for position in ring)
    west, south, east, north = durango["bbox"]
    assert west < -104.6657 < east and south < 24.0277 < north


def test_unknown_municipality_is_a_404_naming_the_code(client) -> None:
    error = assert_error_shape(client.get("/api/v1/municipalities/99999"), 404, "municipality_not_found")
    assert "99999" in error["message"]


def test_zones_are_a_geojson_feature_collection(client) -> None:
    body = client.get("/api/v1/municipalities/10005/zones").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 30
    centro = next(f for f in body["features"] if f["properties"]["name"] == "Zona Centro")
    assert shape(centro["geometry"]).contains(shape({"type": "Point", "coordinates": [-104.6657, 24.0277]}))
    other = client.get("/api/v1/municipalities/10007/zones").json()
    assert {f["id"] for f in other["features"]}.isdisjoint({f["id"] for f in body["features"]})


def test_holidays_by_year_add_and_remove(client, session) -> None:
    year = date.today().year + 1  # the demo's holidays are rules, made into dates for the years around today
    holidays = client.get(f"/api/v1/municipalities/10005/holidays?year={year}").json()
    assert {"day": f"{year}-09-16", "name": "Día de la Independencia"} in holidays
    assert len(holidays) == 11 and all(h["day"].startswith(str(year)) for h in holidays)
    headers = bearer(token_for(session, "admin@vigia.example"))
    day = f"{year}-10-12"
    added = client.post("/api/v1/municipalities/10005/holidays", json={"day": day, "name": "Día de la Raza"},
                        headers=headers)
    assert added.status_code == 201
    assert {"day": day, "name": "Día de la Raza"} in client.get(
        f"/api/v1/municipalities/10005/holidays?year={year}").json()
    again = client.post("/api/v1/municipalities/10005/holidays", json={"day": day, "name": "Otra vez"},
                        headers=headers)
    assert day in assert_error_shape(again, 409, "holiday_exists")["message"]
    assert client.delete(f"/api/v1/municipalities/10005/holidays/{day}", headers=headers).status_code == 204
    assert_error_shape(client.delete(f"/api/v1/municipalities/10005/holidays/{day}", headers=headers), 404,
                       "holiday_not_found")
    bad = client.delete("/api/v1/municipalities/10005/holidays/12-12-2026", headers=headers)
    assert assert_error_shape(bad, 422, "invalid_date")["details"][0]["field"] == "day"
    assert_error_shape(client.get("/api/v1/municipalities/10005/holidays?year=dos mil"), 422, "validation_error")


def test_edit_municipality_validates_the_time_zone(client, session) -> None:
    headers = bearer(token_for(session, "admin@vigia.example"))
    bad = client.patch("/api/v1/municipalities/10005", json={"timezone": "Mars/Olympus"}, headers=headers)
    error = assert_error_shape(bad, 422, "validation_error")
    assert error["details"][0]["field"] == "timezone"
    good = client.patch("/api/v1/municipalities/10005", json={"timezone": "America/Mexico_City"}, headers=headers)
    assert good.status_code == 200 and good.json()["timezone"] == "America/Mexico_City"


def test_admin_creates_an_account_that_can_sign_in(client, session) -> None:
    headers = bearer(token_for(session, "admin@vigia.example"))
    created = client.post(
        "/api/v1/municipalities/10005/users",
        json={"email": "Nuevo.Comite@Vigia.example", "full_name": "Nuevo Integrante",
              "password": "clave-de-prueba", "roles": ["committee_member"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "nuevo.comite@vigia.example"
    login = client.post("/api/v1/auth/login", json={"email": "nuevo.comite@vigia.example",
                                                    "password": "clave-de-prueba", "device_name": "x"})
    assert login.status_code == 201
    short = client.post("/api/v1/municipalities/10005/users",
                        json={"email": "x@vigia.example", "full_name": "X", "password": "corta", "roles": ["volunteer"]},
                        headers=headers)
    assert assert_error_shape(short, 422, "validation_error")["details"][0]["field"] == "password"
    no_role = client.post("/api/v1/municipalities/10005/users",
                          json={"email": "y@vigia.example", "full_name": "Y", "roles": []}, headers=headers)
    assert assert_error_shape(no_role, 422, "validation_error")["details"][0]["field"] == "roles"


def test_staff_lists_show_only_this_municipality(client, session) -> None:
    make_user(session, Role.volunteer, code="10007", email="solo.gomez@vigia.example")
    both = make_user(session, Role.volunteer, email="en.los.dos@vigia.example")
    auth.grant(session, user=both, municipality_id=municipality(session, "10007").id, role=Role.admin)
    users = client.get("/api/v1/municipalities/10005/users",
                       headers=bearer(token_for(session, "contraloria@vigia.example"))).json()
    emails = {u["email"] for u in users}
    assert "admin@vigia.example" in emails and "solo.gomez@vigia.example" not in emails
    grants = [g for u in users for g in u["roles"]]
    assert grants and {g["municipality_code"] for g in grants} == {"10005"}
    # someone with roles in both is listed with this municipality's roles only
    assert [u["roles"] for u in users if u["email"] == both.email] == [
        [{"municipality_code": "10005", "role": "volunteer"}]]


def test_another_municipalitys_account_is_not_found_here(client, session) -> None:
    outsider = make_user(session, Role.volunteer, code="10007")
    headers = bearer(token_for(session, "admin@vigia.example"))
    response = client.put(f"/api/v1/municipalities/10005/users/{outsider.id}/roles",
                          json={"roles": ["admin"]}, headers=headers)
    assert_error_shape(response, 404, "user_not_found")


def test_roles_can_be_replaced_and_removed(client, session) -> None:
    person = make_user(session, Role.volunteer, Role.committee_member)
    headers = bearer(token_for(session, "admin@vigia.example"))
    path = f"/api/v1/municipalities/10005/users/{person.id}/roles"
    replaced = client.put(path, json={"roles": ["committee_coordinator"]}, headers=headers).json()
    assert [g["role"] for g in replaced["roles"]] == ["committee_coordinator"]
    assert client.put(path, json={"roles": []}, headers=headers).json()["roles"] == []
    assert_error_shape(client.put(path, json={"roles": ["admin"]}, headers=headers), 404, "user_not_found")
    assert_error_shape(client.put(path, json={"roles": ["jefe"]}, headers=headers), 422, "validation_error")


def test_an_admin_cannot_remove_their_own_admin_role(client, session) -> None:
    from server.auth import service

    admin = service.get_by_email(session, "admin@vigia.example")
    headers = bearer(token_for(session, "admin@vigia.example"))
    response = client.put(f"/api/v1/municipalities/10005/users/{admin.id}/roles", json={"roles": ["volunteer"]},
                          headers=headers)
    assert_error_shape(response, 409, "cannot_demote_self")


def test_national_admin_acts_in_every_municipality(client, session) -> None:
    here = make_user(session, Role.committee_member, Role.volunteer)
    there = make_user(session, Role.comptroller, code="10007")
    both = make_user(session, Role.volunteer)
    auth.grant(session, user=both, municipality_id=municipality(session, "10007").id, role=Role.admin)
    headers = bearer(token_for(session, NATIONAL_ADMIN))
    expected = {"10005": {here.email: ["committee_member", "volunteer"], both.email: ["volunteer"]},
                "10007": {there.email: ["comptroller"], both.email: ["admin"]}}
    for code, theirs in expected.items():
        response = client.get(f"/api/v1/municipalities/{code}/users", headers=headers)
        assert response.status_code == 200, response.text
        users = {user["email"]: user for user in response.json()}
        roles = {email: sorted(g["role"] for g in users[email]["roles"]) for email in theirs if email in users}
        assert roles == theirs, code  # each of them, with exactly their roles here
        outsider = here if code == "10007" else there
        assert outsider.email not in users, code
        # every account listed has a role here, and is shown with this municipality's roles only
        assert all(user["roles"] for user in users.values()), code
        assert {g["municipality_code"] for user in users.values() for g in user["roles"]} == {code}
        assert [u["email"] for u in response.json()] == sorted(users)  # by email


def _square(west: float, south: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [west + size, south], [west + size, south + size],
                                                [west, south + size], [west, south]]]}


def test_zones_import_from_geojson_relinks_works(client, session) -> None:
    from tests.factories import make_work, point

    headers = bearer(token_for(session, "admin@vigia.example"))
    farm = make_work(session, identifier="Z-RURAL", geometry=point(-104.745, 24.105))
    centro = client.get("/api/v1/municipalities/10005/zones").json()["features"][0]
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "10005-R01", "name": "Ejido La Ferrería", "kind": "ejido"},
         "geometry": _square(-104.75, 24.10)},
        {"type": "Feature", "properties": {"code": centro["properties"]["code"], "name": "Zona Centro"},
         "geometry": centro["geometry"]},
        {"type": "Feature", "properties": {"code": "10005-Z02", "name": "Barrio de Analco (renombrado)",
                                           "kind": "colonia"},
         "geometry": client.get("/api/v1/municipalities/10005/zones").json()["features"][1]["geometry"]},
        {"type": "Feature", "properties": {"code": "10005-BAD", "name": "Moño"},
         "geometry": {"type": "Polygon", "coordinates": [[[-104.7, 24.0], [-104.69, 24.01], [-104.69, 24.0],
                                                          [-104.7, 24.01], [-104.7, 24.0]]]}},
        {"type": "Feature", "properties": {"code": "10005-FUERA", "name": "En Gómez Palacio"},
         "geometry": _square(-103.50, 25.56)},
        {"type": "Feature", "properties": {"name": "Sin clave"}, "geometry": _square(-104.8, 23.9)},
    ]}
    response = client.post("/api/v1/municipalities/10005/zones/import", json=collection, headers=headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (1, 1, 1, 3)
    results = {row["row"]: row for row in report["rows"]}
    assert results[4]["errors"][0]["code"] == "invalid_geometry"
    assert results[5]["errors"][0]["code"] == "geometry_outside_municipality"
    assert results[6]["errors"][0]["code"] == "zone_needs_code_and_name"
    shown = client.get(f"/api/v1/municipalities/10005/works/{farm.id}").json()
    assert shown["zones"] == [{"code": "10005-R01", "name": "Ejido La Ferrería"}]
    again = client.post("/api/v1/municipalities/10005/zones/import", json=collection, headers=headers).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_zones_import_bad_documents(client, session) -> None:
    headers = bearer(token_for(session, "admin@vigia.example"))
    path = "/api/v1/municipalities/10005/zones/import"
    assert_error_shape(client.post(path, json={"type": "Feature"}, headers=headers), 422, "not_a_feature_collection")
    assert_error_shape(client.post(path, content=b"{no", headers={**headers, "Content-Type": "application/json"}),
                       400, "invalid_json")
    assert_error_shape(client.post(path, content=b"a,b", headers={**headers, "Content-Type": "text/csv"}), 415,
                       "unsupported_media_type_of")
