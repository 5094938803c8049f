"""Background work: RQ on Redis when REDIS_URL is set, in-process otherwise.

Jobs are named by import path and take ids and primitives only (RQ's own advice: never ORM objects or
closures), serialised as JSON. Enqueue after the record they work for is committed, so a worker never looks
for a row that is not there yet, and a failing job never takes the record down with it.

Redis may be down when a record commits, or restart and forget its queue: the record stays committed and the
request succeeds; the domains' catch-up chores (`CATCH_UP`), run by `vigia tick` and by `vigia worker` each time
it (re)connects, queue again what is still waiting, under deterministic job ids so nothing is queued twice.
"""

from __future__ import annotations

import functools
import logging
import signal
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext, suppress
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
# A worker that lost Redis tries again after these many seconds, then every 30 s, until it answers.
RECONNECT_DELAYS = (1, 2, 4, 8, 15, 30)
# Chores that queue again the work whose job was lost (Redis down when the record committed, or restarted
# without persistence): functions by import path, no arguments, returning how many jobs they queued.
CATCH_UP = ("server.media.jobs.queue_pending",)
# A job under one of these states is waiting or running: the same job id is not queued again.
WAITING = ("queued", "started", "scheduled", "deferred", "created")
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


def worker_connection(url: str) -> Any:
    """The worker's own Redis client: no silent retries, so a Redis restart surfaces as an error in the worker
    (which then registers again and catches up) instead of being papered over by redis-py's reconnection."""
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0))


def queue(name: str | None = None) -> Any:
    """The RQ queue (only when REDIS_URL is set)."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    settings = get_settings()
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set")
    return Queue(name or settings.rq_queue, connection=redis_connection(settings.redis_url), serializer=JSONSerializer)


def enqueue(fn: Callable[..., Any] | str, *args: Any, session: Session | None = None, job_id: str | None = None
            ) -> str:
    """Run `fn(*args)` in the background and return the job id.

    With `session`, the job is sent only when that session commits (and dropped if it rolls back). A `job_id`
    names the job deterministically (letters, digits, `-`, `_`): while a job of that id is waiting or running,
    it is not queued again (see `send`)."""
    path = job_path(fn)
    values = [_primitive(arg) for arg in args]
    once = job_id is not None
    job_id = job_id or str(uuid.uuid4())
    if session is not None:
        _dispatch_after_commit(session, path, values, job_id, once)
        return job_id
    _dispatch(path, values, job_id, once=once)
    return job_id


def send(fn: Callable[..., Any] | str, *args: Any, job_id: str) -> bool:
    """Queue `fn(*args)` now under `job_id`, unless a job of that id is already waiting or running; True if it
    was sent (in-process mode: run now). Catch-up chores use it: running them twice queues nothing twice."""
    return _dispatch(job_path(fn), [_primitive(arg) for arg in args], job_id, once=True)


def catch_up() -> dict[str, int]:
    """Run every catch-up chore (`CATCH_UP`): how many jobs each queued again. Raises if Redis or the database
    does not answer (the caller logs it and tries again later)."""
    from rq.utils import import_attribute

    return {path: int(import_attribute(path)()) for path in CATCH_UP}


def _dispatch_after_commit(session: Session, path: str, values: list[Primitive], job_id: str, once: bool) -> None:
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
        # The record is committed: a queue outage now must not turn the request into an error. The catch-up
        # chores (`vigia tick`, `vigia worker` when it connects) queue the job again later.
        try:
            _dispatch(path, values, job_id, database, once=once)
        except Exception as exc:
            log.error("job_enqueue_failed", extra={"job_id": job_id, "job": path, "job_args": values,
                                                   "error": f"{type(exc).__name__}: {exc}"})

    def after_rollback(_session: Session, previous: Any) -> None:
        if id(previous) in enclosing:
            pending["armed"] = False

    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_soft_rollback", after_rollback)


def _dispatch(path: str, args: list[Primitive], job_id: str, database: Any = None, *, once: bool = False) -> bool:
    settings = get_settings()
    if settings.redis_url:
        from rq import Retry
        from rq.job import Callback

        rq_queue = queue()
        if once and _waiting(rq_queue, job_id):
            log.info("job_already_queued", extra={"job_id": job_id, "job": path})
            return False
        rq_queue.enqueue(
            path,
            *args,
            job_id=job_id,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            on_failure=Callback(log_failure),
            result_ttl=86_400,
            failure_ttl=30 * 86_400,
        )
        log.info("job_enqueued", extra={"job_id": job_id, "job": path})
        return True
    run_now(path, args, job_id, database)
    return True


def _waiting(rq_queue: Any, job_id: str) -> bool:
    """A job of this id is in Redis and not finished, failed, stopped or cancelled."""
    status = rq_queue.connection.hget(rq_queue.job_class.key_for(job_id), "status")
    return status is not None and status.decode() in WAITING


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
    it exits.

    It also leaves its work loop as soon as Redis stops answering, or has restarted (its registration is gone),
    where RQ would retry inside its dequeue loop and carry on unregistered, or quit on a lost connection anywhere
    else: `run_worker` then registers a fresh worker and runs the catch-up chores once Redis answers."""
    from rq import Queue, Worker
    from rq.exceptions import StopRequested

    class RedisLost(StopRequested):
        """Redis stopped answering: leave the work loop quietly; `run_worker` reconnects."""

    def leave_when_redis_is_lost(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except _redis_errors() as exc:
                if getattr(self, "_is_horse", False):
                    raise  # a job's own process: RQ handles it there
                self.redis_lost = exc
                raise RedisLost(str(exc)) from exc
        return guarded

    class VigiaQueue(Queue):
        @classmethod
        def dequeue_any(cls, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().dequeue_any(*args, **kwargs)
            except _redis_errors() as exc:
                raise RedisLost(str(exc)) from exc

    class VigiaWorker(Worker):
        queue_class = VigiaQueue
        lost_error = RedisLost
        redis_lost: BaseException | None = None
        stop_event: Any = None

        set_state = leave_when_redis_is_lost(Worker.set_state)
        check_for_suspension = leave_when_redis_is_lost(Worker.check_for_suspension)
        run_maintenance_tasks = leave_when_redis_is_lost(Worker.run_maintenance_tasks)

        @leave_when_redis_is_lost
        def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
            if pipeline is None and self.birth_date is not None and not self.connection.exists(self.key):
                # Registered, yet Redis no longer knows this worker: it restarted (or was flushed) and may have
                # lost queued jobs. Start over: register again and catch up.
                from redis.exceptions import ConnectionError as RedisConnectionError

                raise RedisConnectionError("Redis lost this worker's registration (restarted or flushed)")
            return super().heartbeat(timeout, pipeline)

        def dequeue_job_and_maintain_ttl(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().dequeue_job_and_maintain_ttl(*args, **kwargs)
            except RedisLost as exc:
                self.redis_lost = self.redis_lost or exc
                raise

        def request_stop(self, signum: Any, frame: Any) -> None:
            if self.stop_event is not None:
                self.stop_event.set()  # SIGTERM or SIGINT: `run_worker` ends after this work loop
            super().request_stop(signum, frame)

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


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError)


class _Stop:
    """SIGTERM/SIGINT between work loops (while waiting for Redis): set, and seen by the next check."""

    def __init__(self) -> None:
        self.requested = False

    def set(self, *_: Any) -> None:
        self.requested = True

    def is_set(self) -> bool:
        return self.requested

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self.set)
        signal.signal(signal.SIGINT, self.set)

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))


