"""The report as CSV: a row per indicator, figure and period (and language or detail), so schools combine."""

from __future__ import annotations

import csv
import io

from bot.report.formatting import fewer_than, level_name
from bot.report.model import Cell, FigureResult, Report

COLUMNS = (
    "school",
    "indicator",
    "figure",
    "label",
    "period",
    "home_language",  # the family's home language (from the roster), not the language a text was in
    "detail",
    "value",
    "unit",
    "status",
    "definition",
)
ALL = "all"


def render_csv(report: Report) -> str:
    """The whole report as CSV text (a suppressed group has status 'suppressed' and no value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    period = f"{report.start.isoformat()}/{report.end.isoformat()}"
    for indicator in report.indicators:
        suggestion = indicator.suggestion
        writer.writerow(
            (
                report.school_key,
                indicator.code,
                "suggested_level",
                "Suggested level",
                period,
                ALL,
                ALL,
                level_name(suggestion.level) if suggestion.level else "",
                "level",
                "ok" if suggestion.level else ("no_data" if not indicator.has_data else suggestion.status),
                suggestion.reason,
            )
        )
        for figure in indicator.figures:
            writer.writerows(_figure_rows(report, indicator.code, figure, period))
    for entry, data in report.uncovered:
        writer.writerow(
            (
                report.school_key,
                entry.code,
                "suggested_level",
                "Suggested level",
                period,
                ALL,
                ALL,
                "",
                "level",
                "not_evidenced",
                f"Not evidenced by the text line. Data a school could add: {data}",
            )
        )
    return out.getvalue()


def _figure_rows(report: Report, code: str, figure: FigureResult, period: str) -> list[tuple[str, ...]]:
    spec = figure.spec
    rows = [_row(report, code, figure, period, ALL, ALL, figure.total)]
    rows += [_row(report, code, figure, cell.key, ALL, ALL, cell) for cell in figure.months]
    rows += [_row(report, code, figure, period, cell.key, ALL, cell) for cell in figure.languages]
    if spec.detail_label:
        rows += [_row(report, code, figure, period, ALL, cell.key, cell) for cell in figure.details]
    return rows


def _row(
    report: Report, code: str, figure: FigureResult, period: str, language: str, detail: str, cell: Cell
) -> tuple[str, ...]:
    if cell.suppressed:
        value, status = "", "suppressed"
    elif cell.value is None:
        value, status = "", "no_data"
    else:
        value, status = f"{cell.value:.4g}" if cell.value != int(cell.value) else str(int(cell.value)), "ok"
    definition = figure.spec.definition
    if cell.protects:
        definition = (
            f"Not shown, so a group of {fewer_than(report.min_group)} cannot be worked out. {definition}"
        )
    elif cell.suppressed:
        definition = f"{fewer_than(report.min_group)} parents: not shown. {definition}"
    return (
        report.school_key,
        code,
        figure.spec.key,
        figure.spec.label,
        period,
        language,
        detail,
        value,
        figure.spec.unit,
        status,
        definition,
    )
