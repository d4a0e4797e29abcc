"""From evidence rows to the report: figures per indicator, by month and language, and a level."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale

from bot.domain import EvidenceRecord
from bot.report.figures import FIGURES, FigureSpec
from bot.report.model import (
    Cell,
    CriterionResult,
    EvidenceCount,
    FigureResult,
    IndicatorResult,
    Report,
    Suggestion,
)
from bot.report.rubric import LEVELS, RubricIndicator, rubric
from bot.report.stats import group_size, personal
from bot.report.thresholds import Criterion, Thresholds

UNKNOWN_LANGUAGE = "unknown"


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the period (inclusive dates in the school's zone) and for whom."""

    start: date
    end: date
    zone: ZoneInfo
    school: str = "All schools"
    school_key: str = "all"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: the first day's midnight to the midnight after the last day."""
        begin = datetime.combine(self.start, time(0), self.zone)
        finish = datetime.combine(self.end + timedelta(days=1), time(0), self.zone)
        return begin, finish


def month_keys(start: date, end: date) -> tuple[tuple[str, str], ...]:
    """(2026-03, Mar 2026) for every month the period touches."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append((f"{year:04d}-{month:02d}", date(year, month, 1).strftime("%b %Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(found)


def language_label(code: str) -> str:
    """A language's English name, e.g. 'Spanish' for es (the code itself when Babel does not know it)."""
    if code == UNKNOWN_LANGUAGE:
        return "Language not known"
    try:
        name = Locale.parse(code).get_display_name("en")
    except (ValueError, TypeError):
        name = None
    return name or code


def build_report(
    rows: Sequence[EvidenceRecord],
    scope: ReportScope,
    thresholds: Thresholds,
    *,
    min_group: int = 5,
    generated_at: datetime,
) -> Report:
    """Compute every reported indicator from the period's evidence rows."""
    months = month_keys(scope.start, scope.end)
    by_month: dict[str, list[EvidenceRecord]] = defaultdict(list)
    by_language: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for row in rows:
        by_month[row.at.astimezone(scope.zone).strftime("%Y-%m")].append(row)
        by_language[row.locale or UNKNOWN_LANGUAGE].append(row)
    builder = _Builder(rows, months, by_month, by_language, min_group)
    indicators = tuple(
        builder.indicator(rubric()[code], specs, thresholds) for code, specs in FIGURES.items()
    )
    return Report(
        school=scope.school,
        school_key=scope.school_key,
        start=scope.start,
        end=scope.end,
        months=months,
        generated_at=generated_at,
        min_group=min_group,
        thresholds_source=thresholds.described(),
        timezone=str(scope.zone),
        indicators=indicators,
    )


class _Builder:
    def __init__(
        self,
        rows: Sequence[EvidenceRecord],
        months: tuple[tuple[str, str], ...],
        by_month: dict[str, list[EvidenceRecord]],
        by_language: dict[str, list[EvidenceRecord]],
        min_group: int,
    ) -> None:
        self.rows, self.months, self.by_month, self.by_language = rows, months, by_month, by_language
        self.min_group = min_group

    def cell(self, key: str, label: str, value: float | None, n: int, personal: bool = True) -> Cell:
        """A cell with small groups of parents suppressed: the value is dropped here, before any renderer."""
        if n <= 0 or value is None:
            return Cell(key, label, None, 0)
        if personal and n < self.min_group:
            return Cell(key, label, None, n, suppressed=True)
        return Cell(key, label, value, n)

    def measure(self, spec: FigureSpec, rows: Sequence[EvidenceRecord], key: str, label: str) -> Cell:
        result = spec.compute(rows)
        return self.cell(key, label, result.value, result.n, result.personal)

    def figure(self, spec: FigureSpec, code: str) -> FigureResult:
        total = self.measure(spec, self.rows, "all", "Whole period")
        months = tuple(
            self.measure(spec, self.by_month.get(key, []), key, label) for key, label in self.months
        )
        languages: tuple[Cell, ...] = ()
        if spec.by_language and total.has_data:
            cells = [
                self.measure(spec, rows, code_, language_label(code_))
                for code_, rows in self.by_language.items()
            ]
            languages = tuple(sorted((c for c in cells if c.has_data), key=lambda c: (-c.n, c.key)))
        details: tuple[Cell, ...] = ()
        if spec.detail_label and total.has_data:
            details = self._details(spec, code)
        if spec.unit == "count":
            months, languages, details = (protect(cells) for cells in (months, languages, details))
        return FigureResult(spec, total, months, languages, details)

    def _details(self, spec: FigureSpec, code: str) -> tuple[Cell, ...]:
        # The detail breakdown splits the figure's own rows (e.g. concerns by category).
        own = [row for row in self.rows if row.indicator == code]
        groups: dict[str, list[EvidenceRecord]] = defaultdict(list)
        for row in own:
            groups[row.detail or "unspecified"].append(row)
        cells = [
            self.measure(spec, rows, detail, detail.replace("_", " ")) for detail, rows in groups.items()
        ]
        return tuple(sorted((c for c in cells if c.has_data), key=lambda c: (-(c.value or 0), -c.n, c.key)))

    def indicator(
        self, rubric_entry: RubricIndicator, specs: Sequence[FigureSpec], thresholds: Thresholds
    ) -> IndicatorResult:
        figures = tuple(self.figure(spec, rubric_entry.code) for spec in specs)
        suggestion = suggest(figures, thresholds.for_indicator(rubric_entry.code), self.min_group)
        return IndicatorResult(rubric_entry, figures, suggestion, self._evidence(rubric_entry.code))

    def _evidence(self, code: str) -> tuple[EvidenceCount, ...]:
        own = [row for row in self.rows if row.indicator == code]
        kinds = Counter(row.kind for row in own)
        found = []
        for kind, rows_of_kind in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
            rows = [row for row in own if row.kind == kind]
            cell = self.cell(kind, kind, float(rows_of_kind), group_size(rows), personal(rows))
            found.append(EvidenceCount(code, kind, cell))
        return tuple(found)


def protect(cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
    """Hide the smallest shown cell too when only one is suppressed: the parts of a count add to its total."""
    if sum(1 for c in cells if c.suppressed) != 1:
        return cells
    shown = [c for c in cells if c.value is not None]
    if not shown:
        return cells
    smallest = min(shown, key=lambda c: (c.value or 0.0, c.n))
    hidden = Cell(smallest.key, smallest.label, None, smallest.n, suppressed=True, protects=True)
    return tuple(hidden if c is smallest else c for c in cells)


def suggest(figures: Sequence[FigureResult], criteria: Sequence[Criterion], min_group: int) -> Suggestion:
    """The lowest level reached by any criterion with data; none when no criterion has data."""
    by_key = {figure.spec.key: figure for figure in figures}
    results: list[CriterionResult] = []
    for criterion in criteria:
        figure = by_key.get(criterion.figure)
        value = figure.total.value if figure else None
        level = criterion.level(value) if value is not None else None
        results.append(CriterionResult(criterion, figure, level))
    if not results:
        return Suggestion(None, (), "No thresholds are set for this indicator.")
    reached = [r.level for r in results if r.level is not None]
    if not reached:
        return Suggestion(
            None,
            tuple(results),
            f"Not enough data yet: the figures it rests on have no data or fewer than {min_group} parents.",
        )
    lowest = min(reached, key=LEVELS.index)
    limiting = [r for r in results if r.level == lowest]
    names = ", ".join(r.figure.spec.label.lower() for r in limiting if r.figure)
    return Suggestion(lowest, tuple(results), f"Limited by {names}.")
