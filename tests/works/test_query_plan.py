""""Works near me" must be answered from the spatial index on both databases, not by reading every work.

The plan is checked on a database of its own with a few thousand works and fresh statistics: on the demo
register's fifty works a planner may rightly prefer a full scan, which says nothing about a city's register. The
same database checks that the index and the cut-off of `near` change nothing: its answers equal measuring every work.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from shapely import geometry as sg
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import db, fixtures, geo, migrate
from server.municipalities.models import Municipality
from server.works import search
from server.works.models import Work
from tests.conftest import Backend, base_settings, fresh_database
from tests.factories import CENTRO

WORKS = 4_000
# A box around Victoria de Durango, inside the municipality.
WEST, SOUTH, EAST, NORTH = -104.80, 23.95, -104.55, 24.12


def _durango() -> Municipality:
    path = fixtures.DEFAULT_PATH / "geo" / "municipalities.geojson"
    feature = next(f for f in json.loads(path.read_text("utf-8"))["features"] if f["properties"]["code"] == "10005")
    props = feature["properties"]
    return Municipality(code="10005", name=props["name"], state=props["state"], country=props["country"],
                        timezone=props["timezone"],
                        boundary=geo.to_db(geo.as_multipolygon(sg.shape(feature["geometry"]))))


def _shape(number: int) -> sg.base.BaseGeometry:
    """Points, 100 m streets and 60 m lots on a regular grid over the box."""
    columns = 80
    lon = WEST + (EAST - WEST) * (number % columns + 0.5) / columns
    lat = SOUTH + (NORTH - SOUTH) * (number // columns + 0.5) / (WORKS // columns)
    if number % 3 == 0:
        return sg.Point(lon, lat)
    if number % 3 == 1:
        return sg.LineString([(lon, lat), (lon + 0.001, lat + 0.0002)])
    return sg.box(lon, lat, lon + 0.0006, lat + 0.0005)


@pytest.fixture(scope="module")
def grown(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database of the same backend with WORKS works in municipality 10005, analysed."""
    fresh = fresh_database(backend.name, tmp_path_factory.mktemp("plan"))
    engine = db.make_engine(base_settings(database_url=fresh.url))
    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            municipality = _durango()
            session.add(municipality)
            session.flush()
            now = db.utcnow()
            session.execute(sa.insert(Work), [
                {"id": db.new_id(), "municipality_id": municipality.id, "identifier": f"P-{number:05d}",
                 "title": f"Obra {number}", "status": "implementation", "sector": ["transport.road"],
                 "currency": "MXN", "parties": [], "contract_modifications": [], "documents": [],
                 "search_text": f"obra {number}", "version": 1, "created_at": now, "updated_at": now,
                 "geometry": geo.to_db(_shape(number))}
                for number in range(WORKS)
            ])
            session.commit()
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        yield engine
    finally:
        engine.dispose()
        fresh.drop()


@pytest.mark.parametrize("radius_m", [500, 2_000])
def test_the_near_query_reads_works_through_the_spatial_index(grown: Engine, backend: Backend,
                                                              radius_m: int) -> None:
    with Session(grown) as session:
        durango = session.scalar(sa.select(Municipality).where(Municipality.code == "10005"))
        statement = search.near_statement(session, municipality=durango, lon=CENTRO[0], lat=CENTRO[1],
                                           radius_m=radius_m, limit=50)
        plan = "\n".join(db.query_plan(session, statement))
        candidates = session.execute(statement).all()
        found = search.near(session, municipality=durango, lon=CENTRO[0], lat=CENTRO[1], radius_m=radius_m,
                            limit=50, language="es")

    if backend.name == "postgis":
        assert "idx_works_geometry" in plan, plan  # the GiST index (walked nearest first, or a bitmap of the box)
        assert "Seq Scan on works" not in plan, plan
    else:
        assert "idx_works_geometry VIRTUAL TABLE" in plan, plan  # SpatiaLite's R*Tree, searched by its box
        assert "SEARCH works USING INTEGER PRIMARY KEY" in plan, plan  # then each candidate by rowid
        assert "SCAN works" not in plan, plan
    # Candidates come nearest first on the plane; the answer is drawn from them, nearest first in metres.
    assert candidates, "the grid puts works within reach of the centre"
    planar = [row.planar for row in candidates]
    assert planar == sorted(planar)
    assert {item.id for item in found} <= {uuid.UUID(row.key) for row in candidates if row.key is not None}
    distances = [item.distance_m for item in found]
    assert distances == sorted(distances) and distances[-1] <= radius_m


def _every_distance(session: Session, durango: Municipality, lon: float, lat: float) -> list[tuple[float, object]]:
    """(metres, id) of every work, measured one by one without any index or cut-off, nearest first."""
    rows = session.execute(sa.select(Work.id, Work.geometry).where(Work.municipality_id == durango.id)).all()
    metres = geo.metres_from(lon, lat, [geo.from_db(geometry) for _, geometry in rows])
    return sorted(zip(metres.tolist(), (work_id for work_id, _ in rows), strict=True))


@pytest.mark.parametrize("first_fetch", ["planned", "one"])
def test_near_answers_what_measuring_every_work_answers(grown: Engine, backend: Backend, first_fetch: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The index pre-filter and the nearest-on-the-plane cut-off never drop or reorder a work: random points
    (some off the grid's edge), radii and limits, and radii set exactly at a line's or lot's distance. With
    first_fetch "one" each round measures a single candidate, then 4, 16, ...: every later round is exercised."""
    if first_fetch == "one":
        monkeypatch.setattr(search, "_first_fetch", lambda lat, radius_m, limit: 1)
    rng = random.Random(20261122)
    with Session(grown) as session:
        durango = session.scalar(sa.select(Municipality).where(Municipality.code == "10005"))
        for _ in range(12):
            lon, lat = rng.uniform(WEST - 0.01, EAST + 0.01), rng.uniform(SOUTH - 0.01, NORTH + 0.01)
            every = _every_distance(session, durango, lon, lat)
            # Radii exactly at the distance of the 3rd and 20th nearest works (a line or a lot two times in three),
            # and a hair inside it, besides round ones.
            edges = [every[3][0], every[20][0], every[20][0] - 0.001]
            for radius_m in [80.0, 400.0, 1_500.0, *edges]:
                for limit in (1, 7, 50):
                    found = search.near(session, municipality=durango, lon=lon, lat=lat, radius_m=radius_m,
                                        limit=limit, language="es")
                    expected = [(metres, work_id) for metres, work_id in every if metres <= radius_m][:limit]
                    assert [item.id for item in found] == [work_id for _, work_id in expected], (lon, lat, radius_m)
                    assert [item.distance_m for item in found] == [round(metres, 1) for metres, _ in expected]
