"""Request id, instance name, host check and the access log, as one pure ASGI middleware (it also wraps error
responses)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.errors import error_payload
from server.i18n import negotiate, translate
from server.logs import loggable_path, request_id_var

log = logging.getLogger("vigia.http")
errors = logging.getLogger("vigia.app")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, allowed_hosts: list[str], instance: str = "") -> None:
        self.app = app
        # Every answer names the process that gave it (`Vigia-Instance`), errors included: behind a load balancer
        # that is how a log line, a bug report or a test tells which instance answered.
        self.extra_headers = [(b"vigia-instance", instance.encode("ascii"))] if instance else []
        self.allow_any_host = "*" in allowed_hosts
        self.allowed_hosts = {host.lower() for host in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        offered = headers.get("x-request-id", "")
        request_id = offered if _CLIENT_ID.match(offered) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder: dict[str, int] = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = 1
                raw = list(message.get("headers", []))
                raw.append((b"x-request-id", request_id.encode()))
                raw.extend(self.extra_headers)
                message = {**message, "headers": raw}
            await send(message)

        try:
            host = headers.get("host", "").lower()
            hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if not self.allow_any_host and hostname not in self.allowed_hosts:
                await self._reject_host(headers, hostname, request_id, send_with_id)
            else:
                try:
                    await self.app(scope, receive, send_with_id)
                except Exception as exc:
                    # Answered here, not re-raised: Starlette's ServerErrorMiddleware would send the same 500 and
                    # then re-raise, and uvicorn closes the connection of any request whose exception reaches it,
                    # so the client's next request on that keep-alive connection would fail too. Only an answer
                    # already under way (its status sent) cannot be finished: the connection must close then.
                    if "started" in status_holder:
                        raise
                    errors.error("unhandled_error", exc_info=exc, extra={"path": loggable_path(scope.get("path"))})
                    await self._server_error(headers, request_id, send_with_id)
        finally:
            actor = scope.get("state", {}).get("actor")
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": loggable_path(scope.get("path")),
                    "status": status_holder["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": str(actor.user_id) if getattr(actor, "user_id", None) else None,
                },
            )
            request_id_var.reset(token)

    async def _server_error(self, headers: Headers, request_id: str, send: Send) -> None:
        """500 in the one error shape, nothing of the exception in it; the connection stays open."""
        language = negotiate(headers.get("accept-language"))
        message = translate("internal_error", language, request_id=request_id)
        body = json.dumps(error_payload("internal_error", message, [], request_id)).encode()
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _reject_host(self, headers: Headers, host: str, request_id: str, send: Send) -> None:
        language = negotiate(headers.get("accept-language"))
        body = json.dumps(
            error_payload("invalid_host", translate("invalid_host", language, host=host), [], request_id)
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

