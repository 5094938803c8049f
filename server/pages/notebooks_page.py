"""/publico/{code}/cuadernos, /cuadernos/{id} and /cuadernos/{id}/responder: the judges' notebooks as the public
reads them (docs/notebooks.md, docs/public-pages.md), exactly the public view of `GET …/notebooks/{id}`
(server.notebooks.service.view, never read as the team): published and withdrawn notebooks only, figures only
when the notebook covers the minimum of rulings (otherwise why not, in words), the judge's reply beside it; and
the form the judge replies with (the key of the invitation is the credential), with no script.

The figures are drawn on the server (server/pages/svg.py) and repeated in tables; the words of codes (defects,
outcomes, matters, quarters) are the notebook's own (server.notebooks.page), so the printable page and these
read the same."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.auth.actor import ANONYMOUS
from server.errors import AppError, NotFound
from server.i18n import N_
from server.notebooks import page as notebook_words
from server.notebooks import service as notebooks
from server.notebooks.models import NotebookState, ReplyCreate
from server.pages import svg
from server.pages.common import Where
from server.pages.html import Page, day, definitions, e, number, section, table, url

# Words of the reply form's problems, looked up by the service's error codes (docs/notebooks.md, "The judge's
# reply"), and the form's own.
FORM_PROBLEMS = (N_("reply_secret_invalid"), N_("reply_secret_used"), N_("reply_secret_expired"),
                 N_("notebook_reply_not_open"), N_("page_reply_secret_missing"), N_("page_reply_signed_short"),
                 N_("page_reply_text_short"), N_("page_reply_too_long"))
SECRET_MAX, SIGNED_MIN, SIGNED_MAX, TEXT_MIN, TEXT_MAX = 200, 3, 200, 10, 20_000


# ------------------------------------------------------------------------------------------------ reading


def _public(where: Where, notebook: Any) -> dict[str, Any]:
    """The notebook as the public reads it (never as the team, whoever is signed in elsewhere)."""
    return notebooks.view(where.session, notebook, internal=False, language=where.language,
                          municipality=where.municipality)


def _readable(where: Where, notebook_id: uuid.UUID) -> dict[str, Any]:
    """A published or withdrawn notebook's public view; a draft or reviewed one is not found (the 404 page)."""
    notebook, _ = notebooks.readable(where.session, actor=ANONYMOUS, municipality=where.municipality,
                                     notebook_id=notebook_id)
    return _public(where, notebook)


def public_ids(where: Where) -> list[tuple[uuid.UUID, datetime | None]]:
    """The notebooks the public may read (for the sitemap): id and when it was published or withdrawn."""
    return [(notebook.id, notebook.withdrawn_at or notebook.published_at)
            for notebook, _ in notebooks.list_(where.session, actor=ANONYMOUS, municipality=where.municipality)]


def _pct(rate: float | None, language: str) -> str:
    return "—" if rate is None else f"{number(rate * 100, language)} %"


def _interval(data: dict[str, Any], language: str) -> str:
    if data.get("ci95") is None:
        return "—"
    low, high = data["ci95"]
    return f"{number(low * 100, language)}–{number(high * 100, language)} %"


def _days(value: float | None, where: Where) -> str:
    if value is None:
        return "—"
    shown = number(value, where.language, 1).removesuffix(",0").removesuffix(".0")
    return where.words("notebook_days", days=shown)


def _state_line(where: Where, data: dict[str, Any]) -> str:
    t = where.words
    when = data["withdrawn_at"] if data["state"] == "withdrawn" else data["published_at"]
    stamp = f" · {e(day(datetime.fromisoformat(when), where.language))}" if when else ""
    return f'<span class="badge{" late" if data["state"] == "withdrawn" else ""}">{e(data["state_label"])}</span>' \
           + stamp + f' · {e(t("page_notebook_rulings_count", n=data["n_rulings"]))}'


# ------------------------------------------------------------------------------------------------ the list


