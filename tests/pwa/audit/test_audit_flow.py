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
from decimal import ROUND_HALF_UP, Decimal

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.annotations.models import (
    Annotation,
    AnnotationAssignment,
    AnnotationScheme,
    AnnotationSchemeVersion,
    DocumentAnswer,
)
from server.auth.models import User
from server.notebooks.models import Notebook, NotebookReply
from server.rulings.models import Judge, Ruling
from tests.conftest import on_one_database
from tests.live import served_demo
from tests.pwa.conftest import DURANGO, Network, idb, nav, sign_in, wait_until
from tests.pwa.desk.conftest import LAPTOP, PASSWORD, desk_sign_in, serious_violations

pytestmark = [pytest.mark.timeout(300), on_one_database]  # a browser story, on one database (tests/conftest.py)

CODE = "10005"
API = f"/api/v1/municipalities/{CODE}"
REVIEWER, AUDITOR_A, AUDITOR_B = "revision@vigia.example", "auditor@vigia.example", "auditora2@vigia.example"
NAMES = {AUDITOR_A: "Daniela Ontiveros Cruz", AUDITOR_B: "Itzel Sarmiento Bustamante"}  # server/demo/users.json
# server/demo/rulings.json: 1158/2024 is the demo's published ruling nobody was assigned yet (its judge, Guillermo
# Nájera Lozoya, has two adjudicated demo rulings: with this one his notebook reaches the minimum set below).
CASE = "1158/2024"
JUDGE = "Guillermo Nájera Lozoya"
JUDGE_OPTION = f"{JUDGE} — Juez supernumerario en materia civil"
MIN_RULINGS = 3

BLIND = re.compile("se muestran cuando todas terminen")  # the workspace's words while the annotation is blind
APPARENT = "Inexistencia de motivación o motivación aparente"
INSUFFICIENT = "Motivación insuficiente"
INCONGRUENT = "Motivación sustancialmente incongruente"
AGREED = ("Del análisis de las constancias que integran el sumario se advierte que se encuentran satisfechos los "
          "elementos de la acción, por lo que resulta procedente declararla fundada.")
A_ONLY = ("Los alegatos formulados por la parte demandada no desvirtúan la conclusión alcanzada, por lo que se "
          "desestiman en su totalidad.")
B_ONLY = "la parte actora probó su acción, en tanto que la demandada no justificó sus excepciones"
# The seed scheme's document questions (server/annotations/seed.py), answered alike by both auditors.
CHOICES = {"¿Cuál es el sentido del fallo?": "Fundada",
           "¿El tiempo entre la presentación de la demanda y la resolución es razonable": "Sí",
           "¿La resolución se aparta de decisiones anteriores del mismo juez": "No"}
PRECEDENTS = "Precedentes y jurisprudencia que cita la resolución"
CITED = "2a./J. 58/2010"
ANSWERS = {"outcome": "upheld", "time_to_ruling_reasonable": True, "departs_from_own_precedent": "no",
           "cited_precedents": [CITED]}

# The corrected original published at the end: a paragraph added before the reasoning (every span after it moves;
# it quotes a text message with an emoji, a character outside the BMP: code points and UTF-16 units differ from
# there on) and the sentence of A's own annotation rewritten (that one cannot be found any more).
ADDED = ("CUARTO.- La parte actora exhibió la impresión de un mensaje que le envió la parte demandada, en el que se "
         "lee «la casa ya es tuya, no te preocupes 👍», cuya autenticidad no fue objetada.\n\n")
OLD_SENTENCE = A_ONLY
NEW_SENTENCE = "La parte demandada no formuló alegatos, pese a haber sido legalmente citada para ello."
PLACED = "no formuló alegatos, pese a haber sido legalmente citada para ello"
REPLY = ("Agradezco la lectura de mis resoluciones; la valoración de las pruebas se hizo conforme a la sana crítica "
         "y así lo explicitaré en lo sucesivo.")
SIGNED = "Guillermo Nájera Lozoya, Juez supernumerario en materia civil"


