"""The judicial-ruling audit, end to end over HTTP on both databases: import (JSON and PDF) → redact → confirm →
double annotate → agreement → adjudicate → notebook → the judge's reply → publish; and the demo shows a notebook.

Every step is a request of the person who does it (the demo's reviewer and its two student auditors, the judge
without an account, the public without signing in); the assertions are what each of them reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from fpdf import FPDF

from server.auth import service as auth
from server.config import configure_settings
from server.fixtures import DEFAULT_PATH
from server.annotations import fixtures as annotation_fixtures
from server.notebooks import fixtures as notebook_fixtures
from server.rulings import fixtures as ruling_fixtures
from server.rulings.models import Ruling
from tests.factories import bearer, token_for

MUNI = "/api/v1/municipalities/10005"
REVIEWER, AUDITOR_A, AUDITOR_B = "revision@vigia.example", "auditor@vigia.example", "auditora2@vigia.example"

# Two short rulings of a synthetic judge. The personal data are marked so the test knows what must disappear.
FIRST = """JUZGADO TERCERO DE LO CIVIL DEL DISTRITO JUDICIAL DE DURANGO
EXPEDIENTE: 4410/2025

Victoria de Durango, Durango, a doce de mayo de dos mil veinticinco.

VISTOS para dictar sentencia definitiva en el juicio ordinario civil promovido por Araceli Gurrola Zamarripa, \
con C.U.R.P. GUZA850312MDGRMR07, apodada «la Güera», en contra de Transportes El Sauce S.A. de C.V.

RESULTANDO

PRIMERO.- La actora reclamó el pago de $85,000.00 por los daños causados a su vehículo; señaló como teléfono \
el 618 555 0192 y como domicilio Calle Negrete 214 Pte., Zona Centro, Durango, Dgo.

CONSIDERANDO

I.- Las excepciones opuestas por la demandada resultan infundadas, pues no desvirtúan la acción intentada.

II.- Del análisis de las constancias se advierte que se encuentran satisfechos los elementos de la acción, por \
lo que resulta procedente declararla fundada.

RESUELVE

PRIMERO.- Se condena a la demandada al pago de la cantidad reclamada. Así lo resolvió la Jueza Judith Olvera \
Landeros, Jueza Tercero de lo Civil."""
FIRST_PERSONAL = ["Araceli Gurrola Zamarripa", "GUZA850312MDGRMR07", "la Güera", "618 555 0192",
                  "Calle Negrete 214 Pte., Zona Centro, Durango, Dgo."]
SECOND = """JUZGADO TERCERO DE LO CIVIL DEL DISTRITO JUDICIAL DE DURANGO
EXPEDIENTE: 4471/2025

Victoria de Durango, Durango, a dos de junio de dos mil veinticinco.

VISTOS los autos del juicio especial de arrendamiento promovido por Sergio Valdez Quiñones
contra Elvia Castañeda Rocha, quien señaló el correo elvia.castaneda@example.com para recibir notificaciones.

CONSIDERANDO

I.- La prueba testimonial ofrecida no merece valor probatorio, pues no genera convicción en quien resuelve.

II.- Valoradas en su conjunto las pruebas, la demandada no acreditó el pago de las rentas reclamadas.

RESUELVE

PRIMERO.- Se declara rescindido el contrato de arrendamiento. Así lo resolvió la Jueza Judith Olvera Landeros."""
SECOND_PERSONAL = ["Sergio Valdez Quiñones", "Elvia Castañeda Rocha", "elvia.castaneda@example.com"]
INSUFFICIENT = "Las excepciones opuestas por la demandada resultan infundadas, pues no desvirtúan la acción intentada."
APPARENT = ("Del análisis de las constancias se advierte que se encuentran satisfechos los elementos de la acción, "
            "por lo que resulta procedente declararla fundada.")
TESTIMONY = "La prueba testimonial ofrecida no merece valor probatorio, pues no genera convicción en quien resuelve."


def _pdf(text: str) -> bytes:
    """A PDF with a text layer, as a court's system prints a ruling: one line of the text per printed line
    (core fonts: Latin-1)."""
    pdf = FPDF(orientation="landscape")
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    for line in text.split("\n"):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _spans(text: str, values: list[str]) -> list[tuple[int, int]]:
    spans = []
    for value in values:
        start = text.index(value)
        spans.append((start, start + len(value)))
    return spans


@pytest.fixture
def fewer_rulings_to_publish(backend):
    """Two adjudicated rulings are enough for this test's notebook to show its figures."""
    configure_settings(backend.settings.model_copy(update={"vigia_notebook_min_rulings": 2}))
    yield
    configure_settings(backend.settings)


