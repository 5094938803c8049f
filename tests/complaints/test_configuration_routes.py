"""The administrator's complaint set-up over HTTP (the desk's /mesa/admin): every category with the retired ones,
and response templates edited and removed; another municipality's templates are not found."""

from __future__ import annotations

import sqlalchemy as sa

from server.complaints.models import ResponseTemplate
from tests.factories import bearer, municipality, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"


def _admin(session) -> dict:
    return bearer(token_for(session, "admin@vigia.example"))


def test_the_administrator_sees_every_category_with_both_names_and_the_retired_ones(client, session) -> None:
    headers = _admin(session)
    added = client.post(f"{BASE}/categories", headers=headers, json={
        "service_code": "baches", "name": "Baches en obra reciente", "name_en": "Potholes in a recent work",
        "keywords": ["bache", "hoyo"]})
    assert added.status_code == 201, added.text
    retired = client.patch(f"{BASE}/categories/sugerencia", headers=headers, json={"active": False})
    assert retired.status_code == 200, retired.text

    listed = client.get(f"{BASE}/categories/all", headers=headers)
    assert listed.status_code == 200, listed.text
    by_code = {c["service_code"]: c for c in listed.json()}
    assert by_code["baches"] == {"service_code": "baches", "name": "Baches en obra reciente",
                                 "name_en": "Potholes in a recent work", "description": None, "group": None,
                                 "keywords": ["bache", "hoyo"], "attributes": [], "active": True}
    assert by_code["sugerencia"]["active"] is False
    assert [c["active"] for c in listed.json()] == sorted((c["active"] for c in listed.json()), reverse=True)
    # the public list offers only what a person may still file under
    public = {c["service_code"] for c in client.get(f"{BASE}/categories").json()}
    assert "baches" in public and "sugerencia" not in public

    comptroller = bearer(token_for(session, "contraloria@vigia.example"))
    refused = client.get(f"{BASE}/categories/all", headers=comptroller)
    assert_error_shape(refused, 403, "forbidden")
    other = client.get("/api/v1/municipalities/10007/complaints/categories/all", headers=headers)
    assert_error_shape(other, 403, "forbidden")


def test_a_template_is_edited_and_removed_and_another_municipalitys_is_not_found(client, session) -> None:
    headers = _admin(session)
    created = client.post(f"{BASE}/templates", headers=headers, json={
        "state": "resolved", "title": "Fundada", "body": "Se confirmó lo que usted reportó."}).json()
    changed = client.put(f"{BASE}/templates/{created['id']}", headers=headers, json={
        "state": "inadmissible", "title": "Improcedente por competencia",
        "body": "El asunto no es de la competencia del municipio."})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"id": created["id"], "state": "inadmissible", "title": "Improcedente por competencia",
                              "body": "El asunto no es de la competencia del municipio."}
    stored = session.scalar(sa.select(ResponseTemplate).where(ResponseTemplate.title == "Improcedente por competencia"))
    assert stored is not None and stored.body == "El asunto no es de la competencia del municipio."
    listed = client.get(f"{BASE}/templates?state=inadmissible", headers=headers).json()
    assert "Improcedente por competencia" in [t["title"] for t in listed]

    blank = client.put(f"{BASE}/templates/{created['id']}", headers=headers,
                       json={"state": "resolved", "title": "", "body": "x"})
    assert blank.status_code == 422

    gomez = bearer(token_for(session, "admin.gomez@vigia.example"))
    foreign = client.put(f"/api/v1/municipalities/10007/templates/{created['id']}", headers=gomez,
                         json={"state": "resolved", "title": "Mía", "body": "Texto"})
    assert foreign.status_code == 404
    foreign = client.put(f"/api/v1/municipalities/10007/complaints/templates/{created['id']}", headers=gomez,
                         json={"state": "resolved", "title": "Mía", "body": "Texto"})
    assert assert_error_shape(foreign, 404, "template_not_found")["message"] == "No existe esa plantilla."
    assert client.delete(f"/api/v1/municipalities/10007/complaints/templates/{created['id']}",
                         headers=gomez).status_code == 404

    assert client.delete(f"{BASE}/templates/{created['id']}", headers=headers).status_code == 204
    assert session.scalar(sa.select(sa.func.count()).select_from(ResponseTemplate)
                          .where(ResponseTemplate.id == stored.id)) == 0
    gone = client.delete(f"{BASE}/templates/{created['id']}", headers={**headers, "Accept-Language": "en"})
    assert assert_error_shape(gone, 404, "template_not_found")["message"] == "There is no such template."
    assert municipality(session).code == "10005"
