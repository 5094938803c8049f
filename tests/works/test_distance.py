"""The metres "works near me" reports (`geo.metres_from`) against the geodesic on the WGS84 ellipsoid (Karney's
algorithm, geographiclib), and the lower bound its index cut-off relies on."""

from __future__ import annotations

import math
import random

import pytest
from geographiclib.geodesic import Geodesic
from shapely import geometry as sg

from server import geo

GEOD = Geodesic.WGS84
# Places from the equator to the far north and south, Vigía's own cities among them.
PLACES = [(-78.5, 0.0), (-104.6657, 24.0277), (-103.5, 25.54), (-77.03, -12.05), (-70.65, -33.45), (-0.12, 51.5),
          (25.0, 65.0), (-68.3, -54.8)]


def _ahead(lon: float, lat: float, bearing: float, metres: float) -> tuple[float, float]:
    end = GEOD.Direct(lat, lon, bearing, metres)
    return end["lon2"], end["lat2"]


def _to_line_m(lon: float, lat: float, line: sg.LineString, steps: int = 1000) -> float:
    """Geodesic metres to the nearest point of a line, by dense sampling along its geodesic segments."""
    best = math.inf
    coordinates = list(line.coords)
    for (lon1, lat1), (lon2, lat2) in zip(coordinates, coordinates[1:], strict=False):
        segment = GEOD.InverseLine(lat1, lon1, lat2, lon2)
        for i in range(steps + 1):
            step = segment.Position(segment.s13 * i / steps)
            best = min(best, GEOD.Inverse(lat, lon, step["lat2"], step["lon2"])["s12"])
    return best


@pytest.mark.parametrize(("lon", "lat"), PLACES)
def test_metres_to_points_agree_with_the_geodesic(lon: float, lat: float) -> None:
    rng = random.Random(f"{lon},{lat}")
    distances = [0.0, 1.0, 30.0, 500.0, 2_000.0, 10_000.0, 50_000.0] + [rng.uniform(1, 50_000) for _ in range(40)]
    targets = [_ahead(lon, lat, rng.uniform(0, 360), metres) for metres in distances]
    measured = geo.metres_from(lon, lat, [sg.Point(target) for target in targets])
    for (tlon, tlat), metres in zip(targets, measured.tolist(), strict=True):
        exact = GEOD.Inverse(lat, lon, tlat, tlon)["s12"]
        assert metres == pytest.approx(exact, rel=1e-4, abs=0.01), (lon, lat, tlon, tlat)


@pytest.mark.parametrize(("lon", "lat"), PLACES)
def test_metres_to_streets_and_lots_are_to_their_nearest_point(lon: float, lat: float) -> None:
    """A street passing by is measured to its nearest point, not to an end; a lot to its edge, and 0 inside."""
    rng = random.Random(f"line {lon},{lat}")
    for _ in range(6):
        middle = _ahead(lon, lat, rng.uniform(0, 360), rng.uniform(20, 5_000))
        heading = rng.uniform(0, 360)
        street = sg.LineString([_ahead(*middle, heading, 400), _ahead(*middle, heading + 180, 400)])
        exact = _to_line_m(lon, lat, street)
        assert geo.metres_from(lon, lat, [street])[0] == pytest.approx(exact, rel=2e-4, abs=0.05)
    around = sg.Point(lon, lat).buffer(0.001)
    assert geo.metres_from(lon, lat, [around])[0] == 0.0
    lot = sg.box(lon + 0.01, lat - 0.001, lon + 0.012, lat + 0.001)  # east of the point, its west edge nearest
    edge = sg.LineString([(lon + 0.01, lat - 0.001), (lon + 0.01, lat + 0.001)])
    assert geo.metres_from(lon, lat, [lot])[0] == pytest.approx(_to_line_m(lon, lat, edge), rel=2e-4)


def test_wkb_and_shapes_give_the_same_metres() -> None:
    lon, lat = PLACES[1]
    shapes = [sg.Point(lon + 0.01, lat), sg.LineString([(lon, lat + 0.02), (lon + 0.02, lat + 0.02)])]
    assert geo.metres_from(lon, lat, [shape.wkb for shape in shapes]).tolist() == \
        geo.metres_from(lon, lat, shapes).tolist()
    assert geo.metres_from(lon, lat, []).tolist() == []


@pytest.mark.parametrize(("lon", "lat"), PLACES)
def test_the_plane_distance_bound_holds(lon: float, lat: float) -> None:
    """`near` stops measuring once candidates are beyond `metres_per_degree_at_least` times their plane distance:
    no work within the radius may be nearer than that bound says."""
    rng = random.Random(f"bound {lon},{lat}")
    for radius_m in (100.0, 2_000.0, 50_000.0):
        floor = geo.metres_per_degree_at_least(lat, radius_m)
        shapes = []
        for _ in range(60):
            start = _ahead(lon, lat, rng.uniform(0, 360), rng.uniform(0, radius_m))
            end = _ahead(*start, rng.uniform(0, 360), rng.uniform(0, 800))
            shapes += [sg.Point(start), sg.LineString([start, end])]
        for shape, metres in zip(shapes, geo.metres_from(lon, lat, shapes).tolist(), strict=True):
            if metres <= radius_m:
                assert metres >= floor * shape.distance(sg.Point(lon, lat)), (radius_m, shape.wkt)
