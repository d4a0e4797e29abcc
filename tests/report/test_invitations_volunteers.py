"""1E from the answers as they stand, with attendance per invitation; 3C, 3D and 3E from the volunteer
tables, each worked out by hand. Each fixture also carries the evidence rows the old figures counted, so
the old arithmetic would give a different number.

1E: event 1 invited parents 1-10. Parent 1 said yes then no, parent 4 yes, no, yes, parents 2 and 3 yes
(seven rsvp rows, five of them yes); now 2, 3 and 4 say yes. Staff counted 4 people. Event 3 invited
parents 1-5; parents 1 and 2 were marked present by name (no head count). Event 4 invited parents 6-10
and has no attendance recorded. Invitations 20, yes now 3: 15 %; attendance (4 + 2) / (10 + 5) = 40 %.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.report.build import build_report
from bot.report.model import FigureResult, Report
from bot.report.sources import RsvpFact, ShiftFact, SignupFact
from bot.report.thresholds import load_thresholds
from tests.fixtures.evidence import APRIL, MARCH, row
from tests.report.test_build import SCOPE

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def figure(built: Report, code: str, key: str) -> FigureResult:
    indicator = next(i for i in built.indicators if i.code == code)
    return next(f for f in indicator.figures if f.spec.key == key)


def value(built: Report, code: str, key: str) -> float | None:
    return figure(built, code, key).total.value


def invitation_rows() -> list:
    rows = [row("1E", "invitation_sent", p, detail="event:1") for p in range(1, 11)]
    rows += [row("1E", "invitation_sent", p, detail="event:3", at=APRIL) for p in range(1, 6)]
    rows += [row("1E", "invitation_sent", p, detail="event:4", at=APRIL) for p in range(6, 11)]
    answers = [(1, "yes"), (1, "no"), (2, "yes"), (3, "yes"), (4, "yes"), (4, "no"), (4, "yes")]
    rows += [row("1E", "rsvp", p, value=1, detail=a) for p, a in answers]
    # An ELAC meeting's invitations are 5A evidence: they never count as classroom invitations.
    rows += [row("5A", "invitation_sent", p, value=1, detail="event:2") for p in range(1, 11)]
    return rows


RSVPS = [
    RsvpFact(1, 1, "no"),
    RsvpFact(1, 2, "yes"),
    RsvpFact(1, 3, "yes"),
    RsvpFact(1, 4, "yes"),
    RsvpFact(2, 5, "yes"),  # the ELAC meeting: not 1E
    RsvpFact(3, 1, "walk_in", attended=True),
    RsvpFact(3, 2, "walk_in", attended=True),
]


def build(rows: list, **facts: object) -> Report:
    return build_report(
        rows,
        SCOPE,
        load_thresholds(),
        min_group=1,
        generated_at=NOW,
        **facts,  # type: ignore[arg-type]
    )


def test_1e_counts_answers_as_they_stand_not_every_change() -> None:
    built = build(invitation_rows(), rsvps=RSVPS, head_counts=[(1, 4)])
    assert value(built, "1E", "invitations_sent") == 20
    assert value(built, "1E", "rsvps_yes") == 3  # the rows say yes five times
    assert value(built, "1E", "rsvp_yes_rate") == pytest.approx(3 / 20)
    assert figure(built, "1E", "rsvp_yes_rate").total.items == 20


def test_1e_attendance_per_invitation_over_events_with_attendance() -> None:
    built = build(invitation_rows(), rsvps=RSVPS, head_counts=[(1, 4)])
    assert value(built, "1E", "attendance_per_invitation") == pytest.approx((4 + 2) / (10 + 5))
    assert value(built, "1E", "events_without_attendance") == 0  # no EventFacts: none known to have started


def test_a_changed_answer_cannot_raise_yes_per_invitation() -> None:
    steady = build(invitation_rows(), rsvps=RSVPS)
    flipping = invitation_rows() + [row("1E", "rsvp", 1, value=1, detail=a) for a in ("yes", "no") * 10]
    assert value(build(flipping, rsvps=RSVPS), "1E", "rsvp_yes_rate") == value(steady, "1E", "rsvp_yes_rate")


# Volunteers ---------------------------------------------------------------------------------------

SEPT = datetime(2025, 9, 15, 16, 0, tzinfo=UTC)  # this school year, before the period
LAST_JUNE = datetime(2025, 6, 10, 16, 0, tzinfo=UTC)  # the school year before


def signup(
    ref: int,
    role: str,
    *,
    at: datetime = MARCH,
    status: str = "confirmed",
    hours: float | None = None,
    trained: bool = False,
    shift: int = 1,
) -> SignupFact:
    return SignupFact(
        ref=ref,
        shift_id=shift,
        role=role,
        starts_at=at,
        ends_at=at + timedelta(hours=2),
        capacity=4,
        status=status,
        hours=hours,
        requires_training=role == "Library helper",
        trained=trained,
    )


SIGNUPS = [
    # Library helper requires training: parents 1-4 placed, 1-3 trained; parent 8 only waitlisted.
    signup(1, "Library helper", trained=True),
    signup(2, "Library helper", trained=True, status="attended", hours=3.0),
    signup(3, "Library helper", trained=True, at=APRIL),
    signup(4, "Library helper", at=APRIL),
    signup(8, "Library helper", status="waitlisted"),
    signup(9, "Library helper", at=SEPT, status="attended", hours=2.0),  # before the period: 3E only
    # Office helper has no training requirement: parents 5-7, none trained.
    signup(5, "Office helper", at=APRIL, status="attended", hours=1.5),
    signup(6, "Office helper"),
    signup(7, "Office helper"),
    signup(6, "Office helper", at=LAST_JUNE, status="attended", hours=2.0),  # last school year
]


def shift(
    shift_id: int,
    capacity: int,
    attended: int,
    *,
    at: datetime = MARCH,
    status: str = "scheduled",
    recorded: bool = True,
) -> ShiftFact:
    return ShiftFact(
        shift_id, "Library helper", at, at + timedelta(hours=2), capacity, status, attended, recorded
    )


SHIFTS = [
    shift(1, 4, 3),
    shift(2, 4, 1, at=APRIL),
    shift(3, 2, 0, recorded=False),  # ended, nobody recorded who came: counts as empty
    shift(4, 5, 0, at=NOW + timedelta(days=1), recorded=False),  # not ended yet
    shift(5, 6, 0, status="cancelled", recorded=False),
    shift(6, 3, 3, at=SEPT),  # before the period
]


def volunteer_rows() -> list:
    """The rows the old figures read: every confirmed sign-up, a training for parents 1-3, fill rates
    as places held when attendance was first marked, and the period's hours."""
    rows = [row("3B", "volunteer_signup", p, detail="confirmed") for p in (1, 2, 3, 4, 5, 6, 7)]
    rows += [row("3C", "training_completed", p, detail="training") for p in (1, 2, 3)]
    rows += [row("3D", "fill_rate", None, value=1.0, detail=f"opportunity:{i}", locale=None) for i in (1, 2)]
    rows += [row("3E", "volunteer_hours", 2, value=3.0), row("3E", "volunteer_hours", 5, value=1.5, at=APRIL)]
    return rows


