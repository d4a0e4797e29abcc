"""The report as plain data: what every renderer (HTML, CSV, Markdown, Slack) reads.

Small groups are already suppressed here: a suppressed cell has no value at all, so no renderer
can leak it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.report.figures import FigureSpec
from bot.report.rubric import RubricIndicator
from bot.report.thresholds import Criterion


@dataclass(frozen=True)
class Cell:
    """One figure for one group (the whole period, a month, a language, a topic)."""

    key: str  # "all", "2026-03", "es", a topic id
    label: str
    value: float | None
    n: int
    suppressed: bool = False
    protects: bool = False  # hidden though large, so a small group cannot be worked out by subtraction
    items: int = 0  # how many things (concerns, events, rows) the value rests on

    @property
    def has_data(self) -> bool:
        """True when there is something to show (a number or 'fewer than N')."""
        return self.n > 0


@dataclass(frozen=True)
class FigureResult:
    """A figure with its breakdowns."""

    spec: FigureSpec
    total: Cell
    months: tuple[Cell, ...]
    languages: tuple[Cell, ...]
    details: tuple[Cell, ...]


@dataclass(frozen=True)
class CriterionResult:
    """How one criterion of thresholds.yaml came out."""

    criterion: Criterion
    figure: FigureResult | None
    level: str | None  # None: no data, or too few to show


@dataclass(frozen=True)
class Suggestion:
    """The suggested level and why (or why there is none)."""

    level: str | None
    criteria: tuple[CriterionResult, ...]
    reason: str
    status: str = "ok"  # ok | not_enough_evidence | no_thresholds
    at_most: str | None = None  # when withheld: the lowest level the criteria with data reach


@dataclass(frozen=True)
class EvidenceCount:
    """How many rows of one evidence kind support an indicator, and from how many parents."""

    indicator: str
    kind: str
    cell: Cell


@dataclass(frozen=True)
class IndicatorResult:
    """One rubric indicator in the report."""

    rubric: RubricIndicator
    figures: tuple[FigureResult, ...]
    suggestion: Suggestion
    evidence: tuple[EvidenceCount, ...]

    @property
    def code(self) -> str:
        """The indicator code, e.g. 4E."""
        return self.rubric.code

    @property
    def has_data(self) -> bool:
        """False shows the indicator as 'no data yet'."""
        return any(figure.total.has_data for figure in self.figures)


@dataclass(frozen=True)
class Report:
    """Everything one report shows."""

    school: str  # the school's name, or "All schools"
    school_key: str  # the school's slug, or "all" (the CSV's school column)
    start: date
    end: date  # inclusive
    months: tuple[tuple[str, str], ...]  # (key, label) of every month in the period
    generated_at: datetime
    min_group: int
    thresholds_source: str
    timezone: str
    indicators: tuple[IndicatorResult, ...]
    families: int | None = None  # families on the roster (None: the roster was not read)
    # Rubric indicators no figure covers, with the data a school could add: "not evidenced by the text line".
    uncovered: tuple[tuple[RubricIndicator, str], ...] = ()

    @property
    def period(self) -> str:
        """The period as text, e.g. 2026-01-01 to 2026-06-30."""
        return f"{self.start.isoformat()} to {self.end.isoformat()}"
