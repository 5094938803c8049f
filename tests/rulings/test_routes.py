"""The rulings API as its users see it: courts and judges (public), a judge moving court, projects and their
teams, importing a ruling, its findings decided by the team, the public version (placeholders, audit log, the
hook), who sees the original, tenancy and bad input answered with the one error shape."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.rulings import publishing, service
from server.rulings.models import RedactionFinding, RulingText
from tests.factories import bearer, token_for
from tests.rulings.conftest import CASE, JUDGE_NAME, MUNI, OTHER_MUNI, World
from tests.test_app import assert_error_shape


def _findings(world: World, ruling_id: str, headers=None) -> list[dict]:
    response = world.client.get(f"{MUNI}/rulings/{ruling_id}/findings", headers=headers or world.reviewer)
    assert response.status_code == 200, response.text
    return response.json()


def _decide_all(world: World, ruling_id: str, *, dismiss=lambda f: False) -> None:
    for finding in _findings(world, ruling_id):
        state = "dismissed" if dismiss(finding) else "confirmed"
        response = world.client.post(f"{MUNI}/rulings/{ruling_id}/findings/{finding['id']}/decision",
                                     headers=world.reviewer, json={"state": state, "version": finding["version"]})
        assert response.status_code == 200, response.text


def test_courts_and_judges_are_public_and_a_judge_moves_court(world: World) -> None:
    client = world.client
    courts = client.get(f"{MUNI}/courts").json()
    assert {"Juzgado de Prueba Primero Civil", "Sala de Prueba Civil"} <= {c["name"] for c in courts}
    url = f"{MUNI}/judges/{world.judge_id}/assignments"
    first = client.post(url, headers=world.reviewer, json={"court_id": world.court_id, "role": "titular",
                                                           "starts_on": "2024-01-01"})
    assert first.status_code == 201, first.text
    moved = client.post(url, headers=world.reviewer, json={"court_id": world.other_court_id, "role": "provisional",
                                                           "starts_on": "2025-07-01"})
    assert moved.status_code == 201, moved.text
    judge = client.get(f"{MUNI}/judges/{world.judge_id}").json()  # anonymous
    assert [(a["court_name"], a["starts_on"], a["ends_on"]) for a in judge["assignments"]] == [
        ("Juzgado de Prueba Primero Civil", "2024-01-01", "2025-06-30"),
        ("Sala de Prueba Civil", "2025-07-01", None)]
    # an assignment inside a closed one overlaps: refused, nothing changed
    assert_error_shape(client.post(url, headers=world.reviewer, json={
        "court_id": world.court_id, "role": "titular", "starts_on": "2024-05-01", "ends_on": "2024-06-01"}),
        409, "assignment_overlap")
    assert client.get(f"{MUNI}/judges/{world.judge_id}").json()["assignments"] == judge["assignments"]
    assert_error_shape(client.post(url, headers=world.reviewer, json={
        "court_id": world.court_id, "role": "titular", "starts_on": "2024-05-01", "ends_on": "2024-04-01"}),
        422, "validation_error")
    assert JUDGE_NAME in {j["full_name"] for j in client.get(f"{MUNI}/judges").json()}


def test_managing_courts_needs_the_permission_and_the_version(world: World, session) -> None:
    client = world.client
    body = {"name": "Juzgado de Paz de Prueba", "level": "peace", "speciality": "mixed"}
    assert_error_shape(client.post(f"{MUNI}/courts", json=body), 401, "auth_required")
    assert_error_shape(client.post(f"{MUNI}/courts", json=body, headers=world.auditor), 403, "forbidden")
    assert_error_shape(client.post(f"{OTHER_MUNI}/courts", json=body, headers=world.reviewer), 403, "forbidden")
    assert_error_shape(client.post(f"{MUNI}/courts", json={**body, "name": "Sala de Prueba Civil"},
                                   headers=world.reviewer), 409, "court_name_taken")
    assert_error_shape(client.post(f"{MUNI}/courts", json={**body, "level": "galactic"}, headers=world.reviewer),
                       422, "validation_error")
    url = f"{MUNI}/courts/{world.court_id}"
    assert client.patch(url, json={"version": 1, "district": "Distrito Norte"}, headers=world.reviewer).json()[
        "version"] == 2
    assert_error_shape(client.patch(url, json={"version": 1, "district": "Otro"}, headers=world.reviewer),
                       409, "stale_version")
    assert client.get(url).json()["district"] == "Distrito Norte"
    logged = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == uuid.UUID(world.court_id))
                             .order_by(AuditEntry.seq)).all()
    assert logged == ["created", "updated"]
    assert_error_shape(client.get(f"{OTHER_MUNI}/courts/{world.court_id}"), 404, "court_not_found")
    assert_error_shape(client.patch(f"{OTHER_MUNI}/judges/{world.judge_id}", json={"version": 1},
                                    headers=world.other_admin), 404, "judge_not_found")


def test_team_roles_follow_the_municipal_roles(world: World, session) -> None:
    client = world.client
    unpublished = world.import_ruling()["id"]
    listed = client.get(f"{MUNI}/rulings", params={"project_id": world.project_id}, headers=world.auditor).json()
    assert [r["id"] for r in listed] == [unpublished] and listed[0]["original"] is not None
    team_url = f"{MUNI}/audit-projects/{world.project_id}/team"
    team = client.get(team_url, headers=world.reviewer).json()
    assert {(m["email"], m["role"]) for m in team} == {("revision@vigia.example", "coordinator"),
                                                       ("auditor@vigia.example", "auditor")}
    seen_by_auditor = client.get(team_url, headers=world.auditor).json()  # names and roles, not addresses
    assert sorted(m["role"] for m in seen_by_auditor) == ["auditor", "coordinator"]
    assert all(m["email"] is None for m in seen_by_auditor)
    volunteer = next(u["id"] for u in client.get(f"{MUNI}/users", headers=world.admin).json()
                     if u["email"] == "voluntaria@vigia.example")
    assert_error_shape(client.put(f"{team_url}/{volunteer}", json={"role": "auditor"}, headers=world.reviewer),
                       422, "team_role_not_held")
    assert_error_shape(client.put(f"{team_url}/{world.ids['auditor_user']}", json={"role": "reviewer"},
                                  headers=world.reviewer), 422, "team_role_not_held")
    assert_error_shape(client.put(f"{team_url}/{volunteer}", json={"role": "auditor"}, headers=world.auditor),
                       403, "audit_team_required")
    outsider = bearer(token_for(session, "contraloria@vigia.example"))
    assert_error_shape(client.get(team_url, headers=outsider), 403, "audit_team_required")
    assert client.get(team_url, headers=world.admin).status_code == 200  # admins manage projects too
    assert_error_shape(client.get(f"{OTHER_MUNI}/audit-projects/{world.project_id}/team",
                                  headers=world.other_admin), 404, "audit_project_not_found")
    project = client.get(f"{MUNI}/audit-projects/{world.project_id}", headers=world.auditor).json()
    assert project["my_role"] == "auditor" and project["published_rulings"] == 0
    # a person who loses the municipal role no longer acts in the team, though still listed in it
    roles = client.put(f"{MUNI}/users/{world.ids['auditor_user']}/roles", headers=world.admin,
                       json={"roles": ["volunteer"]})
    assert roles.status_code == 200, roles.text
    assert_error_shape(client.get(team_url, headers=world.auditor), 403, "audit_team_required")
    assert client.get(f"{MUNI}/audit-projects/{world.project_id}", headers=world.auditor).json()["my_role"] is None
    assert client.get(f"{MUNI}/rulings", params={"project_id": world.project_id}, headers=world.auditor).json() == []
    assert_error_shape(client.get(f"{MUNI}/rulings/{unpublished}", headers=world.auditor), 404, "ruling_not_found")


@pytest.fixture
def published_versions():
    """What the on_public_version hook receives: (ruling id, previous public number, new public number)."""
    seen: list[tuple] = []

    def hook(session, ruling, previous, new) -> None:
        assert session.get(RulingText, new.id) is new  # in the same transaction
        seen.append((str(ruling.id), previous.number if previous else None, new.number))

    publishing.on_public_version(hook)
    yield seen
    publishing._PUBLIC_VERSION_HOOKS.remove(hook)


def test_import_redact_confirm_publish(world: World, session, published_versions) -> None:
    client = world.client
    seen = published_versions
    ruling = world.import_ruling()
    assert ruling["state"] == "in_redaction" and ruling["public_text"] is None
    rid = ruling["id"]
    original = client.get(f"{MUNI}/rulings/{rid}/texts/{ruling['original']['id']}", headers=world.auditor).json()
    text = original["text"]
    assert "\r" not in text and "  \n" not in text and "\n\n\n\n" not in text  # canonical form
    assert original["number"] == 1 and original["source"] == "text"
    findings = _findings(world, rid, headers=world.auditor)
    found = {(f["category"], text[f["start"]:f["end"]]) for f in findings}
    assert {("dni", "45678912"), ("ruc", "20156570053"), ("email", "mquispe@example.org"),
            ("case_number", "00962-2019-0-1801-JM-FC-01")} <= found
    assert any(c == "person_name" and "María Quispe Huamán" in v for c, v in found)
    assert any(c == "phone" and "987 654 321" in v for c, v in found)
    assert any(c == "address" and v.startswith("Jr. Huallaga 1940") for c, v in found)
    assert not any(JUDGE_NAME in v or CASE in v for _, v in found)  # the judge and the own case are public
    assert ruling["pending_findings"] == len(findings)
    # the public sees nothing of it yet
    assert_error_shape(client.get(f"{MUNI}/rulings/{rid}"), 404, "ruling_not_found")
    assert rid not in {r["id"] for r in client.get(f"{MUNI}/rulings").json()}
    # publishing while findings are pending
    error = assert_error_shape(client.post(f"{MUNI}/rulings/{rid}/public-version", headers=world.reviewer),
                               409, "redaction_unreviewed")
    assert str(len(findings)) in error["message"]
    # an auditor marks a missed datum (the word "Constitución" is not personal: just a selection to decide)
    start = text.index("Constructora Río Tunal")
    added = client.post(f"{MUNI}/rulings/{rid}/findings", headers=world.auditor, json={
        "text_id": original["id"], "start": start, "end": start + len("Constructora Río Tunal S.A.C."),
        "category": "other"})
    assert added.status_code == 201 and added.json()["detector"] == "person" and added.json()["state"] == "pending"
    # auditors do not decide
    assert_error_shape(client.post(f"{MUNI}/rulings/{rid}/findings/{added.json()['id']}/decision",
                                   headers=world.auditor, json={"state": "confirmed", "version": 1}),
                       403, "audit_team_required")
    _decide_all(world, rid, dismiss=lambda f: f["id"] == added.json()["id"])
    published = client.post(f"{MUNI}/rulings/{rid}/public-version", headers=world.reviewer)
    assert published.status_code == 201, published.text
    public = client.get(f"{MUNI}/rulings/{rid}").json()  # anonymous
    assert public["state"] == "published" and public["original"] is None and public["pending_findings"] is None
    public_text = public["public_text"]["text"]
    for secret in ("45678912", "20156570053", "mquispe@example.org", "987 654 321", "Huallaga", "María Quispe",
                   "00962-2019"):
        assert secret not in public_text
    for placeholder in ("[DNI]", "[RUC]", "[CORREO ELECTRÓNICO]", "[TELÉFONO]", "[DIRECCIÓN]", "[NOMBRE]",
                        "[EXPEDIENTE]"):
        assert placeholder in public_text
    assert JUDGE_NAME in public_text and CASE in public_text and "Constructora Río Tunal" in public_text
    assert public["parties"] == [{"role": "demandante", "kind": "person"}, {"role": "demandado",
                                                                            "kind": "organisation"}]
    # the original and the findings stay with the team
    assert_error_shape(client.get(f"{MUNI}/rulings/{rid}/texts/{original['id']}"), 404, "ruling_text_not_found")
    assert [t["kind"] for t in client.get(f"{MUNI}/rulings/{rid}/texts").json()] == ["public"]
    assert_error_shape(client.get(f"{MUNI}/rulings/{rid}/findings"), 401, "auth_required")
    outsider = bearer(token_for(session, "contraloria@vigia.example"))
    assert_error_shape(client.get(f"{MUNI}/rulings/{rid}/findings", headers=outsider), 403, "audit_team_required")
    # publishing again with nothing changed is not a new version
    again = client.post(f"{MUNI}/rulings/{rid}/public-version", headers=world.reviewer)
    assert again.status_code == 200 and again.json()["public_text"]["number"] == 1
    assert seen == [(rid, None, 1)]
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "ruling",
                                                        AuditEntry.action == "public_version")).all()[-1]
    assert str(entry.entity_id) == rid and entry.data["number"] == 1
    # the texts hold their SHA-256; findings never copy the text
    stored = session.scalars(sa.select(RulingText).where(RulingText.ruling_id == uuid.UUID(rid))).all()
    assert {t.kind for t in stored} == {"original", "public"}
    assert all(len(t.sha256) == 64 for t in stored)
    assert set(sa.inspect(RedactionFinding).columns.keys()) >= {"start", "end"}
    assert "text" not in sa.inspect(RedactionFinding).columns.keys()
    # a second original: a new version to redact; the same text again is not
    upload = client.post(f"{MUNI}/rulings/{rid}/texts", headers={**world.reviewer, "Content-Type": "text/plain"},
                         content=(text + "\nNotifíquese al señor Pedro Pablo Cedeño Vera.").encode())
    assert upload.status_code == 201 and upload.json()["number"] == 2
    same = client.post(f"{MUNI}/rulings/{rid}/texts", headers={**world.reviewer, "Content-Type": "text/plain"},
                       content=(text + "\nNotifíquese al señor Pedro Pablo Cedeño Vera.\n\n").encode())
    assert same.status_code == 200 and same.json()["id"] == upload.json()["id"]
    # the decisions on the first original follow its text: only the new datum is pending
    carried = _findings(world, rid)
    pending = [f for f in carried if f["state"] == "pending"]
    assert pending and all(f["start"] >= len(text) for f in pending)
    assert {"dni", "ruc", "email", "phone", "address", "case_number", "person_name"} <= {
        f["category"] for f in carried if f["state"] == "confirmed"}
    assert all(f["decided_by"] for f in carried if f["state"] == "confirmed")
    _decide_all(world, rid)
    second = client.post(f"{MUNI}/rulings/{rid}/public-version", headers=world.reviewer)
    assert second.status_code == 201 and second.json()["public_text"]["number"] == 2
    assert "Pedro Pablo" not in client.get(f"{MUNI}/rulings/{rid}").json()["public_text"]["text"]
    assert seen[-1][1:] == (1, 2)
    assert client.get(f"{MUNI}/audit-projects/{world.project_id}").json()["published_rulings"] == 1
    judge_rulings = service.rulings_of_judge(session, uuid.UUID(world.judge_id), date(2025, 1, 1), date(2025, 12, 31))
    assert [str(r.id) for r in judge_rulings] == [rid]


def test_findings_are_decided_once_per_version(world: World) -> None:
    client = world.client
    ruling = world.import_ruling()
    finding = _findings(world, ruling["id"])[0]
    url = f"{MUNI}/rulings/{ruling['id']}/findings/{finding['id']}/decision"
    assert client.post(url, headers=world.reviewer, json={"state": "confirmed", "version": 1}).json()["version"] == 2
    stale = assert_error_shape(client.post(url, headers=world.reviewer, json={"state": "dismissed", "version": 1}),
                               409, "stale_version")
    # what was decided meanwhile comes with the refusal, for the desk to show beside what it sent
    assert stale["details"][0]["current"]["state"] == "confirmed" and stale["details"][0]["current"]["version"] == 2
    assert_error_shape(client.post(url, headers=world.reviewer, json={"state": "maybe", "version": 2}),
                       422, "validation_error")
    assert_error_shape(client.post(f"{MUNI}/rulings/{ruling['id']}/findings", headers=world.auditor, json={
        "text_id": ruling["original"]["id"], "start": 10, "end": 10_000_000, "category": "dni"}),
        422, "finding_outside_text")
    assert_error_shape(client.post(f"{OTHER_MUNI}/rulings/{ruling['id']}/findings/{finding['id']}/decision",
                                   headers=world.other_admin, json={"state": "confirmed", "version": 2}),
                       404, "ruling_not_found")


def test_bad_imports_lose_nothing(world: World) -> None:
    client = world.client
    url = f"{MUNI}/audit-projects/{world.project_id}/rulings"
    ruling = world.import_ruling()
    assert_error_shape(client.post(url, json=world.ruling_body(), headers=world.reviewer), 409, "ruling_duplicate")
    resent = client.post(url, json=world.ruling_body(id=ruling["id"]), headers=world.reviewer)
    assert resent.status_code == 200 and resent.json()["id"] == ruling["id"]  # the same create with its id
    assert_error_shape(client.post(url, json=world.ruling_body(text="  \n\u200b\n"), headers=world.reviewer),
                       422, "ruling_text_empty")
    assert_error_shape(client.post(url, json=world.ruling_body(case_number="X-1", filed_on="2026-01-01"),
                                   headers=world.reviewer), 422, "validation_error")
    assert_error_shape(client.post(url, json=world.ruling_body(case_number="X-2", court_id=world.project_id),
                                   headers=world.reviewer), 422, "court_not_found")
    assert_error_shape(client.post(url, json=world.ruling_body(
        case_number="X-3", parties=[{"role": "María Quispe", "kind": "person"}]), headers=world.reviewer),
        422, "validation_error")  # parties are roles, never names
    assert_error_shape(client.post(url, content=b'{"court_id": ', headers={**world.reviewer,
                                                                           "Content-Type": "application/json"}),
                       400, "invalid_json")
    assert_error_shape(client.post(url, json=world.ruling_body(case_number="X-4"), headers=world.auditor),
                       403, "audit_team_required")
    assert_error_shape(client.post(f"{OTHER_MUNI}/audit-projects/{world.project_id}/rulings",
                                   json=world.ruling_body(case_number="X-5"), headers=world.other_admin),
                       404, "audit_project_not_found")
    listed = client.get(f"{MUNI}/rulings", params={"project_id": world.project_id}, headers=world.reviewer).json()
    assert [r["case_number"] for r in listed] == [CASE]
    # with its id, the same create resent is answered with the stored ruling
    fresh = world.ruling_body(case_number="X-6", id="0192f0b5-0000-7000-8000-00000000ab01")
    assert client.post(url, json=fresh, headers=world.reviewer).status_code == 201
    again = client.post(url, json=fresh, headers=world.reviewer)
    assert again.status_code == 200 and again.json()["id"] == fresh["id"]
    assert_error_shape(client.post(url, json={**fresh, "matter": "labour"}, headers=world.reviewer),
                       409, "id_taken")


def test_metadata_first_then_upload(world: World) -> None:
    client = world.client
    ruling = world.import_ruling(text=None, case_number="00777-2025")
    assert ruling["state"] == "imported" and ruling["original"] is None
    url = f"{MUNI}/rulings/{ruling['id']}/texts"
    assert_error_shape(client.post(url, headers={**world.reviewer, "Content-Type": "text/plain"}, content=b"   \n"),
                       400, "empty_body")
    assert_error_shape(client.post(url, headers={**world.reviewer, "Content-Type": "image/png"}, content=b"x"),
                       415, "unsupported_media_type_of")
    assert_error_shape(client.post(f"{MUNI}/rulings/{ruling['id']}/public-version", headers=world.reviewer),
                       409, "ruling_without_text")
    response = client.post(url, headers={**world.reviewer, "Content-Type": "text/plain"},
                           content="FALLO: Se declara infundada la demanda de Juan Pérez Soto.".encode("latin-1"))
    assert response.status_code == 201 and response.json()["source"] == "text"
    updated = client.get(f"{MUNI}/rulings/{ruling['id']}", headers=world.reviewer).json()
    assert updated["state"] == "in_redaction" and updated["pending_findings"] >= 1
    patch = client.patch(f"{MUNI}/rulings/{ruling['id']}", headers=world.reviewer,
                         json={"version": updated["version"], "outcome": "not_upheld"})
    assert patch.status_code == 200 and patch.json()["outcome"] == "not_upheld"
    assert_error_shape(client.patch(f"{MUNI}/rulings/{ruling['id']}", headers=world.reviewer,
                                    json={"version": updated["version"], "outcome": "upheld"}), 409, "stale_version")


def test_a_decision_that_is_neither_lists_the_choices_in_words(world: World) -> None:
    """The choices of a decision read as words ("confirmado o descartado", "confirmed or dismissed"), never as the
    codes to a Spanish reader; the words are also taken as input, like every codelist's."""
    client = world.client
    ruling = world.import_ruling()
    finding = _findings(world, ruling["id"])[0]
    url = f"{MUNI}/rulings/{ruling['id']}/findings/{finding['id']}/decision"
    spanish = client.post(url, headers=world.reviewer, json={"state": "pending", "version": 1})
    assert_error_shape(spanish, 422, "validation_error")
    assert spanish.json()["error"]["details"][0]["message"] == "Debe ser uno de estos valores: confirmado o descartado."
    english = client.post(url, headers=world.reviewer | {"Accept-Language": "en"},
                          json={"state": "pending", "version": 1})
    assert english.json()["error"]["details"][0]["message"] == "Must be one of these values: confirmed or dismissed."


