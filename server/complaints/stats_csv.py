"""The complaint statistics as a spreadsheet (CSV): the same figures as the JSON answer, one per row, with the
headers and labels in the reader's language (docs/complaints.md, "Statistics")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from server.complaints.stats_models import ComplaintStats, Duration
from server.i18n import N_, translate

HEADER = (N_("stats_csv_section"), N_("stats_csv_code"), N_("stats_csv_name"), N_("stats_csv_measure"),
          N_("stats_csv_value"))
DURATION_MEASURES = (
    ("n", N_("stats_csv_measured")), ("still_open", N_("stats_csv_still_open")),
    ("ended_without", N_("stats_csv_ended_without")),
    ("median_business_days", N_("stats_csv_median_business_days")),
    ("p90_business_days", N_("stats_csv_p90_business_days")),
    ("median_days", N_("stats_csv_median_days")), ("p90_days", N_("stats_csv_p90_days")),
)
DEADLINE_MEASURES = (
    ("n", N_("stats_csv_decided")), ("on_time", N_("stats_csv_on_time")), ("late", N_("stats_csv_late")),
    ("pending", N_("stats_csv_pending")), ("excluded", N_("stats_csv_excluded")),
    ("share", N_("stats_csv_share")),
)
MONTH_MEASURES = (
    ("received", N_("stats_csv_received")), ("resolved", N_("stats_csv_resolved")),
    ("answered_on_time", N_("stats_csv_answered_on_time")), ("answer_late", N_("stats_csv_answer_late")),
)
SECTIONS = (
    N_("stats_csv_summary"), N_("stats_csv_by_state"), N_("stats_csv_by_kind"), N_("stats_csv_by_category"),
    N_("stats_csv_by_zone"), N_("stats_csv_by_month"), N_("stats_csv_first_response"),
    N_("stats_csv_resolution"), N_("stats_csv_answered_deadline"), N_("stats_csv_resolved_deadline"),
    N_("stats_csv_total"), N_("stats_csv_open"), N_("stats_csv_overdue"), N_("stats_csv_complaints"),
    N_("stats_csv_answered_late"), N_("stats_csv_unanswered_past_due"), N_("stats_csv_resolved_late"),
    N_("stats_csv_unresolved_past_due"),
)


def rows(stats: ComplaintStats, language: str) -> Iterator[tuple[object, ...]]:
    """(section, code, name, measure, value) for every figure of `stats`; an empty value where the JSON has null."""
    def say(code: str) -> str:
        return translate(code, language)

    summary, complaints = say("stats_csv_summary"), say("stats_csv_complaints")
    for code, value in (("total", stats.total), ("open", stats.open), ("overdue", stats.overdue)):
        yield summary, code, say(f"stats_csv_{code}"), complaints, value
    for section, counts in (("stats_csv_by_state", [(c.state.value, c.label, c.count) for c in stats.by_state]),
                            ("stats_csv_by_kind", [(c.kind.value, c.label, c.count) for c in stats.by_kind]),
                            ("stats_csv_by_category", [(c.service_code, c.name, c.count) for c in stats.by_category]),
                            ("stats_csv_by_zone", [(c.code or "", c.name, c.count) for c in stats.by_zone])):
        for code, name, count in counts:
            yield say(section), code, name, complaints, count
    for month in stats.monthly:
        for field, measure in MONTH_MEASURES:
            yield say("stats_csv_by_month"), month.month, month.month, say(measure), getattr(month, field)
    for section, code, duration in (("stats_csv_first_response", "time_to_first_response",
                                     stats.time_to_first_response),
                                    ("stats_csv_resolution", "time_to_resolution", stats.time_to_resolution)):
        yield from _duration(say(section), code, duration, say)
    deadlines = (("stats_csv_answered_deadline", "answered_on_time", stats.answered_on_time,
                  (("answered_late", "stats_csv_answered_late"),
                   ("unanswered_past_due", "stats_csv_unanswered_past_due"))),
                 ("stats_csv_resolved_deadline", "resolved_on_time", stats.resolved_on_time,
                  (("resolved_late", "stats_csv_resolved_late"),
                   ("unresolved_past_due", "stats_csv_unresolved_past_due"))))
    for section, code, figure, parts in deadlines:
        for field, measure in (*DEADLINE_MEASURES, *parts):
            value = getattr(figure, field)
            yield say(section), code, say(section), say(measure), "" if value is None else value


def _duration(section: str, code: str, duration: Duration, say) -> Iterator[tuple[object, ...]]:
    for field, measure in DURATION_MEASURES:
        value = getattr(duration, field)
        yield section, code, section, say(measure), "" if value is None else value


def to_csv(stats: ComplaintStats, language: str) -> str:
    """UTF-8 text with a BOM (so a spreadsheet reads the accents right), comma-separated, CRLF; numbers with a
    point for decimals, as the JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([translate(code, language) for code in HEADER])
    writer.writerows(rows(stats, language))
    return "\ufeff" + out.getvalue()
