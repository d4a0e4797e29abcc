"""Figures read from the tables rather than from evidence rows: current RSVPs, events, volunteer shifts.

Evidence rows record each thing that happened, so a changed answer is two rows and a shift nobody came
to leaves none. These figures read the state the tables hold now, with the population they are a share
of (the invitations sent, the places offered, the volunteers whose role requires training).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from bot.report import stats
from bot.report.sources import Evidence, ShiftFact, SignupFact
from bot.report.stats import NO_DATA, Measure

Compute = Callable[[Evidence], Measure]
COMMITTEE_KINDS = frozenset({"elac", "ssc"})  # advisory committee meetings: 5A evidence, not 1E
PLACED = frozenset({"confirmed", "attended", "no_show"})  # a volunteer who held a place on the shift


def event_id(detail: str | None) -> int | None:
    """The event id of a detail written `event:ID`, or None."""
    if not detail or not detail.startswith("event:"):
        return None
    try:
        return int(detail.removeprefix("event:"))
    except ValueError:
        return None


def invitations(data: Evidence, indicator: str = "1E") -> set[tuple[int, int]]:
    """(event id, parent) of every invitation in the group."""
    found = set()
    for row in stats.select(data, stats.of_kind(indicator, "invitation_sent")):
        event = event_id(row.detail)
        if event is not None and row.contact_ref is not None:
            found.add((event, row.contact_ref))
    return found


def _answers(data: Evidence) -> dict[tuple[int, int], str]:
    return {(fact.event_id, fact.ref): fact.answer for fact in data.rsvps}


def yes_now(data: Evidence) -> Measure:
    """Invited parents whose answer is yes now (a changed answer counts once, as it stands)."""
    invited = invitations(data)
    answers = _answers(data)
    yes = {pair for pair in invited if answers.get(pair) == "yes"}
    if not invited:
        return NO_DATA
    return Measure(float(len(yes)), len({ref for _, ref in invited}), True, len(invited))


def yes_now_rate(data: Evidence) -> Measure:
    """Invitations whose answer is yes now, among invitations sent."""
    invited = invitations(data)
    if not invited:
        return NO_DATA
    answers = _answers(data)
    yes = sum(1 for pair in invited if answers.get(pair) == "yes")
    return Measure(yes / len(invited), len({ref for _, ref in invited}), True, len(invited))


def _attended(data: Evidence) -> dict[int, int]:
    """People who came to each event: staff's head count, else the parents marked present by name."""
    named: dict[int, int] = defaultdict(int)
    for fact in data.rsvps:
        if fact.attended:
            named[fact.event_id] += 1
    counts = dict(named)
    counts.update({event: count for event, count in data.head_counts})
    return counts


def attendance_per_invitation(data: Evidence) -> Measure:
    """People who came per invitation sent, over the invited events whose attendance was recorded."""
    invited: dict[int, int] = defaultdict(int)
    for event, _ in invitations(data):
        invited[event] += 1
    came = _attended(data)
    recorded = [event for event in invited if event in came]
    sent = sum(invited[event] for event in recorded)
    if not sent:
        return NO_DATA
    return Measure(sum(came[event] for event in recorded) / sent, len(recorded), False, len(recorded))


def events_without_attendance(data: Evidence) -> Measure:
    """Invited events that have started and have no attendance recorded."""
    events = {event for event, _ in invitations(data)}
    if not events:
        return NO_DATA
    came = _attended(data)
    started = {fact.id for fact in data.events if data.as_of is None or fact.starts_at <= data.as_of}
    missing = [event for event in events if event in started and event not in came]
    return Measure(float(len(missing)), len(events), False, len(events))


def committee_meetings(data: Evidence) -> Measure:
    """ELAC and SSC meetings of the period that went ahead (not cancelled, already started)."""
    held = [
        fact
        for fact in data.events
        if fact.kind in COMMITTEE_KINDS
        and fact.status != "cancelled"
        and data.in_period(fact.starts_at)
        and (data.as_of is None or fact.starts_at <= data.as_of)
    ]
    if not any(fact.kind in COMMITTEE_KINDS for fact in data.events):
        return NO_DATA
    return Measure(float(len(held)), len(held), False, len(held))


def by_committee(data: Evidence) -> dict[str, Evidence]:
    """The evidence of each committee's meetings (ELAC, SSC)."""
    groups: dict[str, list] = defaultdict(list)
    for fact in data.events:
        if fact.kind in COMMITTEE_KINDS:
            groups[fact.kind.upper()].append(fact)
    return {key: data.but(rows=(), concerns=(), events=tuple(found)) for key, found in groups.items()}


# Volunteers ----------------------------------------------------------------------------------


def _placed_in_period(data: Evidence) -> list[SignupFact]:
    return [s for s in data.signups if s.status in PLACED and data.in_period(s.starts_at)]


def trained_share(data: Evidence) -> Measure:
    """Volunteers whose role requires training who have completed it, among those volunteers (parents)."""
    required = {s.ref: s for s in _placed_in_period(data) if s.requires_training}
    if not required:
        return NO_DATA
    trained = sum(1 for s in required.values() if s.trained)
    return Measure(trained / len(required), len(required), True, len(required))


def training_required(data: Evidence) -> Measure:
    """Volunteers placed on a shift whose role requires training (the population 3C is a share of)."""
    required = {s.ref for s in _placed_in_period(data) if s.requires_training}
    if not _placed_in_period(data):
        return NO_DATA
    return Measure(float(len(required)), len(required), True, len(required))


def _ended(data: Evidence) -> list[ShiftFact]:
    return [
        shift
        for shift in data.shifts
        if shift.status != "cancelled"
        and data.in_period(shift.starts_at)
        and (data.as_of is None or shift.ends_at <= data.as_of)
    ]


def fill_rate(data: Evidence) -> Measure:
    """Volunteers who came per place offered, over the period's shifts that have ended; a shift with no
    attendance recorded counts as nobody having come, so recording less cannot raise it."""
    shifts = _ended(data)
    places = sum(shift.capacity for shift in shifts)
    if not places:
        return NO_DATA
    return Measure(sum(shift.attended for shift in shifts) / places, len(shifts), False, len(shifts))


def shifts_without_attendance(data: Evidence) -> Measure:
    """Shifts of the period that have ended with no attendance recorded."""
    shifts = _ended(data)
    if not shifts:
        return NO_DATA
    missing = sum(1 for shift in shifts if not shift.recorded)
    return Measure(float(missing), len(shifts), False, len(shifts))


def _year_hours(data: Evidence) -> list[SignupFact]:
    return [
        s for s in data.signups if s.status == "attended" and s.hours and data.in_school_year(s.starts_at)
    ]


def school_year_hours(data: Evidence) -> Measure:
    """Hours volunteers came for this school year (1 July to the report's end), as the sign-ups hold them."""
    found = _year_hours(data)
    if not found:
        return NO_DATA
    return Measure(sum(s.hours or 0.0 for s in found), len({s.ref for s in found}), True, len(found))


def by_role(data: Evidence) -> dict[str, Evidence]:
    """The evidence of each volunteer role (opportunity)."""
    groups: dict[str, list[SignupFact]] = defaultdict(list)
    for signup in data.signups:
        groups[signup.role or "unspecified"].append(signup)
    return {key: data.but(rows=(), concerns=(), signups=tuple(found)) for key, found in groups.items()}
