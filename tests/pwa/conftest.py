"""Browser tests of the field app (pwa/, docs/pwa.md): Debian's Chromium driven by Playwright from pytest, against a
real server (uvicorn in a thread, as `vigia serve`) over a committed demo database, on SpatiaLite and on PostGIS.

Outside CI a missing Chromium or Playwright skips these tests with the reason; under CI=true it fails them."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from server import db
from tests.conftest import Backend, unavailable
from tests.live import served_demo

# What a person sees may take longer than Playwright's 5 s to appear when the CI machine's two cores also run the
# other half of the suite and the server (a desk test once missed it by a few seconds at load 6.5): assertions
# wait up to 15 s, as actions do (`set_default_timeout` below). A wrong screen still fails, only later.
expect.set_options(timeout=15_000)

CHROMIUM = os.environ.get("VIGIA_CHROMIUM", "/usr/bin/chromium")
PWA = Path(__file__).resolve().parents[2] / "pwa"
DIST = PWA / "dist"
# The demo municipality (Durango, 10005): a point in the city centre, with works around it.
DURANGO = {"longitude": -104.6657, "latitude": 24.0277, "accuracy": 12}


def _sources_newer_than_build() -> bool:
    index = DIST / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime
    watched = [PWA / "package.json", PWA / "package-lock.json", PWA / "build.mjs", *PWA.joinpath("src").rglob("*")]
    return any(path.is_file() and path.stat().st_mtime > built for path in watched)


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    """The built app: built here when pwa/dist is missing or older than a source file (as ./dev.sh does)."""
    if _sources_newer_than_build():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is missing: cannot build the field app (pwa/)")
        installed = PWA / "node_modules" / ".package-lock.json"  # written by npm ci; older: a dependency was added
        if not installed.exists() or installed.stat().st_mtime < (PWA / "package-lock.json").stat().st_mtime:
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True, timeout=300)
        subprocess.run([npm, "run", "build"], cwd=PWA, check=True, timeout=300)
    return DIST


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright (Python) is not installed: ./dev.sh test installs it from requirements/test.lock")
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is missing at {CHROMIUM}: ./dev.sh install-system --test installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def served_dist(pwa_dist) -> Path:
    """The build the server serves (a test that changes it overrides this with a copy)."""
    return pwa_dist


@pytest.fixture
def app_server(backend: Backend, tmp_path, served_dist) -> Iterator[tuple[str, db.Database]]:
    """`vigia serve` over a fresh committed demo database, serving the built app at /."""
    with served_demo(backend, tmp_path, vigia_pwa_dir=served_dist) as served:
        yield served


@pytest.fixture
def phone(chromium, app_server):
    """A cheap phone's browser: 360×640, Spanish, location granted and set in Durango."""
    base_url, _ = app_server
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX",
                                   geolocation=DURANGO, permissions=["geolocation"], service_workers="allow")
    context.set_default_timeout(15_000)
    yield context
    context.close()


class Network:
    """The network going away for real: the browser offline AND every request to the server's origin refused
    (service workers included), so nothing can reach the server while the test says it is offline."""

    def __init__(self, context, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.blocked: list[str] = []

    def _refuse(self, route) -> None:
        self.blocked.append(route.request.url)
        route.abort("internetdisconnected")

    def down(self) -> None:
        self.context.route(self.base_url + "/**", self._refuse)
        self.context.set_offline(True)

    def up(self) -> None:
        self.context.unroute(self.base_url + "/**", self._refuse)
        self.context.set_offline(False)


@pytest.fixture
def network(phone, app_server) -> Network:
    return Network(phone, app_server[0])


def camera_photo(width: int = 2400, height: int = 1800) -> bytes:
    """A photo as a phone camera makes it: large, JPEG, with some detail (gradients and a little noise)."""
    noise = Image.effect_noise((width, height), 12)
    red = Image.linear_gradient("L").resize((width, height))
    blue = red.rotate(90).resize((width, height))
    picture = Image.merge("RGB", (red, noise, blue))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92)
    return out.getvalue()


def nav(page, name: str):
    """A link of the app's navigation bar."""
    return page.get_by_role("navigation").get_by_role("link", name=name)


def sign_in(page, email: str, *, device_name: str | None = None) -> None:
    """Sign in from the app's own screen with a demo account's password."""
    from playwright.sync_api import expect

    nav(page, "Entrar").click()
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill("vigia-demo-2026")
    if device_name is not None:
        page.get_by_label("Nombre de este teléfono").fill(device_name)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_text("Sesión iniciada como")).to_be_visible()


def idb(page, store: str, key=None):
    """Read the app's IndexedDB (what is really on the phone), not the page's words."""
    return page.evaluate("""([store, key]) => new Promise((resolve, reject) => {
        const open = indexedDB.open('vigia');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(store, 'readonly');
          const request = key === null ? tx.objectStore(store).getAll() : tx.objectStore(store).get(key);
          request.onsuccess = () => {
            const strip = (v) => JSON.parse(JSON.stringify(v, (k, x) => (x instanceof Blob ? {blob: x.size} : x)));
            resolve(strip(request.result ?? null));
            open.result.close();
          };
          request.onerror = () => reject(request.error);
        };
      })""", [store, key])


def wait_until(page, check, timeout: float = 15, what: str = "a condition"):
    """Poll `check()` while Playwright keeps serving the browser (route handlers run only while it is called)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(200)


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
