"""The answer cache: public (anonymous) GETs of the busiest reads answered from memory while the data they were
computed from has not changed (docs/architecture.md, "The answer cache"; issue 19 point 2).

Versions. Every table has a counter in `answer_versions`, raised in the same transaction as any write to that
table, just before its COMMIT (`track()`: the statements a connection runs are watched, and the tables named by
an INSERT, UPDATE or DELETE are raised at commit, in name order, so two writers never wait for each other's
counters in opposite orders). Whatever writes (a request, a job, the CLI, any `vigia` process on the same
database) raises them, as long as it goes through an engine from `db.make_engine`; a write that never commits
raises nothing.

Answers. On a miss the middleware reads every counter first, then lets the request through and notes the tables
its SQL named (`_reading`); the answer is kept with those tables and the sum of their counters as read before it
was computed. On the next request for the same key, one query on a connection of the cache's own sums the
counters of those tables again: equal, nothing they hold has been written since, and the kept bytes are sent;
different, the answer is computed again. The check runs on every request, so a write committed before a read
starts is seen by that read on every worker and instance sharing the database: there is no staleness window.

Key: path, query string, Host, the negotiated language, whether gzip is accepted, and the quarter of an hour (the
answers say things about "today" in the municipality's time zone: risk signals, days late; every time zone's
midnight falls on a quarter hour of UTC). Only GETs of the paths in `CACHED` without credentials (no
Authorization, no Cookie, no Open311 api_key) whose answer is a whole 200 marked `public, no-cache` by the
conditional-GET middleware are kept. The memory is bounded (`ANSWER_CACHE_BYTES`, least recently used first out).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Field, SQLModel
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import http_cache
from server.i18n import negotiate

TABLE = "answer_versions"


class AnswerVersion(SQLModel, table=True):
    """One table's write counter (server/answer_cache.py): raised by each transaction that writes the table."""

    __tablename__ = TABLE

    name: str = Field(primary_key=True, max_length=63)
    version: int = Field(sa_type=sa.BigInteger, nullable=False)


# The reads kept: the works register's public reads, the public list of complaints and Open311's service list
# (docs/architecture.md, "The answer cache").
CACHED = (
    re.compile(r"^/api/v1/municipalities/[^/]+/works(?:/near|/[0-9a-fA-F-]{36})?$"),
    re.compile(r"^/api/v1/municipalities/[^/]+/complaints/public$"),
    re.compile(r"^/open311/v2/services(?:/[^/]+)?\.(?:json|xml)$"),
)
QUARTER_HOUR = 900

# ------------------------------------------------------------------------------------------------ writes


_WRITTEN = "answer_cache_written"  # Connection.info: tables written in the transaction under way
_DML = re.compile(r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|COPY)\s+(?:ONLY\s+)?"?(\w+)"?',
                  re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Set by the middleware while it computes an answer to keep: the tables the request's SQL named.
_reading: ContextVar[set[str] | None] = ContextVar("answer_cache_reading", default=None)
_tables: frozenset[str] = frozenset()
_tracked: set[int] = set()
_ready_engines: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose database has answer_versions
_tracked_lock = threading.Lock()


def _known() -> frozenset[str]:
    """Every table of the models (answer_versions itself left out)."""
    global _tables
    if len(_tables) != len(SQLModel.metadata.tables) - 1:
        _tables = frozenset(name for name in SQLModel.metadata.tables if name != TABLE)
    return _tables


def track(engine: Engine) -> None:
    """Raise the counters of the tables each transaction on `engine` writes, at its commit; note the tables a
    read the middleware is keeping names. Idempotent."""
    with _tracked_lock:
        if id(engine) in _tracked and event.contains(engine, "after_cursor_execute", _after_execute):
            return
        _tracked.add(id(engine))
    event.listen(engine, "after_cursor_execute", _after_execute)
    event.listen(engine, "begin", _forget)
    event.listen(engine, "rollback", _forget)
    event.listen(engine, "commit", _raise_versions)


