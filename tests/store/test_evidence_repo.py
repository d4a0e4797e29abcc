"""The report's queries on SQLite and PostgreSQL: a period is [start, end), a school filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Bot
from bot.store.evidence_repo import add_evidence_records, contact_count, evidence_between, schools
from tests.fixtures.evidence import MARCH, row


def test_evidence_between_keeps_the_period_and_the_school(bot: Bot) -> None:
    start, end = datetime(2026, 3, 1, 8, tzinfo=UTC), datetime(2026, 4, 1, 7, tzinfo=UTC)
    records = [
        row("4E", "need_met", 1, value=1, at=start - timedelta(seconds=1)),
        row("4E", "need_met", 2, value=1, at=start),
        row("4E", "need_met", 3, value=0, at=MARCH, school_id=2, locale="ko"),
        row("1B", "reminder_lead_hours", None, value=36.5, detail="event:4", at=end - timedelta(seconds=1)),
        row("4E", "need_met", 4, value=1, at=end),
    ]
    with bot.store.transaction() as tx:
        add_evidence_records(tx, records)
    with bot.store.transaction() as tx:
        every = evidence_between(tx, start, end)
        first_school = evidence_between(tx, start, end, school_id=1)
    assert [r.contact_ref for r in every] == [2, 3, None]
    assert every == records[1:4]  # values, details, locales and aware times come back as stored
    assert all(r.at.tzinfo is not None for r in every)
    assert [r.contact_ref for r in first_school] == [2, None]


def test_schools_and_contacts(bot: Bot) -> None:
    with bot.store.transaction() as tx:
        assert [s.slug for s in schools(tx)] == ["rosewood-elementary"]
        assert contact_count(tx) == 0