def test_an_upload_is_read_only_for_someone_who_may_make_it(world: World) -> None:
    """Who may upload is decided before the file is read: a stranger's PDF is not parsed (an outsider, such as
    another municipality's admin, gets the 404 of an unknown ruling, since it was never published; an auditor of
    the team the 403), and a broken JSON upload says where it breaks,
    with no placeholder left in the words."""
    client = world.client
    ruling = world.import_ruling()
    broken_pdf = {"content": b"%PDF-1.4 not really", "headers": {"Content-Type": "application/pdf"}}
    assert_error_shape(client.post(f"{OTHER_MUNI}/rulings/{ruling['id']}/texts", **broken_pdf | {
        "headers": world.other_admin | broken_pdf["headers"]}), 404, "ruling_not_found")
    assert_error_shape(client.post(f"{MUNI}/rulings/{ruling['id']}/texts", **broken_pdf | {
        "headers": world.other_admin | broken_pdf["headers"]}), 404, "ruling_not_found")  # never published
    assert_error_shape(client.post(f"{MUNI}/rulings/{ruling['id']}/texts", **broken_pdf | {
        "headers": world.auditor | broken_pdf["headers"]}), 403, "audit_team_required")
    assert_error_shape(client.post(f"{MUNI}/rulings/{ruling['id']}/texts", **broken_pdf | {
        "headers": world.reviewer | broken_pdf["headers"]}), 422, "pdf_unreadable")
    broken_json = client.post(f"{MUNI}/rulings/{ruling['id']}/texts", content=b'{"text": "Vistos',
                              headers=world.reviewer | {"Content-Type": "application/json"})
    assert_error_shape(broken_json, 400, "invalid_json")
    message = broken_json.json()["error"]["message"]
    assert "{" not in message and "línea 1" in message, message


