"""Maps and charts drawn on the server as inline SVG: no tiles, no script, no request elsewhere; presentation
attributes only (the Content-Security-Policy allows no inline style). Each drawing has a title and a description
for screen readers, and the page shows its numbers as a table too."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from shapely import geometry as sg
from shapely.geometry.base import BaseGeometry

from server.pages.html import e

WIDTH = 320.0
MAX_HEIGHT = 260.0
PAD = 10.0
# Colours with at least 3:1 contrast on white (WCAG 1.4.11, graphics), told apart by shape and dash as well.
SERIES = {
    "official": ("#0b4f6c", ""),
    "financial": ("#8a4b00", "6 3"),
    "committee": ("#1b7f3b", "2 2"),
    "citizen": ("#7b2d8e", "8 2 2 2"),
}
MARKER = {"official": "circle", "financial": "square", "committee": "diamond", "citizen": "triangle"}


def _svg(width: float, height: float, title: str, description: str, body: str, *, ident: str,
         css: str = "chart") -> str:
    return (f'<svg class="{css}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
            f'role="img" aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{ident}-t">{e(title)}</title><desc id="{ident}-d">{e(description)}</desc>{body}</svg>')


# ------------------------------------------------------------------------------------------------ map


@dataclass
class _Frame:
    west: float
    north: float
    k: float  # SVG units per degree of latitude
    cos: float  # shrink of a degree of longitude at this latitude

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon - self.west) * self.cos * self.k, PAD + (self.north - lat) * self.k


def _coords(frame: _Frame, points: Any) -> str:
    return " ".join("{:.1f} {:.1f}".format(*frame.xy(x, y)) for x, y, *_ in points)


def _path(frame: _Frame, geom: BaseGeometry) -> str:
    """SVG path data of a (multi)polygon or (multi)line."""
    if isinstance(geom, sg.Polygon):
        rings = [geom.exterior, *geom.interiors]
        return " ".join(f"M{_coords(frame, ring.coords)}Z" for ring in rings)
    if isinstance(geom, sg.LineString):
        return f"M{_coords(frame, geom.coords)}"
    if hasattr(geom, "geoms"):
        return " ".join(_path(frame, part) for part in geom.geoms if not isinstance(part, sg.Point))
    return ""


def _points(geom: BaseGeometry) -> list[sg.Point]:
    if isinstance(geom, sg.Point):
        return [geom]
    if hasattr(geom, "geoms"):
        return [point for part in geom.geoms for point in _points(part)]
    return []


def _scale_bar(frame: _Frame, width: float, height: float, language: str) -> str:
    metres_per_unit = 111_320 / frame.k
    target = (width - 2 * PAD) / 4 * metres_per_unit
    length = next((m for m in (25, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000) if m >= target),
                  50_000)
    units = length / metres_per_unit
    label = f"{length // 1000} km" if length >= 1000 else f"{length} m"
    x, y = PAD, height - PAD / 2
    return (f'<path d="M{x:.1f} {y - 4:.1f}V{y:.1f}H{x + units:.1f}V{y - 4:.1f}" fill="none" stroke="#222" '
            f'stroke-width="1.5"/><text x="{x + units + 4:.1f}" y="{y:.1f}" font-size="10" fill="#222">{label}</text>')


def location_map(work: dict[str, Any] | None, outlines: list[dict[str, Any]], *, title: str, description: str,
                 ident: str = "mapa", language: str = "es") -> str:
    """The work's geometry (GeoJSON) drawn over the outlines (GeoJSON polygons of its colonias, or of the
    municipality), framed on both; empty text when there is nothing to draw."""
    shapes = [sg.shape(outline) for outline in outlines if outline]
    shape = sg.shape(work) if work else None
    everything = [*shapes, *([shape] if shape is not None else [])]
    if not everything:
        return ""
    west, south, east, north = everything[0].bounds
    for geom in everything[1:]:
        w, s, ea, n = geom.bounds
        west, south, east, north = min(west, w), min(south, s), max(east, ea), max(north, n)
    # a little room around a lone point or a short street
    margin = max((east - west), (north - south), 0.004) * 0.08
    west, south, east, north = west - margin, south - margin, east + margin, north + margin
    cos = math.cos(math.radians((north + south) / 2))
    span_x, span_y = (east - west) * cos, north - south
    k = min((WIDTH - 2 * PAD) / span_x, (MAX_HEIGHT - 2 * PAD) / span_y)
    frame = _Frame(west=west, north=north, k=k, cos=cos)
    width, height = span_x * k + 2 * PAD, span_y * k + 2 * PAD + 12
    tolerance = 0.6 / k  # drop vertices closer than about half a unit: the page stays small
    parts = ['<rect width="100%" height="100%" fill="#f4f7f6"/>']
    for outline in shapes:
        parts.append(f'<path d="{_path(frame, outline.simplify(tolerance))}" fill="#e3ece9" fill-rule="evenodd" '
                     'stroke="#4d6a60" stroke-width="1" stroke-linejoin="round"/>')
    if shape is not None:
        if isinstance(shape, (sg.Polygon, sg.MultiPolygon)):
            parts.append(f'<path d="{_path(frame, shape)}" fill="#c2410c" fill-opacity="0.45" fill-rule="evenodd" '
                         'stroke="#9a3412" stroke-width="2" stroke-linejoin="round"/>')
        elif isinstance(shape, (sg.LineString, sg.MultiLineString)):
            parts.append(f'<path d="{_path(frame, shape)}" fill="none" stroke="#9a3412" stroke-width="4" '
                         'stroke-linecap="round" stroke-linejoin="round"/>')
        elif hasattr(shape, "geoms"):  # a collection of lines and polygons
            parts.append(f'<path d="{_path(frame, shape)}" fill="none" stroke="#9a3412" stroke-width="3"/>')
        for point in _points(shape):
            x, y = frame.xy(point.x, point.y)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#c2410c" stroke="#fff" stroke-width="2"/>')
    parts.append(_scale_bar(frame, width, height, language))
    return _svg(width, height, title, description, "".join(parts), ident=ident, css="map")


# ------------------------------------------------------------------------------------------------ charts


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f}l5 5-5 5-5-5z" fill="{colour}"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}l5 9h-10z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def progress_chart(series: dict[str, list[tuple[date, float]]], labels: dict[str, str], *, title: str,
                   description: str, ident: str = "avance") -> str:
    """Percent over time, one line per source (official physical, official financial, committee, citizen), with
    a legend that names each line by its words, its dash and its marker (not by colour alone)."""
    drawn = {key: sorted(points) for key, points in series.items() if points}
    if not drawn:
        return ""
    days = [d for points in drawn.values() for d, _ in points]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    width, legend_rows = 320.0, len(drawn)
    left, right, top, plot_h = 34.0, 12.0, 10.0, 150.0
    height = top + plot_h + 22 + legend_rows * 16 + 6
    plot_w = width - left - right

    def x(d: date) -> float:
        return left + ((d - first).days / span) * plot_w if span else left + plot_w / 2

    def y(value: float) -> float:
        return top + plot_h - value / 100 * plot_h

    parts = []
    for tick in (0, 25, 50, 75, 100):
        parts.append(f'<path d="M{left:.0f} {y(tick):.1f}H{width - right:.0f}" stroke="#c9d2cf" stroke-width="1"/>'
                     f'<text x="{left - 4:.0f}" y="{y(tick) + 3.5:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#333">{tick}%</text>')
    parts.append(f'<text x="{left:.0f}" y="{top + plot_h + 14:.0f}" font-size="10" fill="#333">{first.isoformat()}'
                 f'</text><text x="{width - right:.0f}" y="{top + plot_h + 14:.0f}" font-size="10" '
                 f'text-anchor="end" fill="#333">{last.isoformat()}</text>')
    for row, (key, points) in enumerate(drawn.items()):
        colour, dash = SERIES[key]
        coords = " ".join(f"{x(d):.1f} {y(v):.1f}" for d, v in points)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        if len(points) > 1:
            parts.append(f'<path d="M{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>')
        parts.extend(_marker(MARKER[key], x(d), y(v), colour) for d, v in points)
        ly = top + plot_h + 32 + row * 16
        parts.append(f'<path d="M{left:.0f} {ly - 4:.0f}h26" stroke="{colour}" stroke-width="2.5"{dashed}/>'
                     + _marker(MARKER[key], left + 13, ly - 4, colour)
                     + f'<text x="{left + 32:.0f}" y="{ly:.0f}" font-size="11" fill="#222">{e(labels[key])}</text>')
    return _svg(width, height, title, description, "".join(parts), ident=ident)


def bar_chart(items: list[tuple[str, float]], *, title: str, description: str, ident: str,
              value_text: list[str] | None = None, colour: str = "#0b4f6c") -> str:
    """Horizontal bars, one per item, each with its label above and its value beside it."""
    if not items:
        return ""
    top = max(value for _, value in items) or 1
    width, row = 320.0, 30.0
    height = row * len(items) + 6
    texts = value_text or [f"{value:g}" for _, value in items]
    parts = []
    for i, ((label, value), shown) in enumerate(zip(items, texts, strict=True)):
        y0 = i * row + 4
        bar = max(value / top * (width - 60), 1 if value else 0)
        parts.append(f'<text x="0" y="{y0 + 10:.0f}" font-size="11" fill="#222">{e(label)}</text>'
                     f'<rect x="0" y="{y0 + 14:.0f}" width="{bar:.1f}" height="11" fill="{colour}"/>'
                     f'<text x="{bar + 5:.1f}" y="{y0 + 24:.0f}" font-size="11" fill="#222">{e(shown)}</text>')
    return _svg(width, height, title, description, "".join(parts), ident=ident)


def monthly_chart(months: list[tuple[str, int, int, int]], labels: tuple[str, str, str], *, title: str,
                  description: str, ident: str, month_names: tuple[str, ...] | None = None) -> str:
    """Per month: the complaints received (outline), and of them answered on time (solid) and late (hatched by
    dash), stacked; the legend names the three. Each month is labelled by its short name (`month_names`, January
    first), with the year under the first month and under each January: "26-06" read as the 26th of June."""
    if not months:
        return ""
    top = max(max(received, on_time + late) for _, received, on_time, late in months) or 1
    width, left, plot_h, base = 320.0, 26.0, 140.0, 8.0
    slot = (width - left - 4) / len(months)
    bar = max(min(slot * 0.7, 28), 3)
    height = base + plot_h + 20 + 11 + 3 * 16 + 4

    def h(value: int) -> float:
        return value / top * plot_h

    parts = [f'<path d="M{left} {base + plot_h:.0f}H{width - 4:.0f}" stroke="#555" stroke-width="1"/>',
             f'<text x="{left - 4}" y="{base + 8:.0f}" font-size="10" text-anchor="end" fill="#333">{top}</text>',
             f'<text x="{left - 4}" y="{base + plot_h:.0f}" font-size="10" text-anchor="end" fill="#333">0</text>']
    for i, (month, received, on_time, late) in enumerate(months):
        x0 = left + i * slot + (slot - bar) / 2
        floor = base + plot_h
        parts.append(f'<rect x="{x0:.1f}" y="{floor - h(received):.1f}" width="{bar:.1f}" height="{h(received):.1f}" '
                     'fill="none" stroke="#444" stroke-width="1"/>')
        parts.append(f'<rect x="{x0:.1f}" y="{floor - h(on_time):.1f}" width="{bar:.1f}" height="{h(on_time):.1f}" '
                     'fill="#1b7f3b"/>')
        parts.append(f'<rect x="{x0:.1f}" y="{floor - h(on_time) - h(late):.1f}" width="{bar:.1f}" '
                     f'height="{h(late):.1f}" fill="#b42318"/>')
        year, _, number = month.partition("-")
        if len(months) <= 12 or i % max(len(months) // 6, 1) == 0:
            name = month_names[int(number) - 1][:3] if month_names and number.isdigit() else month
            parts.append(f'<text x="{x0 + bar / 2:.1f}" y="{floor + 13:.0f}" font-size="9" text-anchor="middle" '
                         f'fill="#333">{e(name)}</text>')
        if month_names and (i == 0 or number == "01"):
            parts.append(f'<text x="{x0 + bar / 2:.1f}" y="{floor + 24:.0f}" font-size="9" text-anchor="middle" '
                         f'fill="#333">{e(year)}</text>')
    legend = [("none", "#444"), ("#1b7f3b", None), ("#b42318", None)]
    for row, ((fill, stroke), label) in enumerate(zip(legend, labels, strict=True)):
        ly = base + plot_h + 45 + row * 16
        outline = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
        parts.append(f'<rect x="{left}" y="{ly - 10:.0f}" width="14" height="10" fill="{fill}"{outline}/>'
                     f'<text x="{left + 20}" y="{ly:.0f}" font-size="11" fill="#222">{e(label)}</text>')
    return _svg(width, height, title, description, "".join(parts), ident=ident)


# Outcomes and other categories stacked in one column: colours with at least 3:1 contrast on white, each segment
# parted from the next by a white line, and named in the legend (the table beside the chart has every number).
PALETTE = ("#0b4f6c", "#b42318", "#1b7f3b", "#8a4b00", "#7b2d8e", "#44546a", "#9a3412", "#00708a", "#5c4d00")


def stacked_columns(columns: list[tuple[str, dict[str, int]]], series: list[tuple[str, str]], *, title: str,
                    description: str, ident: str) -> str:
    """One column per period (its label under it), stacked by series (`series`: (key, words), bottom first), the
    total above each column; a legend names every series by its colour and words."""
    if not columns or not series:
        return ""
    totals = [sum(values.get(key, 0) for key, _ in series) for _, values in columns]
    top = max(totals) or 1
    width, left, base, plot_h = 320.0, 26.0, 16.0, 140.0
    slot = (width - left - 4) / len(columns)
    bar = max(min(slot * 0.6, 36), 4)
    legend_top = base + plot_h + 22
    height = legend_top + len(series) * 16 + 4
    floor = base + plot_h
    parts = [f'<path d="M{left} {floor:.0f}H{width - 4:.0f}" stroke="#555" stroke-width="1"/>',
             f'<text x="{left - 4}" y="{base + 4:.0f}" font-size="10" text-anchor="end" fill="#333">{top}</text>',
             f'<text x="{left - 4}" y="{floor:.0f}" font-size="10" text-anchor="end" fill="#333">0</text>']
    for i, ((name, values), total) in enumerate(zip(columns, totals, strict=True)):
        x0 = left + i * slot + (slot - bar) / 2
        y = floor
        for j, (key, _) in enumerate(series):
            count = values.get(key, 0)
            if not count:
                continue
            h = count / top * plot_h
            y -= h
            parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[j % len(PALETTE)]}" stroke="#fff" stroke-width="1"/>')
        parts.append(f'<text x="{x0 + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                     f'fill="#222">{total}</text>')
        if len(columns) <= 8 or i % max(len(columns) // 6, 1) == 0:
            parts.append(f'<text x="{x0 + bar / 2:.1f}" y="{floor + 13:.0f}" font-size="9" text-anchor="middle" '
                         f'fill="#333">{e(name)}</text>')
    for j, (_, words) in enumerate(series):
        ly = legend_top + j * 16 + 10
        parts.append(f'<rect x="{left}" y="{ly - 10:.0f}" width="14" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                     f'<text x="{left + 20}" y="{ly:.0f}" font-size="11" fill="#222">{e(words)}</text>')
    return _svg(width, height, title, description, "".join(parts), ident=ident)


def interval_chart(items: list[tuple[str, float | None, tuple[float, float] | None, str]], *, title: str,
                   description: str, ident: str) -> str:
    """Rates on a 0–100 % scale: per item its label, a dot at the rate and a line with end caps over its
    confidence interval, and the value in words (`value_text`) beside it. An item without a rate (n = 0) shows
    its label and its words only."""
    if not items:
        return ""
    width, left, plot_w, row, top = 320.0, 12.0, 196.0, 34.0, 14.0
    height = top + row * len(items) + 4

    def x(value: float) -> float:
        return left + value * plot_w

    parts = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<path d="M{x(tick):.1f} {top - 2:.0f}V{height - 4:.0f}" stroke="#dbe3e0" stroke-width="1"/>'
                     f'<text x="{x(tick):.1f}" y="{top - 4:.0f}" font-size="9" text-anchor="middle" '
                     f'fill="#333">{tick * 100:.0f}%</text>')
    for i, (label, rate, interval, shown) in enumerate(items):
        y0 = top + i * row
        parts.append(f'<text x="{left:.0f}" y="{y0 + 11:.0f}" font-size="11" fill="#222">{e(label)}</text>')
        y = y0 + 22
        if interval is not None:
            low, high = interval
            parts.append(f'<path d="M{x(low):.1f} {y - 4:.0f}v8M{x(low):.1f} {y:.0f}H{x(high):.1f}'
                         f'M{x(high):.1f} {y - 4:.0f}v8" stroke="#44546a" stroke-width="2" fill="none"/>')
        if rate is not None:
            parts.append(f'<circle cx="{x(rate):.1f}" cy="{y:.0f}" r="4.5" fill="#0b4f6c"/>')
        parts.append(f'<text x="{left + plot_w + 10:.0f}" y="{y + 4:.0f}" font-size="10" fill="#222">{e(shown)}</text>')
    return _svg(width, height, title, description, "".join(parts), ident=ident)