def _after_execute(conn: Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any,
                   _executemany: bool) -> None:
    reading = _reading.get()
    if reading is not None:
        reading.update(_known().intersection(_WORD.findall(statement)))
    head = statement.lstrip()[:6].upper()
    if head == "SELECT" or head.startswith(("BEGIN", "PRAGMA", "SAVEPO", "RELEAS", "ROLLBA", "SET ")):
        return
    if head.startswith(("DROP", "ALTER", "CREATE")):  # a migration: whether answer_versions exists is asked again
        _ready_engines.discard(conn.engine)
    written = [name for name in _DML.findall(statement) if name in _known()]
    if written:
        conn.info.setdefault(_WRITTEN, set()).update(written)


def _written(conn: Connection) -> set[str] | None:
    """The tables the transaction under way wrote, taken off the connection; None for a connection the database
    dropped (invalidated: its `info` cannot be read until rolled back, and the error that dropped it is the one
    to report — as a 503 — not this hook's; the next BEGIN starts with nothing noted)."""
    try:
        return conn.info.pop(_WRITTEN, None)
    except sa.exc.SQLAlchemyError:
        return None


def _forget(conn: Connection) -> None:
    _written(conn)


def _raise_versions(conn: Connection) -> None:
    """Just before COMMIT, in the committing transaction: +1 to the counter of each table it wrote."""
    written = _written(conn)
    if not written:
        return
    dbapi = conn.connection.dbapi_connection
    postgres = conn.dialect.name == "postgresql"
    cursor = dbapi.cursor()
    try:
        if not _ready(conn, cursor, postgres):
            return  # before the migration that creates the counters (nobody can be caching yet)
        mark = "%s" if postgres else "?"
        names = sorted(written)
        cursor.execute(f"INSERT INTO {TABLE} (name, version) VALUES " + ", ".join([f"({mark}, 1)"] * len(names))
                       + f" ON CONFLICT (name) DO UPDATE SET version = {TABLE}.version + 1", names)
    finally:
        cursor.close()


def _ready(conn: Connection, cursor: Any, postgres: bool) -> bool:
    """Whether answer_versions exists (migration 0023): asked once per engine, and again after any DDL."""
    if conn.engine in _ready_engines:
        return True
    if postgres:
        cursor.execute(f"SELECT to_regclass('{TABLE}') IS NOT NULL")
    else:
        cursor.execute(f"SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '{TABLE}'")
    ready = bool(cursor.fetchone()[0])
    if ready:
        _ready_engines.add(conn.engine)
    return ready


# ------------------------------------------------------------------------------------------------ reads


