"""The gettext catalogues, read from the package (`server/locales/<language>/LC_MESSAGES/vigia.mo`).

The `.po` files are the source, edited by translators; `pybabel compile` turns them into the `.mo` files read here
(every `./dev.sh` command and the wheel's build do it: docs/translating.md). A checkout with no `.mo` yet reads the
`.po` itself, and says so.
"""

from __future__ import annotations

import io
import logging
from importlib import resources
from importlib.resources.abc import Traversable

DOMAIN = "vigia"
log = logging.getLogger(__name__)


def locales() -> Traversable:
    return resources.files("server") / "locales"


def _read(folder: Traversable) -> dict[str, str] | None:
    """{msgid: text} of one language's catalogue (its untranslated entries left out), or None if it has none."""
    po, mo = folder / "LC_MESSAGES" / f"{DOMAIN}.po", folder / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        from babel.messages.mofile import read_mo

        catalog = read_mo(io.BytesIO(mo.read_bytes()))
    elif po.is_file():
        from babel.messages.pofile import read_po

        log.warning("catalogue %s is not compiled: reading the .po (./dev.sh compiles it)", po)
        catalog = read_po(io.BytesIO(po.read_bytes()))
    else:
        return None
    return {message.id: message.string for message in catalog
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy}


def load(default: str, folder: Traversable | None = None) -> dict[str, dict[str, str]]:
    """Every language's texts by msgid, one folder per language in `folder` (the package's catalogues unless
    given); the default language's catalogue must exist."""
    texts: dict[str, dict[str, str]] = {}
    folder = folder or locales()
    if folder.is_dir():
        for language in folder.iterdir():
            if language.is_dir():
                found = _read(language)
                if found:
                    texts[language.name] = found
    if default not in texts:
        raise RuntimeError(f"Vigía's {default!r} message catalogue is missing from {folder} (package data)")
    return texts
