"""The reading room's charts: their SQL (also offered as canned queries, so every chart's numbers can be
read, sorted and downloaded) and SVG drawn here, on the server: no chart library, nothing fetched.

The statistics come out of the ``tables`` JSON with ``json_extract`` in one CTE, :data:`MEASURES_CTE`,
one row per report. When the ``measures`` view (one row per report and measure) is in the corpus, that
CTE alone becomes a ``select … from measures``; the chart queries over it stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# One row per report with a year: its body, level and the measures the charts plot. Requests are
# table 3's 本年新收 总计 (2019/2021 templates) or the 2008 indicator 收到申请数; reviews and litigation
# are table 4's 总计 cells, or the 2008 indicators. Switch to the `measures` view here when it lands.
MEASURES_CTE = """
with report_measures as (
  select url, report_year, level, body,
    coalesce(json_extract(t, '$.table3.new.total.value'),
             json_extract(t, '$.indicators.requests_received.value')) as requests,
    coalesce(json_extract(t, '$.table4.review.total.value'),
             json_extract(t, '$.indicators.reviews.value')) as reviews,
    coalesce(json_extract(t, '$.table4.litigation_direct.total.value')
               + json_extract(t, '$.table4.litigation_after_review.total.value'),
             json_extract(t, '$.indicators.lawsuits.value')) as litigation
  from (select *, case when json_valid(tables) then tables end as t from reports)
  where report_year is not null
)
"""

REPORTS_PER_YEAR_LEVEL = (
    MEASURES_CTE
    + """select report_year, coalesce(level, '?') as level, count(*) as reports
from report_measures group by report_year, level order by report_year, level"""
)
COVERAGE = (
    MEASURES_CTE
    + """select coalesce(body, '?') as body, report_year, count(*) as reports
from report_measures group by body, report_year order by body, report_year"""
)
TREND = (
    MEASURES_CTE
    + """select report_year, sum(requests) as requests, sum(reviews) as reviews,
  sum(litigation) as litigation, count(requests) as reports_with_statistics
