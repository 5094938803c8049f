"""The map and the suggestions before filing (docs/pwa.md): the map's layers are kept when the list arrives; the
map of works near me loads Leaflet only when opened, draws the municipality's works from the API's GeoJSON with
no request outside the server's origin, opens a work's card when one is tapped, and draws the works kept on the
phone when offline; tiles come only from VIGIA_MAP_TILE_URL, when set; the complaint's pin moved on the map is
the point the server stores; a likely duplicate is offered before filing and "apoyar" sends one support and no
new complaint."""

from __future__ import annotations

import io
import uuid

import pytest
import requests
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from server import db, geo
from server.app import create_app
from server.complaints.models import Complaint, Support
from server.config import configure_settings
from tests.conftest import on_one_database
from tests.conftest import committed_demo_database
from tests.live import serving
from tests.pwa.conftest import DURANGO, PWA, idb, nav, sign_in, wait_until
from tests.pwa.test_offline_filing import first_visit

pytestmark = pytest.mark.timeout(150)


def outside(base_url: str, urls: list[str]) -> list[str]:
    return [u for u in urls if not (u.startswith(base_url + "/") or u.startswith(("data:", "blob:")))]


def drawn(page) -> set[str]:
    return set(page.evaluate(
        "[...document.querySelectorAll('.leaflet-overlay-pane path.work')].map((p) => p.dataset.work)"))


def test_the_map_draws_works_from_our_origin_only_and_offline_from_the_phone(phone, network, app_server):
    base_url, _ = app_server
    page = phone.new_page()
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    first_visit(page)
    map_layer = requests.get(base_url + "/api/v1/municipalities/10005/works/map", timeout=10).json()
    assert map_layer["features"], "the demo municipality has works with a geometry"
    assert page.locator(".leaflet-container").count() == 0  # nothing of the map before it is asked for
    # the list arrived online: the map's layers are kept for offline at once, before the map is ever opened
    kept = wait_until(page, lambda: idb(page, "cache", "map:works:10005"), what="the map layer kept on the phone")
    assert {f["id"] for f in kept["value"]["features"]} == {f["id"] for f in map_layer["features"]}

    toggle = page.get_by_role("button", name="Ver en el mapa")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(page.get_by_role("button", name="Ocultar el mapa")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".leaflet-container")).to_be_visible()
    every = {f["id"] for f in map_layer["features"]}
    wait_until(page, lambda: drawn(page) == every, what="every work drawn")  # a Multi one as several paths
    expect(page.get_by_text(f"{len(map_layer['features'])} obras en el mapa")).to_be_visible()
    assert page.locator(".leaflet-tile").count() == 0  # no tiles: VIGIA_MAP_TILE_URL is not set
    assert wait_until(page, lambda: page.evaluate(
        "[...document.styleSheets].some((s) => (s.href || '').includes('/assets/map-'))"), what="the map's stylesheet")

    # tapping a work opens its card; so does Enter on it (the keyboard reaches the works)
    feature = map_layer["features"][0]
    page.locator(f"path.work[data-work='{feature['id']}']").dispatch_event("click")
    card = page.locator("ul.chosen-work li.card")
    expect(card.get_by_role("heading", name=feature["properties"]["title"])).to_be_visible()
    expect(card.get_by_role("link", name="Quejarse de esta obra")).to_be_visible()
    if len(map_layer["features"]) > 1:
        other = map_layer["features"][1]
        page.locator(f"path.work[data-work='{other['id']}']").focus()
        page.keyboard.press("Enter")
        expect(card.get_by_role("heading", name=other["properties"]["title"])).to_be_visible()
    # from the list, by keyboard: "Ubicar en el mapa" on a work's card selects it on the map
    first_listed = page.locator("ul.works > li").first
    first_listed.get_by_role("button", name="Ubicar en el mapa").focus()
    page.keyboard.press("Enter")
    listed_id = first_listed.get_attribute("data-work")
    if any(f["id"] == listed_id for f in map_layer["features"]):
        expect(page.locator(f"path.work.chosen[data-work='{listed_id}']")).to_have_count(1)

    assert outside(base_url, requested) == []  # zero third-party requests

    network.down()
    page.reload()
    expect(page.get_by_text("Sin conexión", exact=True)).to_be_visible()
    page.get_by_role("button", name="Ver en el mapa").click()
    wait_until(page, lambda: drawn(page) == every, what="every work drawn from the phone")
    page.locator(f"path.work[data-work='{feature['id']}']").dispatch_event("click")
    expect(page.locator("ul.chosen-work").get_by_role("heading", name=feature["properties"]["title"])).to_be_visible()
    assert outside(base_url, requested) == []
    assert errors == []


