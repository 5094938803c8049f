"""An example request body for each operation of the API, by operationId (the handler's name): shown at /docs and
in /openapi.json (`requestBody.content.<media>.example`), validated against the body's schema and sent to the demo
by tests/test_docs_page.py. Ids and codes are the demo's where it has fixed ones (municipality 10005, Durango; the
committee, members, complaints, forms and observatory below); other ids are placeholders of the right shape.

A new endpoint may instead carry its example on its body model, `json_schema_extra={"examples": [...]}`
(docs/api.md, "Adding an endpoint"); an entry here wins over the model's.
"""

from __future__ import annotations

from typing import Any

# The demo's fixed ids (server/demo/*.json) and placeholders for the ids it makes at load time.
COMMITTEE = "0192f100-0001-7000-8000-000000000001"
MEMBER = "0192f100-0002-7000-8000-000000000001"
MEETING = "0192f100-0003-7000-8000-000000000001"
TRAINING_MEMBER = "0192f100-0002-7000-8000-000000000002"
COMPLAINT = "0192f000-0000-7000-8000-000000000001"
OTHER_COMPLAINT = "0192f000-0000-7000-8000-000000000002"
FORM_VERSION = "0193f000-0000-7000-8100-000000000101"
WORK = "3f0c6a52-8a4e-4d6e-9b1f-6c2d1e0a7b11"
PHOTO = "6b1d2c3e-4f50-4a61-8b72-9c8d7e6f5a40"
USER = "9a7b6c5d-4e3f-4a2b-8c1d-0e9f8a7b6c5d"
COURT = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716"
JUDGE = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
RULING_TEXT = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a"
SCHEME_VERSION = "8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b"
SURVEY_VERSION = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
CENTRO = [-104.6657, 24.0277]  # Zona Centro, Victoria de Durango
POLYGON = {"type": "Polygon", "coordinates": [[[-104.675, 24.02], [-104.655, 24.02], [-104.655, 24.035],
                                               [-104.675, 24.035], [-104.675, 24.02]]]}



def coded(code: str, **fields: Any) -> dict[str, Any]:
    """An item with a `code` (a label, a question, an option): written as a call, since a literal dict with a
    "code" key reads to the message extraction as a message code (server/i18n/extract.py)."""
    return {"code": code, **fields}


SCHEME = {
    "labels": [coded(
        "apparent_reasoning",
        name={"es": "Motivación aparente", "en": "Apparent reasoning"},
        definition={"es": "La sentencia da razones que no sostienen lo que decide.",
                    "en": "The ruling gives reasons that do not support what it decides."},
        color="#b3541e",
    )],
    "questions": [coded(
        "fundamentacion",
        text={"es": "¿La sentencia cita las normas que aplica?", "en": "Does the ruling cite the rules it applies?"},
        kind="boolean",
        required=True,
    )],
}
QUESTIONS = [
    {"id": "letrero", "text": "¿Hay letrero con los datos de la obra?",
     "text_en": "Is there a sign with the work's data?", "kind": "yes_no", "required": True},
    {"id": "letrero_termino", "text": "¿Qué fecha de término indica el letrero?", "kind": "date",
     "show_if": {"question": "letrero", "equals": True}},
    {"id": "avance", "text": "Avance físico que se observa (%)", "kind": "number", "min": 0, "max": 100},
    {"id": "materiales", "text": "¿Qué problemas ve en los materiales?", "kind": "multiple_choice",
     "options": [{"key": "grietas", "label": "Grietas", "label_en": "Cracks"},
                 {"key": "faltantes", "label": "Material faltante", "label_en": "Missing material"}]},
]
SURVEY_ITEMS = [
    {"code": "acceso-1", "section": "access", "kind": "likert5", "required": True,
     "text": {"es": "Encontrar el juzgado fue fácil.", "en": "Finding the courthouse was easy."}},
    coded("trato", section="fairness", kind="choice",
          text={"es": "¿Cómo fue el trato del personal?", "en": "How did the staff treat you?"},
          options=[coded("bueno", text={"es": "Bueno", "en": "Good"}),
                   coded("malo", text={"es": "Malo", "en": "Bad"})]),
]
NEW_MEMBER = {"full_name": "Rosa Elena Quiñones Soto", "sex": "F", "role": "secretary", "consent_public": True,
              "contact_phone": "618 555 0101", "start_on": "2026-12-07"}