def listing(where: Where) -> Page:
    t, lang = where.words, where.language
    found = [_public(where, notebook) for notebook, _ in
             notebooks.list_(where.session, actor=ANONYMOUS, municipality=where.municipality)]
    judges: dict[str, list[dict[str, Any]]] = {}
    for data in found:
        judges.setdefault(data["judge"]["id"], []).append(data)
    items = []
    for books in sorted(judges.values(), key=lambda group: group[0]["judge"]["full_name"]):
        judge = books[0]["judge"]
        courts = sorted({court["name"] for data in books for court in data["courts"]})
        about = " · ".join(e(part) for part in ([judge.get("title")] if judge.get("title") else []) + courts)
        periods = "".join(
            f'<li><a href="{e(url(where.home + "/cuadernos/" + data["id"], lang))}">{e(_period(data))}</a>'
            f' · {e(data["project"]["name"])}<br>{_state_line(where, data)}'
            + (f'<br><span class="muted">{e(t("page_notebook_no_figures"))}</span>' if data["withheld"] else "")
            + "</li>" for data in books)
        items.append(f"<li><h2>{e(judge['full_name'])}</h2>" + (f'<p class="muted">{about}</p>' if about else "")
                     + f"<ul>{periods}</ul></li>")
    body = (f"<h1>{e(t('page_notebooks_title'))}</h1><p>{e(t('page_notebooks_intro'))}</p>"
            + (f'<ul class="cards">{"".join(items)}</ul>' if items else f"<p>{e(t('page_notebooks_none'))}</p>")
            + f'<p><a href="{e(f"/api/v1/municipalities/{where.code}/notebooks")}">{e(t("page_notebook_json"))}</a>'
            "</p>")
    return Page(path=f"{where.home}/cuadernos", title=t("page_notebooks_title_in", municipality=where.name),
                description=t("page_notebooks_description", count=len(found), municipality=where.name),
                body=body, crumbs=where.crumbs((t("page_notebooks_title"), None)), municipality=where.name)


# ------------------------------------------------------------------------------------------------ one notebook


def one(where: Where, notebook_id: uuid.UUID) -> Page:
    t, lang = where.words, where.language
    data = _readable(where, notebook_id)
    judge, path = data["judge"], f"{where.home}/cuadernos/{data['id']}"
    api = f"/api/v1/municipalities/{where.code}/notebooks/{data['id']}"
    courts = ", ".join(court["name"] for court in data["courts"])
    parts = [f"<p class=\"lead\">{e(t('notebook_title'))}</p><h1>{e(judge['full_name'])}</h1>"]
    parts.append(definitions([
        (e(t("page_notebook_judge_title")), e(judge.get("title") or "")),
        (e(t("page_notebook_courts")), e(courts)),
        (e(t("page_notebook_period")), e(_period(data))),
        (e(t("page_notebook_project")), e(data["project"]["name"])),
        (e(t("page_notebook_state")), _state_line(where, data)),
        (e(t("page_notebook_rulings")), e(t("notebook_n_rulings", n=data["n_rulings"], minimum=data["min_rulings"]))),
    ]))
    if data["state"] == "withdrawn":
        # the team's reason alone: withheld_reason ("Este cuaderno fue retirado: …") after the notice said it twice
        parts.append(f'<p class="alert" role="note"><strong>{e(t("page_notebook_withdrawn_notice"))}</strong> '
                     f'{e(t("page_notebook_withdrawn_reason", reason=data["withdrawn_reason"] or ""))}</p>')
    elif data["withheld"]:
        parts.append(f'<p class="alert" role="note">{e(data["withheld_reason"])}</p>')
    figures = data["figures"]
    if figures is not None:
        parts += _figures(where, figures)
    parts.append(_surveys(where, data))
    parts.append(_replies(where, data, path))
    parts.append(section(e(t("page_notebook_reading")), _reading(where, data), ident="lectura"))
    links = [f'<a href="{e(api)}">{e(t("page_notebook_json"))}</a>',
             f'<a href="{e(url(api + ".html", lang))}">{e(t("page_notebook_printable"))}</a>']
    if figures is not None:
        links.append(f'<a href="{e(api)}/figures.csv">{e(t("page_notebook_csv"))}</a>')
    parts.append(f'<ul class="actions">{"".join(f"<li>{link}</li>" for link in links)}</ul>')
    return Page(path=path, title=t("page_notebook_title", judge=judge["full_name"], period=_period(data)),
                description=_description(where, data), body="".join(parts),
                crumbs=where.crumbs((t("page_notebooks_title"), f"{where.home}/cuadernos"),
                                    (judge["full_name"], None)),
                og_type="article", municipality=where.name, share=True)


