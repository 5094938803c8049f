"""One complaint on the desk (/mesa/quejas/:id) in Chromium, on both databases (issue 17, point 3): the comptroller
works a demo complaint from received to resolved with a template answer and a private note, and the database holds
each step while the reporter reads the public answer; a stale edit in two tabs shows both versions; who filed it
shows only once the comptroller handles it; axe-core finds nothing serious at 1280 and at 360 wide."""

from __future__ import annotations

import re
import uuid

import httpx
import sqlalchemy as sa
from playwright.sync_api import expect

from server.audit.models import AuditEntry
from server.auth.models import User
from server.complaints.models import Complaint, ComplaintNote, ComplaintPhoto, ComplaintUpdate, ResponseTemplate
from server.media.models import Photo
from tests.conftest import on_one_database
from tests.pwa.desk.conftest import PASSWORD, PHONE, desk_sign_in, serious_violations

pytestmark = on_one_database  # a browser story, on one database (tests/conftest.py)

EMAIL = "contraloria@vigia.example"
REPORTER = "voluntaria@vigia.example"
CODES = re.compile(r"\b(received|admitted|under_investigation|resolved|upheld|high|urgent|normal|complaint)\b")


def _demo_complaint(database) -> tuple[str, str, str]:
    """The demo's newest complaint by the volunteer: received, with a photo (id, folio, the photo's SHA-256)."""
    with database.session_scope() as session:
        reporter = session.scalar(sa.select(User.id).where(User.email == REPORTER))
        complaint = session.scalars(
            sa.select(Complaint).where(Complaint.reporter_id == reporter, Complaint.state == "received")
            .order_by(Complaint.received_on.desc())).first()
        sha = session.scalar(sa.select(Photo.sha256).join(ComplaintPhoto, ComplaintPhoto.photo_id == Photo.id)
                             .where(ComplaintPhoto.complaint_id == complaint.id))
        return str(complaint.id), complaint.folio, sha


def _move(page, button: str, reason: str) -> None:
    page.get_by_role("button", name=re.compile(button)).first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label(re.compile("^Motivo")).fill(reason)