WORK_BODY = {
    "identifier": "OP-2026-150",
    "title": "Rehabilitación de la banqueta de la calle Negrete, entre Zaragoza y Pasteur",
    "description": "Demolición y colado de 240 m² de banqueta de concreto con rampas de accesibilidad.",
    "status": "implementation",
    "type": "rehabilitation",
    "sector": ["transport.road"],
    "budget_amount": "1250000.00",
    "currency": "MXN",
    "funding_source": "FISM-DF 2026",
    "parties": [{"name": "Constructora del Guadiana, S.A. de C.V.", "roles": ["supplier"],
                 "identifier": {"scheme": "MX-RFC", "id": "CGU0101011A1"}}],
    "contract_number": "DOP-LP-031/2026",
    "contract_value": "1198000.00",
    "planned_start": "2026-11-02",
    "planned_end": "2027-02-26",
    "location_description": "Calle Negrete entre Zaragoza y Pasteur, Zona Centro",
    "geometry": {"type": "LineString", "coordinates": [[-104.6672, 24.0262], [-104.6651, 24.0268]]},
}

EXAMPLES: dict[str, Any] = {
    # auth
    "anonymous_device": {"device_id": "1f6e2b7c-3d4a-4e5b-9c6d-7e8f9a0b1c2d"},
    "login": {"email": "contraloria@vigia.example", "password": "vigia-demo-2026",
              "device_name": "Script de la contraloría", "device_id": "0f0e2a43-5f1e-4d8f-9e49-3f1f6d1c2b77"},
    # municipalities
    "update_municipality": {"name": "Durango", "timezone": "America/Monterrey"},
    "add_holiday": {"day": "2027-04-30", "name": "Día del Niño (acuerdo de cabildo)"},
    "add_user": {"email": "auditoria.nueva@vigia.example", "full_name": "Marisol Gallegos Ruiz",
                 "password": "una-clave-larga-2026", "roles": ["comptroller"]},
    "set_roles": {"roles": ["comptroller", "committee_coordinator"]},
    # annotations
    "save_annotation": {"start": 0, "end": 19, "label": "apparent_reasoning",
                        "comment": "Las razones no sostienen el fallo."},
    "update_annotation": {"start": 0, "end": 24, "label": "apparent_reasoning", "version": 1},
    "set_answers": {"answers": {"fundamentacion": True}, "version": 1},
    "finish_assignment": {"version": 2},
    "reopen_assignment": {"version": 3},
    "create_scheme": {"slug": "motivacion", "name": "Motivación de las sentencias", "definition": SCHEME},
    "add_scheme_version": {"definition": SCHEME},
    "edit_scheme_version": {"definition": SCHEME},
    "create_assignments": {"ruling_id": "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e", "scheme_version_id": SCHEME_VERSION,
                           "annotator_ids": [USER, "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"]},
    # rulings and notebooks
    "create_project": {"name": "Auditoría de sentencias de familia 2026", "description": "Pensiones alimenticias.",
                       "period_starts_on": "2026-01-01", "period_ends_on": "2026-12-31"},
    "update_project": {"version": 1, "description": "Pensiones alimenticias y guarda y custodia."},
    "compute_notebook": {"judge_id": JUDGE, "period_starts_on": "2026-01-01", "period_ends_on": "2026-06-30"},
    "create_ruling": {"court_id": COURT, "case_number": "1234/2026", "kind": "sentencia", "matter": "family",
                      "outcome": "upheld", "filed_on": "2026-02-03", "ruled_on": "2026-09-15",
                      "parties": [{"role": "demandante", "kind": "person"}, {"role": "demandado", "kind": "person"}],
                      "judges": [{"judge_id": JUDGE}],
                      "text": "SENTENCIA. Vistos los autos del expediente 1234/2026, se resuelve fijar la pensión."},
    "set_team_member": {"role": "reviewer"},
    "create_court": {"name": "Juzgado Segundo de lo Familiar", "jurisdiction": "Distrito Judicial de Durango",
                     "level": "first_instance", "speciality": "family", "district": "Durango", "region": "Durango"},
    "update_court": {"version": 1, "district": "Victoria de Durango"},
    "create_judge": {"full_name": "María Fernanda Saucedo Ríos", "title": "Jueza", "registry_number": "DGO-J-0142"},
    "update_judge": {"version": 1, "title": "Jueza titular"},
    "assign_judge": {"court_id": COURT, "role": "titular", "starts_on": "2026-01-02"},
    "update_ruling": {"version": 1, "outcome": "partially_upheld", "heard_on": "2026-08-20"},
    "start_adjudication": {"scheme_version_id": SCHEME_VERSION},
    "decide": {"scheme_version_id": SCHEME_VERSION, "version": 1, "accept_agreed": True,
               "answers": [{"question": "fundamentacion", "take": "a"}]},
    "add_finding": {"text_id": RULING_TEXT, "start": 120, "end": 132, "category": "person_name"},
    "decide_finding": {"state": "confirmed", "version": 1},
    "publish_notebook": {"version": 2},
    "review_notebook": {"version": 1, "note": "Cifras comprobadas contra las sentencias adjudicadas."},
    "withdraw_notebook": {"version": 3, "reason": "Se encontró una sentencia mal adjudicada; se recalculará."},
    "invite_reply": {"days": 30},
    "post_reply": {"secret": "s3cr3t-de-una-sola-vez-0123456789", "signed_as": "Jueza María Fernanda Saucedo Ríos",
                   "text": "Agradezco el cuaderno; las cifras de 2026 reflejan la carga de expedientes heredados."},
    "respond_survey": {"id": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", "version_id": SURVEY_VERSION, "court_id": COURT,
                       "collected_on": "2026-12-07", "answers": {"acceso-1": 4, "trato": "bueno"}},
    "create_survey": {"key": "usuarios-2026", "title": "Encuesta a usuarios de los juzgados 2026",
                      "audience": "court_users", "items": SURVEY_ITEMS},
    "add_survey_version": {"items": SURVEY_ITEMS},
    "edit_survey_version": {"items": SURVEY_ITEMS},
    # committees
    "create_committee": {"name": "Comité de Contraloría Social de la calle Negrete", "kind": "works",
                         "work_ids": [WORK], "service_area": POLYGON},
    "update_committee": {"version": 1, "name": "Comité de Contraloría Social de la obra OP-2025-001 y OP-2025-002"},
    "add_committee_training": {"committee_id": COMMITTEE, "topic": "Cómo leer un presupuesto de obra",
                               "held_on": "2026-12-10", "trainer": "Contraloría Municipal de Durango",
                               "place": "Sala de cabildo", "member_ids": [MEMBER]},
    "record_training_attendance": {"member_ids": [MEMBER, TRAINING_MEMBER]},
    "add_committee_meeting": {"held_on": "2026-12-05", "place": {"type": "Point", "coordinates": CENTRO},
                              "place_description": "Salón de usos múltiples de la colonia",
                              "minutes": "Recorrido por el frente de obra y revisión del letrero.",
                              "member_ids": [MEMBER],
                              "agreements": [{"text": "Pedir a la dirección de obras el programa de trabajo.",
                                              "owner_member_id": MEMBER, "due_on": "2026-12-19"}]},
    "add_committee_agreement": {"text": "Revisar con el residente la fecha de término del letrero.",
                                "owner_text": "Dirección de Obras Públicas", "due_on": "2026-12-15"},
    "update_committee_agreement": {"status": "done"},
    "add_committee_member": {**NEW_MEMBER, "contact_email": "rosa.quinones@correo.example"},
    "sign_commitment_letter": {"on": "2026-12-07"},
    "end_committee_member": {"end_on": "2026-12-07"},
    "replace_committee_member": {"document": "Acta de sustitución del 7 de diciembre de 2026: renuncia por cambio "
                                             "de domicilio.", "new": NEW_MEMBER},
    "transition_committee": {"to": "concluded", "on": "2026-12-07",
                             "document": "Acta de cierre firmada por los integrantes al entregar la obra."},
    # complaints
    "file_complaint": {"id": "e7c1a9d2-5b3f-4c6e-8a1d-2f4b6c8e0a13", "kind": "complaint", "category": "obra-calidad",
                       "description": "El concreto de la banqueta nueva ya está agrietado frente a la tienda.",
                       "location": {"type": "Point", "coordinates": CENTRO}, "accuracy_m": 6.5,
                       "attributes": {"elemento": "banqueta"}},
    "bulk_transition": {"ids": [COMPLAINT, OTHER_COMPLAINT],
                        "transition": {"to": "admitted", "reason": "Reúne los requisitos para su atención."}},
    "transition": {"to": "admitted", "reason": "Reúne los requisitos para su atención.", "version": 1},
    "create_category": {"service_code": "alumbrado", "name": "Alumbrado público en obra", "name_en": "Street lighting",
                        "group": "Obra pública", "keywords": ["luminaria", "poste"],
                        "attributes": [coded("poste", datatype="string", required=False, order=1,
                                             description="Número del poste, si lo tiene")]},
    "update_category": {"name": "Calidad de la obra", "keywords": ["grieta", "bache", "hundimiento"]},
    "set_deadline": {"business_days": 15},
    "follow_up": {"folio": "10005-2026-000017", "code": "K7Q-M4P-X9D"},
    "follow_up_link": {"folio": "10005-2026-000017", "code": "K7Q-M4P-X9D"},
    "add_information": {"complaint_id": COMPLAINT, "text": "La grieta está frente al número 214, junto a la parada."},
    "set_publication_rule": {"text_public_at_once": True},
    "add_template": {"state": "resolved", "title": "Reparación hecha",
                     "body": "La dirección de obras reparó el tramo señalado. Gracias por su reporte."},
    "withdraw": {"complaint_id": COMPLAINT, "reason": "La empresa ya reparó la banqueta."},
    "edit": {"version": 1, "priority": "high", "category": "obra-calidad"},
    "merge": {"duplicate_of": OTHER_COMPLAINT, "reason": "Es el mismo tramo de banqueta.", "version": 1},
    "moderate_complaint": {"version": 1, "text": "approve_with_blackout",
                           "public_text": "El concreto de la banqueta nueva ya está agrietado frente a una tienda.",
                           "reason": "Se quitó el nombre del comercio."},
    "add_note": {"text": "Llamé al residente de obra; revisará el tramo el lunes."},
    "redact_photo_of_complaint": {"rectangles": [{"x": 120, "y": 80, "width": 64, "height": 40}], "public_version": 1},
    "support": {"supporter_key": "clave-del-telefono-8c2f"},
    "finding_complaint": {"category": "obra-calidad"},
    # inspections
    "create_form": {"key": "banquetas", "title": "Cédula de vigilancia de banquetas", "questions": QUESTIONS},
    "add_form_version": {"questions": QUESTIONS},
    "edit_form_version": {"questions": QUESTIONS},
    "submit_visit": {"id": "a4b5c6d7-e8f9-4a0b-8c1d-2e3f4a5b6c7d", "committee_id": COMMITTEE, "work_id": WORK,
                     "form_version_id": FORM_VERSION, "visited_at": "2026-12-05T10:30:00-06:00",
                     "location": {"type": "Point", "coordinates": CENTRO}, "accuracy_m": 8,
                     "observed_physical_pct": 40, "answers": {"letrero": True},
                     "findings": [{"text": "El letrero no indica el monto contratado.", "severity": "low"}]},
    # observatories
    "create_observatory": {"name": "Observatorio de Obra Pública de Durango", "theme": "public_works",
                           "description": "Seguimiento ciudadano de las obras del FISM.",
                           "programs": ["FISM-DF 2026"], "work_ids": [WORK]},
    "update_observatory": {"version": 1, "description": "Seguimiento ciudadano de las obras del FISM y de su calidad."},
    "revoke_accreditation": {"reason": "La persona dejó de pertenecer al observatorio."},
    "publish_observatory_finding": {"title": "Robos a casa habitación a la baja",
                                    "text": "Las carpetas por robo a casa habitación bajaron 12 % entre junio y "
                                            "octubre.",
                                    "evidence_links": [{"url": "https://fiscalia.durango.gob.mx/estadistica"}],
                                    "published_on": "2026-12-07"},
    "add_observatory_indicator": {"key": "alumbrado_funcionando", "name": "Luminarias funcionando",
                                  "unit": "% de luminarias", "description": "Recorrido nocturno mensual."},
    "record_indicator_observation": {"observed_on": "2026-11-30", "value": "131", "source": "official",
                                     "reference": "Fiscalía General del Estado, informe mensual"},
    "add_observatory_member": {"full_name": "Jorge Alberto Villarreal Ochoa",
                               "contact_email": "jorge.villarreal@correo.example", "consent_public": True},
    "accredit_observatory_member": {"number": "OC-DGO-2026-031", "issuer": "Contraloría Municipal de Durango",
                                    "valid_from": "2026-12-07", "valid_to": "2027-12-06"},
    # photos
    "moderate_photo": {"decision": "approve_with_blackout",
                       "rectangles": [{"x": 40, "y": 200, "width": 90, "height": 30}],
                       "public_version": 1, "reason": "Placa de un vehículo visible."},
    "redact_photo": {"rectangles": [{"x": 40, "y": 200, "width": 90, "height": 30}], "public_version": 1},
    # works
    "create_work": WORK_BODY,
    "update_work": {"version": 1, "status": "completion", "actual_end": "2026-12-04"},
    "within_polygon": {"geometry": POLYGON, "limit": 50},
    "add_progress": {"observed_on": "2026-12-05", "physical_pct": 40, "financial_pct": 55, "source": "official",
                     "reference": "Estimación 3", "note": "Colado del primer tramo terminado."},
    # sync
    "push": {"mutations": [{
        "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f", "intent": "complaint.file", "municipality": "10005",
        "at": "2026-12-05T10:41:00-06:00",
        "payload": {"id": "6d7e8f9a-0b1c-4d2e-9f3a-4b5c6d7e8f9a", "category": "obra-calidad",
                    "description": "La banqueta nueva se hundió junto a la coladera.",
                    "location": {"type": "Point", "coordinates": CENTRO}, "accuracy_m": 5}}]},
    # Open311 (a form: the fields as name → value)
    "open311_create_request": {"api_key": "vg_…", "jurisdiction_id": "10005", "service_code": "obra-calidad",
                               "lat": 24.0277, "long": -104.6657,
                               "description": "El concreto de la banqueta nueva ya está agrietado frente a la tienda."},
}

