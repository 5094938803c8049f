"""The message catalogues (issue 14): gettext `.po` files per language, a template extracted from the code.

Every code the code marks (server/i18n/extract.py) is in the template; every language has a text for each one,
with the same placeholders as Spanish; nothing fuzzy, nothing obsolete. A translator adds a language by adding one
catalogue, and Accept-Language picks it (docs/translating.md).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from server import i18n
from server.i18n import catalogues

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "server" / "locales"
TEMPLATE = LOCALES / "vigia.pot"
REFRESH = "run ./dev.sh messages to extract the codes and update the catalogues (docs/translating.md)"


def extracted() -> dict[str, list[str]]:
    """What `pybabel extract -F babel.cfg server` finds: each code with the places that mark it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, list[str]] = {}
    for filename, line, code, _, _ in extract_from_dir(str(ROOT / "server"), method_map, options_map):
        found.setdefault(code, []).append(f"server/{filename}:{line}")
    return found


def read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=None if path.suffix == ".pot" else path.parent.parent.name)


def signature(text: str) -> set[tuple[str, str]]:
    """A text's placeholders with their format ("{limit:MB}", "{value:.0f}"); a plural's words ("{n:día|días}")
    are each language's own."""
    return {(name, "plural" if "|" in spec else spec) for _, name, spec, _ in i18n.FORMATTER.parse(text) if name}


def problems(codes: list[str], catalog: Catalog, spanish: Catalog, language: str) -> list[str]:
    """What keeps `catalog` from being complete and consistent with the template's `codes`, in words."""
    found = []
    for code in codes:
        message = catalog.get(code)
        if message is None or not message.string:
            found.append(f"{language}: {code} has no text")
        elif message.fuzzy:
            found.append(f"{language}: {code} is fuzzy (a guess to review): {message.string!r}")
        elif spanish.get(code) is not None and signature(message.string) != signature(spanish[code].string):
            found.append(f"{language}: {code} placeholders differ from Spanish: {message.string!r} vs "
                         f"{spanish[code].string!r}")
    wanted = set(codes)
    found += [f"{language}: {message.id} is not in the template" for message in catalog
              if message.id and message.id not in wanted]
    found += [f"{language}: {code} is obsolete (#~)" for code in catalog.obsolete]
    return found


def test_the_template_holds_every_code_the_code_marks() -> None:
    marked = extracted()
    template = {message.id for message in read(TEMPLATE) if message.id}
    assert len(marked) > 500  # the extractor sees the whole server
    assert not set(marked) - template, f"codes missing from vigia.pot ({REFRESH}): " + ", ".join(
        f"{code} ({marked[code][0]})" for code in sorted(set(marked) - template))
    assert not template - set(marked), f"codes no longer in the code ({REFRESH}): {sorted(template - set(marked))}"


def test_every_language_has_every_message_with_the_same_placeholders() -> None:
    codes = sorted(message.id for message in read(TEMPLATE) if message.id)
    languages = sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/vigia.po"))
    assert {"es", "en"} <= set(languages)
    spanish = read(LOCALES / "es" / "LC_MESSAGES" / "vigia.po")
    found = [problem for language in languages
             for problem in problems(codes, read(LOCALES / language / "LC_MESSAGES" / "vigia.po"), spanish, language)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


def _catalog(entries: dict[str, str], *, fuzzy: tuple[str, ...] = (), obsolete: dict[str, str] | None = None) -> Catalog:
    catalog = Catalog(locale="pt", fuzzy=False)
    for code, text in entries.items():
        catalog.add(code, text, flags=("fuzzy",) if code in fuzzy else ())
    for code, text in (obsolete or {}).items():
        catalog.obsolete[code] = catalog.add(code, text)
        del catalog[code]
    buffer = io.BytesIO()
    write_po(buffer, catalog)  # through the file format, as a translator's tool writes it
    buffer.seek(0)
    return read_po(buffer, locale="pt")


@pytest.mark.parametrize(("catalog", "expected"), [
    (_catalog({"a": "Um."}), "b has no text"),
    (_catalog({"a": "Um.", "b": ""}), "b has no text"),
    (_catalog({"a": "Um.", "b": "Dois."}, fuzzy=("b",)), "b is fuzzy"),
    (_catalog({"a": "Um.", "b": "Dois."}, obsolete={"c": "Três."}), "c is obsolete"),
    (_catalog({"a": "Um.", "b": "Dois.", "d": "Quatro."}), "d is not in the template"),
    (_catalog({"a": "Um {limit:MB}.", "b": "Dois {n} {n:dia|dias}."}), "a placeholders differ"),  # another name
    (_catalog({"a": "Um {size}.", "b": "Dois {n} {n:dia|dias}."}), "a placeholders differ"),  # bytes, not MB
    (_catalog({"a": "Um {size:MB}.", "b": "Dois dias."}), "b placeholders differ"),
])
def test_each_kind_of_defect_is_found(catalog: Catalog, expected: str) -> None:
    spanish = _catalog({"a": "Uno {size:MB}.", "b": "Dos {n} {n:día|días}."})
    assert any(expected in problem for problem in problems(["a", "b"], catalog, spanish, "pt"))
    # and a plural's words in another language are not a difference
    assert not problems(["b"], _catalog({"b": "Dois {n} {n:dia|dias}."}), spanish, "pt")


@pytest.fixture
def portuguese(tmp_path: Path):
    """The package's catalogues plus a Portuguese one with a single message translated (the rest left empty, as
    `pybabel init` leaves them): what a translator adds, with no change to the code."""
    shutil.copytree(LOCALES, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    template = read(TEMPLATE)
    catalog = Catalog(locale="pt", domain="vigia", fuzzy=False)
    for message in template:
        if message.id:
            catalog.add(message.id, "Esse endereço não existe na API." if message.id == "route_not_found" else "")
    target = tmp_path / "locales" / "pt" / "LC_MESSAGES" / "vigia.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as out:
        write_po(out, catalog)
    i18n.install(catalogues.load("es", tmp_path / "locales"))
    try:
        yield
    finally:
        i18n.install(catalogues.load("es"))


def test_a_new_language_is_one_catalogue_and_accept_language_picks_it(portuguese, client) -> None:
    assert i18n.LANGUAGES == ("es", "en", "pt")
    missing = client.get("/api/v1/no-existe", headers={"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"})
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Esse endereço não existe na API."
    # what the Portuguese catalogue does not yet translate is read in Spanish, not as a code
    empty = client.post("/api/v1/auth/login", content=b"", headers={"Accept-Language": "pt",
                                                                       "Content-Type": "application/json"})
    assert empty.status_code == 400
    assert empty.json()["error"]["message"] == i18n.translate("invalid_json", "es", reason=i18n.term("json_body_empty"))
    assert empty.json()["error"]["message"].startswith("El cuerpo de la solicitud no es JSON válido")


def test_a_language_without_a_catalogue_is_read_in_spanish(client) -> None:
    missing = client.get("/api/v1/no-existe", headers={"Accept-Language": "pt-BR, fr;q=0.8"})
    assert missing.json()["error"]["message"] == "Esa dirección no existe en la API."
    english = client.get("/api/v1/no-existe", headers={"Accept-Language": "pt-BR, en;q=0.8"})
    assert english.json()["error"]["message"] == "That address does not exist in the API."
