"""The judicial audit from end to end (issue 18; docs/pwa.md, docs/annotations.md, docs/notebooks.md) in Debian's
Chromium, on both databases: the reviewer assigns a published demo ruling to the two demo auditors at the desk;
auditor A annotates it on a phone without network and syncs back online, auditor B annotates online on another
phone; neither sees the other's work until both finished; the reviewer reads κ at the desk (the API's figure),
adjudicates a click per disagreement, computes, reviews and publishes the judge's notebook; the public reads it and
the judge's reply appears on it. Then the ruling's public text changes: on A's phone one annotation shows as moved
and another waits to be placed again, and is. axe-core on every screen visited (0 serious or critical).

Every step checks what the person sees and what the database holds."""

from __future__ import annotations

import json
import re

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.annotations.models import Annotation, AnnotationAssignment, DocumentAnswer
from server.auth.models import User
from server.notebooks.models import Notebook, NotebookReply
from server.rulings.models import Judge, Ruling
from tests.live import served_demo
from tests.pwa.conftest import DURANGO, Network, idb, nav, sign_in, wait_until
from tests.pwa.desk.conftest import LAPTOP, PASSWORD, desk_sign_in, serious_violations

pytestmark = pytest.mark.timeout(420)

CODE = "10005"
API = f"/api/v1/municipalities/{CODE}"
REVIEWER, AUDITOR_A, AUDITOR_B = "revision@vigia.example", "auditor@vigia.example", "auditora2@vigia.example"
# server/demo/rulings.json: every published demo ruling already has both auditors' assignments with the seed scheme;
# 321/2025 (Miriam Escárzaga Pulido, labour) waits in redaction: the reviewer publishes it, then assigns it.
CASE = "321/2025"
JUDGE = "Miriam Escárzaga Pulido"
# Her other adjudicated demo rulings are three: with this one the notebook reaches the minimum and shows figures.
MIN_RULINGS = 4

APPARENT = "Inexistencia de motivación o motivación aparente"
INSUFFICIENT = "Motivación insuficiente"
INCONGRUENT = "Motivación sustancialmente incongruente"
AGREED = "La prueba testimonial ofrecida no merece valor probatorio, pues no genera convicción en quien resuelve."
A_ONLY = "por lo que se tienen por presuntivamente ciertos los hechos que el actor pretendía acreditar con ellas"
B_ONLY = "se absuelve a la demandada de las prestaciones reclamadas"
QUESTIONS = {  # the seed scheme's document questions (server/annotations/seed.py), answered alike by both
    "¿Cuál es el sentido del fallo?": "Infundada",
    "¿El tiempo entre la presentación de la demanda y la resolución es razonable": "Sí",
    "¿La resolución se aparta de decisiones anteriores del mismo juez": "No",
}
ANSWERS = {"outcome": "not_upheld", "time_to_ruling_reasonable": True, "departs_from_own_precedent": "no"}

# The corrected original published at the end: a paragraph added before the reasoning (every span after it moves)
# and the sentence of A's own annotation rewritten (that one cannot be found any more).
ADDED = ("CUARTO.- Por acuerdo del 27 de noviembre de 2025 se turnaron los autos para dictar la sentencia "
         "correspondiente.\n\n")
OLD_SENTENCE = ("La demandada no exhibió las listas de asistencia del último mes, pese a haber sido requerida, "
                "por lo que se tienen por presuntivamente ciertos los hechos que el actor pretendía acreditar con ellas.")
NEW_SENTENCE = ("Las listas de asistencia exhibidas por la demandada no fueron objetadas, de modo que hacen prueba "
                "plena de las jornadas laboradas.")
PLACED = "de modo que hacen prueba plena de las jornadas laboradas"
REPLY = ("Agradezco la lectura de mis resoluciones; las pruebas testimoniales se valoraron conforme a la sana "
         "crítica y así lo explicitaré en lo sucesivo.")
