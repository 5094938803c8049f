"""Filing through Open311 as a client application does: form data, an api_key, the folio at once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from server.auth import service as auth
from server.complaints.fixtures import synthetic_photo
from server.complaints.models import Category, Complaint, ComplaintPhoto
from server.open311.models import Submission
from tests.factories import municipality, token_for
from tests.open311.conftest import BASE, DEMO_FORM, open311_error, xml_of

PERSON = {"first_name": "Eustolia", "last_name": "Barraza Quiñones", "email": "eustolia.bq@correo.example",
          "phone": "618 555 0142"}


def _count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Complaint))


def _code(notice: str) -> str:
    return re.search(r"\): (\S+)\. ", notice).group(1)


def test_a_client_files_with_form_data_and_reads_it_back(client, session, api_key, schemas) -> None:
    form = {**DEMO_FORM, **PERSON, "api_key": api_key, "attribute[elemento]": "banqueta", "account_id": "app-7781",
            "address_string": "Negrete y Zaragoza, Zona Centro"}
    response = client.post(f"{BASE}/requests.json", data=form)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    receipt = response.json()
    schemas.validate("#/definitions/RequestResponse", receipt)
    (answer,) = receipt
    folio = answer["service_request_id"]
    assert re.fullmatch(r"10005-\d{4}-\d{6}", folio) and answer["account_id"] == "app-7781"
    assert folio in answer["service_notice"] and "Contraloría Municipal de Durango" in answer["service_notice"]

    complaint = session.scalar(sa.select(Complaint).where(Complaint.folio == folio))
    assert (complaint.source, complaint.anonymous, complaint.reporter_id) == ("open311", True, None)
    assert (complaint.contact_name, complaint.contact_email, complaint.contact_phone) == (
        "Eustolia Barraza Quiñones", PERSON["email"], PERSON["phone"])
    assert complaint.attributes == {"elemento": "banqueta"} and complaint.address.startswith("Negrete")
    submission = session.get(Submission, complaint.id)
    device = auth.authenticate(session, token=api_key).device_id
    assert submission.client_device_id == device and submission.media_url is None

    (read,) = client.get(f"{BASE}/requests/{folio}.json?jurisdiction_id=10005").json()
    schemas.validate("request.json", read)
    # docs/privacy.md: the text waits for a moderator; the point is rounded to 0.001°; the address never shows
    assert (read["status"], read["service_code"], read["description"]) == ("open", "obra-calidad", None)
    assert (read["lat"], read["long"]) == (24.028, -104.666) and read["address"] is None
    assert read["status_notes"] == "Recibida" and read["media_url"] is None
    staff = {"Authorization": f"Bearer {token_for(session, 'contraloria@vigia.example')}"}
    moderated = client.post(f"/api/v1/municipalities/10005/complaints/{complaint.id}/moderation", headers=staff,
                            json={"version": complaint.version, "text": "approve", "reason": "Sin datos personales"})
    assert moderated.status_code == 200, moderated.text
    (read,) = client.get(f"{BASE}/requests/{folio}.json?jurisdiction_id=10005").json()
    assert (read["description"], read["lat"], read["address"]) == (DEMO_FORM["description"], 24.028, None)
    today = date.today()
    window = f"&start_date={today - timedelta(days=1)}&end_date={today + timedelta(days=1)}"
    listed = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&status=open&service_code=obra-calidad"
                        + window).json()
    schemas.validate("requests.json", listed)
    assert folio in [r["service_request_id"] for r in listed]
    for other in ("&status=closed", "&service_code=sugerencia"):
        assert folio not in [r["service_request_id"] for r in client.get(
            f"{BASE}/requests.json?jurisdiction_id=10005{other}{window}").json()]
    assert client.get(f"{BASE}/tokens/{folio}.json").status_code == 400  # still needs the jurisdiction
    # The follow-up code in the notice is the one the native API accepts.
    followed = client.post("/api/v1/municipalities/10005/complaints/follow-up",
                           json={"folio": folio, "code": _code(answer["service_notice"])})
    assert followed.status_code == 200 and followed.json()["folio"] == folio


def test_xml_answers_a_multipart_photo_and_parameters_in_the_query(client, session, api_key, schemas) -> None:
    data = {**DEMO_FORM, "api_key": api_key, "media_url": "https://app.example/fotos/81.jpg"}
    response = client.post(f"{BASE}/requests.xml", data=data,
                           files={"media": ("foto.jpg", synthetic_photo(987), "image/jpeg")})
    root = xml_of(response)
    assert response.status_code == 200
    assert root.tag == "service_requests" and [child.tag for child in root[0]] == [
        "service_request_id", "service_notice", "account_id"]
    folio = root[0].find("service_request_id").text
    assert root[0].find("account_id").text is None
    (read,) = client.get(f"{BASE}/requests/{folio}.json?jurisdiction_id=10005").json()
    schemas.validate("request.json", read)
    assert read["media_url"] is None  # the photo waits for a moderator (docs/privacy.md)
    complaint = session.scalar(sa.select(Complaint).where(Complaint.folio == folio))
    (photo_id,) = [str(p) for p in session.scalars(sa.select(ComplaintPhoto.photo_id).where(
        ComplaintPhoto.complaint_id == complaint.id))]
    staff = {"Authorization": f"Bearer {token_for(session, 'contraloria@vigia.example')}"}
    moderated = client.post(f"/api/v1/municipalities/10005/complaints/{complaint.id}/moderation", headers=staff,
                            json={"version": complaint.version, "reason": "Sin rostros ni placas",
                                  "photos": [{"photo_id": photo_id, "decision": "approve"}]})
    assert moderated.status_code == 200, moderated.text
    (read,) = client.get(f"{BASE}/requests/{folio}.json?jurisdiction_id=10005").json()
    assert read["media_url"].endswith("/1280?v=1") and client.get(read["media_url"]).status_code == 200
    assert session.get(Submission, complaint.id).media_url == "https://app.example/fotos/81.jpg"
    assert "app.example" not in client.get(f"{BASE}/requests/{folio}.xml?jurisdiction_id=10005").text

    query = "&".join(f"{key}={value}" for key, value in {**DEMO_FORM, "api_key": api_key}.items())
    in_query = client.post(f"{BASE}/requests.json?{query}")
    assert in_query.status_code == 200, in_query.text
    assert in_query.json()[0]["account_id"] is None


def _category(session) -> None:
    session.add(Category(municipality_id=municipality(session).id, service_code="prueba-datos", name="Prueba",
                         attributes=[
                             {"code": "tipo", "datatype": "singlevaluelist", "required": True, "order": 1,
                              "description": "Tipo", "values": [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]},
                             {"code": "colores", "datatype": "multivaluelist", "required": False, "order": 2,
                              "values": [{"key": "rojo", "name": "Rojo"}, {"key": "azul", "name": "Azul"}]},
                             {"code": "monto", "datatype": "number", "required": False, "order": 3},
                             {"code": "cuando", "datatype": "datetime", "required": False, "order": 4,
                              "datatype_description": "AAAA-MM-DDTHH:MM"},
                         ]))
    session.flush()


def test_attributes_are_checked(client, session, api_key, schemas) -> None:
    _category(session)
    definition = client.get(f"{BASE}/services/prueba-datos.json?jurisdiction_id=10005").json()
    schemas.validate("service-definition.json", definition)
    assert [a["datatype"] for a in definition["attributes"]] == ["singlevaluelist", "multivaluelist", "number",
                                                                 "datetime"]
    form = {**DEMO_FORM, "api_key": api_key, "service_code": "prueba-datos"}
    before = _count(session)
    open311_error(client.post(f"{BASE}/requests.json", data=form), 400, "attribute[tipo]")
    for extra, fragment in (({"attribute[tipo]": "z"}, "tipo"), ({"attribute[tipo][]": ["a", "b"]}, "un solo valor"),
                            ({"attribute[tipo]": "a", "attribute[colores][]": ["rojo", "morado"]}, "colores"),
                            ({"attribute[tipo]": "a", "attribute[monto]": "mucho"}, "número"),
                            ({"attribute[tipo]": "a", "attribute[cuando]": "el martes"}, "ISO 8601"),
                            ({"attribute[tipo]": "a", "attribute[otro]": "x"}, "attribute[otro]")):
        open311_error(client.post(f"{BASE}/requests.json", data={**form, **extra}), 400, fragment)
    assert _count(session) == before
    filed = client.post(f"{BASE}/requests.json", data={
        **form, "attribute[tipo]": "b", "attribute[colores][]": ["rojo", "azul"], "attribute[monto]": "1500",
        "attribute[cuando]": "2026-11-20T10:00"})
    assert filed.status_code == 200, filed.text
    complaint = session.scalar(sa.select(Complaint).where(Complaint.folio == filed.json()[0]["service_request_id"]))
    assert complaint.attributes == {"tipo": "b", "colores": ["rojo", "azul"], "monto": 1500,
                                    "cuando": "2026-11-20T10:00"}
    repeated_key = client.post(f"{BASE}/requests.json", data={**form, "attribute[tipo]": "a",
                                                               "attribute[colores]": ["azul", "rojo"]})
    assert repeated_key.status_code == 200, repeated_key.text


def test_refusals_answer_open311_errors_and_file_nothing(client, session, api_key) -> None:
    url = f"{BASE}/requests.json"
    form = {**DEMO_FORM, "api_key": api_key}
    before = _count(session)
    open311_error(client.post(url, data=DEMO_FORM), 403, "api_key")
    open311_error(client.post(url, data={**form, "api_key": "vg_no-es-una-clave"}), 403, "no es válido")
    expired = auth.issue_token(session, email="comite@vigia.example", device_name="app vieja", days=0)
    open311_error(client.post(url, data={**form, "api_key": expired}), 403, "expiró")
    revoked = token_for(session, "comite@vigia.example", "app retirada")
    actor = auth.authenticate(session, token=revoked)
    auth.revoke_device(session, actor=actor, device_id=actor.device_id)
    session.flush()
    open311_error(client.post(url, data={**form, "api_key": revoked}), 403, "revocado")
    national = token_for(session, "nacional@vigia.example")
    no_jurisdiction = {key: value for key, value in form.items() if key != "jurisdiction_id"}
    open311_error(client.post(url, data={**no_jurisdiction, "api_key": national}), 400, "jurisdiction_id")
    open311_error(client.post(url, data={**form, "jurisdiction_id": "99999"}), 404, "99999")
    open311_error(client.post(url, data={**form, "service_code": "baches"}), 400, "baches")
    open311_error(client.post(url, data={**form, "service_code": ""}), 400, "service_code")
    outside = open311_error(client.post(url, data={**form, "lat": "25.565", "long": "-103.498"}), 400, "lat/long")
    assert "está en Gómez Palacio (10007), no en Durango" in outside
    open311_error(client.post(url, data={**form, "lat": "-104.6657", "long": "24.0277"}), 400, "lat/long")
    no_point = {key: value for key, value in form.items() if key not in ("lat", "long")}
    open311_error(client.post(url, data=no_point), 400, "Faltan lat y long")
    address_only = open311_error(client.post(url, data={**no_point, "address_string": "Negrete 204"}), 400,
                                 "no ubica direcciones")
    assert "lat y long" in address_only
    open311_error(client.post(url, data={**form, "lat": "norte"}), 400, "lat:")
    open311_error(client.post(url, data={**form, "description": "mal"}), 400, "description")
    contact = client.post(url, data={**form, "email": "no-es-correo", "phone": "12"})
    open311_error(contact, 400, "email")
    assert [error["description"].split(":")[0] for error in contact.json()] == ["email", "phone"]
    open311_error(client.post(url, data={**form, "media_url": "ftp://x/y.jpg"}), 400, "media_url")
    open311_error(client.post(url, json=form), 415, "formulario")
    not_a_photo = client.post(url, data=form, files={"media": ("foto.jpg", b"no soy una foto", "image/jpeg")})
    assert not_a_photo.status_code in (400, 415) and not_a_photo.json()[0]["code"] == not_a_photo.status_code
    english = client.post(url, data=no_point, headers={"Accept-Language": "en"})
    assert open311_error(english, 400).startswith("lat/long: lat and long are missing")
    open311_error(client.post(f"{BASE}/requests.xml", data=DEMO_FORM), 403, "api_key", xml=True)
    assert _count(session) == before


def test_the_same_device_and_description_file_once(client, session, api_key) -> None:
    url = f"{BASE}/requests.json"
    form = {**DEMO_FORM, "api_key": api_key, "device_id": "telefono-8841"}
    before = _count(session)
    first = client.post(url, data=form).json()[0]
    again = client.post(url, data=form).json()[0]
    assert again["service_request_id"] == first["service_request_id"]
    assert "ya se había recibido" in again["service_notice"] and "seguimiento" not in again["service_notice"]
    assert _count(session) == before + 1
    other_device = client.post(url, data={**form, "device_id": "telefono-0001"}).json()[0]
    without = [client.post(url, data=DEMO_FORM | {"api_key": api_key}).json()[0] for _ in range(2)]
    folios = {first["service_request_id"], other_device["service_request_id"], *(w["service_request_id"]
                                                                               for w in without)}
    assert len(folios) == 4 and _count(session) == before + 4
    other_app = token_for(session, "voluntaria@vigia.example", "otra app")
    assert client.post(url, data={**form, "api_key": other_app}).json()[0]["service_request_id"] not in folios


def test_no_reporter_data_in_any_open311_answer(client, session, api_key) -> None:
    secrets = {**PERSON, "device_id": "dispositivo-secreto-5521", "account_id": "cuenta-secreta-9910",
               "media_url": "https://fotos.example/privada/5521.jpg"}
    answer = client.post(f"{BASE}/requests.json", data={**DEMO_FORM, **secrets, "api_key": api_key}).json()[0]
    folio, code = answer["service_request_id"], _code(answer["service_notice"])
    complaint = session.scalar(sa.select(Complaint).where(Complaint.folio == folio))
    staff = token_for(session, "contraloria@vigia.example")
    client.post(f"/api/v1/municipalities/10005/complaints/{complaint.id}/notes",
                headers={"Authorization": f"Bearer {staff}"}, json={"text": "Nota privada: llamar al 618 555 0142"})
    forbidden = [secrets[key] for key in ("first_name", "last_name", "email", "phone", "device_id", "media_url")]
    forbidden += [code, "Nota privada", api_key, str(auth.authenticate(session, token=api_key).user_id)]
    today = date.today()
    window = f"start_date={today - timedelta(days=1)}&end_date={today + timedelta(days=1)}"
    for fmt in ("json", "xml"):
        for path in (f"services.{fmt}", f"services/obra-calidad.{fmt}", f"requests.{fmt}?{window}",
                     f"requests.{fmt}?service_request_id={folio},{complaint.id}", f"requests/{folio}.{fmt}",
                     f"requests/{complaint.id}.{fmt}", f"tokens/{folio}.{fmt}"):
            for headers in ({}, {"Accept-Language": "en"}):
                joiner = "&" if "?" in path else "?"
                response = client.get(f"{BASE}/{path}{joiner}jurisdiction_id=10005", headers=headers)
                assert response.status_code == 200, (path, response.text)
                for secret in forbidden:
                    assert secret not in response.text, f"{path} revealed {secret!r}"
                if path.startswith("requests"):
                    assert folio in response.text


def test_a_client_asks_for_confidentiality_with_an_attribute(client, session, api_key) -> None:
    """docs/privacy.md: attribute[confidential]=true, as the API's `confidential`: only category, state and dates
    are public, whatever a moderator decides."""
    form = {**DEMO_FORM, "api_key": api_key, "attribute[confidential]": "true",
            "description": "Trabajo en la obra y vi que rebajaron el concreto con agua el jueves."}
    answer = client.post(f"{BASE}/requests.json", data=form)
    assert answer.status_code == 200, answer.text
    folio = answer.json()[0]["service_request_id"]
    complaint = session.scalar(sa.select(Complaint).where(Complaint.folio == folio))
    assert complaint.confidential is True and complaint.attributes == {}
    for response_format in ("json", "xml"):
        text = client.get(f"{BASE}/requests/{folio}.{response_format}?jurisdiction_id=10005").text
        assert "rebajaron" not in text and "24.02" not in text and folio in text
    (read,) = client.get(f"{BASE}/requests/{folio}.json?jurisdiction_id=10005").json()
    assert (read["description"], read["lat"], read["long"], read["address"]) == (None, None, None, None)
    wrong = client.post(f"{BASE}/requests.json", data={**form, "attribute[confidential]": "quizá"})
    assert "confidencialidad" in open311_error(wrong, 400, "attribute[confidential]")
    plain = client.post(f"{BASE}/requests.json", data={**form, "attribute[confidential]": "false",
                                                       "description": "Otra queja cualquiera sobre la banqueta."})
    assert plain.status_code == 200, plain.text
    filed = session.scalar(sa.select(Complaint).where(Complaint.folio == plain.json()[0]["service_request_id"]))
    assert filed.confidential is False