def test_a_comptroller_works_a_complaint_from_received_to_resolved(desk, app_server) -> None:
    base_url, database = app_server
    complaint_id, folio, sha = _demo_complaint(database)
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then=f"/mesa/quejas/{complaint_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Queja {folio}")
    head = page.locator(".complaint-head")
    expect(head).to_contain_text("Recibida")
    expect(head).to_contain_text("Queja")
    expect(head).to_contain_text(re.compile(r"Quedan \d+ días? hábil|Vence hoy|Vencida"))
    # only the moves the workflow allows from "Recibida", in words
    moves = page.locator(".move-list button")
    expect(moves).to_have_text([re.compile("Pedir aclaración"), re.compile("Admitir"),
                                re.compile("Declarar improcedente"), re.compile("Turnar")])
    # evidence: the SHA-256 of the file received, and the original's link
    expect(page.locator(".evidence code.hash").first).to_have_text(sha)
    expect(page.get_by_role("link", name=re.compile("Descargar el original"))).to_have_count(1)
    # who filed it: withheld until the comptroller handles it
    reporter = page.locator("section[aria-labelledby=c-reporter]")
    expect(reporter).to_contain_text("Solo los ve quien tiene asignada esta queja")
    expect(reporter).not_to_contain_text(REPORTER)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Asignármela").click()
    expect(page.get_by_role("status")).to_have_text("Cambios guardados.")
    expect(reporter).to_contain_text(REPORTER)

    page.get_by_label("Nueva nota privada").fill("Llamar a la residente de obra antes de la visita.")
    page.get_by_role("button", name="Agregar nota").click()
    expect(page.locator(".notes")).to_contain_text("Llamar a la residente de obra antes de la visita.")

    page.keyboard.press("2")  # the second move, by keyboard as in the queue (docs/pwa.md)
    expect(page.get_by_role("dialog")).to_have_accessible_name(re.compile("^Admitir: queja"))
    page.get_by_role("dialog").get_by_label(re.compile("^Motivo")).fill("Es competencia de la contraloría municipal")
    page.get_by_role("dialog").get_by_role("button", name=re.compile("^Confirmar")).click()
    expect(page.get_by_role("status")).to_have_text("La queja pasó a «Admitida».")
    _move(page, "Iniciar investigación", "Se programó la inspección")
    page.get_by_role("dialog").get_by_role("button", name=re.compile("^Confirmar")).click()
    expect(page.get_by_role("status")).to_have_text("La queja pasó a «En investigación».")

    _move(page, "Resolver", "La inspección confirmó las grietas")
    dialog = page.get_by_role("dialog")
    with database.session_scope() as session:
        template = session.scalar(sa.select(ResponseTemplate.body).where(
            ResponseTemplate.title == "Fundada: se instruyó corrección"))
    dialog.get_by_label("Plantilla de respuesta").select_option(label="Fundada: se instruyó corrección")
    answer = dialog.get_by_label(re.compile("^Respuesta pública"))
    expect(answer).to_have_value(template)
    answer.fill(template + " El plazo para corregir es de 15 días.")
    dialog.get_by_role("radio", name="Fundada", exact=True).check()
    assert serious_violations(page) == []  # the dialog open
    dialog.get_by_role("button", name=re.compile("^Confirmar")).click()
    expect(page.get_by_role("status")).to_have_text("La queja pasó a «Resuelta».")
    expect(head).to_contain_text("Resuelta")
    expect(page.locator(".move-list button")).to_have_text([re.compile("Concluir"), re.compile("Reabrir")])
    timeline = page.locator(".timeline")
    for step in ("Presentada", "Admitida", "En investigación", "Resuelta"):
        expect(timeline).to_contain_text(step)
    assert not CODES.search(page.locator("main").inner_text())

    # the database holds each step
    with database.session_scope() as session:
        saved = session.get(Complaint, uuid.UUID(complaint_id))
        me = session.scalar(sa.select(User.id).where(User.email == EMAIL))
        assert (saved.state, saved.outcome, saved.assignee_id) == ("resolved", "upheld", me)
        assert saved.public_answer == template + " El plazo para corregir es de 15 días."
        steps = session.execute(sa.select(ComplaintUpdate.from_state, ComplaintUpdate.to_state)
                                .where(ComplaintUpdate.complaint_id == saved.id, ComplaintUpdate.kind == "transition",
                                       ComplaintUpdate.from_state.is_not(None))
                                .order_by(ComplaintUpdate.at)).all()
        assert [tuple(step) for step in steps] == [("received", "admitted"), ("admitted", "under_investigation"),
                                                   ("under_investigation", "resolved")]
        notes = session.scalars(sa.select(ComplaintNote.text).where(ComplaintNote.complaint_id == saved.id)).all()
        assert "Llamar a la residente de obra antes de la visita." in notes
        actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == saved.id)
                                  .order_by(AuditEntry.seq)).all()
        assert actions[-5:] == ["assigned", "note_added", "transitioned", "transitioned", "transitioned"]

    # the reporter reads the public answer in their own view
    # (from another client: the desk's browser holds the comptroller's cookie)
    signed = httpx.post(base_url + "/api/v1/auth/login",
                        json={"email": REPORTER, "password": PASSWORD, "device_name": "prueba"})
    token = signed.json()["token"]
    mine = httpx.get(f"{base_url}/api/v1/municipalities/10005/complaints/{complaint_id}",
                     headers={"Authorization": f"Bearer {token}"}).json()
    assert mine["state_label"] == "Resuelta" and mine["outcome"] == "upheld"
    assert mine["public_answer"].endswith("El plazo para corregir es de 15 días.")
    assert "contact" not in mine and "moves" not in mine


