"""OC4IDS: the export is a valid 0.9 project package (checked with libcoveoc4ids against the schema served on
loopback), it imports back unchanged or into a fresh installation, and bad projects are rejected with reasons."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from libcoveoc4ids.api import oc4ids_json_output
from libcoveoc4ids.config import LibCoveOC4IDSConfig

from server import db, fixtures, migrate
from server.config import get_settings
from server.errors import Invalid
from server.works import oc4ids, search, service
from server.works.models import Work, WorkQuery
from tests.conftest import Backend, base_settings, fresh_database
from tests.factories import NATIONAL_ADMIN, bearer, municipality, token_for
from tests.test_app import assert_error_shape
from tests.works.samples import GEOMETRIES, rich_works, staff

OC4IDS_DIR = Path(__file__).resolve().parents[1] / "schemas" / "oc4ids"  # see tests/schemas/README.md
IMPORT = "/api/v1/municipalities/10005/works/import"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def cove() -> Iterator[LibCoveOC4IDSConfig]:
    """libcoveoc4ids pointed at the OC4IDS 0.9 schema served on loopback (there is no internet here)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(OC4IDS_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    yield LibCoveOC4IDSConfig({
        "schema_host": base,
        "schema_codelists": {"0.9": base + "codelists/"},
        "schema_version_choices": {"0.9.5": ("0.9.5", base)},
    })
    server.shutdown()
    server.server_close()
    thread.join()


def check(package: dict, config: LibCoveOC4IDSConfig) -> dict:
    result = oc4ids_json_output(json_data=json.loads(json.dumps(package)), lib_cove_oc4ids_config=config)
    assert result["validation_errors"] == []
    assert not result["additional_fields"]
    assert not result["additional_closed_codelist_values"]
    assert result["additional_checks"] == []  # every organisation reference has its party, no empty values
    return result


def exported(session, code: str = "10005") -> dict:
    target = municipality(session, code)
    works = search.all_matching(session, municipality=target, query=WorkQuery())
    return json.loads(oc4ids.dumps(oc4ids.export_package(session, municipality=target, works=works)))


# ------------------------------------------------------------------------------------------------ export


def test_the_export_is_a_valid_oc4ids_package(session, cove) -> None:
    rich_works(session, staff(session))
    package = exported(session)
    result = check(package, cove)
    assert not result["additional_open_codelist_values"]
    mine = [p for p in package["projects"] if p["identifiers"][0]["id"].startswith("EXP-")]
    assert {p["locations"][0]["geometry"]["type"] for p in mine if "locations" in p} == set(GEOMETRIES)
    numbers = [p["identifiers"][0]["id"] for p in package["projects"]]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    assert package["version"] == "0.9" and package["publisher"] == {"name": "Durango"}


def test_with_a_registered_prefix_the_project_ids_conform(session, cove, monkeypatch) -> None:
    # The default prefix only shows the shape; Open Contracting registers prefixes like oc4ids-bu3kcz.
    monkeypatch.setattr(get_settings(), "oc4ids_prefix", "oc4ids-bu3kcz")
    rich_works(session, staff(session))
    result = check(exported(session), cove)
    assert result["conformance_checks"] == []
    assert exported(session)["projects"][0]["id"] == "oc4ids-bu3kcz-10005-EXP-01"


def test_every_field_of_a_work_is_in_its_project(session, cove) -> None:
    rich_works(session, staff(session))
    full = next(p for p in exported(session)["projects"] if p["identifiers"][0]["id"] == "EXP-01")
    check({**exported(session), "projects": [full]}, cove)
    assert full["id"] == "oc4ids-vigia-10005-EXP-01"
    assert full["identifiers"] == [{"id": "EXP-01", "scheme": "MX-10005-numero-obra"}]
    assert full["status"] == "implementation" and full["type"] == "rehabilitation"
    assert full["sector"] == ["economy", "governance"]
    assert full["budget"] == {"description": "Programa Anual de Obra Pública 2026",
                              "amount": {"amount": 4250000.5, "currency": "MXN"},
                              "finance": [{"id": "1", "source": "FISM-DF 2026"}]}
    # Durango is on UTC-6: dates are local midnight.
    assert full["period"] == {"startDate": "2026-03-02T00:00:00-06:00", "endDate": "2026-09-30T00:00:00-06:00"}
    assert full["implementationPeriod"] == {"startDate": "2026-03-09T00:00:00-06:00"}
    assert full["locations"][0]["description"].startswith("Calle 5 de Febrero")
    assert full["publicAuthority"] == {"id": "municipio-10005", "name": "Durango"}
    assert [(p["id"], p["roles"]) for p in full["parties"]] == [
        ("municipio-10005", ["publicAuthority"]), ("MX-RFC-CGU0101011A1", ["supplier"]), ("party-2", ["funder"]),
        ("party-3", ["independentMonitor"])]
    summary = full["contractingProcesses"][0]["summary"]
    assert summary["externalReference"] == "DOP-LP-012/2026"
    assert summary["contractValue"] == {"amount": 3980000, "currency": "MXN"}
    assert summary["suppliers"] == [{"id": "MX-RFC-CGU0101011A1", "name": "Constructora del Guadiana, S.A. de C.V."}]
    value, duration, scope = summary["modifications"]
    assert value["oldContractValue"]["amount"] == 3980000 and value["newContractValue"]["amount"] == 4210000
    assert value["date"] == "2026-05-10T00:00:00-06:00"
    assert duration["id"] == "CM-2" and duration["newContractPeriod"] == {"endDate": "2026-10-31T00:00:00-06:00"}
    assert scope["type"] == "scope" and "oldContractValue" not in scope
    assert len({m["id"] for m in summary["modifications"]}) == 3
    assert [d["id"] for d in full["documents"]] == ["EXP-01-D1", "doc-2"]
    assert full["completion"] == {"endDate": "2026-10-31T00:00:00-06:00",
                                  "finalValue": {"amount": 4210000, "currency": "MXN"}, "finalScope": "partial",
                                  "finalScopeDetails": "Sin la segunda etapa de cocinas."}
    # The latest official progress (the committee's later observation is not official).
    metrics = {m["id"]: m["observations"][0] for m in full["metrics"]}
    assert metrics["physicalProgress"]["measure"] == 35 and metrics["physicalProgress"]["id"] == "2026-06-01"
    assert metrics["financialProgress"]["measure"] == 25 and metrics["financialProgress"]["id"] == "2026-05-01"


def test_the_same_data_gives_the_same_export(session) -> None:
    rich_works(session, staff(session))
    first = oc4ids.dumps(oc4ids.export_package(session, municipality=municipality(session),
                                               works=search.all_matching(session, municipality=municipality(session),
                                                                          query=WorkQuery())))
    again = oc4ids.dumps(oc4ids.export_package(session, municipality=municipality(session),
                                               works=list(reversed(search.all_matching(
                                                   session, municipality=municipality(session), query=WorkQuery())))))
    assert first == again


# ------------------------------------------------------------------------------------------------ round trips


def test_export_then_import_into_the_same_municipality_changes_nothing(session) -> None:
    actor = staff(session)
    rich_works(session, actor)
    versions = dict(session.execute(sa.select(Work.identifier, Work.version)).all())
    package = exported(session)
    report = oc4ids.import_package(session, actor=actor, municipality=municipality(session), package=package)
    assert report.unchanged == len(package["projects"]) and report.created == report.updated == report.rejected == 0
    assert {row.result for row in report.rows} == {"unchanged"}
    assert dict(session.execute(sa.select(Work.identifier, Work.version)).all()) == versions
    assert exported(session) == package


def _comparable(session, code: str = "10005") -> dict[str, dict]:
    target = municipality(session, code)
    shown = {}
    for work in search.all_matching(session, municipality=target, query=WorkQuery()):
        data = service.public(session, work, municipality=target, language="es").model_dump(mode="json")
        for derived in ("id", "created_at", "updated_at", "progress", "risks", "version"):
            data.pop(derived)
        shown[work.identifier] = data
    return shown


def _without_ids(shown: dict[str, dict]) -> dict[str, dict]:
    """Without the ids of parties, documents and modifications, and with amounts as numbers (4210000 and
    4210000.00 are the same amount)."""
    for data in shown.values():
        for name in ("parties", "documents", "contract_modifications"):
            data[name] = [{k: v for k, v in item.items() if k != "id"} for item in data[name]]
        for item in [*data["contract_modifications"], data["completion"] or {}]:
            for money in ("new_value", "final_value"):
                if item.get(money) is not None:
                    item[money] = Decimal(item[money])
    return shown


def _projects(package: dict) -> list[dict]:
    """The projects without what depends on when and where they were stored (progress is not imported)."""
    return [{k: v for k, v in p.items() if k not in ("updated", "metrics")} for p in package["projects"]]


def test_an_export_imported_into_a_fresh_installation_reproduces_the_works(session, backend: Backend,
                                                                            tmp_path: Path) -> None:
    rich_works(session, staff(session))
    package = exported(session)
    before = _comparable(session)
    # A fresh database with the demo municipalities and accounts but no works.
    setup = tmp_path / "fixtures"
    shutil.copytree(fixtures.DEFAULT_PATH, setup, ignore=shutil.ignore_patterns("works.json"))
    fresh = fresh_database(backend.name, tmp_path)
    engine = db.make_engine(base_settings(database_url=fresh.url))
    try:
        migrate.upgrade(engine)
        other = db.Database(engine)
        with other.session_scope() as new:
            fixtures.load(new, setup)
            assert new.scalar(sa.select(sa.func.count()).select_from(Work)) == 0
            from server.auth import service as auth

            admin = auth.authenticate(new, token=token_for(new, NATIONAL_ADMIN))
            report = oc4ids.import_package(new, actor=admin, municipality=municipality(new), package=package)
            assert report.created == len(package["projects"]) and report.rejected == 0
        with other.session_scope() as new:
            # The same works; where the export had to make up an id (a party, document or modification
            # without one), the new installation keeps it.
            assert _without_ids(_comparable(new)) == _without_ids(before)
            assert _projects(exported(new)) == _projects(package)
            report = oc4ids.import_package(new, actor=admin, municipality=municipality(new), package=package)
            assert report.unchanged == len(package["projects"])
    finally:
        engine.dispose()
        fresh.drop()


def test_import_reads_identifiers_from_the_project_id(session) -> None:
    package = {"projects": [
        {"id": "oc4ids-vigia-10099-OP-77", "title": "Obra traída de otro municipio"},
        {"id": "oc4ids-abc123-OP-78", "title": "Obra de otro publicador"},
        {"id": "x", "identifiers": [{"id": "OP-79", "scheme": "otro"}], "title": "Obra con identificador"},
    ]}
    report = oc4ids.import_package(session, actor=staff(session), municipality=municipality(session),
                                   package=package)
    assert [(row.identifier, row.result) for row in report.rows] == [
        ("OP-77", "created"), ("oc4ids-abc123-OP-78", "created"), ("OP-79", "created")]


# ------------------------------------------------------------------------------------------------ bad projects


def _good(number: str, **fields) -> dict:
    return {"id": f"oc4ids-vigia-10005-{number}", "identifiers": [{"id": number}], "title": f"Obra {number}",
            "status": "implementation", **fields}


def test_bad_projects_are_rejected_with_reasons_and_the_good_ones_import(session) -> None:
    outside = {"type": "Point", "coordinates": [-99.1332, 19.4326]}  # Mexico City
    package = {"version": "0.9", "projects": [
        _good("B-1", budget={"amount": {"amount": 1500000, "currency": "MXN"}}),
        _good("B-2", status="en obra"),
        _good("B-3", locations=[{"id": "1", "geometry": outside}]),
        "not a project",
        _good("B-5", budget={"amount": {"amount": -3, "currency": "MXN"}}),
        _good("B-1"),
        _good("B-7", period={"startDate": "el lunes"}),
        _good("B-8", contractingProcesses=[{"id": "1"}, {"id": "2"}]),
        _good("B-9", parties=[{"id": "p1", "name": "Sin rol"}]),
        _good("B-10", locations=[{"id": "1", "geometry": GEOMETRIES["Point"]},
                                 {"id": "2", "geometry": GEOMETRIES["LineString"]}]),
        _good("B-11", locations=[{"id": "1", "geometry": GEOMETRIES["Point"]},
                                 {"id": "2", "geometry": {"type": "Point", "coordinates": [-104.66, 24.03]}}]),
        _good("B-12", period={"startDate": "2026-09-30T00:00:00-06:00", "endDate": "2026-03-01T00:00:00-06:00"}),
    ]}
    report = oc4ids.import_package(session, actor=staff(session), municipality=municipality(session),
                                   package=package)
    rows = {row.row: row for row in report.rows}
    assert (report.created, report.rejected) == (2, 10)
    assert rows[1].result == "created" and rows[11].result == "created"
    reasons = {row.row: [(e.field, e.code) for e in row.errors] for row in report.rows if row.errors}
    assert reasons == {
        2: [("status", "value_error")],
        3: [("locations.0.geometry", "point_outside_municipality")],
        4: [(None, "expected_object")],
        5: [("budget.amount.amount", "greater_than_equal")],
        6: [("identifiers.0.id", "duplicate_identifier")],
        7: [("period.startDate", "invalid_instant")],
        8: [("contractingProcesses", "multiple_contracts")],
        9: [("parties.0.roles", "missing")],
        10: [("locations", "mixed_locations")],
        12: [(None, "value_error")],
    }
    messages = {row.row: row.errors[0].message for row in report.rows if row.errors}
    assert "projectStatus" in messages[2]
    assert messages[3] == "El punto está fuera del municipio de Durango."
    assert messages[6] == "La obra B-1 ya aparece en la fila 1; cada número de obra va una sola vez."
    assert "el lunes" in messages[7]
    assert messages[12] == "La fecha de inicio programada es posterior a la de término programada."
    demo = municipality(session)
    numbers = set(session.scalars(sa.select(Work.identifier).where(Work.municipality_id == demo.id,
                                                                   Work.identifier.like("B-%"))))
    assert numbers == {"B-1", "B-11"}  # rejected projects left nothing behind
    both = session.scalar(sa.select(Work).where(Work.municipality_id == demo.id, Work.identifier == "B-11"))
    assert service.public(session, both, municipality=demo, language="es").geometry["type"] == "MultiPoint"


def test_reasons_come_in_english_when_asked(session) -> None:
    report = oc4ids.import_package(session, actor=staff(session), municipality=municipality(session),
                                   package={"projects": [_good("E-1", period={"endDate": "mañana"})]},
                                   language="en")
    assert report.rows[0].errors[0].message.startswith("Invalid date: mañana")


def test_import_updates_a_work_whose_project_changed(session) -> None:
    actor = staff(session)
    rich_works(session, actor)
    package = exported(session)
    full = next(p for p in package["projects"] if p["identifiers"][0]["id"] == "EXP-01")
    full["status"] = "completion"
    full["budget"]["amount"]["amount"] = 4300000
    report = oc4ids.import_package(session, actor=actor, municipality=municipality(session),
                                   package={"projects": [full]})
    assert report.rows[0].result == "updated"
    work = session.scalar(sa.select(Work).where(Work.identifier == "EXP-01"))
    assert (work.status, work.budget_amount, work.version) == ("completion", Decimal("4300000"), 2)
    assert work.documents[0]["id"] == "EXP-01-D1" and work.documents[1]["id"] is None  # ids kept as stored
    assert work.actual_start == date(2026, 3, 9)


def test_a_package_without_projects_is_refused(session) -> None:
    for package in ({"version": "0.9"}, [], {"projects": {"id": "x"}}):
        with pytest.raises(Invalid) as refused:
            oc4ids.import_package(session, actor=staff(session), municipality=municipality(session),
                                  package=package)
        assert refused.value.code == "not_oc4ids_package"


# ------------------------------------------------------------------------------------------------ HTTP


def test_import_and_export_over_http(client, session, cove) -> None:
    headers = bearer(token_for(session, "contraloria@vigia.example"))
    package = {"version": "0.9", "uri": "https://otro.example/paquete.json", "publishedDate": "2026-11-01T00:00:00Z",
               "publisher": {"name": "Otro sistema"},
               "projects": [_good("H-1", locations=[{"id": "1", "geometry": GEOMETRIES["LineString"]}])]}
    response = client.post(IMPORT, content=json.dumps(package), headers={**headers,
                                                                         "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0, "ignored_columns": [],
                               "rows": [{"row": 1, "identifier": "H-1", "result": "created", "errors": []}]}
    again = client.post(IMPORT, json=package, headers=headers).json()
    assert again["unchanged"] == 1

    export = client.get("/api/v1/municipalities/10005/works/export.json?q=H-1")  # public, with the list's filters
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("application/json")
    assert export.headers["content-disposition"] == 'attachment; filename="obras-10005.json"'
    body = export.json()
    check(body, cove)
    assert [p["identifiers"][0]["id"] for p in body["projects"]] == ["H-1"]
    assert body["uri"].endswith("/api/v1/municipalities/10005/works/export.json?q=H-1")


def test_http_import_errors_have_the_one_shape(client, session) -> None:
    headers = bearer(token_for(session, "contraloria@vigia.example"))
    broken = client.post(IMPORT, content=b'{"projects": [', headers={**headers, "Content-Type": "application/json"})
    assert_error_shape(broken, 400, "invalid_json")
    latin = client.post(IMPORT, content='{"projects": [{"title": "Pavimentación"}]}'.encode("latin-1"),
                        headers={**headers, "Content-Type": "application/json"})
    assert "UTF-8" in assert_error_shape(latin, 400, "invalid_json")["message"]
    not_package = client.post(IMPORT, json={"type": "FeatureCollection", "features": []}, headers=headers)
    error = assert_error_shape(not_package, 422, "not_oc4ids_package")
    assert error["details"][0]["field"] == "projects"
    other = client.post(IMPORT, content=b"<obras/>", headers={**headers, "Content-Type": "application/xml"})
    assert "text/csv" in assert_error_shape(other, 415, "unsupported_media_type_of")["message"]
    unknown = client.post("/api/v1/municipalities/99999/works/import", json={"projects": []}, headers=headers)
    assert_error_shape(unknown, 404, "municipality_not_found")
