"""The judicial audit's projects and redaction at the desk (/mesa/auditoria…) in Chromium, on both databases
(docs/pwa.md, "Judicial audit: projects and redaction"): revision@ opens the demo project, reviews the personal
data of the demo ruling 343/2025 (in redaction): dismisses what is not personal data, confirms the rest (one of them
decided meanwhile by someone else: the 409 is shown in words and decided again; one under another category),
reaches the findings from the text with the keyboard, marks by selection a name the detector missed, is refused
publishing while anything is pending, previews and publishes; the public text in the database has the
placeholders. Then assigns the newly published ruling to the two demo auditors. axe-core finds no serious or
critical violation on these screens; the project reads in English too. A student auditor does not see the menu
entry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from server.annotations.models import AnnotationAssignment
from server.auth.models import User
from server.rulings.models import RedactionFinding, Ruling, RulingText
from tests.conftest import on_one_database
from tests.pwa.desk.conftest import LAPTOP, PHONE, desk_sign_in, serious_violations

pytestmark = on_one_database  # a browser story, on one database (tests/conftest.py)

REVIEWER = "revision@vigia.example"
AUDITORS = {"auditor@vigia.example": "Daniela Ontiveros Cruz", "auditora2@vigia.example": "Itzel Sarmiento Bustamante"}
CASE = "343/2025"  # server/demo/rulings.json: in redaction, its personal data labelled
DEMO = json.loads((Path(__file__).resolve().parents[3] / "server" / "demo" / "rulings.json").read_text("utf-8"))
RULING = next(r for r in DEMO["rulings"] if r["case_number"] == CASE)
PROJECT = DEMO["project"]["name"]

# Select [start, end) of the text (code points = UTF-16 units here: the ruling has no character outside the BMP)
# as a keyboard or caret user would: a DOM selection across the text nodes the highlights split it into.
SELECT = """(region, [start, end]) => {
  const root = region.querySelector('[data-ruling-text]');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let pos = 0, started = false, node;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (!started && start < pos + length) { range.setStart(node, start - pos); started = true; }
    if (end <= pos + length) { range.setEnd(node, end - pos); break; }
    pos += length;
  }
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def overlaps(a, b) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def test_a_reviewer_redacts_publishes_and_assigns_a_ruling(desk, app_server) -> None:
    _, database = app_server
    with database.session_scope() as session:
        ruling = session.scalar(sa.select(Ruling).where(Ruling.case_number == CASE))
        ruling_id, state = ruling.id, ruling.state
        original = session.scalar(sa.select(RulingText)
                                  .where(RulingText.ruling_id == ruling_id, RulingText.kind == "original")
                                  .order_by(RulingText.number.desc()))
        text, original_id = original.text, original.id
        found = [{"id": f.id, "start": f.start, "end": f.end, "category": f.category}
                 for f in session.scalars(sa.select(RedactionFinding).where(RedactionFinding.text_id == original_id))]
        auditor_ids = {session.scalar(sa.select(User.id).where(User.email == email)) for email in AUDITORS}
    assert text == RULING["text"] and state == "in_redaction"
    labelled = RULING["personal_data"]
    # what the detector found that is not personal data (to dismiss), and a labelled datum it missed (to mark)
    wrong = [f for f in found if not any(overlaps(f, p) for p in labelled)]
    missed = next(p for p in labelled if not any(overlaps(p, f) for f in found))
    assert wrong and missed["category"] == "person_name"

    page = desk.new_page()
    desk_sign_in(page, REVIEWER, then="/mesa/auditoria")
    expect(page.get_by_role("heading", name="Auditoría judicial", level=1)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=CASE, exact=True))
    expect(row).to_contain_text("por decidir")
    expect(page.get_by_role("heading", name=re.compile(r"^Adjudicadas \(\d+\)$"))).to_be_visible()  # the demo's
    assert serious_violations(page) == []

    row.get_by_role("link", name="Revisar datos personales").click()
    expect(page.get_by_role("heading", name=f"Datos personales: {CASE}", level=1)).to_be_visible()
    items = page.get_by_role("region", name="Posibles datos personales").get_by_role("listitem")
    expect(items).to_have_count(len(found))
    original_text = page.get_by_role("region", name="Texto original de la resolución")
    expect(original_text).to_contain_text(text[:60])
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)  # on a phone the text and the list stack, nothing wider than the screen
    expect(original_text).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(LAPTOP)

    def item_of(finding):  # the list follows the text: by start, then end
        ordered = sorted(found, key=lambda f: (f["start"], f["end"]))
        return items.nth(ordered.index(finding))

    # the keyboard: from the text, Tab reaches the highlights in order; Enter goes to the finding's entry
    original_text.focus()
    page.keyboard.press("Tab")
    first_mark = original_text.get_by_role("button").first
    expect(first_mark).to_be_focused()
    expect(first_mark).to_have_accessible_description(re.compile(r"^nombre de persona, pendiente$"))
    page.keyboard.press("Enter")
    expect(items.first).to_be_focused()

    # not personal data: dismissed (the text it covers is shown, read from the original in the browser)
    for finding in wrong:
        item = item_of(finding)
        expect(item).to_contain_text(text[finding["start"]:finding["end"]])
        item.get_by_role("button", name="Descartar").click()
        expect(item).to_contain_text("· descartado")

    # refused in words while anything is pending
    page.get_by_role("button", name="Publicar la versión pública").click()
    expect(page.get_by_role("alert").filter(has_text="No se puede publicar todavía")).to_be_visible()

    # the missed name: selected in the original (a DOM selection, as with the keyboard), marked with its category
    original_text.evaluate(SELECT, [missed["start"], missed["end"]])
    expect(page.get_by_text(f"Selección: «{text[missed['start']:missed['end']]}»")).to_be_visible()
    page.get_by_label("Categoría del dato").select_option(label="nombre de persona")
    page.get_by_role("button", name="Marcar la selección como dato personal").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Marcado como pendiente: nombre de persona")
    with database.session_scope() as session:
        marked = session.scalar(sa.select(RedactionFinding).where(RedactionFinding.text_id == original_id,
                                                                  RedactionFinding.detector == "person"))
        assert (marked.start, marked.end) == (missed["start"], missed["end"])
        assert (marked.category, marked.state) == ("person_name", "pending")
        found.append({"id": marked.id, "start": marked.start, "end": marked.end, "category": "person_name"})
    expect(items).to_have_count(len(found))

    # someone else decides one meanwhile: the 409 shows what is saved now, and the reviewer decides again
    first = next(f for f in sorted(found, key=lambda f: f["start"]) if f not in wrong)
    with database.session_scope() as session:
        other = session.get(RedactionFinding, first["id"])
        other.state, other.version = "dismissed", other.version + 1
    item_of(first).get_by_role("button", name="Confirmar").click()
    stale = item_of(first).get_by_role("alert")
    expect(stale).to_contain_text("Otra persona decidió este dato")
    expect(item_of(first)).to_contain_text("· descartado")
    assert serious_violations(page) == []

    phone = next(f for f in found if f["category"] == "phone")  # confirmed under another category
    item_of(phone).get_by_label("Categoría").select_option(label="otro dato personal")
    for finding in found:
        if finding in wrong:
            continue
        item = item_of(finding)
        item.get_by_role("button", name="Confirmar").click()
        expect(item).to_contain_text("· confirmado")
    expect(page.get_by_text("0 pendientes", exact=False)).to_be_visible()
    with database.session_scope() as session:
        states = dict(session.execute(sa.select(RedactionFinding.id, RedactionFinding.state)
                                      .where(RedactionFinding.text_id == original_id)).all())
    assert {states[f["id"]] for f in wrong} == {"dismissed"}
    assert {states[f["id"]] for f in found if f not in wrong} == {"confirmed"}
    with database.session_scope() as session:
        assert session.get(RedactionFinding, phone["id"]).category == "other"

    # the preview: the text as it would be published, every confirmed datum replaced
    expect(page.get_by_role("heading", name="Vista previa de la versión pública", level=2)).to_be_visible()
    page.get_by_role("button", name="Actualizar la vista previa").click()
    preview = page.get_by_role("region", name="Versión pública (vista previa)")
    expect(preview).to_contain_text("[NOMBRE]")
    expect(preview).not_to_contain_text("OLVERA GURROLA")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Publicar la versión pública").click()
    expect(page.get_by_role("status")).to_contain_text(f"Publicada la versión pública 1 de {CASE}")
    current = page.locator("p").filter(has_text="Versión pública vigente: 1, del ")
    expect(current).to_be_visible()
    assert ".." not in current.inner_text(), current.inner_text()  # not "12:20 p.m.."
    with database.session_scope() as session:
        public = session.scalar(sa.select(RulingText.text)
                                .where(RulingText.ruling_id == ruling_id, RulingText.kind == "public"))
        assert session.get(Ruling, ruling_id).state == "published"
    assert "[NOMBRE]" in public and "[RFC]" in public and "[CURP]" in public and "[DATO PERSONAL]" in public
    assert "OLVERA GURROLA" not in public and "OEGJ0304225P9" not in public
    for finding in wrong:  # dismissed: left as it was
        assert text[finding["start"]:finding["end"]] in public

    # the project: the ruling is published and not assigned; assigned to the two demo auditors
    page.get_by_role("link", name="Volver al proyecto").click()
    waiting = page.get_by_role("region", name=re.compile(r"^Publicadas, sin asignar"))
    expect(waiting.get_by_role("rowheader", name=CASE, exact=True)).to_be_visible()
    form = page.get_by_role("form", name="Asignar")
    # the rulings in the order a court keeps case numbers (year, then number), not as strings (108/2025 < 1254/2025)
    cases = [o.split(" ")[0] for o in form.get_by_label("Resolución publicada").locator("option").all_inner_texts()[1:]]
    assert cases == sorted(cases, key=lambda c: tuple(int(x) for x in reversed(c.split("/")))), cases
    form.get_by_label("Resolución publicada").select_option(label=CASE)
    form.get_by_label("Primer auditor").select_option(label=AUDITORS["auditor@vigia.example"])
    form.get_by_label("Segundo auditor").select_option(label=AUDITORS["auditora2@vigia.example"])
    expect(form.get_by_label("Versión del esquema")).to_contain_text("versión 1")
    form.get_by_role("button", name="Asignar").click()
    expect(page.get_by_role("status").filter(has_text=f"Asignada {CASE}")).to_be_visible()
    with database.session_scope() as session:
        assigned = session.execute(sa.select(AnnotationAssignment.annotator_id, AnnotationAssignment.state)
                                   .where(AnnotationAssignment.ruling_id == ruling_id)).all()
    assert {a for a, _ in assigned} == auditor_ids and {s for _, s in assigned} == {"assigned"}
    annotating = page.get_by_role("region", name=re.compile(r"^En anotación"))
    assigned_row = annotating.get_by_role("row").filter(has=page.get_by_role("rowheader", name=CASE, exact=True))
    expect(assigned_row).to_contain_text(f"{AUDITORS['auditor@vigia.example']}: asignada")
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)  # the tables scroll sideways in boxes a keyboard can reach
    assert serious_violations(page) == []
    page.set_viewport_size(LAPTOP)
    page.get_by_role("button", name="Switch to English").click()  # English is there too
    expect(page.get_by_role("form", name="Assign").get_by_label("First auditor")).to_be_visible()
    being_annotated = page.get_by_role("region", name=re.compile(r"^Being annotated"))
    expect(being_annotated).to_contain_text(f"{AUDITORS['auditor@vigia.example']}: assigned")
    page.get_by_role("button", name="Cambiar a español").click()
    expect(page.get_by_role("form", name="Asignar")).to_be_visible()

    # a student auditor works in the field app: the desk shows no judicial audit entry
    page.get_by_role("button", name="Salir").click()
    expect(page.get_by_label("Correo electrónico")).to_be_visible()  # the session ended before signing in again
    desk_sign_in(page, "auditor@vigia.example")
    menu = page.get_by_role("navigation", name="Secciones de la mesa")
    expect(menu.get_by_role("link", name="Mis sesiones")).to_be_visible()
    expect(menu.get_by_role("link", name="Auditoría judicial")).to_have_count(0)
