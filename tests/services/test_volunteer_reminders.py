"""Shift reminders: due at the right instant for a local shift time, sent in each parent's language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bot.app import Bot
from tests.fixtures.volunteering import outbox_to, parent

LA = ZoneInfo("America/Los_Angeles")
# Monday 2099-11-02 08:30 PST: daylight saving ended on Sunday 2099-11-01 at 02:00.
ACROSS_DST = """spec_version: 1
opportunities:
  - key: reading
    title: {en: Reading with children, es: Lectura con niños, ko: 아이들과 책 읽기}
    location: Library
    capacity: 3
    reminders: [2880, 1440, 120]
    shifts:
      - {date: 2099-11-02, time: "08:30", end: "10:00"}
"""


def load(bot: Bot, tmp_path: Path) -> int:
    path = tmp_path / "dst.yaml"
    path.write_text(ACROSS_DST, encoding="utf-8")
    bot.volunteers.load(path)
    [shift] = bot.volunteers.upcoming()
    return shift.id


def test_a_local_shift_time_becomes_the_right_utc_instants_across_dst(bot: Bot, tmp_path: Path) -> None:
    shift_id = load(bot, tmp_path)
    starts = bot.volunteers.roster(shift_id).shift.starts_at
    assert starts == datetime(2099, 11, 2, 16, 30, tzinfo=UTC)  # 08:30 PST is UTC-8
    dues = {r.minutes_before: r.due_at for r in bot.reminders.pending() if r.kind == "shift"}
    # Whole days keep the wall clock: 08:30 the days before, which were still PDT (UTC-7).
    assert dues[2880] == datetime(2099, 10, 31, 15, 30, tzinfo=UTC)
    assert dues[1440] == datetime(2099, 11, 1, 16, 30, tzinfo=UTC)  # Sunday, already PST
    assert dues[120] == datetime(2099, 11, 2, 14, 30, tzinfo=UTC)
    assert {due.astimezone(LA).strftime("%H:%M") for m, due in dues.items() if m % 1440 == 0} == {"08:30"}


def test_moving_a_shift_replans_its_reminders_and_tells_the_volunteers(bot: Bot, tmp_path: Path) -> None:
    shift_id = load(bot, tmp_path)
    bot.volunteers.sign_up(shift_id, parent(bot, "+12135557421", "es"))
    bot.volunteers.edit_shift(shift_id, starts_at=datetime(2099, 11, 2, 10, 0, tzinfo=LA))
    assert outbox_to(bot, "+12135557421") == [
        "Lectura con niños tiene un nuevo horario: lun, 2 nov, 10:00. "
        "Responda MIS TURNOS si ya no puede venir."
    ]
    dues = sorted(r.due_at for r in bot.reminders.pending() if r.kind == "shift")
    assert dues[-1] == datetime(2099, 11, 2, 16, 0, tzinfo=UTC)  # two hours before 10:00 PST
    assert len(dues) == 3


def test_the_reminder_goes_to_each_confirmed_volunteer_in_their_language(bot: Bot, tmp_path: Path) -> None:
    shift_id = load(bot, tmp_path)
    phones = {"en": "+12135557401", "es": "+12135557402", "ko": "+12135557403"}
    for locale, phone in phones.items():
        bot.volunteers.sign_up(shift_id, parent(bot, phone, locale))
    reminder = next(r for r in bot.reminders.pending() if r.minutes_before == 1440)
    assert bot.reminders.send(reminder.id, reminder.due_at) == "sent"
    assert outbox_to(bot, phones["en"]) == [
        "Reminder: you volunteer at Reading with children, Mon, Nov 2, 8:30 AM, Library. "
        "Thank you! Reply MY SHIFTS if you cannot come."
    ]
    [spanish] = outbox_to(bot, phones["es"])
    assert spanish.startswith("Recordatorio: es voluntario en Lectura con niños, lun, 2 nov, 8:30, Library.")
    [korean] = outbox_to(bot, phones["ko"])
    assert "아이들과 책 읽기" in korean and "11월 2일" in korean and "8:30" in korean
    with bot.store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT idempotency_key, priority, campaign FROM outbox WHERE campaign IS NOT NULL")
        ).all()
    assert len(rows) == 3
    assert all(key.startswith(f"reminder:{reminder.id}:") and priority == 1 for key, priority, _ in rows)
    assert {campaign for _, _, campaign in rows} == {f"reminder:{reminder.id}"}
    # Sent once: the scheduler calling again queues nothing more.
    assert bot.reminders.send(reminder.id, reminder.due_at) == "stale"


def test_a_reminder_of_a_moved_or_cancelled_shift_sends_nothing(bot: Bot, tmp_path: Path) -> None:
    shift_id = load(bot, tmp_path)
    bot.volunteers.sign_up(shift_id, parent(bot, "+12135557411"))
    reminder = next(r for r in bot.reminders.pending() if r.minutes_before == 120)
    with bot.store.transaction() as tx:
        assert bot.volunteers.send_reminder(tx, reminder) == 1
        tx.update_shift(shift_id, version=reminder.ref_version + 1)
        assert bot.volunteers.send_reminder(tx, reminder) is None
    bot.volunteers.edit_shift(shift_id, cancel=True)
    assert not [r for r in bot.reminders.pending() if r.kind == "shift"]