def _period(data: dict[str, Any]) -> str:
    return data["period"]["text"].split(": ", 1)[-1]  # "Periodo: del … al …" → "del … al …"


def _description(where: Where, data: dict[str, Any]) -> str:
    t = where.words
    if data["figures"] is None:
        return t("page_notebook_description_withheld", judge=data["judge"]["full_name"], period=_period(data),
                 municipality=where.name)
    rate = data["figures"]["defects"]["any"]
    return t("page_notebook_description", judge=data["judge"]["full_name"], period=_period(data),
             n=data["n_rulings"], defects=_pct(rate["rate"], where.language), municipality=where.name)


def _figures(where: Where, figures: dict[str, Any]) -> list[str]:
    t, lang = where.words, where.language
    parts = []

    # The line of decisions: by quarter, stacked by outcome; then by matter.
    line = figures["line_of_decisions"]
    totals: dict[str, int] = {}
    for row in line["by_quarter"]:
        totals[row["outcome"]] = totals.get(row["outcome"], 0) + row["count"]
    outcomes = sorted(totals, key=lambda code: (-totals[code], code))  # the most frequent at the bottom
    quarters: dict[str, dict[str, int]] = {}
    for row in line["by_quarter"]:
        counts = quarters.setdefault(row["period"], {})
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + row["count"]
    names = {code: notebook_words.label("outcome", code, lang) for code in outcomes}
    body = ""
    if quarters:
        columns = [(notebook_words.quarter(key, lang), counts) for key, counts in sorted(quarters.items())]
        chart = svg.stacked_columns(columns, [(code, names[code]) for code in outcomes],
                                    title=t("page_notebook_line_chart"),
                                    description=t("page_notebook_line_chart_description"), ident="linea")
        rows = [[e(name)] + [str(counts.get(code, 0)) for code in outcomes] + [str(sum(counts.values()))]
                for name, counts in columns]
        body += f"<figure>{chart}</figure>" + table(
            e(t("page_notebook_line_caption")),
            [e(t("notebook_col_quarter"))] + [e(names[code]) for code in outcomes] + [e(t("page_notebook_col_total"))],
            rows, numeric=set(range(1, len(outcomes) + 2)))
    else:
        body += f"<p>{e(t('page_notebook_line_undated'))}</p>"
    matter_rows = [[e(notebook_words.label("matter", matter["matter"], lang)),
                    e(notebook_words.label("outcome", outcome["outcome"], lang)), str(outcome["count"])]
                   for matter in line["by_matter"] for outcome in matter["outcomes"]]
    if matter_rows:
        body += table(e(t("page_notebook_matter_caption")),
                      [e(t("notebook_col_matter")), e(t("notebook_col_outcome")), e(t("notebook_col_rulings"))],
                      matter_rows, numeric={2})
    parts.append(section(e(t("page_notebook_line")), body, ident="linea-decisiones"))

    # Reasoning defects, with their Wilson intervals.
    defects = figures["defects"]
    rows_of = [(notebook_words.label("defect", item["label"], lang), item) for item in defects["by_label"]]
    rows_of.append((t("notebook_defect_any"), defects["any"]))
    chart = svg.interval_chart(
        [(name, item["rate"], tuple(item["ci95"]) if item.get("ci95") else None,
          f"{_pct(item['rate'], lang)} ({_interval(item, lang)})") for name, item in rows_of],
        title=t("page_notebook_defects_chart"), description=t("page_notebook_defects_chart_description"),
        ident="defectos")
    parts.append(section(e(t("notebook_defects")), f"<figure>{chart}</figure>" + table(
        e(t("page_notebook_defects_caption")),
        [e(t("notebook_col_category")), e(t("notebook_col_rulings")), e(t("notebook_col_rate")),
         e(t("notebook_col_ci"))],
        [[e(name), f"{item['count']} / {item['n']}", _pct(item["rate"], lang), _interval(item, lang)]
         for name, item in rows_of], numeric={1, 2, 3})
        + f'<p class="muted">{e(t("page_notebook_defects_note"))}</p>', ident="defectos-motivacion"))

    # Time from filing to ruling.
    time = figures["time_to_ruling"]
    parts.append(section(e(t("notebook_time")), definitions([
        (e(t("notebook_col_median")), e(_days(time["median_days"], where))),
        (e(t("notebook_col_p90")), e(_days(time["p90_days"], where))),
        (e(t("page_notebook_min")), e(_days(time["min_days"], where))),
        (e(t("page_notebook_max")), e(_days(time["max_days"], where))),
        (e(t("page_notebook_timed")), str(time["n"])),
        (e(t("page_notebook_missing_dates")), str(time["left_out_missing_dates"])),
        (e(t("page_notebook_inconsistent_dates")), str(time["left_out_inconsistent_dates"])),
    ]) + f'<p class="muted">{e(t("page_notebook_time_note"))}</p>', ident="tiempo"))

    # Consistency with the judge's own precedents.
    consistency = figures["consistency"]
    rows = [[e(t("notebook_follows")), *_rate_cells(consistency["follows_modal_outcome"], lang)]]
    rows += [[e(t("page_notebook_follows_in", matter=notebook_words.label("matter", item["matter"], lang))),
              *_rate_cells(item, lang)] for item in consistency.get("follows_by_matter", [])]
    rows.append([e(t("notebook_departs")), *_rate_cells(consistency["departs_by_auditors"], lang)])
    parts.append(section(e(t("notebook_consistency")), table(
        e(t("page_notebook_consistency_caption")),
        [e(t("page_col_measure")), e(t("notebook_col_rulings")), e(t("notebook_col_rate")), e(t("notebook_col_ci"))],
        rows, numeric={1, 2, 3}) + f'<p class="muted">{e(t("page_notebook_consistency_note"))}</p>',
        ident="coherencia"))
    return parts


