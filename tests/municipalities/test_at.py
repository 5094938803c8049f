"""Point → municipality: "¿en qué municipio estoy?", public, over HTTP."""

from __future__ import annotations

from shapely import geometry as sg

from server import geo
from server.municipalities.models import Municipality
from tests.factories import CENTRO
from tests.test_app import assert_error_shape

AT = "/api/v1/municipalities/at"


def test_a_point_in_zona_centro_names_durango_and_its_colonia(client) -> None:
    response = client.get(AT, params={"lon": CENTRO[0], "lat": CENTRO[1]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["name"], body["state"]) == ("10005", "Durango", "Durango")
    assert body["zone"]["name"] == "Zona Centro" and body["zone"]["kind"]
    assert body["zone"]["code"] in {f["id"] for f in client.get("/api/v1/municipalities/10005/zones").json()["features"]}


def test_a_point_in_gomez_palacio_names_gomez_palacio(client) -> None:
    boundary = sg.shape(client.get("/api/v1/municipalities/10007").json()["boundary"])
    inside = boundary.representative_point()
    body = client.get(AT, params={"lon": inside.x, "lat": inside.y}).json()
    assert (body["code"], body["name"]) == ("10007", "Gómez Palacio")


def test_a_point_outside_every_zone_has_no_zone(client) -> None:
    boundary = sg.shape(client.get("/api/v1/municipalities/10005").json()["boundary"])
    zones = [sg.shape(f["geometry"]) for f in client.get("/api/v1/municipalities/10005/zones").json()["features"]]
    outside_zones = boundary.difference(sg.MultiPolygon([p for z in zones for p in z.geoms]).buffer(0.001))
    spot = outside_zones.representative_point()
    body = client.get(AT, params={"lon": spot.x, "lat": spot.y}).json()
    assert body["code"] == "10005" and body["zone"] is None


def test_a_place_not_served_is_a_404_in_words(client) -> None:
    error = assert_error_shape(client.get(AT, params={"lon": -99.13, "lat": 19.43}), 404, "place_not_served")
    assert error["message"].startswith("Vigía no atiende ese lugar todavía")
    english = client.get(AT, params={"lon": -99.13, "lat": 19.43}, headers={"Accept-Language": "en"})
    assert assert_error_shape(english, 404, "place_not_served")["message"].startswith("Vigía does not serve")


def test_latitude_first_gets_the_swapped_coordinates_help(client) -> None:
    error = assert_error_shape(client.get(AT, params={"lon": CENTRO[1], "lat": CENTRO[0]}), 422, "validation_error")
    [detail] = error["details"]  # the same help as every endpoint that takes ?lon=&lat= (geo.LonLat)
    assert detail["code"] == "coordinates_look_swapped" and "longitud" in detail["message"]


def test_a_swapped_point_that_stays_in_range_is_told_where_it_would_fall(client, session) -> None:
    # Near Lima both numbers fit in either order, so only the municipality's boundary tells them apart.
    session.add(Municipality(code="150101", name="Lima", state="Lima", country="PE", timezone="America/Lima",
                             boundary=geo.to_db(sg.MultiPolygon([sg.box(-77.1, -12.1, -77.0, -12.0)]))))
    session.flush()
    assert client.get(AT, params={"lon": -77.05, "lat": -12.05}).json()["code"] == "150101"
    error = assert_error_shape(client.get(AT, params={"lon": -12.05, "lat": -77.05}), 422, "place_looks_swapped")
    assert "Lima" in error["message"] and "longitud" in error["message"]


def test_bad_coordinates_are_refused_in_words(client) -> None:
    for lon in (500, "nan", "inf"):
        error = assert_error_shape(client.get(AT, params={"lon": lon, "lat": 24}), 422, "validation_error")
        assert error["details"][0]["code"] == "coordinate_out_of_range", error
    missing = assert_error_shape(client.get(AT, params={"lon": -104.6}), 422, "validation_error")
    assert missing["details"][0]["field"] == "lat"
    words = assert_error_shape(client.get(AT, params={"lon": "oeste", "lat": 24}), 422, "validation_error")
    assert words["details"][0]["message"] == "Debe ser un número."


def test_the_municipality_with_code_at_is_not_shadowed_for_other_routes(client) -> None:
    assert client.get("/api/v1/municipalities/10005").json()["code"] == "10005"
    assert_error_shape(client.get("/api/v1/municipalities/at/zones"), 404, "municipality_not_found")
