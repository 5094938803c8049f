"""What every page of a municipality needs: the municipality itself, the language, and the words for codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.i18n import Language, translate
from server.municipalities import service as municipalities
from server.pages.html import PREFIX


@dataclass
class Where:
    """A page's municipality and reader: the session to read with, the municipality (through its service) and the
    language every word is in."""

    session: Any  # the request's session (server.db.session_scope), handed to the services
    municipality: Any
    language: Language

    @property
    def code(self) -> str:
        return self.municipality.code

    @property
    def name(self) -> str:
        return self.municipality.name

    @property
    def home(self) -> str:
        return f"{PREFIX}/{self.code}"

    def words(self, code: str, **params: Any) -> str:
        return translate(code, self.language, **params)

    def crumbs(self, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
        return [(self.name, self.home if more else None), *more]


def where(session: Any, code: str, language: Language) -> Where:
    """The municipality with this code (404 `municipality_not_found` otherwise)."""
    return Where(session=session, municipality=municipalities.get_by_code(session, code), language=language)


def label(code: str, language: Language, fallback: str = "") -> str:
    """The words for a catalogue code, or `fallback` when the catalogue has none."""
    text = translate(code, language)
    return fallback if text == code else text


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