def test_a_team_role_not_held_is_named_in_the_readers_words(world: World) -> None:
    """The role asked for is named as the reader says it («coordinador»), not by its code («coordinator»)."""
    client = world.client
    team_url = f"{MUNI}/audit-projects/{world.project_id}/team"
    auditor = next(m["user_id"] for m in client.get(team_url, headers=world.reviewer).json() if m["role"] == "auditor")
    spanish = client.put(f"{team_url}/{auditor}", json={"role": "coordinator"}, headers=world.reviewer)
    assert_error_shape(spanish, 422, "team_role_not_held")
    assert "«coordinador»" in spanish.json()["error"]["message"], spanish.text
    english = client.put(f"{team_url}/{auditor}", json={"role": "coordinator"},
                         headers=world.reviewer | {"Accept-Language": "en"})
    assert "“coordinator”" in english.json()["error"]["message"], english.text


def test_a_party_kind_that_is_none_lists_the_kinds_in_words(world: World) -> None:
    """A party's kind reads as words ("persona, organización, Estado o menor de edad"), not codes; words are taken."""
    client = world.client
    url = f"{MUNI}/audit-projects/{world.project_id}/rulings"
    body = world.ruling_body(case_number="X-9", parties=[{"role": "demandante", "kind": "robot"}])
    spanish = client.post(url, json=body, headers=world.reviewer)
    assert_error_shape(spanish, 422, "validation_error")
    assert spanish.json()["error"]["details"][0]["message"] == (
        "Debe ser uno de estos valores: persona, organización, estado o menor de edad.")
    english = client.post(url, json=body, headers=world.reviewer | {"Accept-Language": "en"})
    assert english.json()["error"]["details"][0]["message"] == (
        "Must be one of these values: person, organisation, state or minor.")
    taken = client.post(url, json=world.ruling_body(case_number="X-10", parties=[
        {"role": "demandante", "kind": "organización"}]), headers=world.reviewer)
    assert taken.status_code == 201 and taken.json()["parties"][0]["kind"] == "organisation", taken.text


