"""Background work: RQ on Redis when REDIS_URL is set, in-process otherwise.

Jobs are named by import path and take ids and primitives only (RQ's own advice: never ORM objects or
closures), serialised as JSON. Enqueue after the record they work for is committed, so a worker never looks
for a row that is not there yet, and a failing job never takes the record down with it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from server.config import get_settings

log = logging.getLogger("vigia.jobs")

RETRY_INTERVALS = [10, 60, 300]  # seconds: back off before giving up after three more tries
# An idle RQ worker reports in every WORKER_TTL - 15 seconds; /healthz calls it stale after HEARTBEAT_STALE.
WORKER_TTL = 60
HEARTBEAT_STALE_SECONDS = 2 * WORKER_TTL
Primitive = str | int | float | bool | None


def job_path(fn: Callable[..., Any] | str) -> str:
    if isinstance(fn, str):
        return fn
    return f"{fn.__module__}.{fn.__qualname__}"


def _primitive(value: Any) -> Primitive:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"jobs take ids and primitives, not {type(value).__name__}")


@lru_cache(maxsize=4)
def redis_connection(url: str) -> Any:
    from redis import Redis

    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def queue(name: str | None = None) -> Any:
    """The RQ queue (only when REDIS_URL is set)."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    settings = get_settings()
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set")
    return Queue(name or settings.rq_queue, connection=redis_connection(settings.redis_url), serializer=JSONSerializer)


def enqueue(fn: Callable[..., Any] | str, *args: Any, session: Session | None = None) -> str:
    """Run `fn(*args)` in the background and return the job id.

    With `session`, the job is sent only when that session commits (and dropped if it rolls back)."""
    path = job_path(fn)
    values = [_primitive(arg) for arg in args]
    job_id = str(uuid.uuid4())
    if session is not None:
        _dispatch_after_commit(session, path, values, job_id)
        return job_id
    _dispatch(path, values, job_id)
    return job_id


def _dispatch_after_commit(session: Session, path: str, values: list[Primitive], job_id: str) -> None:
    """Send the job when the session's outermost transaction commits. SQLAlchemy also fires after_commit when
    a SAVEPOINT is released, and then nothing is committed yet, so those are ignored. A rollback of the
    savepoint the job was asked for in (or of any transaction around it) drops the job with the work."""
    owner = session.get_nested_transaction() or session.get_transaction()
    from server.db import database_of

    database = database_of(session)
    enclosing = set()
    current = owner
    while current is not None:
        enclosing.add(id(current))
        current = current.parent

    pending = {"armed": True}  # listeners cannot be removed while SQLAlchemy dispatches them: disarm instead

    def after_commit(_session: Session) -> None:
        if not pending["armed"] or _session.in_nested_transaction():
            return  # already sent or dropped; or a savepoint was released and the real commit is still to come
        pending["armed"] = False
        # The record is committed: a queue outage now must not turn the request into an error.
        try:
            _dispatch(path, values, job_id, database)
        except Exception:
            log.exception("job_enqueue_failed", extra={"job_id": job_id, "job": path, "job_args": values})

    def after_rollback(_session: Session, previous: Any) -> None:
        if id(previous) in enclosing:
            pending["armed"] = False

    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_soft_rollback", after_rollback)


def _dispatch(path: str, args: list[Primitive], job_id: str, database: Any = None) -> None:
    settings = get_settings()
    if settings.redis_url:
        from rq import Retry
        from rq.job import Callback

        queue().enqueue(
            path,
            *args,
            job_id=job_id,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            on_failure=Callback(log_failure),
            result_ttl=86_400,
            failure_ttl=30 * 86_400,
        )
        log.info("job_enqueued", extra={"job_id": job_id, "job": path})
    else:
        run_now(path, args, job_id, database)


def run_now(path: str, args: list[Primitive], job_id: str, database: Any = None) -> bool:
    """In-process mode: run the job at once, on the database whose commit sent it; a failure is logged, never
    raised into the request."""
    from rq.utils import import_attribute

    from server import db

    try:
        with db.using(database) if database is not None else nullcontext():
            import_attribute(path)(*args)
    except Exception:
        log.exception("job_failed", extra={"job_id": job_id, "job": path, "job_args": args})
        return False
    log.info("job_done", extra={"job_id": job_id, "job": path})
    return True


def log_failure(job: Any, connection: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
    """RQ on_failure callback: one structured line with the job id (the record stays as it was committed)."""
    log.error(
        "job_failed",
        extra={
            "job_id": job.id,
            "job": job.func_name,
            "job_args": list(job.args),
            "error": f"{exc_type.__name__}: {exc_value}",
            "retries_left": job.retries_left,
        },
    )


def worker_heartbeats() -> list[dict[str, Any]]:
    """The RQ workers registered in Redis and when each last reported in."""
    from rq import Worker

    settings = get_settings()
    connection = redis_connection(settings.redis_url)
    return [
        {"name": worker.name, "state": str(worker.get_state()), "last_heartbeat": worker.last_heartbeat}
        for worker in Worker.all(connection=connection)
    ]


@lru_cache(maxsize=1)
def worker_class() -> type:
    """RQ's Worker, with a teardown that cannot hang for a minute.

    RQ listens for commands on a pub/sub thread that waits up to 60 s for a message. On the way out, RQ sends
    UNSUBSCRIBE and only then tells that thread to stop; if the thread reads the UNSUBSCRIBE reply first, it goes
    back to waiting for a subscription that never comes, and redis-py's `stop()` (which joins the thread) waits
    the full 60 s. Under load that lost race made every `vigia worker --burst` take a minute to exit. Telling
    the thread to stop first, without waiting, then unsubscribing, leaves no such window: the reply wakes it and
    it exits."""
    from rq import Worker

    class VigiaWorker(Worker):
        def unsubscribe(self) -> None:
            thread = self.pubsub_thread
            if not thread:
                return
            try:
                thread.stop(timeout=0)  # redis-py ≥ 8.2: clear the run flag, do not wait yet
            except TypeError:
                thread.stop()  # older redis-py: stop() only clears the flag
            self.pubsub.unsubscribe()
            thread.join(timeout=1)
            self.pubsub.close()

    return VigiaWorker


def run_worker(*, burst: bool = False, queues: list[str] | None = None) -> bool:
    """`vigia worker`: process jobs until stopped (or until the queue is empty with burst)."""
    from rq.serializers import JSONSerializer

    settings = get_settings()
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set: without Redis, jobs already run inside the web process.")
    connection = redis_connection(settings.redis_url)
    worker = worker_class()(queues or [settings.rq_queue], connection=connection, serializer=JSONSerializer,
                            worker_ttl=WORKER_TTL)
    return worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)
