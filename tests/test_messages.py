"""Every message a person may read: Spanish in words, English with Accept-Language: en (issue 13).

Part 1 walks the catalogue (server/i18n.py) and every code the server raises; part 2 triggers each class of
error through HTTP, and the help every endpoint that takes a point gives, and reads what a person would read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server import i18n
from server.auth.models import Role
from server.committees.models import State as CommitteeState
from server.complaints.models import Kind, Priority
from server.complaints.workflow import State as ComplaintState
from server.i18n import MESSAGES, VALIDATION_MESSAGES, placeholders, translate
from server.i18n.extract import codes_in
from tests.committees.helpers import DEMO_COMMITTEE, area
from tests.factories import CENTRO, DEMO, bearer, complaint_body, make_user, token_for
from tests.inspections.conftest import GENERAL, good_answers, setup  # noqa: F401 (the visit fixture)
from tests.sync.helpers import complaint_payload, mutation, sign_in
from tests.test_app import assert_error_shape

SERVER = Path(__file__).resolve().parent.parent / "server"

# English words that never belong in a Spanish sentence.
ENGLISH = (" the ", " not ", " must ", " should ", " please ", " is ", " are ", " and ", " with ", " cannot ",
           " you ", " your ", " this ", " that ", " was ", " has ", " an ", "invalid", "required", " found",
           " missing", " allowed", " unknown", " wrong", " too ")
# Codes of states and enumerations: a person reads their words instead, in Spanish ("admitida", "denuncia").
CODES = sorted({member.value for enum in (ComplaintState, CommitteeState, Kind, Priority) for member in enum}
               - {"normal"})  # "normal" is a Spanish word too
# snake_case: a code or a field name, never words.
SNAKE = re.compile(r"(?<![\w{])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w}])")
# A size in bytes: "{limit} bytes" or "1048576 bytes" (sizes are shown in MB: {limit:MB}).
BYTES = re.compile(r"(\{[a-z_]+\}|\d[\d.,]*)\s*bytes", re.IGNORECASE)
# Field and parameter names a message may name because the caller must send exactly that (Open311's protocol,
# HTTP headers); each one is documented in docs/api.md or docs/open311.md.
PROTOCOL_NAMES = {"api_key", "jurisdiction_id", "service_code", "start_date", "end_date", "address_string",
                  "services.json", "prev_hash"}


def _entries() -> list[tuple[str, dict[str, str]]]:
    # The API reference's texts (/docs, /openapi.json: `api_…`, `docs_page_…`) name fields, parameters and headers
    # as a caller must send them; tests/test_docs_page.py reads their Spanish for English words instead.
    return sorted((code, texts) for code, texts in MESSAGES.items() if not code.startswith(("api_", "docs_page_"))) \
        + sorted((f"validation:{kind}", texts) for kind, texts in VALIDATION_MESSAGES.items())


ENTRIES = _entries()


def _without_placeholders(text: str) -> str:
    """The text a person reads as words: no placeholders, no literal the caller must send as written (quoted:
    «open», 'complaint:<id>')."""
    return re.sub(r"\{[^{}]*\}|«[^»]*»|'[^' ]*'", "", text)


def problems_of(code: str, texts: dict[str, str]) -> list[str]:
    """What is wrong with one catalogue entry, in words for the test's report."""
    found = []
    if set(texts) != {"es", "en"} or not all(isinstance(text, str) and text.strip() for text in texts.values()):
        return [f"{code}: needs a Spanish and an English text, has {sorted(texts)}"]
    es, en = texts["es"], texts["en"]
    if placeholders(es) != placeholders(en):
        found.append(f"{code}: placeholders differ: es {sorted(placeholders(es))}, en {sorted(placeholders(en))}")
    spanish = f" {_without_placeholders(es).lower()} "
    for word in ENGLISH:
        if word in spanish:
            found.append(f"{code}: English {word.strip()!r} in the Spanish text {es!r}")
    words = set(re.findall(r"[a-z_]+", spanish))
    for state in CODES:
        if state in words:
            found.append(f"{code}: the code {state!r} in the Spanish text {es!r}")
    for language, text in texts.items():
        for name in SNAKE.findall(_without_placeholders(text)):
            if name not in PROTOCOL_NAMES:
                found.append(f"{code}: the code name {name!r} in the {language} text {text!r}")
        if BYTES.search(text):
            found.append(f"{code}: a raw number of bytes in the {language} text {text!r} (use {{limit:MB}})")
    return found


