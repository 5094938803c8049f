"""Re-anchoring across text versions (no database): insertions, deletions, repeated quotes, edits in the quote."""

from __future__ import annotations

from server.annotations.anchoring import ANCHORED, MOVED, ORPHANED, Reanchorer, context, reanchor

OLD = ("VISTOS: el recurso de apelación interpuesto por la demandante contra la resolución número cinco. "
       "CONSIDERANDO: Primero.- Que el juzgado no expresó las razones de su decisión, limitándose a citar "
       "la norma sin explicar por qué se aplica al caso. Segundo.- Que la demandante acreditó el vínculo "
       "laboral con las boletas de pago. Tercero.- Que el juzgado no expresó las razones de su decisión "
       "respecto de la indemnización. FALLO: declarar fundada la demanda.")


def annotate(text: str, quote: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    end = start + len(quote)
    prefix, suffix = context(text, start, end)
    return {"start": start, "end": end, "exact": quote, "prefix": prefix, "suffix": suffix}


def check(anchor, new: str, quote: str | None = None):
    assert new[anchor.start:anchor.end] == anchor.exact
    if quote is not None:
        assert anchor.exact == quote
    assert anchor.prefix == new[max(0, anchor.start - 32):anchor.start]
    assert anchor.suffix == new[anchor.end:anchor.end + 32]


def test_unchanged_text_stays_anchored():
    note = annotate(OLD, "limitándose a citar la norma")
    anchor = reanchor(OLD, OLD, **note)
    assert (anchor.state, anchor.start, anchor.end) == (ANCHORED, note["start"], note["end"])


def test_an_edit_after_the_quote_leaves_it_anchored():
    note = annotate(OLD, "limitándose a citar la norma")
    new = OLD.replace("FALLO: declarar fundada", "FALLO: declarar infundada")
    anchor = reanchor(OLD, new, **note)
    assert (anchor.state, anchor.start) == (ANCHORED, note["start"])


def test_an_insertion_before_moves_the_quote():
    note = annotate(OLD, "limitándose a citar la norma")
    insert = "Con el dictamen fiscal que antecede. "
    new = OLD.replace("CONSIDERANDO:", insert + "CONSIDERANDO:")
    anchor = reanchor(OLD, new, **note)
    assert anchor.state == MOVED
    assert anchor.start == note["start"] + len(insert)
    check(anchor, new, "limitándose a citar la norma")


def test_a_deletion_before_moves_the_quote():
    note = annotate(OLD, "acreditó el vínculo laboral")
    new = OLD.replace("interpuesto por la demandante ", "")
    anchor = reanchor(OLD, new, **note)
    assert anchor.state == MOVED and anchor.start == note["start"] - len("interpuesto por la demandante ")
    check(anchor, new, "acreditó el vínculo laboral")


def test_repeated_quote_goes_to_the_right_occurrence():
    quote = "el juzgado no expresó las razones de su decisión"
    second = annotate(OLD, quote, occurrence=1)
    first = annotate(OLD, quote, occurrence=0)
    # a sentence inserted between the two occurrences, and one before both
    new = OLD.replace("Segundo.-", "Además, obra en autos el informe pericial. Segundo.-").replace(
        "VISTOS:", "VISTOS Y OÍDOS:")
    moved_second = reanchor(OLD, new, **second)
    moved_first = reanchor(OLD, new, **first)
    assert moved_second.state == MOVED and moved_first.state == MOVED
    assert moved_second.start == new.index(quote, new.index(quote) + 1)
    assert moved_first.start == new.index(quote)
    check(moved_second, new, quote)


def test_repeated_quote_whose_context_changed_follows_the_diff():
    quote = "el juzgado no expresó las razones de su decisión"
    second = annotate(OLD, quote, occurrence=1)
    # the words around the second occurrence are rewritten; the first occurrence keeps its context
    new = OLD.replace("Tercero.- Que el juzgado", "Tercero.- Asimismo, se advierte que el juzgado").replace(
        "decisión respecto de la indemnización", "decisión en cuanto al monto de la indemnización")
    anchor = reanchor(OLD, new, **second)
    assert anchor.state == MOVED
    assert anchor.start == new.index(quote, new.index(quote) + 1)


def test_a_deleted_occurrence_of_a_repeated_quote_is_orphaned_not_moved_to_the_other():
    quote = "el juzgado no expresó las razones de su decisión"
    second = annotate(OLD, quote, occurrence=1)
    new = OLD.replace("Tercero.- Que el juzgado no expresó las razones de su decisión respecto de la indemnización. ",
                      "")
    anchor = reanchor(OLD, new, **second)
    assert anchor.state == ORPHANED
    assert (anchor.start, anchor.end, anchor.exact) == (second["start"], second["end"], quote)


def test_an_edit_inside_the_quote_is_found_approximately_and_the_quote_updated():
    quote = "limitándose a citar la norma sin explicar por qué se aplica al caso"
    note = annotate(OLD, quote)
    edited = "limitándose a citar la norma legal sin explicar por qué se aplica al presente caso"
    new = ("Con el dictamen fiscal. " + OLD).replace(quote, edited)
    anchor = reanchor(OLD, new, **note)
    assert anchor.state == MOVED
    assert anchor.exact == edited
    check(anchor, new)


def test_a_short_quote_with_a_typo_fixed_is_found():
    old = OLD.replace("boletas de pago", "boletas de pgo")
    note = annotate(old, "las boletas de pgo")
    new = "Nota. " + OLD
    anchor = reanchor(old, new, **note)
    assert anchor.state == MOVED and anchor.exact == "las boletas de pago"


def test_a_rewritten_passage_is_orphaned():
    quote = "limitándose a citar la norma sin explicar por qué se aplica al caso"
    note = annotate(OLD, quote)
    new = OLD.replace(quote, "con una exposición detallada de los hechos probados y del derecho aplicable")
    anchor = reanchor(OLD, new, **note)
    assert anchor.state == ORPHANED and anchor.exact == quote


def test_a_deleted_passage_is_orphaned():
    quote = "acreditó el vínculo laboral con las boletas de pago"
    note = annotate(OLD, quote)
    new = OLD.replace("Segundo.- Que la demandante acreditó el vínculo laboral con las boletas de pago. ", "")
    assert reanchor(OLD, new, **note).state == ORPHANED


def test_a_quote_that_only_shows_up_somewhere_unrelated_is_not_taken():
    quote = "fundada"
    note = annotate(OLD, quote)
    new = OLD.replace("FALLO: declarar fundada la demanda.", "FALLO: se reserva.") \
        + " Nota: la apelación fue fundada en hechos nuevos."
    anchor = reanchor(OLD, new, **note)
    assert anchor.state == ORPHANED


def test_many_annotations_on_one_pair_of_texts():
    new = "Texto revisado. " + OLD.replace("número cinco", "número 5")
    tool = Reanchorer(OLD, new)
    quotes = ["VISTOS", "resolución número cinco", "boletas de pago", "FALLO"]
    anchors = [tool.anchor(**annotate(OLD, quote)) for quote in quotes]
    assert [a.state for a in anchors] == [MOVED, MOVED, MOVED, MOVED]
    assert anchors[1].exact == "resolución número 5"
    for anchor in anchors:
        check(anchor, new)


def test_a_quote_at_the_very_start_or_end():
    first = annotate(OLD, "VISTOS")
    last = annotate(OLD, "la demanda.")
    new = OLD + "\n\nRegístrese y notifíquese."
    assert reanchor(OLD, new, **first).state == ANCHORED
    moved = reanchor(OLD, new, **last)  # its suffix changed: the position still holds the quote
    assert moved.state == ANCHORED and moved.start == last["start"]


def test_a_moved_paragraph_with_an_edit_is_found_by_the_fuzzy_match_with_its_context():
    paragraph = "Segundo.- Que la demandante acreditó el vínculo laboral con las boletas de pago. "
    quote = "la demandante acreditó el vínculo laboral con las boletas de pago"
    note = annotate(OLD, quote)
    edited = paragraph.replace("boletas de pago", "boletas de pago")
    new = OLD.replace(paragraph, "").replace("FALLO:", edited.replace("acreditó", "acreditó plenamente") + "FALLO:")
    anchor = reanchor(OLD, new, **note)
    assert anchor.state == MOVED
    assert anchor.exact == "la demandante acreditó plenamente el vínculo laboral con las boletas de pago"
    check(anchor, new)


def test_re_anchoring_many_annotations_on_a_long_ruling_is_fast():
    import time

    old = " ".join(f"Considerando {n}.- Que el juzgado valoró la prueba {n} de manera conjunta." for n in range(400))
    new = "Con el dictamen fiscal. " + old.replace("prueba 200 de", "prueba documental 200 de")
    tool = Reanchorer(old, new)
    began = time.perf_counter()
    anchors = [tool.anchor(**annotate(old, f"valoró la prueba {n} de manera")) for n in range(0, 400, 4)]
    assert time.perf_counter() - began < 5
    assert {anchor.state for anchor in anchors} == {MOVED}
    assert anchors[50].exact == "valoró la prueba documental 200 de manera"


def test_a_deleted_copy_of_a_repeated_passage_with_the_same_context_is_orphaned():
    passage = ("Se declara improcedente la excepción de prescripción deducida por la parte demandada, "
               "por no haberse acreditado el plazo alegado en autos. ")
    old = "PRIMERO. " + passage + passage + passage + "FALLO."
    quote = "improcedente la excepción"
    second = annotate(old, quote, occurrence=1)
    new = "PRIMERO. " + passage + passage + "FALLO."  # one copy removed: the annotated one goes with it?
    # The diff cannot tell which copy went; it keeps the first ones and deletes the last. The annotation on the
    # second copy is still on a copy the diff kept, so it stays; the one on the third is orphaned.
    assert reanchor(old, new, **second).state == ANCHORED
    third = annotate(old, quote, occurrence=2)
    assert reanchor(old, new, **third).state == ORPHANED
