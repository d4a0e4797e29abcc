"""Queries for the evidence report's table facts: current RSVPs, events, volunteer sign-ups and shifts.

Each returns plain dicts with pseudonymous contact ids only (no phones, names or texts).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.store.models import EvidenceRow
from bot.store.models_events import EventRow, EventRsvpRow
from bot.store.models_volunteers import (
    VolunteerOpportunityRow,
    VolunteerProfileRow,
    VolunteerShiftRow,
    VolunteerSignupRow,
)
from bot.store.repo import Tx

TRAINING = "training"  # the requirement that is a training (bot.services.volunteer_types.TRAINING)


def current_rsvps(tx: Tx, event_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Every parent's answer to these events as it stands now, and whether they came."""
    ids = sorted(set(event_ids))
    if not ids:
        return []
    r = EventRsvpRow
    rows = tx.session.execute(
        select(r.event_id, r.contact_id, r.answer, r.attended).where(r.event_id.in_(ids)).order_by(r.id)
    )
    return [
        {"event_id": event, "ref": ref, "answer": answer, "attended": bool(attended)}
        for event, ref, answer, attended in rows
    ]


def head_counts(tx: Tx, event_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(event id, head count) of the events staff took a head count of (one row per event)."""
    details = {f"event:{i}": i for i in set(event_ids)}
    if not details:
        return []
    rows = tx.session.execute(
        select(EvidenceRow.detail, EvidenceRow.value).where(
            EvidenceRow.kind == "attended", EvidenceRow.detail.in_(list(details))
        )
    )
    return sorted((details[str(detail)], int(value or 0)) for detail, value in rows)


def events_between(
    tx: Tx, start: datetime, end: datetime, school_id: int | None = None
) -> list[dict[str, Any]]:
    """Events starting with start <= starts_at < end, with the head count staff took, if any."""
    query = select(EventRow.id, EventRow.kind, EventRow.starts_at, EventRow.status).where(
        EventRow.starts_at >= start, EventRow.starts_at < end
    )
    if school_id is not None:
        query = query.where(EventRow.school_id == school_id)
    events = list(tx.session.execute(query.order_by(EventRow.starts_at, EventRow.id)))
    counts = dict(head_counts(tx, [row.id for row in events]))
    return [
        {"id": i, "kind": kind, "starts_at": at, "status": status, "head_count": counts.get(i)}
        for i, kind, at, status in events
    ]


def _role(titles: dict[str, str] | None, key: str) -> str:
    titles = titles or {}
    return titles.get("en") or next(iter(titles.values()), "") or key


def shifts_between(
    tx: Tx, start: datetime, end: datetime, school_id: int | None = None
) -> list[dict[str, Any]]:
    """Volunteer shifts starting in [start, end): role, places, and how many volunteers came."""
    s, o = VolunteerShiftRow, VolunteerOpportunityRow
    query = (
        select(
            s.id,
            o.titles,
            o.key,
            s.starts_at,
            s.ends_at,
            s.capacity,
            o.capacity,
            s.status,
            s.attendance_recorded_at,
        )
        .join(o, o.id == s.opportunity_id)
        .where(s.starts_at >= start, s.starts_at < end)
    )
    if school_id is not None:
        query = query.where(o.school_id == school_id)
    shifts = list(tx.session.execute(query.order_by(s.starts_at, s.id)))
    came: dict[int, int] = {}
    if shifts:
        attended = tx.session.execute(
            select(VolunteerSignupRow.shift_id).where(
                VolunteerSignupRow.shift_id.in_([row[0] for row in shifts]),
                VolunteerSignupRow.status == "attended",
            )
        )
        for (shift_id,) in attended:
            came[shift_id] = came.get(shift_id, 0) + 1
    return [
        {
            "id": shift_id,
            "role": _role(titles, key),
            "starts_at": starts,
            "ends_at": ends,
            "capacity": int(own or default or 1),
            "status": status,
            "attended": came.get(shift_id, 0),
            "recorded": recorded is not None or shift_id in came,
        }
        for shift_id, titles, key, starts, ends, own, default, status, recorded in shifts
    ]


def signups_between(
    tx: Tx, start: datetime, end: datetime, school_id: int | None = None
) -> list[dict[str, Any]]:
    """Volunteer sign-ups on shifts starting in [start, end), with the role, whether it requires training
    and whether the parent's training is recorded."""
    u, s, o = VolunteerSignupRow, VolunteerShiftRow, VolunteerOpportunityRow
    query = (
        select(
            u.contact_id,
            u.shift_id,
            o.titles,
            o.key,
            s.starts_at,
            s.ends_at,
            s.capacity,
            o.capacity,
            u.status,
            u.hours,
            o.requirements,
            u.requirements_met,
        )
        .join(s, s.id == u.shift_id)
        .join(o, o.id == s.opportunity_id)
        .where(s.starts_at >= start, s.starts_at < end)
    )
    if school_id is not None:
        query = query.where(o.school_id == school_id)
    found = list(tx.session.execute(query.order_by(s.starts_at, u.id)))
    refs = {row[0] for row in found}
    trained = {ref for ref, *_rest, met in found if TRAINING in (met or ())}
    if refs:
        profiles = tx.session.execute(
            select(VolunteerProfileRow.contact_id, VolunteerProfileRow.requirements_met).where(
                VolunteerProfileRow.contact_id.in_(sorted(refs))
            )
        )
        trained |= {ref for ref, met in profiles if TRAINING in (met or ())}
    return [
        {
            "ref": ref,
            "shift_id": shift_id,
            "role": _role(titles, key),
            "starts_at": starts,
            "ends_at": ends,
            "capacity": int(own or default or 1),
            "status": status,
            "hours": hours,
            "requires_training": TRAINING in (requirements or ()),
            "trained": ref in trained,
        }
        for ref, shift_id, titles, key, starts, ends, own, default, status, hours, requirements, _met in found
    ]
