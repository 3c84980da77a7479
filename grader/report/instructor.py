"""The instructor's report: one self-contained HTML page for a batch (no network, no files
beside it but the feedback it links to).

Plots are inline SVG drawn here: the score distribution, the pass rate of every test (which
requirement the class struggles with) and the time per submission; then a sortable table of
students. Read from the journal in two streaming passes (figures first, then the table), so a
class of any size costs the same memory. Jinja2 escapes every student-supplied string, and a
Content-Security-Policy lets only this page's own script run.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

import jinja2

from grader.batch.records import BatchSummary, JournalRow
from grader.catalog import Challenge
from grader.report.scorecard import points

UNTRUSTED_STATUSES = {"tampered", "error"}  # their test verdicts say nothing about the class
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


@dataclass(slots=True)
class _Tally:
    """Counts gathered in the first pass over the journal."""

    scores: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    tests: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (group, name) -> [passed, ran]
    group_scores: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def write_report(
    *,
    rows: Callable[[], Iterator[JournalRow]],
    summary: BatchSummary,
    challenge: Challenge,
    stream: IO[str],
) -> None:
    """`rows` is called twice: once for the figures, once for the table."""
    tally = _tally(rows())
    context = {
        "challenge": challenge,
        "summary": summary,
        "generated": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "points": points,
        "scores_chart": _score_chart(tally.scores, challenge.max_score),
        "tests_chart": _test_chart(tally.tests, challenge),
        "time_chart": _time_chart(tally.durations),
        "groups": [
            (group, _mean(tally.group_scores.get(group.id, [])))
            for group in challenge.groups
        ],
        "statuses": sorted(tally.statuses.items()),
        "students": rows(),
        "script_hash": _SCRIPT_HASH,
        "script": _SCRIPT,
    }
    for chunk in _template().generate(**context):
        stream.write(chunk)


def _tally(rows: Iterable[JournalRow]) -> _Tally:
    tally = _Tally()
    for row in rows:
        tally.statuses[str(row.status)] = tally.statuses.get(str(row.status), 0) + 1
        if row.score is None:
            continue
        tally.scores.append(row.score)
        tally.durations.append(row.duration_s)
        for group, score in row.group_scores:
            tally.group_scores.setdefault(group, []).append(score)
        if str(row.status) in UNTRUSTED_STATUSES:
            continue
        for test in row.tests:
            counts = tally.tests.setdefault((test.group, test.name), [0, 0])
            counts[0] += test.status == "passed"
            counts[1] += 1
    return tally


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


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


def _score_chart(scores: list[float], max_score: float) -> Chart:
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


def _time_chart(durations: list[float]) -> Chart:
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


def _test_chart(tests: dict[tuple[str, str], list[int]], challenge: Challenge) -> Chart:
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


_SCRIPT = """
for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("th").forEach((th, column) => {
    th.addEventListener("click", () => {
      const body = table.tBodies[0];
      const numeric = th.dataset.type === "number";
      const direction = th.dataset.sorted === "asc" ? -1 : 1;
      table.querySelectorAll("th").forEach((other) => delete other.dataset.sorted);
      th.dataset.sorted = direction === 1 ? "asc" : "desc";
      const key = (row) => {
        const cell = row.cells[column];
        const raw = cell.dataset.value ?? cell.textContent.trim();
        if (!numeric) return raw.toLowerCase();
        const value = parseFloat(raw);
        return Number.isNaN(value) ? -Infinity : value;
      };
      const sorted = [...body.rows].sort((a, b) => {
        const x = key(a), y = key(b);
        return (numeric ? (x > y) - (x < y) : x.localeCompare(y)) * direction;
      });
      for (const row of sorted) body.appendChild(row);
    });
  });
}
document.documentElement.dataset.ready = "true";
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()

