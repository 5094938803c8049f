"""Cross-municipality ids on every endpoint that takes an id (issue 12).

For every route whose path carries an id (`{..._id}` or `{id}`), and for the ids that travel in a few JSON bodies,
a municipality's most powerful local accounts call it under *their own* municipality's path with the id of a
record that belongs to the *other* municipality. The answer must be an error in the one error shape (404, or a
403/409/422 the route documents), never 2xx nor 5xx, and nothing of the other municipality's record may appear in
the body. Routes are enumerated from the application, so a new route with an id that this file cannot map to a
record of the other municipality fails `test_every_id_route_is_covered` until it is mapped here or allow-listed
with its reason.

The other municipality's records are made in the test through the API as that municipality's own staff (which
goes through the services), inside the rolled-back test transaction."""

from __future__ import annotations

import io
import re

import pytest
from starlette.routing import Route

from server.api import all_routes
from tests.factories import ago, bearer, token_for

DEMO, OTHER = "10005", "10007"
POINTS = {DEMO: [-104.6657, 24.0277], OTHER: [-103.498, 25.565]}  # Zona Centro of each city
STAFF = {DEMO: "contraloria@vigia.example", OTHER: "contraloria.gomez@vigia.example"}
ADMIN = {DEMO: "admin@vigia.example", OTHER: "admin.gomez@vigia.example"}
ONE_QUESTION = [{"id": "a", "text": "¿Hay letrero?", "kind": "yes_no"}]

# (caller, municipality whose path they use, municipality whose records they name)
CALLERS = [
    ("admin@vigia.example", DEMO, OTHER),
    ("contraloria@vigia.example", DEMO, OTHER),
    ("admin.gomez@vigia.example", OTHER, DEMO),  # the reverse direction
]

ID_PARAMETER = re.compile(r"\{(\w+_id|id)(?::\w+)?\}")

# Id parameters that name no record of a municipality, with the reason.
ALLOWED = {
    # A tus upload belongs to the device that opened it; the path is not a municipality's and the handler looks it
    # up by (device, upload id), so another municipality's record cannot be named through it.
    ("/api/v1/sync/uploads/{upload_id}", "upload_id"),
}

# Which record of the other municipality each id parameter names, per path (the key is the parameter, or
# (path fragment, parameter) where one name means different things on different routes).
PARAMETER_TARGETS = {
    "complaint_id": "complaint", "photo_id": "photo", "work_id": "work", "committee_id": "committee",
    "training_id": "training", "meeting_id": "meeting", "agreement_id": "agreement", "template_id": "form",
    "visit_id": "visit", "observatory_id": "observatory", "accreditation_id": "accreditation",
    "indicator_id": "indicator", "user_id": "user", "device_id": "device", "service_request_id": "complaint",
    "court_id": "court", "judge_id": "judge", "project_id": "audit_project", "ruling_id": "ruling",
    "text_id": "ruling_text",
    "notebook_id": "notebook", "survey_id": "survey",
    "scheme_id": "scheme", "assignment_id": "assignment", "annotation_id": "annotation",
}
SCOPED_TARGETS = {
    ("/committees/", "member_id"): "committee_member",
    ("/observatories/", "member_id"): "observatory_member",
    ("/visits/", "finding_id"): "visit_finding",
    ("/observatories/", "finding_id"): "observatory_finding",
    ("/rulings/", "finding_id"): "redaction_finding",
    ("/complaints/templates/", "template_id"): "response_template",
}


def _target(path: str, parameter: str) -> str | None:
    for (fragment, name), target in SCOPED_TARGETS.items():
        if name == parameter and fragment in path:
            return target
    return PARAMETER_TARGETS.get(parameter)


def _id_routes(app) -> list[tuple[str, str, list[str], Route]]:
    """(method, path, id parameters, route) of every route whose path has an id."""
    found = []
    for route in all_routes(app.routes):
        if not isinstance(route, Route):
            continue
        parameters = ID_PARAMETER.findall(route.path)
        if not parameters:
            continue
        for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, route.path, parameters, route))
    return found