def _rate_cells(item: dict[str, Any], language: str) -> list[str]:
    return [f"{item['count']} / {item['n']}", _pct(item["rate"], language), _interval(item, language)]


def _surveys(where: Where, data: dict[str, Any]) -> str:
    t, lang = where.words, where.language
    if not data["surveys"]:
        return section(e(t("notebook_surveys")), f"<p>{e(t('notebook_no_surveys'))}</p>", ident="encuestas")
    courts = {court["id"]: court["name"] for court in data["courts"]}
    parts = []
    for result in data["surveys"]:
        court = courts.get(result["court_id"], "")
        parts.append(f"<h3>{e(result['survey']['title'])}" + (f" · {e(court)}" if court else "") + "</h3>"
                     f"<p>{e(t('notebook_survey_responses', n=result['responses']))}</p>")
        indices = "".join(
            "<li>" + e(t("notebook_index", section=notebook_words.label("section", name, lang), n=index["n"],
                         value=_index(index["index"], lang))) + "</li>"
            for name, index in result["indices"].items())
        if indices:
            parts.append(f"<ul>{indices}</ul>")
        rows = [[e(item["text"].get(lang) or item["text"].get("es") or item["code"]), _pct(item["agree"]["rate"], lang),
                 _interval(item["agree"], lang), str(item["answered"])]
                for item in result["items"] if item["kind"] == "likert5"]
        if rows:
            parts.append(table(e(t("page_notebook_survey_caption", title=result["survey"]["title"], court=court)),
                               [e(t("notebook_col_item")), e(t("notebook_col_agree")), e(t("notebook_col_ci")),
                                e(t("notebook_col_n"))], rows, numeric={1, 2, 3}))
    parts.append(f'<p class="muted">{e(t("page_notebook_surveys_note"))}</p>')
    return section(e(t("notebook_surveys")), "".join(parts), ident="encuestas")


def _index(value: float | None, language: str) -> str:
    return "—" if value is None else number(value, language, 1).removesuffix(",0").removesuffix(".0")


