"""The judicial audit's reviewer at the desk, in Chromium on both databases (docs/pwa.md, "Judicial audit:
agreement, adjudication, notebooks"): the agreement figures the API computes, as a table and a chart; a ruling
both demo auditors finished adjudicated into its gold in a click per item (a stale version reloads and says so);
a judge's notebook computed with it, reviewed, published, and a reply invited with a key shown once. axe-core on
each screen: 0 serious or critical violations."""

from __future__ import annotations

import re
import uuid

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.annotations.models import Annotation, AnnotationAssignment, DocumentAnswer
from tests.conftest import on_one_database
from tests.pwa.desk.conftest import PHONE, desk_sign_in, serious_violations

pytestmark = [pytest.mark.timeout(240), on_one_database]  # a browser story, on one database (tests/conftest.py)

MUNI = "/api/v1/municipalities/10005"
CASE = "558/2025"  # the demo ruling the auditors are still annotating (docs/rulings.md, the demo)
# both mark this sentence with "external justification", B only up to "niega": the one span they differ on
SENTENCE = ("La carga de la prueba corresponde a quien afirma un hecho, no a quien lo niega, salvo que la negación "
            "envuelva la afirmación expresa de otro hecho;")
SHORTER = "La carga de la prueba corresponde a quien afirma un hecho, no a quien lo niega"
AGREED = "únicamente genera un indicio que debe adminicularse con el resto del material probatorio"


class Api:
    """One demo account through the API with its bearer token (as the field app or a script would)."""

    def __init__(self, base_url: str, email: str) -> None:
        self.base = base_url + MUNI
        signed = httpx.post(base_url + "/api/v1/auth/login", timeout=30, json={
            "email": email, "password": "vigia-demo-2026", "device_name": "Pruebas"})
        assert signed.status_code in (200, 201), signed.text
        self.headers = {"Authorization": f"Bearer {signed.json()['token']}"}

    def __call__(self, method: str, path: str, want: int | tuple = (200, 201), **kwargs):
        answer = httpx.request(method, self.base + path, headers=self.headers, timeout=30, **kwargs)
        assert answer.status_code in (want if isinstance(want, tuple) else (want,)), answer.text
        return answer.json() if answer.content else None


def annotate(api: Api, assignment_id: str, text: str, quote: str, label: str) -> None:
    start = text.index(quote)
    api("POST", f"/annotation-assignments/{assignment_id}/annotations", 201,
        json={"start": start, "end": start + len(quote), "exact": quote, "label": label})


def two_finished_no_gold(base_url: str) -> dict:
    """Ruling 558/2025 brought through the API to "both auditors finished, no gold": the reviewer gives the first
    auditor's assignment back, each marks the agreed span, they differ on one span, B answers like A, both finish."""
    reviewer = Api(base_url, "revision@vigia.example")
    one, two = Api(base_url, "auditor@vigia.example"), Api(base_url, "auditora2@vigia.example")
    project = reviewer("GET", "/audit-projects")[0]
    ruling = next(r for r in reviewer("GET", "/rulings", params={"project_id": project["id"]})
                  if r["case_number"] == CASE)
    text = reviewer("GET", f"/rulings/{ruling['id']}")["public_text"]["text"]
    rows = reviewer("GET", f"/audit-projects/{project['id']}/assignments", params={"ruling_id": ruling["id"]})
    assert not [r for r in rows if r["kind"] == "gold"]
    first, second = (next(r for r in api("GET", f"/audit-projects/{project['id']}/assignments",
                                         params={"ruling_id": ruling["id"], "mine": "true"}) if r["kind"] == "annotator")
                     for api in (one, two))
    if first["state"] == "done":
        reviewer("POST", f"/annotation-assignments/{first['id']}/reopen", json={})
    annotate(one, first["id"], text, AGREED, "insufficient_reasoning")
    annotate(two, second["id"], text, AGREED, "insufficient_reasoning")
    annotate(two, second["id"], text, SHORTER, "external_justification")
    version = two("GET", f"/annotation-assignments/{second['id']}")["assignment"]["version"]
    two("PUT", f"/annotation-assignments/{second['id']}/answers", json={"version": version, "answers": {
        "outcome": "acquittal", "time_to_ruling_reasonable": True, "departs_from_own_precedent": "yes"}})
    one("POST", f"/annotation-assignments/{first['id']}/finish", json={})
    two("POST", f"/annotation-assignments/{second['id']}/finish", json={})
    view = reviewer("GET", f"/rulings/{ruling['id']}/adjudication", params={"scheme_version_id": first["scheme_version_id"]})
    side_a = next(a for a in view["annotators"] if a["side"] == "a")["assignment_id"]
    # what "Tomar A" puts in the gold: the sentence of whoever is A (the assignments' order decides it)
    return {"reviewer": reviewer, "project": project, "ruling": ruling, "text": text,
            "version": first["scheme_version_id"], "a_marked": SENTENCE if side_a == first["id"] else SHORTER,
            "first_side": "a" if side_a == first["id"] else "b"}


