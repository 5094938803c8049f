"""Background jobs: in-process without Redis; RQ with a real Redis and a real `vigia worker` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
import zlib
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from server import db, jobs
from server.config import configure_settings
from server.municipalities.models import Holiday
from tests.conftest import Backend, committed_demo_database
from tests.factories import municipality
from tests.sample_jobs import always_fails, rename_holiday

ROOT = Path(__file__).resolve().parent.parent


def _holiday(session, name: str = "Día de prueba") -> Holiday:
    holiday = Holiday(municipality_id=municipality(session).id, day=date(2030, 1, 2), name=name)
    session.add(holiday)
    session.flush()
    return holiday


def _name(database: db.Database, holiday_id) -> str:
    with database.session_scope() as session:
        return session.scalar(sa.select(Holiday.name).where(Holiday.id == holiday_id))


def test_jobs_take_ids_and_primitives_only() -> None:
    with pytest.raises(TypeError, match="ids and primitives"):
        jobs.enqueue(rename_holiday, object())


def test_in_process_job_runs_after_the_commit(database: db.Database) -> None:
    with database.session_scope() as session:
        holiday = _holiday(session)
        jobs.enqueue(rename_holiday, holiday.id, "renombrado", session=session)
        assert holiday.name == "Día de prueba"  # nothing ran before the commit
    assert _name(database, holiday.id) == "renombrado"


def test_a_rolled_back_use_case_sends_no_job(database: db.Database) -> None:
    with database.session_scope() as session:
        holiday = _holiday(session)
        holiday_id = holiday.id
    with pytest.raises(RuntimeError):
        with database.session_scope() as session:
            jobs.enqueue(rename_holiday, holiday_id, "no debe pasar", session=session)
            raise RuntimeError("the use case failed")
    assert _name(database, holiday_id) == "Día de prueba"


def test_in_process_failure_is_logged_with_the_job_id_and_keeps_the_record(database, vigia_logs) -> None:
    with database.session_scope() as session:
        holiday_id = _holiday(session).id
    job_id = jobs.enqueue(always_fails, holiday_id)
    failures = [line for line in vigia_logs.lines if line["event"] == "job_failed"]
    assert len(failures) == 1 and failures[0]["job_id"] == job_id
    assert failures[0]["job"] == "tests.sample_jobs.always_fails"
    assert "the job broke on purpose" in failures[0]["exception"]
    assert _name(database, holiday_id) == "Día de prueba"


@pytest.fixture
def committed_database(backend: Backend, tmp_path):
    """A real, committed database the worker process can read (not the rolled-back test transaction)."""
    with committed_demo_database(backend.name, tmp_path, backend.settings) as (settings, database):
        yield settings, database
    configure_settings(backend.settings)


def _run_worker(settings, redis_url: str, queue: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": redis_url,
        "RQ_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
        "VIGIA_ENV": "test",
        "LOG_LEVEL": "INFO",
    }
    return subprocess.run([sys.executable, "-m", "server.cli", "worker", "--burst"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_rq_worker_process_runs_the_job(committed_database, redis_url: str) -> None:
    settings, database = committed_database
    queue = f"test-{uuid.uuid4().hex[:8]}"
    configure_settings(settings.model_copy(update={"redis_url": redis_url, "rq_queue": queue}))
    db.configure(database)
    with database.session_scope() as session:
        holiday = _holiday(session)
        job_id = jobs.enqueue(rename_holiday, holiday.id, "hecho por el worker", session=session)
    assert jobs.queue(queue).fetch_job(job_id) is not None
    assert _name(database, holiday.id) == "Día de prueba"  # queued, not run in the web process
    result = _run_worker(settings, redis_url, queue)
    assert result.returncode == 0, result.stderr
    assert _name(database, holiday.id) == "hecho por el worker"
    job = jobs.queue(queue).fetch_job(job_id)
    assert job.get_status() == "finished"
    # stored as JSON (RQ's JSONSerializer), readable by any language, never a pickle
    raw = zlib.decompress(jobs.redis_connection(redis_url).hget(job.key, "data"))
    assert json.loads(raw)[0] == "tests.sample_jobs.rename_holiday"


def test_a_worker_stops_listening_at_once_even_when_the_unsubscribe_reply_comes_first(redis_url: str) -> None:
    """Regression: RQ sent UNSUBSCRIBE before stopping its pub/sub thread, and a thread that read the reply first
    went back to waiting a minute for a subscription; `vigia worker --burst` then took 61 s to exit."""
    from redis import Redis

    connection = Redis.from_url(redis_url)
    worker = jobs.worker_class()([f"test-{uuid.uuid4().hex[:8]}"], connection=connection)
    worker.subscribe()
    send = worker.pubsub.unsubscribe

    def unsubscribe_then_pause(*args):  # the listening thread gets the reply before the worker goes on
        answer = send(*args)
        time.sleep(0.5)
        return answer

    worker.pubsub.unsubscribe = unsubscribe_then_pause
    started = time.monotonic()
    worker.unsubscribe()
    assert time.monotonic() - started < 5
    assert not worker.pubsub_thread.is_alive()
    connection.close()


def test_rq_failure_is_logged_with_the_job_id_and_never_loses_the_record(committed_database, redis_url) -> None:
    settings, database = committed_database
    queue = f"test-{uuid.uuid4().hex[:8]}"
    configure_settings(settings.model_copy(update={"redis_url": redis_url, "rq_queue": queue}))
    db.configure(database)
    with database.session_scope() as session:
        holiday_id = _holiday(session).id
    job_id = jobs.enqueue(always_fails, holiday_id)
    result = _run_worker(settings, redis_url, queue)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    failed = [line for line in lines if line.get("event") == "job_failed"]
    assert failed and failed[0]["job_id"] == job_id
    assert "the job broke on purpose" in failed[0]["error"]
    assert _name(database, holiday_id) == "Día de prueba"
    job = jobs.queue(queue).fetch_job(job_id)
    # the first failure schedules a retry with back-off instead of giving up
    assert job.get_status() in ("scheduled", "failed")
    assert job.retries_left == len(jobs.RETRY_INTERVALS) - 1


def test_a_queue_outage_after_commit_keeps_the_record_and_is_logged(database, backend, vigia_logs) -> None:
    configure_settings(backend.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    try:
        with database.session_scope() as session:
            holiday = _holiday(session)
            job_id = jobs.enqueue(rename_holiday, holiday.id, "nunca", session=session)
    finally:
        configure_settings(backend.settings)
    assert _name(database, holiday.id) == "Día de prueba"
    logged = [line for line in vigia_logs.lines if line["event"] == "job_enqueue_failed"]
    assert len(logged) == 1 and logged[0]["job_id"] == job_id


def test_a_released_savepoint_does_not_send_the_job_early(database: db.Database) -> None:
    with database.session_scope() as session:
        holiday = _holiday(session)
        jobs.enqueue(rename_holiday, holiday.id, "después del commit", session=session)
        with session.begin_nested():  # e.g. a unique-constraint check further on in the same use case
            session.flush()
        assert holiday.name == "Día de prueba"  # still not sent: nothing is committed yet
    assert _name(database, holiday.id) == "después del commit"


def test_a_rolled_back_savepoint_drops_only_its_own_jobs(database: db.Database) -> None:
    with database.session_scope() as session:
        kept = _holiday(session)
        jobs.enqueue(rename_holiday, kept.id, "se queda", session=session)
        try:
            with session.begin_nested():
                jobs.enqueue(rename_holiday, kept.id, "se descarta", session=session)
                raise RuntimeError("this step failed and was rolled back")
        except RuntimeError:
            pass
    assert _name(database, kept.id) == "se queda"


def test_a_job_named_by_its_caller_is_not_queued_twice_while_it_waits(committed_database, redis_url) -> None:
    """Catch-up chores send the same job again and again: under a deterministic id, only once until it has run."""
    settings, database = committed_database
    queue = f"test-{uuid.uuid4().hex[:8]}"
    configure_settings(settings.model_copy(update={"redis_url": redis_url, "rq_queue": queue}))
    db.configure(database)
    with database.session_scope() as session:
        holiday_id = _holiday(session).id
    job_id = f"rename-{holiday_id}"
    assert jobs.send(rename_holiday, holiday_id, "una vez", job_id=job_id) is True
    assert jobs.send(rename_holiday, holiday_id, "una vez", job_id=job_id) is False
    with database.session_scope() as session:  # nor after a commit, by the same id
        jobs.enqueue(rename_holiday, holiday_id, "una vez", session=session, job_id=job_id)
    assert jobs.queue(queue).count == 1
    assert _run_worker(settings, redis_url, queue).returncode == 0
    assert _name(database, holiday_id) == "una vez"
    assert jobs.send(rename_holiday, holiday_id, "otra vez", job_id=job_id) is True  # it ran: may be sent again
    assert jobs.queue(queue).count == 1

