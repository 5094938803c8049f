"""A judge's notebook as a self-contained page to print on A4 (no scripts, fonts, images or links elsewhere), in
the notebook view's language: the same content as the JSON (server.notebooks.service.view)."""

from __future__ import annotations

from html import escape
from typing import Any

from server.i18n import N_, Language, translate

STYLE = """
body{font-family:Georgia,'Times New Roman',serif;color:#111;margin:2rem auto;max-width:52rem;line-height:1.4;
padding:0 1rem}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;border-bottom:1px solid #444;margin-top:1.6rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;padding:.3rem .4rem;
text-align:left;vertical-align:top;font-size:.9rem}th{background:#eee}.muted{color:#555}.num{text-align:right}
.state{display:inline-block;border:1px solid #111;padding:.1rem .5rem;font-size:.85rem;margin-top:.4rem}
.notice{border:2px solid #111;padding:.5rem .7rem;margin:1rem 0}
.bar{display:inline-block;height:.6rem;background:#444;vertical-align:middle}
.ci{display:inline-block;position:relative;width:8rem;height:.6rem;border:1px solid #999;vertical-align:middle}
.ci span{position:absolute;top:0;bottom:0;background:#bbb}.ci b{position:absolute;top:-.15rem;bottom:-.15rem;
width:2px;background:#111}
.reply{border-left:3px solid #111;padding:.2rem .8rem;margin:.8rem 0;white-space:pre-wrap}
footer{margin-top:2rem;font-size:.8rem;color:#555}
@page{size:A4;margin:2cm 1.8cm}
@media print{body{margin:0;max-width:none;padding:0;font-size:10.5pt}a{color:inherit;text-decoration:none}
.no-print{display:none}h2,h3{break-after:avoid;page-break-after:avoid}
thead{display:table-header-group}tr,.reply{break-inside:avoid;page-break-inside:avoid}
th,.bar,.ci span,.ci b{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

# Codes built at run time (docs/translating.md).
WORDS = (
    N_("notebook_state_draft"), N_("notebook_state_reviewed"), N_("notebook_state_published"),
    N_("notebook_state_withdrawn"),
    N_("notebook_defect_apparent_reasoning"), N_("notebook_defect_internal_reasoning"),
    N_("notebook_defect_external_justification"), N_("notebook_defect_insufficient_reasoning"),
    N_("notebook_defect_incongruent_reasoning"),
    N_("notebook_matter_civil"), N_("notebook_matter_family"), N_("notebook_matter_labour"),
    N_("notebook_matter_criminal"), N_("notebook_matter_constitutional"), N_("notebook_matter_administrative"),
    N_("notebook_matter_commercial"),
    N_("notebook_outcome_upheld"), N_("notebook_outcome_partially_upheld"), N_("notebook_outcome_not_upheld"),
    N_("notebook_outcome_inadmissible"), N_("notebook_outcome_annulled"), N_("notebook_outcome_conviction"),
    N_("notebook_outcome_acquittal"), N_("notebook_outcome_dismissed"), N_("notebook_outcome_other"),
    N_("notebook_section_access"), N_("notebook_section_fairness"), N_("notebook_quarter"),
)


def quarter(key: str, language: Language) -> str:
    """A quarter's key ("2025-T2", trimestre) as the page's reader writes it ("2025-Q2" in English)."""
    year, _, number = key.partition("-T")
    return translate("notebook_quarter", language, year=year, number=number) if number.isdigit() else key


def label(prefix: str, code: str, language: Language) -> str:
    """The words for a code of a codelist, or the code itself when the catalogue has none (a custom label)."""
    key = f"notebook_{prefix}_{code}"
    text = translate(key, language)
    return code if text == key else text


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def _ci(data: dict[str, Any]) -> str:
    if data.get("ci95") is None:
        return "—"
    low, high = data["ci95"]
    return f"{low * 100:.0f}–{high * 100:.0f} %"


def _ci_bar(data: dict[str, Any]) -> str:
    if data.get("ci95") is None:
        return ""
    low, high = data["ci95"]
    return (f"<span class=\"ci\" aria-hidden=\"true\"><span style=\"left:{low * 100:.1f}%;width:"
            f"{(high - low) * 100:.1f}%\"></span><b style=\"left:{(data['rate'] or 0) * 100:.1f}%\"></b></span>")


def _days(value: float | None, language: Language) -> str:
    return "—" if value is None else translate("notebook_days", language, days=f"{value:g}")


def render_html(data: dict[str, Any]) -> str:
    """The notebook (a view from server.notebooks.service.view) as a printable page."""
    e = escape
    language: Language = data["language"]

    def t(code: str, **params: Any) -> str:
        return e(translate(code, language, **params))

    judge = data["judge"]
    parts = [
        f"<!doctype html><html lang=\"{e(language)}\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{t('notebook_title')} · {e(judge['full_name'])}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{t('notebook_title')}</h1><p><strong>{e(judge['full_name'])}</strong>",
    ]
    if judge.get("title"):
        parts.append(f" · {e(judge['title'])}")
    courts = ", ".join(e(c["name"]) for c in data["courts"])
    parts.append(f"<br>{courts}" if courts else "")
    parts.append(f"<br><span class=\"muted\">{e(data['period']['text'])} · {e(data['project']['name'])} · "
                 f"{e(data['municipality']['name'])}</span><br><span class=\"state\">{e(data['state_label'])}</span>"
                 "</p>")
    if data["internal"] and data["state"] != "published":
        parts.append(f"<p class=\"notice\">{t('notebook_internal_notice')}</p>")
    if data["withheld"]:
        parts.append(f"<p class=\"notice\">{e(data['withheld_reason'])}</p>")
    figures = data["figures"]
    parts.append(f"<p>{t('notebook_n_rulings', n=data['n_rulings'], minimum=data['min_rulings'])}</p>")
    if figures is not None:
        parts += _figures(figures, language, t)
    parts += _surveys(data["surveys"], language, t)
    parts.append(f"<h2>{t('notebook_replies')}</h2>")
    if data["replies"]:
        for reply in reversed(data["replies"]):
            parts.append(f"<h3>{t('notebook_reply_heading', number=reply['number'], signed=reply['signed_as'])}</h3>"
                         f"<div class=\"reply\">{e(reply['text'])}</div>")
    else:
        parts.append(f"<p class=\"muted\">{t('notebook_no_reply')}</p>")
    parts.append(f"</main><footer>{t('notebook_method_note')}</footer></body></html>")
    return "".join(parts)


def _figures(figures: dict[str, Any], language: Language, t: Any) -> list[str]:
    e = escape
    parts = [f"<h2>{t('notebook_defects')}</h2><table><thead><tr><th>{t('notebook_col_category')}</th>"
             f"<th>{t('notebook_col_rulings')}</th><th>{t('notebook_col_rate')}</th>"
             f"<th colspan=\"2\">{t('notebook_col_ci')}</th></tr></thead><tbody>"]
    defects = figures["defects"]
    for item in defects["by_label"] + [{"label": None, **defects["any"]}]:
        name = t("notebook_defect_any") if item["label"] is None else e(label("defect", item["label"], language))
        parts.append(f"<tr><td>{name}</td><td class=\"num\">{item['count']} / {item['n']}</td>"
                     f"<td class=\"num\">{_pct(item['rate'])}</td><td>{_ci(item)}</td><td>{_ci_bar(item)}</td></tr>")
    parts.append("</tbody></table>")
    time = figures["time_to_ruling"]
    parts.append(f"<h2>{t('notebook_time')}</h2><table><thead><tr><th>{t('notebook_col_median')}</th>"
                 f"<th>{t('notebook_col_p90')}</th><th>{t('notebook_col_timed')}</th></tr></thead><tbody><tr>"
                 f"<td class=\"num\">{e(_days(time['median_days'], language))}</td>"
                 f"<td class=\"num\">{e(_days(time['p90_days'], language))}</td>"
                 f"<td class=\"num\">{time['n']}</td></tr></tbody></table>")
    left_out = time["left_out_missing_dates"] + time["left_out_inconsistent_dates"]
    if left_out:
        parts.append(f"<p class=\"muted\">{t('notebook_time_left_out', count=left_out)}</p>")
    consistency = figures["consistency"]
    follows, departs = consistency["follows_modal_outcome"], consistency["departs_by_auditors"]
    parts.append(f"<h2>{t('notebook_consistency')}</h2><table><thead><tr><th></th>"
                 f"<th>{t('notebook_col_rulings')}</th><th>{t('notebook_col_rate')}</th>"
                 f"<th>{t('notebook_col_ci')}</th></tr></thead><tbody>"
                 f"<tr><th>{t('notebook_follows')}</th><td class=\"num\">{follows['count']} / {follows['n']}</td>"
                 f"<td class=\"num\">{_pct(follows['rate'])}</td><td>{_ci(follows)}</td></tr>"
                 f"<tr><th>{t('notebook_departs')}</th><td class=\"num\">{departs['count']} / {departs['n']}</td>"
                 f"<td class=\"num\">{_pct(departs['rate'])}</td><td>{_ci(departs)}</td></tr></tbody></table>")
    line = figures["line_of_decisions"]
    parts.append(f"<h2>{t('notebook_line')}</h2><table><thead><tr><th>{t('notebook_col_matter')}</th>"
                 f"<th>{t('notebook_col_outcome')}</th><th>{t('notebook_col_rulings')}</th></tr></thead><tbody>")
    for matter in line["by_matter"]:
        for outcome in matter["outcomes"]:
            parts.append(f"<tr><td>{e(label('matter', matter['matter'], language))}</td>"
                         f"<td>{e(label('outcome', outcome['outcome'], language))}</td>"
                         f"<td class=\"num\">{outcome['count']}</td></tr>")
    parts.append("</tbody></table>")
    if line["by_quarter"]:
        parts.append(f"<h3>{t('notebook_line_by_quarter')}</h3><table><thead><tr><th>{t('notebook_col_quarter')}"
                     f"</th><th>{t('notebook_col_matter')}</th><th>{t('notebook_col_outcome')}</th>"
                     f"<th>{t('notebook_col_rulings')}</th></tr></thead><tbody>")
        for row in line["by_quarter"]:
            parts.append(f"<tr><td>{e(quarter(row['period'], language))}</td><td>{e(label('matter', row['matter'], language))}</td>"
                         f"<td>{e(label('outcome', row['outcome'], language))}</td>"
                         f"<td class=\"num\">{row['count']}</td></tr>")
        parts.append("</tbody></table>")
    return parts


def _surveys(results: list[dict[str, Any]], language: Language, t: Any) -> list[str]:
    e = escape
    parts = [f"<h2>{t('notebook_surveys')}</h2>"]
    if not results:
        return parts + [f"<p class=\"muted\">{t('notebook_no_surveys')}</p>"]
    for result in results:
        parts.append(f"<h3>{e(result['survey']['title'])} · {t('notebook_survey_responses', n=result['responses'])}"
                     "</h3><p>")
        for section, index in result["indices"].items():
            value = "—" if index["index"] is None else f"{index['index']:g}"
            words = t("notebook_index", section=label("section", section, language), value=value, n=index["n"])
            parts.append(f"{words}<br>")
        parts.append(f"</p><table><thead><tr><th>{t('notebook_col_item')}</th><th>{t('notebook_col_agree')}</th>"
                     f"<th>{t('notebook_col_ci')}</th><th>{t('notebook_col_n')}</th></tr></thead><tbody>")
        for item in result["items"]:
            if item["kind"] != "likert5":
                continue
            text = item["text"].get(language) or item["text"]["es"]
            parts.append(f"<tr><td>{e(text)}</td><td class=\"num\">{_pct(item['agree']['rate'])}</td>"
                         f"<td>{_ci(item['agree'])}</td><td class=\"num\">{item['answered']}</td></tr>")
        parts.append("</tbody></table>")
    return parts
