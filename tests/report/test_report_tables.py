"""The report's table facts through the real services and store, on SQLite and PostgreSQL: current RSVPs,
ELAC meetings as 5A, staff replies and UCP filings on concerns, volunteers by role, training and shift."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import Bot
from bot.clock import utcnow
from bot.domain import Inbound
from bot.report.model import FigureResult, Report
from bot.report.service import ReportOptions, make_report
from tests.fixtures.bots import make_bot
from tests.fixtures.events import add_parent, event_spec
from tests.fixtures.volunteering import evidence

STAFF = "U0STAFF1"
VOLUNTEERS = """spec_version: 1
opportunities:
  - key: library
    title: {en: Library helper, es: Ayudante de biblioteca}
    capacity: 3
    requirements: [training]
    shifts:
      - {date: 2099-12-03, time: "08:30", end: "10:30"}
  - key: office
    title: {en: Office helper, es: Ayudante de oficina}
    capacity: 2
    shifts:
      - {date: 2099-12-04, time: "08:30", end: "09:30"}
"""


@pytest.fixture
def bot(db_url: str) -> Iterator[Bot]:
    wired = make_bot(db_url, slack_concerns_channel="C0CONCERNS", slack_staff_user_ids=STAFF)
    yield wired
    wired.close()


def report(bot: Bot) -> Report:
    today = utcnow().date()
    start, end = today - timedelta(days=40), today + timedelta(days=1)
    return make_report(bot.store, ReportOptions(min_group=1), start, end)


def figure(built: Report, code: str, key: str) -> FigureResult:
    indicator = next(i for i in built.indicators if i.code == code)
    return next(f for f in indicator.figures if f.spec.key == key)


def first_reminder(bot: Bot, event_id: int) -> None:
    with bot.store.transaction() as tx:
        reminder = tx.reminders_of("event", event_id)[0]
    assert bot.reminders.send(reminder.id, reminder.due_at) == "sent"


def test_1e_reads_answers_as_they_stand_and_elac_goes_to_5a(bot: Bot) -> None:
    parents = [add_parent(bot, f"+1213555070{i}", "es" if i < 3 else "ko") for i in range(5)]
    family, _ = bot.events.save(event_spec())
    elac, _ = bot.events.save(event_spec(key="elac-dec", kind="elac", titles={"en": "ELAC", "es": "ELAC"}))
    first_reminder(bot, family.id)
    first_reminder(bot, elac.id)
    with bot.store.transaction() as tx:
        tx.set_rsvp(family.id, parents[0].id, "yes")
        tx.set_rsvp(family.id, parents[0].id, "no")  # changed: counts once, as no
        tx.set_rsvp(family.id, parents[1].id, "yes")
        tx.set_rsvp(elac.id, parents[2].id, "yes")  # a committee answer is not a classroom one
    bot.events.record_attendance(family.id, count=3)
    bot.events.record_attendance(elac.id, count=7)
    built = report(bot)
    assert figure(built, "1E", "invitations_sent").total.value == 5
    assert figure(built, "1E", "rsvps_yes").total.value == 1
    assert figure(built, "1E", "rsvp_yes_rate").total.value == pytest.approx(1 / 5)
    assert figure(built, "1E", "attendance_per_invitation").total.value == pytest.approx(3 / 5)
    # The ELAC notice: 5A, in Spanish for the Spanish families, in English for the Korean ones.
    notice = figure(built, "5A", "committee_notice_home_share")
    assert notice.total.value == pytest.approx(3 / 5)
    assert {c.key: c.value for c in notice.languages} == {"es": 1.0, "ko": 0.0}
    assert ("5A", 7.0, f"event:{elac.id}") in evidence(bot, "attended")


def raise_concern(bot: Bot, phone: str) -> str:
    for body in ("hi", "1", "menu", "1", "2", "A boy pushes my son on the bus.", "2", "1"):
        bot.conversation.handle(Inbound("sms", phone, body))
    reply = bot.conversation.handle(Inbound("sms", phone, "after 3 pm")).replies[0]
    return "C-" + reply.split("C-", 1)[1][:9]


def test_staff_replies_and_ucp_filings_come_from_the_concerns(bot: Bot) -> None:
    answered = raise_concern(bot, "+12135550801")
    waiting = raise_concern(bot, "+12135550802")
    bot.concerns.reply(answered, STAFF, None, "We are looking into it today.")
    assert bot.concerns.record_ucp_filed(waiting, "cli", "filed with the district office")
    assert not bot.concerns.record_ucp_filed(waiting, "cli")  # once
    # The unanswered one is past its acknowledge due time.
    with bot.store.engine.begin() as connection:
        connection.execute(
            text("UPDATE concerns SET created_at = :c, ack_due_at = :d WHERE reference = :r"),
            {"c": utcnow() - timedelta(days=9), "d": utcnow() - timedelta(days=8), "r": waiting},
        )
    built = report(bot)
    assert figure(built, "1D", "staff_reply_share").total.value == pytest.approx(1 / 2)
    assert figure(built, "1D", "parents_replied").total.value == 1
    assert figure(built, "5C", "ucp_filed").total.value == 1
    assert ("5C", None, "safety_bullying") in evidence(bot, "ucp_filed")


def test_volunteers_by_role_training_and_shift(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "volunteers.yaml"
    path.write_text(VOLUNTEERS)
    bot.volunteers.load(path)
    with bot.store.engine.connect() as connection:
        shifts = dict(
            connection.execute(
                text(
                    "SELECT o.key, s.id FROM volunteer_shifts s "
                    "JOIN volunteer_opportunities o ON o.id = s.opportunity_id"
                )
            ).all()
        )
    people = [add_parent(bot, f"+1213555090{i}", "es") for i in range(4)]
    library = [bot.volunteers.sign_up(shifts["library"], p.id).signup_id for p in people[:3]]
    office = bot.volunteers.sign_up(shifts["office"], people[3].id).signup_id
    assert None not in library and office is not None
    bot.volunteers.mark_requirement(library[0], "training", "U0STAFF1")
    bot.volunteers.mark_requirement(library[1], "training", "U0STAFF1")
    bot.volunteers.mark_attendance(library[0], True, "U0STAFF1")  # type: ignore[arg-type]
    bot.volunteers.mark_attendance(library[1], True, "U0STAFF1")  # type: ignore[arg-type]
    bot.volunteers.mark_attendance(office, True, "U0STAFF1")
    # Both shifts took place last week.
    start = utcnow().replace(microsecond=0) - timedelta(days=7)
    with bot.store.engine.begin() as connection:
        for key, hours in (("library", 2), ("office", 1)):
            connection.execute(
                text("UPDATE volunteer_shifts SET starts_at = :s, ends_at = :e WHERE id = :i"),
                {"s": start, "e": start + timedelta(hours=hours), "i": shifts[key]},
            )
    built = report(bot)
    assert figure(built, "3C", "training_required").total.value == 3
    # The office helper needs no training and is not counted.
    assert figure(built, "3C", "trained_share").total.value == pytest.approx(2 / 3)
    assert figure(built, "3D", "fill_rate").total.value == pytest.approx((2 + 1) / (3 + 2))
    hours = figure(built, "3E", "volunteer_hours")
    assert hours.total.value == pytest.approx(2 + 2 + 1)
    assert {c.key: c.value for c in hours.details} == {"Library helper": 4.0, "Office helper": 1.0}


def test_reading_a_rights_topic_is_written_once(bot: Bot) -> None:
    for body in ("hi", "1", "RIGHTS", "1"):
        bot.conversation.handle(Inbound("sms", "+12135550990", body))
    with bot.store.engine.connect() as connection:
        query = "SELECT indicator, kind FROM evidence WHERE indicator IN ('4A', '4B')"
        rows = connection.execute(text(query))
        assert sorted(tuple(r) for r in rows) == [("4A", "rights_topic_viewed")]


def test_the_report_period_does_not_limit_the_school_year() -> None:
    from zoneinfo import ZoneInfo

    from bot.report.build import ReportScope

    scope = ReportScope(date(2026, 3, 1), date(2026, 4, 30), ZoneInfo("America/Los_Angeles"))
    assert scope.school_year()[0].date() == date(2025, 7, 1)
    autumn = ReportScope(date(2026, 9, 1), date(2026, 10, 31), ZoneInfo("America/Los_Angeles"))
    assert autumn.school_year()[0].date() == date(2026, 7, 1)
