"""Structured logs: one JSON object per line, each carrying the request id of the request it belongs to."""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Secrets that travel in a path (a signed follow-up link, docs/complaints.md): logged as a placeholder, never as
# they are. Query strings are never logged at all (server.middleware logs the path only).
_SECRET_PATHS = re.compile(r"(/complaints/follow-up/)(?!link$)[^/]+$")


def loggable_path(path: str | None) -> str | None:
    """The request path as it may be written to a log: secrets in it replaced by "{token}"."""
    return _SECRET_PATHS.sub(r"\1{token}", path) if path else path


_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = loggable_path(value) if key == "path" and isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def setup_logging(level: str = "INFO") -> None:
    """Send Vigía's (and uvicorn's errors) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("vigia")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
