"""`vigia load-fixtures`: the demo municipality, its zones, holidays, one account per role, a register of
public works with their progress histories, and the judicial-ruling audit (server/rulings/fixtures.py, whose dates
are fixed in 2024–2025). The other dates follow the day of loading (server/demo_calendar.py).

Idempotent: every record is matched by its natural key (municipality code, zone code, day, email, work number,
observation), so loading twice changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import demo_calendar, geo
from server.auth import service as auth
from server.auth.actor import Actor
from server.auth.models import Role
from server.municipalities import service as municipalities
from server.municipalities.models import Holiday, Municipality, Zone
from server.works import service as works
from server.works.models import ProgressCreate, ProgressSource, Work, WorkCreate

# The demo files ship inside the package (server/demo/, package data in pyproject.toml), so an installed wheel
# loads them as a checkout does. A folder on disk whenever the package is installed as files; `vigia load-fixtures`
# goes through importlib.resources.as_file, which would extract it from a zipped package.
DEFAULT_PATH = resources.files("server") / "demo"
REQUIRED = ("calendar.json", "users.json", "geo/municipalities.geojson")  # the rest is optional (e.g. works.json)


class MissingDemoData(RuntimeError):
    """The folder given to load() lacks a file every demo needs; the CLI prints it as one line."""


def _same_geometry(stored: Any, incoming: Any) -> bool:
    return geo.from_db(stored).equals_exact(incoming, 1e-9)


def _upsert(session: Session, existing: Any, values: dict[str, Any], geometry_field: str, make: Any) -> str:
    if existing is None:
        session.add(make(**values))
        return "created"
    changed = False
    for name, value in values.items():
        if name == geometry_field:
            if not _same_geometry(getattr(existing, name), geo.from_db(value)):
                setattr(existing, name, value)
                changed = True
        elif getattr(existing, name) != value:
            setattr(existing, name, value)
            changed = True
    return "updated" if changed else "unchanged"


def load(session: Session, path: Path = DEFAULT_PATH) -> dict[str, Counter[str]]:
    """Load every fixture under `path`; returns counts of created / updated / unchanged per kind."""
    missing = [name for name in REQUIRED if not (path / name).is_file()]
    if missing:
        raise MissingDemoData(f"no demo data in {path}: {', '.join(missing)} missing "
                              "(--path names a folder laid out like server/demo/)")
    report: dict[str, Counter[str]] = {}
    geo_dir = path / "geo"
    calendar = demo_calendar.for_loading(session, path)

    counts: Counter[str] = Counter()
    for feature in json.loads((geo_dir / "municipalities.geojson").read_text("utf-8"))["features"]:
        props = feature["properties"]
        boundary = geo.as_multipolygon(geo.parse_geojson(feature["geometry"], allowed=geo.POLYGONAL))
        existing = session.scalar(sa.select(Municipality).where(Municipality.code == props["code"]))
        values = {key: props[key] for key in ("code", "name", "state", "country", "timezone")}
        values["boundary"] = geo.to_db(boundary)
        counts[_upsert(session, existing, values, "boundary", Municipality)] += 1
    session.flush()
    report["municipalities"] = counts

    counts = Counter()
    for zone_file in sorted(geo_dir.glob("zones-*.geojson")):
        municipality = municipalities.get_by_code(session, zone_file.stem.removeprefix("zones-"))
        for feature in json.loads(zone_file.read_text("utf-8"))["features"]:
            props = feature["properties"]
            shape = geo.as_multipolygon(geo.parse_geojson(feature["geometry"], allowed=geo.POLYGONAL))
            existing = session.scalar(
                sa.select(Zone).where(Zone.municipality_id == municipality.id, Zone.code == props["code"])
            )
            values = {"municipality_id": municipality.id, "code": props["code"], "name": props["name"],
                      "kind": props["kind"], "geometry": geo.to_db(shape)}
            counts[_upsert(session, existing, values, "geometry", Zone)] += 1
    session.flush()
    report["zones"] = counts

    counts = Counter()
    for code in sorted(calendar.holiday_rules):
        municipality = municipalities.get_by_code(session, code)
        for day, name in calendar.holidays(code):
            existing = session.scalar(
                sa.select(Holiday).where(Holiday.municipality_id == municipality.id, Holiday.day == day)
            )
            values = {"municipality_id": municipality.id, "day": day, "name": name}
            counts[_upsert(session, existing, values, "", Holiday)] += 1
    session.flush()
    report["holidays"] = counts

    counts = Counter()
    accounts = json.loads((path / "users.json").read_text("utf-8"))
    for item in accounts["users"]:
        user = auth.get_by_email(session, item["email"])
        if user is None:
            user = auth.create_user(session, email=item["email"], full_name=item["full_name"],
                                    password=accounts["password"], national_admin=item.get("national_admin", False))
            counts["created"] += 1
        else:
            counts["unchanged"] += 1
        for code, roles in item["roles"].items():
            municipality = municipalities.get_by_code(session, code)
            for role in roles:
                auth.grant(session, user=user, municipality_id=municipality.id, role=Role(role))
    session.flush()
    report["users"] = counts

    _load_works(session, path, report, calendar)
    from server.complaints import fixtures as complaint_fixtures

    complaint_fixtures.load(session, path, report, calendar)
    from server.committees import fixtures as committee_fixtures

    committee_fixtures.load(session, path, report, calendar)
    from server.observatories import fixtures as observatory_fixtures

    observatory_fixtures.load(session, path, report, calendar)
    from server.inspections import fixtures as inspection_fixtures

    inspection_fixtures.load(session, path, report, calendar)
    from server.annotations import fixtures as annotation_fixtures
    from server.notebooks import fixtures as notebook_fixtures
    from server.rulings import fixtures as ruling_fixtures

    # the judicial-ruling audit, in the modules' dependency order: rulings ← annotations ← notebooks
    ruling_fixtures.load(session, path, report, calendar)
    annotation_fixtures.load(session, path, report, calendar)
    notebook_fixtures.load(session, path, report, calendar)
    return report


def _load_works(session: Session, path: Path, report: dict[str, Counter[str]],
                calendar: demo_calendar.DemoCalendar) -> None:
    """Demo works (works.json), entered through the works service as the national administrator, so zones,
    contractor, current contract value and latest progress are derived exactly as for any import. A work is
    matched by its number; an observation by (work, day, source, physical %, financial %)."""
    works_file = path / "works.json"
    if not works_file.exists():
        return
    accounts = json.loads((path / "users.json").read_text("utf-8"))["users"]
    admin = auth.get_by_email(session, next(item["email"] for item in accounts if item.get("national_admin")))
    actor = Actor(user_id=admin.id, is_national_admin=True)

    counts: Counter[str] = Counter()
    progress: Counter[str] = Counter()
    for code, items in calendar.read(works_file).items():
        if code.startswith("_"):
            continue
        municipality = municipalities.get_by_code(session, code)
        for item in items:
            observations = [ProgressCreate.model_validate(entry) for entry in item.get("progress", [])]
            data = WorkCreate.model_validate({key: value for key, value in item.items() if key != "progress"})
            counts[works.import_one(session, actor=actor, municipality=municipality, data=data)] += 1
            work_id = session.scalar(
                sa.select(Work.id).where(Work.municipality_id == municipality.id, Work.identifier == data.identifier)
            )
            recorded = {_observation_key(row) for row in
                        works.list_progress(session, municipality=municipality, work_id=work_id)}
            for observation in observations:
                key = _observation_key(observation)
                if key in recorded:
                    progress["unchanged"] += 1
                    continue
                works.add_progress(session, actor=actor, municipality=municipality, work_id=work_id,
                                   data=observation)
                recorded.add(key)
                progress["created"] += 1
    session.flush()
    report["works"] = counts
    report["progress"] = progress


def _observation_key(observation: Any) -> tuple[Any, ...]:
    return (observation.observed_on, ProgressSource(observation.source).value, observation.physical_pct,
            observation.financial_pct)
