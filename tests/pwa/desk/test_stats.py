"""Statistics at /mesa/estadisticas in Chromium, on both databases (docs/complaints.md, "Statistics"): the figures
the API returns, each beside its definition; charts with accessible names and the same numbers in tables; the CSV
downloads with the same figures."""

from __future__ import annotations

import csv
import io
import json
import urllib.request

from playwright.sync_api import expect

from tests.pwa.desk.conftest import PHONE, desk_sign_in, serious_violations

STATS = "/api/v1/municipalities/10005/complaints/stats"


def test_the_dashboard_shows_the_api_figures_and_downloads_the_csv(desk, app_server) -> None:
    base_url, _ = app_server
    with urllib.request.urlopen(urllib.request.Request(base_url + STATS, headers={"Accept-Language": "es"})) as answer:
        figures = json.load(answer)
    page = desk.new_page()
    desk_sign_in(page, "contraloria@vigia.example", then="/mesa/estadisticas")
    expect(page.get_by_role("heading", name="Estadísticas de quejas", level=1)).to_be_visible()
    for figure in ("total", "open", "overdue"):
        expect(page.locator(f"[data-figure={figure}]")).to_have_text(str(figures[figure]))
    share = figures["answered_on_time"]["share"]
    expect(page.locator("[data-figure=answered_on_time]")).to_have_text(f"{share * 100:.1f}".rstrip("0").rstrip(".")
                                                                         + " %")
    overdue = page.get_by_role("group", name="Vencidas")
    expect(overdue).to_contain_text(figures["definitions"]["overdue"])
    late = page.get_by_role("group", name="Primera respuesta dentro del plazo")
    expect(late).to_contain_text(f"{figures['answered_on_time']['unanswered_past_due']} sin respuesta al vencer")
    expect(late).to_contain_text(figures["answered_on_time"]["definition"])
    median = figures["time_to_first_response"]["median_business_days"]
    expect(page.get_by_role("group", name="Tiempo a la primera respuesta")).to_contain_text(
        f"mediana {median:g} · 90 %: {figures['time_to_first_response']['p90_business_days']} días hábiles")

    for chart in ("Quejas por mes de recepción", "Quejas por categoría", "Quejas por zona"):
        expect(page.get_by_role("img", name=chart)).to_be_visible()
    first = figures["by_category"][0]
    table = page.get_by_role("table", name="Quejas por categoría (las mismas cifras de la gráfica)")
    expect(table.get_by_role("row").nth(1)).to_have_text(f"{first['name']}{first['count']}")
    months = page.get_by_role("table", name="Quejas por mes de recepción (las mismas cifras de la gráfica)")
    expect(months.get_by_role("row")).to_have_count(len(figures["monthly"]) + 1)
    assert serious_violations(page) == []

    with page.expect_download() as waiting:
        page.get_by_role("button", name="Descargar CSV").click()
    download = waiting.value
    assert download.suggested_filename == "estadisticas-10005.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["sección", "código", "nombre", "medida", "valor"]
    summary = {row[1]: row[4] for row in rows if row[0] == "Resumen"}
    assert summary == {"total": str(figures["total"]), "open": str(figures["open"]),
                       "overdue": str(figures["overdue"])}

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("img", name="Quejas por categoría")).to_be_visible()
    assert serious_violations(page) == []


def test_a_window_changes_the_figures(desk, app_server) -> None:
    page = desk.new_page()
    desk_sign_in(page, "contraloria@vigia.example", then="/mesa/estadisticas")
    expect(page.locator("[data-figure=total]")).not_to_have_text("0")
    page.get_by_label("Recibidas desde").fill("2100-01-01")
    page.get_by_role("button", name="Aplicar").click()
    expect(page.locator("[data-figure=total]")).to_have_text("0")
    expect(page.get_by_text("No hay quejas en este periodo.").first).to_be_visible()
    assert serious_violations(page) == []
