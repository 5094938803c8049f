"""The committee's report as a self-contained page to print on A4, in the report's language: the same page for
the internal and the public version (server/inspections/report.py makes their content; docs/inspections.md)."""

from __future__ import annotations

from html import escape
from typing import Any

from server.i18n import Language, translate
from server.inspections.report import PUBLIC, in_words

STYLE = """
body{font-family:Georgia,'Times New Roman',serif;color:#111;margin:2rem auto;max-width:52rem;line-height:1.4;
padding:0 1rem}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;border-bottom:1px solid #444;margin-top:1.6rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;padding:.3rem .4rem;
text-align:left;vertical-align:top;font-size:.9rem}th{background:#eee}.muted{color:#555}.num{text-align:right}
.version{display:inline-block;border:1px solid #111;padding:.1rem .5rem;font-size:.85rem;margin-top:.4rem}
.internal{border:2px solid #111;padding:.5rem .7rem;margin:1rem 0}
.sev-high,.sev-critical{font-weight:bold}.firmas{display:flex;gap:3rem;margin-top:4rem}
.firmas div{flex:1;border-top:1px solid #000;text-align:center;padding-top:.3rem}
footer{margin-top:2rem;font-size:.8rem;color:#555}
@page{size:A4;margin:2cm 1.8cm}
@media print{body{margin:0;max-width:none;padding:0;font-size:10.5pt}a{color:inherit;text-decoration:none}
nav,.no-print{display:none}h2,h3{break-after:avoid;page-break-after:avoid}
thead{display:table-header-group}tr,.firmas,.visit{break-inside:avoid;page-break-inside:avoid}
th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value:.0f} %"


def render_html(data: dict[str, Any], *, public_path: str | None = None) -> str:
    """The report as a self-contained page for printing on A4 (no scripts, fonts, images or links elsewhere),
    in the report's language. `public_path`: where the public version is, said on the internal one."""
    e = escape
    language: Language = data["language"]

    def t(code: str, **params: Any) -> str:
        return e(translate(code, language, **params))

    committee, period, public = data["committee"], data["period"], data["version"] == PUBLIC
    meetings = data["meetings"]
    parts = [
        f"<!doctype html><html lang=\"{language}\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{t('report_title')} · {e(committee['name'])}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{t('report_title')}</h1><p><strong>{e(committee['name'])}</strong> · {e(committee['kind_label'])}"
        f" · {e(data['municipality']['name'])}<br><span class=\"muted\">{e(period['text'])}</span><br>"
        f"{t('report_state', state=committee['state_label'])}",
    ]
    if committee["registration_number"]:
        parts.append(f" · {t('report_registration', number=committee['registration_number'])}")
    if committee["program"]:
        parts.append(f"<br>{t('report_program', program=committee['program'])}")
    parts.append(f"<br><span class=\"version\">{t('report_public_version' if public else 'report_internal')}"
                 "</span></p>")
    if not public:
        parts.append(f"<p class=\"internal\">{t('report_internal_warning', path=public_path or '')}</p>")
    parts.append(f"<h2>{t('report_works')}</h2>")
    if committee["works"]:
        parts.append("<ul>" + "".join(f"<li>{e(w['identifier'])} · {e(w['title'])}</li>" for w in committee["works"])
                     + "</ul>")
    else:
        parts.append(f"<p class=\"muted\">{t('report_no_works')}</p>")
    parts.append(f"<h2>{t('report_members')}</h2>")
    if committee["members"]:
        parts.append(f"<table><thead><tr><th>{t('report_col_name')}</th><th>{t('report_col_role')}</th></tr>"
                     "</thead><tbody>")
        for member in committee["members"]:
            name = e(member["name"]) if member["named"] else f"<span class=\"muted\">{e(member['name'])}</span>"
            parts.append(f"<tr><td>{name}</td><td>{e(member['role_label'])}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p class=\"muted\">{t('report_no_members')}</p>")
    findings_total = sum(item["count"] for item in data["findings_by_severity"])
    parts.append(
        f"<h2>{t('report_summary')}</h2><table><thead><tr><th>{t('report_col_visits')}</th>"
        f"<th>{t('report_col_findings')}</th><th>{t('report_col_meetings')}</th><th>{t('report_col_agreements')}"
        f"</th><th>{t('report_col_agreements_done')}</th><th>{t('report_col_agreements_overdue')}</th>"
        f"<th>{t('report_col_complaints')}</th></tr></thead><tbody><tr><td class=\"num\">{len(data['visits'])}</td>"
        f"<td class=\"num\">{findings_total}</td><td class=\"num\">{meetings['count']}</td>"
        f"<td class=\"num\">{meetings['agreements']}</td><td class=\"num\">{meetings['agreements_done']}</td>"
        f"<td class=\"num\">{meetings['agreements_overdue']}</td><td class=\"num\">{len(data['complaints'])}</td>"
        "</tr></tbody></table>")
    parts.append(f"<h3>{t('report_findings_by_severity')}</h3><table><thead><tr>"
                 + "".join(f"<th>{e(item['label'])}</th>" for item in data["findings_by_severity"])
                 + "</tr></thead><tbody><tr>"
                 + "".join(f"<td class=\"num\">{item['count']}</td>" for item in data["findings_by_severity"])
                 + "</tr></tbody></table>")
    parts.append(f"<h2>{t('report_progress')}</h2>")
    if data["progress_by_work"]:
        parts.append(f"<table><thead><tr><th>{t('report_col_work')}</th><th>{t('report_col_visits')}</th>"
                     f"<th>{t('report_col_official')}</th><th>{t('report_col_observed')}</th>"
                     f"<th>{t('report_col_gap')}</th></tr></thead><tbody>")
        for entry in data["progress_by_work"]:
            gap = "—" if entry["gap_points"] is None else f"{entry['gap_points']:.0f}"
            parts.append(f"<tr><td>{e(entry['work']['identifier'])} · {e(entry['work']['title'])}</td>"
                         f"<td class=\"num\">{entry['visits']}</td>"
                         f"<td class=\"num\">{_pct(entry['official_physical_pct'])}</td>"
                         f"<td class=\"num\">{_pct(entry['latest_observed_pct'])}</td><td class=\"num\">{gap}</td>"
                         "</tr>")
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p class=\"muted\">{t('report_no_visits')}</p>")
    parts.append(f"<h2>{t('report_visits')}</h2>")
    if not data["visits"]:
        parts.append(f"<p class=\"muted\">{t('report_no_visits')}</p>")
    for visit in data["visits"]:
        photos = t("report_photos_public", published=len(visit["published_photo_ids"]), total=visit["photos"]) \
            if public else e(str(visit["photos"]))
        parts.append(f"<section class=\"visit\"><h3>{e(in_words(visit['visited_on'], language))} · "
                     f"{e(visit['work']['identifier'])} {e(visit['work']['title'])}</h3><p>"
                     f"{t('report_visit_line', observed=_pct(visit['observed_physical_pct']))} · "
                     f"{t('report_photos')}: {photos}</p>")
        if visit["findings"]:
            parts.append(f"<table><thead><tr><th>{t('report_col_finding')}</th><th>{t('report_col_severity')}</th>"
                         f"<th>{t('report_col_complaint')}</th></tr></thead><tbody>")
            for finding in visit["findings"]:
                text = e(finding["text"]) if finding["text"] is not None else \
                    f"<span class=\"muted\">{t('report_finding_text_withheld')}</span>"
                parts.append(f"<tr><td>{text}</td><td class=\"sev-{e(finding['severity'])}\">"
                             f"{e(finding['severity_label'])}</td><td>{e(finding['complaint_folio'] or '—')}</td>"
                             "</tr>")
            parts.append("</tbody></table>")
        else:
            parts.append(f"<p class=\"muted\">{t('report_no_findings')}</p>")
        parts.append("</section>")
    parts.append(f"<h2>{t('report_complaints')}</h2>")
    if data["complaints"]:
        parts.append(f"<table><thead><tr><th>{t('report_col_folio')}</th><th>{t('report_col_work')}</th>"
                     f"<th>{t('report_col_category')}</th><th>{t('report_col_received')}</th>"
                     f"<th>{t('report_col_state')}</th><th>{t('report_col_text')}</th></tr></thead><tbody>")
        for row in data["complaints"]:
            text = row["description"] if public else row.get("finding")
            shown = e(text) if text else f"<span class=\"muted\">{t('report_text_pending')}</span>"
            parts.append(f"<tr><td>{e(row['folio'])}</td><td>{e(row['work'] or '—')}</td>"
                         f"<td>{e(row['category_name'])}</td><td>{e(in_words(row['received_on'], language))}</td>"
                         f"<td>{e(row['state_label'])}</td><td>{shown}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p class=\"muted\">{t('report_none')}</p>")
    parts.append(f"<div class=\"firmas\"><div>{t('report_sign_chair')}</div><div>{t('report_sign_secretary')}</div>"
                 f"<div>{t('report_sign_comptroller')}</div></div>")
    footer = [t("report_public_note")] if public else []
    parts.append(f"</main><footer>{' '.join(footer)}</footer></body></html>")
    return "".join(parts)