def _jpeg() -> bytes:
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 140, 60)).save(image, "JPEG")
    return image.getvalue()


def _ok(response, what: str) -> dict:
    assert response.status_code < 300, (what, response.status_code, response.text)
    return response.json()


def _records(client, session, code: str) -> dict[str, str]:
    """One record of each kind in municipality `code`, made through the API by its own staff."""
    base = f"/api/v1/municipalities/{code}"
    staff = bearer(token_for(session, STAFF[code], "tenencia"))
    admin = bearer(token_for(session, ADMIN[code], "tenencia"))
    ids: dict[str, str] = {}
    ids["work"] = _ok(client.post(f"{base}/works", headers=staff, json={
        "identifier": f"TEN-{code}", "title": f"Obra de tenencia {code}", "status": "implementation"}), "work")["id"]
    photo = _ok(client.post(f"{base}/photos", headers={**staff, "Content-Type": "image/jpeg"}, content=_jpeg()),
                "photo")
    ids["photo"] = photo.get("id") or photo["photo"]["id"]
    complaint = _ok(client.post(f"{base}/complaints", headers=staff, json={
        "kind": "complaint", "category": "obra-calidad", "anonymous": True, "photo_ids": [ids["photo"]],
        "description": f"Queja de tenencia {code}: la banqueta nueva ya está rota.",
        "location": {"type": "Point", "coordinates": POINTS[code]}}), "complaint")
    ids["complaint"] = complaint.get("id") or complaint["complaint"]["id"]
    ids["committee"] = _ok(client.post(f"{base}/committees", headers=staff, json={
        "name": f"Comité de tenencia {code}", "kind": "works", "work_ids": [ids["work"]]}), "committee")["id"]
    committee = f"{base}/committees/{ids['committee']}"
    ids["committee_member"] = _ok(client.post(f"{committee}/members", headers=staff, json={
        "full_name": f"Integrante de tenencia {code}", "sex": "F", "role": "chair", "start_on": ago(30)}),
        "committee member")["id"]
    ids["meeting"] = _ok(client.post(f"{committee}/meetings", headers=staff, json={
        "held_on": ago(4), "minutes": f"Minuta de tenencia {code}"}), "meeting")["id"]
    ids["agreement"] = _ok(client.post(f"{committee}/meetings/{ids['meeting']}/agreements", headers=staff, json={
        "text": f"Acuerdo de tenencia {code}"}), "agreement")["id"]
    ids["response_template"] = _ok(client.post(f"{base}/complaints/templates", headers=staff, json={
        "state": "resolved", "title": f"Plantilla de tenencia {code}", "body": f"Respuesta de tenencia {code}."}),
        "response template")["id"]
    ids["training"] = _ok(client.post(f"{base}/committees/trainings", headers=staff, json={
        "topic": f"Capacitación de tenencia {code}", "held_on": ago(5), "trainer": "Contraloría"}), "training")["id"]
    form = _ok(client.post(f"{base}/forms", headers=staff, json={
        "key": f"tenencia-{code}", "title": f"Cédula de tenencia {code}", "questions": ONE_QUESTION}), "form")
    ids["form"] = form["id"]
    published = _ok(client.post(f"{base}/forms/{ids['form']}/versions/1/publish", headers=staff), "publish")
    ids["form_version"] = published["id"]
    visit = _ok(client.post(f"{base}/visits", headers=staff, json={
        "committee_id": ids["committee"], "member_id": ids["committee_member"], "work_id": ids["work"],
        "form_version_id": ids["form_version"], "visited_at": f"{ago(1)}T11:00:00-06:00", "answers": {"a": True},
        "findings": [{"text": f"Hallazgo de visita de tenencia {code}", "severity": "high"}]}), "visit")
    visit = visit.get("visit", visit)
    ids["visit"], ids["visit_finding"] = visit["id"], visit["findings"][0]["id"]
    ids["observatory"] = _ok(client.post(f"{base}/observatories", headers=staff, json={
        "name": f"Observatorio de tenencia {code}", "theme": "mobility"}), "observatory")["id"]
    observatory = f"{base}/observatories/{ids['observatory']}"
    ids["observatory_member"] = _ok(client.post(f"{observatory}/members", headers=staff, json={
        "full_name": f"Observadora de tenencia {code}"}), "observatory member")["id"]
    accredited = _ok(client.post(f"{observatory}/members/{ids['observatory_member']}/accreditations", headers=staff,
                                 json={"number": f"TEN-ACC-{code}", "issuer": "Contraloría", "valid_from": ago(300),
                                       "valid_to": ago(-400)}), "accreditation")
    ids["accreditation"] = accredited["accreditations"][0]["id"]
    ids["indicator"] = _ok(client.post(f"{observatory}/indicators", headers=staff, json={
        "key": f"tenencia{code}", "name": f"Indicador de tenencia {code}", "unit": "casos"}), "indicator")["id"]
    ids["observatory_finding"] = _ok(client.post(f"{observatory}/findings", headers=staff, json={
        "title": f"Hallazgo de tenencia {code}", "text": f"Texto del hallazgo de tenencia {code}."}),
        "observatory finding")["id"]
    # rulings (docs/rulings.md): made by the municipality's admin, who coordinates the project they create
    ids["court"] = _ok(client.post(f"{base}/courts", headers=admin, json={
        "name": f"Juzgado de tenencia {code}", "level": "first_instance", "speciality": "civil"}), "court")["id"]
    ids["judge"] = _ok(client.post(f"{base}/judges", headers=admin, json={
        "full_name": f"Jueza de tenencia {code}"}), "judge")["id"]
    ids["audit_project"] = _ok(client.post(f"{base}/audit-projects", headers=admin, json={
        "name": f"Auditoría de tenencia {code}", "period_starts_on": "2025-01-01", "period_ends_on": "2025-12-31"}),
        "audit project")["id"]
    ruling = _ok(client.post(f"{base}/audit-projects/{ids['audit_project']}/rulings", headers=admin, json={
        "court_id": ids["court"], "case_number": f"TEN-{code}-2025", "kind": "sentencia", "matter": "civil",
        "ruled_on": "2025-03-01", "judges": [{"judge_id": ids["judge"]}],
        "text": f"Sentencia de tenencia {code}: la demandante Ana Torres Inga, con DNI N° 45678912."}), "ruling")
    ids["ruling"], ids["ruling_text"] = ruling["id"], ruling["original"]["id"]
    ids["redaction_finding"] = _ok(client.get(f"{base}/rulings/{ids['ruling']}/findings", headers=admin),
                                   "findings")[0]["id"]
    # Notebooks and surveys (server/notebooks): an (empty) notebook computed by the administrator, and a survey.
    ids["notebook"] = _ok(client.post(f"{base}/audit-projects/{ids['audit_project']}/notebooks", headers=admin,
                                      json={"judge_id": ids["judge"]}), "notebook")["id"]
    ids["survey"] = _ok(client.post(f"{base}/surveys", headers=admin, json={
        "key": f"tenencia-{code}", "title": f"Encuesta de tenencia {code}", "audience": "judges"}), "survey")["id"]
    ids["survey_version"] = _ok(client.post(f"{base}/surveys/{ids['survey']}/versions/1/publish", headers=admin),
                                "survey version")["id"]
    ids["user"] = _ok(client.get("/api/v1/auth/me", headers=admin), "me")["id"]
    ids["device"] = next(d["id"] for d in _ok(client.get("/api/v1/auth/devices", headers=admin), "devices")
                         if d["name"] == "tenencia")
    ids.update(_annotation_records(client, base, admin, ids, code))
    return ids