def test_3c_is_a_share_of_volunteers_whose_role_requires_training() -> None:
    built = build(volunteer_rows(), signups=SIGNUPS, shifts=SHIFTS)
    assert value(built, "3C", "training_required") == 4
    assert value(built, "3C", "trained_share") == pytest.approx(3 / 4)  # not 3 of 7 volunteers


def test_3d_fill_is_attended_over_capacity_of_ended_shifts() -> None:
    built = build(volunteer_rows(), signups=SIGNUPS, shifts=SHIFTS)
    assert value(built, "3D", "fill_rate") == pytest.approx((3 + 1 + 0) / (4 + 4 + 2))
    assert value(built, "3D", "shifts_without_attendance") == 1
    assert figure(built, "3D", "fill_rate").total.items == 3


def test_not_recording_attendance_cannot_raise_the_fill_rate() -> None:
    recorded = [shift(3, 2, 2)] + [s for s in SHIFTS if s.id != 3]
    full = build(volunteer_rows(), shifts=recorded)
    unrecorded = build(volunteer_rows(), shifts=SHIFTS)
    assert (value(unrecorded, "3D", "fill_rate") or 0) < (value(full, "3D", "fill_rate") or 0)


def test_3e_counts_the_school_year_by_role() -> None:
    built = build(volunteer_rows(), signups=SIGNUPS, shifts=SHIFTS)
    hours = figure(built, "3E", "volunteer_hours")
    # 1 July 2025 to the end of April 2026: 2 (September) + 3 (March) + 1.5 (April); June 2025 is out.
    assert hours.total.value == pytest.approx(6.5)
    assert {c.key: c.value for c in hours.details} == {"Library helper": 5.0, "Office helper": 1.5}
    assert {c.key: c.value for c in hours.months} == {"2026-03": 3.0, "2026-04": 1.5}
