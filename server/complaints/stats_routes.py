"""/api/v1/municipalities/{code}/complaints/stats: complaint statistics, public."""

from __future__ import annotations

from starlette.responses import Response

from server.api import Call, endpoint
from server.complaints import stats, stats_csv
from server.complaints.stats_models import ComplaintStats, StatsCsvQuery, StatsQuery
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


@endpoint("GET", "/municipalities/{code}/complaints/stats.csv",
          summary="Complaint statistics as a spreadsheet (CSV), the same figures as the JSON",
          tag="complaints", query=StatsCsvQuery, errors=(404,), media_type="text/csv")
def complaint_stats_csv(call: Call) -> Response:
    """One figure per row: section, code, name, measure, value (the same numbers as `…/complaints/stats`, an
    empty value where it has null). Headers and labels in Spanish; in English with `?lang=en` or
    `Accept-Language: en`. UTF-8 with a BOM, comma-separated, decimals with a point."""
    language = call.query.lang or call.language
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        figures = stats.statistics(session, municipality=municipality, since=call.query.since,
                                   until=call.query.until, language=language)
    name = "estadisticas" if language == "es" else "statistics"
    return Response(stats_csv.to_csv(figures, language), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}-{municipality.code}.csv"',
        "Content-Language": language})


routes = [complaint_stats, complaint_stats_csv]
