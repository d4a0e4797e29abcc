"""Demo data through the real services, spread over past months, with nothing left to send."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.app import Bot
from bot.demo.activities import ACTIVITY_GENERATORS, Concerns, FirstContact
from bot.demo.generate import generate
from bot.store.evidence_repo import evidence_between

NOW = datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


def test_two_months_of_activity_land_in_the_past_through_the_services(bot: Bot) -> None:
    summary = generate(bot, 2, seed=3, intensity=0.8, now=NOW)
    assert summary.start.isoformat() == "2026-05-01"  # the report's default period
    assert summary.counts["parents"] >= 20 and summary.counts["concerns"] >= 5
    with bot.store.transaction() as tx:
        rows = evidence_between(tx, NOW - timedelta(days=70), NOW + timedelta(days=1))
    kinds = Counter((r.indicator, r.kind) for r in rows)
    for wanted in [
        ("1B", "language_detected"),
        ("1B", "language_chosen"),
        ("1D", "quick_answer"),
        ("1D", "question_answered"),
        ("4A", "rights_topic_viewed"),
        ("4A", "self_check_yes"),
        ("4B", "concern_raised"),
        ("4E", "time_to_acknowledge"),
        ("4E", "time_to_resolve"),
        ("4E", "satisfaction"),
        ("4E", "need_met"),
        ("5C", "ucp_info_given"),
        ("3B", "volunteer_signup"),
        ("3C", "requirement_met"),
        ("3D", "skill_match"),
        ("3D", "fill_rate"),
        ("3E", "volunteer_hours"),
        ("1B", "reminder_lead_hours"),
        ("1E", "invitation_sent"),
        ("5A", "invitation_sent"),
        ("1E", "rsvp"),
        ("2C", "attended"),
        ("1B", "queued"),
        ("1B", "delivered"),
        ("1B", "undelivered"),
        ("5A", "home_language_coverage"),
        ("5A", "translation_override"),
    ]:
        assert kinds[wanted] > 0, wanted
    months = {r.at.strftime("%Y-%m") for r in rows}
    assert {"2026-05", "2026-06"} <= months
    assert all(r.at <= NOW for r in rows)
    assert len({r.locale for r in rows}) >= 3
    with bot.store.engine.connect() as connection:
        pending = connection.execute(text("SELECT count(*) FROM outbox WHERE status <> 'sent'")).scalar()
        acked = connection.execute(
            text("SELECT count(*) FROM concerns WHERE acknowledged_at < created_at")
        ).scalar()
        phones = [p for (p,) in connection.execute(text("SELECT phone FROM contacts"))]
    assert pending == 0  # every text and Slack alert went through the dry-run dispatcher
    assert acked == 0
    assert all(p[5:9] == "5550" and p[9] == "1" for p in phones)  # fictional 555-01xx numbers


def test_the_same_seed_makes_the_same_activity(db_url: str) -> None:
    from tests.fixtures.bots import make_bot

    counts = []
    for _ in range(2):
        bot = make_bot(db_url)
        with bot.store.engine.begin() as connection:
            for table in (
                "evidence",
                "concern_events",
                "concerns",
                "outbox",
                "message_statuses",
                "messages",
                "sessions",
                "consent_events",
                "unanswered_questions",
                "contacts",
            ):
                connection.execute(text(f"DELETE FROM {table}"))
        generators = [FirstContact(per_day=2.0), Concerns(per_day=1.0)]
        counts.append(generate(bot, 1, seed=11, generators=generators, now=NOW).counts)
        bot.close()
    assert counts[0] == counts[1]


def test_generators_are_a_list_features_extend() -> None:
    assert [make().name for make in ACTIVITY_GENERATORS] == [
        "first contact",
        "questions",
        "rights",
        "concerns",
        "volunteers",
        "events",
        "announcements",
    ]
