"""The auditors' workspace in the field app (docs/pwa.md "The auditors' workspace"): a student auditor lists her
assignments, annotates a ruling offline (label, attributes, comment; edits one, deletes another), answers every
kind of document question, reopens the app offline and finds it all, goes online and the server holds exactly that
(W3C selectors, code-point offsets), finishes; after the public text changes, a moved annotation is marked and an
orphaned one is placed again. axe-core: 0 serious or critical violations on both screens."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.audit.conftest import AUDITOR, AUDITOR_2, PHONE, REVIEWER, open_workspace, select_text
from tests.pwa.conftest import Network, idb, wait_until
from tests.pwa.desk.conftest import serious_violations

pytestmark = [pytest.mark.timeout(300), on_one_database]  # a browser story, on one database (tests/conftest.py)

Q1 = "la actuaria se cercioró de que el demandado habitaba en el domicilio"  # accented: ó
Q2 = "El emplazamiento es el acto procesal de mayor importancia en el juicio"
LAPTOP = {"width": 1280, "height": 800}
Q3 = "Este juzgado es competente para resolver la incidencia planteada"


def label(page, quote: str, name: str, comment: str = "", *, attributes=()) -> None:
    select_text(page, quote)
    page.get_by_role("button", name="Etiquetar la selección").click()
    panel = page.get_by_role("dialog", name="Etiquetar el fragmento")
    expect(panel).to_be_visible()
    panel.get_by_role("radio", name=name).check()
    for field, value in attributes:
        if value is True:
            panel.get_by_label(field).check()
        else:
            panel.get_by_label(field).select_option(label=value)
    panel.get_by_label("Comentario").fill(comment)
    panel.get_by_role("button", name="Guardar anotación").click()
    expect(panel).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Guardado en el teléfono")).to_be_visible()


def mine(page, quote: str):
    return page.get_by_role("region", name="Mis anotaciones").get_by_role("listitem").filter(has_text=quote[:40])


def rows(database, assignment_id: str) -> list[dict]:
    with database.session_scope() as session:
        found = session.execute(sa.text(
            "SELECT id, start, \"end\", exact, label, attributes, comment, anchor_state FROM annotations "
            "WHERE assignment_id IN (:a, :h) AND deleted_at IS NULL ORDER BY start"),
            {"a": assignment_id, "h": assignment_id.replace("-", "")}).mappings().all()
    return [dict(row) for row in found]


def test_an_auditor_annotates_offline_and_the_server_holds_exactly_that(auditor_phone, app_server, fresh_assignment,
                                                                         audit_api):
    _, database = app_server
    a = fresh_assignment
    page = auditor_phone.new_page()
    open_workspace(page)
    expect(page.get_by_role("heading", name="Mis asignaciones", level=1)).to_be_visible()
    for section in ("Por leer", "Anotando", "Terminadas"):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    to_read = page.get_by_role("region", name="Por leer").get_by_role("link", name=a.case_number)
    expect(to_read).to_contain_text("Esquema del taller")
    expect(to_read).to_contain_text("versión 1")
    assert serious_violations(page) == []

    to_read.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(a.case_number)
    text = page.get_by_role("region", name="Texto de la resolución")
    assert text.locator(".ruling-text").text_content() == a.text  # the container's text is the canonical text

    network = Network(auditor_phone, app_server[0])
    network.down()
    page.get_by_role("button", name="Terminar la asignación").click()
    expect(page.get_by_role("alert")).to_contain_text("¿Cuál es el sentido del fallo?")  # refused, in words

    # keyboard only (WCAG 2.1.1): "Seleccionar con el teclado" makes the text a read-only caret area where
    # Shift+arrows select without the browser's caret browsing; nothing typed there changes the text
    keys = page.get_by_role("button", name="Seleccionar con el teclado")
    keys.focus()
    expect(keys).to_have_attribute("aria-pressed", "false")
    before = page.evaluate("document.querySelector('.ruling-text').outerHTML")
    page.keyboard.press("Enter")
    expect(keys).to_have_attribute("aria-pressed", "true")
    caret_area = text.get_by_role("textbox", name="Texto de la resolución")
    expect(caret_area).to_be_focused()
    expect(caret_area).to_have_attribute("aria-readonly", "true")
    assert serious_violations(page) == []  # with the mode on
    for key in ("x", "Backspace", "Delete", "Shift+Enter", "Control+v"):
        page.keyboard.press(key)
    page.keyboard.press("Enter")  # Enter labels the selection: none yet
    expect(page.get_by_role("status").filter(has_text="Seleccione primero un fragmento")).to_be_visible()
    page.keyboard.insert_text("escrito")
    assert text.locator(".ruling-text").text_content() == a.text  # nothing typed reached the text
    select_text(page, Q1, caret=True)  # the caret at its start, where the arrow keys would have taken it
    for _ in range(len(Q1.split())):
        page.keyboard.press("Control+Shift+ArrowRight")  # by words
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Etiquetar la selección")).to_be_focused()
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Etiquetar el fragmento")
    expect(panel.locator(".selected-quote")).to_have_text(Q1)
    expect(panel.get_by_role("heading", name="Etiquetar el fragmento")).to_be_focused()
    panel.get_by_role("radio", name="Motivación aparente").check()
    panel.get_by_label("¿Es determinante para el fallo?").check()
    panel.get_by_label("Comentario").fill("Afirma sin citar la razón asentada.")
    panel.get_by_role("button", name="Guardar anotación").click()
    expect(panel).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Guardado en el teléfono")).to_be_visible()
    keys.focus()
    page.keyboard.press("Enter")  # off: the text is as it was
    expect(keys).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("document.querySelector('.ruling-text').outerHTML") == before
    page.keyboard.press("Enter")
    expect(caret_area).to_be_focused()
    page.keyboard.press("Escape")  # Escape leaves it too
    expect(keys).to_be_focused()
    expect(keys).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("document.querySelector('.ruling-text').outerHTML") == before
    assert text.locator(".ruling-text").text_content() == a.text
    label(page, Q2, "Motivación insuficiente", "Para borrar.", attributes=[("Premisa", "Jurídica")])
    expect(mine(page, Q1)).to_contain_text("Motivación aparente")
    expect(mine(page, Q2)).to_contain_text("Motivación insuficiente")
    assert serious_violations(page) == []

    mine(page, Q1).get_by_role("button", name="Editar").click()
    panel = page.get_by_role("dialog", name="Etiquetar el fragmento")
    expect(panel.get_by_role("heading", name="Etiquetar el fragmento")).to_be_focused()  # focus moves into it
    page.keyboard.press("Escape")  # a dialog closes with Escape; focus back where labelling starts
    expect(panel).to_have_count(0)
    expect(page.get_by_role("button", name="Etiquetar la selección")).to_be_focused()
    mine(page, Q1).get_by_role("button", name="Editar").click()
    panel.get_by_label("Comentario").fill("Afirma sin transcribir la razón.")
    assert serious_violations(page) == []  # with the label panel open
    panel.get_by_role("button", name="Guardar anotación").click()
    expect(mine(page, Q1)).to_contain_text("Afirma sin transcribir la razón.")
    mine(page, Q2).get_by_role("button", name="Eliminar").click()
    expect(mine(page, Q2)).to_have_count(0)

    questions = page.get_by_role("region", name="Preguntas sobre la resolución")
    questions.get_by_role("group", name="¿Qué defectos formales tiene?").get_by_label("Sin firma").check()
    questions.get_by_label("¿Cuántas páginas tiene?").fill("9999")  # out of its range: said here, not saved
    questions.get_by_role("button", name="Guardar respuestas").click()
    expect(questions.get_by_role("alert")).to_have_text("«¿Cuántas páginas tiene?» debe ser un número entre 1 y 500.")
    questions.get_by_label("¿Cuántas páginas tiene?").fill("12")
    questions.get_by_label("¿Cuándo se notificó?").fill("2025-02-03")
    questions.get_by_label("Resumen en una frase").fill("Borrador.")
    questions.get_by_role("group", name="¿El plazo fue razonable?").get_by_label("Sí").check()
    questions.get_by_label("Precedentes citados").fill("Tesis 1a./J. 25/2020\n\nAmparo directo 14/2019")
    questions.get_by_role("button", name="Guardar respuestas").click()
    expect(page.get_by_role("status").filter(has_text="Respuestas guardadas en el teléfono")).to_be_visible()
    assert rows(database, a.id) == []  # nothing reached the server
    # an answer changed and not saved is not lost on leaving the screen
    questions.get_by_label("Resumen en una frase").fill("Declara improcedente la incompetencia.")
    page.get_by_role("link", name="Mis asignaciones").click()
    expect(page.get_by_role("heading", name="Mis asignaciones", level=1)).to_be_visible()

    page.close()  # reopened offline: everything is on the phone
    page = auditor_phone.new_page()
    page.goto(f"/auditoria/{a.id}")
    expect(mine(page, Q1)).to_contain_text("Afirma sin transcribir la razón.")
    expect(mine(page, Q2)).to_have_count(0)
    questions = page.get_by_role("region", name="Preguntas sobre la resolución")
    expect(questions.get_by_label("¿Cuántas páginas tiene?")).to_have_value("12")
    expect(questions.get_by_label("Resumen en una frase")).to_have_value("Declara improcedente la incompetencia.")
    expect(questions.get_by_label("Precedentes citados")).to_have_value("Tesis 1a./J. 25/2020\nAmparo directo 14/2019")

    network.up()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    start = a.text.index(Q1)  # code points, as the server counts
    wait_until(page, lambda: len(rows(database, a.id)) == 1 and rows(database, a.id)[0]["comment"].startswith("Afirma sin transcribir"),
               timeout=30, what="the annotations on the server")
    [row] = rows(database, a.id)
    assert (row["start"], row["end"], row["exact"], row["label"]) == (start, start + len(Q1), Q1, "apparent_reasoning")
    assert row["attributes"] in ({"decisive": True}, '{"decisive": true}')
    view = audit_api.call(AUDITOR, "GET", f"/annotation-assignments/{a.id}")
    [w3c] = view["annotations"]
    selectors = {s["type"]: s for s in w3c["target"]["selector"]}
    assert selectors["TextQuoteSelector"]["exact"] == Q1
    assert selectors["TextQuoteSelector"]["prefix"] == a.text[start - 32:start]
    assert (selectors["TextPositionSelector"]["start"], selectors["TextPositionSelector"]["end"]) == (start, start + len(Q1))
    made = {item["payload"].get("id") for item in idb(page, "outbox", None) if item["intent"] == "annotation.save"}
    assert w3c["id"].removeprefix("urn:uuid:") in made  # the id the phone made
    wait_until(page, lambda: audit_api.call(AUDITOR, "GET", f"/annotation-assignments/{a.id}")["answers"].get("pages") == 12,
               timeout=30, what="the answers on the server")
    answers = audit_api.call(AUDITOR, "GET", f"/annotation-assignments/{a.id}")["answers"]
    assert answers == {"defects": ["no_signature"], "pages": 12, "notified_on": "2025-02-03",
                       "summary": "Declara improcedente la incompetencia.", "reasonable": True,
                       "precedents": ["Tesis 1a./J. 25/2020", "Amparo directo 14/2019"]}

    # the required question answered but not saved: "Terminar" takes the answer (saved first), it does not ask for it
    questions.get_by_role("group", name="¿Cuál es el sentido del fallo?").get_by_label("Improcedente").check()
    page.get_by_role("button", name="Terminar la asignación").click()
    expect(page.get_by_role("alert").filter(has_text="Antes de terminar")).to_have_count(0)
    wait_until(page, lambda: audit_api.call(AUDITOR, "GET", f"/annotation-assignments/{a.id}")["assignment"]["state"] == "done",
               timeout=30, what="the assignment finished on the server")
    assert audit_api.call(AUDITOR, "GET", f"/annotation-assignments/{a.id}")["answers"]["outcome"] == "inadmissible"
    expect(page.get_by_role("button", name="Editar")).to_have_count(0)  # read only now
    expect(page.get_by_role("heading", name="Anotaciones de los demás")).to_have_count(0)  # blind: the other is not done

    # the other auditor annotates and finishes (API): after the next pull, online, her work shows
    other = f"/annotation-assignments/{a.other_id}"
    audit_api.call(AUDITOR_2, "POST", other + "/annotations", json={
        "start": a.text.index(Q2), "end": a.text.index(Q2) + len(Q2), "label": "insufficient_reasoning"})
    audit_api.call(AUDITOR_2, "PUT", other + "/answers", json={
        "answers": {"outcome": "inadmissible", "reasonable": False}, "version": audit_api.call(AUDITOR_2, "GET", other)["assignment"]["version"]})
    audit_api.call(AUDITOR_2, "POST", other + "/finish", json={})
    page.reload()
    others = page.get_by_role("region", name="Anotaciones de los demás")
    expect(others).to_contain_text("Motivación insuficiente", timeout=30_000)
    expect(others).to_contain_text(Q2[:30])
    expect(others).not_to_contain_text(Q1[:30])  # mine are not "the others'"


def test_after_the_public_text_changes_moved_ones_are_marked_and_orphans_placed_again(auditor_phone, app_server,
                                                                                      fresh_assignment, audit_api):
    _, database = app_server
    a = fresh_assignment
    page = auditor_phone.new_page()
    open_workspace(page)
    page.get_by_role("region", name="Por leer").get_by_role("link", name=a.case_number).click()
    expect(page.get_by_role("region", name="Texto de la resolución")).to_be_visible()
    for size in (LAPTOP, PHONE):  # reading the text, "Etiquetar la selección" never covers the app's bottom bar
        page.set_viewport_size(size)
        page.mouse.wheel(0, 400)
        for link in page.get_by_role("navigation").get_by_role("link").all():
            box = link.bounding_box()
            assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y)?.closest('nav')",
                                 [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]), (size, link.text_content())
    page.get_by_role("button", name="Ver el texto original (equipo)").click()  # the team reads the original
    expect(page.get_by_role("group").filter(has_text="Texto original (solo lectura)")).to_contain_text("Raúl Corral Rentería")  # not redacted there
    label(page, Q1, "Motivación aparente", "Se moverá.")
    label(page, Q3, "Motivación insuficiente", "Quedará huérfana.")
    wait_until(page, lambda: len(rows(database, a.id)) == 2, timeout=30, what="both annotations on the server")

    # the reviewer publishes a changed public text: a paragraph added at the top (Q1 moves), Q3 reworded (orphaned)
    texts = audit_api.call(REVIEWER, "GET", f"/rulings/{a.ruling_id}/texts")
    original = next(t for t in sorted(texts, key=lambda t: -t["number"]) if t["kind"] == "original")
    old = audit_api.call(REVIEWER, "GET", f"/rulings/{a.ruling_id}/texts/{original['id']}")["text"]
    new = old.replace("VISTOS para resolver", "Nota de la secretaría: se corrige la foliación.\n\nVISTOS para resolver", 1)
    new = new.replace(Q3, "Corresponde a este órgano conocer del asunto principal por disposición expresa")
    assert new != old
    audit_api.call(REVIEWER, "POST", f"/rulings/{a.ruling_id}/texts", content=new.encode(),
                   headers={"Content-Type": "text/plain; charset=utf-8"})
    for finding in audit_api.call(REVIEWER, "GET", f"/rulings/{a.ruling_id}/findings"):
        if finding["state"] == "pending":
            audit_api.call(REVIEWER, "POST", f"/rulings/{a.ruling_id}/findings/{finding['id']}/decision",
                           json={"state": "confirmed", "version": finding["version"]})
    audit_api.call(REVIEWER, "POST", f"/rulings/{a.ruling_id}/public-version")

    page.reload()  # the pull brings the re-anchored assignment
    orphans = page.get_by_role("region", name="Anotaciones por volver a ubicar")
    expect(orphans.get_by_role("listitem")).to_have_count(1, timeout=30_000)
    expect(orphans).to_contain_text(Q3[:40])
    expect(mine(page, Q1)).to_contain_text("Movida")
    page.get_by_role("button", name="Terminar la asignación").click()
    expect(page.get_by_role("alert")).to_contain_text("vuelva a ubicar")

    placed = "Corresponde a este órgano conocer del asunto principal"
    select_text(page, placed)
    orphans.get_by_role("button", name="Ubicar en la selección").click()
    expect(orphans).to_have_count(0)
    expect(mine(page, placed)).to_contain_text("Motivación insuficiente")
    public = audit_api.call(AUDITOR, "GET", f"/annotation-assignments/{a.id}")["text"]["text"]

    def placed_on_server():
        return [r for r in rows(database, a.id) if r["exact"] == placed and r["anchor_state"] == "anchored"]

    wait_until(page, placed_on_server, timeout=30, what="the orphan placed again on the server")
    assert placed_on_server()[0]["start"] == public.index(placed)
    assert uuid.UUID(str(placed_on_server()[0]["id"]))
