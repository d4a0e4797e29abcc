"""The report as Markdown, for a wiki, an issue or an e-mail."""

from __future__ import annotations

from bot.report.formatting import NO_DATA_YET, headline, shown, threshold, verdict
from bot.report.model import IndicatorResult, Report
from bot.report.rubric import LEVEL_NAMES, LEVELS


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_md(report: Report) -> str:
    """The whole report as Markdown text."""
    lines = [
        f"# Parent engagement evidence: {report.school}, {report.period}",
        "",
        f"Evidence from the school text line ({report.timezone}), generated "
        f"{report.generated_at:%Y-%m-%d %H:%M} UTC. Aggregates only: groups of fewer than "
        f'{report.min_group} parents are shown as "fewer than {report.min_group}" (a larger one as "not '
        'shown" where it would give a smaller one away). Suggested levels come '
        f"from `{report.thresholds_source}`.",
        "",
        "| Indicator | Suggested level | Key figure |",
        "| --- | --- | --- |",
    ]
    for indicator in report.indicators:
        top = headline(indicator)
        key = f"{top[0]}: {shown(top[1], top[2], report.min_group)}" if top else NO_DATA_YET
        lines.append(f"| {indicator.code} | {verdict(indicator.suggestion)} | {_cell(key)} |")
    for indicator in report.indicators:
        lines += ["", *_indicator(report, indicator)]
    if report.uncovered:
        lines += ["", "## Not evidenced by the text line", ""]
        lines.append("The text line writes no evidence for these indicators; data a school could add:")
        lines.append("")
        for entry, data in report.uncovered:
            lines.append(f"- **{entry.code}: {entry.title}.** {data}")
    return "\n".join(lines) + "\n"


def _indicator(report: Report, indicator: IndicatorResult) -> list[str]:
    lines = [f"## {indicator.code}: {indicator.rubric.title}", ""]
    if not indicator.has_data:
        return [*lines, f"No data yet for {report.period}."]
    suggestion = indicator.suggestion
    said = f"Suggested level: {verdict(suggestion)}." if suggestion.level else f"{verdict(suggestion)}."
    if said == "—.":
        said = "No suggested level."
    lines.append(f"**{said}** {suggestion.reason}")
    if suggestion.level:
        lines += ["", f"> {LEVEL_NAMES[suggestion.level]}: {indicator.rubric.levels[suggestion.level]}"]
        for row, levels in indicator.rubric.also:
            lines += [">", f"> {row}, {LEVEL_NAMES[suggestion.level]}: {levels[suggestion.level]}"]
    for result in suggestion.criteria:
        figure, criterion = result.figure, result.criterion
        unit = figure.spec.unit if figure else "number"
        sign = "≥" if criterion.better == "higher" else "≤"
        needs = "; ".join(
            f"{LEVEL_NAMES[s]} {sign} {threshold(criterion.needs[s], unit)}" for s in LEVELS[1:]
        )
        value = shown(figure.total, unit, report.min_group) if figure else "—"
        label = figure.spec.label if figure else criterion.figure
        minimum = f"; at least {criterion.min_items}" if criterion.min_items else ""
        lines.append(f"- {label}: {value} (needs {needs}{minimum})")
    months = [label for _key, label in report.months]
    lines += ["", "| Figure | Period | " + " | ".join(months) + " | Definition |"]
    lines.append("| --- | --- | " + " | ".join("---" for _ in months) + " | --- |")
    for f in indicator.figures:
        by_month = " | ".join(shown(c, f.spec.unit, report.min_group) for c in f.months)
        total = shown(f.total, f.spec.unit, report.min_group)
        lines.append(f"| {f.spec.label} | {total} | {by_month} | {_cell(f.spec.definition)} |")
    for f in indicator.figures:
        if f.languages:
            cells = ", ".join(f"{c.label} {shown(c, f.spec.unit, report.min_group)}" for c in f.languages)
            lines.append(f"\n{f.spec.label} by language: {cells}.")
        if f.details:
            cells = ", ".join(f"{c.label} {shown(c, f.spec.unit, report.min_group)}" for c in f.details)
            lines.append(f"\n{f.spec.label} by {f.spec.detail_label}: {cells}.")
    evidence = ", ".join(
        f"`{e.indicator} {e.kind}` {shown(e.cell, 'count', report.min_group)}" for e in indicator.evidence
    )
    if evidence:
        lines.append(f"\nEvidence: {evidence}.")
    return lines
