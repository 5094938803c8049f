"""The works register over HTTP: what the public map, the comptroller's desk and scripts see."""

from __future__ import annotations

import uuid

from tests.factories import CENTRO, bearer, line, make_work, point, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/works"


def staff(session) -> dict[str, str]:
    return bearer(token_for(session, "contraloria@vigia.example"))


def new_work(**fields) -> dict:
    return {"identifier": f"HTTP-{uuid.uuid4().hex[:6]}", "title": "Rehabilitación del parque Guadiana",
            "status": "implementation", "sector": ["cultureSportsAndRecreation"], **fields}


def test_register_read_edit_and_progress(client, session) -> None:
    headers = staff(session)
    created = client.post(BASE, json=new_work(geometry=point(*CENTRO), budget_amount="2500000.50"), headers=headers)
    assert created.status_code == 201, created.text
    work = created.json()
    assert work["zones"] == [{"code": "10005-Z01", "name": "Zona Centro"}]
    assert work["budget_amount"] == "2500000.50"
    shown = client.get(f"{BASE}/{work['id']}").json()  # public: no token needed
    assert shown["title"] == "Rehabilitación del parque Guadiana"
    edited = client.patch(f"{BASE}/{work['id']}", json={"version": 1, "status": "completion"}, headers=headers)
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = client.patch(f"{BASE}/{work['id']}", json={"version": 1, "title": "Otra"}, headers=headers)
    error = assert_error_shape(stale, 409, "stale_version")
    assert error["current"]["status"] == "completion" and error["current"]["version"] == 2
    observed = client.post(f"{BASE}/{work['id']}/progress", headers=headers,
                           json={"observed_on": "2026-10-01", "physical_pct": 60, "financial_pct": 90})
    assert observed.status_code == 201
    history = client.get(f"{BASE}/{work['id']}/progress").json()
    assert [(h["physical_pct"], h["source"]) for h in history] == [(60, "official")]
    english = client.get(f"{BASE}/{work['id']}", headers={"Accept-Language": "en"}).json()
    assert english["risks"][0]["message"].startswith("90% has been paid")


def test_bad_input_on_registration(client, session) -> None:
    headers = staff(session)
    bad_status = client.post(BASE, json=new_work(status="en obra"), headers=headers)
    assert assert_error_shape(bad_status, 422, "validation_error")["details"][0]["field"] == "status"
    outside = client.post(BASE, json=new_work(geometry=point(-103.498, 25.565)), headers=headers)
    assert assert_error_shape(outside, 422, "point_in_other_municipality")["details"][0]["field"] == "geometry"
    swapped = client.post(BASE, json=new_work(geometry=point(CENTRO[1], CENTRO[0])), headers=headers)
    assert_error_shape(swapped, 422, "coordinates_look_swapped")
    broken = client.post(BASE, content=b'{"identifier": "X", ', headers={**headers, "Content-Type": "application/json"})
    assert_error_shape(broken, 400, "invalid_json")
    first = client.post(BASE, json=new_work(identifier="DUP-1"), headers=headers)
    assert first.status_code == 201
    assert_error_shape(client.post(BASE, json=new_work(identifier="DUP-1"), headers=headers), 409,
                       "work_identifier_taken")
    percent = client.post(f"{BASE}/{first.json()['id']}/progress", json={"observed_on": "2026-10-01",
                                                                         "physical_pct": 140}, headers=headers)
    assert assert_error_shape(percent, 422, "validation_error")["details"][0]["field"] == "physical_pct"


def test_unknown_and_foreign_ids_are_404(client, session) -> None:
    theirs = make_work(session, code="10007", geometry=None)
    assert_error_shape(client.get(f"{BASE}/{uuid.uuid4()}"), 404, "work_not_found")
    assert_error_shape(client.get(f"{BASE}/{theirs.id}"), 404, "work_not_found")
    assert_error_shape(client.patch(f"{BASE}/{theirs.id}", json={"version": 1, "title": "Ajena"},
                                    headers=staff(session)), 404, "work_not_found")
    assert_error_shape(client.get(f"{BASE}/no-es-un-id"), 404, "route_not_found")
    assert_error_shape(client.get("/api/v1/municipalities/99999/works"), 404, "municipality_not_found")