def _annotation_records(client, base: str, admin: dict, ids: dict, code: str) -> dict[str, str]:
    """The seed scheme, an audit project of its own with the admin in its team, a published ruling in it, an
    assignment of it to the admin and one annotation (server/annotations). The ids of the project and ruling stay
    under their own names: the `project_id` and `ruling_id` of every route name the rulings block's records."""
    made: dict[str, str] = {}
    scheme = _ok(client.post(f"{base}/annotation-schemes/seed", headers=admin), "scheme")
    made["scheme"], made["scheme_version"] = scheme["id"], scheme["versions"][0]["id"]
    project = _ok(client.post(f"{base}/audit-projects", headers=admin, json={
        "name": f"Auditoría de anotación de tenencia {code}", "period_starts_on": "2025-01-01",
        "period_ends_on": "2025-12-31"}), "project")["id"]
    made["annotation_project"] = project
    _ok(client.put(f"{base}/audit-projects/{project}/team/{ids['user']}", headers=admin,
                   json={"role": "coordinator"}), "team")
    ruling = _ok(client.post(f"{base}/audit-projects/{project}/rulings", headers=admin, json={
        "court_id": ids["court"], "case_number": f"00{code}-2025-ANOT", "kind": "sentencia", "matter": "civil",
        "ruled_on": "2025-03-03", "text": "se declara fundada la demanda por las razones expuestas en la audiencia."}),
        "ruling")
    made["annotation_ruling"] = ruling["id"]
    for finding in _ok(client.get(f"{base}/rulings/{ruling['id']}/findings", headers=admin), "findings"):
        _ok(client.post(f"{base}/rulings/{ruling['id']}/findings/{finding['id']}/decision", headers=admin,
                        json={"state": "dismissed", "version": finding.get("version", 1)}), "decision")
    _ok(client.post(f"{base}/rulings/{ruling['id']}/public-version", headers=admin), "public version")
    made["assignment"] = _ok(client.post(f"{base}/audit-projects/{project}/assignments", headers=admin, json={
        "ruling_id": ruling["id"], "scheme_version_id": made["scheme_version"], "annotator_ids": [ids["user"]]}),
        "assignment")[0]["id"]
    annotation = _ok(client.post(f"{base}/annotation-assignments/{made['assignment']}/annotations", headers=admin,
                                 json={"start": 0, "end": 19, "label": "apparent_reasoning"}), "annotation")
    made["annotation"] = annotation["id"].removeprefix("urn:uuid:")
    return made



