"""Events: saving and loading, reminders across daylight saving, edits, cancellations, RSVPs, counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Bot
from bot.domain import Inbound
from bot.i18n.formatting import local_datetime
from bot.services.event_file import EventFileError
from bot.services.event_types import EventStateError
from bot.store.evidence_repo import evidence_between
from tests.fixtures.events import add_parent, event_spec, outbox_rows

LA = ZoneInfo("America/Los_Angeles")


def _monday_after_dst_ends() -> date:
    """The Monday after the first Sunday of November (US DST end) at least two weeks away."""
    today = datetime.now(UTC).date()
    for year in (today.year, today.year + 1):
        first = date(year, 11, 1)
        sunday = first + timedelta(days=(6 - first.weekday()) % 7)
        if sunday - timedelta(days=14) > today:
            return sunday + timedelta(days=1)
    raise AssertionError("unreachable")


def _pending(bot: Bot, event_id: int) -> dict[int, datetime]:
    view = bot.events.view(event_id)
    return {r.minutes_before: r.due_at for r in view.reminders if r.status == "pending"}


def test_reminders_fire_at_the_local_time_across_daylight_saving(bot: Bot) -> None:
    monday = _monday_after_dst_ends()
    # 18:00 PST is 02:00 UTC the next day; a week earlier the clocks said PDT, so 18:00 was 01:00 UTC.
    starts = datetime.combine(monday, time(18, 0), tzinfo=UTC) + timedelta(hours=8)
    assert starts.astimezone(LA).hour == 18
    view, _ = bot.events.save(event_spec(starts_at=starts, ends_at=None))
    dues = _pending(bot, view.id)
    week_before = datetime.combine(monday - timedelta(days=7), time(18, 0), tzinfo=UTC) + timedelta(hours=7)
    assert dues[10080] == week_before
    assert dues[10080].astimezone(LA).strftime("%a %H:%M %Z") == "Mon 18:00 PDT"
    assert dues[1440] == starts - timedelta(hours=24)  # Sunday 18:00 PST, after the change
    assert dues[120] == starts - timedelta(hours=2)


def test_saving_again_is_idempotent_and_a_change_makes_a_new_version(bot: Bot) -> None:
    spec = event_spec()
    first, created = bot.events.save(spec)
    again, unchanged = bot.events.save(spec)
    assert (created, unchanged) == ("created", "unchanged")
    assert again.version == first.version == 1
    moved, updated = bot.events.save(
        replace(spec, starts_at=spec.starts_at + timedelta(days=1), ends_at=None)
    )
    assert updated == "updated" and moved.version == 2 and moved.id == first.id


def test_an_edited_event_moves_its_reminders(bot: Bot) -> None:
    spec = event_spec()
    view, _ = bot.events.save(spec)
    before = _pending(bot, view.id)
    later = spec.starts_at + timedelta(days=2, hours=1)
    edited = bot.events.edit(view.id, {"starts_at": later, "ends_at": later + timedelta(hours=1)})
    assert edited.version == 2
    after = _pending(bot, view.id)
    assert after == {m: due + timedelta(days=2, hours=1) for m, due in before.items()}
    cancelled = [r for r in edited.reminders if r.status == "cancelled"]
    assert sorted(r.due_at for r in cancelled) == sorted(before.values())
    # A reminder of the old version that fires anyway sends nothing.
    with bot.store.transaction() as tx:
        old = tx.reminders_of("event", view.id, status="cancelled")[0]
        assert bot.events.send_reminder(tx, old) is None


def test_edit_refuses_an_end_before_the_start(bot: Bot) -> None:
    view, _ = bot.events.save(event_spec())
    with pytest.raises(EventStateError, match="end must be after"):
        bot.events.edit(view.id, {"ends_at": view.starts_at - timedelta(hours=1)})


def test_a_reminder_reaches_the_audience_in_each_language(bot: Bot) -> None:
    spanish = add_parent(bot, "+12135550301", "es", grades=["3"])
    korean = add_parent(bot, "+12135550302", "ko", grades=["3"])
    add_parent(bot, "+12135550303", "en", grades=["5"])  # not invited
    add_parent(bot, "+12135550304", "es", grades=["3"], opted_out=True)
    declined = add_parent(bot, "+12135550305", "en", grades=["3"])
    view, _ = bot.events.save(event_spec(audience={"grades": ["3"]}))
    with bot.store.transaction() as tx:
        tx.set_rsvp(view.id, declined.id, "no")
        reminder = tx.reminders_of("event", view.id)[0]
    assert bot.reminders.send(reminder.id, reminder.due_at) == "sent"
    rows = {r["contact_id"]: r for r in outbox_rows(bot, f"reminder:{reminder.id}")}
    assert set(rows) == {spanish.id, korean.id}
    es, ko = rows[spanish.id], rows[korean.id]
    assert es["priority"] == ko["priority"] == 1
    assert es["idempotency_key"] == f"reminder:{reminder.id}:{spanish.id}"
    assert "Noche de lectura en familia" in es["body"]
    assert local_datetime(view.starts_at, "es", LA) in es["body"]
    assert "EVENTOS" in es["body"]
    # No Korean title: the school's default language, with the date in Korean.
    assert "Family reading night" in ko["body"] and local_datetime(view.starts_at, "ko", LA) in ko["body"]
    assert bot.reminders.send(reminder.id, reminder.due_at) == "stale"  # once only
    second = bot.events.view(view.id).reminders[1]
    with bot.store.transaction() as tx:
        later = next(
            r for r in tx.reminders_of("event", view.id) if r.minutes_before == second.minutes_before
        )
    assert bot.reminders.send(later.id, later.due_at) == "sent"
    with bot.store.transaction() as tx:
        facts = [(i, k, d, loc) for i, k, d, loc in tx.evidence() if i in ("1B", "1E")]
    lead = ("1B", "reminder_lead_hours", f"event:{view.id}", None)
    invitations = [f for f in facts if f[1] == "invitation_sent"]
    # One invitation per parent, with the first reminder only; a lead time per reminder.
    assert sorted(invitations) == [
        ("1E", "invitation_sent", f"event:{view.id}", "es"),
        ("1E", "invitation_sent", f"event:{view.id}", "ko"),
    ]
    assert facts.count(lead) == 2
    # A queued row per home language and reminder: Korean families got the default (English) title.
    assert facts.count(("1B", "queued", "home", "es")) == 2
    assert facts.count(("1B", "queued", "fallback", "ko")) == 2


def test_a_cancelled_event_tells_those_who_said_yes(bot: Bot) -> None:
    coming = add_parent(bot, "+12135550311", "es")
    also = add_parent(bot, "+12135550312", "en")
    not_coming = add_parent(bot, "+12135550313", "en")
    view, _ = bot.events.save(event_spec())
    with bot.store.transaction() as tx:
        tx.set_rsvp(view.id, coming.id, "yes")
        tx.set_rsvp(view.id, also.id, "yes")
        tx.set_rsvp(view.id, not_coming.id, "no")
    cancelled, told = bot.events.cancel(view.id, "USTAFF")
    assert told == 2 and cancelled.status == "cancelled"
    assert all(r.status != "pending" for r in cancelled.reminders)
    rows = {r["contact_id"]: r for r in outbox_rows(bot, f"event:{view.id}")}
    assert set(rows) == {coming.id, also.id}
    assert rows[coming.id]["priority"] == 0
    assert "Noche de lectura en familia" in rows[coming.id]["body"] and "cancel" in rows[coming.id]["body"]
    assert "Family reading night" in rows[also.id]["body"]
    with pytest.raises(EventStateError):
        bot.events.cancel(view.id)
    assert view.id not in [e.id for e in bot.events.upcoming()]


def _text(bot: Bot, phone: str, text: str) -> str:
    return "\n".join(bot.conversation.handle(Inbound("sms", phone, text)).replies)


def test_a_parent_rsvps_by_text_and_changes_the_answer(bot: Bot) -> None:
    phone = "+12135550321"
    add_parent(bot, phone, "es")
    view, _ = bot.events.save(event_spec())
    listing = _text(bot, phone, "EVENTOS")
    assert "1 Noche de lectura en familia" in listing
    details = _text(bot, phone, "1")
    assert "Biblioteca" in details and "Library" not in details and "¿Vendrá?" in details  # her language
    assert "Gracias" in _text(bot, phone, "1")
    assert (bot.events.view(view.id).yes, bot.events.view(view.id).no) == (1, 0)
    _text(bot, phone, "eventos")
    assert "Usted dijo que vendrá" in _text(bot, phone, "1")
    _text(bot, phone, "2")
    counts = bot.events.view(view.id)
    assert (counts.yes, counts.no) == (0, 1)
    with bot.store.transaction() as tx:
        rsvps = [(d, loc) for i, k, d, loc in tx.evidence("1E") if k == "rsvp"]
    assert rsvps == [("yes", "es"), ("no", "es")]


def test_parents_only_see_events_for_them(bot: Bot) -> None:
    phone = "+12135550331"
    add_parent(bot, phone, "en", groups=["ELAC"])
    bot.events.save(event_spec(key="elac", titles={"en": "ELAC meeting"}, audience={"groups": ["ELAC"]}))
    bot.events.save(event_spec(key="grade-5", titles={"en": "Grade 5 play"}, audience={"grades": ["5"]}))
    listing = _text(bot, phone, "events")
    assert "ELAC meeting" in listing and "Grade 5 play" not in listing


def test_no_events_says_so(bot: Bot) -> None:
    phone = "+12135550341"
    add_parent(bot, phone, "en")
    assert "No events are planned" in _text(bot, phone, "EVENTS")


def test_attendance_counts_as_evidence_for_parent_classes(bot: Bot) -> None:
    parent = add_parent(bot, "+12135550351", "en")
    view, _ = bot.events.save(event_spec(kind="class"))
    with bot.store.transaction() as tx:
        tx.set_rsvp(view.id, parent.id, "yes")
    marked = bot.events.record_attendance(view.id, phones=["(213) 555-0351"])
    assert marked.attended == 1
    counted = bot.events.record_attendance(view.id, count=14)
    assert counted.attended == 14
    named_again = bot.events.record_attendance(view.id, phones=["(213) 555-0351"])
    assert named_again.attended == 14  # naming a parent never replaces the head count
    with bot.store.transaction() as tx:
        facts = sorted((k, d) for i, k, d, _ in tx.evidence("2C"))
        assert tx.latest_attendance([view.id]) == {view.id: 14}
    # corrected in place: a total never counts twice; the head count and the named are separate rows
    assert facts == [("attended", f"event:{view.id}"), ("attended_named", f"event:{view.id}")]
    with bot.store.transaction() as tx:
        dated = evidence_between(tx, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    assert {r.at for r in dated if r.indicator == "2C"} == {view.starts_at}  # dated at the event


def test_an_events_file_lists_every_error_with_its_path(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        """
events:
  - key: ok-one
    title: {es: Sin inglés}
    starts: "2030-01-10 18:00"
    ends: "17:00"
  - key: Bad Key
    kind: party
    title: {en: Party}
    starts_in_days: 3
    time: "25:00"
    reminders: [soon]
  - key: gap
    title: {en: Spring forward}
    starts: "2030-03-10 02:30"