def _replies(where: Where, data: dict[str, Any], path: str) -> str:
    t, lang = where.words, where.language
    replies = data["replies"]
    parts = []
    for reply in reversed(replies):  # the newest first; every earlier version stays
        when = day(datetime.fromisoformat(reply["created_at"]), lang)
        heading = t("notebook_reply_heading", number=reply["number"], signed=reply["signed_as"])
        parts.append(f'<article class="reply"><h3>{e(heading)}</h3><p class="muted">'
                     f'<time datetime="{e(reply["created_at"])}">{e(when)}</time></p>'
                     f"<blockquote>{_paragraphs(reply['text'])}</blockquote></article>")
    if not replies:
        parts.append(f"<p>{e(t('notebook_no_reply'))}</p>")
    if data["state"] == "published":
        parts.append(f'<p class="actions"><a href="{e(url(path + "/responder", lang))}">'
                     f'{e(t("page_reply_invite_link"))}</a></p>')
    return section(e(t("page_notebook_reply_title")), "".join(parts), ident="respuesta")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{e(block).replace(chr(10), '<br>')}</p>" for block in text.replace("\r\n", "\n").split("\n\n")
                   if block.strip())


def _reading(where: Where, data: dict[str, Any]) -> str:
    t = where.words
    items = [t("notebook_method_note"), t("page_notebook_reading_collected"), t("page_notebook_reading_intervals"),
             t("page_notebook_reading_consistency"), t("page_notebook_reading_minimum", minimum=data["min_rulings"])]
    figures = data["figures"]
    if figures is not None and figures.get("rulings_without_adjudication"):
        items.append(t("page_notebook_reading_left_out", total=figures["rulings_in_period"],
                       left_out=figures["rulings_without_adjudication"]))
    items.append(t("page_notebook_reading_not"))
    return "<ul>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>"


# ------------------------------------------------------------------------------------------------ the reply form


@dataclass
class ReplyForm:
    """What the judge typed (never the key: it is not shown back) and what is wrong with it, by field."""

    signed_as: str = ""
    text: str = ""
    problems: dict[str, str] = field(default_factory=dict)  # the field's id → words
    status: int = 200
    sent: bool = False  # the reply went to a notebook not public yet: say it was received


def reply_target(where: Where, notebook_id: uuid.UUID) -> tuple[Any, dict[str, Any] | None]:
    """The notebook a reply goes to and its public view (None while it is reviewed, not yet public: the judge may
    be invited then, and the form says nothing of it). A draft, or a notebook of another municipality, is not
    found."""
    notebook = notebooks.get(where.session, municipality=where.municipality, notebook_id=notebook_id)
    state = NotebookState(notebook.state)
    if state == NotebookState.draft:
        raise NotFound("notebook_not_found")
    return notebook, (_public(where, notebook) if state != NotebookState.reviewed else None)