# A valid body for each id route that takes one, so that the request reaches the lookup of the id (an invalid body
# would be refused with 422 before it, and prove nothing). `{x}` is filled with the id of record x: the other
# municipality's, or the caller's own for `{own_x}`.
BODIES = {
    "set_roles": {"roles": ["volunteer"]},
    "update_work": {"version": 1, "title": "Obra renombrada"},
    "add_progress": {"observed_on": ago(5), "physical_pct": 35},
    "redact_photo_of_complaint": {"rectangles": [{"x": 0, "y": 0, "width": 8, "height": 8}]},
    "redact_photo": {"rectangles": [{"x": 0, "y": 0, "width": 8, "height": 8}]},
    "moderate_complaint": {"version": 1, "text": "approve", "reason": "Sin datos personales"},
    "moderate_photo": {"decision": "approve", "reason": "Sin rostros ni placas"},
    "support": {},
    "edit": {"version": 1, "priority": "high"},
    "transition": {"to": "admitted", "reason": "Cumple los requisitos", "version": 1},
    "add_note": {"text": "Llamar a Obras Públicas"},
    "merge": {"duplicate_of": "{own_complaint}", "reason": "Mismo hecho", "version": 1},
    "record_training_attendance": {"member_ids": ["{own_committee_member}"]},
    "update_committee": {"version": 1, "program": "Programa cambiado"},
    "transition_committee": {"to": "concluded", "on": ago(5), "document": "Acta de conclusión"},
    "add_committee_member": {"full_name": "Integrante Nueva", "sex": "F", "role": "member_at_large",
                             "start_on": ago(5)},
    "sign_commitment_letter": {"on": ago(20)},
    "end_committee_member": {"end_on": ago(5)},
    "replace_committee_member": {"document": "Acta de sustitución", "new": {
        "full_name": "Sustituta", "sex": "F", "role": "chair", "start_on": ago(5)}},
    "add_committee_meeting": {"held_on": ago(4), "minutes": "Minuta nueva"},
    "add_committee_agreement": {"text": "Acuerdo nuevo"},
    "update_committee_agreement": {"status": "done"},
    "add_form_version": {"questions": ONE_QUESTION},
    "edit_form_version": {"questions": ONE_QUESTION},
    "update_template": {"state": "resolved", "title": "Plantilla cambiada", "body": "Texto cambiado."},
    "finding_complaint": {"category": "obra-calidad"},
    "update_observatory": {"version": 1, "description": "Editada"},
    "add_observatory_member": {"full_name": "Integrante Nueva"},
    "accredit_observatory_member": {"number": "TEN-ACC-X", "issuer": "Contraloría", "valid_from": ago(300),
                                    "valid_to": ago(-400)},
    "revoke_accreditation": {"reason": "Prueba de tenencia"},
    "add_observatory_indicator": {"key": "otro", "name": "Otro indicador", "unit": "casos"},
    "record_indicator_observation": {"observed_on": ago(20), "value": "3"},
    "publish_observatory_finding": {"title": "Hallazgo nuevo", "text": "Texto del hallazgo nuevo."},
    "update_court": {"version": 1, "district": "Distrito cambiado"},
    "update_judge": {"version": 1, "title": "Juez Titular"},
    "assign_judge": {"court_id": "{own_court}", "role": "titular", "starts_on": "2025-01-01"},
    "update_project": {"version": 1, "description": "Editado"},
    "set_team_member": {"role": "reviewer"},
    "create_ruling": {"court_id": "{own_court}", "case_number": "TEN-X", "kind": "auto", "matter": "civil",
                      "ruled_on": "2025-02-01"},
    "import_rulings": [],
    "update_ruling": {"version": 2, "outcome": "other"},
    "upload_text": {"text": "Texto nuevo de la sentencia."},
    "add_finding": {"text_id": "{own_ruling_text}", "start": 0, "end": 5, "category": "dni"},
    "decide_finding": {"state": "confirmed", "version": 1},
    "compute_notebook": {"judge_id": "{own_judge}"},
    "review_notebook": {"version": 1},
    "publish_notebook": {"version": 1},
    "withdraw_notebook": {"version": 1, "reason": "Prueba de tenencia"},
    "invite_reply": {"days": 5},
    "post_reply": {"secret": "vgr_" + "x" * 40, "signed_as": "Juez de tenencia", "text": "Respuesta de tenencia."},
    "add_survey_version": {"items": [{"code": "a", "text": {"es": "Afirmación"}}]},
    "edit_survey_version": {"items": [{"code": "a", "text": {"es": "Afirmación"}}]},
    "add_scheme_version": {"definition": {"labels": [{"code": "x", "name": {"es": "X"}, "definition": {"es": "X"}}]}},
    "edit_scheme_version": {"definition": {"labels": [{"code": "x", "name": {"es": "X"}, "definition": {"es": "X"}}]}},
    "create_assignments": {"ruling_id": "{own_ruling}", "scheme_version_id": "{own_scheme_version}",
                           "annotator_ids": ["{own_user}"]},
    "save_annotation": {"start": 0, "end": 2, "label": "apparent_reasoning"},
    "update_annotation": {"start": 0, "end": 2, "label": "apparent_reasoning", "version": 1},
    "set_answers": {"answers": {}, "version": 1},
    "finish_assignment": {},
    "reopen_assignment": {},
    "start_adjudication": {"scheme_version_id": "{own_scheme_version}"},
    "decide": {"scheme_version_id": "{own_scheme_version}", "version": 1},
}
QUERIES = {  # query strings a route needs to reach the lookup
    "committee_report": f"?since={ago(365)}&until={ago(0)}",
    "committee_report_html": f"?since={ago(365)}&until={ago(0)}",
    "agreement": "?scheme_version_id=01a24f00-0000-7000-8000-0000000000a1",
    "get_adjudication": "?scheme_version_id=01a24f00-0000-7000-8000-0000000000a1",
}

