"""The CSV of a notebook's figures: one row per figure, the same numbers the JSON and the page show."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = ("section", "label", "matter", "period", "outcome", "count", "n", "rate", "ci95_low", "ci95_high",
           "value")


def _rate_row(section: str, data: dict[str, Any], **keys: Any) -> dict[str, Any]:
    ci = data.get("ci95") or [None, None]
    return {"section": section, **keys, "count": data["count"], "n": data["n"], "rate": data["rate"],
            "ci95_low": ci[0], "ci95_high": ci[1]}


def rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"section": "n_rulings", "value": figures["n_rulings"]}]
    for item in figures["defects"]["by_label"]:
        out.append(_rate_row("defect", item, label=item["label"]))
    out.append(_rate_row("defect_any", figures["defects"]["any"]))
    time = figures["time_to_ruling"]
    out += [{"section": "time_to_ruling_median_days", "n": time["n"], "value": time["median_days"]},
            {"section": "time_to_ruling_p90_days", "n": time["n"], "value": time["p90_days"]}]
    consistency = figures["consistency"]
    out.append(_rate_row("follows_own_precedent", consistency["follows_modal_outcome"]))
    for item in consistency["follows_by_matter"]:
        out.append(_rate_row("follows_own_precedent", item, matter=item["matter"]))
    out.append(_rate_row("departs_by_auditors", consistency["departs_by_auditors"]))
    for matter in figures["line_of_decisions"]["by_matter"]:
        for outcome in matter["outcomes"]:
            out.append({"section": "outcomes", "matter": matter["matter"], "outcome": outcome["outcome"],
                        "count": outcome["count"], "n": matter["n"]})
    for row in figures["line_of_decisions"]["by_quarter"]:
        out.append({"section": "outcomes_by_quarter", "matter": row["matter"], "period": row["period"],
                    "outcome": row["outcome"], "count": row["count"]})
    for row in figures["line_of_decisions"]["by_month"]:
        out.append({"section": "outcomes_by_month", "matter": row["matter"], "period": row["period"],
                    "outcome": row["outcome"], "count": row["count"]})
    return out


def to_csv(figures: dict[str, Any], *, judge: str, period: str) -> str:
    """UTF-8 CSV (with a BOM so spreadsheets read the accents) of every figure; `judge` and `period` repeat on
    every row so that files of several notebooks can be stacked."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=("judge", "period_covered", *COLUMNS), extrasaction="raise",
                            lineterminator="\r\n")
    writer.writeheader()
    for row in rows(figures):
        writer.writerow({"judge": judge, "period_covered": period, **{c: row.get(c) for c in COLUMNS}})
    return "\ufeff" + buffer.getvalue()
