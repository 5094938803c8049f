"""The canonical form of a ruling's text: the same ruling, typed, pasted or extracted from a PDF, gives the same
characters, and the SHA-256 of their UTF-8 identifies a version (docs/rulings.md, "Canonical form").

1. Unicode NFC.
2. CRLF and CR become LF.
3. Soft hyphens (U+00AD) and zero-width characters (U+200B..U+200D, U+2060, U+FEFF) are removed.
4. Trailing spaces and tabs are stripped from every line.
5. A word hyphenated at a line end (PDF layout: "funda-\\nmento") is joined ("fundamento\\n"): a letter, a
   hyphen at the end of the line, and a lower-case letter starting the next one.
6. Three or more blank lines become two.
7. Leading and trailing blank lines are dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_TRAILING = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_HYPHENATED = re.compile(r"(?<=[^\W\d_])-\n[ \t]*(?=[a-záéíóúüñ])(\S*)[ \t]*")
_BLANKS = re.compile(r"\n{4,}")


def canonical(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    text = _TRAILING.sub("", text)
    # the rest of the hyphenated word joins its start; the line break moves after it
    text = _HYPHENATED.sub(lambda m: m.group(1) + "\n", text)
    text = _TRAILING.sub("", text)
    text = _BLANKS.sub("\n\n\n", text)
    return text.strip("\n")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