# Ids that travel in a body or a query string: (name, method, path under the caller's municipality, body). A bulk
# operation answers 200 with one result per id (each must be complaint_not_found); a list filtered by another
# municipality's id answers 200 with nothing in it.
BODY_IDS = [
    ("file_complaint.work_id", "POST", "/complaints", {
        "kind": "complaint", "category": "obra-calidad", "anonymous": True, "work_id": "{work}",
        "description": "La banqueta nueva ya está rota en la esquina.",
        "location": {"type": "Point", "coordinates": "{own_point}"}}),
    ("file_complaint.photo_ids", "POST", "/complaints", {
        "kind": "complaint", "category": "obra-calidad", "anonymous": True, "photo_ids": ["{photo}"],
        "description": "La banqueta nueva ya está rota en la esquina.",
        "location": {"type": "Point", "coordinates": "{own_point}"}}),
    ("merge.duplicate_of", "POST", "/complaints/{own_complaint}/merge",
     {"duplicate_of": "{complaint}", "reason": "Mismo hecho", "version": 1}),
    ("bulk_transition.ids", "POST", "/complaints/bulk-transitions",
     {"ids": ["{complaint}"], "transition": {"to": "admitted", "reason": "Procede"}}),
    ("create_committee.work_ids", "POST", "/committees",
     {"name": "Comité con obra ajena", "kind": "works", "work_ids": ["{work}"]}),
    ("create_observatory.work_ids", "POST", "/observatories",
     {"name": "Observatorio con obra ajena", "theme": "mobility", "work_ids": ["{work}"]}),
    ("record_training_attendance.member_ids", "POST", "/committees/trainings/{own_training}/attendance",
     {"member_ids": ["{committee_member}"]}),
    ("submit_visit.all", "POST", "/visits", {
        "committee_id": "{committee}", "member_id": "{committee_member}", "work_id": "{work}",
        "form_version_id": "{form_version}", "visited_at": f"{ago(1)}T11:00:00-06:00", "answers": {"a": True}}),
    ("submit_visit.form_version_id", "POST", "/visits", {
        "committee_id": "{own_committee}", "member_id": "{own_committee_member}", "work_id": "{own_work}",
        "form_version_id": "{form_version}", "visited_at": f"{ago(1)}T11:00:00-06:00", "answers": {"a": True}}),
    ("submit_visit.work_id", "POST", "/visits", {
        "committee_id": "{own_committee}", "member_id": "{own_committee_member}", "work_id": "{work}",
        "form_version_id": "{own_form_version}", "visited_at": f"{ago(1)}T11:00:00-06:00", "answers": {"a": True}}),
    ("list_visits.committee_id", "GET", "/visits?committee_id={committee}", None),
    ("create_ruling.court_id", "POST", "/audit-projects/{own_audit_project}/rulings", {
        "court_id": "{court}", "case_number": "TEN-Y", "kind": "auto", "matter": "civil", "ruled_on": "2025-02-01"}),
    ("create_ruling.judges", "POST", "/audit-projects/{own_audit_project}/rulings", {
        "court_id": "{own_court}", "case_number": "TEN-Z", "kind": "auto", "matter": "civil",
        "ruled_on": "2025-02-01", "judges": [{"judge_id": "{judge}"}]}),
    ("assign_judge.court_id", "POST", "/judges/{own_judge}/assignments",
     {"court_id": "{court}", "role": "titular", "starts_on": "2025-01-01"}),
    ("add_finding.text_id", "POST", "/rulings/{own_ruling}/findings",
     {"text_id": "{ruling_text}", "start": 0, "end": 5, "category": "dni"}),
    ("create_assignments.ruling_id", "POST", "/audit-projects/{own_audit_project}/assignments", {
        "ruling_id": "{ruling}", "scheme_version_id": "{own_scheme_version}", "annotator_ids": ["{own_user}"]}),
    ("create_assignments.scheme_version_id", "POST", "/audit-projects/{own_audit_project}/assignments", {
        "ruling_id": "{own_ruling}", "scheme_version_id": "{scheme_version}", "annotator_ids": ["{own_user}"]}),
    ("create_assignments.annotator_ids", "POST", "/audit-projects/{own_audit_project}/assignments", {
        "ruling_id": "{own_ruling}", "scheme_version_id": "{own_scheme_version}", "annotator_ids": ["{user}"]}),
    ("start_adjudication.scheme_version_id", "POST", "/rulings/{own_ruling}/adjudication",
     {"scheme_version_id": "{scheme_version}"}),
    ("decide.scheme_version_id", "POST", "/rulings/{own_ruling}/adjudication/decisions",
     {"scheme_version_id": "{scheme_version}", "version": 1}),
    ("agreement.scheme_version_id", "GET", "/audit-projects/{own_audit_project}/agreement?scheme_version_id="
     "{scheme_version}", None),
    ("get_adjudication.scheme_version_id", "GET", "/rulings/{own_ruling}/adjudication?scheme_version_id="
     "{scheme_version}", None),
    ("list_complaints.work_id", "GET", "/complaints?work_id={work}", None),
    ("compute_notebook.judge_id", "POST", "/audit-projects/{own_audit_project}/notebooks", {"judge_id": "{judge}"}),
    ("respond_survey.version_id", "POST", "/survey-responses", {
        "id": "01a24f00-0000-7000-8000-00000000beef", "version_id": "{survey_version}", "court_id": "{own_court}",
        "collected_on": "2025-05-14", "answers": {}}),
    ("respond_survey.court_id", "POST", "/survey-responses", {
        "id": "01a24f00-0000-7000-8000-00000000bee2", "version_id": "{own_survey_version}", "court_id": "{court}",
        "collected_on": "2025-05-14", "answers": {}}),
    ("survey_results.court_id", "GET", "/survey-results?court_id={court}", None),
    ("list_notebooks.project_id", "GET", "/notebooks?project_id={audit_project}", None),
]

