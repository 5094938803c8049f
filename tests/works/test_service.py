"""The works register through its service: registration, edits, progress, risk signals, spatial queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from geographiclib.geodesic import Geodesic
from pydantic import ValidationError

from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.works import risks, search, service
from server.works.models import ProgressCreate, WorkCreate, WorkQuery, WorkUpdate
from tests.factories import CENTRO, line, make_work, municipality, point, staff_actor

GEOD = Geodesic.WGS84


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return GEOD.Inverse(lat1, lon1, lat2, lon2)["s12"]


def nearest_on_line_m(lon: float, lat: float, positions: list[tuple[float, float]], steps: int = 2000) -> float:
    """Geodesic distance from a point to a polyline, by dense sampling of the line."""
    best = float("inf")
    for (lon1, lat1), (lon2, lat2) in zip(positions, positions[1:], strict=False):
        for i in range(steps + 1):
            t = i / steps
            best = min(best, geodesic_m(lon, lat, lon1 + (lon2 - lon1) * t, lat1 + (lat2 - lat1) * t))
    return best


def test_register_and_read_back(session) -> None:
    work = make_work(session, title="Pavimentación de la calle Negrete", sector=["transport.road"],
                     geometry=line((-104.6700, 24.0250), (-104.6600, 24.0260)),
                     parties=[{"name": "Constructora del Guadiana", "roles": ["supplier"]}])
    shown = service.public(session, work, municipality=municipality(session), language="es")
    assert shown.contractor == "Constructora del Guadiana"
    assert [zone.name for zone in shown.zones] == ["Zona Centro"]
    assert shown.oc4ids_id.endswith("-10005-" + work.identifier)
    assert shown.geometry["type"] == "LineString" and shown.version == 1


def test_the_work_number_is_unique_per_municipality(session) -> None:
    make_work(session, identifier="OP-2026-001")
    with pytest.raises(Conflict) as taken:
        make_work(session, identifier="OP-2026-001")
    assert "OP-2026-001" in taken.value.message("es")
    make_work(session, code="10007", identifier="OP-2026-001", geometry=None)  # another municipality may reuse it


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"status": "en obra"}, "status"),
        ({"sector": ["roads"]}, "sector.0"),
        ({"type": "build"}, "type"),
        ({"currency": "PESOS"}, "currency"),
        ({"budget_amount": "-5"}, "budget_amount"),
        ({"parties": [{"name": "X", "roles": ["owner"]}]}, "parties.0.roles.0"),
        ({"documents": [{"documentType": "acta", "title": "Acta"}]}, "documents.0.documentType"),
        ({"planned_start": "2026-05-01", "planned_end": "2026-01-01"}, None),
        ({"contract_modifications": [{"date": "2026-01-01", "type": "value", "description": "x"}]},
         "contract_modifications.0"),
    ],
)
def test_bad_fields_are_named(fields, field) -> None:
    with pytest.raises(ValidationError) as caught:
        WorkCreate(identifier="X", title="Obra con errores", **fields)
    locations = {".".join(str(part) for part in error["loc"]) for error in caught.value.errors()}
    assert field in locations if field else locations == {""}


@pytest.mark.parametrize(
    "geometry,code",
    [
        ({"type": "Polygon", "coordinates": [[[-104.67, 24.02], [-104.66, 24.03], [-104.66, 24.02],
                                              [-104.67, 24.03], [-104.67, 24.02]]]}, "invalid_geometry"),
        (point(-103.498, 25.565), "point_in_other_municipality"),
        (point(CENTRO[1], CENTRO[0]), "coordinates_look_swapped"),
        (line((-104.67, 24.02), (-103.5, 25.5)), "geometry_outside_municipality"),
        (point(-104.67, 124.0), "coordinate_out_of_range"),
    ],
)
def test_bad_geometry_is_refused_and_nothing_is_saved(session, geometry, code) -> None:
    with pytest.raises(Invalid) as caught:
        make_work(session, identifier="GEO-1", geometry=geometry)
    assert caught.value.code == code
    assert caught.value.details[0]["field"] == "geometry"


def test_only_staff_of_the_municipality_register_works(session) -> None:
    with pytest.raises(Forbidden):
        service.create(session, actor=staff_actor(session, "comite@vigia.example"),
                       municipality=municipality(session), data=WorkCreate(identifier="F-1", title="Obra ajena"))
    with pytest.raises(Forbidden):
        service.create(session, actor=staff_actor(session, "contraloria.gomez@vigia.example"),
                       municipality=municipality(session), data=WorkCreate(identifier="F-2", title="Obra ajena"))


def test_another_municipalitys_work_is_not_found(session) -> None:
    theirs = make_work(session, code="10007", geometry=None)
    with pytest.raises(NotFound):
        service.get(session, municipality=municipality(session), work_id=theirs.id)


def test_stale_edits_get_the_current_record(session) -> None:
    work = make_work(session)
    actor = staff_actor(session)
    durango = municipality(session)
    service.update(session, actor=actor, municipality=durango, work_id=work.id,
                   data=WorkUpdate(version=1, title="Título corregido"))
    assert work.version == 2
    with pytest.raises(Conflict) as stale:
        service.update(session, actor=actor, municipality=durango, work_id=work.id,
                       data=WorkUpdate(version=1, title="Edición atrasada"))
    assert stale.value.code == "stale_version"
    assert stale.value.extra["current"]["title"] == "Título corregido"
    assert stale.value.extra["current"]["version"] == 2
    unchanged = service.update(session, actor=actor, municipality=durango, work_id=work.id,
                               data=WorkUpdate(version=2, title="Título corregido"))
    assert unchanged.version == 2  # nothing changed, no new version


def test_zones_follow_the_geometry(session) -> None:
    durango = municipality(session)
    work = make_work(session, geometry=point(*CENTRO))
    assert [z.name for z in service.public(session, work, municipality=durango, language="es").zones] == [
        "Zona Centro"]
    service.update(session, actor=staff_actor(session), municipality=durango, work_id=work.id,
                   data=WorkUpdate(version=1, geometry=point(-104.75, 24.1)))  # countryside
    assert service.public(session, work, municipality=durango, language="es").zones == []


def test_progress_is_a_history(session) -> None:
    durango = municipality(session)
    work = make_work(session)
    actor = staff_actor(session)
    for day, pct in ((date(2026, 2, 1), 10), (date(2026, 3, 1), 35), (date(2026, 4, 1), 35)):
        service.add_progress(session, actor=actor, municipality=durango, work_id=work.id,
                             data=ProgressCreate(observed_on=day, physical_pct=pct, financial_pct=pct + 5))
    history = service.list_progress(session, municipality=durango, work_id=work.id)
    assert [row.physical_pct for row in history] == [10, 35, 35]
    assert work.physical_official_pct == 35 and work.financial_official_pct == 40
    assert work.last_progress_on == date(2026, 3, 1)  # the 1 April report showed no progress


def test_progress_bad_input(session) -> None:
    durango = municipality(session)
    work = make_work(session)
    with pytest.raises(ValidationError):
        ProgressCreate(observed_on=date(2026, 1, 1), physical_pct=120)
    with pytest.raises(ValidationError):
        ProgressCreate(observed_on=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        ProgressCreate(observed_on=date(2026, 1, 1), financial_pct=10, source="citizen")
    with pytest.raises(Invalid) as future:
        service.add_progress(session, actor=staff_actor(session), municipality=durango, work_id=work.id,
                             data=ProgressCreate(observed_on=date.today() + timedelta(days=3), physical_pct=5))
    assert future.value.code == "future_observation"


def _observe(session, work, **fields) -> None:
    service.add_progress(session, actor=staff_actor(session), municipality=municipality(session), work_id=work.id,
                         data=ProgressCreate(**fields))


def _risk_codes(session, work) -> set[str]:
    durango = municipality(session)
    return {risk.code for risk in risks.evaluate(work, today=service.today_in(durango))}


def _filtered_ids(session, code: str) -> set:
    page = search.list_(session, municipality=municipality(session), query=WorkQuery(risk=[code], limit=200),
                         language="es")
    return {item.id for item in page.items}


def test_each_risk_signal_explains_itself_and_filters_the_same(session) -> None:
    gap = make_work(session, identifier="R-GAP")
    _observe(session, gap, observed_on=date(2026, 10, 1), physical_pct=80, financial_pct=80)
    _observe(session, gap, observed_on=date(2026, 10, 15), physical_pct=45, source="committee")
    ahead = make_work(session, identifier="R-AHEAD")
    _observe(session, ahead, observed_on=date(2026, 10, 1), physical_pct=30, financial_pct=75)
    stalled = make_work(session, identifier="R-STALL", planned_start=date(2025, 1, 1), planned_end=date(2025, 6, 30))
    _observe(session, stalled, observed_on=date(2025, 3, 1), physical_pct=40)
    grown = make_work(session, identifier="R-COST", contract_value="1000000.00", contract_modifications=[
        {"date": "2026-05-01", "type": "value", "description": "Convenio modificatorio", "new_value": "1400000.00"}])
    calm = make_work(session, identifier="R-CALM", planned_end=date(2030, 1, 1), contract_value="500000.00")
    _observe(session, calm, observed_on=date(2026, 10, 1), physical_pct=50, financial_pct=55)

    assert _risk_codes(session, gap) == {"progress_gap"}
    assert _risk_codes(session, ahead) == {"financial_ahead"}
    assert _risk_codes(session, stalled) == {"stalled"}
    assert _risk_codes(session, grown) == {"cost_growth"}
    assert _risk_codes(session, calm) == set()
    for code, work in (("progress_gap", gap), ("financial_ahead", ahead), ("stalled", stalled),
                       ("cost_growth", grown)):
        assert work.id in _filtered_ids(session, code)
        assert calm.id not in _filtered_ids(session, code)
    durango = municipality(session)
    messages = {r.code: r.message for w in (gap, ahead, stalled, grown)
                for r in risks.evaluate(w, today=service.today_in(durango))}
    assert messages["progress_gap"] == ("El avance físico oficial es 80 %, pero el comité de obra observó 45 % "
                                        "(35 puntos de diferencia).")
    assert "40.0 %" in messages["cost_growth"] and "1,400,000.00" in messages["cost_growth"]
    english = risks.evaluate(stalled, today=service.today_in(durango), language="en")[0].message
    assert english.startswith("No physical progress for")


def test_text_search_ignores_accents_and_case(session) -> None:
    make_work(session, identifier="TXT-1", title="Pavimentación de la calle Constitución")
    make_work(session, identifier="TXT-2", title="Alumbrado público")
    found = search.list_(session, municipality=municipality(session),
                          query=WorkQuery(q="PAVIMENTACION constitucion"), language="es")
    assert [item.identifier for item in found.items] == ["TXT-1"]


def test_keyset_pages_cover_everything_once(session) -> None:
    for i in range(7):
        make_work(session, identifier=f"PAG-{i}", title=f"Obra paginada {i}", budget_amount=str(1000 * (i % 3)))
    for order in ("title", "-budget", "-updated", "identifier"):
        seen, cursor = [], None
        while True:
            page = search.list_(session, municipality=municipality(session),
                                 query=WorkQuery(q="paginada", order=order, limit=3, cursor=cursor), language="es")
            seen.extend(item.identifier for item in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == [f"PAG-{i}" for i in range(7)], order
    with pytest.raises(Invalid) as bad:
        search.list_(session, municipality=municipality(session), query=WorkQuery(cursor="bm90LWEtY3Vyc29y"),
                      language="es")
    assert bad.value.code == "invalid_cursor"


def test_near_measures_to_the_nearest_point_of_a_line(session) -> None:
    positions = [(-104.6700, 24.0250), (-104.6600, 24.0260)]
    street = make_work(session, identifier="NEAR-LINE", geometry=line(*positions))
    spot = make_work(session, identifier="NEAR-POINT", geometry=point(-104.6640, 24.0300))
    here = (-104.6650, 24.0262)  # near the middle of the street, far from both of its ends
    found = search.near(session, municipality=municipality(session), lon=here[0], lat=here[1], radius_m=1000,
                         limit=10, language="es")
    by_id = {item.id: item.distance_m for item in found}
    assert [item.id for item in found if item.id in (street.id, spot.id)] == [street.id, spot.id]
    expected_line = nearest_on_line_m(*here, positions)
    assert by_id[street.id] == pytest.approx(expected_line, rel=0.005)
    assert expected_line < 100 < 400 < geodesic_m(*here, *positions[0])  # not the distance to an end or the centroid
    assert by_id[spot.id] == pytest.approx(geodesic_m(*here, -104.6640, 24.0300), rel=0.005)
    outside = search.near(session, municipality=municipality(session), lon=here[0], lat=here[1], radius_m=30,
                           limit=10, language="es")
    assert spot.id not in {item.id for item in outside}


def test_within_a_box_and_a_drawn_polygon(session) -> None:
    from shapely.geometry import box, shape

    inside = make_work(session, identifier="IN-1", geometry=point(-104.6650, 24.0270))
    crossing = make_work(session, identifier="IN-2", geometry=line((-104.6700, 24.0300), (-104.6500, 24.0300)))
    away = make_work(session, identifier="OUT-1", geometry=point(-104.6200, 24.0500))
    durango = municipality(session)
    found = search.within(session, municipality=durango, area=box(-104.668, 24.025, -104.660, 24.032), limit=100,
                           language="es")
    ids = {item.id for item in found}
    assert {inside.id, crossing.id} <= ids and away.id not in ids
    triangle = shape({"type": "Polygon", "coordinates": [[[-104.67, 24.02], [-104.66, 24.02], [-104.665, 24.028],
                                                          [-104.67, 24.02]]]})
    ids = {item.id for item in search.within(session, municipality=durango, area=triangle, limit=100,
                                              language="es")}
    assert inside.id in ids and crossing.id not in ids


def test_fold_drops_exactly_the_combining_marks_of_every_character() -> None:
    """What search finds by: lower case, compatibility decomposition, combining marks dropped ('Pavimentación' is
    found by 'pavimentacion', 'ÑANDÚ' by 'nandu'), every other character kept; checked against that definition on
    the whole Basic Multilingual Plane and a few astral characters (fold learns characters as it meets them)."""
    import unicodedata

    def reference(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.lower())
        return "".join(char for char in decomposed if not unicodedata.combining(char))

    assert service.fold("Pavimentación ÑANDÚ ﬁn") == "pavimentacion nandu fin"
    characters = [chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF] + ["😀", "𝔄", "𓀀"]
    for start in range(0, len(characters), 512):
        text = "".join(characters[start:start + 512])
        assert service.fold(text) == reference(text), start
    assert service.fold("plain ascii") == "plain ascii"
