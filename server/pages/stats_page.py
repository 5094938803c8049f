"""/publico/{code}/estadisticas: the complaint statistics, the same figures as `GET …/complaints/stats` (answered
within term counts the unanswered past their due date as late; median time to answer), as SVG charts with their
numbers in tables."""

from __future__ import annotations

from server.complaints import stats
from server.pages import svg
from server.pages.common import Where
from server.pages.html import Page, day, definitions, e, number, section, table, url


def render(where: Where) -> Page:
    t, lang = where.words, where.language
    figures = stats.statistics(where.session, municipality=where.municipality, since=None, until=None, language=lang)
    answered, resolved = figures.answered_on_time, figures.resolved_on_time
    first, resolution = figures.time_to_first_response, figures.time_to_resolution
    share = "—" if answered.share is None else f"{number(answered.share * 100, lang)} %"
    median = "—" if first.median_business_days is None else number(first.median_business_days, lang, 1).removesuffix(
        ",0").removesuffix(".0")
    parts = [f"<h1>{e(t('page_stats_title'))}</h1>",
             f"<p>{e(t('page_stats_intro', day=day(figures.as_of, lang)))}</p>",
             '<div class="figures">'
             f'<p><strong>{figures.total}</strong> {e(t("page_stats_received"))}</p>'
             f'<p><strong>{figures.overdue}</strong> {e(t("page_stats_overdue"))}</p>'
             f'<p><strong>{share}</strong> {e(t("page_stats_on_time"))}</p>'
             f'<p><strong>{median}</strong> {e(t("page_stats_median"))}</p></div>']

    kept = definitions([
        (e(t("page_stats_on_time_n")), e(t("page_stats_on_time_value", on_time=answered.on_time, n=answered.n))),
        (e(t("page_stats_answered_late")), str(answered.answered_late)),
        (e(t("page_stats_unanswered_past_due")), str(answered.unanswered_past_due)),
        (e(t("page_stats_pending")), str(answered.pending)),
        (e(t("page_stats_excluded")), str(answered.excluded)),
    ])
    parts.append(section(e(t("page_stats_deadlines")), kept + f'<p class="muted">{e(answered.definition)}</p>',
                         ident="plazos"))

    def duration(name: str, value) -> list[str]:
        return [e(name), str(value.n), _days(value.median_business_days, lang), _days(value.p90_business_days, lang),
                _days(value.median_days, lang), str(value.still_open)]

    times = table(e(t("page_stats_times_caption")),
                  [e(t("page_col_measure")), e(t("page_col_measured")), e(t("page_col_median_business")),
                   e(t("page_col_p90_business")), e(t("page_col_median_calendar")), e(t("page_col_still_open"))],
                  [duration(t("page_stats_first_answer"), first), duration(t("page_stats_resolution"), resolution)],
                  numeric={1, 2, 3, 4, 5})
    parts.append(section(e(t("page_stats_times")), times + f'<p class="muted">{e(first.definition)}</p>'
                         f'<p class="muted">{e(resolved.definition)}</p>', ident="tiempos"))

    months = [(m.month, m.received, m.answered_on_time, m.answer_late) for m in figures.monthly]
    chart = svg.monthly_chart(months[-24:], (t("page_stats_received_legend"), t("page_stats_on_time_legend"),
                                             t("page_stats_late_legend")),
                              title=t("page_stats_monthly"), description=t("page_stats_monthly_description"),
                              ident="mensual", month_names=tuple(t(f"report_month_{n}") for n in range(1, 13)))
    rows = [[e(m), str(r), str(o), str(late)] for m, r, o, late in months]
    parts.append(section(e(t("page_stats_monthly")), (f"<figure>{chart}</figure>" if chart else "") + table(
        e(t("page_stats_monthly_caption")), [e(t("page_col_month")), e(t("page_col_received")),
                                             e(t("page_col_on_time")), e(t("page_col_late"))], rows,
        numeric={1, 2, 3}), ident="mensual-tabla"))

    for ident, title, items in (
        ("estado", t("page_stats_by_state"), [(s.label, s.count) for s in figures.by_state if s.count]),
        ("categoria", t("page_stats_by_category"), [(c.name, c.count) for c in figures.by_category]),
        ("colonia", t("page_stats_by_zone"), [(z.name, z.count) for z in figures.by_zone]),
    ):
        if not items:
            continue
        chart = svg.bar_chart(items[:15], title=title, description=t("page_stats_bars_description"), ident=ident)
        parts.append(section(e(title), f"<figure>{chart}</figure>" + table(
            e(title), [e(t("page_col_name")), e(t("page_col_count"))],
            [[e(name), str(count)] for name, count in items], numeric={1}), ident=ident))
    parts.append(f'<p><a href="{e(f"/api/v1/municipalities/{where.code}/complaints/stats")}">'
                 f'{e(t("page_stats_json"))}</a></p>')
    return Page(path=f"{where.home}/estadisticas", title=t("page_stats_title_in", municipality=where.name),
                description=t("page_stats_description", total=figures.total, share=share, municipality=where.name),
                body="".join(parts), crumbs=where.crumbs((t("page_stats_title"), None)), municipality=where.name)


def _days(value: float | int | None, language: str) -> str:
    if value is None:
        return "—"
    return number(value, language, 1).removesuffix(",0").removesuffix(".0")