def test_every_catalogue_entry_reads_as_words_in_both_languages() -> None:
    found = [problem for code, texts in ENTRIES for problem in problems_of(code, texts)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


@pytest.mark.parametrize(("texts", "expected"), [
    ({"es": "El valor no es invalid.", "en": "The value is invalid."}, "English 'invalid'"),
    ({"es": "La queja está admitted.", "en": "The complaint is admitted."}, "the code 'admitted'"),
    ({"es": "Falta supporter_key.", "en": "supporter_key is missing."}, "the code name 'supporter_key'"),
    ({"es": "Máximo {limit} bytes.", "en": "At most {limit} bytes."}, "a raw number of bytes"),
    ({"es": "Máximo {limit:MB}.", "en": "At most {size:MB}."}, "placeholders differ"),
    ({"es": "Solo en español."}, "needs a Spanish and an English text"),
])
def test_the_walk_catches_each_kind_of_defect(texts: dict[str, str], expected: str) -> None:
    """A planted defect of each kind is found (so the walk above can fail)."""
    assert any(expected in problem for problem in problems_of("planted", texts))


def test_state_and_kind_words_exist_for_every_member() -> None:
    missing = [f"{prefix}{member.value}" for enum, prefixes in (
        (ComplaintState, ("complaint_is_", "complaint_to_")), (CommitteeState, ("committee_is_", "committee_to_")),
        (Kind, ("kind_",)), (Priority, ("priority_",))) for prefix in prefixes for member in enum
        if f"{prefix}{member.value}" not in MESSAGES]
    assert not missing


# ------------------------------------------------------------------------------------------------ codes raised

def raised_codes() -> dict[str, list[str]]:
    """Every message code marked where the server raises an error or renders a message (`NotFound("x")`,
    `Invalid.for_field(field, "x")`, `{"code": "x", ...}` details, `translate("x", ...)`, `N_("x")`...), found as
    `pybabel extract` finds them (server/i18n/extract.py), with the places it appears."""
    found: dict[str, list[str]] = {}
    for path in sorted(SERVER.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where = str(path.relative_to(SERVER.parent))
        for line, code in codes_in(path.read_text(encoding="utf-8")):
            found.setdefault(code, []).append(f"{where}:{line}")
    return found




def test_every_code_the_server_raises_is_in_the_catalogue() -> None:
    codes = raised_codes()
    assert len(codes) > 150  # the scan sees the server's raise sites
    missing = {code: places for code, places in codes.items()
               if code not in MESSAGES and code.removeprefix("validation:") not in VALIDATION_MESSAGES}
    assert not missing, "\n".join(f"{code}: {', '.join(places)}" for code, places in sorted(missing.items()))


def test_a_code_missing_from_the_catalogue_would_be_found(tmp_path, monkeypatch) -> None:
    assert "transition_not_allowed" in raised_codes()  # raised with words in complaints/triage.py
    monkeypatch.delitem(MESSAGES, "transition_not_allowed")
    with pytest.raises(AssertionError, match="transition_not_allowed"):
        test_every_code_the_server_raises_is_in_the_catalogue()


# ------------------------------------------------------------------------------------------------ rendering


def test_states_read_as_words_and_agree_in_gender() -> None:
    said = translate("transition_not_allowed", "es", current=i18n.term("complaint_is_admitted"),
                     target=i18n.term("complaint_to_resolved"))
    assert said == "Una queja admitida no puede pasar a resuelta."
    said = translate("transition_not_allowed", "en", current=i18n.term("complaint_is_admitted"),
                     target=i18n.term("complaint_to_resolved"))
    assert said == "A complaint that is admitted cannot be resolved."
    said = translate("committee_transition_not_allowed", "es", current=i18n.term("committee_is_draft"),
                     to=i18n.term("committee_to_registered"))
    assert said == "Un comité en borrador no puede quedar registrado."
    # a move to where it already is says so, instead of "Una queja recibida no puede pasar a recibida"
    assert translate("transition_to_same_state", "es", current=i18n.term("complaint_is_needs_clarification")) == (
        "La queja ya está en espera de aclaración.")
    assert translate("committee_already_in_state", "en", current=i18n.term("committee_is_active")) == (
        "The committee is already active.")


def test_sizes_read_in_megabytes_and_counts_agree_in_number() -> None:
    assert translate("body_too_large", "es", limit=1_048_576) == "La solicitud es demasiado grande: el máximo es 1 MB."
    assert translate("body_too_large", "en", limit=15 * 1_048_576) == "The request is too large: the maximum is 15 MB."
    assert translate("upload_too_large", "es", length=20 * 1_048_576 + 524_288, limit=15 * 1_048_576) == (
        "El archivo pesa 20.5 MB; el máximo para una foto es 15 MB.")
    assert translate("upload_too_large", "es", length=15 * 1_048_576 + 1, limit=15 * 1_048_576) == (
        "El archivo pesa 15.1 MB; el máximo para una foto es 15 MB.")  # over the limit never reads as the limit
    assert i18n.fill(VALIDATION_MESSAGES["too_short"]["es"], "es", min_length=1) == "Debe tener al menos 1 elemento."
    assert i18n.fill(VALIDATION_MESSAGES["too_short"]["es"], "es", min_length=2) == (
        "Debe tener al menos 2 elementos.")
    assert i18n.fill(VALIDATION_MESSAGES["too_short"]["en"], "en", min_length=1) == "Must have at least 1 item."


def test_enumerations_accept_and_show_the_words_people_use() -> None:
    assert [Kind(word) for word in ("queja", "Denuncia", "solicitud de información", "Solicitud de informacion",
                                    "SUGERENCIA", "report")] == [
        Kind.complaint, Kind.report, Kind.information_request, Kind.information_request, Kind.suggestion,
        Kind.report]
    assert Priority("Urgente") == Priority.urgent and Priority("alta") == Priority.high
    with pytest.raises(ValueError):
        Kind("reclamo")
    assert i18n.enum_words([kind.value for kind in Kind], "es") == (
        "queja, denuncia, solicitud de información o sugerencia")


# ------------------------------------------------------------------------------------------------ through HTTP

BASE = f"/api/v1/municipalities/{DEMO}"
EN = {"Accept-Language": "en"}


def both(send) -> tuple[dict, dict]:
    """The error a request gets in Spanish (no Accept-Language) and in English."""
    return send({}).json()["error"], send(EN).json()["error"]


def test_each_class_of_error_reads_in_words_in_both_languages(client, session) -> None:
    login = "/api/v1/auth/login"
    json_header = {"Content-Type": "application/json"}
    es, en = both(lambda h: client.post(login, content=b'{"email": ', headers={**json_header, **h}))
    assert es["message"] == "El cuerpo de la solicitud no es JSON válido: revise la línea 1, columna 11."
    assert en["message"] == "The request body is not valid JSON: check line 1, column 11."

    es, en = both(lambda h: client.get("/api/v1/auth/me", headers=h))
    assert (es["code"], es["message"], en["message"]) == (
        "auth_required", "Inicie sesión para continuar.", "Please sign in to continue.")

    volunteer = bearer(token_for(session, "voluntaria@vigia.example"))
    es, en = both(lambda h: client.get(f"{BASE}/complaints", headers={**volunteer, **h}))
    assert es["message"] == "Su cuenta no tiene permiso para esta acción en este municipio."
    assert en["message"] == "Your account is not allowed to do this in this municipality."

    es, en = both(lambda h: client.get("/api/v1/municipalities/99999", headers=h))
    assert es["message"] == "No existe el municipio con clave 99999."
    assert en["message"] == "There is no municipality with code 99999."

    es, en = both(lambda h: client.delete("/api/v1/municipalities", headers=h))
    assert es["message"] == "Esa dirección no acepta el método DELETE."
    assert en["message"] == "That address does not accept the DELETE method."

    filed = client.post(f"{BASE}/complaints", json=complaint_body(anonymous=True)).json()["complaint"]
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    es, en = both(lambda h: client.post(f"{BASE}/complaints/{filed['id']}/transitions", headers={**staff, **h},
                                        json={"to": "resolved", "reason": "Revisado", "outcome": "upheld",
                                              "public_answer": "Se reparó la banqueta."}))
    assert es["code"] == "transition_not_allowed"
    assert es["message"] == "Una queja recibida no puede pasar a resuelta."
    assert en["message"] == "A complaint that is received cannot be resolved."

    limit = client.app.state.settings.max_body_bytes
    big = b'{"email": "' + b"a" * limit + b'"}'
    es, en = both(lambda h: client.post(login, content=big, headers={**json_header, **h}))
    megabytes = i18n.megabytes(limit)
    assert es["code"] == "body_too_large" and "bytes" not in es["message"] + en["message"]
    assert es["message"] == f"La solicitud es demasiado grande: el máximo es {megabytes}."
    assert en["message"] == f"The request is too large: the maximum is {megabytes}."

    es, en = both(lambda h: client.post(login, content=b"email", headers={"Content-Type": "text/plain", **h}))
    assert (es["message"], en["message"]) == ("Envíe el cuerpo como application/json.",
                                              "Send the body as application/json.")

    es, en = both(lambda h: client.post(f"{BASE}/complaints", headers=h,
                                        json=complaint_body(anonymous=True, kind="reclamo")))
    assert es["code"] == "validation_error" and es["details"][0]["field"] == "kind"
    assert es["details"][0]["message"] == (
        "Debe ser uno de estos valores: queja, denuncia, solicitud de información o sugerencia.")
    assert en["details"][0]["message"] == (
        "Must be one of these values: complaint, report of wrongdoing, information request or suggestion.")
    assert es["message"] == "Algunos datos no son válidos; revise los detalles."

    admin = bearer(token_for(session, "admin@vigia.example"))
    account = {"email": "nueva.persona@vigia.example", "full_name": "Nueva Persona"}
    es, en = both(lambda h: client.post(f"{BASE}/users", headers={**admin, **h}, json={**account, "roles": []}))
    assert (es["details"][0]["message"], en["details"][0]["message"]) == (
        "Debe tener al menos 1 elemento.", "Must have at least 1 item.")

    es, en = both(lambda h: client.post(f"{BASE}/complaints", headers=h,
                                        json=complaint_body(anonymous=True, category="otra-cosa")))
    assert es["code"] == "unknown_category"
    assert es["message"] == "No existe la categoría otra-cosa en este municipio; consulte la lista de categorías."
    assert en["message"] == "There is no category otra-cosa in this municipality; see the list of categories."

    user = make_user(session, Role.volunteer)
    failures = client.app.state.settings.login_max_failures
    wrong = {"email": user.email, "password": "equivocada-123", "device_name": "Teléfono"}
    for _ in range(failures):
        assert client.post(login, json=wrong).status_code == 401
    es, en = both(lambda h: client.post(login, headers=h, json=wrong))
    assert es["code"] == "login_locked"
    assert es["message"].startswith("Demasiados intentos fallidos. Intente de nuevo en ")
    assert en["message"].startswith("Too many failed attempts. Try again in ")
    for error in (es, en):
        assert not SNAKE.findall(_without_placeholders(error["message"]))


def test_blank_text_is_refused_like_empty_text(client, session) -> None:
    blank = client.post(f"{BASE}/complaints", json=complaint_body(anonymous=True, description=" \n\t " * 5))
    detail = assert_error_shape(blank, 422, "validation_error")["details"][0]
    assert detail == {"field": "description", "code": "string_too_short",
                      "message": "Este campo no puede estar vacío ni tener solo espacios."}
    padded = client.post(f"{BASE}/complaints", headers=EN, json=complaint_body(anonymous=True,
                                                                                 description="Bache" + " " * 20))
    assert assert_error_shape(padded, 422, "validation_error")["details"][0]["message"] == (
        "Must have at least 10 characters, not counting spaces at the start and the end.")
    admin = bearer(token_for(session, "admin@vigia.example"))
    name = client.post(f"{BASE}/users", headers=admin, json={
        "email": "espacios@vigia.example", "full_name": "   ", "roles": ["volunteer"]})
    assert assert_error_shape(name, 422, "validation_error")["details"][0]["field"] == "full_name"
    # A password is never looked at: spaces are as good as any other character in it (and it is kept as sent).
    spaced = client.post(f"{BASE}/users", headers=admin, json={
        "email": "clave.espacios@vigia.example", "full_name": "Clave Con Espacios", "roles": ["volunteer"],
        "password": "          "})
    assert spaced.status_code == 201, spaced.text
    kept = client.post(f"{BASE}/complaints", json=complaint_body(
        anonymous=True, description="  La banqueta nueva ya está agrietada.  "))
    assert kept.status_code == 201 and kept.json()["complaint"]["description"] == (
        "  La banqueta nueva ya está agrietada.  ")
    # Text a step requires: a public answer of only spaces is no answer, nor is a blank competent body.
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    filed = kept.json()["complaint"]
    moved = lambda body, h: client.post(f"{BASE}/complaints/{filed['id']}/transitions",  # noqa: E731
                                        headers={**staff, **h}, json={"reason": "Revisado", **body})
    es, en = both(lambda h: moved({"to": "inadmissible", "public_answer": "   "}, h))
    assert es["message"] == "Para pasar a «Improcedente» escriba la respuesta pública (o elija una plantilla)."
    assert en["message"] == "Moving to «Inadmissible» needs a public answer (or a template)."
    referred = moved({"to": "referred", "public_answer": "Se turna a la Secretaría de Obras.", "referred_to": " "}, {})
    assert assert_error_shape(referred, 422, "referred_to_required")["message"] == (
        "Indique la autoridad competente a la que se turna la queja.")
    # The same rule for a mutation pushed by a phone.
    phone = sign_in(client, "voluntaria@vigia.example")
    sent = mutation("complaint.file", complaint_payload(description=" " * 30))
    result = client.post("/api/v1/sync/push", headers=phone.headers, json={"mutations": [sent]}).json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["details"][0]["field"] == "payload.description"


def test_the_words_people_use_are_taken_for_codes(client, session) -> None:
    filed = client.post(f"{BASE}/complaints", json=complaint_body(anonymous=True, kind="Denuncia"))
    assert filed.status_code == 201 and filed.json()["complaint"]["kind"] == "report"
    staff = bearer(token_for(session, "contraloria@vigia.example"))
    queue = client.get(f"{BASE}/complaints", headers=staff, params={"kind": "denuncia", "limit": 200})
    assert queue.status_code == 200 and {item["kind"] for item in queue.json()["items"]} == {"report"}
    received = client.get(f"{BASE}/complaints", headers=staff, params={"state": "Recibida", "limit": 200})
    assert received.status_code == 200 and {item["state"] for item in received.json()["items"]} == {"received"}
    coordinator = bearer(token_for(session, "coordinacion@vigia.example"))
    committee = client.post(f"{BASE}/committees", headers=coordinator, json={"name": "Comité de palabras",
                                                                             "kind": "Comité de obra"})
    assert committee.status_code == 201 and committee.json()["kind"] == "works"
    unknown = client.post(f"{BASE}/committees", headers=coordinator, json={"name": "Comité raro", "kind": "otro"})
    assert assert_error_shape(unknown, 422, "validation_error")["details"][0]["message"] == (
        "Debe ser uno de estos valores: comité de obra, comité de programa social o comité de presupuesto "
        "participativo.")
    phone = sign_in(client, "voluntaria@vigia.example")
    sent = mutation("complaint.file", complaint_payload(kind="solicitud de información", category="info-obra"))
    result = client.post("/api/v1/sync/push", headers=phone.headers, json={"mutations": [sent]}).json()["results"][0]
    assert result["status"] == "applied", result


# ------------------------------------------------------------------------------------------------ points

SWAPPED = [CENTRO[1], CENTRO[0]]  # latitude first, as maps and phones show it
GOMEZ = [-103.498, 25.565]  # Zona Centro of Gómez Palacio (10007), a municipality Vigía also serves


def _said(response) -> str:
    """Everything a person reads of a refusal: the message and each detail's, or a rejected mutation's."""
    body = response.json()
    if "results" in body:
        error = body["results"][0]["error"] or {}
    elif "error" in body:
        error = body["error"]
    else:  # Open311's own shape: a list of {code, description}
        return " ".join(item["description"] for item in body)
    return " ".join([error.get("message", "")] + [detail["message"] for detail in error.get("details", [])])


@pytest.fixture
def point_endpoints(client, session, setup):  # noqa: F811 (the visit fixture)
    """Every endpoint that takes a point: a function that sends it one (lon, lat) with extra headers."""
    admin = bearer(token_for(session, "admin@vigia.example"))
    coordinator = bearer(token_for(session, "coordinacion@vigia.example"))
    member = bearer(setup.member_token)
    phone = sign_in(client, "voluntaria@vigia.example")
    api_key = token_for(session, "voluntaria@vigia.example", "app open311")
    geojson = lambda coordinates: {"type": "Point", "coordinates": coordinates}  # noqa: E731
    form = {"jurisdiction_id": DEMO, "service_code": "obra-calidad", "api_key": api_key,
            "description": "La banqueta nueva de la calle Negrete ya tiene grietas frente a la tienda."}
    return {
        "complaint": lambda c, h: client.post(f"{BASE}/complaints", headers=h,
                                              json=complaint_body(anonymous=True, location=geojson(c))),
        "complaint suggestions": lambda c, h: client.get(f"{BASE}/complaints/suggestions", headers=h,
                                                         params={"lon": c[0], "lat": c[1]}),
        "open311": lambda c, h: client.post("/open311/v2/requests.json", headers=h,
                                            data={**form, "long": str(c[0]), "lat": str(c[1])}),
        "work": lambda c, h: client.post(f"{BASE}/works", headers={**admin, **h}, json={
            "identifier": "PUNTO-1", "title": "Obra de prueba", "geometry": geojson(c)}),
        "works near": lambda c, h: client.get(f"{BASE}/works/near", headers=h, params={"lon": c[0], "lat": c[1]}),
        "visit": lambda c, h: client.post(f"{BASE}/visits", headers={**member, **h},
                                          json=setup.visit(location=geojson(c))),
        "checklist point answer": lambda c, h: client.post(f"{BASE}/visits", headers={**member, **h}, json=setup.visit(
            answers=good_answers(setup.photo) | {"ubicacion": geojson(c)})),
        "meeting place": lambda c, h: client.post(f"{BASE}/committees/{DEMO_COMMITTEE}/meetings",
                                                  headers={**coordinator, **h},
                                                  json={"held_on": "2026-01-20", "place": geojson(c)}),
        "sync push": lambda c, h: client.post("/api/v1/sync/push", headers={**phone.headers, **h}, json={
            "mutations": [mutation("complaint.file", complaint_payload(location=geojson(c)))]}),
    }


POINT_ENDPOINTS = ["complaint", "complaint suggestions", "open311", "work", "works near", "visit",
                   "checklist point answer", "meeting place", "sync push"]


@pytest.mark.parametrize("name", POINT_ENDPOINTS)
def test_every_endpoint_that_takes_a_point_helps_with_swapped_coordinates(point_endpoints, name) -> None:
    send = point_endpoints[name]
    spanish, english = send(SWAPPED, {}), send(SWAPPED, EN)
    assert spanish.status_code in (200, 400, 422), spanish.text  # a push answers 200 with the mutation rejected
    assert "primero la longitud y después la latitud" in _said(spanish), _said(spanish)
    assert "longitude first, then latitude" in _said(english), _said(english)


@pytest.mark.parametrize("name", POINT_ENDPOINTS)
def test_every_endpoint_that_takes_a_point_names_the_municipality_it_falls_in(point_endpoints, name) -> None:
    send = point_endpoints[name]
    spanish, english = send(GOMEZ, {}), send(GOMEZ, EN)
    assert spanish.status_code in (200, 400, 422), spanish.text
    assert "está en Gómez Palacio (10007), no en Durango" in _said(spanish), _said(spanish)
    assert "is in Gómez Palacio (10007), not in Durango" in _said(english), _said(english)


def test_a_service_area_with_latitude_first_gets_the_same_help(client, session) -> None:
    coordinator = bearer(token_for(session, "coordinacion@vigia.example"))
    swapped = client.post(f"{BASE}/committees", headers=coordinator, json={
        "name": "Comité al revés", "kind": "works", "service_area": area(lon=CENTRO[1], lat=CENTRO[0])})
    assert "primero la longitud y después la latitud" in _said(swapped)