from report_measures group by report_year order by report_year"""
)

# name → (title, SQL): the charts' queries, offered as canned queries of the corpus.
QUERIES = {
    "reports_per_year_and_level": ("每年各层级报告数 Reports per year and level", REPORTS_PER_YEAR_LEVEL),
    "coverage_bodies_by_year": ("机关 × 年度 覆盖 Coverage of bodies by year", COVERAGE),
    "trend_requests_reviews_litigation": ("申请、复议、诉讼趋势 Requests, reviews, litigation", TREND),
}

PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c")
FONT = "font-family='sans-serif' font-size='12'"


@dataclass(frozen=True)
class Frame:
    """The plotting area inside an SVG of ``width`` × ``height``."""

    width: int = 640
    height: int = 260
    left: int = 48
    right: int = 120
    top: int = 16
    bottom: int = 32

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


def _svg(frame: Frame, label: str, parts: list[str]) -> Markup:
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{escape(label)}' "
        f"width='{frame.width}' height='{frame.height}' viewBox='0 0 {frame.width} {frame.height}'>"
    )
    return Markup(head + "".join(parts) + "</svg>")


def _text(x: float, y: float, text: object, anchor: str = "middle", extra: str = "") -> str:
    return f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' {FONT} {extra}>{escape(str(text))}</text>"


def _y_axis(frame: Frame, top_value: float) -> list[str]:
    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = frame.top + frame.plot_height * (1 - step / 4)
        parts.append(
            f"<line x1='{frame.left}' x2='{frame.left + frame.plot_width}' y1='{y:.1f}' y2='{y:.1f}' "
            "stroke='#ddd'/>"
        )
        parts.append(_text(frame.left - 6, y + 4, f"{value:g}", anchor="end"))
    return parts


def _legend(frame: Frame, names: Sequence[str]) -> list[str]:
    parts = []
    for index, name in enumerate(names):
        x, y = frame.left + frame.plot_width + 16, frame.top + 6 + 18 * index
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f"<rect x='{x}' y='{y - 9}' width='10' height='10' fill='{colour}'/>")
        parts.append(_text(x + 16, y, name, anchor="start"))
    return parts


def _nice_top(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def stacked_bars(rows: Sequence[tuple[int, str, int]], label: str) -> Markup:
    """Bars per year, stacked by level: ``rows`` are (year, level, reports)."""
    frame = Frame()
    years = sorted({row[0] for row in rows})
    years = list(range(years[0], years[-1] + 1)) if years else []  # a year with no report shows as a gap
    levels = sorted({row[1] for row in rows})
    counts = {(year, level): count for year, level, count in rows}
    totals = {year: sum(counts.get((year, level), 0) for level in levels) for year in years}
    top = _nice_top(max(totals.values(), default=0))
    parts = _y_axis(frame, top)
    slot = frame.plot_width / max(len(years), 1)
    for index, year in enumerate(years):
        x = frame.left + slot * index + slot * 0.15
        base = float(frame.top + frame.plot_height)
        for level_index, level in enumerate(levels):
            height = frame.plot_height * counts.get((year, level), 0) / top
            if height:
                base -= height
                parts.append(
                    f"<rect x='{x:.1f}' y='{base:.1f}' width='{slot * 0.7:.1f}' height='{height:.1f}' "
                    f"fill='{PALETTE[level_index % len(PALETTE)]}'><title>{escape(f'{year} {level}')}: "
                    f"{counts[(year, level)]}</title></rect>"
                )
        parts.append(_text(x + slot * 0.35, frame.height - 12, year))
    return _svg(frame, label, parts + _legend(frame, levels))


def lines(rows: Sequence[Sequence[int | None]], names: Sequence[str], label: str) -> Markup:
    """One line per measure over the years: ``rows`` are (year, measure 1, measure 2, …); a year
    without a number for a measure breaks nothing, the line just skips it."""
    frame = Frame()
    years = [row[0] for row in rows if row[0] is not None]
    values = [value for row in rows for value in row[1:] if value is not None]
    top = _nice_top(max(values, default=0))
    parts = _y_axis(frame, top)
    slot = frame.plot_width / max(len(years), 1)

    def x_of(index: int) -> float:
        return frame.left + slot * index + slot / 2

    for index, year in enumerate(years):
        parts.append(_text(x_of(index), frame.height - 12, year))
    for measure, name in enumerate(names, 1):
        colour = PALETTE[(measure - 1) % len(PALETTE)]
        points = [
            (x_of(index), frame.top + frame.plot_height * (1 - float(row[measure] or 0) / top), row)
            for index, row in enumerate(rows)
            if row[measure] is not None
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'/>")
        for x, y, row in points:
            parts.append(
                f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colour}'>"
                f"<title>{escape(f'{row[0]} {name}')}: {row[measure]}</title></circle>"
            )
    return _svg(frame, label, parts + _legend(frame, names))


def coverage_grid(rows: Sequence[tuple[str, int, int]], label: str) -> Markup:
    """A cell per body and year, filled where the corpus holds a report: ``rows`` are (body, year,
    reports). The gaps are the reports still to find."""
    bodies = sorted({row[0] for row in rows})
    years = sorted({row[1] for row in rows})
    if years:
        years = list(range(years[0], years[-1] + 1))
    counts = {(body, year): count for body, year, count in rows}
    cell, left, top = 22, 12 * max((len(body) for body in bodies), default=4) + 16, 40
    frame = Frame(width=left + cell * len(years) + 16, height=top + cell * len(bodies) + 8)
    parts = [
        _text(left + cell * index + cell / 2, top - 8, str(year)[-2:], extra=f"aria-label='{year}'")
        for index, year in enumerate(years)
    ]
    parts.append(_text(left, 14, "年份 →", anchor="start"))
    for row_index, body in enumerate(bodies):
        y = top + cell * row_index
        parts.append(_text(left - 8, y + cell * 0.7, body, anchor="end"))
        for index, year in enumerate(years):
            count = counts.get((body, year), 0)
            fill = PALETTE[0] if count else "#f0f0f0"
            parts.append(
                f"<rect x='{left + cell * index + 1}' y='{y + 1}' width='{cell - 2}' height='{cell - 2}' "
                f"fill='{fill}'><title>{escape(f'{body} {year}')}: {count}</title></rect>"
            )
    return _svg(frame, label, parts)
