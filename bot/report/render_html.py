"""The report as one self-contained HTML page: inline CSS and SVG, readable on a phone, printable."""

from __future__ import annotations

from html import escape

from bot.report.charts import language_chart, month_chart
from bot.report.formatting import NO_DATA_YET, headline, level_name, shown, threshold, verdict
from bot.report.model import FigureResult, IndicatorResult, Report
from bot.report.rubric import LEVEL_NAMES, LEVELS

CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9dee3; --accent: #2f6f9f; --soft: #f3f6f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; margin: 0 0 0.25rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 0.5rem; }
p.meta, .muted { color: var(--muted); }
section.indicator { border-top: 3px solid var(--accent); padding: 1rem 0 1.5rem; margin-top: 1.5rem; }
section.indicator.empty { border-top-color: var(--line); }
.level { display: inline-block; padding: 0.1rem 0.6rem; border-radius: 1rem; background: var(--soft);
  border: 1px solid var(--line); font-weight: 600; }
blockquote { margin: 0.5rem 0; padding: 0.5rem 0.75rem; border-left: 4px solid var(--accent);
  background: var(--soft); }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
figure { margin: 0.5rem 0 1rem; }
figcaption { font-size: 0.85rem; color: var(--muted); }
svg.chart { width: 100%; height: auto; max-width: 40rem; display: block; }
.charts { display: grid; grid-template-columns: 1fr; gap: 0.5rem 1.5rem; }
@media (min-width: 56rem) { .charts { grid-template-columns: 1fr 1fr; } }
details summary { cursor: pointer; color: var(--accent); }
@media (max-width: 40rem) {
  h1 { font-size: 1.3rem; }
  h2 { font-size: 1.1rem; }
  .summary .rubric-title { display: none; }
}
ul.evidence { padding-left: 1.2rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section.indicator { break-inside: avoid-page; page-break-inside: avoid; }
  figure, table, blockquote { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  td.num, th.num { white-space: normal; }
  .charts { grid-template-columns: 1fr 1fr; }
  a { color: inherit; text-decoration: none; }
}
"""


def render_html(report: Report) -> str:
    """The whole page."""
    title = f"Parent engagement evidence: {report.school}, {report.period}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Evidence from the school text line, {escape(report.period)} '
        f"({escape(report.timezone)}), generated {report.generated_at:%Y-%m-%d %H:%M} UTC. "
        f"Aggregates only: any group of fewer than {report.min_group} parents is shown as "
        f'"fewer than {report.min_group}" (and a larger one as "not shown" where it would give a smaller '
        "one away). Suggested levels come from the thresholds in "
        f"<code>{escape(report.thresholds_source)}</code>; they start a school team's discussion "
        "and do not replace its judgement.</p>",
        _summary(report),
        *(_indicator(report, indicator) for indicator in report.indicators),
        _uncovered(report),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def _summary(report: Report) -> str:
    rows = []
    for indicator in report.indicators:
        top = headline(indicator)
        figure = (
            f"{escape(top[0])}: {escape(shown(top[1], top[2], report.min_group))}" if top else NO_DATA_YET
        )
        rows.append(
            f'<tr><td><a href="#ind-{indicator.code}">{indicator.code}</a></td>'
            f'<td class="rubric-title">{escape(indicator.rubric.title)}</td>'
            f"<td>{escape(verdict(indicator.suggestion))}</td><td>{figure}</td></tr>"
        )
    return (
        '<h2 id="summary">Summary</h2><div class="table-wrap summary"><table><thead><tr><th>Indicator</th>'
        '<th class="rubric-title">What the rubric asks</th><th>Suggested level</th><th>Key figure</th>'
        "</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _indicator(report: Report, indicator: IndicatorResult) -> str:
    code = indicator.code
    head = f"<h2>{code}: {escape(indicator.rubric.title)}</h2>"
    if not indicator.has_data:
        return (
            f'<section class="indicator empty" id="ind-{code}">{head}'
            f'<p class="muted">No data yet for {escape(report.period)}.</p></section>'
        )
    parts = [f'<section class="indicator" id="ind-{code}">', head, _suggestion(report, indicator)]
    parts.append(_charts(report, indicator))
    parts.append(_figures_table(report, indicator))
    parts.append(_months_table(report, indicator))
    parts.append(_languages_table(report, indicator))
    parts.extend(_details(report, figure) for figure in indicator.figures if figure.details)
    parts.append(_evidence(report, indicator))
    parts.append("</section>")
    return "".join(parts)


def _suggestion(report: Report, indicator: IndicatorResult) -> str:
    suggestion = indicator.suggestion
    level = suggestion.level
    named = verdict(suggestion) if suggestion.status == "not_enough_evidence" or level else "none yet"
    parts = [
        f'<p>Suggested level: <span class="level">{escape(named)}</span> '
        f'<span class="muted">{escape(suggestion.reason)}</span></p>'
    ]
    if level is not None:
        parts.append(
            f"<blockquote><strong>{escape(LEVEL_NAMES[level])}</strong> in the rubric: "
            f"{escape(indicator.rubric.levels[level])}</blockquote>"
        )
        for row, levels in indicator.rubric.also:
            parts.append(
                f"<blockquote><strong>{escape(row)}, {escape(LEVEL_NAMES[level])}</strong>: "
                f"{escape(levels[level])}</blockquote>"
            )
    if suggestion.criteria:
        rows = []
        for result in suggestion.criteria:
            criterion = result.criterion
            figure = result.figure
            unit = figure.spec.unit if figure else "number"
            label = figure.spec.label if figure else criterion.figure
            value = shown(figure.total, unit, report.min_group) if figure else "—"
            sign = "≥" if criterion.better == "higher" else "≤"
            needs = "; ".join(
                f"{LEVEL_NAMES[step]} {sign} {threshold(criterion.needs[step], unit)}" for step in LEVELS[1:]
            )
            reached = level_name(result.level) if result.level else "not enough evidence"
            if criterion.min_items:
                needs += f"; at least {criterion.min_items}"
            rows.append(
                f"<tr><td>{escape(label)}</td><td class='num'>{escape(value)}</td>"
                f"<td>{escape(needs)}</td><td>{escape(reached)}</td></tr>"
            )
        parts.append(
            "<details open><summary>Thresholds behind the suggestion</summary><div class='table-wrap'><table>"
            "<thead><tr><th>Figure</th><th class='num'>Value</th><th>Needed for each level</th>"
            f"<th>Reaches</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></details>"
        )
    if indicator.rubric.note:
        parts.append(f'<p class="muted">{escape(indicator.rubric.note)}</p>')
    return "".join(parts)


def _trend_figure(indicator: IndicatorResult) -> FigureResult | None:
    for result in indicator.suggestion.criteria:
        if result.figure is not None and any(c.has_data for c in result.figure.months):
            return result.figure
    return next((f for f in indicator.figures if any(c.has_data for c in f.months)), None)


def _language_figure(indicator: IndicatorResult) -> FigureResult | None:
    # The figure that shows the most languages, preferring what the suggestion rests on, then counts.
    criteria = {r.criterion.figure for r in indicator.suggestion.criteria}
    candidates = [f for f in indicator.figures if f.languages]
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda f: (
            sum(1 for c in f.languages if not c.suppressed),
            f.spec.key in criteria,
            f.spec.unit == "count",
            -candidates.index(f),
        ),
    )


def _charts(report: Report, indicator: IndicatorResult) -> str:
    charts = []
    trend = _trend_figure(indicator)
    if trend is not None:
        title = f"{indicator.code} {trend.spec.label} by month"
        charts.append(
            f"<figure>{month_chart(trend.months, trend.spec.unit, report.min_group, title)}"
            f"<figcaption>{escape(trend.spec.label)} by month</figcaption></figure>"
        )
    languages = _language_figure(indicator)
    if languages is not None:
        title = f"{indicator.code} {languages.spec.label} by language"
        charts.append(
            f"<figure>{language_chart(languages.languages, languages.spec.unit, report.min_group, title)}"
            f"<figcaption>{escape(languages.spec.label)} by language</figcaption></figure>"
        )
    return f'<div class="charts">{"".join(charts)}</div>' if charts else ""


def _figures_table(report: Report, indicator: IndicatorResult) -> str:
    rows = "".join(
        f"<tr><td>{escape(f.spec.label)}</td><td class='num'>"
        f"{escape(shown(f.total, f.spec.unit, report.min_group))}</td>"
        f"<td>{escape(f.spec.definition)}</td></tr>"
        for f in indicator.figures
    )
    return (
        "<h3>Figures for the period</h3><div class='table-wrap'><table><thead><tr><th>Figure</th>"
        f"<th class='num'>Value</th><th>Definition</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _months_table(report: Report, indicator: IndicatorResult) -> str:
    heads = "".join(f"<th class='num'>{escape(label)}</th>" for _key, label in report.months)
    rows = "".join(
        f"<tr><td>{escape(f.spec.label)}</td>"
        + "".join(f"<td class='num'>{escape(shown(c, f.spec.unit, report.min_group))}</td>" for c in f.months)
        + "</tr>"
        for f in indicator.figures
    )
    return (
        "<h3>By month</h3><div class='table-wrap'><table><thead><tr><th>Figure</th>"
        f"{heads}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _languages_table(report: Report, indicator: IndicatorResult) -> str:
    figures = [f for f in indicator.figures if f.languages]
    if not figures:
        return ""
    codes: dict[str, str] = {}
    for figure in figures:
        for cell in figure.languages:
            codes.setdefault(cell.key, cell.label)
    heads = "".join(f"<th class='num'>{escape(label)}</th>" for label in codes.values())
    rows = []
    for figure in figures:
        by_key = {cell.key: cell for cell in figure.languages}
        cells = "".join(
            f"<td class='num'>{escape(shown(by_key[k], figure.spec.unit, report.min_group))}</td>"
            if k in by_key
            else "<td class='num'>–</td>"
            for k in codes
        )
        rows.append(f"<tr><td>{escape(figure.spec.label)}</td>{cells}</tr>")
    return (
        "<h3>By language</h3><div class='table-wrap'><table><thead><tr><th>Figure</th>"
        f"{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _details(report: Report, figure: FigureResult) -> str:
    rows = "".join(
        f"<tr><td>{escape(c.label)}</td>"
        f"<td class='num'>{escape(shown(c, figure.spec.unit, report.min_group))}</td></tr>"
        for c in figure.details
    )
    return (
        f"<h3>{escape(figure.spec.label)} by {escape(figure.spec.detail_label or 'detail')}</h3>"
        f"<div class='table-wrap'><table><tbody>{rows}</tbody></table></div>"
    )


def _evidence(report: Report, indicator: IndicatorResult) -> str:
    if not indicator.evidence:
        return ""
    items = "".join(
        f"<li><code>{escape(e.indicator)} {escape(e.kind)}</code>: "
        f"{escape(shown(e.cell, 'count', report.min_group))} rows</li>"
        for e in indicator.evidence
    )
    return f'<h3>Evidence behind these figures</h3><ul class="evidence">{items}</ul>'


def _uncovered(report: Report) -> str:
    if not report.uncovered:
        return ""
    items = "".join(
        f"<li><strong>{escape(entry.code)}: {escape(entry.title)}.</strong> {escape(data)}</li>"
        for entry, data in report.uncovered
    )
    return (
        '<section class="indicator empty" id="not-evidenced"><h2>Not evidenced by the text line</h2>'
        "<p>The text line writes no evidence for these indicators. Data a school could add:</p>"
        f"<ul>{items}</ul></section>"
    )
