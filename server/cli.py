"""`vigia serve | worker | migrate | load-fixtures | create-user | issue-token | verify-log | tick | media-to-s3`."""

from __future__ import annotations

import argparse
import os
import sys

from server.config import ConfigurationError, get_settings, reread_environment

# uvicorn's own messages (start-up, worker processes) in the same JSON lines as Vigía's.
UVICORN_LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "server.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
}


def _database():
    from server import db

    return db.get_database()


def cmd_migrate(args: argparse.Namespace) -> int:
    from server import migrate

    database = _database()
    migrate.upgrade(database.engine, args.revision)
    print(f"database at revision {migrate.current(database.engine)}", file=sys.stderr)
    return 0


def check_storage() -> None:
    """Start-up check of the photo store (MEDIA_STORAGE=s3: the bucket exists and may be used), so that a wrong
    bucket, endpoint or credentials stop `serve` and `worker` with one clear line instead of failing uploads."""
    if get_settings().media_storage == "s3":
        from server.media.storage import get_storage

        get_storage().check()  # type: ignore[attr-defined]


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if "GC_FREEZE" not in os.environ:  # a served process freezes its start-up heap (config.py, gc_freeze)
        os.environ["GC_FREEZE"] = "true"  # inherited by every worker process uvicorn starts
        reread_environment()
    settings = get_settings()
    settings.check_production()
    check_storage()
    if settings.is_sqlite and not args.no_migrate:
        # The embedded database is created and migrated on first start; PostgreSQL is migrated explicitly.
        from server import migrate

        migrate.upgrade(_database().engine)
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="warning",
        access_log=False,
        log_config=UVICORN_LOG_CONFIG,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from server import jobs
    from server.logs import setup_logging

    get_settings().check_production()
    check_storage()
    setup_logging(get_settings().log_level)
    jobs.run_worker(burst=args.burst, queues=args.queue or None)
    return 0


def cmd_load_fixtures(args: argparse.Namespace) -> int:
    from contextlib import nullcontext
    from importlib import resources
    from pathlib import Path

    from server import fixtures
    from server.db import session_scope

    folder = nullcontext(Path(args.path)) if args.path else resources.as_file(fixtures.DEFAULT_PATH)
    with folder as path, session_scope() as session:
        report = fixtures.load(session, path)
    for kind, counts in report.items():
        summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
        print(f"{kind}: {summary}", file=sys.stderr)
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from server.auth import service as auth
    from server.auth.models import Role
    from server.db import session_scope
    from server.municipalities import service as municipalities

    with session_scope() as session:
        grants = []
        if args.municipality:
            municipality = municipalities.get_by_code(session, args.municipality)
            grants = [(municipality.id, Role(role)) for role in args.role]
        elif not args.national:
            print("error: name a municipality (--municipality CODE) or use --national", file=sys.stderr)
            return 2
        user = auth.get_by_email(session, args.email)
        if user is None:
            user = auth.create_user(session, email=args.email, full_name=args.name or args.email.split("@")[0],
                                    password=args.password, national_admin=args.national)
            print(f"created {user.email}", file=sys.stderr)
        else:
            print(f"{user.email} exists; adding roles", file=sys.stderr)
            if args.national:
                user.is_national_admin = True
        for municipality_id, role in grants:
            auth.grant(session, user=user, municipality_id=municipality_id, role=role)
        print(user.id)
    return 0


def cmd_issue_token(args: argparse.Namespace) -> int:
    from server.auth import service as auth
    from server.db import session_scope

    with session_scope() as session:
        token = auth.issue_token(session, email=args.email, device_name=args.device, days=args.days)
    print(token)
    return 0


def cmd_verify_log(args: argparse.Namespace) -> int:
    """One line per municipality's audit chain; exit 1 if any is broken."""
    from server.audit import service as audit
    from server.db import session_scope
    from server.i18n import translate
    from server.municipalities import service as municipalities

    if args.municipality:
        codes = [args.municipality]
    else:
        with session_scope() as session:
            codes = [item.code for item in municipalities.list_(session)]
    intact = True
    for code in codes:
        # One transaction per chain: on SQLite a long verification holds the write lock only for its own chain.
        with session_scope() as session:
            municipality = municipalities.get_by_code(session, code)
            report = audit.verify(session, municipality_id=municipality.id, language=args.lang)
        if report.ok:
            print(translate("audit_cli_ok", args.lang, code=code, count=f"{report.checked:,}", hash=report.head.hash))
            continue
        intact = False
        broken = report.first_broken
        assert broken is not None
        print(translate("audit_cli_broken", args.lang, code=code, seq=broken.seq, reason=broken.reason,
                        why=translate(f"audit_why_{broken.reason}", args.lang)))
    return 0 if intact else 1


