"""How figures read: percentages, hours, scores, and 'fewer than N' for suppressed groups."""

from __future__ import annotations

from bot.report.model import Cell, IndicatorResult, Suggestion
from bot.report.rubric import LEVEL_NAMES

NO_DATA = "no data"
NO_DATA_YET = "no data yet"
NOT_SHOWN = "not shown"


def fewer_than(min_group: int) -> str:
    """The words shown instead of a small group's number."""
    return f"fewer than {min_group}"


def number(value: float, unit: str) -> str:
    """A value in its unit, for people."""
    if unit == "share":
        return f"{value * 100:.0f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    if unit == "score":
        return f"{value:.1f} / 5"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.1f}"


def shown(cell: Cell, unit: str, min_group: int) -> str:
    """A cell as a reader sees it."""
    if cell.protects:
        return NOT_SHOWN
    if cell.suppressed:
        return fewer_than(min_group)
    if cell.value is None:
        return NO_DATA
    return number(cell.value, unit)


def threshold(value: float, unit: str) -> str:
    """A threshold value in the figure's unit."""
    return number(value, unit)


def level_name(level: str | None) -> str:
    """The rubric's name of a level, or a dash."""
    return LEVEL_NAMES[level] if level else "—"


NOT_ENOUGH_EVIDENCE = "Not enough evidence"


def verdict(suggestion: Suggestion) -> str:
    """The suggested level as a reader sees it: a level, 'Not enough evidence', or a dash."""
    if suggestion.level:
        return LEVEL_NAMES[suggestion.level]
    if suggestion.status == "not_enough_evidence":
        return NOT_ENOUGH_EVIDENCE
    return "—"


def headline(indicator: IndicatorResult) -> tuple[str, Cell, str] | None:
    """(label, cell, unit) of the figure that best sums up the indicator: the first criterion with data."""
    for result in indicator.suggestion.criteria:
        if result.figure is not None and result.figure.total.has_data:
            return result.figure.spec.label, result.figure.total, result.figure.spec.unit
    for figure in indicator.figures:
        if figure.total.has_data:
            return figure.spec.label, figure.total, figure.spec.unit
    return None
