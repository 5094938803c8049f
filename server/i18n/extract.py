"""Babel's extraction method for Vigía's message codes (`pybabel extract`, mapped in babel.cfg).

A message is marked where it is raised or rendered: the code given to an error (`NotFound("work_not_found")`,
`Invalid.for_field("geometry", "invalid_geometry")`), to `translate`, `term` or `t`, as a detail's `"code"`, or
wrapped in `N_()` where the name is built at run time (a state's words, a month). Both branches of
`"a" if ... else "b"` count. Babel's own Python extractor reads tokens and misses codes inside f-strings and
conditional expressions; this one reads the syntax tree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

# Classes whose first argument is a message code.
ERRORS = frozenset({"AppError", "Invalid", "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict",
                    "TooLarge", "TooManyRequests", "Unavailable", "PydanticCustomError"})
# Functions that take a message code, and the position of the code among their arguments.
CALLS = {"N_": 0, "translate": 0, "term": 0, "t": 0, "_error": 0, "value_error": 0, "_detail": 1, "for_field": 1,
         "issue": 1, "fail": 1}
CODE = re.compile(r"[a-z][A-Za-z0-9_]*(:[a-z0-9_]+)?")


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _marked(node: ast.AST) -> list[ast.AST]:
    """The expressions that hold a message code in `node`."""
    found: list[ast.AST] = []
    if isinstance(node, ast.Call):
        name, args = _name(node.func), node.args
        if name in ERRORS and args:
            found.append(args[0])
        elif name in CALLS and len(args) > CALLS[name]:
            found.append(args[CALLS[name]])
        if name in ERRORS or name == "ErrorDetail":
            found += [keyword.value for keyword in node.keywords if keyword.arg in ("code", "message_code")]
    elif isinstance(node, ast.Dict):
        found += [value for key, value in zip(node.keys, node.values, strict=True)
                  if isinstance(key, ast.Constant) and key.value == "message_code"]
        keys = {key.value for key in node.keys if isinstance(key, ast.Constant)}
        if not keys & {"message", "message_code"}:  # a detail whose text is given elsewhere
            found += [value for key, value in zip(node.keys, node.values, strict=True)
                      if isinstance(key, ast.Constant) and key.value == "code"]
    return [branch for code in found for branch in ((code.body, code.orelse) if isinstance(code, ast.IfExp)
                                                     else (code,))]


def codes_in(source: str) -> Iterator[tuple[int, str]]:
    """(line, code) for every message code marked in a Python source, in order. A Pydantic error type raised
    by hand (`PydanticCustomError("date_parsing", ...)`) is the entry "validation:date_parsing"."""
    for node in ast.walk(ast.parse(source)):
        for code in _marked(node):
            if isinstance(code, ast.Constant) and isinstance(code.value, str) and CODE.fullmatch(code.value):
                pydantic = isinstance(node, ast.Call) and _name(node.func) == "PydanticCustomError"
                yield code.lineno, f"validation:{code.value}" if pydantic and ":" not in code.value else code.value


def extract(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
            options: Mapping[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extraction-method interface: (line, function, message, comments) for each code."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for line, code in sorted(codes_in(source)):
        yield line, "N_", code, []
