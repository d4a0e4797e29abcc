"""From evidence rows to the report: figures per indicator, by month and language, and a level."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale

from bot.domain import EvidenceRecord
from bot.report.coverage import NOT_EVIDENCED
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
from bot.report.rubric import LEVEL_NAMES, LEVELS, RubricIndicator, rubric
from bot.report.sources import ConcernFact, EventFact, Evidence, Family, RsvpFact, ShiftFact, SignupFact
from bot.report.stats import group_size, personal
from bot.report.thresholds import Criterion, Thresholds

UNKNOWN_LANGUAGE = "unknown"
SCHOOL_YEAR_MONTH = 7  # a school year runs from 1 July (California's fiscal and school year)
FACTS = ("events", "signups", "shifts")  # table facts split by month (and, when about a parent, language)


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

    def school_year(self) -> tuple[datetime, datetime]:
        """[1 July of the school year the period ends in, the period's end): 3E counts a whole school year."""
        first = date(self.end.year if self.end.month >= SCHOOL_YEAR_MONTH else self.end.year - 1, 7, 1)
        return datetime.combine(first, time(0), self.zone), self.bounds()[1]


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
    families: Sequence[Family] | None = None,
    concerns: Sequence[ConcernFact] = (),
    rsvps: Sequence[RsvpFact] = (),
    head_counts: Sequence[tuple[int, int]] = (),
    events: Sequence[EventFact] = (),
    signups: Sequence[SignupFact] = (),
    shifts: Sequence[ShiftFact] = (),
) -> Report:
    """Compute every reported indicator from the period's evidence rows, the roster and the concerns.

    `families` is the school's roster (None: not read, so no figure can be a share of families);
    `concerns` are those raised in the period; what is overdue is judged as of `generated_at`;
    `rsvps` are the current answers to the invitations among the rows; `events` start in the period;
    `signups` and `shifts` are of the school year (3C and 3D keep the period's, 3E the year's).
    """
    months = month_keys(scope.start, scope.end)
    roster = tuple(families or ())
    home = {family.ref: family.language or UNKNOWN_LANGUAGE for family in roster}
    everything = Evidence(
        tuple(rows),
        roster,
        tuple(concerns),
        generated_at,
        families is not None,
        rsvps=tuple(rsvps),
        head_counts=tuple(head_counts),
        events=tuple(events),
        signups=tuple(signups),
        shifts=tuple(shifts),
        period=scope.bounds(),
        school_year=scope.school_year(),
    )
    by_month = _split(
        everything,
        row_key=lambda row: row.at.astimezone(scope.zone).strftime("%Y-%m"),
        concern_key=lambda c: c.created_at.astimezone(scope.zone).strftime("%Y-%m"),
        family_key=None,
        fact_key=lambda fact: fact.at.astimezone(scope.zone).strftime("%Y-%m"),
    )
    by_language = _split(
        everything,
        row_key=lambda row: home.get(row.contact_ref or -1) or row.locale or UNKNOWN_LANGUAGE,
        concern_key=lambda c: home.get(c.ref) or c.locale or UNKNOWN_LANGUAGE,
        family_key=lambda f: f.language or UNKNOWN_LANGUAGE,
        fact_key=lambda fact: None if fact.ref is None else home.get(fact.ref) or UNKNOWN_LANGUAGE,
    )
    roster_languages = tuple(sorted({f.language or UNKNOWN_LANGUAGE for f in roster}))
    builder = _Builder(everything, months, by_month, by_language, roster_languages, min_group)
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
        families=len(roster) if families is not None else None,
        uncovered=tuple(
            (entry, NOT_EVIDENCED.get(code, "")) for code, entry in rubric().items() if code not in FIGURES
        ),
    )


def _split(
    data: Evidence,
    *,
    row_key: Callable[[EvidenceRecord], str],
    concern_key: Callable[[ConcernFact], str],
    family_key: Callable[[Family], str] | None,
    fact_key: Callable[[Any], str | None],
) -> dict[str, Evidence]:
    """The same evidence cut into groups (months, languages); families stay whole when not split, and
    current RSVPs always stay whole (the invitation rows of a group pick theirs)."""
    rows: dict[str, list[EvidenceRecord]] = defaultdict(list)
    concerns: dict[str, list[ConcernFact]] = defaultdict(list)
    families: dict[str, list[Family]] = defaultdict(list)
    facts: dict[str, dict[str, list[Any]]] = {name: defaultdict(list) for name in FACTS}
    for row in data.rows:
        rows[row_key(row)].append(row)
    for concern in data.concerns:
        concerns[concern_key(concern)].append(concern)
    if family_key is not None:
        for family in data.families:
            families[family_key(family)].append(family)
    for name in FACTS:
        for fact in getattr(data, name):
            key = fact_key(fact)
            if key is not None:  # a fact about no parent has no language
                facts[name][key].append(fact)
    keys = {*rows, *concerns, *families, *(key for split in facts.values() for key in split)}
    return {
        key: data.but(
            rows=tuple(rows.get(key, ())),
            families=tuple(families.get(key, ())) if family_key is not None else data.families,
            concerns=tuple(concerns.get(key, ())),
            **{name: tuple(facts[name].get(key, ())) for name in FACTS},
        )
        for key in keys
    }


