"""The similarity report's page: one self-contained HTML file (inline CSS and SVG, no script, no
network) listing the pairs above the threshold and, for each, the two files side by side with
the matching regions marked.

A Jinja2 template with autoescape: every student-supplied string (names, paths, code) is
escaped, and a Content-Security-Policy lets no script run at all.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import IO

import jinja2

from grader.report.similarity import Side, Similarity

@dataclass(frozen=True, slots=True)
class Column:
    """One column of the spread of scores: pairs whose score is in [low, high)."""

    low: float
    count: int
    height: float  # share of the tallest column
    flagged: bool  # at or above the threshold


_PAGE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ found.challenge.title }} · similarity</title>
<style>
  :root { --ink: #1d2430; --muted: #5d6778; --line: #d9dee6; --paper: #ffffff; --wash: #f5f7fa;
          --mark: #ffe08a; --flag: #d64545; --calm: #4c78a8; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: var(--ink); background: var(--wash); }
  main { max-width: 1240px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 17px; margin: 0 0 6px; }
  .muted { color: var(--muted); }
  section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
            padding: 16px 18px; margin: 16px 0; }
  .note { border-left: 4px solid var(--calm); }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); }
  th { background: var(--wash); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  svg { width: 100%; max-width: 560px; height: auto; display: block; }
  svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
  .sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
  .side h3 { font-size: 14px; margin: 0 0 4px; overflow-wrap: anywhere; }
  .code { display: flex; overflow: auto; max-height: 640px; background: var(--wash);
          border: 1px solid var(--line); border-radius: 6px; }
  pre { margin: 0; padding: 10px; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
  pre.gutter { color: var(--muted); text-align: right; user-select: none; border-right: 1px solid var(--line);
               position: sticky; left: 0; background: var(--wash); }
  mark { background: var(--mark); color: inherit; }
  ul { margin: 4px 0; padding-left: 20px; }
  @media (max-width: 900px) { .sides { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<main>
<header>
  <h1>{{ found.challenge.title }} <span class="muted">· {{ found.challenge.id }} · similarity</span></h1>
  <div class="muted">Generated {{ generated }} · {{ found.sources | length }} submissions compared ·
    {{ found.pairs_compared }} pairs · {{ found.pairs | length + found.not_listed }} listed from {{ percent(found.settings.threshold) }}</div>
</header>

<section class="note" id="reading">
  A score is a lead for a person to read, not a verdict. It is the share of one file's code (after
  names, strings and comments are set aside) that is also found in the other; code the challenge
  hands out, and code most of the class writes alike, is left out first. Read the two files before
  drawing any conclusion: short solutions to a tightly specified task can converge honestly.
</section>

<section id="spread">
  <h2>Spread of scores</h2>
  <div class="muted">Every pair's score (the higher of its two shares), in tenths; red columns are at or above the threshold.</div>
  <svg viewBox="0 0 520 200" role="img" aria-label="pairs by score">
  {% for column in columns %}
    {% set x = 40 + loop.index0 * 47 %}{% set h = 150 * column.height %}
    <rect x="{{ x }}" y="{{ 165 - h }}" width="40" height="{{ h }}" rx="2"
          fill="{{ 'var(--flag)' if column.flagged else 'var(--calm)' }}"><title>{{ column.count }} pairs from {{ percent(column.low) }}</title></rect>
    <text x="{{ x + 20 }}" y="{{ 160 - h }}" text-anchor="middle">{{ column.count or "" }}</text>
    <text x="{{ x + 20 }}" y="182" text-anchor="middle">{{ percent(column.low) }}</text>
  {% endfor %}
    <line x1="36" x2="512" y1="165" y2="165" stroke="#5d6778"/>
  </svg>
</section>

<section id="pairs">
  <h2>Pairs at or above {{ percent(found.settings.threshold) }}</h2>
  {% if found.pairs %}
  <table>
    <thead><tr><th class="num">#</th><th>student</th><th class="num">found in the other</th>
      <th>student</th><th class="num">found in the other</th><th class="num">shared (chars)</th><th></th></tr></thead>
    <tbody>
    {% for pair in found.pairs %}
      <tr><td class="num">{{ loop.index }}</td>
        <td>{{ pair.first.source.student }}</td><td class="num">{{ percent(pair.first.similarity) }}</td>
        <td>{{ pair.second.source.student }}</td><td class="num">{{ percent(pair.second.similarity) }}</td>
        <td class="num">{{ pair.shared_chars }}</td>
        <td><a href="#pair-{{ loop.index }}">side by side</a></td></tr>
    {% endfor %}
    </tbody>
  </table>
  {% if found.not_listed %}
  <p id="not-listed">{{ found.not_listed }} more pairs reach the threshold and are not shown: only the
    {{ found.pairs | length }} highest are. Raise <code>--threshold</code> to see the ones that matter most.</p>
  {% endif %}
  {% else %}
  <p>No pair reaches the threshold.</p>
  {% endif %}
</section>

<section id="settings">
  <h2>How they were compared</h2>
  <ul>
    <li>Left out as given: {{ found.boilerplate | join(", ") or "nothing" }}{% if found.common_fingerprints %};
      and {{ found.common_fingerprints }} fingerprints found in more than {{ percent(found.settings.common_share) }}
      of the submissions{% endif %}.</li>
    <li>Fingerprints: runs of {{ found.settings.noise_chars }} filtered characters, every run kept
      (guarantee {{ found.settings.guarantee_chars }}); a pair is listed from {{ percent(found.settings.threshold) }}
      and {{ found.settings.min_shared_chars }} shared characters.</li>
    {% if found.unread %}<li>Not compared: {{ found.unread | join("; ") }}.</li>{% endif %}
  </ul>
</section>

{% for pair in found.pairs %}
<section class="pair" id="pair-{{ loop.index }}">
  <h2>{{ loop.index }}. {{ pair.first.source.student }} · {{ pair.second.source.student }}
    <span class="muted">{{ percent(pair.score) }} · {{ pair.shared_chars }} characters shared ·
    <a href="#pairs">all pairs</a></span></h2>
  <div class="sides">
  {% for side in (pair.first, pair.second) %}
    <div class="side">
      <h3>{{ side.source.student }} <span class="muted">· {{ side.source.path }} ·
        {{ percent(side.similarity) }} found in the other</span></h3>
      <div class="code"><pre class="gutter" aria-hidden="true">{{ gutter(side) }}</pre>
      <pre>{% for text, marked in segments(side) %}{% if marked %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</pre></div>
    </div>
  {% endfor %}
  </div>
</section>
{% endfor %}
</main>
</body>
</html>
"""