def test_a_stale_edit_in_two_tabs_shows_both_versions(desk, app_server) -> None:
    _, database = app_server
    complaint_id, folio, _ = _demo_complaint(database)
    first = desk.new_page()
    desk_sign_in(first, EMAIL, then=f"/mesa/quejas/{complaint_id}")
    second = desk.new_page()
    second.goto(f"/mesa/quejas/{complaint_id}")
    for tab in (first, second):
        expect(tab.get_by_role("heading", level=1)).to_have_text(f"Queja {folio}")
    first.get_by_label("Prioridad").select_option(label="Urgente")
    first.get_by_role("button", name="Guardar cambios").click()
    expect(first.get_by_role("status")).to_have_text("Cambios guardados.")
    # the second tab still holds the version it read
    second.get_by_label("Prioridad").select_option(label="Baja")
    second.get_by_role("button", name="Guardar cambios").click()
    stale = second.locator(".stale")
    expect(stale).to_contain_text("Alguien cambió este registro mientras usted lo editaba")
    row = stale.get_by_role("row", name=re.compile("^Prioridad"))
    expect(row.get_by_role("cell")).to_have_text(["Baja", "Urgente"])
    version = stale.get_by_role("row", name=re.compile("^Versión"))
    expect(version.get_by_role("cell")).to_have_text([re.compile(r"\d+"), re.compile(r"\d+")])
    assert serious_violations(second) == []
    with database.session_scope() as session:
        assert session.get(Complaint, uuid.UUID(complaint_id)).priority == "urgent"
    # a move from the stale tab is refused the same way, naming the state
    second.get_by_role("button", name="Cargar la versión guardada").click()
    expect(second.get_by_label("Prioridad")).to_have_value("urgent")
    first.get_by_role("button", name=re.compile("Admitir")).click()
    first.get_by_role("dialog").get_by_label(re.compile("^Motivo")).fill("Es competencia municipal")
    first.get_by_role("dialog").get_by_role("button", name=re.compile("^Confirmar")).click()
    expect(first.get_by_role("status")).to_have_text("La queja pasó a «Admitida».")
    second.get_by_role("button", name=re.compile("Declarar improcedente")).click()
    dialog = second.get_by_role("dialog")
    dialog.get_by_label(re.compile("^Motivo")).fill("No es de obra pública")
    dialog.get_by_label(re.compile("^Respuesta pública")).fill("No corresponde a la contraloría municipal.")
    dialog.get_by_role("button", name=re.compile("^Confirmar")).click()
    state = second.locator(".stale").get_by_role("row", name=re.compile("^Estado"))
    expect(state.get_by_role("cell")).to_have_text(["Improcedente", "Admitida"])


def test_the_complaint_screen_on_a_phone(desk, app_server) -> None:
    _, database = app_server
    complaint_id, folio, _ = _demo_complaint(database)
    page = desk.new_page()
    page.set_viewport_size(PHONE)
    desk_sign_in(page, EMAIL, then=f"/mesa/quejas/{complaint_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Queja {folio}")
    expect(page.locator(".evidence code.hash")).to_have_count(1)
    expect(page.locator(".complaint-map.leaflet-container")).to_be_visible()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # linking a work nearby: its public page is one link away
    works = page.get_by_role("combobox", name="Obra vinculada")
    expect(works.locator("option")).not_to_have_count(1)  # the demo has works within 1 km
    work_id = works.locator("option").nth(1).get_attribute("value")
    works.select_option(work_id)
    page.get_by_role("button", name="Guardar cambios").click()
    expect(page.get_by_role("status")).to_have_text("Cambios guardados.")
    expect(page.get_by_role("link", name="Ver la página pública de la obra")).to_have_attribute(
        "href", f"/publico/10005/obras/{work_id}")
    with database.session_scope() as session:
        assert str(session.get(Complaint, uuid.UUID(complaint_id)).work_id) == work_id