def test_the_whole_flow_over_http(client, session, fewer_rulings_to_publish) -> None:
    reviewer, a, b = (bearer(token_for(session, email)) for email in (REVIEWER, AUDITOR_A, AUDITOR_B))
    ids = {email: auth.get_by_email(session, email).id for email in (AUDITOR_A, AUDITOR_B)}

    # The reviewer registers the court, the judge, and a project whose team is the two auditors.
    court = _ok(client.post(f"{MUNI}/courts", headers=reviewer, json={
        "name": "Juzgado Tercero de lo Civil del Distrito Judicial de Durango", "level": "first_instance",
        "speciality": "civil", "district": "Distrito Judicial de Durango"}), 201)
    judge = _ok(client.post(f"{MUNI}/judges", headers=reviewer, json={
        "full_name": "Judith Olvera Landeros", "title": "Jueza Tercero de lo Civil"}), 201)
    _ok(client.post(f"{MUNI}/judges/{judge['id']}/assignments", headers=reviewer, json={
        "court_id": court["id"], "role": "titular", "starts_on": "2023-01-02"}), 201)
    project = _ok(client.post(f"{MUNI}/audit-projects", headers=reviewer, json={
        "name": "Auditoría de prueba del flujo completo, 2025", "period_starts_on": "2025-01-01",
        "period_ends_on": "2025-12-31"}), 201)
    assert project["my_role"] == "coordinator"
    for email in (AUDITOR_A, AUDITOR_B):
        _ok(client.put(f"{MUNI}/audit-projects/{project['id']}/team/{ids[email]}", headers=reviewer,
                       json={"role": "auditor"}))
    rulings_url = f"{MUNI}/audit-projects/{project['id']}/rulings"

    # Import: the first ruling as JSON, the second as a PDF uploaded to its record.
    common = {"court_id": court["id"], "kind": "sentencia", "matter": "civil",
              "judges": [{"judge_id": judge["id"], "role": "ponente"}],
              "parties": [{"role": "actor", "kind": "person"}, {"role": "demandado", "kind": "organisation"}]}
    first = _ok(client.post(rulings_url, headers=reviewer, json={
        **common, "case_number": "4410/2025", "outcome": "upheld", "filed_on": "2024-09-02",
        "heard_on": "2025-04-28", "ruled_on": "2025-05-12", "text": FIRST}), 201)
    second = _ok(client.post(rulings_url, headers=reviewer, json={
        **common, "case_number": "4471/2025", "outcome": "upheld", "filed_on": "2025-01-20",
        "ruled_on": "2025-06-02"}), 201)
    assert second["state"] == "imported" and second["original"] is None
    uploaded = client.post(f"{MUNI}/rulings/{second['id']}/texts", headers={**reviewer,
                           "Content-Type": "application/pdf"}, content=_pdf(SECOND))
    assert uploaded.status_code == 201, uploaded.text

    # Nothing of it is public yet: not the ruling, not its original.
    assert client.get(f"{MUNI}/rulings/{first['id']}").status_code == 404
    assert client.get(f"{MUNI}/rulings/{first['id']}/texts/{first['original']['id']}").status_code == 404

    public: dict[str, str] = {}
    for ruling, personal in ((first, FIRST_PERSONAL), (second, SECOND_PERSONAL)):
        url = f"{MUNI}/rulings/{ruling['id']}"
        original = _ok(client.get(url, headers=reviewer))["original"]
        text = _ok(client.get(f"{url}/texts/{original['id']}", headers=b))["text"]  # the team reads the original
        wanted = _spans(text, personal)
        findings = _ok(client.get(f"{url}/findings", headers=a))
        assert findings, "the detector found nothing"
        refused = _ok(client.post(f"{url}/public-version", headers=reviewer), 409)
        assert refused["error"]["code"] == "redaction_unreviewed"
        # An auditor selects what the detector missed; the reviewer decides every finding.
        for start, end in wanted:
            if not any(f["start"] < end and start < f["end"] for f in findings):
                _ok(client.post(f"{url}/findings", headers=a, json={
                    "text_id": original["id"], "start": start, "end": end, "category": "person_name"}), 201)
        for finding in _ok(client.get(f"{url}/findings", headers=reviewer, params={"state": "pending"})):
            personal_here = any(finding["start"] < end and start < finding["end"] for start, end in wanted)
            _ok(client.post(f"{url}/findings/{finding['id']}/decision", headers=reviewer, json={
                "state": "confirmed" if personal_here else "dismissed", "version": finding["version"],
                "reason": None if personal_here else "No es un dato personal."}))
        published = _ok(client.post(f"{url}/public-version", headers=reviewer), 201)
        assert published["state"] == "published"
        public[ruling["id"]] = published["public_text"]["id"]
        seen = _ok(client.get(url))  # the public, without signing in
        for value in personal:
            shown = seen["public_text"]["text"]
            assert value not in shown and value.replace("\n", " ") not in shown
        assert "Judith Olvera Landeros" in seen["public_text"]["text"]  # a judge's name is public
        assert client.get(f"{url}/texts/{original['id']}").status_code == 404
    assert "[CURP]" in _ok(client.get(f"{MUNI}/rulings/{first['id']}"))["public_text"]["text"]

    # Double annotation with the seed scheme: blind until both finish.
    scheme = _ok(client.post(f"{MUNI}/annotation-schemes/seed", headers=reviewer))
    version_id = next(v["id"] for v in scheme["versions"] if v["state"] == "published")
    assignments: dict[str, dict[str, str]] = {}
    for ruling in (first, second):
        rows = _ok(client.post(f"{MUNI}/audit-projects/{project['id']}/assignments", headers=reviewer, json={
            "ruling_id": ruling["id"], "scheme_version_id": version_id,
            "annotator_ids": [str(ids[AUDITOR_A]), str(ids[AUDITOR_B])]}), 201)
        assignments[ruling["id"]] = {AUDITOR_A if row["annotator_id"] == str(ids[AUDITOR_A]) else AUDITOR_B: row["id"]
                                     for row in rows}
    plan = {  # what each auditor marks: they agree on one passage and disagree on another
        (first["id"], AUDITOR_A): [(INSUFFICIENT, "insufficient_reasoning"), (APPARENT, "apparent_reasoning")],
        (first["id"], AUDITOR_B): [(INSUFFICIENT, "insufficient_reasoning")],
        (second["id"], AUDITOR_A): [(TESTIMONY, "insufficient_reasoning")],
        (second["id"], AUDITOR_B): [(TESTIMONY, "apparent_reasoning")],
    }
    answers = {"outcome": "upheld", "time_to_ruling_reasonable": True, "departs_from_own_precedent": "no"}
    tokens = {AUDITOR_A: a, AUDITOR_B: b}
    for (ruling_id, email), notes in plan.items():
        assignment = f"{MUNI}/annotation-assignments/{assignments[ruling_id][email]}"
        for exact, label in notes:
            made = _ok(client.post(f"{assignment}/annotations", headers=tokens[email],
                                   json={"exact": exact, "label": label, "comment": "Sin razones."}), 201)
            assert made["type"] == "Annotation" and "anno.jsonld" in str(made["@context"])
        if email == AUDITOR_B:  # her colleague has finished, she has not: she sees only her own annotations
            seen = _ok(client.get(f"{MUNI}/rulings/{ruling_id}/annotations", headers=b))
            quotes = [selector["exact"] for item in seen["items"] for selector in item["target"]["selector"]
                      if selector["type"] == "TextQuoteSelector"]
            assert sorted(quotes) == sorted(exact for exact, _ in notes), seen
        version = _ok(client.get(assignment, headers=tokens[email]))["assignment"]["version"]
        agrees = email == AUDITOR_A or ruling_id == second["id"]
        mine = dict(answers, outcome="upheld" if agrees else "partially_upheld")
        _ok(client.put(f"{assignment}/answers", headers=tokens[email], json={"answers": mine, "version": version}))
        _ok(client.post(f"{assignment}/finish", headers=tokens[email], json={}))
    seen_by_b = _ok(client.get(f"{MUNI}/rulings/{first['id']}/annotations", headers=b))
    assert len(seen_by_b["items"]) == 3  # both finished: each sees the other's

    agreement = _ok(client.get(f"{MUNI}/audit-projects/{project['id']}/agreement", headers=reviewer,
                               params={"scheme_version_id": version_id}))
    assert agreement["rulings"] == 2
    assert "span" in agreement and "document" in agreement

    # Adjudication: the agreed passage in bulk, each disagreement decided, the answers too.
    for ruling in (first, second):
        url = f"{MUNI}/rulings/{ruling['id']}/adjudication"
        gold = _ok(client.post(url, headers=reviewer, json={"scheme_version_id": version_id}), 201)
        view = _ok(client.get(url, headers=reviewer, params={"scheme_version_id": version_id}))
        decisions = [{"key": item["key"], "take": "a" if item["label"] != "apparent_reasoning" or
                      ruling is first else "neither"} for item in view["items"] if not item["agreed"]]
        _ok(client.post(f"{url}/decisions", headers=reviewer, json={
            "scheme_version_id": version_id, "version": gold["version"], "accept_agreed": True, "items": decisions,
            "answers": [{"question": "outcome", "take": "a"}]}))
        _ok(client.post(f"{MUNI}/annotation-assignments/{gold['id']}/finish", headers=reviewer, json={}))

    # The notebook: computed from the gold, reviewed, the judge replies without an account, published.
    notebook = _ok(client.post(f"{MUNI}/audit-projects/{project['id']}/notebooks", headers=reviewer,
                               json={"judge_id": judge["id"]}), 201)
    assert notebook["n_rulings"] == 2 and notebook["state"] == "draft"
    url = f"{MUNI}/notebooks/{notebook['id']}"
    assert client.get(url).status_code == 404  # a draft is not public
    notebook = _ok(client.post(f"{url}/review", headers=reviewer, json={"version": notebook["version"],
                                                                          "note": "Cifras verificadas."}))
    invitation = _ok(client.post(f"{url}/reply-invitations", headers=reviewer, json={"days": 15}), 201)
    reply = {"secret": invitation["secret"], "signed_as": "Judith Olvera Landeros, Jueza Tercero de lo Civil",
             "text": "Las excepciones se resolvieron conforme al criterio vigente; tomo nota de la observación."}
    _ok(client.post(f"{url}/replies", json=reply), 201)
    assert client.post(f"{url}/replies", json=reply).status_code == 409  # the secret works once
    _ok(client.post(f"{url}/publish", headers=reviewer, json={"version": notebook["version"]}))
    shown = _ok(client.get(url))
    assert shown["state"] == "published" and shown["withheld"] is False
    assert shown["n_rulings"] == 2 and shown["figures"] is not None
    assert "ruling_ids" not in shown["figures"]
    assert [r["text"] for r in shown["replies"]] == [reply["text"]]
    page = client.get(f"{url}.html")
    assert page.status_code == 200 and "Judith Olvera Landeros" in page.text and "tomo nota" in page.text