def test_the_pin_moved_on_the_map_is_the_point_the_server_keeps(phone, app_server):
    base_url, database = app_server
    page = phone.new_page()
    first_visit(page)
    nav(page, "Nueva queja").click()
    expect(page.get_by_role("heading", name="Nueva queja")).to_be_visible()
    page.get_by_label("Categoría").select_option(index=1)
    description = "El bache quedó a media cuadra de donde marca el GPS, junto a la alcantarilla."
    page.get_by_label("Descripción").fill(description)
    expect(page.get_by_label("Latitud")).to_have_value(f"{DURANGO['latitude']:.6f}")
    before = (float(page.get_by_label("Longitud").input_value()), float(page.get_by_label("Latitud").input_value()))

    page.get_by_role("button", name="Mover el punto en el mapa").click()
    pin_map = page.locator(".pin-map")
    expect(pin_map).to_be_visible()
    expect(page.locator(".leaflet-marker-icon.pin")).to_be_visible()
    box = pin_map.bounding_box()
    # a tap to the north-east of the pin (which starts in the map's centre) moves it there
    pin_map.click(position={"x": box["width"] / 2 + 60, "y": box["height"] / 2 - 40})
    expect(page.get_by_label("Latitud")).not_to_have_value(f"{before[1]:.6f}")
    after = (float(page.get_by_label("Longitud").input_value()), float(page.get_by_label("Latitud").input_value()))
    assert after[0] > before[0] and after[1] > before[1]
    # then dragged a little to the west: the form follows the pin
    pin = page.locator(".leaflet-marker-icon.pin")
    pin_box = pin.bounding_box()
    page.mouse.move(pin_box["x"] + pin_box["width"] / 2, pin_box["y"] + pin_box["height"] / 2)
    page.mouse.down()
    page.mouse.move(pin_box["x"] + pin_box["width"] / 2 - 30, pin_box["y"] + pin_box["height"] / 2, steps=8)
    page.mouse.up()
    wait_until(page, lambda: float(page.get_by_label("Longitud").input_value()) < after[0], what="the dragged pin")
    moved = (float(page.get_by_label("Longitud").input_value()), float(page.get_by_label("Latitud").input_value()))
    draft = idb(page, "drafts", "complaint")
    assert (float(draft["lon"]), float(draft["lat"])) == moved  # kept in the draft as well

    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item[data-state=sent]")).to_have_count(1, timeout=30_000)
    with database.session_scope() as session:
        stored = session.scalars(sa.select(Complaint).where(Complaint.description == description)).all()
        assert len(stored) == 1
        point = geo.from_db(stored[0].location)
        assert stored[0].accuracy_m is None  # a point placed by hand has no GPS accuracy
    assert (round(point.x, 6), round(point.y, 6)) == moved
    assert moved != before


def test_a_likely_duplicate_is_supported_instead_of_filing_again(phone, app_server):
    base_url, database = app_server
    api = base_url + "/api/v1/municipalities/10005"
    category = requests.get(api + "/complaints/categories", timeout=10).json()[0]["service_code"]
    filed = requests.post(api + "/complaints", timeout=10, json={
        "kind": "complaint", "category": category, "anonymous": True,
        "description": "La banqueta nueva ya se está desmoronando frente a la tienda de la esquina.",
        "location": {"type": "Point", "coordinates": [DURANGO["longitude"] + 0.0004, DURANGO["latitude"]]}})
    assert filed.status_code == 201, filed.text
    duplicate = filed.json()["complaint"]

    def counts() -> tuple[int, int]:
        with database.session_scope() as session:
            complaints = session.scalar(sa.select(sa.func.count()).select_from(Complaint))
            supports = session.scalar(sa.select(sa.func.count()).select_from(Support)
                                      .where(Support.complaint_id == uuid.UUID(duplicate["id"])))
        return complaints, supports

    page = phone.new_page()
    first_visit(page)
    # anonymous: the duplicate is shown, and why supporting needs an account
    nav(page, "Nueva queja").click()
    page.get_by_label("Categoría").select_option(category)
    offered = page.locator(f"li.duplicate[data-complaint='{duplicate['id']}']")
    expect(offered).to_contain_text(duplicate["folio"])
    expect(offered).to_contain_text("necesita entrar con una cuenta")
    expect(offered.get_by_role("button", name="Apoyar esta queja en vez de presentar otra")).to_have_count(0)

    sign_in(page, "voluntaria@vigia.example")
    nav(page, "Nueva queja").click()
    expect(page.get_by_label("Categoría")).to_have_value(category)  # the draft is kept
    page.get_by_label("Descripción").fill("La banqueta de la esquina se desmorona, igual que dice la otra queja.")
    before = counts()
    offered.get_by_role("button", name="Apoyar esta queja en vez de presentar otra").click()
    expect(offered.get_by_text("Apoyo guardado en el teléfono")).to_be_visible()
    support = [item for item in idb(page, "outbox", None) if item["intent"] == "complaint.support"]
    assert [item["payload"] for item in support] == [{"complaint_id": duplicate["id"]}]
    assert idb(page, "drafts", "complaint")  # the draft is kept until the person drops it
    page.get_by_role("button", name="Descartar mi queja sin enviarla").click()
    expect(page.get_by_text("Borrador descartado.")).to_be_visible()
    assert idb(page, "drafts", "complaint") is None
    expect(page.get_by_label("Descripción")).to_have_value("")

    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item[data-state=sent]")).to_have_count(1, timeout=30_000)
    assert counts() == (before[0], before[1] + 1)  # one support, no new complaint
    public = requests.get(api + f"/complaints/{duplicate['id']}", timeout=10)
    if public.ok:
        assert public.json()["support_count"] == 1