def a_label_nobody_used(base_url: str, reviewer: Api, project: dict) -> str:
    """A published scheme of one label, and a demo ruling both auditors finished with it without marking anything:
    its agreement has no variation (κ and α undefined). The version's id."""
    scheme = reviewer("POST", "/annotation-schemes", json={"slug": "prueba-sin-variacion", "name": "Esquema de prueba",
                      "definition": {"labels": [{"code": "rare", "name": {"es": "Etiqueta rara"},
                                                 "definition": {"es": "Nadie la usa."}}]}})
    version = reviewer("POST", f"/annotation-schemes/{scheme['id']}/versions/1/publish")["id"]
    ruling = next(r for r in reviewer("GET", "/rulings", params={"project_id": project["id"]})
                  if r["case_number"] == "1434/2024")
    team = {person["email"]: person["user_id"] for person in reviewer("GET", f"/audit-projects/{project['id']}/team")}
    reviewer("POST", f"/audit-projects/{project['id']}/assignments", 201, json={
        "ruling_id": ruling["id"], "scheme_version_id": version,
        "annotator_ids": [team["auditor@vigia.example"], team["auditora2@vigia.example"]]})
    for email in ("auditor@vigia.example", "auditora2@vigia.example"):
        api = Api(base_url, email)
        mine = next(r for r in api("GET", f"/audit-projects/{project['id']}/assignments",
                                   params={"ruling_id": ruling["id"], "mine": "true"})
                    if r["scheme_version_id"] == version)
        api("POST", f"/annotation-assignments/{mine['id']}/finish", json={})
    return version