def reply_page(where: Where, notebook_id: uuid.UUID, form: ReplyForm | None = None) -> Page:
    t, lang = where.words, where.language
    form = form or ReplyForm()
    _, data = reply_target(where, notebook_id)
    path = f"{where.home}/cuadernos/{notebook_id}"
    parts = [f"<h1>{e(t('page_reply_title'))}</h1>"]
    if data is not None:
        parts.append(f'<p class="lead"><a href="{e(url(path, lang))}">{e(data["judge"]["full_name"])} · '
                     f'{e(_period(data))}</a></p>')
    if form.sent:
        parts.append(f'<p class="notice" role="status">{e(t("page_reply_received"))}</p>')
    parts.append(f"<p>{e(t('page_reply_intro'))}</p>")
    if form.problems:
        items = "".join(f'<li><a href="#{name}">{e(words)}</a></li>' for name, words in form.problems.items())
        parts.append(f'<div class="alert" role="alert" id="problemas"><p><strong>{e(t("page_reply_problems"))}'
                     f"</strong></p><ul>{items}</ul></div>")

    def described(name: str) -> str:
        ids = f"{name}-ayuda" + (f" {name}-error" if name in form.problems else "")
        invalid = ' aria-invalid="true"' if name in form.problems else ""
        return f' aria-describedby="{ids}"{invalid}'

    def problem(name: str) -> str:
        return (f'<p class="problem" id="{name}-error">{e(form.problems[name])}</p>' if name in form.problems else "")

    parts.append(
        f'<form class="reply-form" method="post" action="{e(url(path + "/responder", lang))}" '
        'accept-charset="utf-8">'
        f'<p><label for="clave">{e(t("page_reply_secret"))}</label>'
        f'<span class="hint" id="clave-ayuda">{e(t("page_reply_secret_hint"))}</span>{problem("clave")}'
        f'<input id="clave" name="secret" type="password" autocomplete="off" required maxlength="{SECRET_MAX}"'
        f'{described("clave")}></p>'
        f'<p><label for="firma">{e(t("page_reply_signed"))}</label>'
        f'<span class="hint" id="firma-ayuda">{e(t("page_reply_signed_hint"))}</span>{problem("firma")}'
        f'<input id="firma" name="signed_as" type="text" autocomplete="name" required minlength="{SIGNED_MIN}" '
        f'maxlength="{SIGNED_MAX}" value="{e(form.signed_as)}"{described("firma")}></p>'
        f'<p><label for="respuesta">{e(t("page_reply_text"))}</label>'
        f'<span class="hint" id="respuesta-ayuda">{e(t("page_reply_text_hint", most=TEXT_MAX))}</span>'
        f'{problem("respuesta")}'
        f'<textarea id="respuesta" name="text" rows="12" required minlength="{TEXT_MIN}" maxlength="{TEXT_MAX}"'
        f'{described("respuesta")}>{e(form.text)}</textarea></p>'
        f'<p><button type="submit" class="button">{e(t("page_reply_submit"))}</button></p></form>'
        f'<p class="muted">{e(t("page_reply_public_note"))}</p>')
    crumbs = [(t("page_notebooks_title"), f"{where.home}/cuadernos")]
    if data is not None:
        crumbs.append((data["judge"]["full_name"], path))
    return Page(path=f"{path}/responder", title=t("page_reply_title"), description=t("page_reply_description"),
                body="".join(parts), crumbs=where.crumbs(*crumbs, (t("page_reply_title"), None)),
                municipality=where.name, status=form.status, index=False)


def submit_reply(where: Where, notebook_id: uuid.UUID, values: dict[str, str]) -> ReplyForm | str:
    """The judge's reply sent with the form, through the same service as `POST …/notebooks/{id}/replies`: the
    address to go to once it is published (the notebook's page at its reply), or the form again with what was
    typed (never the key) and, in words, what is wrong."""
    t, lang = where.words, where.language
    _, data = reply_target(where, notebook_id)
    secret, signed, text = (values.get(name, "").strip() for name in ("secret", "signed_as", "text"))
    form = ReplyForm(signed_as=values.get("signed_as", ""), text=values.get("text", ""), status=422)
    if not secret:
        form.problems["clave"] = t("page_reply_secret_missing")
    elif not 20 <= len(secret) <= SECRET_MAX:  # the API's bounds: no invitation's key is shorter or longer
        form.problems["clave"] = t("reply_secret_invalid")
    if len(signed) < SIGNED_MIN:
        form.problems["firma"] = t("page_reply_signed_short", least=SIGNED_MIN)
    elif len(signed) > SIGNED_MAX:
        form.problems["firma"] = t("page_reply_too_long", most=SIGNED_MAX)
    if len(text) < TEXT_MIN:
        form.problems["respuesta"] = t("page_reply_text_short", least=TEXT_MIN)
    elif len(text) > TEXT_MAX:
        form.problems["respuesta"] = t("page_reply_too_long", most=TEXT_MAX)
    if form.problems:
        return form
    try:
        notebooks.reply(where.session, municipality=where.municipality, notebook_id=notebook_id,
                        data=ReplyCreate(secret=secret, signed_as=signed, text=text))
    except AppError as error:
        if error.code not in FORM_PROBLEMS:
            raise
        form.problems["clave"] = error.message(lang)
        form.status = error.status
        return form
    path = f"{where.home}/cuadernos/{notebook_id}"
    return url(path + "#respuesta", lang) if data is not None else url(path + "/responder", lang, enviada=1)