# Uploaded files given as text, by operationId and media type (a photo's bytes have no example).
FILE_EXAMPLES: dict[str, dict[str, str]] = {
    "import_works": {"text/csv": (
        "numero_obra,nombre,estatus,tipo,sector,monto,fuente_financiamiento,latitud,longitud\n"
        "OP-2026-102,Rehabilitación del pozo de la colonia Morga,planeación,rehabilitación,waterAndWaste,850000,"
        "Recursos propios,24.0277,-104.6657\n")},
    "import_rulings": {"text/csv": (
        "case_number,court,kind,matter,outcome,ruled_on,text\n"
        '845/2026,Juzgado Segundo de lo Familiar,sentencia,family,upheld,2026-10-01,'
        '"SENTENCIA. Vistos los autos..."\n')},
    "upload_text": {"text/plain": "SENTENCIA. Victoria de Durango, a 15 de septiembre de 2026. Vistos los autos..."},
    "import_zones": {"application/json": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "10005-Z99", '
        '"name": "Colonia Ejemplo", "kind": "colonia"}, "geometry": {"type": "Polygon", "coordinates": '
        '[[[-104.675, 24.02], [-104.655, 24.02], [-104.655, 24.035], [-104.675, 24.035], [-104.675, 24.02]]]}}]}')},
}
