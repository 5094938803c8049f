"""Reporter identity and contact never leave the server except to the municipality's comptrollers.

Complaints are filed with distinctive contact details (signed in, anonymously, and through Open311, with a photo),
and the comptroller admits them with a private reason, assigns them and writes private notes. Then every surface
that can show a complaint is read by everyone who is not that municipality's staff: anonymous callers, every other
role of the SAME municipality (a volunteer, committee member and coordinator, observatory member, citizen
comptroller, student auditor, audit reviewer), an account with no role, and another municipality's staff. The
surfaces: every GET endpoint listed in /openapi.json (public or not, so a new endpoint is scanned without touching
this test; Open311 in JSON and XML), the anonymous reporter's follow-up, and the sync pull of each signed-in reader.
No answer may contain the reporter's name, email, phone or account id, a private note, the private reason, or the
anonymous reporter's secret code, and no complaint in an answer may carry a staff-only field.

The reporter reads their own complaint in full (what they sent) without notes, reasons or staff fields.

The publication policy (docs/privacy.md) is scanned the same way: complaints pending moderation, published,
published with a public version, kept private, a denuncia and a confidential one, with photos published and not;
no public surface may show an unreviewed, withheld or restricted text, what the reporter added later, the exact
point, the address, the moderator's reason or an unpublished photo (whose record and copies must answer 404), and
the scan checks that it saw what is public. The scan runs on a committed database: a pull serves only finished
transactions.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from server import db
from server.auth import service as auth
from server.auth.models import Role
from server.complaints.fixtures import synthetic_photo
from server.complaints.schemas import ComplaintPublic, ComplaintStaff
from server.config import configure_settings
from tests.conftest import committed_demo_database
from tests.factories import CENTRO, DEMO_ACCOUNTS, DEMO_PASSWORD, bearer, complaint_body, make_user, municipality
from tests.sync.helpers import Phone, pull, sign_in

BASE = "/api/v1/municipalities/10005/complaints"
PASSWORD = "clave-larga-de-prueba-1"
REPORTER = {"name": "Zacarías Pérez Ontiveros", "email": "zacarias.po@correo.example"}
# What each reporter wrote as private contact.
SIGNED_IN_CONTACT = {"name": "Zacarías P. Ontiveros", "email": "zpo.contacto@correo.example", "phone": "618 555 0199"}
ANONYMOUS_CONTACT = {"name": "Eduviges Landeros Ruelas", "email": "eduviges.lr@correo.example",
                     "phone": "618 555 0173"}
OPEN311_CONTACT = {"first_name": "Nepomuceno", "last_name": "Arámbula Gurrola",
                   "email": "nepo.ag@correo.example", "phone": "618 555 0164"}
NOTE = "Nota reservada: el denunciante teme represalias del residente de obra"
REASON = "Motivo reservado: el contratista es pariente del regidor"

# What only the municipality's comptrollers and administrators see of a complaint (the staff view).
STAFF_ONLY = set(ComplaintStaff.model_fields) - set(ComplaintPublic.model_fields)
assert {"reporter_id", "contact", "anonymous", "assignee_id", "priority"} <= STAFF_ONLY

# Everyone who is not staff of municipality 10005 (None: anonymous).
STAFF_ROLES = {Role.comptroller, Role.admin}
READERS: dict[str, str | None] = {
    "anonymous": None,
    **{role.value: email for role, email in DEMO_ACCOUNTS.items() if role not in STAFF_ROLES},
    "no_role": "sin.rol@vigia.example",
    "other_comptroller": "contraloria.gomez@vigia.example",
    "other_admin": "admin.gomez@vigia.example",
}
assert {"volunteer", "committee_member", "committee_coordinator", "observatory_member", "citizen_comptroller",
        "student_auditor", "audit_reviewer"} <= set(READERS)


@pytest.fixture(scope="module")
def committed(backend, tmp_path_factory) -> Iterator[tuple]:
    with committed_demo_database(backend.name, tmp_path_factory.mktemp("privacy"), backend.settings) as pair:
        yield pair


@pytest.fixture
def live(committed) -> Iterator[Any]:
    """A TestClient on the committed database: every request commits, as in production."""
    from starlette.testclient import TestClient

    from server.app import create_app

    settings, database = committed
    configure_settings(settings)
    db.configure(database)
    with TestClient(create_app(settings, database=database), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def committed_database(committed) -> db.Database:
    settings, database = committed
    configure_settings(settings)
    return db.configure(database)


# ------------------------------------------------------------------------------------------------ the case


def unseen_seed() -> int:
    """A photo no demo record has: the demo draws its photos from seeds below 100,000, and the same bytes would
    be the same stored photo (photos are kept once per hash), a demo visit's photo counted as this test's."""
    return 1_000_000 + uuid.uuid4().int % 1_000_000


class Case:
    """Three complaints with private details, answered by the comptroller, and what must stay private."""

    def __init__(self, live, database: db.Database) -> None:
        self.live = live
        with database.session_scope() as session:
            if auth.get_by_email(session, REPORTER["email"]) is None:
                reporter = auth.create_user(session, email=REPORTER["email"], full_name=REPORTER["name"],
                                            password=PASSWORD)
                auth.grant(session, user=reporter, municipality_id=municipality(session).id, role=Role.volunteer)
            if auth.get_by_email(session, READERS["no_role"]) is None:
                make_user(session, email=READERS["no_role"], password=PASSWORD)
            self.reporter_id = str(auth.get_by_email(session, REPORTER["email"]).id)
        self.reporter = sign_in(live, REPORTER["email"], PASSWORD, name="Teléfono del denunciante")
        self.staff = bearer(sign_in(live, DEMO_ACCOUNTS[Role.comptroller]).token)
        comptroller_id = live.get("/api/v1/auth/me", headers=self.staff).json()["id"]

        photo = live.post("/api/v1/municipalities/10005/photos", content=synthetic_photo(unseen_seed()),
                          headers={"Content-Type": "image/jpeg", **bearer(self.reporter.token)})
        assert photo.status_code in (200, 201), photo.text
        self.photo_id = photo.json()["id"]
        named = live.post(BASE, headers=bearer(self.reporter.token), json=complaint_body(
            contact=SIGNED_IN_CONTACT, photo_ids=[self.photo_id]))
        assert named.status_code == 201, named.text
        anonymous = live.post(BASE, json=complaint_body(anonymous=True, contact=ANONYMOUS_CONTACT))
        assert anonymous.status_code == 201, anonymous.text
        self.code = anonymous.json()["follow_up_code"]
        open311 = live.post("/open311/v2/requests.json", data={
            "api_key": self.reporter.token, "jurisdiction_id": "10005", "service_code": "obra-calidad",
            "lat": str(CENTRO[1]), "long": str(CENTRO[0]), **OPEN311_CONTACT,
            "description": "La banqueta nueva de la calle Negrete ya tiene grietas frente a la tienda."})
        assert open311.status_code == 200, open311.text
        open311_folio = open311.json()[0]["service_request_id"]
        queue = live.get(BASE, params={"q": open311_folio}, headers=self.staff).json()["items"]
        self.complaints = {"named": named.json()["complaint"], "anonymous": anonymous.json()["complaint"],
                           "open311": queue[0]}
        assert self.complaints["open311"]["folio"] == open311_folio

        for complaint in self.complaints.values():
            url = f"{BASE}/{complaint['id']}"
            moved = live.post(f"{url}/transitions", headers=self.staff, json={"to": "admitted", "reason": REASON})
            assert moved.status_code == 200, moved.text
            edited = live.patch(url, headers=self.staff, json={"version": moved.json()["version"],
                                                               "assignee_id": comptroller_id, "priority": "urgent"})
            assert edited.status_code == 200, edited.text
            noted = live.post(f"{url}/notes", headers=self.staff, json={"text": NOTE})
            assert noted.status_code == 201, noted.text
        # what the comptroller sees proves the details are there to leak
        seen = live.get(f"{BASE}/{self.complaints['named']['id']}", headers=self.staff).json()
        assert seen["reporter_id"] == self.reporter_id and seen["contact"]["phone"] == SIGNED_IN_CONTACT["phone"]
        assert seen["assignee_id"] == comptroller_id and seen["priority"] == "urgent"
        seen = live.get(f"{BASE}/{self.complaints['open311']['id']}", headers=self.staff).json()
        assert seen["contact"]["email"] == OPEN311_CONTACT["email"]
        assert NOTE in live.get(f"{BASE}/{self.complaints['anonymous']['id']}/notes", headers=self.staff).text

    def secrets(self, *, reporter: bool = False) -> list[str]:
        """What must not appear; the reporter may of course meet their own name, email, account and contact."""
        others = [*ANONYMOUS_CONTACT.values(), *OPEN311_CONTACT.values(), NOTE, REASON, self.code]
        own = [*REPORTER.values(), self.reporter_id, *SIGNED_IN_CONTACT.values()]
        return others if reporter else others + own

    def urls(self) -> list[str]:
        """Every GET in the OpenAPI document whose path parameters this case can fill, once per complaint."""
        return scan_urls(self.live, list(self.complaints.values()), [self.photo_id])


def scan_urls(live, complaints: list[dict], photo_ids: list[str]) -> list[str]:
    """Every GET route the app declares in /openapi.json (public or not: a new route is scanned without touching
    this test; Open311 in JSON and XML), with its path parameters filled: once per complaint for complaint ids
    and folios, once per photo (its record and each public copy), a demo work and committee; plus each
    complaint's audit entries."""
    work = live.get("/api/v1/municipalities/10005/works?limit=1").json()["items"][0]["id"]
    committees = live.get("/api/v1/municipalities/10005/committees").json()
    base = {"code": "10005", "work_id": work, "service_code": "obra-calidad",
            "committee_id": committees[0]["id"] if committees else "{none}"}
    per_complaint = [{"complaint_id": c["id"], "service_request_id": c["folio"], "token": c["folio"]}
                     for c in complaints]
    per_photo = [{"photo_id": photo_id, "variant": size} for photo_id in photo_ids for size in ("320", "1280")]
    urls: list[str] = []
    for path, methods in live.get("/openapi.json").json()["paths"].items():
        if "get" not in methods:
            continue
        variants: list[dict] = [{}]
        if any("{" + name + "}" in path for name in per_complaint[0]):
            variants = per_complaint
        elif "{photo_id}" in path:
            variants = per_photo
        formats = ("json", "xml") if "{response_format}" in path else (None,)
        for values in variants:
            for response_format in formats:
                url = _concrete(path, {**base, **values, "response_format": response_format or ""})
                if "{" not in url:
                    urls.append(url + _query_for(url))
    for complaint in complaints:
        urls.append(f"/api/v1/municipalities/10005/audit/entries?entity=complaint&entity_id={complaint['id']}")
    urls += public_pages(live, complaints)
    return list(dict.fromkeys(urls))