""",
        encoding="utf-8",
    )
    with pytest.raises(EventFileError) as caught:
        bot.events.load_file(path)
    errors = "\n".join(caught.value.errors)
    assert "events.1.key" in errors and "events.1.kind" in errors and "events.1.reminders" in errors
    path.write_text(
        path.read_text().replace("Bad Key", "bad-key").replace("party", "class"), encoding="utf-8"
    )
    path.write_text(path.read_text().replace("[soon]", "[1d]"), encoding="utf-8")
    with pytest.raises(EventFileError) as caught:
        bot.events.load_file(path)
    errors = "\n".join(caught.value.errors)
    assert "events.0.title: no title in the school's default language 'en'" in errors
    assert "events.0.ends: the end must be after the start" in errors
    assert "events.1.time" in errors
    assert "events.2.starts" in errors and "does not exist" in errors


def test_an_events_file_loads_relative_dates_once(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        """
events:
  - key: workshop
    kind: workshop
    title: {en: Reading at home, es: Leer en casa}
    starts_in_days: 5
    time: "18:00"
    ends: "19:00"
    reminders: [1d, 2h]
""",
        encoding="utf-8",
    )
    [(view, status)] = bot.events.load_file(path)
    assert status == "created"
    local = view.starts_at.astimezone(LA)
    assert (local.hour, local.minute) == (18, 0)
    assert local.date() == datetime.now(UTC).astimezone(LA).date() + timedelta(days=5)
    assert [s for _, s in bot.events.load_file(path)] == ["unchanged"]