@pytest.fixture
def app_server(backend, tmp_path, served_dist):
    """The demo served with the notebooks' minimum at 3 adjudicated rulings (the judge's two and this one)."""
    with served_demo(backend, tmp_path, vigia_pwa_dir=served_dist, vigia_notebook_min_rulings=MIN_RULINGS) as served:
        yield served


# ------------------------------------------------------------------------------------------------ helpers


class Api:
    """The HTTP API as a demo account (bearer token), for what the story arranges outside the screens."""

    def __init__(self, base_url: str, email: str) -> None:
        self.client = httpx.Client(base_url=base_url + API, timeout=60)
        answer = httpx.post(base_url + "/api/v1/auth/login", json={"email": email, "password": PASSWORD,
                                                                    "device_name": "prueba"}, timeout=60)
        assert answer.status_code == 201, answer.text
        self.client.headers["Authorization"] = f"Bearer {answer.json()['token']}"

    def __call__(self, method: str, path: str, expected: tuple[int, ...] = (200, 201, 204), **kwargs):
        answer = self.client.request(method, path, **kwargs)
        assert answer.status_code in expected, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    def close(self) -> None:
        self.client.close()

    def dismiss_pending_findings(self, ruling_id) -> None:
        """The decisions taken on the previous original follow its text (docs/rulings.md): what is pending after a
        correction is the detector's new guesses on text already reviewed."""
        for finding in self("GET", f"/rulings/{ruling_id}/findings", params={"state": "pending"}):
            self("POST", f"/rulings/{ruling_id}/findings/{finding['id']}/decision",
                 json={"state": "dismissed", "version": finding["version"], "reason": "No es un dato personal."})

    def public_text(self, ruling_id) -> dict:
        public = [t for t in self("GET", f"/rulings/{ruling_id}/texts") if t["kind"] == "public"]
        latest = max(public, key=lambda t: t["number"])
        return self("GET", f"/rulings/{ruling_id}/texts/{latest['id']}")


