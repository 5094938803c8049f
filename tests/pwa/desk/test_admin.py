"""The administrator's desk (/mesa/admin, docs/pwa.md "Administration") in Chromium on both databases: the demo
administrator adds a category, sets a deadline, adds a holiday, edits a response template, gives a person a role,
imports zones and a works spreadsheet with a bad row (named with its reason), and publishes a new checklist version
with a new conditional question that the committee member's phone then shows and answers. axe-core finds nothing
serious on any section at 1280 wide, nor on the checklist editor at 360."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import camera_photo, idb, nav, sign_in, wait_until
from tests.pwa.desk.conftest import PHONE, desk_sign_in, serious_violations
from tests.pwa.test_offline_filing import first_visit

pytestmark = pytest.mark.timeout(240)

ADMIN = "admin@vigia.example"
GENERAL_FORM = "0193f000-0000-7000-8100-000000000001"  # server/demo/forms.json: the general works checklist
BATHROOM = "¿La obra tiene baño para los trabajadores?"
WHERE = "¿Dónde está el baño?"

WORKS_CSV = (
    "numero_obra,nombre,estatus,monto,latitud,longitud\n"
    "OP-2026-901,Rehabilitación del parque de la colonia Morga,en proceso,850000,24.0277,-104.6657\n"
    "OP-2026-902,Banquetas de la calle Pasteur,planeación,12abc,,\n"
)


def _axe_clean(page, where: str) -> None:
    assert serious_violations(page) == [], where


def _section(page, name: str):
    page.get_by_role("navigation", name="Apartados de la administración").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_the_administrator_sets_up_complaints_users_zones_and_works(desk, app_server, tmp_path) -> None:
    _, database = app_server
    page = desk.new_page()
    desk_sign_in(page, ADMIN)
    page.get_by_role("navigation", name="Secciones de la mesa").get_by_role("link", name="Administración").click()
    expect(page).to_have_url(re.compile(r"/mesa/admin$"))

    # Users: roles in words; give the demo volunteer the committee coordinator's role
    expect(page.get_by_role("heading", level=1)).to_contain_text("Usuarios")
    volunteer = page.locator("tr[data-email='voluntaria@vigia.example']")
    expect(volunteer).to_contain_text("Voluntariado")
    expect(page.locator("tr[data-email='contraloria@vigia.example']")).to_contain_text("Contraloría municipal")
    expect(page.locator("table")).not_to_contain_text("comptroller")
    _axe_clean(page, "usuarios")
    volunteer.get_by_role("button", name=re.compile("^Cambiar papeles")).click()
    volunteer.get_by_label("Coordinación de comités").check()
    volunteer.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status")).to_contain_text("guardados: Voluntariado, Coordinación de comités")
    with database.session_scope() as session:
        roles = session.execute(sa.text(
            "SELECT g.role FROM role_grants g JOIN users u ON u.id = g.user_id "
            "WHERE u.email = 'voluntaria@vigia.example' ORDER BY g.role")).scalars().all()
    assert roles == ["committee_coordinator", "volunteer"]
    # and a person without an account gets one, with a role here
    access = page.locator("form", has=page.get_by_role("heading", name="Dar acceso a una persona"))
    access.get_by_label("Correo electrónico").fill("nueva.vocal@vigia.example")
    access.get_by_label("Nombre").fill("Marisol Nevárez")
    access.get_by_label("Contraseña inicial (opcional)").fill("una-clave-larga-2026")
    access.get_by_label("Integrante de comité").check()
    access.get_by_role("button", name="Dar acceso").click()
    expect(page.get_by_role("status")).to_have_text(
        "Acceso dado a Marisol Nevárez (nueva.vocal@vigia.example): Integrante de comité.")
    expect(page.locator("tr[data-email='nueva.vocal@vigia.example']")).to_contain_text("Integrante de comité")
    with database.session_scope() as session:
        granted = session.execute(sa.text(
            "SELECT u.full_name, g.role FROM role_grants g JOIN users u ON u.id = g.user_id "
            "WHERE u.email = 'nueva.vocal@vigia.example'")).all()
    assert [tuple(row) for row in granted] == [("Marisol Nevárez", "committee_member")]

    # Categories: add one; it is offered at once in the public list
    _section(page, "Categorías")
    expect(page.locator("tr[data-code='obra-calidad']")).to_contain_text("Se ofrece")
    _axe_clean(page, "categorias")
    form = page.locator("form", has=page.get_by_role("heading", name="Agregar una categoría"))
    form.get_by_label("Clave", exact=True).fill("baches")
    form.get_by_label("Nombre", exact=True).fill("Baches en obra reciente")
    form.get_by_label("Nombre en inglés (opcional)").fill("Potholes in a recent work")
    form.get_by_role("button", name="Agregar").click()
    expect(page.get_by_role("status")).to_have_text("Categoría «Baches en obra reciente» agregada.")
    expect(page.locator("tr[data-code='baches']")).to_contain_text("Baches en obra reciente")
    with database.session_scope() as session:
        stored = session.execute(sa.text(
            "SELECT c.name, c.name_en, c.active FROM complaint_categories c JOIN municipalities m "
            "ON m.id = c.municipality_id WHERE m.code = '10005' AND c.service_code = 'baches'")).one()
    assert (stored[0], stored[1], bool(stored[2])) == ("Baches en obra reciente", "Potholes in a recent work", True)
    sugerencia = page.locator("tr[data-code='sugerencia']")
    sugerencia.get_by_role("button", name=re.compile("^Retirar")).click()
    expect(page.get_by_role("status")).to_contain_text("retirada: ya no se ofrece para quejas nuevas")
    expect(sugerencia).to_contain_text("Retirada")
    with database.session_scope() as session:
        active = session.execute(sa.text(
            "SELECT c.active FROM complaint_categories c JOIN municipalities m ON m.id = c.municipality_id "
            "WHERE m.code = '10005' AND c.service_code = 'sugerencia'")).scalar_one()
    assert not active

    # Deadlines: suggestions get 20 business days
    _section(page, "Plazos")
    row = page.locator("tr[data-kind='suggestion']")
    expect(row.locator("th")).to_have_text("Sugerencia")
    _axe_clean(page, "plazos")
    row.get_by_label("Días hábiles para Sugerencia").fill("20")
    row.get_by_role("button", name="Guardar: Sugerencia").click()
    expect(page.get_by_role("status")).to_have_text("Plazo de Sugerencia: 20 días hábiles.")
    expect(page.locator("tr[data-kind='suggestion']")).to_contain_text("Fijado por el municipio")
    with database.session_scope() as session:
        days = session.execute(sa.text(
            "SELECT r.business_days FROM complaint_deadline_rules r JOIN municipalities m ON m.id = r.municipality_id "
            "WHERE m.code = '10005' AND r.kind = 'suggestion'")).scalar_one()
    assert days == 20

    # Holidays: this year's calendar, add 12 October
    _section(page, "Días inhábiles")
    year = date.today().year
    expect(page.get_by_role("heading", name=f"Días inhábiles de {year}")).to_be_visible()
    expect(page.locator(f"tr[data-day='{year}-09-16']")).to_contain_text("Día de la Independencia")
    _axe_clean(page, "dias-inhabiles")
    page.get_by_label("Día", exact=True).fill(f"{year}-10-12")
    page.get_by_label("Motivo").fill("Día de la Raza")
    page.get_by_role("button", name="Agregar").click()
    expect(page.get_by_role("status")).to_contain_text("12 de octubre")
    expect(page.locator(f"tr[data-day='{year}-10-12']")).to_contain_text("Día de la Raza")
    with database.session_scope() as session:
        named = session.execute(sa.text(
            "SELECT h.name FROM holidays h JOIN municipalities m ON m.id = h.municipality_id "
            "WHERE m.code = '10005' AND h.day = :d"), {"d": date(year, 10, 12)}).scalar_one()
    assert named == "Día de la Raza"

    # Templates: grouped by state in words; edit one
    _section(page, "Plantillas")
    expect(page.get_by_role("heading", name="Resuelta", level=2)).to_be_visible()
    _axe_clean(page, "plantillas")
    first = page.locator("li[data-template]").first
    template_id = first.get_attribute("data-template")
    first.get_by_role("button", name=re.compile("^Editar")).click()
    first.get_by_label("Título").fill("Respuesta revisada por la administración")
    first.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status")).to_have_text("Plantilla «Respuesta revisada por la administración» guardada.")
    with database.session_scope() as session:
        title = session.execute(sa.text("SELECT title FROM complaint_templates WHERE id = :i OR id = :h"),
                                {"i": template_id, "h": template_id.replace("-", "")}).scalar_one()
    assert title == "Respuesta revisada por la administración"

    # Zones: a GeoJSON with a feature without a name is reported feature by feature
    _section(page, "Zonas")
    _axe_clean(page, "zonas")
    zones = tmp_path / "colonias.geojson"
    square = [[[-104.75, 24.10], [-104.74, 24.10], [-104.74, 24.11], [-104.75, 24.11], [-104.75, 24.10]]]
    zones.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "10005-R01", "name": "Ejido La Ferrería", "kind": "ejido"},
         "geometry": {"type": "Polygon", "coordinates": square}},
        {"type": "Feature", "properties": {"code": "10005-R02"}, "geometry": {"type": "Polygon", "coordinates": square}},
    ]}), encoding="utf-8")
    page.get_by_label("Archivo").set_input_files(str(zones))
    page.get_by_role("button", name="Importar").click()
    expect(page.get_by_role("status").filter(has_text="Resultado")).to_have_text(
        "Resultado: 1 nuevas, 0 actualizadas, 0 sin cambios, 1 rechazadas.")
    expect(page.locator("tr[data-row='2']")).to_contain_text("Rechazada")
    expect(page.locator("tr[data-row='2']")).to_contain_text("Cada zona necesita properties.code y properties.name.")
    _axe_clean(page, "zonas con informe")

    # Works: a spreadsheet with one bad row; the row is named with its reason, the good one is in the register
    _section(page, "Obras")
    _axe_clean(page, "obras")
    sheet = tmp_path / "obras.csv"
    sheet.write_text(WORKS_CSV, encoding="utf-8")
    page.get_by_label("Archivo").set_input_files(str(sheet))
    page.get_by_role("button", name="Importar").click()
    expect(page.get_by_role("status").filter(has_text="Resultado")).to_have_text(
        "Resultado: 1 nuevas, 0 actualizadas, 0 sin cambios, 1 rechazadas.")
    good, bad = page.locator("tr[data-row='2']"), page.locator("tr[data-row='3']")
    expect(good).to_contain_text("OP-2026-901")
    expect(good).to_contain_text("Creada")
    expect(bad.locator("th")).to_have_text("3")
    expect(bad).to_contain_text("OP-2026-902")
    expect(bad).to_contain_text("Rechazada")
    expect(bad).to_contain_text("monto: Monto no válido: 12abc")
    expect(bad).not_to_contain_text("invalid_amount")
    _axe_clean(page, "obras con informe")
    with database.session_scope() as session:
        numbers = session.execute(sa.text(
            "SELECT w.identifier FROM works w JOIN municipalities m ON m.id = w.municipality_id "
            "WHERE m.code = '10005' AND w.identifier LIKE 'OP-2026-9%'")).scalars().all()
    assert numbers == ["OP-2026-901"]

    # the same desk in English: sections, roles and results in words
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration: Works")
    page.get_by_role("navigation", name="Administration sections").get_by_role("link", name="Users").click()
    expect(page.locator("tr[data-email='contraloria@vigia.example']")).to_contain_text("Municipal comptroller")


def _question_card(page, n: int):
    return page.locator("li.question-editor").nth(n)


@on_one_database
def test_a_new_checklist_version_with_a_conditional_question_reaches_the_committee_members_phone(
        desk, phone, app_server, tmp_path) -> None:
    _, database = app_server
    page = desk.new_page()
    desk_sign_in(page, ADMIN, then="/mesa/admin/formularios")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cédulas")
    general = page.locator("tr[data-form='obra-general']")
    expect(general).to_contain_text("v1, publicada el")
    _axe_clean(page, "formularios")
    general.get_by_role("button", name=re.compile("^Preparar una versión nueva")).click()
    expect(page).to_have_url(re.compile(f"/mesa/admin/formularios/{GENERAL_FORM}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cédula de vigilancia de obra pública: versión 2")
    cards = page.locator("li.question-editor")
    expect(cards.first).to_be_visible()  # count() does not wait for the draft's questions to be drawn
    existing = cards.count()
    assert existing > 10

    # a new yes/no question, and a required text question shown only when it is answered "Sí"
    page.get_by_role("button", name="Agregar una pregunta").click()
    bathroom = _question_card(page, existing)
    bathroom.get_by_label("Pregunta (español)").fill(BATHROOM)
    expect(bathroom.get_by_label("Clave de la pregunta")).to_have_value("la-obra-tiene-bano-para-los-trabajadores")
    bathroom.get_by_label("Obligatoria").check()
    bathroom.get_by_label("Ayuda bajo la pregunta (opcional)").fill("Un sanitario portátil cuenta.")
    page.get_by_role("button", name="Agregar una pregunta").click()
    where = _question_card(page, existing + 1)
    where.get_by_label("Pregunta (español)").fill(WHERE)
    where.get_by_label("Tipo de respuesta").select_option(label="Texto libre")
    where.get_by_label("Obligatoria").check()
    where.get_by_label("Mostrar solo si otra pregunta tiene una respuesta").check()
    where.get_by_label("Pregunta anterior").select_option(label=BATHROOM)
    where.get_by_label("Respuesta que la muestra").select_option(label="Sí")
    expect(where).to_contain_text(f"Se muestra cuando «{BATHROOM}» es «Sí».")

    # the preview is the phone's own rendering: the condition works there
    preview = page.get_by_role("region", name="Vista previa (como la verá el comité)")
    expect(preview.get_by_text("Un sanitario portátil cuenta.")).to_be_visible()
    expect(preview.get_by_label(f"{WHERE} *")).to_have_count(0)
    preview.get_by_role("group", name=f"{BATHROOM} *").get_by_label("Sí", exact=True).check()
    expect(preview.get_by_label(f"{WHERE} *")).to_be_visible()
    _axe_clean(page, "editor de cédula, 1280")

    # reordered before the question it depends on, the server names the problem beside it; moved back, it is fine
    where.get_by_role("button", name=f"Subir la pregunta {existing + 2}").click()
    moved = _question_card(page, existing)
    expect(moved.get_by_label("Pregunta (español)")).to_have_value(WHERE)
    page.get_by_role("button", name="Guardar borrador").click()
    expect(moved.get_by_role("alert")).to_contain_text("depende de «la-obra-tiene-bano-para-los-trabajadores»")
    moved.get_by_role("button", name=f"Bajar la pregunta {existing + 1}").click()
    expect(_question_card(page, existing + 1).get_by_label("Pregunta (español)")).to_have_value(WHERE)

    # a problem the server finds shows beside its question: a choice without options
    page.get_by_role("button", name="Agregar una pregunta").click()
    broken = _question_card(page, existing + 2)
    broken.get_by_label("Pregunta (español)").fill("¿Qué material?")
    broken.get_by_label("Tipo de respuesta").select_option(label="Una opción de una lista")
    broken.get_by_role("button", name="Quitar la opción 2").click()
    broken.get_by_role("button", name="Quitar la opción 1").click()
    page.get_by_role("button", name="Guardar borrador").click()
    expect(broken.get_by_role("alert")).to_contain_text("que-material")
    expect(page.get_by_role("alert").filter(has_text="El servidor no aceptó el borrador")).to_be_visible()
    broken.get_by_role("button", name=re.compile("^Quitar la pregunta")).click()
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.get_by_role("status")).to_have_text("Borrador de la versión 2 guardado.")

    page.set_viewport_size(PHONE)
    expect(page.get_by_role("button", name="Publicar la versión 2")).to_be_visible()
    _axe_clean(page, "editor de cédula, 360")
    page.get_by_role("button", name="Publicar la versión 2").click()
    dialog = page.get_by_role("dialog", name="¿Publicar la versión 2?")
    expect(dialog).to_contain_text("ya no puede cambiarse")
    dialog.get_by_role("button", name="Sí, publicar").click()
    expect(page.get_by_role("status")).to_have_text("Versión 2 publicada. Los teléfonos la recibirán al sincronizar.")
    expect(page.get_by_role("button", name="Preparar la versión 3 a partir de la 2")).to_be_visible()
    with database.session_scope() as session:
        versions = session.execute(sa.text(
            "SELECT v.id, v.version, v.published_at, v.questions FROM form_versions v JOIN form_templates t "
            "ON t.id = v.template_id WHERE t.key = 'obra-general' AND t.municipality_id = "
            "(SELECT id FROM municipalities WHERE code = '10005') ORDER BY v.version")).all()
    assert [(v[1], v[2] is not None) for v in versions] == [(1, True), (2, True)]
    questions = versions[1][3] if isinstance(versions[1][3], list) else json.loads(versions[1][3])
    assert questions[-2] == {"id": "la-obra-tiene-bano-para-los-trabajadores", "text": BATHROOM, "kind": "yes_no",
                             "required": True, "help": "Un sanitario portátil cuenta.", "options": []}
    assert questions[-1]["show_if"] == {"question": "la-obra-tiene-bano-para-los-trabajadores", "equals": True}
    version_2 = str(versions[1][0])

    # the committee member's phone: the new version, the new question and its condition
    field = phone.new_page()
    first_visit(field)
    sign_in(field, "comite@vigia.example")
    wait_until(field, lambda: any(r["type"] == "form_version" and r["data"]["version"] == 2
                                  for r in idb(field, "records", None) or []),
               what="version 2 of the checklist pulled to the phone")
    nav(field, "Mi comité").click()
    field.get_by_label("Cédula de vigilancia").select_option(label="Cédula de vigilancia de obra pública (v2)")
    expect(field.get_by_text("Un sanitario portátil cuenta.")).to_be_visible()
    expect(field.get_by_label(f"{WHERE} *")).to_have_count(0)

    def answer(question: str, choice: str) -> None:
        field.get_by_role("group", name=question).get_by_label(choice, exact=True).check()

    for question, choice in [("¿Hay letrero", "No"), ("¿Está presente el residente", "Sí"),
                             ("¿Se lleva la bitácora", "Sí"), ("¿Hay medidas de seguridad", "Sí"),
                             ("¿La obra es accesible", "No"), ("¿Alguien pidió dinero o votos", "No"),
                             (BATHROOM, "Sí")]:
        answer(question, choice)
    for question in ["¿Los materiales corresponden", "¿El avance corresponde"]:
        field.get_by_role("group", name=question).get_by_role("radio").first.check()
    expect(field.get_by_label(f"{WHERE} *")).to_be_visible()  # the condition holds: the question appears
    field.get_by_label(f"{WHERE} *").fill("Junto a la caseta de la entrada norte.")
    field.get_by_label("¿Cuántas personas trabajaban").fill("6")
    photo = tmp_path / "obra.jpg"
    photo.write_bytes(camera_photo(800, 600))
    field.get_by_label("Fotografía general de la obra *").set_input_files(str(photo))
    expect(field.get_by_text("Foto lista.")).to_be_visible()
    field.get_by_label("Avance físico observado (%)").fill("35")
    field.get_by_role("button", name="Guardar").click()
    expect(field.get_by_text("Guardado en el teléfono")).to_be_visible()
    visit_id = idb(field, "outbox", None)[0]["payload"]["id"]
    field.goto("/bandeja")
    field.get_by_role("button", name="Enviar ahora").click()

    def stored():
        with database.session_scope() as session:
            return session.execute(sa.text(
                "SELECT form_version_id, answers FROM visits WHERE id = :i OR id = :h"),
                {"i": visit_id, "h": visit_id.replace("-", "")}).one_or_none()

    row = wait_until(field, stored, timeout=30, what="the visit on the server")
    assert str(row[0]).replace("-", "") == version_2.replace("-", "")
    answers = row[1] if isinstance(row[1], dict) else json.loads(row[1])
    assert answers["la-obra-tiene-bano-para-los-trabajadores"] is True
    assert answers[questions[-1]["id"]] == "Junto a la caseta de la entrada norte."


@on_one_database
def test_blank_fields_are_named_in_the_problem(desk, app_server) -> None:
    """QA: a template whose title and text were only spaces listed «Debe tener al menos 1 carácter.» twice,
    without saying which field each was about (same in the users' and categories' forms)."""
    page = desk.new_page()
    desk_sign_in(page, "admin@vigia.example", then="/mesa/admin/plantillas")
    form = page.locator("form", has=page.get_by_role("heading", name="Agregar una plantilla"))
    form.get_by_label("Título").fill("   ")
    form.get_by_label("Texto de la respuesta").fill("   ")
    form.get_by_role("button", name="Agregar").click()
    problem = form.get_by_role("alert")
    expect(problem.locator("li")).to_have_text([re.compile(r"^Título: \S"), re.compile(r"^Texto de la respuesta: \S")])


def test_a_refused_zone_is_explained_without_a_json_path(desk, app_server, tmp_path) -> None:
    """QA: a zone without a name was refused with «features.0.properties: Cada zona necesita …» (a JSON path)."""
    nameless = tmp_path / "sin-nombre.geojson"
    nameless.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": "QA-1", "name": "   "},
        "geometry": {"type": "Polygon", "coordinates": [[[-104.66, 24.02], [-104.65, 24.02], [-104.65, 24.03],
                                                         [-104.66, 24.02]]]}}]}))
    page = desk.new_page()
    desk_sign_in(page, "admin@vigia.example", then="/mesa/admin/zonas")
    page.get_by_label("Archivo").set_input_files(str(nameless))
    page.get_by_role("button", name="Importar").click()
    reasons = page.locator("ul.reasons li")
    expect(reasons).to_have_text("Cada zona necesita properties.code y properties.name.")