def test_the_complaint_screen_reads_in_english_when_asked(desk, app_server) -> None:
    _, database = app_server
    complaint_id, folio, _ = _demo_complaint(database)
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then=f"/mesa/quejas/{complaint_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Queja {folio}")
    page.get_by_role("button", name=re.compile("English|idioma|language", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Complaint {folio}")
    expect(page.locator(".complaint-head")).to_contain_text("Received")  # the server's label, asked again in English
    expect(page.locator(".move-list button").nth(1)).to_contain_text("Admit")
    expect(page.locator(".timeline")).to_contain_text("Filed")


def test_a_double_click_on_add_note_adds_one_note(desk, app_server) -> None:
    """QA: a double click on «Agregar nota» sent the note twice (two private notes, two audit entries)."""
    _, database = app_server
    complaint_id, _, _ = _demo_complaint(database)
    text = f"Nota de doble clic {uuid.uuid4().hex[:8]}"
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then=f"/mesa/quejas/{complaint_id}")
    page.get_by_label("Nueva nota privada").fill(text)
    page.get_by_role("button", name="Agregar nota").dblclick()
    expect(page.locator(".notes")).to_contain_text(text)
    page.wait_for_timeout(1000)
    with database.session_scope() as session:
        saved = session.scalars(sa.select(ComplaintNote.text).where(ComplaintNote.text == text)).all()
    assert len(saved) == 1


def test_a_session_that_ends_mid_note_says_so_and_keeps_the_text(desk, app_server) -> None:
    """QA: when the session ended while a note was being typed, «Agregar nota» only said «Inicie sesión para
    continuar.», leaving people to reload (and lose the text). Now it says the text is kept and how to go on, and
    the note saves once they have signed in again in another tab."""
    _, database = app_server
    complaint_id, _, _ = _demo_complaint(database)
    text = f"Nota escrita durante mucho tiempo {uuid.uuid4().hex[:8]}"
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then=f"/mesa/quejas/{complaint_id}")
    page.get_by_label("Nueva nota privada").fill(text)
    desk.clear_cookies()  # the session ends (idle timeout, or signed out elsewhere)
    page.get_by_role("button", name="Agregar nota").click()
    problem = page.locator("section[aria-labelledby=c-notes] [role=alert]")
    expect(problem).to_contain_text("Su sesión terminó")
    expect(problem).to_contain_text("Lo que escribió sigue en esta pantalla")
    expect(page.get_by_label("Nueva nota privada")).to_have_value(text)
    with page.context.expect_page() as opened:
        problem.get_by_role("link", name="Entrar de nuevo en otra pestaña").click()
    other = opened.value
    other.get_by_label("Correo electrónico").fill(EMAIL)
    other.get_by_label("Contraseña").fill(PASSWORD)
    other.get_by_role("button", name="Entrar").click()
    expect(other.get_by_role("navigation", name="Secciones de la mesa")).to_be_visible()
    page.bring_to_front()
    page.get_by_role("button", name="Agregar nota").click()
    expect(page.locator(".notes")).to_contain_text(text)


def test_an_id_edited_by_hand_says_the_address_does_not_exist_on_the_desk(desk, app_server) -> None:
    """QA: /mesa/quejas/zzz (and a committee's or a checklist's) said «Esa dirección no existe en la API.» with a
    «Reintentar» button that could only fail again."""
    page = desk.new_page()
    desk_sign_in(page, "admin@vigia.example")
    for path in ("/mesa/quejas/zzz", "/mesa/comites/zzz", "/mesa/admin/formularios/zzz",
                 "/mesa/quejas/0192f000-0000-7000-8000-00000000ffff"):
        page.goto(path)
        problem = page.locator("main [role=alert]").first
        expect(problem).to_be_visible()
        assert "API" not in problem.inner_text(), path
        expect(page.get_by_role("button", name="Reintentar")).to_have_count(0)
    page.goto("/mesa/quejas/zzz")
    expect(page.locator("main [role=alert]").first).to_contain_text("Esta dirección no existe en la mesa de trabajo.")