def as_shown(figure: dict, key: str) -> str:
    """A κ or α as the desk shows it: Intl.NumberFormat es-MX with two decimals (V8 rounds the number's shortest
    decimal form, ties away from zero: 0.705 → 0.71), or in words why there is none."""
    value = figure[key]
    if value is None:
        return "sin variación" if figure["units"] else "sin unidades"
    return str(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def no_serious_violations(page, screen: str) -> None:
    found = serious_violations(page)
    assert found == [], f"{screen}: {json.dumps(found, ensure_ascii=False)}"


def open_assignment_list(page):
    nav(page, "Auditoría").click()
    expect(page.get_by_role("heading", name="Mis asignaciones", level=1)).to_be_visible()


def section(page, title: str):
    """A section of a screen (a region named by its h2)."""
    return page.get_by_role("region", name=title, exact=True)


def select_span(page, text: str, start: int, end: int) -> None:
    """Select [start, end) of the ruling text (code points, as the server counts) in the text region, the way a
    keyboard or caret user's selection is: a DOM Range over the region's text nodes (UTF-16 offsets)."""
    region = page.get_by_role("region", name="Texto de la resolución")
    utf16 = [len(text[:start].encode("utf-16-le")) // 2, len(text[:end].encode("utf-16-le")) // 2]
    selected = region.evaluate("""(root, [text, start, end]) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        const nodes = [];
        let all = '';
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          nodes.push([node, all.length]);
          all += node.data;
        }
        const base = all.indexOf(text);
        if (base < 0) return {error: 'the region does not hold the ruling text', length: all.length};
        const at = (offset, isEnd) => {
          for (const [node, from] of nodes) {
            const to = from + node.data.length;
            if (offset < to || (isEnd && offset === to)) return [node, offset - from];
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
    return section(page, "Mis anotaciones").get_by_role("listitem").filter(has_text=quote[:40])


def answer_questions(page) -> None:
    questions = page.get_by_role("region", name="Preguntas sobre la resolución")
    for question, choice in CHOICES.items():
        questions.get_by_role("group", name=question).get_by_role("radio", name=choice, exact=True).check()
    questions.get_by_label(PRECEDENTS).fill(CITED)
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


class Story:
    """The people of the story (the reviewer at the desk, two auditors' phones, the public) and what they share."""

    def __init__(self, chromium, base_url: str, database) -> None:
        self.chromium, self.base_url, self.database = chromium, base_url, database
        self.contexts, self.apis = [], []
        self.reviewer = self.api(REVIEWER)
        self.ruling_id, self.project_id = self.one(sa.select(Ruling.id, Ruling.project_id).where(
            Ruling.case_number == CASE))
        self.users = dict(self.rows(sa.select(User.email, User.id).where(
            User.email.in_([REVIEWER, AUDITOR_A, AUDITOR_B]))))

    def one(self, statement):
        with self.database.session_scope() as session:
            return session.execute(statement).one()

    def rows(self, statement):
        with self.database.session_scope() as session:
            return session.execute(statement).all()

    def api(self, email: str) -> Api:
        self.apis.append(Api(self.base_url, email))
        return self.apis[-1]

    def context(self, **options):
        context = self.chromium.new_context(base_url=self.base_url, locale="es-MX", bypass_csp=True, **options)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context

    def phone(self):
        """A cheap phone's browser, as tests/pwa/conftest.py's `phone` (CSP bypassed only to inject axe-core)."""
        return self.context(viewport={"width": 360, "height": 640}, geolocation=DURANGO,
                            permissions=["geolocation"], service_workers="allow")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        for api in self.apis:
            api.close()

    def saved(self, assignment_id):
        """An assignment's live annotations on the server: (start, end, label, exact, comment), by position."""
        return sorted(self.rows(sa.select(Annotation.start, Annotation.end, Annotation.label, Annotation.exact,
                                          Annotation.comment).where(Annotation.assignment_id == assignment_id,
                                                                    Annotation.deleted_at.is_(None))))

    def answers(self, assignment_id):
        return dict(self.rows(sa.select(DocumentAnswer.question, DocumentAnswer.value).where(
            DocumentAnswer.assignment_id == assignment_id)))

    def state(self, assignment_id) -> str:
        return self.one(sa.select(AnnotationAssignment.state).where(AnnotationAssignment.id == assignment_id))[0]

    def span(self, quote: str, label: str, comment: str | None = None):
        start = self.text.index(quote)
        return (start, start + len(quote), label, quote, comment)

    # -------------------------------------------------------------------------------------------- steps

    def read_the_public_text(self) -> None:
        """The published ruling nobody was assigned yet, and its public text (code points, as the server counts)."""
        assert self.rows(sa.select(AnnotationAssignment.id).where(
            AnnotationAssignment.ruling_id == self.ruling_id)) == []
        self.text = self.reviewer.public_text(self.ruling_id)["text"]
        for quote in (AGREED, A_ONLY, B_ONLY):
            assert self.text.count(quote) == 1, quote

    def assign_at_the_desk(self) -> None:
        self.scheme_name = scheme_name = self.one(sa.select(AnnotationScheme.name).where(
            AnnotationScheme.slug == "tc-peru-00728-2008"))[0]
        self.desk = page = self.context(viewport=LAPTOP).new_page()
        desk_sign_in(page, REVIEWER, then="/mesa/auditoria")
        expect(page.get_by_role("heading", name="Auditoría judicial", level=1)).to_be_visible()
        no_serious_violations(page, "/mesa/auditoria")
        page.get_by_role("link", name=re.compile("Auditoría social de sentencias")).first.click()
        expect(page).to_have_url(re.compile(f"/mesa/auditoria/proyectos/{self.project_id}"))
        form = page.get_by_role("form", name="Asignar")
        form.get_by_label("Resolución publicada").select_option(label=CASE)
        form.get_by_label("Primer auditor").select_option(label=NAMES[AUDITOR_A])
        form.get_by_label("Segundo auditor").select_option(label=NAMES[AUDITOR_B])
        form.get_by_label("Versión del esquema").select_option(label=f"{scheme_name} · versión 1")
        form.get_by_role("button", name="Asignar").click()
        expect(page.get_by_role("status").filter(has_text=f"Asignada {CASE}")).to_be_visible()
        no_serious_violations(page, "project page")
        assignments = dict(self.rows(sa.select(AnnotationAssignment.annotator_id, AnnotationAssignment.id).where(
            AnnotationAssignment.ruling_id == self.ruling_id, AnnotationAssignment.kind == "annotator")))
        assert set(assignments) == {self.users[AUDITOR_A], self.users[AUDITOR_B]}
        self.mine_a, self.mine_b = assignments[self.users[AUDITOR_A]], assignments[self.users[AUDITOR_B]]
        assert {self.state(self.mine_a), self.state(self.mine_b)} == {"assigned"}

    def a_annotates_offline_then_syncs(self) -> None:
        phone = self.phone()
        network = Network(phone, self.base_url)
        self.page_a = page = phone.new_page()
        install_and_sign_in(page, AUDITOR_A, self.ruling_id)
        network.down()
        page.reload()  # the app opens without the network: from the service worker and the phone's records
        open_assignment_list(page)
        link = section(page, "Por leer").get_by_role("link", name=CASE)
        expect(link).to_be_visible()
        expect(link).to_contain_text(f"{self.scheme_name} · versión 1")
        no_serious_violations(page, "/auditoria (offline)")
        link.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(CASE)
        label_span(page, self.text, AGREED, APPARENT, comment="Afirma sin explicar por qué.")
        expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
        label_span(page, self.text, A_ONLY, INSUFFICIENT)
        expect(my_annotation(page, AGREED)).to_contain_text(APPARENT)
        expect(my_annotation(page, A_ONLY)).to_contain_text(INSUFFICIENT)
        answer_questions(page)
        no_serious_violations(page, "/auditoria/<id> (offline)")
        outbox = idb(page, "outbox", None)
        assert [m["intent"] for m in outbox].count("annotation.save") == 2, outbox
        assert self.saved(self.mine_a) == [] and self.answers(self.mine_a) == {}  # nothing left the phone

        network.up()  # back online: the outbox goes by itself
        self.expected_a = sorted([self.span(AGREED, "apparent_reasoning", "Afirma sin explicar por qué."),
                                  self.span(A_ONLY, "insufficient_reasoning")])
        wait_until(page, lambda: self.saved(self.mine_a) == self.expected_a, timeout=30, what="A's annotations synced")
        wait_until(page, lambda: self.answers(self.mine_a) == ANSWERS, timeout=30, what="A's answers synced")
        page.get_by_role("button", name="Terminar la asignación").click()
        wait_until(page, lambda: self.state(self.mine_a) == "done", timeout=30, what="A's assignment finished")

    def b_annotates_online_blind(self) -> None:
        self.page_b = page = self.phone().new_page()
        install_and_sign_in(page, AUDITOR_B, self.ruling_id)
        open_assignment_list(page)
        section(page, "Por leer").get_by_role("link", name=CASE).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(CASE)
        label_span(page, self.text, AGREED, APPARENT)
        label_span(page, self.text, B_ONLY, INCONGRUENT)
        expected_b = sorted([self.span(AGREED, "apparent_reasoning"), self.span(B_ONLY, "incongruent_reasoning")])
        wait_until(page, lambda: self.saved(self.mine_b) == expected_b, timeout=30, what="B's annotations synced")
        # A finished, B not yet: neither sees the other's work, on screen, on the phone or through the API
        expect(page.get_by_text(BLIND)).to_be_visible()
        expect(page.get_by_role("heading", name="Anotaciones de los demás")).to_have_count(0)
        assert "Afirma sin explicar" not in json.dumps(idb(page, "records", None), ensure_ascii=False)
        no_serious_violations(page, "/auditoria/<id> (B, online)")
        self.page_a.reload()
        expect(self.page_a.get_by_role("heading", level=1)).to_contain_text(CASE)
        expect(my_annotation(self.page_a, A_ONLY)).to_be_visible()
        expect(self.page_a.get_by_text(BLIND)).to_be_visible()  # asked the server, which answered A's own only
        expect(self.page_a.get_by_role("heading", name="Anotaciones de los demás")).to_have_count(0)
        seen = self.api(AUDITOR_B)("GET", f"/rulings/{self.ruling_id}/annotations")["items"]
        assert sorted(a["vigia"]["label"] for a in seen) == ["apparent_reasoning", "incongruent_reasoning"]

        answer_questions(page)
        page.get_by_role("button", name="Terminar la asignación").click()
        wait_until(page, lambda: self.state(self.mine_b) == "done", timeout=30, what="B's assignment finished")
        assert self.answers(self.mine_b) == ANSWERS
        # both finished: each now reads the other's annotations
        self.page_a.reload()
        expect(section(self.page_a, "Anotaciones de los demás")).to_contain_text(B_ONLY[:40], timeout=30_000)

    def agreement_at_the_desk(self) -> None:
        page = self.desk
        version_id = self.one(sa.select(AnnotationAssignment.scheme_version_id).where(
            AnnotationAssignment.id == self.mine_a))[0]
        figures = self.reviewer("GET", f"/audit-projects/{self.project_id}/agreement",
                                params={"scheme_version_id": str(version_id)})
        page.goto(f"/mesa/auditoria/proyectos/{self.project_id}/concordancia")
        expect(page.get_by_role("heading", name="Concordancia", level=1)).to_be_visible()
        table = page.get_by_role("table").first
        for column in ("Etiqueta", "κ de Cohen", "α de Krippendorff", "F1"):
            expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
        definition = self.one(sa.select(AnnotationSchemeVersion.definition).where(
            AnnotationSchemeVersion.id == version_id))[0]
        rows = [(label["name"]["es"], figures["span"]["labels"][label["code"]]) for label in definition["labels"]]
        rows += [("Todo el esquema (fragmentos)", figures["span"]["scheme"])]
        rows += [(f"{label['name']['es']} (usada en la resolución)", figures["document"]["labels"][label["code"]])
                 for label in definition["labels"]]
        rows += [(f"Pregunta: {question['text']['es']}", figures["document"]["questions"][question["code"]])
                 for question in definition["questions"]]
        rows += [("Todo el esquema (documento)", figures["document"]["scheme"])]
        shown = []
        for head, figure in rows:  # every κ and α on the screen is the API's, to the two decimals shown
            row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=head, exact=True))
            cells = row.get_by_role("cell")
            shown.append((head, cells.nth(0).inner_text(), cells.nth(1).inner_text()))
        assert shown == [(head, as_shown(figure, "kappa"), as_shown(figure, "alpha")) for head, figure in rows]
        expect(page.locator("svg[role=img]").first).to_be_visible()  # the chart
        no_serious_violations(page, "agreement")

    def adjudicate_at_the_desk(self) -> None:
        page = self.desk
        page.goto(f"/mesa/auditoria/proyectos/{self.project_id}")
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=CASE, exact=True))
        row.get_by_role("link", name="Adjudicar").click()
        expect(page.get_by_role("heading", name=f"Adjudicación: {CASE}", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Anotador A", level=2)).to_be_visible()
        expect(page.get_by_role("heading", name="Anotador B", level=2)).to_be_visible()
        no_serious_violations(page, "adjudication")
        page.get_by_role("button", name="Aceptar las coincidencias").click()
        expect(page.get_by_role("status").filter(has_text="las coincidencias están en el oro")).to_be_visible()
        disagreements = page.get_by_role("list", name="Desacuerdos").get_by_role("listitem")
        expect(disagreements).to_have_count(2)  # A's span without B's, B's without A's
        disagreements.filter(has_text=A_ONLY[:40]).get_by_role("button", name="Tomar A").click()
        expect(page.get_by_role("status").filter(has_text="Tomar A")).to_be_visible()
        disagreements.filter(has_text=B_ONLY[:40]).get_by_role("button", name="Ninguna").click()
        expect(page.get_by_role("status").filter(has_text="Ninguna")).to_be_visible()
        page.get_by_role("button", name="Terminar la adjudicación").click()
        expect(page.get_by_text("Adjudicación terminada").first).to_be_visible()
        gold = self.rows(sa.select(AnnotationAssignment.id, AnnotationAssignment.state).where(
            AnnotationAssignment.ruling_id == self.ruling_id, AnnotationAssignment.kind == "gold"))
        assert [state for _, state in gold] == ["done"], gold
        gold_id = gold[0][0]
        assert [span[:4] for span in self.saved(gold_id)] == [span[:4] for span in self.expected_a]  # A's
        assert self.answers(gold_id) == ANSWERS

    def notebook_at_the_desk(self) -> None:
        page = self.desk
        page.goto(f"/mesa/auditoria/proyectos/{self.project_id}/cuadernos")
        expect(page.get_by_role("heading", name="Cuadernos", level=1)).to_be_visible()
        compute = page.get_by_role("form", name="Calcular cuaderno")
        compute.get_by_label("Persona juzgadora").select_option(label=JUDGE_OPTION)
        compute.get_by_role("button", name="Calcular cuaderno").click()
        judge_id = self.one(sa.select(Judge.id).where(Judge.full_name == JUDGE))[0]

        def notebook():
            found = self.rows(sa.select(Notebook.id, Notebook.state, Notebook.n_rulings).where(
                Notebook.project_id == self.project_id, Notebook.judge_id == judge_id))
            return found[0] if found else None

        self.notebook_id = wait_until(page, notebook, timeout=30, what="the notebook computed")[0]
        assert notebook()[2] == MIN_RULINGS  # the judge's two demo rulings and this one
        card = page.get_by_role("listitem").filter(has_text=JUDGE)
        expect(card).to_be_visible()
        no_serious_violations(page, "notebooks")
        card.get_by_role("button", name="Marcar revisado").click()
        wait_until(page, lambda: notebook()[1] == "reviewed", timeout=30, what="the notebook reviewed")
        card.get_by_role("button", name="Publicar").click()
        wait_until(page, lambda: notebook()[1] == "published", timeout=30, what="the notebook published")
        expect(page.get_by_role("status").filter(has_text=f"Cuaderno de {JUDGE} publicado")).to_be_visible()
        card.get_by_role("button", name="Invitar a responder").click()
        invitation = card.get_by_role("region", name="Invitación a responder")
        expect(invitation).to_be_visible()
        self.secret = invitation.locator("code").inner_text()
        assert self.secret.startswith("vgr_")
        self.reply_path = f"/publico/{CODE}/cuadernos/{self.notebook_id}/responder"
        expect(invitation.get_by_role("link", name=self.base_url + self.reply_path)).to_be_visible()
        no_serious_violations(page, "notebooks (invitation)")

    def the_public_reads_and_the_judge_replies(self) -> None:
        page = self.context(viewport=LAPTOP).new_page()
        notebook_path = f"/publico/{CODE}/cuadernos/{self.notebook_id}"
        page.goto(f"/publico/{CODE}/cuadernos")
        no_serious_violations(page, "public notebooks")
        judge = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=JUDGE, level=2))
        judge.get_by_role("link").first.click()  # the period of the judge's one notebook
        expect(page).to_have_url(re.compile(notebook_path + "$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(JUDGE)
        expect(page.get_by_text(f"{MIN_RULINGS} resoluciones adjudicadas").first).to_be_visible()  # figures shown
        expect(page.get_by_role("img", name=re.compile("Defectos de motivación"))).to_be_visible()  # a chart
        expect(page.get_by_text(REPLY[:40])).to_have_count(0)
        no_serious_violations(page, "public notebook")
        page.goto(self.reply_path)
        page.get_by_label("Clave de respuesta").fill(self.secret)
        page.get_by_label("Firma", exact=True).fill(SIGNED)
        page.get_by_label("Respuesta", exact=True).fill(REPLY)
        no_serious_violations(page, "reply form")
        page.get_by_role("button", name="Enviar respuesta").click()
        assert self.rows(sa.select(NotebookReply.signed_as, NotebookReply.text).where(
            NotebookReply.notebook_id == self.notebook_id)) == [(SIGNED, REPLY)]
        page.goto(notebook_path)
        replied = page.locator("section", has=page.get_by_role("heading", name="Respuesta de la persona juzgadora"))
        expect(replied).to_contain_text(REPLY)
        expect(replied).to_contain_text(SIGNED)

    def the_text_changes_and_a_places_the_orphan_again(self) -> None:
        """A corrected original, its findings decided, a new public version (through the API): on A's phone one
        annotation shows as moved and the other waits to be placed again; the reviewer gives A the assignment
        back, A places it on the new text and finishes again."""
        reviewer = self.reviewer
        originals = [t for t in reviewer("GET", f"/rulings/{self.ruling_id}/texts") if t["kind"] == "original"]
        latest = max(originals, key=lambda t: t["number"])
        original = reviewer("GET", f"/rulings/{self.ruling_id}/texts/{latest['id']}")["text"]
        assert original.count(OLD_SENTENCE) == 1
        corrected = original.replace("CONSIDERANDOS", ADDED + "CONSIDERANDOS", 1).replace(OLD_SENTENCE, NEW_SENTENCE)
        reviewer("POST", f"/rulings/{self.ruling_id}/texts", json={"text": corrected})
        reviewer.dismiss_pending_findings(self.ruling_id)
        reviewer("POST", f"/rulings/{self.ruling_id}/public-version")
        text = reviewer.public_text(self.ruling_id)["text"]
        assert "👍" in text[:text.index(PLACED)]
        assert dict(self.rows(sa.select(Annotation.exact, Annotation.anchor_state).where(
            Annotation.assignment_id == self.mine_a, Annotation.deleted_at.is_(None)))) == {
            AGREED: "moved", A_ONLY: "orphaned"}
        version = self.one(sa.select(AnnotationAssignment.version).where(AnnotationAssignment.id == self.mine_a))[0]
        reviewer("POST", f"/annotation-assignments/{self.mine_a}/reopen", json={"version": version})

        page = self.page_a
        page.goto(f"/auditoria/{self.mine_a}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(CASE)
        expect(my_annotation(page, AGREED)).to_contain_text("Movida", timeout=30_000)
        orphans = section(page, "Anotaciones por volver a ubicar")
        orphan = orphans.get_by_role("listitem").filter(has_text=A_ONLY[:40])
        expect(orphan).to_be_visible()
        no_serious_violations(page, "/auditoria/<id> (re-anchoring)")
        start = text.index(PLACED)
        select_span(page, text, start, start + len(PLACED))
        orphan.get_by_role("button", name="Ubicar en la selección").click()
        expect(orphans.get_by_role("listitem")).to_have_count(0)
        expect(my_annotation(page, PLACED)).to_contain_text(INSUFFICIENT)

        def placed():
            return self.rows(sa.select(Annotation.start, Annotation.end, Annotation.exact, Annotation.anchor_state)
                             .where(Annotation.assignment_id == self.mine_a,
                                    Annotation.label == "insufficient_reasoning", Annotation.deleted_at.is_(None)))

        wait_until(page, lambda: placed() == [(start, start + len(PLACED), PLACED, "anchored")], timeout=30,
                   what="the orphan placed again on the server")
        page.get_by_role("button", name="Terminar la asignación").click()
        wait_until(page, lambda: self.state(self.mine_a) == "done", timeout=30, what="A's assignment finished again")


def test_two_auditors_annotate_the_reviewer_adjudicates_publishes_and_the_judge_replies(chromium, app_server):
    story = Story(chromium, *app_server)
    try:
        story.read_the_public_text()
        story.assign_at_the_desk()
        story.a_annotates_offline_then_syncs()
        story.b_annotates_online_blind()
        story.agreement_at_the_desk()
        story.adjudicate_at_the_desk()
        story.notebook_at_the_desk()
        story.the_public_reads_and_the_judge_replies()
        story.the_text_changes_and_a_places_the_orphan_again()
    finally:
        story.close()
