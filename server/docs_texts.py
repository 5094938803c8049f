"""The API document's texts in the catalogues: what `./dev.sh messages` extracts, and the English it writes.

Every summary, description, tag, parameter and field description of /openapi.json is written in English where the
endpoint or model is declared. `extract` (the Babel extraction method babel.cfg names for this file) builds the
English document and yields one catalogue entry per text, named by its place (server/docs_page.py, `places`), with
the English as the translators' comment. `python -m server.docs_texts` (run by `./dev.sh messages` after
`pybabel update`) writes that English into the English catalogue, so the code stays its one source; when the English
of an entry changed, the entry's texts in the other languages are marked fuzzy, and tests/test_catalogues.py fails
until a translator has reviewed them (docs/translating.md).
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from starlette.routing import Mount

from server import __version__
from server.api import openapi_document
from server.docs_page import escape, places
from server.i18n import extract as code_extract

LOCALES = Path(__file__).resolve().parent / "locales"


@functools.cache
def english_document() -> dict[str, Any]:
    """The document /openapi.json serves by default, from the same routes as the app (tests/test_docs_page.py
    checks that they are the same)."""
    from server.app import API_ROUTES, healthz_route, open311_routes
    from server.assembly import assemble

    assemble()
    routes = [healthz_route, *open311_routes.routes, Mount("/api/v1", routes=API_ROUTES)]
    return openapi_document(routes, title="Vigía API", version=__version__)


def english_texts() -> dict[str, str]:
    """Each catalogue entry of the document with its English text as the catalogues hold it (braces doubled).
    Two places that would share an entry must say the same thing."""
    texts: dict[str, str] = {}
    for entry, holder, key in places(english_document()):
        text = escape(holder[key])
        if texts.setdefault(entry, text) != text:
            raise ValueError(f"{entry} names two different texts: {texts[entry]!r} and {text!r}")
    return texts


def extract(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
            options: Mapping[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extraction method for this file: its own codes, and every text of the API document."""
    data = fileobj.read()
    yield from code_extract.extract(io.BytesIO(data), keywords, comment_tags, options)
    for entry, text in english_texts().items():
        yield 1, "N_", entry, [" ".join(text.split())]


def sync_english(locales: Path = LOCALES) -> list[str]:
    """Write each document entry's English into the English catalogue; an entry whose English changed has its
    other languages' texts marked fuzzy (to review). Returns what changed, in words."""
    from babel.messages.pofile import read_po, write_po

    texts = english_texts()
    changed: list[str] = []
    english_path = locales / "en" / "LC_MESSAGES" / "vigia.po"
    with english_path.open("rb") as source:
        english = read_po(source, locale="en")
    moved = set()
    for entry, text in texts.items():
        message = english.get(entry)
        if message is None:
            continue  # not in the template yet: pybabel update adds it first
        if message.string and message.string != text:
            moved.add(entry)
            changed.append(f"{entry}: the English changed, the other languages are marked fuzzy")
        if message.string != text:
            message.string = text
            if message.fuzzy:
                message.flags.discard("fuzzy")
    _write(english_path, english, write_po)
    for path in sorted(locales.glob("*/LC_MESSAGES/vigia.po")):
        if path == english_path or not moved:
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=path.parent.parent.name)
        for entry in moved:
            message = catalog.get(entry)
            if message is not None and message.string:
                message.flags.add("fuzzy")
        _write(path, catalog, write_po)
    return changed


def _write(path: Path, catalog: Any, write_po: Any) -> None:
    """As `pybabel update --no-wrap` writes a catalogue, so the next update changes nothing."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=None, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def fill_translations(path: Path, language: str = "es", locales: Path = LOCALES) -> list[str]:
    """Write the texts of a JSON file `{entry: {"en": English, "<language>": text}}` (both as the catalogues hold
    them: braces doubled) into `language`'s catalogue,
    for the entries that are empty or fuzzy there and whose English is still the code's (a merge of branches that
    each added endpoints: the translations made on one side for the entries the merge brings). Returns what was
    left out, in words."""
    import json

    from babel.messages.pofile import read_po, write_po

    wanted = json.loads(path.read_text(encoding="utf-8"))
    texts = english_texts()
    target = locales / language / "LC_MESSAGES" / "vigia.po"
    with target.open("rb") as source:
        catalog = read_po(source, locale=language)
    skipped = []
    for entry, given in wanted.items():
        message = catalog.get(entry)
        if message is None or texts.get(entry) != given["en"]:
            skipped.append(f"{entry}: not in the document, or its English changed since")
            continue
        if message.string and not message.fuzzy:
            continue
        message.string = given[language]
        message.flags.discard("fuzzy")
    _write(target, catalog, write_po)
    return skipped


def main(argv: list[str] | None = None) -> int:
    """`python -m server.docs_texts`: the English from the code (./dev.sh messages runs it);
    `python -m server.docs_texts --fill FILE.json [--language es]`: translations made elsewhere, then
    `./dev.sh messages` to compile."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m server.docs_texts")
    parser.add_argument("--fill", type=Path)
    parser.add_argument("--language", default="es")
    arguments = parser.parse_args(argv)
    lines = fill_translations(arguments.fill, arguments.language) if arguments.fill else sync_english()
    for line in lines:
        print(line, file=sys.stderr)
    return 0



if __name__ == "__main__":
    raise SystemExit(main())
