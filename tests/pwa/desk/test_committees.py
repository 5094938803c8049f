"""The committee coordinator's desk (/mesa/comites) in Chromium, on both databases (docs/committees.md, "The
coordinator's desk"): the coordinator opens a demo committee, records a meeting with an agreement (the database
holds it, the committee's list shows it, and the committee member's field app shows it under "Mi comité"),
replaces a member with the replacement record, moves a draft one lifecycle step with its founding minutes, and
opens the printable reports; another municipality's committee shows nothing; axe-core finds no serious violation
at 1280 and 360 px wide."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import camera_photo, nav, sign_in
from tests.pwa.desk.conftest import LAPTOP, PHONE, desk_sign_in, serious_violations
from tests.pwa.test_offline_filing import first_visit

pytestmark = [pytest.mark.timeout(240), on_one_database]  # a browser story, on one database (tests/conftest.py)

COORDINATOR = "coordinacion@vigia.example"
DEMO_COMMITTEE = "0192f100-0001-7000-8000-000000000001"  # active; Joaquín Salas Ibarra (comite@) is its secretary
DEMO_NAME = "Comité de Contraloría Social de la obra OP-2025-001"
CONSTITUTED = "0192f100-0001-7000-8000-000000000010"  # a constituted demo committee (OP-2025-022)
DRAFT_NAME = "Comité de Contraloría Social de la obra OP-2026-034"
LEAVING = "Gerardo Olvera Rangel"  # its social comptroller
MARKET = "Comité de vigilancia del mercado de Gómez Palacio"
AGREEMENT = "Solicitar a la Dirección de Obras Públicas el calendario de colado de la losa"
RECORD = "Renunció por cambio de domicilio; la asamblea del 5 de diciembre eligió a quien entra."
MINUTES = "Reunión extraordinaria para revisar la losa del tercer tramo. Se acordó pedir el calendario."


def _id(value) -> str:
    return str(uuid.UUID(str(value)))


def _one(database, sql: str, **params):
    with database.session_scope() as session:
        return session.execute(sa.text(sql), params).one_or_none()


def _no_violations(page, where: str) -> None:
    found = serious_violations(page)
    assert found == [], f"{where}: {found}"


def test_a_coordinator_works_a_committee_from_the_desk(desk, phone, app_server) -> None:
    _, database = app_server
    page = desk.new_page()
    desk_sign_in(page, COORDINATOR)
    expect(page).to_have_url(re.compile(r"/mesa/comites$"))  # the coordinator's first screen
    expect(page.get_by_role("heading", name="Comités", level=1)).to_be_visible()
    register = page.locator("table.cmt-register")
    row = register.get_by_role("row").filter(has=page.get_by_role("link", name=DEMO_NAME, exact=True))
    expect(row).to_contain_text("En funciones")
    expect(row).to_contain_text("OP-2025-001")
    expect(row).to_contain_text(re.compile(r"\d+ de \d+ mujeres"))
    expect(row.locator(".badge.overdue")).to_contain_text("vencido")  # the demo committee has overdue agreements
    expect(register).not_to_contain_text("active")  # states in words, never codes
    _no_violations(page, "register at 1280")
    page.set_viewport_size(PHONE)
    _no_violations(page, "register at 360")
    page.set_viewport_size(LAPTOP)

    # filters: by state in words, and the overdue-only switch
    page.get_by_label("Estado").select_option(label="Borrador")
    expect(register.get_by_role("link")).to_have_count(1)
    expect(register.get_by_role("link")).to_have_text(DRAFT_NAME)
    page.get_by_label("Estado").select_option(label="Todos")
    page.get_by_label("Solo con acuerdos vencidos").check()
    expect(register.get_by_role("link", name=DEMO_NAME, exact=True)).to_be_visible()
    expect(register.get_by_role("link", name=DRAFT_NAME)).to_have_count(0)
    page.get_by_label("Solo con acuerdos vencidos").uncheck()

    # one committee
    register.get_by_role("link", name=DEMO_NAME, exact=True).click()
    expect(page.get_by_role("heading", name=DEMO_NAME, level=1)).to_be_visible()
    stepper = page.locator("ol.cmt-stepper")
    expect(stepper.locator("[aria-current=step]")).to_contain_text("En funciones")
    expect(stepper).to_contain_text("Acta de constitución del comité")
    expect(page.get_by_role("button", name="Concluir")).to_be_visible()  # the moves allowed from "active"
    expect(page.get_by_role("button", name="Disolver")).to_be_visible()
    expect(page.get_by_role("button", name="Registrar", exact=True)).to_have_count(0)
    members = page.locator("table.cmt-members")
    expect(members.get_by_role("row").filter(has_text="Joaquín Salas Ibarra")).to_contain_text("Secretaría")
    overdue = page.locator("table.cmt-agreements tr.overdue")
    expect(overdue.first).to_contain_text("Vencido")
    _no_violations(page, "committee at 1280")
    page.set_viewport_size(PHONE)
    _no_violations(page, "committee at 360")
    page.set_viewport_size(LAPTOP)

    # a meeting with attendance, minutes and an agreement (due date and responsible)
    page.get_by_role("button", name="Registrar reunión").click()
    dialog = page.get_by_role("dialog", name="Registrar reunión")
    dialog.get_by_label("Lugar (descripción)").fill("Casa ejidal de la colonia")
    dialog.get_by_label("Minuta").fill(MINUTES)
    dialog.get_by_role("group", name="Asistentes").get_by_label("Joaquín Salas Ibarra").check()
    dialog.get_by_role("group", name="Asistentes").get_by_label("Efraín Díaz Carrasco").check()
    dialog.get_by_role("button", name="Agregar acuerdo").click()
    agreement = dialog.get_by_role("group", name="Acuerdo 1")
    agreement.get_by_label("Acuerdo *").fill(AGREEMENT)
    agreement.get_by_label("Responsable").select_option(label="Joaquín Salas Ibarra")
    agreement.get_by_label("Fecha límite").fill("2027-01-15")
    _no_violations(page, "meeting dialog")
    dialog.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status").filter(has_text="Reunión registrada.")).to_be_visible()
    new_row = page.locator("table.cmt-agreements tr").filter(has_text=AGREEMENT)
    expect(new_row).to_contain_text("Joaquín Salas Ibarra")
    expect(new_row).to_contain_text("Pendiente")
    stored = _one(database, "SELECT a.due_on, a.status, m.full_name, mt.minutes, mt.place_description "
                            "FROM agreements a JOIN committee_members m ON m.id = a.owner_member_id "
                            "JOIN meetings mt ON mt.id = a.meeting_id WHERE a.text = :text", text=AGREEMENT)
    assert stored is not None
    assert str(stored[0]) == "2027-01-15" and stored[1] == "pending" and stored[2] == "Joaquín Salas Ibarra"
    assert stored[3] == MINUTES and stored[4] == "Casa ejidal de la colonia"
    attended = _one(database, "SELECT count(*) FROM meeting_attendance ma JOIN meetings mt ON mt.id = ma.meeting_id "
                              "WHERE mt.minutes = :minutes", minutes=MINUTES)
    assert attended[0] == 2
    new_row.get_by_role("button", name="Cambiar fecha").click()
    new_row.get_by_label("Nueva fecha límite").fill("2027-02-01")
    new_row.get_by_role("button", name="Guardar").click()
    expect(new_row).to_contain_text("2027")
    expect(new_row.get_by_label("Nueva fecha límite")).to_have_count(0)
    assert str(_one(database, "SELECT due_on FROM agreements WHERE text = :t", t=AGREEMENT)[0]) == "2027-02-01"

    # an overdue demo agreement marked done
    late = page.locator("table.cmt-agreements tr.overdue").first
    late_id = late.get_attribute("data-id")
    late.get_by_role("button", name="Marcar cumplido").click()
    done_row = page.locator(f"table.cmt-agreements tr[data-id='{late_id}']")
    expect(done_row).to_contain_text("Cumplido")
    expect(done_row).not_to_have_class(re.compile("overdue"))
    assert _one(database, "SELECT status FROM agreements WHERE id = :i OR id = :h",
                i=late_id, h=late_id.replace("-", ""))[0] == "done"

    # a replacement, with its record
    leaving = members.locator("tbody tr").filter(has=page.locator("th", has_text=re.compile("^" + LEAVING)))
    leaving.get_by_role("button", name="Sustituir").click()
    dialog = page.get_by_role("dialog", name=f"Sustituir a {LEAVING}")
    dialog.get_by_label("Acta de sustitución").fill(RECORD)
    dialog.get_by_label("Nombre completo").fill("Lucía Herrera Montoya")
    dialog.get_by_label("Sexo").select_option(label="Mujer")
    expect(dialog.get_by_label("Cargo")).to_have_value("social_comptroller")  # the leaving member's role
    dialog.get_by_label("Autoriza publicar su nombre").check()
    dialog.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status").filter(has_text="Sustitución registrada.")).to_be_visible()
    newcomer = members.get_by_role("row").filter(has_text="Lucía Herrera Montoya")
    expect(newcomer).to_contain_text(f"Sustituye a {LEAVING}")
    expect(newcomer).to_contain_text("Contraloría social")
    expect(leaving).to_have_count(0)  # no longer active
    page.get_by_label("Mostrar también a quienes ya no participan").check()
    expect(leaving).to_contain_text("ya no participa")
    replaced = _one(database, "SELECT n.replaced_member_id, o.id, o.end_on, n.start_on, n.replacement_document, n.sex "
                              "FROM committee_members n JOIN committee_members o ON o.full_name = :old "
                              "WHERE n.full_name = 'Lucía Herrera Montoya'", old=LEAVING)
    assert _id(replaced[0]) == _id(replaced[1]) and replaced[2] == replaced[3]
    assert replaced[4] == RECORD and replaced[5] == "F"

    # the printable reports, for the period chosen
    page.get_by_label("Desde").fill("2026-01-01")
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Informe interno (imprimible)").click()
    report = opened.value
    expect(report.get_by_role("heading", name="Informe del comité de contraloría social")).to_be_visible()
    expect(report.locator("body")).to_contain_text(DEMO_NAME)
    assert "since=2026-01-01" in report.url and "/report.html" in report.url
    report.close()
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Versión pública (imprimible)").click()
    public = opened.value
    expect(public.locator("body")).to_contain_text(DEMO_NAME)
    expect(public.locator("body")).not_to_contain_text("618 776 8524")  # no contact data in the public version
    public.close()

    # a draft moved one lifecycle step, with its founding minutes
    page.get_by_role("link", name="Volver a los comités").click()
    page.get_by_role("link", name=DRAFT_NAME).click()
    expect(page.get_by_role("heading", name=DRAFT_NAME, level=1)).to_be_visible()
    expect(page.locator("ol.cmt-stepper [aria-current=step]")).to_contain_text("Borrador")
    page.get_by_role("button", name="Constituir").click()
    dialog = page.get_by_role("dialog", name=re.compile("^Constituir"))
    expect(dialog.get_by_label("Acta de constitución *")).to_be_visible()  # what the step needs, in words
    dialog.get_by_role("button", name="Constituir").click()  # the browser asks for the required minutes
    expect(dialog).to_be_visible()
    dialog.get_by_label("Acta de constitución *").fill("Acta de la asamblea vecinal: 11 personas eligieron al comité.")
    _no_violations(page, "lifecycle dialog")
    dialog.get_by_role("button", name="Constituir").click()
    expect(page.get_by_role("status").filter(has_text="El comité quedó «Constituido».")).to_be_visible()
    expect(page.locator("ol.cmt-stepper [aria-current=step]")).to_contain_text("Constituido")
    expect(page.get_by_role("button", name="Registrar", exact=True)).to_be_visible()  # the next step now
    moved = _one(database, "SELECT c.state, e.document FROM committees c "
                           "JOIN committee_events e ON e.committee_id = c.id "
                           "WHERE c.name = :n AND e.to_state = 'constituted'", n=DRAFT_NAME)
    assert moved == ("constituted", "Acta de la asamblea vecinal: 11 personas eligieron al comité.")

    # the committee member's field app shows the agreement under "Mi comité"
    field = phone.new_page()
    first_visit(field)
    sign_in(field, "comite@vigia.example")
    nav(field, "Mi comité").click()
    expect(field.get_by_role("heading", name="Mi comité")).to_be_visible()
    expect(field.locator("li.agreement").filter(has_text=AGREEMENT)).to_be_visible(timeout=30_000)


def test_a_stale_lifecycle_step_shows_both_versions(desk, app_server) -> None:
    """Someone moved the committee after the page read it: the step is refused and the screen shows both."""
    base_url, database = app_server
    page = desk.new_page()
    desk_sign_in(page, COORDINATOR, then=f"/mesa/comites/{DEMO_COMMITTEE}")
    expect(page.get_by_role("heading", name=DEMO_NAME, level=1)).to_be_visible()
    with database.session_scope() as session:  # another coordinator's edit, after the page read the committee
        session.execute(sa.text("UPDATE committees SET version = version + 1, program = 'Otro' WHERE name = :n"),
                        {"n": DEMO_NAME})
    page.get_by_role("button", name="Disolver").click()
    dialog = page.get_by_role("dialog", name=re.compile("^Disolver"))
    dialog.get_by_label("Motivo de la disolución *").fill("La obra se canceló y el comité acordó disolverse.")
    dialog.get_by_role("button", name="Disolver").click()
    stale = dialog.get_by_role("alert").filter(has_text="Alguien cambió este registro mientras usted lo editaba")
    expect(stale).to_be_visible()
    expect(stale.get_by_role("row", name=re.compile("^Estado"))).to_contain_text("Disuelto")
    expect(stale.get_by_role("row", name=re.compile("^Estado"))).to_contain_text("En funciones")
    assert _one(database, "SELECT state FROM committees WHERE name = :n", n=DEMO_NAME)[0] == "active"
    stale.get_by_role("button", name="Cargar la versión guardada").click()
    expect(page.locator("ol.cmt-stepper [aria-current=step]")).to_contain_text("En funciones")


def test_a_coordinator_sees_nothing_of_another_municipality(desk, app_server) -> None:
    """Gómez Palacio's administrator registers a committee there from the desk; Durango's coordinator can neither
    list nor open it (nor read its members through the API with her session)."""
    page = desk.new_page()
    desk_sign_in(page, "admin.gomez@vigia.example", then="/mesa/comites")
    expect(page.get_by_role("heading", name="Comités", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="0 comités")).to_be_visible()  # Durango's are not here
    page.get_by_role("button", name="Registrar comité").click()
    dialog = page.get_by_role("dialog", name="Registrar comité")
    dialog.get_by_label("Nombre del comité").fill(MARKET)
    dialog.get_by_label("Tipo de comité").select_option(label="Comité de programa social")
    dialog.get_by_label("Programa que vigila").fill("Rehabilitación de mercados")
    dialog.get_by_role("button", name="Registrar", exact=True).click()
    expect(page.get_by_role("heading", name=MARKET, level=1)).to_be_visible()
    expect(page.locator("ol.cmt-stepper [aria-current=step]")).to_contain_text("Borrador")
    other = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="Switch to English").click()  # the server's words follow the language
    expect(page.locator("ol.cmt-stepper [aria-current=step]")).to_contain_text("Draft")
    expect(page.get_by_role("button", name="Constitute")).to_be_visible()
    expect(page.get_by_role("heading", name="Lifecycle")).to_be_visible()
    page.context.clear_cookies()

    durango = desk.browser.new_context(base_url=app_server[0], viewport=LAPTOP, locale="es-MX", bypass_csp=True)
    try:
        mine = durango.new_page()
        desk_sign_in(mine, COORDINATOR)
        expect(mine.locator("table.cmt-register")).to_be_visible()
        expect(mine.locator("table.cmt-register")).not_to_contain_text("Gómez Palacio")
        expect(mine.locator(".desk-muni select")).to_have_count(0)  # she works in one municipality only
        mine.goto(f"/mesa/comites/{other}")
        expect(mine.get_by_role("alert")).to_contain_text("No existe ese comité en este municipio.")
        expect(mine.get_by_text("Rehabilitación de mercados")).to_have_count(0)
        answer = mine.request.get(f"/api/v1/municipalities/10007/committees/{other}/members")
        assert answer.status in (403, 404) and "Gómez" not in answer.text()
        listed = mine.request.get("/api/v1/municipalities/10007/committees").json()
        assert all(item["id"] != other for item in listed)  # a draft is not in the public register
    finally:
        durango.close()


def test_registering_a_committee_uploads_the_certificates_scan(desk, app_server, tmp_path) -> None:
    """The registration step asks for the number and the certificate's photo; the scan is uploaded when picked
    (through /photos, with the session's CSRF token) and the step records it."""
    _, database = app_server
    page = desk.new_page()
    desk_sign_in(page, COORDINATOR, then=f"/mesa/comites/{CONSTITUTED}")
    expect(page.locator("ol.cmt-stepper [aria-current=step]")).to_contain_text("Constituido")
    page.get_by_role("button", name="Registrar", exact=True).click()
    dialog = page.get_by_role("dialog", name=re.compile("^Registrar"))
    expect(dialog).to_contain_text("suba la foto de la constancia de registro")  # the step's hint
    dialog.get_by_label("Número de registro *").fill("CS-DGO-2026-099")
    scan = tmp_path / "constancia.jpg"
    scan.write_bytes(camera_photo(800, 600))
    dialog.get_by_label("Foto de la constancia de registro *").set_input_files(str(scan))
    expect(dialog.get_by_text("Foto lista.")).to_be_visible()
    dialog.get_by_role("button", name="Registrar", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="El comité quedó «Registrado».")).to_be_visible()
    expect(page.get_by_text("Número de registro: CS-DGO-2026-099")).to_be_visible()
    expect(page.get_by_role("button", name="Poner en funciones")).to_be_visible()
    row = _one(database, "SELECT c.registration_number, e.photo_id FROM committees c "
                         "JOIN committee_events e ON e.committee_id = c.id "
                         "WHERE e.to_state = 'registered' AND c.registration_number = 'CS-DGO-2026-099'")
    assert row is not None and row[1] is not None
