"""A committee member fills the inspection checklist offline (docs/pwa.md, *Mi comité*): the checklist is the exact
published version pulled to the phone, its conditional questions appear and disappear, validation names the
question, the visit with its photo waits in the outbox across reopening, and back online reaches the server once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import camera_photo, idb, nav, sign_in, wait_until
from tests.pwa.test_offline_filing import first_visit

pytestmark = [pytest.mark.timeout(150), on_one_database]  # a browser story, on one database (tests/conftest.py)

FINDING = "La malla de protección de la zanja está rota en la esquina norte."


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def test_a_checklist_visit_filed_offline_reaches_the_server_once_with_its_photo(phone, network, app_server, tmp_path):
    _, database = app_server
    page = phone.new_page()
    first_visit(page)
    sign_in(page, "comite@vigia.example")
    wait_until(page, lambda: any(r["type"] == "form_version" for r in idb(page, "records", None) or []),
               what="the checklists pulled to the phone")

    network.down()
    page.reload()
    nav(page, "Mi comité").click()
    expect(page.get_by_role("heading", name="Mi comité")).to_be_visible()
    page.get_by_label("Cédula de vigilancia").select_option(label="Cédula de vigilancia de obra pública (v1)")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Falta responder: «¿Hay letrero con los datos de la obra (monto, empresa, plazo)?»")

    answer(page, "¿Alguien pidió dinero o votos", "Sí")
    expect(page.get_by_label("¿Quién y cuándo? *")).to_be_visible()  # a conditional question appears
    answer(page, "¿Alguien pidió dinero o votos", "No")
    expect(page.get_by_label("¿Quién y cuándo? *")).to_have_count(0)  # and goes when its condition does
    for question, choice in [("¿Hay letrero", "No"), ("¿Está presente el residente", "Sí"), ("¿Se lleva la bitácora", "Sí"),
                             ("¿Hay medidas de seguridad", "Sí"), ("¿La obra es accesible", "No")]:
        answer(page, question, choice)
    for question in ["¿Los materiales corresponden", "¿El avance corresponde"]:
        page.get_by_role("group", name=question).get_by_role("radio").first.check()
    page.get_by_label("¿Cuántas personas trabajaban").fill("900")
    photo = tmp_path / "obra.jpg"
    photo.write_bytes(camera_photo())
    page.get_by_label("Fotografía general de la obra *").set_input_files(str(photo))
    expect(page.get_by_text("Foto lista.")).to_be_visible()
    page.get_by_label("Avance físico observado (%)").fill("40")
    page.get_by_label("Hallazgo (opcional)").fill(FINDING)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("alert")).to_contain_text("debe estar entre")  # the range, named by its question
    page.get_by_label("¿Cuántas personas trabajaban").fill("6")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
    visit_id = idb(page, "outbox", None)[0]["payload"]["id"]

    def visits() -> list:
        with database.session_scope() as session:
            return session.execute(sa.text("SELECT observed_physical_pct FROM visits WHERE id = :i OR id = :h"),
                                   {"i": visit_id, "h": visit_id.replace("-", "")}).all()

    assert visits() == []
    page.close()
    page = phone.new_page()
    page.goto("/bandeja")
    expect(page.locator("li.item[data-state=waiting]")).to_have_count(1)

    network.up()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.get_by_text("Foto 1 de 1 enviada")).to_be_visible(timeout=30_000)
    assert [float(row[0]) for row in visits()] == [40.0]
    with database.session_scope() as session:
        photos = session.execute(sa.text(
            "SELECT p.sha256 FROM photos p JOIN visit_photos vp ON vp.photo_id = p.id JOIN visits v ON v.id = vp.visit_id "
            "WHERE v.observed_physical_pct = 40")).all()
    declared = idb(page, "outbox", None)[0]["payload"]["attachments"][0]["sha256"]
    assert [row[0] for row in photos] == [declared]

    # Back on "Mi comité": the committee's meetings and agreements, and the new finding turned into a complaint.
    nav(page, "Mi comité").click()
    expect(page.locator("li.meeting").first).to_be_visible()
    expect(page.get_by_text("Pedir a la contratista la bitácora de obra para revisión")).to_be_visible()
    finding = page.locator("li.finding").filter(has_text=FINDING)
    expect(finding).to_have_count(1, timeout=30_000)
    finding.get_by_label("Categoría").select_option(index=1)
    finding.get_by_role("button", name="Convertir en queja").click()
    expect(finding.get_by_text("Ya es una queja.")).to_be_visible()
    folio = finding.locator(".folio").inner_text()
    with database.session_scope() as session:
        rows = session.execute(sa.text(
            "SELECT c.description, u.email FROM complaints c JOIN users u ON u.id = c.reporter_id WHERE c.folio = :f"),
            {"f": folio}).all()
    assert len(rows) == 1 and rows[0][0].startswith(FINDING) and rows[0][1] == "comite@vigia.example"
