"""Spatial checks other domains rely on: is a point inside the municipality, which colonia is it in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.demo_calendar import easter, rule_date
from server.errors import Invalid
from server.municipalities import service
from tests.factories import CENTRO, municipality


def test_a_point_in_the_city_is_inside(session) -> None:
    service.check_point(municipality(session), lon=CENTRO[0], lat=CENTRO[1])


def test_a_point_in_no_served_municipality_is_outside(session) -> None:
    with pytest.raises(Invalid) as outside:
        service.check_point(municipality(session), lon=-104.2, lat=23.2)  # south of Durango, in no municipality served
    assert outside.value.code == "point_outside_municipality"
    assert outside.value.details[0]["field"] == "location"
    assert "Durango" in outside.value.message("es")


def test_swapped_coordinates_are_recognised(session) -> None:
    with pytest.raises(Invalid) as swapped:
        service.check_point(municipality(session), lon=CENTRO[1], lat=CENTRO[0])
    assert swapped.value.code == "coordinates_swapped"
    assert "longitud" in swapped.value.message("es")
    assert "longitude first" in swapped.value.message("en")


def test_zone_at_finds_the_colonia_on_both_databases(session) -> None:
    durango = municipality(session)
    zone = service.zone_at(session, municipality=durango, lon=CENTRO[0], lat=CENTRO[1])
    assert zone is not None and zone.name == "Zona Centro"
    assert service.zone_at(session, municipality=durango, lon=-104.75, lat=24.1) is None  # countryside
    assert service.zone_at(session, municipality=municipality(session, "10007"), lon=CENTRO[0], lat=CENTRO[1]) is None


def test_holidays_between(session) -> None:
    # 2027: Benito Juárez on the third Monday of March, Holy Thursday and Friday before Easter (28 March).
    year = date.today().year + 1
    days = service.holidays_between(session, municipality_id=municipality(session).id, start=date(year, 3, 1),
                                    end=date(year, 4, 30))
    assert days == {rule_date({"month": 3, "weekday": "monday", "nth": 3}, year),
                    easter(year) - timedelta(days=3), easter(year) - timedelta(days=2)}
    assert len(days) == 3 and all(day.weekday() in (0, 3, 4) for day in days)


def test_municipality_at_names_the_municipality_that_holds_the_point(session) -> None:
    assert service.municipality_at(session, CENTRO[0], CENTRO[1]).code == municipality(session).code
    assert service.municipality_at(session, -103.498, 25.565).code == "10007"  # Gómez Palacio
    assert service.municipality_at(session, -99.13, 19.43) is None  # Mexico City: not served
    assert service.municipality_at(session, CENTRO[1], CENTRO[0]) is None  # swapped: nowhere


def test_a_point_in_another_served_municipality_names_it(session) -> None:
    with pytest.raises(Invalid) as elsewhere:
        service.check_point(municipality(session), lon=-103.498, lat=25.565)
    assert elsewhere.value.code == "point_in_other_municipality"
    assert "Gómez Palacio (10007)" in elsewhere.value.message("es")
    assert "Gómez Palacio (10007)" in elsewhere.value.message("en")


def test_a_batch_that_expects_many_points_reads_the_zones_once_and_finds_the_same_zones(session) -> None:
    """In a batch (server.lookups.kept), a caller that says it will ask for the zones of more points than
    ZONES_READ_ONCE_AFTER gets them from one read of the municipality's zones from the first question on, their
    shapes decoded once per version of each zone; the answers are those of the point-by-point spatial query;
    fewer points keep the query per point."""
    from server import lookups

    durango = municipality(session)
    points = [CENTRO, (-104.75, 24.1), (CENTRO[0] + 0.002, CENTRO[1] - 0.001), CENTRO]
    alone = [getattr(service.zone_at(session, municipality=durango, lon=lon, lat=lat), "id", None)
             for lon, lat in points]
    assert alone[0] is not None and alone[1] is None

    def zone_queries(expected: int) -> tuple[list, int]:
        statements: list[str] = []

        def note(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        sa.event.listen(session.get_bind(), "before_cursor_execute", note)
        try:
            with lookups.kept(session):
                service.expect_zone_questions(session, municipality=durango, count=expected)
                found = [getattr(service.zone_at(session, municipality=durango, lon=lon, lat=lat), "id", None)
                         for lon, lat in points]
        finally:
            sa.event.remove(session.get_bind(), "before_cursor_execute", note)
        return found, sum(1 for s in statements if "FROM zones" in s)

    service._zone_shapes.clear()
    # read once: the zones' rows, then the shapes not decoded before; later batches decode nothing again
    assert zone_queries(service.ZONES_READ_ONCE_AFTER + 2) == (alone, 2)
    assert zone_queries(service.ZONES_READ_ONCE_AFTER + 2) == (alone, 1)
    assert zone_queries(len(points)) == (alone, len(points))


def test_a_batch_sees_a_zone_redrawn_since_its_shape_was_decoded(session) -> None:
    """The decoded shapes are kept by (zone, updated_at): a zone redrawn (its updated_at moves) is decoded again,
    so a batch never places a point by a shape the zone no longer has."""
    from shapely import geometry as sg

    from server import geo, lookups

    durango = municipality(session)

    def batch_zone() -> object:
        with lookups.kept(session):
            service.expect_zone_questions(session, municipality=durango, count=service.ZONES_READ_ONCE_AFTER + 1)
            return service.zone_at(session, municipality=durango, lon=CENTRO[0], lat=CENTRO[1])

    centro = batch_zone()
    assert centro is not None and centro.name == "Zona Centro"
    far = sg.MultiPolygon([sg.box(CENTRO[0] + 0.05, CENTRO[1] + 0.05, CENTRO[0] + 0.06, CENTRO[1] + 0.06)])
    centro.geometry = geo.to_db(far)
    session.flush()
    assert batch_zone() is None