SIGNED = "Miriam Escárzaga Pulido, Jueza del Tribunal Laboral"


@pytest.fixture
def app_server(backend, tmp_path, served_dist):
    """The demo served with the notebooks' minimum at 4 adjudicated rulings (the judge's three and this one)."""
    with served_demo(backend, tmp_path, vigia_pwa_dir=served_dist, vigia_notebook_min_rulings=MIN_RULINGS) as served:
        yield served


# ------------------------------------------------------------------------------------------------ helpers


class Api:
    """The HTTP API as a demo account (bearer token), for what the story arranges outside the screens."""

    def __init__(self, base_url: str, email: str) -> None:
        self.client = httpx.Client(base_url=base_url + API, timeout=60)
        answer = httpx.post(base_url + "/api/v1/auth/login", json={"email": email, "password": PASSWORD,
                                                                    "device_name": "prueba"}, timeout=60)
        assert answer.status_code == 200, answer.text
        self.client.headers["Authorization"] = f"Bearer {answer.json()['token']}"

    def __call__(self, method: str, path: str, expected: tuple[int, ...] = (200, 201, 204), **kwargs):
        answer = self.client.request(method, path, **kwargs)
        assert answer.status_code in expected, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    def decide_pending_findings(self, ruling_id) -> None:
        for finding in self("GET", f"/rulings/{ruling_id}/findings", params={"state": "pending"}):
            self("POST", f"/rulings/{ruling_id}/findings/{finding['id']}/decision",
                 json={"state": "confirmed", "version": finding["version"]})

    def public_text(self, ruling_id) -> dict:
        public = [t for t in self("GET", f"/rulings/{ruling_id}/texts") if t["kind"] == "public"]
        latest = max(public, key=lambda t: t["number"])
        return self("GET", f"/rulings/{ruling_id}/texts/{latest['id']}")


def field_phone(chromium, base_url: str):
    """A cheap phone's browser, as tests/pwa/conftest.py's `phone` (CSP bypassed only to inject axe-core)."""
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX",
                                   geolocation=DURANGO, permissions=["geolocation"], service_workers="allow",
                                   bypass_csp=True)
    context.set_default_timeout(15_000)
    return context


def no_serious_violations(page, screen: str) -> None:
    found = serious_violations(page)
    assert found == [], f"{screen}: {json.dumps(found, ensure_ascii=False)}"


def open_assignment_list(page):
    nav(page, "Auditoría").click()
    expect(page.get_by_role("heading", name="Mis asignaciones", level=1)).to_be_visible()


def section(page, title: str):
    """A section of the assignments list, by its h2."""
    return page.locator("section", has=page.get_by_role("heading", name=title, level=2))


