"""/api/v1/municipalities/{code}/audit: the public audit log, to download and to verify. No sign-in needed:
anyone may check that the log has not been tampered with."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from server.api import Call, endpoint
from server.audit import service
from server.audit.models import AuditEntryQuery, AuditPage, VerifyReport
from server.db import read_scope, session_scope
from server.errors import Invalid
from server.municipalities import service as municipalities

TAG = "audit"
BASE = "/municipalities/{code}/audit"


@endpoint("GET", BASE + "/verify", summary="Verify the municipality's audit chain", tag=TAG, response=VerifyReport,
          errors=(404,))
def verify_log(call: Call) -> VerifyReport:
    """Recomputes every entry's hash and link from the first entry and compares the last with the chain's head.
    `ok` is false when an entry was altered, removed or re-linked, or entries were cut off at the end;
    `first_broken` says where and why. To check independently, download the entries and follow
    docs/audit-log.md."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return service.verify(session, municipality_id=municipality.id, language=call.language)  # type: ignore[arg-type]


@endpoint("GET", BASE + "/entries", summary="Audit log entries with their hashes", tag=TAG, query=AuditEntryQuery,
          response=AuditPage, errors=(404, 422))
def list_entries(call: Call) -> AuditPage:
    """In chain order. Without filters, the pages (`after_seq` = the previous page's `next_after_seq`) are the
    whole chain, to recompute as docs/audit-log.md shows; `entity` and `entity_id` narrow it to one record's
    history, `action`, `since` and `until` (days in the municipality's time) to one kind of change or a period
    (each entry's hash can still be checked, but not the links between them). `order=desc` lists the newest
    first, paged with `before_seq` = the previous page's `next_before_seq`."""
    query: AuditEntryQuery = call.query
    if query.since and query.until and query.until < query.since:  # said, not an empty page that looks like "none"
        raise Invalid.for_field("until", "until_before_since", since=query.since.isoformat(),
                                until=query.until.isoformat())
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        zone = ZoneInfo(municipality.timezone)

        def start_of(day):  # a day in the municipality, as the UTC moment it starts
            return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)

        head = service.head(session, municipality_id=municipality.id)
        newest_first = query.order == "desc"
        rows = service.entries(session, municipality_id=municipality.id, entity=query.entity,
                               entity_id=query.entity_id, after_seq=query.after_seq, limit=query.limit,
                               action=query.action, since=start_of(query.since) if query.since else None,
                               before=start_of(query.until + timedelta(days=1)) if query.until else None,
                               newest_first=newest_first, before_seq=query.before_seq)
        items = [service.public(row) for row in rows]
    following = items[-1].seq if len(items) == query.limit else None
    return AuditPage(items=items, next_after_seq=None if newest_first else following,
                     next_before_seq=following if newest_first else None, head=head)


routes = [verify_log, list_entries]