def public_pages(live, complaints: list[dict]) -> list[str]:
    """The public pages (server/pages, docs/public-pages.md), in Spanish and English: every page the municipality's
    sitemap lists that is not one record's (front page, statistics, registers, open data), each complaint's page
    by folio and the pages of the works they name, one committee's and one observatory's page, and the sitemaps."""
    home = "/publico/10005"
    listed = re.findall(r"<loc>http://testserver(/publico/10005[^<]*)</loc>", live.get(f"{home}/sitemap.xml").text)
    pages = [path for path in listed if not re.search(r"/(obras|quejas|comites|observatorios)/", path)]
    pages += [f"{home}/quejas/{complaint['folio']}" for complaint in complaints]
    pages += [f"{home}/obras/{work}" for work in dict.fromkeys(c["work_id"] for c in complaints if c.get("work_id"))]
    pages += [next(path for path in listed if "/comites/" in path), next(path for path in listed if "/observatorios/" in path)]
    assert f"{home}/estadisticas" in pages and f"{home}/datos" in pages, listed[:10]
    return [*pages, *(f"{page}?lang=en" for page in pages), "/sitemap.xml", f"{home}/sitemap.xml"]


def _concrete(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def _query_for(url: str) -> str:
    if url.startswith("/open311/"):
        return "?jurisdiction_id=10005"
    if url.endswith("/suggestions"):
        return "?lon=%s&lat=%s&category=obra-calidad" % CENTRO
    if url.endswith("/near"):
        return "?lon=%s&lat=%s" % CENTRO
    if url.endswith("/complaints/public"):
        return "?limit=200"
    return ""


def _complaints_in(value: Any) -> Iterator[dict]:
    """Every view of a complaint (an id, a folio and a state) anywhere in a JSON answer."""
    if isinstance(value, dict):
        if {"id", "folio", "state"} <= set(value):
            yield value
        for item in value.values():
            yield from _complaints_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _complaints_in(item)


class Reader:
    """One reader's requests, each checked as it comes back."""

    def __init__(self, case: Case, name: str, phone: Phone | None, secrets: list[str]) -> None:
        self.case, self.name, self.phone, self.secrets = case, name, phone, secrets
        self.headers = bearer(phone.token) if phone else {}
        self.answers: dict[str, tuple[int, str]] = {}

    def check(self, label: str, status: int, body: str, parsed: Any = None) -> None:
        for secret in self.secrets:
            assert secret not in body, f"{label} revealed {secret!r} to {self.name}"
        if parsed is None and body[:1] in "[{":
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        # The reporter's own complaints pulled to their phone carry `version`: the base_version their corrections
        # send (complaint.edit_description, docs/sync.md); nobody else pulls those records.
        hidden = STAFF_ONLY - ({"version"} if label.startswith("sync pull") else set())
        for complaint in _complaints_in(parsed):
            assert not hidden & set(complaint), (
                f"{label} showed {self.name} the staff fields {sorted(hidden & set(complaint))}")
        assert status < 500, f"{label} failed for {self.name}: {status}"
        self.answers[label] = (status, body)

    def get(self, url: str) -> None:
        response = self.case.live.get(url, headers=self.headers)
        self.check(url, response.status_code, response.text)

    def follow_up(self) -> None:
        anonymous = self.case.complaints["anonymous"]
        response = self.case.live.post(f"{BASE}/follow-up", headers=self.headers,
                                       json={"folio": anonymous["folio"], "code": self.case.code})
        self.check("follow-up", response.status_code, response.text)

    def pull(self, database: db.Database) -> list[dict]:
        items, _, _ = pull(self.case.live, database, self.phone)
        self.check("sync pull", 200, json.dumps(items, ensure_ascii=False), [item["data"] for item in items])
        return items

    def status(self, label: str) -> int:
        return self.answers[label][0]

    def body(self, label: str) -> str:
        return self.answers[label][1]


def test_nobody_but_the_municipalitys_staff_learns_who_filed_a_complaint(live, committed_database) -> None:
    case = Case(live, committed_database)
    urls = case.urls()
    named, anonymous, open311 = (case.complaints[k] for k in ("named", "anonymous", "open311"))
    one = f"{BASE}/{named['id']}"
    assert one in urls and f"{one}/notes" in urls and f"{BASE}/public?limit=200" in urls
    assert f"{BASE}/stats" in urls and f"{BASE}/mine" in urls and BASE in urls
    assert "/api/v1/municipalities/10005/audit/entries" in urls and "/api/v1/municipalities/10005/audit/verify" in urls
    assert any(url.endswith("works/export.csv") for url in urls)
    assert f"/publico/10005/quejas/{named['folio']}" in urls and "/publico/10005/estadisticas?lang=en" in urls
    for response_format in ("json", "xml"):
        assert f"/open311/v2/requests.{response_format}?jurisdiction_id=10005" in urls
        assert f"/open311/v2/requests/{open311['folio']}.{response_format}?jurisdiction_id=10005" in urls

    for name, email in READERS.items():
        phone = sign_in(live, email, PASSWORD if name == "no_role" else DEMO_PASSWORD) if email else None
        reader = Reader(case, name, phone, case.secrets())
        for url in urls:
            reader.get(url)
        reader.follow_up()
        if phone is not None:
            pulled = reader.pull(committed_database)
            assert not {item["id"] for item in pulled} & {c["id"] for c in case.complaints.values()}, name
        # the scan saw the complaints (it would prove nothing otherwise), and the staff's desk stayed shut
        for complaint in case.complaints.values():
            assert reader.status(f"{BASE}/{complaint['id']}") == 200
            assert complaint["folio"] in reader.body(f"{BASE}/{complaint['id']}")
            assert reader.status(f"{BASE}/{complaint['id']}/notes") == (401 if phone is None else 403), name
            for response_format in ("json", "xml"):
                single = f"/open311/v2/requests/{complaint['folio']}.{response_format}?jurisdiction_id=10005"
                assert reader.status(single) == 200 and complaint["folio"] in reader.body(single)
                listed = f"/open311/v2/requests.{response_format}?jurisdiction_id=10005"
                assert complaint["folio"] in reader.body(listed), (name, listed)
            assert complaint["folio"] in reader.body(f"{BASE}/public?limit=200")
            entries = f"/api/v1/municipalities/10005/audit/entries?entity=complaint&entity_id={complaint['id']}"
            assert complaint["folio"] in reader.body(entries)
        assert reader.status(BASE) == (401 if phone is None else 403), name
        assert reader.status("follow-up") == 200 and anonymous["folio"] in reader.body("follow-up")


def test_the_reporter_sees_their_complaint_but_not_the_comptrollers_desk(live, committed_database) -> None:
    case = Case(live, committed_database)
    reader = Reader(case, "the reporter", case.reporter, case.secrets(reporter=True))
    for url in case.urls():
        reader.get(url)
    named = case.complaints["named"]
    one = f"{BASE}/{named['id']}"
    assert reader.status(one) == 200
    own = json.loads(reader.body(one))
    assert own["folio"] == named["folio"] and own["state"] == "admitted" and own["photos"] == [case.photo_id]
    assert not STAFF_ONLY & set(own)  # no contact, account, assignee, priority: the reporter's view is the public one
    assert reader.status(f"{one}/notes") == 403 and reader.status(BASE) == 403
    mine = json.loads(reader.body(f"{BASE}/mine"))
    assert named["folio"] in [complaint["folio"] for complaint in mine]
    # the anonymous and the Open311 complaints are not tied to any account, not even the one that sent them
    assert {complaint["folio"] for complaint in mine}.isdisjoint(
        {case.complaints["anonymous"]["folio"], case.complaints["open311"]["folio"]})
    # the phone of the reporter pulls their complaint, as the public sees it
    served = [item for item in reader.pull(committed_database) if item["type"] == "complaint"]
    assert [item["data"]["folio"] for item in served if item["id"] == named["id"]] == [named["folio"]]
    assert not {case.complaints["anonymous"]["id"], case.complaints["open311"]["id"]} & {i["id"] for i in served}


# ------------------------------------------------------------------------------------------------ publication
# docs/privacy.md: what a citizen sends is public only once a moderator published it; a denuncia and a
# confidential complaint show category, zone, state and dates only; the public point is rounded; no address.

EXACT = (-104.66583, 24.02791)  # the reporter's doorstep: public as (-104.666, 24.028)
ADDRESS = "Callejón del Aguacate 417, interior 3"
PENDING_TEXT = "Nadie ha revisado este texto todavía: el bache frente al número 417 sigue abierto."
PUBLISHED_TEXT = "La guarnición nueva de la calle Aquiles Serdán ya se está desmoronando en la esquina."
BLACKOUT_SENT = "El alumbrado nuevo no enciende; me puede llamar al 618 555 0123, soy Rosendo Quiñones."
BLACKOUT_PUBLIC = "El alumbrado nuevo no enciende desde hace dos semanas en esa cuadra."
WITHHELD_TEXT = "El residente de obra, el ingeniero Fulgencio Tárrega, deja el material en mi cochera."
DENUNCIA_TEXT = "El inspector Anacleto Barraza cobró 800 pesos a cada puesto para no clausurar la obra."
DENUNCIA_ANSWER = "Se turnó al Órgano Interno de Control para investigar al inspector Anacleto Barraza."
CONFIDENTIAL_TEXT = "Trabajo en la constructora y vi que el concreto se rebajó con agua en la colada del jueves."
INFORMATION_TEXT = "Hoy pasé otra vez y el vecino del 417, don Efrén, dice que nadie ha venido."
MODERATION_REASON = "Motivo de moderación reservado: menciona a Rosendo Quiñones por su nombre."


class Publication:
    """Complaints filed by a signed-in reporter with their own photos, then moderated by the comptroller."""

    def __init__(self, case: Case) -> None:
        live, staff = case.live, case.staff
        self.live, self.case = live, case
        reporter = bearer(case.reporter.token)
        committees = live.get("/api/v1/municipalities/10005/committees").json()
        work = next((c["works"][0]["id"] for c in committees if c["works"]), None)
        photos = {}

        def photo(name: str) -> str:
            sent = live.post("/api/v1/municipalities/10005/photos", headers={"Content-Type": "image/jpeg", **reporter},
                             content=synthetic_photo(unseen_seed()))
            assert sent.status_code in (200, 201), sent.text
            photos[name] = sent.json()["id"]
            return photos[name]

        def filed(description: str, *photo_names: str, **fields) -> dict:
            body = complaint_body(description=description, address=ADDRESS, work_id=work,
                                  location={"type": "Point", "coordinates": list(EXACT)},
                                  photo_ids=[photo(name) for name in photo_names], **fields)
            answer = live.post(BASE, headers=reporter, json=body)
            assert answer.status_code == 201, answer.text
            return answer.json()["complaint"]

        def moderate(complaint: dict, expect: int = 200, **decision) -> dict:
            version = live.get(f"{BASE}/{complaint['id']}", headers=staff).json()["version"]
            answer = live.post(f"{BASE}/{complaint['id']}/moderation", headers=staff,
                               json={"version": version, "reason": MODERATION_REASON, **decision})
            assert answer.status_code == expect, answer.text
            return answer.json()

        self.complaints = {
            "pending": filed(PENDING_TEXT, "pending"),
            "published": filed(PUBLISHED_TEXT, "approved", "unreviewed"),
            "blackout": filed(BLACKOUT_SENT),
            "withheld": filed(WITHHELD_TEXT),
            "denuncia": filed(DENUNCIA_TEXT, "denuncia", kind="report", category="cobro-indebido"),
            "confidential": filed(CONFIDENTIAL_TEXT, "confidential", confidential=True),
        }
        self.photos = photos
        c = self.complaints
        moderate(c["published"], text="approve", photos=[{"photo_id": photos["approved"], "decision": "approve"}])
        moderate(c["blackout"], text="approve_with_blackout", public_text=BLACKOUT_PUBLIC)
        moderate(c["withheld"], text="keep_private")
        for restricted in ("denuncia", "confidential"):  # never public in full: a moderator cannot publish them
            refused = moderate(c[restricted], 422, text="approve",
                               photos=[{"photo_id": photos[restricted], "decision": "approve"}])
            assert refused["error"]["code"] == "moderation_restricted"
        answered = live.post(f"{BASE}/{c['denuncia']['id']}/transitions", headers=staff, json={
            "to": "referred", "reason": "Compete al OIC", "public_answer": DENUNCIA_ANSWER,
            "referred_to": "Órgano Interno de Control"})
        assert answered.status_code == 200, answered.text
        added = live.post(f"{BASE}/information", headers=reporter,
                          json={"complaint_id": c["published"]["id"], "text": INFORMATION_TEXT})
        assert added.status_code == 200, added.text

    def secrets(self) -> list[str]:
        p = self.photos
        return [PENDING_TEXT, ADDRESS, *(repr(n) for n in EXACT), "618 555 0123", "Rosendo", WITHHELD_TEXT,
                "Fulgencio", DENUNCIA_TEXT, "Anacleto", CONFIDENTIAL_TEXT, INFORMATION_TEXT, "don Efrén",
                MODERATION_REASON, p["pending"], p["unreviewed"], p["denuncia"], p["confidential"]]

    def urls(self) -> list[str]:
        return scan_urls(self.live, list(self.complaints.values()), list(self.photos.values()))


class PublicReader(Reader):
    def check(self, label: str, status: int, body: str, parsed: Any = None) -> None:
        if "/audit/" in label:
            # The public audit log names a complaint's photos by id (its evidence chain; docs/audit-log.md): an id
            # alone shows nothing, since the copies answer 404 until published. Every text must stay out of it.
            photo_ids = set(self.case.photos.values())
            keep = self.secrets
            self.secrets = [s for s in keep if s not in photo_ids]
            try:
                super().check(label, status, body, parsed)
            finally:
                self.secrets = keep
            return
        super().check(label, status, body, parsed)


def test_the_public_sees_only_what_a_moderator_published(live, committed_database) -> None:
    case = Case(live, committed_database)
    publication = Publication(case)
    publication.live = live
    urls = publication.urls()
    c, p = publication.complaints, publication.photos
    public_list = f"{BASE}/public?limit=200"
    assert public_list in urls and f"{BASE}/{c['pending']['id']}" in urls
    for name in p.values():
        assert f"/api/v1/municipalities/10005/photos/{name}/1280" in urls
    for response_format in ("json", "xml"):
        assert f"/open311/v2/requests.{response_format}?jurisdiction_id=10005" in urls

    for name, email in READERS.items():
        phone = sign_in(live, email, PASSWORD if name == "no_role" else DEMO_PASSWORD) if email else None
        reader = PublicReader(publication, name, phone, publication.secrets())
        for url in urls:
            reader.get(url)
        if phone is not None:
            reader.pull(committed_database)
        # the scan saw what is public (it would prove nothing otherwise) ...
        listed = {item["folio"]: item for item in json.loads(reader.body(public_list))}
        assert listed[c["published"]["folio"]]["description"] == PUBLISHED_TEXT
        assert listed[c["published"]["folio"]]["photos"] == [p["approved"]]
        assert listed[c["blackout"]["folio"]]["description"] == BLACKOUT_PUBLIC
        pending = listed[c["pending"]["folio"]]
        assert (pending["description"], pending["address"], pending["photos"]) == (None, None, [])
        assert pending["location"] == {"type": "Point", "coordinates": [-104.666, 24.028]}
        assert pending["location_exact"] is False and pending["text_publication"] == "pending"
        for restricted in ("denuncia", "confidential"):
            shown = listed[c[restricted]["folio"]]
            assert shown["restricted"] is True and shown["category"] and shown["zone"] and shown["received_on"]
            assert (shown["description"], shown["location"], shown["photos"], shown["public_answer"],
                    shown["work_id"]) == (None, None, [], None, None)
            assert all(update["text"] is None for update in shown["updates"])
        for response_format in ("json", "xml"):
            body = reader.body(f"/open311/v2/requests.{response_format}?jurisdiction_id=10005")
            assert PUBLISHED_TEXT in body and BLACKOUT_PUBLIC in body and "24.028" in body
            assert f"/photos/{p['approved']}/1280?v=1" in body
        # the public pages show the same: the published text, and under the work only what is not restricted
        published_page = reader.body(f"/publico/10005/quejas/{c['published']['folio']}")
        assert PUBLISHED_TEXT in published_page and f"/photos/{p['approved']}/320" in published_page
        assert reader.status(f"/publico/10005/quejas/{c['denuncia']['folio']}") == 200
        work_page = reader.body(f"/publico/10005/obras/{c['published']['work_id']}")
        assert c["published"]["folio"] in work_page and c["pending"]["folio"] in work_page
        assert c["denuncia"]["folio"] not in work_page and c["confidential"]["folio"] not in work_page
        listed_by_work = {item["folio"] for item in json.loads(live.get(
            f"{BASE}/public", params={"work_id": c["published"]["work_id"], "limit": 200}).text)}
        assert c["published"]["folio"] in listed_by_work and c["denuncia"]["folio"] not in listed_by_work
        # ... and every photo a moderator did not publish is 404, its record and its copies
        for photo_name, photo_id in p.items():
            for suffix in ("", "/320", "/1280"):
                status = reader.status(f"/api/v1/municipalities/10005/photos/{photo_id}{suffix}")
                assert status == (200 if photo_name == "approved" else 404), (name, photo_name, suffix)


def test_the_reporter_reads_all_they_sent_and_sees_what_is_public(live, committed_database) -> None:
    case = Case(live, committed_database)
    publication = Publication(case)
    c, p = publication.complaints, publication.photos
    reporter = bearer(case.reporter.token)
    own = live.get(f"{BASE}/{c['pending']['id']}", headers=reporter).json()
    assert (own["description"], own["address"], own["photos"]) == (PENDING_TEXT, ADDRESS, [p["pending"]])
    assert own["location"]["coordinates"] == list(EXACT) and own["location_exact"] is True
    assert own["text_publication"] == "pending" and not STAFF_ONLY & set(own)
    confidential = live.get(f"{BASE}/{c['confidential']['id']}", headers=reporter).json()
    assert confidential["description"] == CONFIDENTIAL_TEXT and confidential["restricted"] is True
    mine = {item["folio"]: item for item in live.get(f"{BASE}/mine", headers=reporter).json()}
    assert mine[c["published"]["folio"]]["photos"] == [p["approved"], p["unreviewed"]]
    # their own photos, even unpublished, and the public list as anyone sees it
    assert live.get(f"/api/v1/municipalities/10005/photos/{p['pending']}/320", headers=reporter).status_code == 200
    public = {item["folio"]: item for item in live.get(f"{BASE}/public?limit=200", headers=reporter).json()}
    assert public[c["pending"]["folio"]]["description"] is None
    # and the staff see everything, with each decision
    staff = live.get(f"{BASE}/{c['published']['id']}", headers=case.staff).json()
    assert staff["photo_publication"] == {p["approved"]: "published", p["unreviewed"]: "pending"}
    assert staff["location"]["coordinates"] == list(EXACT) and staff["address"] == ADDRESS
    blackout = live.get(f"{BASE}/{c['blackout']['id']}", headers=case.staff).json()
    assert (blackout["description"], blackout["public_description"]) == (BLACKOUT_SENT, BLACKOUT_PUBLIC)
    notes = live.get(f"{BASE}/{c['withheld']['id']}/notes", headers=case.staff).json()
    assert any(MODERATION_REASON in note["text"] for note in notes)