class Versions:
    """Reads the counters on a connection of its own (one per thread; the clock below uses one thread), in
    autocommit, so each query sees every transaction committed before it started, on whatever worker or instance
    committed it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgres")
        self._local = threading.local()
        if self.postgres:
            self._engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                            connect_args={"connect_timeout": 5,
                                                          "options": "-c statement_timeout=5000"})
        else:
            import sqlean

            self._engine = sa.create_engine(url, poolclass=NullPool, module=sqlean,
                                            connect_args={"check_same_thread": False, "timeout": 5})

    def _cursor(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._engine.raw_connection()
            if not self.postgres:
                connection.dbapi_connection.isolation_level = None  # autocommit: each query its own snapshot
                connection.dbapi_connection.execute("PRAGMA query_only=1")
            self._local.connection = connection
        return connection.dbapi_connection.cursor()

    def _run(self, sql: str, parameters: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            cursor = self._cursor()
            try:
                cursor.execute(sql, parameters)
                return cursor.fetchall()
            finally:
                cursor.close()
        except Exception:
            self.close()  # a broken connection is opened again next time
            raise

    def all(self) -> dict[str, int]:
        return {name: int(version) for name, version in self._run(f"SELECT name, version FROM {TABLE}")}

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            try:
                connection.invalidate()
            except Exception:
                pass


class Clock:
    """The counters as read by a query that *started after* the caller asked (`await clock.now()`): what every
    request needs, since it must see every write committed before it started. Requests that ask while a query is
    under way share the next one, so one query (all counters: a few dozen rows) serves every request that arrived
    during the previous one's round trip, on a thread of its own: the event loop never waits for the database,
    and under load the check costs one round trip per batch of requests instead of one per request."""

    def __init__(self, versions: Versions) -> None:
        self.versions = versions
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        # per event loop (one in production; a test may serve one app from two): the batch waiting for the next
        # query, and whether a query is under way
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Batching] = weakref.WeakKeyDictionary()

    async def now(self) -> dict[str, int]:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _Batching()
        if state.next is None:
            state.next = loop.create_future()
        waiting = state.next
        if not state.running:
            state.running = True
            loop.create_task(self._read(loop, state))
        return await asyncio.shield(waiting)

    async def _read(self, loop: asyncio.AbstractEventLoop, state: _Batching) -> None:
        try:
            while state.next is not None:
                batch, state.next = state.next, None  # whoever asks from now on waits for the next query
                try:
                    batch.set_result(await loop.run_in_executor(self._thread(), self.versions.all))
                except Exception as exc:
                    batch.set_exception(exc)
                    batch.exception()  # retrieved here too: nobody may be waiting any more
        finally:
            state.running = False

    def _thread(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer-versions")
            return self._executor

    def close(self) -> None:
        """The connection closed and the thread stopped (both made again if the app serves again)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.submit(self.versions.close).result()
            executor.shutdown(wait=True)


@dataclass
class _Batching:
    next: asyncio.Future[dict[str, int]] | None = None
    running: bool = False


@dataclass
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str | None
    tables: frozenset[str]
    version: int
    size: int


class AnswerCache:
    """Kept answers, least recently used first out once they pass `max_bytes`."""

    def __init__(self, versions: Versions, max_bytes: int) -> None:
        self.versions = versions
        self.clock = Clock(versions)
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self.bytes = 0
        self.hits = self.misses = self.evictions = 0
        self.coalesced = 0  # misses answered by another request's computation of the same answer

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        if entry.size > self.max_bytes // 4:
            return  # one answer never takes the room of many
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self.entries[key] = entry
        self.bytes += entry.size
        while self.bytes > self.max_bytes and self.entries:
            _, evicted = self.entries.popitem(last=False)
            self.bytes -= evicted.size
            self.evictions += 1

    def drop(self, key: tuple[Any, ...]) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size


def cacheable(scope: Scope) -> bool:
    return any(pattern.match(scope["path"]) for pattern in CACHED)


_CONDITIONAL = (b"if-none-match", b"if-modified-since")