def run_worker(*, burst: bool = False, queues: list[str] | None = None) -> bool:
    """`vigia worker`: process jobs until SIGTERM (or, with `burst`, until the queues are empty).

    Losing Redis never ends the process: each attempt to reach it again is logged (`worker_redis_unavailable`,
    with the attempt and the wait before the next) and retried with back-off (`RECONNECT_DELAYS`). Each time it
    (re)connects, the worker registers afresh and runs the catch-up chores (`catch_up`), since Redis may have
    lost its queue and records may have committed while it was down. Returns whether any job was run."""
    from rq.serializers import JSONSerializer

    settings = get_settings()
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set: without Redis, jobs already run inside the web process.")
    stop = _Stop()
    lost = (*_redis_errors(), worker_class().lost_error)
    connection = worker_connection(settings.redis_url)
    worked, attempt = False, 0
    while not stop.is_set():
        stop.install()  # RQ installs its own handlers for each work loop; ours again in between
        worker, error = None, None
        try:
            connection.ping()
            if attempt:
                log.info("worker_redis_back", extra={"attempts": attempt})
            attempt = 0
            _catch_up_at_start()
            if stop.is_set():
                break
            worker = worker_class()(queues or [settings.rq_queue], connection=connection,
                                    serializer=JSONSerializer, worker_ttl=WORKER_TTL)
            worker.stop_event = stop
            worked = bool(worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)) or worked
            error = worker.redis_lost
        except lost as exc:  # Redis went away while a work loop started or ended
            error = exc
        finally:
            _release(worker)
        if stop.is_set() or (burst and error is None):
            break
        attempt += 1
        delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS)) - 1]
        event = "worker_redis_unavailable" if error is not None else "worker_restarting"
        log.warning(event, extra={"attempt": attempt, "retry_in_s": delay,
                                  "error": f"{type(error).__name__}: {error}" if error is not None else None})
        stop.sleep(delay)
    log.info("worker_stopped", extra={"worked": worked})
    return worked


def _catch_up_at_start() -> None:
    """Queue again what is waiting (Redis errors are raised: the worker then waits for Redis). If the database
    does not answer, the worker starts anyway: `vigia tick` or its next reconnection catches up."""
    from server import db

    try:
        queued = catch_up()
    except _redis_errors():
        raise
    except Exception as exc:
        log.error("worker_catch_up_failed", extra={"error": f"{type(exc).__name__}: {exc}"})
        return
    finally:
        # The work-horses RQ forks must not share this process's database connections.
        with suppress(Exception):
            db.get_database().engine.dispose()
    log.info("worker_caught_up", extra={"queued": queued})


def _release(worker: Any) -> None:
    """After a work loop that Redis cut short: stop what RQ's teardown could not (the pub/sub listener thread,
    the scheduler process), without waiting on Redis."""
    if worker is None:
        return
    thread = getattr(worker, "pubsub_thread", None)
    if thread is not None and thread.is_alive():
        try:
            thread.stop(timeout=0)  # redis-py ≥ 8.2: clear the run flag, do not wait
        except TypeError:
            thread.stop()
        with suppress(Exception):
            worker.pubsub.close()
        thread.join(timeout=1)
    if getattr(worker, "scheduler", None) is not None:
        with suppress(Exception):
            worker.stop_scheduler()