@on_one_database
def test_no_accessibility_violations_on_the_map_and_the_suggestions(chromium, app_server):
    base_url, _ = app_server
    api = base_url + "/api/v1/municipalities/10005"
    category = requests.get(api + "/complaints/categories", timeout=10).json()[0]["service_code"]
    assert requests.post(api + "/complaints", timeout=10, json={
        "kind": "complaint", "category": category, "anonymous": True,
        "description": "El alumbrado de la calle recién pavimentada no funciona desde que la entregaron.",
        "location": {"type": "Point", "coordinates": [DURANGO["longitude"], DURANGO["latitude"]]}}).status_code == 201
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX",
                                   geolocation=DURANGO, permissions=["geolocation"],
                                   bypass_csp=True)  # to inject axe-core only
    context.set_default_timeout(15_000)
    axe = PWA / "node_modules" / "axe-core" / "axe.min.js"

    def violations(page) -> list:
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(axe))
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]

    try:
        page = context.new_page()
        first_visit(page)
        page.get_by_role("button", name="Ver en el mapa").click()
        wait_until(page, lambda: drawn(page), what="the works on the map")
        page.locator("path.work").first.dispatch_event("click")
        expect(page.locator("ul.chosen-work li.card")).to_be_visible()
        problems = {"map": violations(page)}
        nav(page, "Nueva queja").click()
        page.get_by_label("Categoría").select_option(category)
        page.get_by_role("button", name="Mover el punto en el mapa").click()
        expect(page.locator(".leaflet-marker-icon.pin")).to_be_visible()
        expect(page.locator("li.duplicate").first).to_be_visible()
        problems["pin and suggestions"] = violations(page)
        assert problems == {"map": [], "pin and suggestions": []}
    finally:
        context.close()


TILES = "http://tiles.test"


@pytest.fixture
def tiled_server(backend, tmp_path, served_dist):
    """`vigia serve` as app_server, with VIGIA_MAP_TILE_URL naming a tile server (answered by the test)."""
    template = backend.settings.model_copy(update={
        "media_dir": tmp_path / "media", "vigia_pwa_dir": served_dist,
        "vigia_map_tile_url": TILES + "/osm/{z}/{x}/{y}.png"})
    with committed_demo_database(backend.name, tmp_path, template) as (settings, database):
        configure_settings(settings)
        db.configure(database)
        with serving(create_app(settings)) as base_url:
            db.configure(database)
            yield base_url
    configure_settings(backend.settings)


@on_one_database
def test_tiles_come_only_from_the_configured_tile_server(chromium, tiled_server):
    base_url = tiled_server
    assert requests.get(base_url + "/app-config.json", timeout=10).json()["map_tile_url"].startswith(TILES)
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX",
                                   geolocation=DURANGO, permissions=["geolocation"])
    context.set_default_timeout(15_000)
    tile = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(tile, "PNG")
    tiles: list[str] = []

    def answer(route) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=tile.getvalue())

    context.route(TILES + "/**", answer)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        first_visit(page)
        page.get_by_role("button", name="Ver en el mapa").click()
        expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("tiles.test")
        assert tiles and all(url.startswith(TILES + "/osm/15/") for url in tiles)
        assert [u for u in outside(base_url, requested) if not u.startswith(TILES + "/")] == []
    finally:
        context.close()