BULK = {"bulk_transition.ids"}
# Routes that check the caller's permission (or project team) before the ids of the body: a caller without it is
# refused with 403 before any lookup, which reveals nothing either.
ROLE_GATED = {"create_ruling.court_id", "create_ruling.judges", "assign_judge.court_id", "add_finding.text_id",
              "compute_notebook.judge_id", "respond_survey.version_id", "respond_survey.court_id"}
FILTERS = {"list_complaints.work_id"}
EMPTY_LISTS = {"list_notebooks.project_id"}  # a plain list filtered by another municipality's id: empty


def _fill(value, names: dict):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in names \
                and not isinstance(names[value[1:-1]], str):
            return names[value[1:-1]]
        return value.format(**names) if "{" in value else value
    if isinstance(value, list):
        return [_fill(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


def _fill_path(path: str, names: dict, foreign: dict, own: dict, own_first: bool) -> str:
    """The route's path with the caller's municipality and the ids of the records (the first id the caller's own
    when `own_first`)."""
    parameters = ID_PARAMETER.findall(path)
    for index, parameter in enumerate(parameters):
        records = own if own_first and index == 0 else foreign
        path = re.sub(r"\{" + parameter + r"(?::\w+)?\}", records[_target(path, parameter)], path, count=1)
    return (path.replace("{code}", names["home"]).replace("{version}", "1").replace("{variant}", "320")
            .replace("{response_format}", "json"))


def _problems(response, *, documented: tuple[int, ...], foreign: dict[str, str], sent: str, other: str) -> list[str]:
    status = response.status_code
    if status < 300 or status >= 500:
        return [f"answered {status}: {response.text[:300]}"]
    found = []
    allowed = {404, *documented} & {403, 404, 409, 422} if documented else {404}
    if status not in allowed:
        found.append(f"answered {status}, documented {sorted(documented)}")
    if response.headers.get("content-type", "").startswith("text/html"):
        # the public pages (server/pages: /publico/{code}/obras/{id}…) answer their 404 page in words
        if "No encontramos esta página" not in response.text:
            found.append(f"answered {status} without the 404 page: {response.text[:200]}")
        data = None
    else:
        try:
            data = response.json()
        except ValueError:
            return [*found, f"answered {status} without JSON: {response.text[:200]}"]
    if data is None:
        pass
    elif isinstance(data, list):  # Open311's own error shape
        if not (data and {"code", "description"} <= set(data[0])):
            found.append(f"not Open311's error shape: {data}")
    elif not (isinstance(data, dict) and isinstance(data.get("error"), dict) and data["error"].get("code")):
        found.append(f"not the one error shape: {data}")
    text = response.text
    if f"tenencia {other}" in text:
        found.append(f"the body shows {other}'s record: {text[:300]}")
    for kind, value in foreign.items():
        if value in text and value not in sent:
            found.append(f"the body names {other}'s {kind} {value}")
    return found


def test_every_id_route_is_covered(app) -> None:
    missing = [f"{method} {path}: {{{parameter}}}" for method, path, parameters, _ in _id_routes(app)
               for parameter in parameters if (path, parameter) not in ALLOWED and _target(path, parameter) is None]
    assert not missing, ("routes whose id this test cannot map to another municipality's record; map them in "
                         "PARAMETER_TARGETS/SCOPED_TARGETS or allow-list them in ALLOWED with the reason: "
                         f"{missing}")
    names = {route.operation.name for route in all_routes(app.routes)
             if isinstance(route, Route) and getattr(route, "operation", None)}
    unknown = set(BODIES) - names
    assert not unknown, f"BODIES names routes that no longer exist: {unknown}"


@pytest.mark.parametrize(("caller", "home", "other"), CALLERS, ids=[c[0].split("@")[0] for c in CALLERS])
def test_another_municipalitys_ids_are_not_found(app, client, session, caller: str, home: str, other: str) -> None:
    foreign = _records(client, session, other)
    own = _records(client, session, home)
    token = token_for(session, caller, "pruebas-tenencia")
    headers = bearer(token)
    headers["Vigia-Device"] = next(d["id"] for d in client.get("/api/v1/auth/devices", headers=headers).json()
                                   if d["name"] == "pruebas-tenencia")
    names = {"home": home, **foreign, **{f"own_{k}": v for k, v in own.items()}, "own_point": POINTS[home]}
    problems: list[str] = []
    requests = 0
    for method, template, parameters, route in _id_routes(app):
        if any((template, p) in ALLOWED for p in parameters):
            continue
        operation = getattr(route, "operation", None)
        name = operation.name if operation else template
        documented = operation.errors if operation else ()
        body = _fill(BODIES.get(name), names) if method != "GET" else None
        variants = [False, True] if len(parameters) > 1 else [False]  # also: own parent, the other's child
        for own_first in variants:
            path = _fill_path(template, names, foreign, own, own_first) + QUERIES.get(name, "")
            if template.startswith("/open311/"):
                path += f"?jurisdiction_id={home}"
            response = client.request(method, path, json=body, headers=headers)
            requests += 1
            sent = path + str(body)
            problems += [f"{method} {template} ({name}{', own parent' if own_first else ''}): {problem}"
                         for problem in _problems(response, documented=documented, foreign=foreign, sent=sent,
                                                  other=other)]
    for label, method, template, body in BODY_IDS:
        path = f"/api/v1/municipalities/{home}" + template.format(**names)
        filled = _fill(body, names)
        response = client.request(method, path, json=filled, headers=headers)
        requests += 1
        if label in BULK:
            results = response.json() if response.status_code == 200 else None
            if not (results and all(not r["ok"] and r["error"]["code"] == "complaint_not_found" for r in results)):
                problems.append(f"{label}: answered {response.status_code}: {response.text[:300]}")
            continue
        if label in EMPTY_LISTS:
            if not (response.status_code == 200 and response.json() == []):
                problems.append(f"{label}: answered {response.status_code}: {response.text[:300]}")
            continue
        if label in FILTERS:
            listed = response.json() if response.status_code == 200 else None
            if not (listed and listed["items"] == [] and listed["total"] == 0):
                problems.append(f"{label}: answered {response.status_code}: {response.text[:300]}")
            continue
        problems += [f"{label}: {problem}" for problem in _problems(
            response, documented=(403, 404, 409, 422) if label in ROLE_GATED else (404, 409, 422), foreign=foreign,
            sent=path + str(filled), other=other)]
    assert not problems, f"{len(problems)} of {requests} requests:\n" + "\n".join(problems)