def test_a_party_role_is_a_codelist_so_a_name_in_lower_case_is_refused(world: World) -> None:
    """A party's role is one of the procedural roles (demandante, imputado, quejoso…), never free text: a name in
    lower case is refused; the Spanish or English words (and the feminine forms) are taken and stored as codes."""
    client = world.client
    url = f"{MUNI}/audit-projects/{world.project_id}/rulings"
    named = client.post(url, json=world.ruling_body(case_number="X-11", parties=[
        {"role": "juan pérez gómez", "kind": "person"}]), headers=world.reviewer)
    detail = assert_error_shape(named, 422, "validation_error")["details"][0]
    assert detail["field"] == "parties.0.role" and "demandante, demandado" in detail["message"], detail
    assert "ministerio público" in detail["message"] and "ministerio_publico" not in detail["message"], detail
    taken = client.post(url, json=world.ruling_body(case_number="X-12", parties=[
        {"role": "Demandada", "kind": "organisation"}, {"role": "appellant"}, {"role": "Ministerio Público"}]),
        headers=world.reviewer)
    assert taken.status_code == 201, taken.text
    assert [party["role"] for party in taken.json()["parties"]] == ["demandado", "apelante", "ministerio_publico"]


def test_the_demo_parties_have_roles_of_the_codelist() -> None:
    import json

    from server.rulings.codelists import PartyRole
    from server.fixtures import DEFAULT_PATH
    document = json.loads((DEFAULT_PATH / "rulings.json").read_text("utf-8"))
    roles = {party["role"] for ruling in document["rulings"] for party in ruling["parties"]}
    assert roles and roles <= {role.value for role in PartyRole}, roles


def test_the_public_audit_log_shows_nothing_of_an_unpublished_ruling_but_ids_and_hashes(world: World) -> None:
    """An imported ruling that is not published leaves ids and hashes in the public log, never its case number;
    the chain still verifies."""
    client = world.client
    ruling = world.import_ruling(case_number="00999-2025-0-1001-JR-CI-09")
    added = client.post(f"{MUNI}/rulings/{ruling['id']}/texts", json={"text": "VISTOS: otro texto de la sentencia. "
                        "CONSIDERANDO: que el juzgado no motivó su decisión. FALLO: fundada."}, headers=world.reviewer)
    assert added.status_code == 201, added.text
    page = client.get(f"{MUNI}/audit/entries", params={"after_seq": 0, "limit": 1000})
    assert page.status_code == 200, page.text
    mine = [item for item in page.json()["items"] if item["entity_id"] == ruling["id"]]
    assert [item["action"] for item in mine] == ["imported", "original_added"], mine
    assert "00999-2025" not in page.text
    assert set(mine[0]["data"]) == {"project_id"} and set(mine[1]["data"]) == {"text_id", "sha256"}, mine
    assert client.get(f"{MUNI}/audit/verify").json()["ok"] is True