_PAGE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{{ script_hash }}'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ challenge.title }} · class report</title>
<style>
  :root { --ink: #1d2430; --muted: #5d6778; --line: #d9dee6; --paper: #ffffff; --wash: #f5f7fa; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: var(--ink); background: var(--wash); }
  main { max-width: 1120px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 17px; margin: 0 0 4px; }
  .muted { color: var(--muted); }
  section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
            padding: 16px 18px; margin: 16px 0; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 10px;
           margin-top: 16px; }
  .card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
  .card b { display: block; font-size: 22px; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 16px; }
  .grid section { margin: 0; }
  svg { width: 100%; height: auto; display: block; }
  svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
  svg .grid-line { stroke: var(--line); }
  svg .axis { stroke: var(--muted); }
  svg .value { font-weight: 600; }
  svg .label { font-size: 12px; }
  svg .track { fill: var(--wash); }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  th { cursor: pointer; user-select: none; background: var(--wash); position: sticky; top: 0; }
  th[data-sorted=asc]::after { content: " ▲"; } th[data-sorted=desc]::after { content: " ▼"; }
  .status { padding: 1px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
  .s-full-marks { background: #dff3e6; color: #1c6b3c; } .s-graded { background: #e8eef7; color: #2c4a73; }
  .s-crashed { background: #fde4e4; color: #8f2323; } .s-timeout { background: #fff1d6; color: #7a5200; }
  .s-tampered { background: #3b1f1f; color: #fff; } .s-error { background: #eee; color: #444; }
  @media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<main>
<header>
  <h1>{{ challenge.title }} <span class="muted">· {{ challenge.id }}</span></h1>
  <div class="muted">Class report, {{ generated }} · {{ summary.students }} submissions ·
    {{ points(challenge.max_score) }} points</div>
</header>

<div class="cards" id="summary">
  <div class="card"><span class="muted">students</span><b>{{ summary.students }}</b></div>
  <div class="card"><span class="muted">mean</span><b>{{ "–" if summary.mean is none else points(summary.mean) }}</b></div>
  <div class="card"><span class="muted">median</span><b>{{ "–" if summary.median is none else points(summary.median) }}</b></div>
  <div class="card"><span class="muted">full marks</span><b>{{ summary.full_marks }}</b></div>
  <div class="card"><span class="muted">crashed</span><b>{{ summary.crashed }}</b></div>
  <div class="card"><span class="muted">timeouts</span><b>{{ summary.timeouts }}</b></div>
  <div class="card"><span class="muted">tampered</span><b>{{ summary.tampered }}</b></div>
  <div class="card"><span class="muted">not graded</span><b>{{ summary.errors }}</b></div>
</div>

<div class="grid">
<section id="scores">
  <h2>Score distribution</h2>
  <div class="muted">{{ summary.scored }} scored submissions; {{ scores_chart.caption }}</div>
  {{ draw(scores_chart, "scores") }}
</section>
<section id="times">
  <h2>Time per submission</h2>
  <div class="muted">{{ time_chart.caption }}</div>
  {{ draw(time_chart, "times") }}
</section>
</div>

<section id="tests">
  <h2>Pass rate of every test</h2>
  <div class="muted">{{ tests_chart.caption }}, hardest first (tampered and ungraded runs left out)</div>
  {% if tests_chart.bars %}{{ draw(tests_chart, "tests") }}{% else %}<p>No test ran.</p>{% endif %}
</section>

<section id="requirements">
  <h2>Requirements</h2>
  <table>
    <thead><tr><th>requirement</th><th class="num">points</th><th class="num">class mean</th><th>hint given</th></tr></thead>
    <tbody>
    {% for group, mean in groups %}
      <tr><td>{{ group.title }} <span class="muted">{{ group.id }}</span></td>
          <td class="num">{{ points(group.points) }}</td>
          <td class="num">{{ "–" if mean is none else "%.2f" | format(mean) }}</td>
          <td class="muted">{{ group.hint }}</td></tr>
    {% endfor %}
    </tbody>
  </table>
</section>

<section id="students">
  <h2>Students</h2>
  <div class="muted">Click a column to sort; the feedback link opens what the student receives.</div>
  <table class="sortable">
    <thead><tr><th>student</th><th class="num" data-type="number">score</th>
      <th class="num" data-type="number">percent</th><th>status</th>
      <th class="num" data-type="number">time (s)</th><th>feedback</th></tr></thead>
    <tbody>
    {% for row in students %}
      <tr><td>{{ row.student }}</td>
        <td class="num" data-value="{{ '' if row.score is none else row.score }}">{{ "–" if row.score is none else points(row.score) }}</td>
        <td class="num" data-value="{{ '' if row.percent is none else row.percent }}">{{ "–" if row.percent is none else "%.1f" | format(row.percent) }}</td>
        <td><span class="status s-{{ row.status }}" title="{{ row.error }}">{{ row.status }}</span></td>
        <td class="num">{{ "–" if row.score is none else "%.1f" | format(row.duration_s) }}</td>
        <td>{% if row.feedback %}<a href="{{ row.feedback | urlencode }}">feedback</a>{% endif %}</td></tr>
    {% endfor %}
    </tbody>
  </table>
</section>
</main>
<script>{{ script | safe }}</script>
</body>
</html>
"""

_DRAW = r"""
{% macro draw(chart, name) -%}
<svg class="chart" data-chart="{{ name }}" viewBox="0 0 {{ chart.width }} {{ chart.height }}" role="img"
     aria-label="{{ chart.caption }}">
{% if chart.kind == "columns" %}
  {% for y, label in chart.gridlines %}
  <line class="grid-line" x1="{{ chart.axis_x }}" x2="{{ chart.width - 10 }}" y1="{{ y }}" y2="{{ y }}"/>
  <text x="{{ chart.axis_x - 6 }}" y="{{ y + 4 }}" text-anchor="end">{{ label }}</text>
  {% endfor %}
  {% for bar in chart.bars %}
  <rect class="bar" x="{{ bar.x }}" y="{{ bar.y }}" width="{{ bar.width }}" height="{{ bar.height }}"
        fill="{{ bar.colour }}" rx="2"><title>{{ bar.tooltip }}</title></rect>
  <text class="value" x="{{ bar.x + bar.width / 2 }}" y="{{ bar.y - 4 }}" text-anchor="middle">{{ bar.value }}</text>
  <text x="{{ bar.x + bar.width / 2 }}" y="{{ chart.axis_y + 16 }}" text-anchor="middle">{{ bar.label }}</text>
  {% endfor %}
  <line class="axis" x1="{{ chart.axis_x }}" x2="{{ chart.width - 10 }}" y1="{{ chart.axis_y }}" y2="{{ chart.axis_y }}"/>
{% else %}
  {% for x, label in chart.gridlines %}
  <line class="grid-line" x1="{{ x }}" x2="{{ x }}" y1="0" y2="{{ chart.axis_y }}"/>
  <text x="{{ x }}" y="{{ chart.axis_y + 16 }}" text-anchor="{{ 'start' if loop.first else 'middle' }}">{{ label }}</text>
  {% endfor %}
  {% for bar in chart.bars %}
  <text class="label" x="{{ bar.x }}" y="{{ bar.y - 4 }}">{{ bar.label }}</text>
  <rect class="track" x="{{ bar.x }}" y="{{ bar.y }}" width="{{ chart.extent }}" height="{{ bar.height }}" rx="2"/>
  <rect class="bar" x="{{ bar.x }}" y="{{ bar.y }}" width="{{ bar.width }}" height="{{ bar.height }}"
        fill="{{ bar.colour }}" rx="2"><title>{{ bar.tooltip }}</title></rect>
  <text class="value" x="{{ bar.x + bar.width + 6 }}" y="{{ bar.y + bar.height - 2 }}">{{ bar.value }}</text>
  {% endfor %}
{% endif %}
</svg>
{%- endmacro %}
"""


@functools.cache
def _template() -> jinja2.Template:
    """Compiled on first use: every `grade` command imports this module, few write a report."""
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    return environment.from_string(_DRAW + _PAGE)