def test_the_reviewer_reads_agreement_adjudicates_and_publishes_a_notebook(desk, chromium, app_server) -> None:
    base_url, database = app_server
    case = two_finished_no_gold(base_url)
    reviewer, project, ruling, text = case["reviewer"], case["project"], case["ruling"], case["text"]
    figures = reviewer("GET", f"/audit-projects/{project['id']}/agreement",
                       params={"scheme_version_id": case["version"]})
    scheme = reviewer("GET", "/annotation-schemes")[0]["versions"][0]["definition"]
    names = {label["code"]: label["name"]["es"] for label in scheme["labels"]}

    # agreement: the API's figures, per label and for the scheme, in the table; the chart beside them
    page = desk.new_page()
    desk_sign_in(page, "revision@vigia.example", then=f"/mesa/auditoria/proyectos/{project['id']}/concordancia")
    expect(page.get_by_role("heading", name="Concordancia", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(re.compile(f"Sobre {figures['rulings']} resoluciones"))
    table = page.get_by_role("table", name="Concordancia por etiqueta y para todo el esquema")
    for header in ("Etiqueta", "κ de Cohen", "α de Krippendorff", "F1"):
        expect(table.get_by_role("columnheader", name=header, exact=True)).to_be_visible()
    for code, figure in figures["span"]["labels"].items():
        row = table.get_by_role("row", name=names[code], exact=False).first
        expect(row.locator("[data-figure=kappa]")).to_have_text(f"{figure['kappa']:.2f}")
        expect(row.locator("[data-figure=alpha]")).to_have_text(f"{figure['alpha']:.2f}")
        expect(row.locator("[data-figure=f1]")).to_have_text(
            f"exacto {figure['f1_exact']:.2f} · con solapamiento {figure['f1_relaxed']:.2f}")
    whole = table.get_by_role("row", name="Todo el esquema (fragmentos)")
    expect(whole.locator("[data-figure=kappa]")).to_have_text(f"{figures['span']['scheme']['kappa']:.2f}")
    expect(whole).to_contain_text(f"{figures['span']['scheme']['units']:,} unidades")
    expect(page.get_by_role("img", name="κ y α por etiqueta (nivel de fragmento)")).to_be_visible()
    assert serious_violations(page) == []
    # a version where nobody used the label: no variation, said in words (never 0)
    a_label_nobody_used(base_url, reviewer, project)
    page.reload()
    page.get_by_label("Versión del esquema").select_option(label="Esquema de prueba — versión 1 (2 asignaciones en el proyecto)")
    expect(page.get_by_role("status")).to_have_text(re.compile("Sobre 1 resolución terminada"))
    rare = table.get_by_role("row", name="Etiqueta rara").first
    for cell in ("kappa", "alpha"):
        expect(rare.locator(f"[data-figure={cell}]")).to_have_text("sin variación")
    expect(rare.locator("[data-figure=f1]")).to_have_text("sin fragmentos que comparar")

    # adjudication: both annotators side by side, the one disagreement, take A, accept the agreed, finish
    page.goto(f"/mesa/auditoria/resoluciones/{ruling['id']}/adjudicacion")
    expect(page.get_by_role("heading", name=f"Adjudicación: {CASE}", level=1)).to_be_visible()
    for side in ("Anotador A", "Anotador B"):
        expect(page.get_by_role("heading", name=side, level=2)).to_be_visible()
    disagreements = page.get_by_role("list", name="Desacuerdos").get_by_role("listitem")
    expect(disagreements).to_have_count(1)
    item = disagreements.first
    expect(item).to_contain_text(names["external_justification"])
    expect(item).to_contain_text(f"«{SHORTER}»")  # B's or A's, beside the other's whole sentence
    expect(item).to_contain_text("Aún no está en el oro")
    assert serious_violations(page) == []
    # the same reviewer, in another browser, starts the adjudication and decides an answer: the page opened before
    # any gold existed must not take the server's newer version as its own and overwrite unseen decisions
    started = reviewer("POST", f"/rulings/{ruling['id']}/adjudication", json={"scheme_version_id": case["version"]})
    reviewer("POST", f"/rulings/{ruling['id']}/adjudication/decisions", json={
        "scheme_version_id": case["version"], "version": started["version"],
        "answers": [{"question": "cited_precedents", "take": case["first_side"]}]})
    item.get_by_role("button", name="Tomar A").click()
    expect(page.get_by_role("status")).to_contain_text("Alguien cambió esta adjudicación")
    expect(item).to_contain_text("Aún no está en el oro")
    item.get_by_role("button", name="Tomar A").click()
    expect(page.get_by_role("status")).to_have_text(f"Guardado: {names['external_justification']}, Tomar A.")
    expect(item).to_contain_text("En el oro")

    # the project's coordinator looks on: told whose adjudication it is, with no decision to take in it
    onlooker = chromium.new_context(base_url=app_server[0], viewport=desk.pages[0].viewport_size, locale="es-MX")
    try:
        coordinator = onlooker.new_page()
        desk_sign_in(coordinator, "admin@vigia.example", then=f"/mesa/auditoria/resoluciones/{ruling['id']}/adjudicacion")
        expect(coordinator.locator("[data-figure=progress]")).to_contain_text(
            "Fernando Arreola Meraz adjudica esta resolución: puede leerla, pero las decisiones son suyas.")
        expect(coordinator.get_by_role("button", name="Tomar B").first).to_be_disabled()
        expect(coordinator.get_by_role("button", name="Terminar la adjudicación")).to_have_count(0)
    finally:
        onlooker.close()

    # meanwhile the gold changes elsewhere (a document answer decided from the API): the desk's version is stale
    view = reviewer("GET", f"/rulings/{ruling['id']}/adjudication", params={"scheme_version_id": case["version"]})
    reviewer("POST", f"/rulings/{ruling['id']}/adjudication/decisions", json={
        "scheme_version_id": case["version"], "version": view["gold"]["version"],
        "answers": [{"question": "cited_precedents", "take": case["first_side"]}]})
    page.get_by_role("button", name="Aceptar las coincidencias").click()
    expect(page.get_by_role("status")).to_contain_text("Alguien cambió esta adjudicación")
    page.get_by_role("button", name="Aceptar las coincidencias").click()
    expect(page.get_by_role("status")).to_have_text("Guardado: las coincidencias están en el oro.")
    cited = page.get_by_role("row").filter(has_text="Precedentes y jurisprudencia")  # A cites one, B none
    expect(cited.get_by_role("cell").nth(2)).to_have_text("tesis 1a. CCXXXVIII/2013 (10a.)")  # the API took the first auditor's
    cited.get_by_role("button", name="Ninguna").click()
    expect(cited.get_by_role("cell").nth(2)).to_have_text("Aún no está en el oro")
    page.get_by_role("button", name="Terminar la adjudicación").click()
    expect(page.get_by_role("status")).to_contain_text("Adjudicación terminada")
    with database.session_scope() as session:
        gold = session.scalars(sa.select(AnnotationAssignment).where(
            AnnotationAssignment.ruling_id == uuid.UUID(ruling["id"]), AnnotationAssignment.kind == "gold")).one()
        spans = session.scalars(sa.select(Annotation).where(Annotation.assignment_id == gold.id,
                                                            Annotation.deleted_at.is_(None))).all()
        assert gold.state == "done"
        answers = dict(session.execute(sa.select(DocumentAnswer.question, DocumentAnswer.value).where(
            DocumentAnswer.assignment_id == gold.id)).all())
        assert answers == {"outcome": "acquittal", "time_to_ruling_reasonable": True, "departs_from_own_precedent": "yes"}
        assert sorted((s.label, s.exact) for s in spans) == [("external_justification", case["a_marked"]),
                                                            ("insufficient_reasoning", AGREED)]
    page.set_viewport_size(PHONE)  # on a phone the two annotators are stacked, A above B
    a_box = page.get_by_role("heading", name="Anotador A", level=2).bounding_box()
    b_box = page.get_by_role("heading", name="Anotador B", level=2).bounding_box()
    assert b_box["y"] > a_box["y"] + 100 and abs(b_box["x"] - a_box["x"]) < 5
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})

    # notebooks: the judge of that ruling, computed (the new gold counts), reviewed, published, a reply invited
    judge = ruling["judges"][0]["full_name"]
    title = next(j["title"] for j in reviewer("GET", "/judges") if j["full_name"] == judge)
    page.goto(f"/mesa/auditoria/proyectos/{project['id']}/cuadernos")
    expect(page.get_by_role("heading", name="Cuadernos", level=1)).to_be_visible()
    form = page.get_by_role("form", name="Calcular cuaderno")
    form.get_by_label("Persona juzgadora").select_option(label=f"{judge} — {title}")
    form.get_by_role("button", name="Calcular cuaderno").click()
    expect(page.get_by_role("status")).to_contain_text(f"Cuaderno calculado: {judge}")
    notebook = next(n for n in reviewer("GET", "/notebooks", params={"project_id": project["id"]})
                    if n["judge"]["full_name"] == judge)
    assert notebook["state"] == "draft" and ruling["id"] in notebook["figures"]["ruling_ids"]  # the new gold counts
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=judge))
    expect(card.locator("[data-figure=n_rulings]")).to_have_text(f"{notebook['n_rulings']} resoluciones adjudicadas")
    assert serious_violations(page) == []
    card.get_by_label("Nota de la revisión (interna, opcional)").fill("Cifras cotejadas con el oro.")
    card.get_by_role("button", name="Marcar revisado").click()
    expect(card).to_contain_text("Revisado")
    expect(card).to_contain_text("Nota de la revisión (interna): Cifras cotejadas con el oro.")
    card.get_by_role("button", name="Publicar").click()
    expect(card).to_contain_text("Publicado")
    expect(card).to_contain_text(notebook["withheld_reason"] or "El público ve sus cifras")
    expect(card.get_by_role("link", name=f"Página pública del cuaderno de {judge}")).to_have_attribute(
        "href", f"/publico/10005/cuadernos/{notebook['id']}")
    days = card.get_by_label("Días para responder")
    days.fill("0")  # refused in words, not quietly turned into the default 30 days
    card.get_by_role("button", name="Invitar a responder").click()
    expect(card.get_by_role("alert")).to_contain_text("Días para responder: Debe ser mayor o igual que 1.")
    expect(card.locator("[data-reply-key]")).to_have_count(0)
    days.fill("30")
    card.get_by_role("button", name="Invitar a responder").click()
    key = card.locator("[data-reply-key]")
    expect(key).to_have_text(re.compile(r"^vgr_\S+$"))
    expect(card.locator("[data-reply-address]")).to_have_text(
        f"{base_url}/publico/10005/cuadernos/{notebook['id']}/responder")
    assert serious_violations(page) == []
    secret = key.inner_text()
    page.reload()  # shown once: the server keeps only its hash
    expect(page.get_by_role("heading", name="Cuadernos", level=1)).to_be_visible()
    expect(page.get_by_text(secret)).to_have_count(0)
    replied = httpx.post(f"{base_url}{MUNI}/notebooks/{notebook['id']}/replies", timeout=30, json={
        "secret": secret, "signed_as": judge, "text": "Respuesta de prueba a este cuaderno."})
    assert replied.status_code == 201, replied.text

    # a project id that is no project (mistyped, or another municipality's): that alone, not "no notebooks yet"
    page.goto("/mesa/auditoria/proyectos/00000000-0000-0000-0000-000000000000/cuadernos")
    expect(page.get_by_role("alert")).to_contain_text("No existe ese proyecto de auditoría en este municipio.")
    expect(page.get_by_text("Este proyecto aún no tiene cuadernos.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Cuadernos del proyecto")).to_have_count(0)

    # a ruling nobody annotates yet (343/2025 is still in redaction in the demo): said in words, not a blank page
    waiting = next(r for r in reviewer("GET", "/rulings", params={"project_id": project["id"]})
                   if r["case_number"] == "343/2025")
    page.goto(f"/mesa/auditoria/resoluciones/{waiting['id']}/adjudicacion")
    expect(page.get_by_role("heading", name="Adjudicación: 343/2025", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Aún no hay nada que adjudicar")