def write_page(found: Similarity, stream: IO[str]) -> None:
    context = {
        "found": found,
        "generated": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "columns": columns(found.spread, found.settings.threshold),
        "percent": percent,
        "segments": segments,
        "gutter": gutter,
    }
    for chunk in _template().generate(**context):
        stream.write(chunk)


def columns(spread: tuple[int, ...], threshold: float) -> tuple[Column, ...]:
    bins = len(spread)
    peak = max(spread, default=0) or 1
    return tuple(
        Column(low=n / bins, count=count, height=count / peak, flagged=(n + 1) / bins > threshold)
        for n, count in enumerate(spread)
    )


def segments(side: Side) -> list[tuple[str, bool]]:
    """The file as (text, marked) runs: the regions found in the other file are marked."""
    code, at = side.source.code, 0
    runs: list[tuple[str, bool]] = []
    for start, end in side.regions:
        if start > at:
            runs.append((code[at:start], False))
        runs.append((code[start:end], True))
        at = end
    if at < len(code):
        runs.append((code[at:], False))
    return runs


def gutter(side: Side) -> str:
    """The line numbers beside the code, so a reader can say where the regions are."""
    return "\n".join(str(number) for number in range(1, side.source.code.count("\n") + 2))


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True)
    return environment.from_string(_PAGE)