def test_the_demo_shows_a_published_notebook_and_one_withheld(client) -> None:
    shown = _ok(client.get(f"{MUNI}/notebooks"))  # the public, without signing in
    by_judge = {item["judge"]["full_name"]: item for item in shown}
    published = by_judge["Leonor Bracamontes Ayala"]
    assert published["state"] == "published" and published["withheld"] is False
    assert published["n_rulings"] == 12 and published["figures"] is not None
    assert published["replies"] and "auditoría social" in published["replies"][0]["text"]
    assert published["courts"][0]["name"].startswith("Juzgado Primero de lo Civil")
    assert published["surveys"], "the court users' survey of her court is shown beside the notebook"
    withheld = by_judge["Ernesto Villalobos Treviño"]
    assert withheld["withheld"] is True and withheld["figures"] is None and "10" in withheld["withheld_reason"]
    assert client.get(f"{MUNI}/notebooks/{published['id']}.html").status_code == 200


def test_the_demo_project_shows_each_stage_of_the_work(client, session) -> None:
    reviewer = bearer(token_for(session, REVIEWER))
    projects = _ok(client.get(f"{MUNI}/audit-projects", headers=reviewer))
    demo = next(p for p in projects if p["name"].startswith("Auditoría social de sentencias"))
    assert demo["published_rulings"] == 37 and demo["my_role"] == "reviewer"
    public = _ok(client.get(f"{MUNI}/rulings", params={"project_id": demo["id"]}))  # without signing in
    assert len(public) == 37 and Counter(r["matter"] for r in public).keys() == {"civil", "family", "labour",
                                                                                "criminal"}
    one = _ok(client.get(f"{MUNI}/rulings/{public[0]['id']}"))
    assert "[NOMBRE]" in one["public_text"]["text"]
    # the team also sees two rulings still in redaction, with the detector's findings waiting for a decision
    waiting = _ok(client.get(f"{MUNI}/rulings", headers=reviewer, params={"project_id": demo["id"],
                                                                          "state": "in_redaction"}))
    assert len(waiting) == 2 and all(r["pending_findings"] > 0 for r in waiting)
    assert client.get(f"{MUNI}/rulings/{waiting[0]['id']}").status_code == 404
    # one ruling whose second auditor has not finished, two both auditors have still to read, one not assigned
    assignments = _ok(client.get(f"{MUNI}/audit-projects/{demo['id']}/assignments", headers=reviewer))
    assert Counter(a["state"] for a in assignments) == Counter({"done": 33 * 3 + 1, "in_progress": 1, "assigned": 4})
    to_read = {a["case_number"] for a in assignments if a["state"] == "assigned"}
    assert len(to_read) == 2 and {a["annotator_email"] for a in assignments if a["state"] == "assigned"} == {
        AUDITOR_A, AUDITOR_B}
    assigned = {a["ruling_id"] for a in assignments}
    waiting = [r for r in public if r["id"] not in assigned]
    assert [r["case_number"] for r in waiting] == ["1158/2024"]  # the reviewer assigns it (the e2e test does)
    scheme = next(s for s in _ok(client.get(f"{MUNI}/annotation-schemes", headers=reviewer))
                  if s["slug"] == "tc-peru-00728-2008")
    version_id = next(v["id"] for v in scheme["versions"] if v["state"] == "published")
    agreement = _ok(client.get(f"{MUNI}/audit-projects/{demo['id']}/agreement", headers=reviewer,
                               params={"scheme_version_id": version_id}))
    assert agreement["rulings"] == 33  # rulings both auditors finished