def cmd_tick(args: argparse.Namespace) -> int:
    """Daily upkeep: complaints whose reporter did not clarify within the month are withdrawn; works' cards
    (their public summaries rendered ahead of time) are rendered again where the day or the work changed; photo
    uploads left unfinished past SYNC_UPLOAD_EXPIRY_HOURS are deleted with their partial files; the sync change
    log drops superseded changes and deletions older than SYNC_RETENTION_DAYS; anonymous devices whose tokens all
    expired or were revoked are deleted (their complaints stay, anonymous); background work whose job was lost
    (Redis down or restarted) is queued again (photos whose public copies are still pending). Exit 1 if that last
    chore could not run (Redis or the database did not answer): the next tick tries again."""
    import sqlalchemy as sa

    from server.complaints import triage
    from server.db import session_scope
    from server.municipalities.models import Municipality
    from server.sync import log as sync_log
    from server.sync import uploads
    from server.works import cards

    with session_scope() as session:
        for municipality in session.scalars(sa.select(Municipality).order_by(Municipality.code)):
            expired = triage.expire_clarifications(session, municipality=municipality)
            print(f"{municipality.code}: {expired} complaints withdrawn for lack of clarification", file=sys.stderr)
    with session_scope() as session:
        for municipality in session.scalars(sa.select(Municipality).order_by(Municipality.code)):
            rendered = cards.refresh(session, municipality=municipality)
            print(f"{municipality.code}: {rendered} works' cards rendered", file=sys.stderr)
    with session_scope() as session:
        pruned = sync_log.prune(session)
    print(f"sync change log: {pruned.superseded} superseded changes and {pruned.deletions} old deletions pruned",
          file=sys.stderr)
    with session_scope() as session:
        removed = uploads.expire(session)
    print(f"{removed} expired photo uploads deleted", file=sys.stderr)
    from server import limits  # rate-limit windows that ended (the follow-up's wrong codes, server/limits.py)

    with session_scope() as session:
        ended = limits.prune(session)
    print(f"{ended} ended rate-limit windows deleted", file=sys.stderr)
    from server.auth import anonymous  # phones enrolled without an account whose tokens can no longer be used

    with session_scope() as session:
        gone = anonymous.prune(session)
    print(f"{gone} anonymous devices with no usable token deleted", file=sys.stderr)
    from server import jobs

    try:
        queued = jobs.catch_up()
    except Exception as exc:
        print(f"pending background jobs not queued again: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for chore, count in queued.items():
        print(f"{chore}: {count} pending jobs queued again", file=sys.stderr)
    return 0


def cmd_media_to_s3(args: argparse.Namespace) -> int:
    """Copy MEDIA_DIR (or --source) into S3_BUCKET; exit 1 if any original does not match its SHA-256."""
    from pathlib import Path

    from server.media.s3 import S3Storage
    from server.media.transfer import copy_to_bucket

    settings = get_settings()
    if not settings.s3_bucket:
        raise ConfigurationError("S3_BUCKET is not set: name the bucket to copy the photos into (and S3_ENDPOINT_URL, "
                                 "S3_PATH_STYLE, credentials as for MEDIA_STORAGE=s3; docs/media.md)")
    source = Path(args.source) if args.source else Path(settings.media_dir)
    if not source.is_dir():
        raise ConfigurationError(f"{source} is not a folder: point MEDIA_DIR or --source at the photos to copy")
    target = S3Storage(settings)
    target.check()
    where = f"s3://{target.bucket}/{target.prefix}"
    print(f"copying {source} to {where}", file=sys.stderr)
    report = copy_to_bucket(source, target, verify_bucket=args.verify_bucket, jobs=args.jobs,
                            progress=lambda line: print(line, file=sys.stderr))
    originals, public = report.originals, report.public
    print(f"originals: {originals.copied} copied, {originals.present + originals.verified} already in the bucket"
          + (f" ({originals.verified} read back and verified)" if args.verify_bucket else "")
          + f", {sum(key.startswith('originals/') for key, _ in report.mismatches)} mismatched")
    print(f"public copies: {public.copied} copied, {public.present} already in the bucket, "
          f"{sum(not key.startswith('originals/') for key, _ in report.mismatches)} refused")
    for key, problem in report.mismatches:
        print(f"MISMATCH {key}: {problem}")
    print("done: every original matches its SHA-256" if report.ok else
          f"FAILED: {len(report.mismatches)} files do not match (above); nothing was overwritten")
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    from server.auth.models import Role

    parser = argparse.ArgumentParser(prog="vigia", description="Vigía: contraloría social backend")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="web worker processes")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                       help="proxies whose X-Forwarded-* headers are trusted")
    serve.add_argument("--no-migrate", action="store_true", help="do not migrate the embedded database on start")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run an RQ worker (needs REDIS_URL)")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.add_argument("--queue", action="append", help="queue to listen on (repeatable)")
    worker.set_defaults(func=cmd_worker)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(func=cmd_migrate)

    fixtures = sub.add_parser("load-fixtures", help="load the demo data (idempotent)")
    fixtures.add_argument("--path", help="folder of demo files (default: the demo shipped with Vigía, server/demo/)")
    fixtures.set_defaults(func=cmd_load_fixtures)

    create_user = sub.add_parser("create-user", help="create an account, or add roles to an existing one")
    create_user.add_argument("email")
    create_user.add_argument("--role", action="append", default=[], choices=[role.value for role in Role])
    create_user.add_argument("--municipality", help="municipality code (INEGI or UBIGEO)")
    create_user.add_argument("--password", help="initial password (omit for an account that only uses tokens)")
    create_user.add_argument("--name", help="full name")
    create_user.add_argument("--national", action="store_true", help="national administrator (all municipalities)")
    create_user.set_defaults(func=cmd_create_user)

    tick = sub.add_parser("tick", help="upkeep (run from cron, hourly): expire overdue clarification requests "
                          "and unfinished photo uploads, queue again background jobs that were lost")
    tick.set_defaults(func=cmd_tick)

    token = sub.add_parser("issue-token", help="print a new bearer token for an account's named device")
    token.add_argument("email")
    token.add_argument("--device", required=True, help="device or client application name")
    token.add_argument("--days", type=int, help="days until it expires (default TOKEN_TTL_DAYS)")
    token.set_defaults(func=cmd_issue_token)

    verify_log = sub.add_parser("verify-log", help="verify the audit log's hash chains (exit 1 if one is broken)")
    verify_log.add_argument("--municipality", help="municipality code (default: every municipality)")
    verify_log.add_argument("--lang", choices=["en", "es"], default="en", help="language of the lines (default en)")
    verify_log.set_defaults(func=cmd_verify_log)

    to_s3 = sub.add_parser("media-to-s3", help="copy MEDIA_DIR's photos into S3_BUCKET, checking every original "
                           "against its SHA-256 (resumable; exit 1 on a mismatch)")
    to_s3.add_argument("--source", help="the folder to copy (default MEDIA_DIR)")
    to_s3.add_argument("--verify-bucket", action="store_true",
                       help="also read back every original already in the bucket and check its SHA-256")
    to_s3.add_argument("--jobs", type=int, default=8, help="files sent at once (default 8)")
    to_s3.set_defaults(func=cmd_media_to_s3)
    return parser


def _settings_error(exc) -> str:
    """A pydantic ValidationError of the settings as the variables a person sets: `S3_BUCKET: ...`."""
    lines = []
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        name = "_".join(str(part) for part in error.get("loc", ())).upper()
        lines.append(f"{name}: {message}" if name else message)
    return "; ".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from server.assembly import assemble
    from server.errors import AppError

    assemble()

    from pydantic import ValidationError

    try:
        return args.func(args)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # the environment's settings (server/config.py) do not hold together
        if exc.title != "Settings":
            raise
        print(f"error: settings: {_settings_error(exc)}", file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"error: {exc.message('es')} ({exc.code})", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # A file a command reads (demo data, migrations, codelists) is missing or unreadable: say which, no traceback.
        print(f"error: cannot read {exc.filename or 'a file'}: {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