class AnswerCacheMiddleware:
    """See the module's docstring. Place it outside the compression and the conditional GET (it keeps their
    final bytes), inside the request context (which adds the request id to every answer)."""

    def __init__(self, app: ASGIApp, *, cache: AnswerCache | None) -> None:
        self.app = app
        self.cache = cache
        # (event loop, key) -> set when the request computing that answer has finished: requests for a stale or
        # missing answer that arrive meanwhile wait for it instead of computing it again (after a write, every
        # reader of a popular page would otherwise compute it at once).
        self.computing: dict[tuple[int, tuple[Any, ...]], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache
        if cache is None or scope["type"] != "http" or scope["method"] != "GET" or not cacheable(scope):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        query: bytes = scope.get("query_string", b"")
        if "authorization" in request_headers or "cookie" in request_headers or b"api_key" in query:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], query, request_headers.get("host", ""),
               negotiate(request_headers.get("accept-language")),
               "gzip" in request_headers.get("accept-encoding", ""), int(time.time() // QUARTER_HOUR))
        entry = cache.get(key)
        try:
            # read by a query that started after this request arrived: the check of a kept answer, and the
            # counters as they were before the answer is computed again
            now: dict[str, int] | None = await cache.clock.now()
        except Exception:  # the counters cannot be read (no migration yet, database down): nothing kept
            now = None
        if entry is not None:
            if now is not None and _version(now, entry.tables) == entry.version:
                cache.hits += 1
                await _answer(entry.status, entry.headers, entry.body, entry.etag, request_headers, send)
                return
            cache.drop(key)
        cache.misses += 1
        if now is None:
            await self.app(scope, receive, send)
            return
        flight = (id(asyncio.get_running_loop()), key)
        other = self.computing.get(flight)
        if other is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(other.wait(), COALESCE_SECONDS)
            entry = cache.get(key)
            if entry is not None and _version(now, entry.tables) == entry.version:
                cache.hits += 1
                cache.coalesced += 1
                await _answer(entry.status, entry.headers, entry.body, entry.etag, request_headers, send)
                return
            await self._compute(scope, receive, send, key, now, request_headers)  # not kept: computed again
            return
        done = self.computing[flight] = asyncio.Event()
        try:
            await self._compute(scope, receive, send, key, now, request_headers)
        finally:
            self.computing.pop(flight, None)
            done.set()

    async def _compute(self, scope: Scope, receive: Receive, send: Send, key: tuple[Any, ...],
                       now: dict[str, int], request_headers: Headers) -> None:
        """Compute the answer, keep it if it may be kept, and send it."""
        cache = self.cache
        assert cache is not None
        before = now
        tables: set[str] = set()
        token = _reading.set(tables)
        # The answer in full, whatever the client holds; the 304 is decided here, on the kept answer too.
        inner = {**scope, "headers": [(n, v) for n, v in scope["headers"] if n not in _CONDITIONAL]}
        start: Message | None = None
        parts: list[Message] = []
        streaming = False

        async def capture(message: Message) -> None:
            nonlocal start, streaming
            if streaming:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and not message.get("more_body", False) and not parts:
                parts.append(message)
            else:  # streamed: passed on as it comes, not kept
                streaming = True
                if start is not None:
                    await send(start)
                for part in parts:
                    await send(part)
                await send(message)

        try:
            await self.app(inner, receive, capture)
        finally:
            _reading.reset(token)
        if streaming:
            return
        if start is None:
            return
        body = parts[0].get("body", b"") if parts else b""
        headers = list(start.get("headers", []))
        fields = Headers(raw=headers)
        etag = fields.get("etag")
        if (start["status"] == 200 and fields.get("cache-control") == http_cache.PUBLIC
                and "set-cookie" not in fields):
            cache.put(key, Entry(200, headers, body, etag, frozenset(tables), _version(before, tables),
                                 len(body) + sum(len(n) + len(v) for n, v in headers) + 256))
        # The 304 where the conditional-GET middleware would have answered one (server/http_cache.py)
        revalidated = (start["status"] == 200 and "set-cookie" not in fields
                       and "no-store" not in (fields.get("cache-control") or ""))
        await _answer(start["status"], headers, body, etag if revalidated else None, request_headers, send)


# How long a request waits for another's computation of the same answer before computing it itself.
COALESCE_SECONDS = 10.0


def _version(counters: dict[str, int], tables: Iterable[str]) -> int:
    """The sum of these tables' counters: each only grows, so the sum changes whenever one of them does."""
    return sum(counters.get(name, 0) for name in tables)


async def _answer(status: int, headers: list[tuple[bytes, bytes]], body: bytes, etag: str | None,
                  request_headers: Headers, send: Send) -> None:
    if etag is not None and http_cache.not_modified(request_headers, etag,
                                                    Headers(raw=headers).get("last-modified")):
        await send({"type": "http.response.start", "status": 304, "headers": http_cache.kept_on_304(headers)})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
