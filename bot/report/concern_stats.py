"""4E from the concerns themselves: an open concern past its due time counts as a miss, not as nothing.

Evidence rows of acknowledging and resolving are written only when staff act, so a concern left
untouched would never appear in them; these figures read every concern raised in the period instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.report.sources import ConcernFact, Evidence
from bot.report.stats import NO_DATA, Measure, median

Compute = Callable[[Evidence], Measure]
STAGES = ("acknowledge", "resolve")


def _times(concern: ConcernFact, stage: str) -> tuple[datetime | None, datetime]:
    if stage == "acknowledge":
        return concern.acknowledged_at, concern.ack_due_at
    return concern.resolved_at, concern.resolve_due_at


def outcome(concern: ConcernFact, stage: str, as_of: datetime | None) -> tuple[bool, float] | None:
    """(on time, hours) once decided: done (on time or late), or still open past its due time (late,
    hours so far). None while open and not yet due: nobody can say yet."""
    done, due = _times(concern, stage)
    if done is not None:
        return done <= due, (done - concern.created_at).total_seconds() / 3600
    if as_of is not None and as_of > due:
        return False, (as_of - concern.created_at).total_seconds() / 3600
    return None


def _measure(value: float | None, concerns: Sequence[ConcernFact]) -> Measure:
    if value is None or not concerns:
        return NO_DATA
    return Measure(value, len({c.ref for c in concerns}), True, len(concerns))


def decided(data: Evidence, stage: str) -> list[tuple[ConcernFact, bool, float]]:
    """The concerns whose deadline for this stage is met or passed, with (on time, hours)."""
    found = []
    for concern in data.concerns:
        result = outcome(concern, stage, data.as_of)
        if result is not None:
            found.append((concern, *result))
    return found


def within_target(stage: str) -> Compute:
    """Concerns done on time among concerns done or overdue (open overdue ones are misses)."""

    def compute(data: Evidence) -> Measure:
        found = decided(data, stage)
        hits = sum(1 for _, on_time, _ in found if on_time)
        return _measure(hits / len(found) if found else None, [c for c, _, _ in found])

    return compute


def hours(stage: str, how: Callable[[Sequence[float]], float | None]) -> Compute:
    """A summary of the hours to this stage; an open overdue concern counts at its age so far."""

    def compute(data: Evidence) -> Measure:
        found = decided(data, stage)
        return _measure(how([h for _, _, h in found]), [c for c, _, _ in found])

    return compute


def open_overdue(data: Evidence) -> Measure:
    """Concerns still not acknowledged or not resolved past their due time."""
    late = [
        c
        for c in data.concerns
        if any(
            _times(c, stage)[0] is None and data.as_of is not None and data.as_of > _times(c, stage)[1]
            for stage in STAGES
        )
    ]
    if not data.concerns:
        return NO_DATA
    return Measure(float(len(late)), len({c.ref for c in data.concerns}), True, len(data.concerns))


def raised(data: Evidence) -> Measure:
    """Concerns and requests raised in the period."""
    return _measure(float(len(data.concerns)), data.concerns)


def _resolved(data: Evidence) -> list[ConcernFact]:
    return [c for c in data.concerns if c.resolved_at is not None]


def survey_response_rate(data: Evidence) -> Measure:
    """Resolved concerns whose parent answered the survey, among resolved concerns."""
    resolved = _resolved(data)
    answered = [c for c in resolved if c.need_met is not None]
    return _measure(len(answered) / len(resolved) if resolved else None, resolved)


def need_met_confirmed(data: Evidence) -> Measure:
    """Resolved concerns whose parent said the need was met, among all resolved concerns: a survey not
    answered (or an answer deleted) counts as not confirmed, so fewer answers can never raise it."""
    resolved = _resolved(data)
    met = sum(1 for c in resolved if c.need_met)
    return _measure(met / len(resolved) if resolved else None, resolved)


def need_met_among_answers(data: Evidence) -> Measure:
    """Survey answers saying the need was met, among the answers (context: depends on who answered)."""
    answered = [c for c in _resolved(data) if c.need_met is not None]
    met = sum(1 for c in answered if c.need_met)
    return _measure(met / len(answered) if answered else None, answered)


def satisfaction_mean(data: Evidence) -> Measure:
    """The average satisfaction answer, 1 to 5, among the concerns that have one."""
    answered = [c for c in _resolved(data) if c.satisfaction]
    total = sum(c.satisfaction or 0 for c in answered)
    return _measure(total / len(answered) if answered else None, answered)


def of_category(category: str, compute: Compute) -> Compute:
    """A concern figure over the concerns of one category only (e.g. requests made from a right)."""

    def only(data: Evidence) -> Measure:
        return compute(data.but(concerns=tuple(c for c in data.concerns if c.category == category)))

    return only


def _reply_outcome(concern: ConcernFact, as_of: datetime | None) -> float | None:
    """Hours to the first staff reply; for one with none yet, its age once past the acknowledge due
    time (a miss); None while nobody can say yet."""
    if concern.first_reply_at is not None:
        return (concern.first_reply_at - concern.created_at).total_seconds() / 3600
    if as_of is not None and as_of > concern.ack_due_at:
        return (as_of - concern.created_at).total_seconds() / 3600
    return None


def staff_reply_share(data: Evidence) -> Measure:
    """Concerns and requests a staff member replied to in person, among those replied to or past the
    time they were due an answer: one nobody replied to counts as a parent who did not reach staff."""
    decided = [c for c in data.concerns if _reply_outcome(c, data.as_of) is not None]
    replied = sum(1 for c in decided if c.first_reply_at is not None)
    return _measure(replied / len(decided) if decided else None, decided)


def reply_hours_median(data: Evidence) -> Measure:
    """Median hours to a first staff reply; one still waiting past its due time counts at its age."""
    found = [(c, h) for c in data.concerns if (h := _reply_outcome(c, data.as_of)) is not None]
    return _measure(median([h for _, h in found]), [c for c, _ in found])


def parents_replied(data: Evidence) -> Measure:
    """Different parents who got a reply from a staff member."""
    replied = [c for c in data.concerns if c.first_reply_at is not None]
    if not data.concerns:
        return NO_DATA
    return Measure(
        float(len({c.ref for c in replied})), len({c.ref for c in data.concerns}), True, len(replied)
    )


def ucp_filed(data: Evidence) -> Measure:
    """Concerns whose parent filed a Uniform Complaint, as staff recorded it."""
    if not data.concerns:
        return NO_DATA
    filed = sum(1 for c in data.concerns if c.ucp_filed)
    return Measure(float(filed), len({c.ref for c in data.concerns}), True, len(data.concerns))