def select_span(page, text: str, start: int, end: int) -> None:
    """Select [start, end) of the ruling text (code points, as the server counts) in the text region, the way a
    keyboard or caret user's selection is: a DOM Range over the region's text nodes (UTF-16 offsets)."""
    region = page.get_by_role("region", name="Texto de la resolución")
    utf16 = [len(text[:start].encode("utf-16-le")) // 2, len(text[:end].encode("utf-16-le")) // 2]
    selected = region.evaluate("""(root, [text, start, end]) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        const nodes = [];
        let all = '';
        for (let node = walker.nextNode(); node; node = walker.nextNode()) { nodes.push([node, all.length]); all += node.data; }
        const base = all.indexOf(text);
        if (base < 0) return {error: 'the region does not hold the ruling text', length: all.length};
        const at = (offset, isEnd) => {
          for (const [node, from] of nodes) {
            if (offset < from + node.data.length || (isEnd && offset === from + node.data.length)) return [node, offset - from];
          }
          throw new Error('offset outside the text');
        };
        const range = document.createRange();
        range.setStart(...at(base + start, false));
        range.setEnd(...at(base + end, true));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        return {selected: selection.toString()};
    }""", [text, *utf16])
    assert selected == {"selected": text[start:end]}, selected


def label_span(page, text: str, quote: str, label: str, comment: str | None = None) -> None:
    start = text.index(quote)
    select_span(page, text, start, start + len(quote))
    page.get_by_role("button", name="Etiquetar la selección").click()
    dialog = page.get_by_role("dialog", name="Etiquetar el fragmento")
    expect(dialog).to_be_visible()
    dialog.get_by_role("radio", name=label, exact=True).check()
    if comment:
        dialog.get_by_label("Comentario").fill(comment)
    dialog.get_by_role("button", name="Guardar anotación").click()
    expect(dialog).to_be_hidden()


def my_annotation(page, quote: str):
    mine = page.locator("section", has=page.get_by_role("heading", name="Mis anotaciones", level=2))
    return mine.get_by_role("listitem").filter(has_text=quote[:40])


def answer_questions(page) -> None:
    questions = page.locator("section", has=page.get_by_role("heading", name="Preguntas sobre la resolución"))
    for question, choice in QUESTIONS.items():
        group = questions.get_by_role("group", name=re.compile(re.escape(question)))
        if group.count():
            group.get_by_role("radio", name=choice, exact=True).check()
        else:
            questions.get_by_label(re.compile(re.escape(question))).select_option(label=choice)
    questions.get_by_role("button", name="Guardar respuestas").click()


def install_and_sign_in(page, email: str, ruling_id) -> None:
    """Online: the app installs its service worker, the auditor signs in and the assignment reaches the phone."""
    page.goto("/")
    page.evaluate("navigator.serviceWorker.ready")
    wait_until(page, lambda: page.evaluate("Boolean(navigator.serviceWorker.controller)"), what="the service worker")
    sign_in(page, email)
    wait_until(page, lambda: [r for r in idb(page, "records", None) or []
                              if r["type"] == "assignment" and str(ruling_id) in json.dumps(r)],
               timeout=30, what=f"{email}'s assignment pulled to the phone")


# ------------------------------------------------------------------------------------------------ the story


def test_two_auditors_annotate_the_reviewer_adjudicates_publishes_and_the_judge_replies(chromium, desk, app_server):
    base_url, database = app_server
    reviewer = Api(base_url, REVIEWER)

    def one(statement):
        with database.session_scope() as session:
            return session.execute(statement).one()

    def rows(statement):
        with database.session_scope() as session:
            return session.execute(statement).all()

    ruling_id, project_id = one(sa.select(Ruling.id, Ruling.project_id).where(Ruling.case_number == CASE))
    users = dict(rows(sa.select(User.email, User.id).where(User.email.in_([REVIEWER, AUDITOR_A, AUDITOR_B]))))

    # Arranged: the reviewer decides the detector's findings of the ruling in redaction and publishes it.
    reviewer.decide_pending_findings(ruling_id)
    reviewer("POST", f"/rulings/{ruling_id}/public-version")
    public = reviewer.public_text(ruling_id)
    text = public["text"]
    for quote in (AGREED, A_ONLY, B_ONLY):
        assert text.count(quote) == 1, quote

    # 1. The reviewer assigns it at the desk to the two auditors.
    desk_page = desk.new_page()
    desk_sign_in(desk_page, REVIEWER, then="/mesa/auditoria")
    expect(desk_page.get_by_role("heading", name="Auditoría judicial", level=1)).to_be_visible()
    no_serious_violations(desk_page, "/mesa/auditoria")
    desk_page.get_by_role("link", name=re.compile("Auditoría social de sentencias")).first.click()
    expect(desk_page).to_have_url(re.compile(f"/mesa/auditoria/proyectos/{project_id}"))
    form = desk_page.get_by_role("form", name="Asignar")
    form.get_by_label("Resolución").select_option(label=re.compile(re.escape(CASE)))
    form.get_by_label(re.compile("Primer")).select_option(label=re.compile("auditor@"))
    form.get_by_label(re.compile("Segund")).select_option(label=re.compile("auditora2@"))
    form.get_by_role("button", name="Asignar").click()
    expect(desk_page.get_by_role("status").filter(has_text=CASE)).to_be_visible()
    no_serious_violations(desk_page, "project page")
    assignments = dict(rows(sa.select(AnnotationAssignment.annotator_id, AnnotationAssignment.id).where(
        AnnotationAssignment.ruling_id == ruling_id, AnnotationAssignment.kind == "annotator")))
    assert set(assignments) == {users[AUDITOR_A], users[AUDITOR_B]}
    mine_a, mine_b = assignments[users[AUDITOR_A]], assignments[users[AUDITOR_B]]

    # 2. Auditor A, on a phone that loses the network, reads and annotates it.
    phone_a = field_phone(chromium, base_url)
    network = Network(phone_a, base_url)
    page_a = phone_a.new_page()
    install_and_sign_in(page_a, AUDITOR_A, ruling_id)
    network.down()
    page_a.reload()
    open_assignment_list(page_a)
    item = section(page_a, "Por leer").get_by_role("link", name=re.compile(re.escape(CASE)))
    expect(item).to_be_visible()
    expect(section(page_a, "Por leer").get_by_role("listitem").filter(has=item)).to_contain_text("versión 1")
    no_serious_violations(page_a, "/auditoria (offline)")
    item.click()
    expect(page_a.get_by_role("heading", level=1)).to_contain_text(CASE)
    label_span(page_a, text, AGREED, APPARENT, comment="Afirma sin explicar por qué.")
    expect(page_a.get_by_text("Guardado en el teléfono")).to_be_visible()
    label_span(page_a, text, A_ONLY, INSUFFICIENT)
    expect(my_annotation(page_a, AGREED)).to_contain_text(APPARENT)
    expect(my_annotation(page_a, A_ONLY)).to_contain_text(INSUFFICIENT)
    answer_questions(page_a)
    no_serious_violations(page_a, "/auditoria/<id> (offline)")
    waiting = [m["payload"] for m in idb(page_a, "outbox", None)]
    assert sum(1 for m in idb(page_a, "outbox", None) if m.get("intent") == "annotation.save") == 2, waiting

    def saved(assignment_id):
        return sorted(rows(sa.select(Annotation.start, Annotation.end, Annotation.label, Annotation.exact,
                                     Annotation.comment).where(Annotation.assignment_id == assignment_id,
                                                               Annotation.deleted_at.is_(None))))

    assert saved(mine_a) == []  # nothing left the phone

    network.up()
    expected_a = sorted([(text.index(AGREED), text.index(AGREED) + len(AGREED), "apparent_reasoning", AGREED,
                          "Afirma sin explicar por qué."),
                         (text.index(A_ONLY), text.index(A_ONLY) + len(A_ONLY), "insufficient_reasoning", A_ONLY,
                          None)])
    wait_until(page_a, lambda: saved(mine_a) == expected_a, timeout=30, what="A's annotations synced")
    wait_until(page_a, lambda: dict(rows(sa.select(DocumentAnswer.question, DocumentAnswer.value).where(
        DocumentAnswer.assignment_id == mine_a))) == ANSWERS, timeout=30, what="A's answers synced")
    page_a.get_by_role("button", name="Terminar la asignación").click()
    wait_until(page_a, lambda: one(sa.select(AnnotationAssignment.state).where(
        AnnotationAssignment.id == mine_a))[0] == "done", timeout=30, what="A's assignment finished")

    # 3. Auditor B annotates online on her own phone; she does not see A's work, nor A hers.
    phone_b = field_phone(chromium, base_url)
    page_b = phone_b.new_page()
    install_and_sign_in(page_b, AUDITOR_B, ruling_id)
    open_assignment_list(page_b)
    section(page_b, "Por leer").get_by_role("link", name=re.compile(re.escape(CASE))).click()
    expect(page_b.get_by_role("heading", level=1)).to_contain_text(CASE)
    label_span(page_b, text, AGREED, APPARENT)
    label_span(page_b, text, B_ONLY, INCONGRUENT)
    expected_b = sorted([(text.index(AGREED), text.index(AGREED) + len(AGREED), "apparent_reasoning", AGREED, None),
                         (text.index(B_ONLY), text.index(B_ONLY) + len(B_ONLY), "incongruent_reasoning", B_ONLY,
                          None)])
    wait_until(page_b, lambda: saved(mine_b) == expected_b, timeout=30, what="B's annotations synced")
    expect(page_b.get_by_role("heading", name="Anotaciones de los demás")).to_have_count(0)
    expect(page_b.get_by_text("Afirma sin explicar por qué.")).to_have_count(0)
    seen_by_b = Api(base_url, AUDITOR_B)("GET", f"/rulings/{ruling_id}/annotations")["items"]
    assert {a["vigia"]["label"] for a in seen_by_b} == {"apparent_reasoning", "incongruent_reasoning"}
    assert "Afirma sin explicar" not in json.dumps(idb(page_b, "records", None), ensure_ascii=False)
    no_serious_violations(page_b, "/auditoria/<id> (B)")
    page_a.reload()
    expect(page_a.get_by_role("heading", level=1)).to_contain_text(CASE)
    expect(page_a.get_by_role("heading", name="Anotaciones de los demás")).to_have_count(0)

    answer_questions(page_b)
    page_b.get_by_role("button", name="Terminar la asignación").click()
    wait_until(page_b, lambda: one(sa.select(AnnotationAssignment.state).where(
        AnnotationAssignment.id == mine_b))[0] == "done", timeout=30, what="B's assignment finished")
    page_a.reload()
    others = page_a.locator("section", has=page_a.get_by_role("heading", name="Anotaciones de los demás"))
    expect(others).to_contain_text(B_ONLY, timeout=30_000)

    # 4. The reviewer reads the agreement at the desk: the figure is the API's.
    scheme_version_id = one(sa.select(AnnotationAssignment.scheme_version_id).where(
        AnnotationAssignment.id == mine_a))[0]
    figures = reviewer("GET", f"/audit-projects/{project_id}/agreement",
                       params={"scheme_version_id": str(scheme_version_id)})
    desk_page.goto(f"/mesa/auditoria/proyectos/{project_id}/concordancia")
    expect(desk_page.get_by_role("heading", name="Concordancia", level=1)).to_be_visible()
    table = desk_page.get_by_role("table").first
    for column in ("Etiqueta", "κ de Cohen", "α de Krippendorff", "F1"):
        expect(table.get_by_role("columnheader", name=column)).to_be_visible()
    label_row = next(row for row in figures["span"]["labels"] if row["label"] == "apparent_reasoning")
    kappa = f"{label_row['kappa']:.2f}"
    row = table.get_by_role("row").filter(has_text=APPARENT)
    expect(row).to_contain_text(re.compile(kappa.replace(".", "[.,]")))
    no_serious_violations(desk_page, "agreement")

    # 5. It adjudicates: the agreed span and answers at once, then one click per disagreement.
    desk_page.goto(f"/mesa/auditoria/proyectos/{project_id}")
    desk_page.get_by_role("link", name="Adjudicar").and_(
        desk_page.locator(f"[href*='{ruling_id}']")).click()
    expect(desk_page.get_by_role("heading", name=f"Adjudicación: {CASE}", level=1)).to_be_visible()
    expect(desk_page.get_by_role("heading", name="Anotador A", level=2)).to_be_visible()
    expect(desk_page.get_by_role("heading", name="Anotador B", level=2)).to_be_visible()
    no_serious_violations(desk_page, "adjudication")
    desk_page.get_by_role("button", name="Aceptar las coincidencias").click()
    take_a = desk_page.get_by_role("button", name="Tomar A")
    expect(take_a).to_have_count(2)
    take_a.first.click()
    expect(take_a).to_have_count(1)
    take_a.first.click()
    expect(take_a).to_have_count(0)
    desk_page.get_by_role("button", name="Terminar la adjudicación").click()
    gold_id = wait_until(desk_page, lambda: (rows(sa.select(AnnotationAssignment.id).where(
        AnnotationAssignment.ruling_id == ruling_id, AnnotationAssignment.kind == "gold",
        AnnotationAssignment.state == "done")) or [None])[0], timeout=30, what="the gold finished")[0]
    assert [r[:3] for r in saved(gold_id)] == [r[:3] for r in expected_a]  # A's spans, A's labels
    assert dict(rows(sa.select(DocumentAnswer.question, DocumentAnswer.value).where(
        DocumentAnswer.assignment_id == gold_id))) == ANSWERS

    # 6. The judge's notebook: computed, reviewed, published; the judge invited to reply.
    desk_page.goto(f"/mesa/auditoria/proyectos/{project_id}/cuadernos")
    expect(desk_page.get_by_role("heading", name="Cuadernos", level=1)).to_be_visible()
    compute = desk_page.get_by_role("form", name="Calcular cuaderno")
    compute.get_by_label(re.compile("Persona juzgadora|Juez")).select_option(label=re.compile(JUDGE))
    compute.get_by_role("button", name=re.compile("Calcular")).click()
    judge_id = one(sa.select(Judge.id).where(Judge.full_name == JUDGE))[0]

    def notebook():
        return (rows(sa.select(Notebook.id, Notebook.state, Notebook.n_rulings).where(
            Notebook.project_id == project_id, Notebook.judge_id == judge_id)) or [None])[0]

    notebook_id = wait_until(desk_page, notebook, timeout=30, what="the notebook computed")[0]
    card = desk_page.locator("article, li, section").filter(has_text=JUDGE).filter(
        has=desk_page.get_by_role("button", name="Marcar revisado")).last
    expect(card).to_be_visible()
    no_serious_violations(desk_page, "notebooks")
    card.get_by_role("button", name="Marcar revisado").click()
    wait_until(desk_page, lambda: notebook()[1] == "reviewed", timeout=30, what="the notebook reviewed")
    card.get_by_role("button", name="Publicar").click()
    wait_until(desk_page, lambda: notebook()[1] == "published", timeout=30, what="the notebook published")
    n_rulings = notebook()[2]
    assert n_rulings == MIN_RULINGS  # the judge's three demo rulings and this one
    card.get_by_role("button", name="Invitar a responder").click()
    invitation = desk_page.get_by_text(re.compile(r"vgr_[A-Za-z0-9_-]+"))
    expect(invitation).to_be_visible()
    secret = re.search(r"vgr_[A-Za-z0-9_-]+", invitation.inner_text()).group(0)
    reply_path = f"/publico/{CODE}/cuadernos/{notebook_id}/responder"
    expect(desk_page.get_by_text(re.compile(re.escape(reply_path)))).to_be_visible()

    # 7. The public reads the notebook; the judge replies with the key; the reply is on the notebook's page.
    public_context = chromium.new_context(base_url=base_url, viewport=LAPTOP, locale="es-MX", bypass_csp=True)
    reader = public_context.new_page()
    reader.goto(f"/publico/{CODE}/cuadernos/{notebook_id}")
    expect(reader.get_by_role("heading", level=1)).to_contain_text(JUDGE)
    expect(reader.get_by_role("heading", name="Respuesta de la persona juzgadora")).to_have_count(0)
    no_serious_violations(reader, "public notebook")
    reader.goto(reply_path)
    reader.get_by_label("Clave de respuesta").fill(secret)
    reader.get_by_label("Firma").fill(SIGNED)
    reader.get_by_label("Respuesta").fill(REPLY)
    no_serious_violations(reader, "reply form")
    reader.get_by_role("button", name="Enviar respuesta").click()
    assert rows(sa.select(NotebookReply.signed_as, NotebookReply.text).where(
        NotebookReply.notebook_id == notebook_id)) == [(SIGNED, REPLY)]
    reader.goto(f"/publico/{CODE}/cuadernos/{notebook_id}")
    replied = reader.locator("section", has=reader.get_by_role("heading", name="Respuesta de la persona juzgadora"))
    expect(replied).to_contain_text(REPLY)
    expect(replied).to_contain_text(SIGNED)
    public_context.close()

    # 8. The public text changes (a corrected original, its findings decided, a new public version): on A's phone
    # one annotation shows as moved and the other waits to be placed again; the reviewer gives A the assignment back.
    originals = [t for t in reviewer("GET", f"/rulings/{ruling_id}/texts") if t["kind"] == "original"]
    original = reviewer("GET", f"/rulings/{ruling_id}/texts/{max(originals, key=lambda t: t['number'])['id']}")
    assert OLD_SENTENCE in original["text"]
    corrected = original["text"].replace("CONSIDERANDOS", ADDED + "CONSIDERANDOS", 1).replace(OLD_SENTENCE,
                                                                                               NEW_SENTENCE)
    reviewer("POST", f"/rulings/{ruling_id}/texts", json={"text": corrected})
    reviewer.decide_pending_findings(ruling_id)
    reviewer("POST", f"/rulings/{ruling_id}/public-version")
    new_text = reviewer.public_text(ruling_id)["text"]
    assert dict(rows(sa.select(Annotation.exact, Annotation.anchor_state).where(
        Annotation.assignment_id == mine_a, Annotation.deleted_at.is_(None)))) == {
        AGREED: "moved", A_ONLY: "orphaned"}
    assignment_version = one(sa.select(AnnotationAssignment.version).where(AnnotationAssignment.id == mine_a))[0]
    reviewer("POST", f"/annotation-assignments/{mine_a}/reopen", json={"version": assignment_version})

    page_a.goto(f"/auditoria/{mine_a}")
    expect(page_a.get_by_role("heading", level=1)).to_contain_text(CASE)
    expect(my_annotation(page_a, AGREED)).to_contain_text("Movida", timeout=30_000)
    orphans = page_a.locator("section", has=page_a.get_by_role("heading", name="Anotaciones por volver a ubicar"))
    orphan = orphans.get_by_role("listitem").filter(has_text=A_ONLY[:40])
    expect(orphan).to_be_visible()
    no_serious_violations(page_a, "/auditoria/<id> (re-anchoring)")
    start = new_text.index(PLACED)
    select_span(page_a, new_text, start, start + len(PLACED))
    orphan.get_by_role("button", name="Ubicar en la selección").click()
    expect(orphans.get_by_role("listitem")).to_have_count(0)
    expect(my_annotation(page_a, PLACED)).to_contain_text(INSUFFICIENT)

    def placed():
        return rows(sa.select(Annotation.start, Annotation.end, Annotation.exact, Annotation.anchor_state).where(
            Annotation.assignment_id == mine_a, Annotation.label == "insufficient_reasoning",
            Annotation.deleted_at.is_(None)))

    wait_until(page_a, lambda: placed() == [(start, start + len(PLACED), PLACED, "anchored")], timeout=30,
               what="the orphan placed again on the server")
    page_a.get_by_role("button", name="Terminar la asignación").click()
    wait_until(page_a, lambda: one(sa.select(AnnotationAssignment.state).where(
        AnnotationAssignment.id == mine_a))[0] == "done", timeout=30, what="A's assignment finished again")
    phone_a.close()
    phone_b.close()
