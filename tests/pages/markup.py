"""A strict reading of the public pages' HTML (html5lib is not in the venv and lxml's HTML parser knows no HTML5
elements): Python's html.parser with the checks written here. A page passes when it has a doctype and
<html lang>, every element that is not void is closed in order, ids are unique and every in-page reference
(href="#…", aria-labelledby) names one, images have alt text, there is one <main> and one <h1>, and nothing
needs an inline script or style (the Content-Security-Policy would block it). Each inline <svg> must also be
well-formed XML."""

from __future__ import annotations

from html.parser import HTMLParser

from lxml import etree

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_SELF_CLOSING = {"path", "rect", "circle", "line", "polyline", "polygon", "stop", "use"}


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.references: list[str] = []
        self.counts: dict[str, int] = {}
        self.doctype = False
        self.lang: str | None = None
        self.svg = 0

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.problems.append(f"<{tag}> repeats an attribute: {names}")
        values = dict(attrs)
        if tag == "svg":
            self.svg += 1
        if not self.svg:  # an SVG's <title> names the drawing, not the page
            self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag == "html":
            self.lang = values.get("lang")
        if tag in ("script", "style"):
            self.problems.append(f"<{tag}> inline: the Content-Security-Policy refuses it")
        for name in names:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline: the Content-Security-Policy refuses it")
        if tag == "img" and not values.get("alt"):
            self.problems.append("<img> without alt text")
        if "id" in values:
            self.ids.append(values["id"] or "")
        href = values.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            self.references.append(href[1:])
        for name in ("aria-labelledby", "aria-describedby"):
            self.references += (values.get(name) or "").split()
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and tag not in SVG_SELF_CLOSING:
            self.problems.append(f"<{tag}/> is not a void element")
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close the open <{self.stack[-1] if self.stack else '—'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "svg":
            self.svg -= 1


def problems(html: str) -> list[str]:
    """What is wrong with a page, in words (empty: it passes)."""
    parser = _Strict()
    parser.feed(html)
    parser.close()
    found = list(parser.problems)
    if not parser.doctype:
        found.append("no <!doctype html>")
    if not parser.lang:
        found.append("<html> without lang")
    if parser.stack:
        found.append(f"elements left open: {parser.stack}")
    duplicates = {ident for ident in parser.ids if parser.ids.count(ident) > 1}
    if duplicates:
        found.append(f"ids used twice: {sorted(duplicates)}")
    missing = sorted(set(parser.references) - set(parser.ids))
    if missing:
        found.append(f"references to ids that are not there: {missing}")
    for tag in ("main", "h1", "title"):
        if parser.counts.get(tag) != 1:
            found.append(f"{parser.counts.get(tag, 0)} <{tag}> (one expected)")
    start = 0
    while (start := html.find("<svg", start)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        try:
            etree.fromstring(html[start:end].encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            found.append(f"an <svg> is not well-formed: {exc}")
        start = end
    return found