class _Builder:
    def __init__(
        self,
        data: Evidence,
        months: tuple[tuple[str, str], ...],
        by_month: dict[str, Evidence],
        by_language: dict[str, Evidence],
        roster_languages: tuple[str, ...],
        min_group: int,
    ) -> None:
        self.data, self.rows, self.months = data, data.rows, months
        self.by_month, self.by_language = by_month, by_language
        self.roster_languages = roster_languages
        self.min_group = min_group

    def cell(
        self, key: str, label: str, value: float | None, n: int, personal: bool = True, items: int = 0
    ) -> Cell:
        """A cell with small groups of parents suppressed: the value is dropped here, before any renderer."""
        if n <= 0 or value is None:
            return Cell(key, label, None, 0)
        if personal and n < self.min_group:
            return Cell(key, label, None, n, suppressed=True)
        return Cell(key, label, value, n, items=items)

    def measure(self, spec: FigureSpec, data: Evidence, key: str, label: str) -> Cell:
        result = spec.compute(data)
        return self.cell(key, label, result.value, result.n, result.personal, result.items)

    def figure(self, spec: FigureSpec, code: str) -> FigureResult:
        total = self.measure(spec, self.data, "all", "Whole period")
        months = tuple(
            self.measure(spec, self.by_month.get(key, _empty(self.data)), key, label)
            for key, label in self.months
        )
        languages: tuple[Cell, ...] = ()
        if spec.by_language and total.has_data:
            # Every roster language is listed, with or without data: a language nobody reached is a finding.
            codes = {*self.by_language, *self.roster_languages}
            cells = [
                self.measure(
                    spec, self.by_language.get(code_, _empty(self.data)), code_, language_label(code_)
                )
                for code_ in codes
            ]
            listed = (c for c in cells if c.has_data or c.key in self.roster_languages)
            languages = tuple(sorted(listed, key=lambda c: (-c.n, c.key)))
        details: tuple[Cell, ...] = ()
        if spec.detail_label and total.has_data:
            details = self._details(spec, code)
        if spec.unit == "count":
            months, languages, details = (protect(cells) for cells in (months, languages, details))
        return FigureResult(spec, total, months, languages, details)

    def _details(self, spec: FigureSpec, code: str) -> tuple[Cell, ...]:
        if spec.split is not None:
            split = [self.measure(spec, part, key, key) for key, part in spec.split(self.data).items()]
            return tuple(sorted((c for c in split if c.has_data), key=lambda c: (-(c.value or 0), c.key)))
        # The detail breakdown splits the figure's own rows (e.g. concerns by category).
        own = [row for row in self.rows if row.indicator == code]
        groups: dict[str, list[EvidenceRecord]] = defaultdict(list)
        for row in own:
            groups[row.detail or "unspecified"].append(row)
        cells = [
            self.measure(spec, _with_rows(self.data, rows), detail, detail.replace("_", " "))
            for detail, rows in groups.items()
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


def _empty(data: Evidence) -> Evidence:
    return data.but(rows=(), concerns=(), **{name: () for name in FACTS})


def _with_rows(data: Evidence, rows: Sequence[EvidenceRecord]) -> Evidence:
    return data.but(rows=tuple(rows), concerns=(), **{name: () for name in FACTS})


def _in_sentence(label: str) -> str:
    """A figure's label inside a sentence: only its first letter lowered ("families told about the UCP")."""
    return label[:1].lower() + label[1:]


def _missing(result: CriterionResult, min_group: int) -> str | None:
    """Why a criterion cannot count (no data, a small group, too few events), or None when it can."""
    label = _in_sentence(result.figure.spec.label) if result.figure else result.criterion.figure
    cell = result.figure.total if result.figure else None
    if cell is None or not cell.has_data:
        return f"{label} has no data"
    if cell.suppressed:
        return f"{label} rests on fewer than {min_group} parents"
    needed = result.criterion.min_items
    if needed and cell.items < needed:
        return f"{label} rests on {cell.items}, fewer than the {needed} needed"
    return None


def suggest(figures: Sequence[FigureResult], criteria: Sequence[Criterion], min_group: int) -> Suggestion:
    """The lowest level every criterion reaches; withheld ('not enough evidence') when any criterion has
    no data, suppressed data or too few items, so a level can never be raised by collecting less."""
    by_key = {figure.spec.key: figure for figure in figures}
    results: list[CriterionResult] = []
    for criterion in criteria:
        figure = by_key.get(criterion.figure)
        value = figure.total.value if figure else None
        level = criterion.level(value) if value is not None else None
        result = CriterionResult(criterion, figure, level)
        if level is not None and _missing(result, min_group):
            result = CriterionResult(criterion, figure, None)
        results.append(result)
    if not results:
        return Suggestion(None, (), "No thresholds are set for this indicator.", "no_thresholds")
    reached = [r.level for r in results if r.level is not None]
    missing = [why for r in results if (why := _missing(r, min_group)) is not None]
    if missing:
        cap = (
            f" The figures with data reach at most {LEVEL_NAMES[min(reached, key=LEVELS.index)]}."
            if reached
            else ""
        )
        return Suggestion(
            None,
            tuple(results),
            f"Not enough evidence: {'; '.join(missing)}.{cap}",
            "not_enough_evidence",
            min(reached, key=LEVELS.index) if reached else None,
        )
    lowest = min(reached, key=LEVELS.index)
    limiting = [r for r in results if r.level == lowest]
    names = ", ".join(_in_sentence(r.figure.spec.label) for r in limiting if r.figure)
    return Suggestion(lowest, tuple(results), f"Limited by {names}.")
