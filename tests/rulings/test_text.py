"""The canonical form of a ruling's text, and its SHA-256 as the identity of a version."""

from __future__ import annotations

import hashlib

from server.rulings.text import canonical, sha256


def test_canonical_form_rule_by_rule() -> None:
    assert canonical("Sentencia\r\nN°\r1") == "Sentencia\nN°\n1"  # CRLF and CR
    assert canonical("Jose\u0301") == "José"  # NFC
    assert canonical("fun\u00addamen\u200bto\ufeff de\u200c\u200d\u2060 ley") == "fundamento de ley"
    assert canonical("VISTOS:   \t\nlos autos \u00a0\n") == "VISTOS:\nlos autos"  # trailing spaces per line
    assert canonical("uno\n\n\n\n\n\ndos\n\n\ntres\n\ncuatro") == "uno\n\n\ndos\n\n\ntres\n\ncuatro"  # ≥3 blanks → 2
    assert canonical("\n\n  \nTexto\n\n \n") == "Texto"  # leading and trailing blank lines
    assert canonical("sobre el funda-\nmento de la de-\n  manda.") == "sobre el fundamento\nde la demanda."
    # a hyphen that is not a line-end hyphenation stays: numbers, upper case, a dash before a space
    assert canonical("Ley 27-\n444") == "Ley 27-\n444"
    assert canonical("Lima-\nCallao") == "Lima-\nCallao"
    assert canonical("  sangría inicial") == "  sangría inicial"  # leading spaces of a line are kept


def test_the_same_ruling_typed_or_extracted_has_one_identity() -> None:
    typed = "SENTENCIA\n\nVISTOS: el fundamento de la demanda."
    pasted = "\ufeffSENTENCIA  \r\n\r\n\r\n\r\n\r\nVISTOS: el funda-\r\nmento de la demanda.\r\n"
    assert canonical(pasted) == canonical(typed).replace("\n\n", "\n\n\n", 1).replace("fundamento de",
                                                                                        "fundamento\nde")
    assert canonical(canonical(pasted)) == canonical(pasted)  # idempotent
    assert sha256("José") == hashlib.sha256("José".encode()).hexdigest()
    assert sha256(canonical("a\r\nb")) == sha256(canonical("a\nb  "))


def test_the_size_limit_of_a_text_reads_with_thousands_separated() -> None:
    """"2000000 caracteres" is hard to read: 2 000 000 (Spanish, a narrow no-break space) and 2,000,000 (English)."""
    from server.i18n import fill, translate, validation_text
    from server.rulings.records import MAX_TEXT_CHARS
    assert translate("ruling_text_too_large", "es", limit=MAX_TEXT_CHARS) == (
        "El texto de la sentencia pasa de 2\u202f000\u202f000 caracteres.")
    assert translate("ruling_text_too_large", "en", limit=MAX_TEXT_CHARS) == (
        "The ruling's text is longer than 2,000,000 characters.")
    assert fill(validation_text("string_too_long", "es"), "es", max_length=2_000_000) == (
        "Debe tener como máximo 2\u202f000\u202f000 caracteres.")
    assert fill(validation_text("string_too_long", "en"), "en", max_length=2_000_000) == (
        "Must have at most 2,000,000 characters.")
    assert fill(validation_text("string_too_long", "es"), "es", max_length=4000) == (
        "Debe tener como máximo 4000 caracteres.")  # four digits are not split in Spanish