def test_loading_the_demo_again_changes_nothing(session) -> None:
    before = session.scalar(sa.select(sa.func.count()).select_from(Ruling))
    report: dict[str, Counter[str]] = {}
    for loader in (ruling_fixtures, annotation_fixtures, notebook_fixtures):
        loader.load(session, DEFAULT_PATH, report)
    assert set(report["rulings"]) == {"unchanged"} and set(report["annotated rulings"]) == {"unchanged"}
    assert report["notebooks"] == Counter({"unchanged": 2})
    assert set(report["surveys"]) == {"unchanged"}
    assert set(report["courts"]) == {"unchanged"} and set(report["judges"]) == {"unchanged"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Ruling)) == before


def test_demo_texts_carry_their_personal_data_only_where_marked() -> None:
    """The demo file is consistent: marked spans are inside the texts, annotation quotes are unique and never
    cross a marked span (they are placed on the redacted text)."""
    import json

    document = json.loads((DEFAULT_PATH / "rulings.json").read_text("utf-8"))
    assert 32 <= len(document["rulings"]) <= 40
    for item in document["rulings"]:
        text = item["text"]
        assert 600 <= len(text.split()) <= 2500
        marked = [(span["start"], span["end"]) for span in item["personal_data"]]
        assert all(0 <= start < end <= len(text) for start, end in marked)
        quotes = [note["exact"] for notes in item.get("annotations", {}).values() for note in notes]
        quotes += [span["exact"] for span in item.get("adjudication", {}).get("spans", [])]
        for quote in quotes:
            assert text.count(quote) == 1, quote
            start = text.index(quote)
            assert not any(s < start + len(quote) and start < e for s, e in marked), quote
