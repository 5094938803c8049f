"""A new public version of a ruling re-anchors its annotations in the same transaction (rulings' hook)."""

from __future__ import annotations

from server.annotations.models import Annotation
from server.auth.models import User
from server.rulings import publishing, records
from server.rulings.codelists import TextSource
from tests.annotations.conftest import TEXT, actor, span
from tests.annotations.test_flow import ANSWERS, annotate, assign
from tests.factories import municipality


def test_a_new_public_version_moves_keeps_or_orphans_annotations(client, session, team):
    first, _second = assign(client, team)
    kept = annotate(client, team, 0, first, span(team, "VISTOS", "apparent_reasoning")).json()
    moved = annotate(client, team, 0, first, span(team, "acreditó el vínculo laboral con las boletas de pago",
                                                  "external_justification")).json()
    repeated = annotate(client, team, 0, first, span(team, "el juzgado no expresó las razones de su decisión",
                                                     "insufficient_reasoning", occurrence=1)).json()
    lost = annotate(client, team, 0, first, span(team, "limitándose a citar la norma sin explicar por qué se "
                                                       "aplica al caso", "apparent_reasoning")).json()
    place = municipality(session)
    reviewer = actor(session, session.get(User, team.reviewer_id).email)
    new_text = TEXT.replace(
        "Primero.- Que el juzgado no expresó las razones de su decisión, limitándose a citar la norma sin explicar "
        "por qué se aplica al caso.",
        "Primero.- Que el juzgado motivó la admisión de la demanda con detalle suficiente.\n\nSegundo bis.- Que obra "
        "en autos el informe pericial contable.")
    records.add_original(session, actor=reviewer, municipality=place, ruling_id=team.ruling_id, text=new_text,
                         source=TextSource.text, detect=False)
    public, created = publishing.publish(session, actor=reviewer, municipality=place, ruling_id=team.ruling_id)
    assert created
    session.flush()
    rows = {str(row.id): row for row in session.query(Annotation).filter(Annotation.ruling_id == team.ruling_id)}

    def row(made):
        return rows[made["id"].removeprefix("urn:uuid:")]

    assert row(kept).anchor_state == "anchored" and row(kept).text_id == public.id
    assert row(moved).anchor_state == "moved" and public.text[row(moved).start:row(moved).end] == \
        "acreditó el vínculo laboral con las boletas de pago"
    quote = "el juzgado no expresó las razones de su decisión"
    assert row(repeated).anchor_state in ("moved", "anchored")
    assert row(repeated).start == public.text.index(quote)  # only one occurrence is left: the annotated one
    assert row(lost).anchor_state == "orphaned" and row(lost).text_id == team.text_id  # stays on its old text
    assert row(lost).version == 2
    # the orphan keeps its author from finishing until it is placed again or deleted
    url = team.url(f"/annotation-assignments/{first}")
    assert client.put(url + "/answers", headers=team.as_(0), json={"answers": ANSWERS, "version": 1}).status_code == 200
    blocked = client.post(url + "/finish", headers=team.as_(0), json={})
    assert blocked.status_code == 409 and blocked.json()["error"]["code"] == "annotations_orphaned"
    placed = client.put(team.url(f"/annotations/{row(lost).id}"), headers=team.as_(0), json={
        "exact": "motivó la admisión de la demanda", "label": "apparent_reasoning", "version": 2})
    assert placed.status_code == 200, placed.text
    assert placed.json()["vigia"]["anchorState"] == "anchored"
    assert placed.json()["target"]["source"] == f"urn:uuid:{public.id}"
    assert client.post(url + "/finish", headers=team.as_(0), json={}).json()["state"] == "done"
