"""The statistics as a spreadsheet (GET …/complaints/stats.csv): the same figures as the JSON, headers in Spanish
by default and in English on request; and the figures the desk shows beside their definitions."""

from __future__ import annotations

import csv
import io

STATS = "/api/v1/municipalities/10005/complaints/stats"


def table(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def value(rows, section_code: str, measure_or_name: str | None = None) -> str:
    found = [row for row in rows if row[1] == section_code and (measure_or_name is None or
                                                              measure_or_name in (row[3], row[2]))]
    assert len(found) == 1, (section_code, measure_or_name, found)
    return found[0][4]


def test_the_csv_holds_the_same_figures_as_the_json(client) -> None:
    figures = client.get(STATS).json()
    rows = table(client.get(STATS + ".csv"))
    assert rows[0] == ["sección", "código", "nombre", "medida", "valor"]
    body = rows[1:]
    assert value(body, "total") == str(figures["total"])
    assert value(body, "open") == str(figures["open"])
    assert value(body, "overdue") == str(figures["overdue"])
    for state in figures["by_state"]:
        assert value(body, state["state"], state["label"]) == str(state["count"])
    for category in figures["by_category"]:
        assert value(body, category["service_code"], category["name"]) == str(category["count"])
    for zone in figures["by_zone"]:
        assert value(body, zone["code"] or "", zone["name"]) == str(zone["count"])
    for month in figures["monthly"]:
        assert value(body, month["month"], "Recibidas") == str(month["received"])
        assert value(body, month["month"], "Respondidas tarde o sin respuesta al vencer") == str(month["answer_late"])
    answer = figures["time_to_first_response"]
    assert value(body, "time_to_first_response", "Mediana (días hábiles)") == \
        ("" if answer["median_business_days"] is None else str(answer["median_business_days"]))
    assert value(body, "time_to_first_response", "Percentil 90 (días hábiles)") == str(answer["p90_business_days"])
    kept = figures["answered_on_time"]
    assert value(body, "answered_on_time", "Proporción a tiempo") == str(kept["share"])
    assert value(body, "answered_on_time", "Sin respuesta al vencer el plazo") == str(kept["unanswered_past_due"])
    assert value(body, "resolved_on_time", "Tarde") == str(figures["resolved_on_time"]["late"])


def test_open_and_the_definitions_of_every_figure(client) -> None:
    figures = client.get(STATS).json()
    open_states = {"received", "needs_clarification", "admitted", "under_investigation", "extended", "reopened"}
    assert figures["open"] == sum(s["count"] for s in figures["by_state"] if s["state"] in open_states)
    assert figures["overdue"] > 0 and figures["answered_on_time"]["unanswered_past_due"] > 0  # the demo's
    assert set(figures["definitions"]) == {"total", "open", "overdue", "by_category", "by_zone", "monthly"}
    assert figures["definitions"]["overdue"].startswith("De los casos recibidos")
    english = client.get(STATS, headers={"Accept-Language": "en"}).json()
    assert english["definitions"]["open"].startswith("Of the cases received")


def test_english_headers_on_request_and_the_window(client) -> None:
    for response in (client.get(STATS + ".csv", params={"lang": "en"}),
                     client.get(STATS + ".csv", headers={"Accept-Language": "en-US,en;q=0.9"})):
        rows = table(response)
        assert rows[0] == ["section", "code", "name", "measure", "value"]
        assert rows[1][:3] == ["Summary", "total", "Received"]
        assert 'filename="statistics-10005.csv"' in response.headers["content-disposition"]
    spanish = client.get(STATS + ".csv", params={"lang": "es"}, headers={"Accept-Language": "en"})
    assert table(spanish)[0][0] == "sección"
    window = client.get(STATS, params={"since": "2100-01-01"}).json()
    rows = table(client.get(STATS + ".csv", params={"since": "2100-01-01"}))
    assert window["total"] == 0 and value(rows[1:], "total") == "0"
    assert value(rows[1:], "time_to_first_response", "Mediana (días hábiles)") == ""
    bad = client.get(STATS + ".csv", params={"lang": "fr"})
    assert bad.status_code == 422
    wrong = client.get(STATS + ".csv", params={"since": "2026-02-01", "until": "2026-01-01"})
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "until"
