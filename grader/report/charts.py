"""The instructor report's figures, laid out as data: SVG bar charts of the scores, the time per
submission and the pass rate of every test. The page's template only draws what is here."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from grader.catalog import Challenge
from grader.report.scorecard import points

GOOD, FAIR, POOR, NEUTRAL = "#2e9e5b", "#e0a526", "#d64545", "#4c78a8"


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    value: str
    tooltip: str


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG bar chart, laid out: the template only draws what is here."""

    kind: str                      # "columns" (a histogram) or "rows" (one bar per test)
    width: float
    height: float
    bars: tuple[Bar, ...]
    axis_x: float = 0.0            # where the bars start (rows) or the baseline (columns)
    axis_y: float = 0.0
    extent: float = 0.0            # the length of a full (100 %) bar, for rows
    gridlines: tuple[tuple[float, str], ...] = ()
    caption: str = ""


def _colour(rate: float) -> str:
    return GOOD if rate >= 0.8 else FAIR if rate >= 0.5 else POOR


def _columns(
    counts: list[int], labels: list[str], tooltips: list[str], colours: list[str], caption: str,
) -> Chart:
    width, height, left, bottom, top = 480.0, 230.0, 34.0, 30.0, 18.0
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(counts, default=0) or 1
    step = plot_w / max(1, len(counts))
    bars = tuple(
        Bar(
            x=round(left + i * step + step * 0.1, 1),
            y=round(top + plot_h - plot_h * count / peak, 1),
            width=round(step * 0.8, 1),
            height=round(plot_h * count / peak, 1),
            colour=colours[i],
            label=labels[i],
            value=str(count) if count else "",
            tooltip=tooltips[i],
        )
        for i, count in enumerate(counts)
    )
    ticks = sorted({0, math.ceil(peak / 2), peak})
    gridlines = tuple((round(top + plot_h - plot_h * tick / peak, 1), str(tick)) for tick in ticks)
    return Chart(kind="columns", width=width, height=height, bars=bars, axis_x=left,
                 axis_y=top + plot_h, gridlines=gridlines, caption=caption)


def score_chart(scores: list[float], max_score: float) -> Chart:
    """One column per point when the total is small, else one per tenth of it."""
    per_point = max_score <= 20 and float(max_score).is_integer()
    if per_point:
        edges = [float(n) for n in range(int(max_score) + 1)]
        labels = [points(edge) for edge in edges]
    else:
        edges = [max_score * n / 10 for n in range(10)]
        labels = [f"{n * 10}%" for n in range(10)]
    counts = [0] * len(edges)
    for score in scores:
        counts[max((i for i, edge in enumerate(edges) if score >= edge - 1e-9), default=0)] += 1
    tooltips = []
    for i, count in enumerate(counts):
        who = f"{count} student{'s' if count != 1 else ''}"
        if i == len(edges) - 1 and per_point:
            tooltips.append(f"{who} scored {labels[i]} (full marks)")
        elif i == len(edges) - 1:
            tooltips.append(f"{who} scored 90% or more")
        elif per_point:
            tooltips.append(f"{who} scored at least {labels[i]} and under {labels[i + 1]}")
        else:
            tooltips.append(f"{who} scored {labels[i]} to under {labels[i + 1]} of the points")
    colours = [_colour(edge / max_score if max_score else 0) for edge in edges]
    caption = f"points out of {points(max_score)}" if per_point else f"share of the {points(max_score)} points"
    return _columns(counts, labels, tooltips, colours, caption)


def time_chart(durations: list[float]) -> Chart:
    if not durations:
        return _columns([], [], [], [], "seconds")
    longest = max(durations)
    step = _nice_step(longest / 8)
    bins = max(1, math.ceil(longest / step + 1e-9))
    if bins * step <= longest:
        bins += 1
    counts = [0] * bins
    for duration in durations:
        counts[min(bins - 1, int(duration // step))] += 1
    tooltips = [
        f"{count} submission{'s' if count != 1 else ''} took {i * step:g} to {(i + 1) * step:g} s"
        for i, count in enumerate(counts)
    ]
    median = statistics.median(durations)
    caption = f"seconds per submission (median {median:.1f} s, longest {longest:.1f} s)"
    ranges = [f"{i * step:g}–{(i + 1) * step:g}" for i in range(bins)]
    return _columns(counts, ranges, tooltips, [NEUTRAL] * bins, caption)


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def test_chart(tests: dict[tuple[str, str], list[int]], challenge: Challenge) -> Chart:
    """One bar per test, hardest first: the requirements the class struggles with on top.
    Each test's name sits above its bar, so a long name is never cut."""
    order = {group.id: index for index, group in enumerate(challenge.groups)}
    entries = sorted(
        tests.items(),
        key=lambda item: (item[1][0] / item[1][1] if item[1][1] else 0, order.get(item[0][0], 99), item[0][1]),
    )
    width, extent, row_h, top = 1000.0, 840.0, 34.0, 4.0
    bars = []
    for i, ((group, name), (passed, ran)) in enumerate(entries):
        rate = passed / ran if ran else 0.0
        title = challenge.group(group).title if group in order else group
        bars.append(Bar(
            x=0.0, y=top + i * row_h + 16, width=round(max(1.0, extent * rate), 1), height=12.0,
            colour=_colour(rate), label=f"{group} › {name}", value=f"{rate:.0%} ({passed}/{ran})",
            tooltip=f"{name} ({title}): passed by {passed} of {ran} submissions",
        ))
    axis_y = top + len(bars) * row_h
    gridlines = tuple((round(extent * q, 1), f"{q:.0%}") for q in (0, 0.25, 0.5, 0.75, 1.0))
    return Chart(kind="rows", width=width, height=axis_y + 24, bars=tuple(bars), axis_y=axis_y,
                 extent=extent, gridlines=gridlines, caption="share of submissions that passed each test")
