"""The instructor report's page: the Jinja2 template and its one script (sorting the students'
table). Kept apart from the code that fills it, as it is mostly HTML and CSS.

A Content-Security-Policy lets only this script run: its hash is in the page's header.
"""

from __future__ import annotations

import base64
import functools
import hashlib

import jinja2

SCRIPT = """
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
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()

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
def template() -> jinja2.Template:
    """Compiled on first use: every `grade` command imports this module, few write a report."""
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    return environment.from_string(_DRAW + _PAGE)
