"""/api/v1/municipalities/{code}/complaints/stats: complaint statistics, public."""

from __future__ import annotations

from server.api import Call, endpoint
from server.complaints import stats
from server.complaints.stats_models import ComplaintStats, StatsQuery
from server.db import session_scope
from server.municipalities import service as municipalities


@endpoint("GET", "/municipalities/{code}/complaints/stats",
          summary="Complaint statistics: counts, response and resolution times, deadlines kept, per month",
          tag="complaints", query=StatsQuery, response=ComplaintStats, errors=(404,))
def complaint_stats(call: Call) -> ComplaintStats:
    """Over the complaints received from `since` to `until` (both optional, inclusive). Public: it carries only
    counts, medians and shares, never who filed a complaint; every figure can also be worked out from the public
    list of complaints. The definitions are in docs/complaints.md, section "Statistics"."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return stats.statistics(session, municipality=municipality, since=call.query.since, until=call.query.until,
                                language=call.language)


routes = [complaint_stats]
