"""GeoJSON at the edge: every bad geometry is refused with the field and the reason."""

from __future__ import annotations

import pytest

from server import geo
from server.errors import Invalid


def error_of(data, **kwargs) -> Invalid:
    with pytest.raises(Invalid) as caught:
        geo.parse_geojson(data, **kwargs)
    return caught.value


def test_valid_geometries_of_every_kind() -> None:
    point = geo.parse_geojson({"type": "Point", "coordinates": [-104.6657, 24.0277]})
    assert (point.x, point.y) == (-104.6657, 24.0277)
    street = geo.parse_geojson({"type": "LineString", "coordinates": [[-104.67, 24.02], [-104.66, 24.03]]})
    assert street.geom_type == "LineString"
    park = geo.parse_geojson(
        {"type": "Polygon", "coordinates": [[[-104.67, 24.02], [-104.66, 24.02], [-104.66, 24.03], [-104.67, 24.02]]]}
    )
    assert geo.as_multipolygon(park).geom_type == "MultiPolygon"
    assert geo.to_geojson(point) == {"type": "Point", "coordinates": (-104.6657, 24.0277)}


@pytest.mark.parametrize("coordinates", [[-200, 24], [-104, 95], [float("nan"), 24], [181, -91]])
def test_coordinates_out_of_range(coordinates) -> None:
    error = error_of({"type": "Point", "coordinates": coordinates}, field="location")
    assert error.code == "coordinate_out_of_range"
    assert error.details[0]["field"] == "location"
    assert "-180 a 180" in error.message("es")


def test_self_intersecting_polygon_is_explained() -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    error = error_of(bowtie)
    assert error.code == "invalid_geometry"
    assert "Self-intersection" in error.message("en")


@pytest.mark.parametrize(
    "data",
    [
        "POINT(1 2)",
        {"coordinates": [1, 2]},
        {"type": "Point"},
        {"type": "Point", "coordinates": "1,2"},
        {"type": "Point", "coordinates": [1]},
        {"type": "LineString", "coordinates": [[1, 2]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]},
        {"type": "Point", "coordinates": [True, 2]},
    ],
)
def test_malformed_geometries(data) -> None:
    assert error_of(data).code == "invalid_geometry"


def test_type_not_allowed_names_what_was_expected() -> None:
    error = error_of({"type": "Point", "coordinates": [1, 2]}, allowed=geo.POLYGONAL)
    assert error.code == "geometry_type_not_allowed"
    assert "Polygon" in error.message("es") and "Point" in error.message("es")


def test_reasons_are_in_both_languages() -> None:
    error = error_of({"type": "Point"})
    assert error.message("es") == "La geometría no es válida: faltan las coordenadas."
    assert error.message("en") == "The geometry is not valid: the coordinates are missing."


def test_latitude_first_is_recognised() -> None:
    error = error_of({"type": "Point", "coordinates": [24.0277, -104.6657]}, field="location")
    assert error.code == "coordinates_look_swapped"
    assert "primero la longitud" in error.message("es")


@pytest.mark.parametrize(
    "data",
    [
        {"type": "Point", "coordinates": [-104.6657, 24.0277]},
        {"type": "Point", "coordinates": [-104, 24, 1890.5]},
        {"type": "Point", "coordinates": [-200, 24]},
        {"type": "Point", "coordinates": [24.0277, -104.6657]},
        {"type": "Point", "coordinates": [float("inf"), 24]},
        {"type": "Point", "coordinates": [1]},
        {"type": "Point", "coordinates": [1, 2, 3, 4]},
        {"type": "Point", "coordinates": [True, 2]},
        {"type": "Point", "coordinates": "1,2"},
        {"type": "Point", "coordinates": [[1, 2]]},
        {"type": "Point"},
        {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
        "POINT(1 2)",
    ],
)
def test_a_point_read_without_a_geometry_answers_as_the_full_parse(data) -> None:
    """geo.point_position (a filing's point, read without building a shapely geometry) gives the position or the
    very error that parse_geojson(allowed=("Point",)) gives for the same input."""
    try:
        shape = geo.parse_geojson(data, allowed=("Point",), field="location")
    except Invalid as expected:
        with pytest.raises(Invalid) as caught:
            geo.point_position(data, field="location")
        assert (caught.value.code, caught.value.details) == (expected.code, expected.details)
    else:
        assert geo.point_position(data, field="location") == (shape.x, shape.y)