def test_list_filters_and_pages(client, session) -> None:
    make_work(session, identifier="F-ROAD", title="Pavimentación de calle", sector=["transport.road"],
              funding_source="FISM-DF 2026", status="implementation", geometry=point(*CENTRO),
              parties=[{"name": "Constructora Sierra Madre", "roles": ["supplier"]}])
    make_work(session, identifier="F-SCHOOL", title="Aula de escuela", sector=["education"], status="completion")
    query = "?status=implementation&status=preparation&sector=transport.road&zone=10005-Z01"
    found = client.get(BASE + query + "&funding_source=fism-df 2026&contractor=sierra&limit=200").json()
    assert "F-ROAD" in {item["identifier"] for item in found["items"]}
    assert "F-SCHOOL" not in {item["identifier"] for item in found["items"]}
    first = client.get(BASE + "?limit=1&order=identifier").json()
    second = client.get(BASE + f"?limit=1&order=identifier&cursor={first['next_cursor']}").json()
    assert first["items"][0]["identifier"] < second["items"][0]["identifier"]
    assert assert_error_shape(client.get(BASE + "?status=soñada"), 422, "validation_error")["details"][0][
        "field"] == "status.0"
    assert_error_shape(client.get(BASE + "?limit=0"), 422, "validation_error")
    assert_error_shape(client.get(BASE + "?order=random"), 422, "validation_error")
    assert_error_shape(client.get(BASE + "?risk=corruption"), 422, "validation_error")
    assert_error_shape(client.get(BASE + "?cursor=%%%"), 422, "invalid_cursor")
    assert_error_shape(client.get(BASE + "?stalled=quizas"), 422, "validation_error")


def test_map_near_and_within(client, session) -> None:
    street = make_work(session, identifier="M-LINE", geometry=line((-104.6700, 24.0250), (-104.6600, 24.0260)))
    layer = client.get(BASE + "/map").json()
    assert layer["type"] == "FeatureCollection"
    feature = next(f for f in layer["features"] if f["id"] == str(street.id))
    assert feature["geometry"]["type"] == "LineString" and feature["properties"]["identifier"] == "M-LINE"
    near = client.get(BASE + "/near?lon=-104.665&lat=24.0262&radius_m=300").json()
    assert near[0]["id"] == str(street.id) and near[0]["distance_m"] < 100
    distances = [item["distance_m"] for item in near]
    assert distances == sorted(distances)
    assert_error_shape(client.get(BASE + "/near?lat=24.02"), 422, "validation_error")
    assert_error_shape(client.get(BASE + "/near?lon=-104.6&lat=124"), 422, "validation_error")
    assert_error_shape(client.get(BASE + "/near?lon=-104.6&lat=24&radius_m=900000"), 422, "validation_error")
    boxed = client.get(BASE + "/within?bbox=-104.68,24.02,-104.65,24.03").json()
    assert str(street.id) in {item["id"] for item in boxed}
    assert_error_shape(client.get(BASE + "/within?bbox=-104.6,24.03,-104.7,24.02"), 422, "invalid_bbox")
    drawn = client.post(BASE + "/within", json={"geometry": {"type": "Polygon", "coordinates": [[
        [-104.68, 24.02], [-104.65, 24.02], [-104.65, 24.03], [-104.68, 24.03], [-104.68, 24.02]]]}}).json()
    assert str(street.id) in {item["id"] for item in drawn}
    assert_error_shape(client.post(BASE + "/within", json={"geometry": point(*CENTRO)}), 422,
                       "geometry_type_not_allowed")
