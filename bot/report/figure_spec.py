"""What a report figure is, and the figure builders several goals use (people counted, pulses)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.report import stats
from bot.report.sources import Evidence
from bot.report.stats import Measure, Rows, of_kind, with_detail


@dataclass(frozen=True)
class FigureSpec:
    """One figure: a stable key (used by thresholds and CSV), its words, and how to compute it."""

    key: str
    label: str
    definition: str
    unit: str  # count | share | hours | score | number
    compute: Callable[[Evidence], Measure]
    by_language: bool = True
    detail_label: str | None = None  # also broken down by the evidence detail (topic, category...)
    # Broken down by something other than the evidence detail (a volunteer role, a committee).
    split: Callable[[Evidence], dict[str, Evidence]] | None = None


def people(
    predicate: stats.Predicate, how: Callable[[Sequence[float]], float | None]
) -> Callable[[Rows], Measure]:
    """A summary of attendance rows whose group is the people counted, so a tiny class is suppressed."""

    def compute(rows: Rows) -> Measure:
        found = [row for row in stats.select(rows, predicate) if row.value is not None]
        counted = int(sum(stats.values(found)))
        value = how(stats.values(found))
        if value is None or not found:
            return stats.NO_DATA
        return Measure(value, counted, personal=True, items=len(found))

    return compute


def pulse(code: str, key: str, label: str, question: str) -> tuple[FigureSpec, ...]:
    """The figures of a one-question pulse: 'yes' among pulses sent (the level), among answers, and the
    response rate; an unanswered pulse counts as not confirmed, so fewer answers never raise it."""
    sent, answered = of_kind(code, "pulse_sent"), of_kind(code, "pulse_answer")
    yes = with_detail(answered, "yes")
    return (
        FigureSpec(
            key,
            label,
            f"Pulses ('{question}') answered Yes, among pulses sent ({code} pulse_answer yes / pulse_sent): "
            "one not answered counts as not confirmed.",
            "share",
            stats.rate(yes, sent),
        ),
        FigureSpec(
            f"{key}_among_answers",
            f"{label}, among answers",
            "Answers Yes among answers to the pulse (Yes, Somewhat or No); read it with the response rate.",
            "share",
            stats.share(yes, answered),
        ),
        FigureSpec(
            "pulse_response_rate",
            "Pulse response rate",
            f"Pulses answered among pulses sent ({code} pulse_answer / pulse_sent); a family gets at most "
            "one pulse of any kind per PULSE_MIN_DAYS.",
            "share",
            stats.rate(answered, sent),
        ),
    )
