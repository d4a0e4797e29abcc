"""`outreach events ...`: load, list, show, edit and cancel school events, and record attendance."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from bot.cli_errors import exit_with_file_errors
from bot.services.audience import describe

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.services.event_types import EventView


def staff_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """A time in the school's zone for staff, e.g. 'Tue 2026-12-01 18:00'."""
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M") if moment else "-"


def summary_line(view: EventView, zone: ZoneInfo) -> str:
    """One line per event: id, start, kind, title and answers."""
    answers = f"yes {view.yes} · no {view.no}" if view.rsvp else "no RSVP"
    status = "" if view.status == "scheduled" else f" [{view.status}]"
    when = staff_time(view.starts_at, zone)
    return f"#{view.id:<4} {when}  {view.kind:<8} {view.title()}  ({answers}){status}"


def detail_lines(view: EventView, zone: ZoneInfo) -> list[str]:
    """Everything staff need about one event."""
    from bot.services.reminders import format_offset

    ends = view.ends_at.astimezone(zone).strftime("%H:%M") if view.ends_at else "-"
    lines = [
        f"#{view.id} {view.title()} ({view.kind}, key {view.key}, version {view.version}, {view.status})",
        f"  when:      {staff_time(view.starts_at, zone)} - {ends} ({zone.key})",
        f"  where:     {view.location() or '-'}",
        f"  audience:  {describe(view.audience)}",
        f"  titles:    {', '.join(sorted(view.titles))}",
        f"  locations: {', '.join(sorted(view.locations)) or '-'}",
        f"  RSVP:      yes {view.yes}, no {view.no}" if view.rsvp else "  RSVP:      not asked",
        f"  attended:  {'-' if view.attended is None else view.attended}",
    ]
    for reminder in view.reminders:
        lines.append(
            f"  reminder {format_offset(reminder.minutes_before):>4}: "
            f"{staff_time(reminder.due_at, zone)} {reminder.status}"
        )
    return lines


@contextmanager
def _bot() -> Iterator[Bot]:
    from bot.cli import command_bot

    bot = command_bot()
    try:
        yield bot
    finally:
        bot.close()


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group("events")
def events() -> None:
    """School events: parents RSVP by text; reminders go out before them."""


@events.command("load")
@click.argument("file", type=click.Path(path_type=Path))
def load(file: Path) -> None:
    """Create or update the events of a YAML file (by key; every error is listed with its path)."""
    from bot.services.event_file import EventFileError
    from bot.services.event_types import EventStateError

    with _bot() as bot:
        try:
            saved = bot.events.load_file(file, actor="cli")
        except EventFileError as exc:
            exit_with_file_errors(file, exc.errors)
        except EventStateError as exc:
            raise _fail(exc) from None
        for view, status in saved:
            click.echo(f"{status:<9} {summary_line(view, bot.schools.zone())}")


@events.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include cancelled events.")
def list_events(show_all: bool) -> None:
    """Upcoming events, soonest first, with their RSVP counts."""
    with _bot() as bot:
        found = bot.events.upcoming(include_cancelled=show_all)
        for view in found:
            click.echo(summary_line(view, bot.schools.zone()))
        if not found:
            click.echo("no upcoming events")


@events.command("show")
@click.argument("event_id", type=int)
def show(event_id: int) -> None:
    """One event with its RSVP counts, attendance and reminders."""
    from bot.services.event_types import EventNotFound

    with _bot() as bot:
        try:
            view = bot.events.view(event_id)
        except EventNotFound as exc:
            raise _fail(exc) from None
        click.echo("\n".join(detail_lines(view, bot.schools.zone())))


@events.command("edit")
@click.argument("event_id", type=int)
@click.option("--starts", help='New start in school time, "2026-12-03 18:00".')
@click.option("--ends", help='New end: "19:30" (same day) or "2026-12-03 19:30"; "none" to clear.')
@click.option(
    "--location", help="New location in the school's default language (other languages' are dropped)."
)
@click.option("--title", help="New title in the school's default language.")
@click.option("--reminders", help="New reminder offsets, e.g. 7d,1d,2h (empty: none).")
def edit(
    event_id: int,
    starts: str | None,
    ends: str | None,
    location: str | None,
    title: str | None,
    reminders: str | None,
) -> None:
    """Change an event; its reminders move with it (parents get them at the new times)."""
    from bot.services.event_file import parse_end, parse_moment, parse_offsets
    from bot.services.event_types import EventNotFound, EventStateError

    with _bot() as bot:
        zone = bot.schools.zone()
        try:
            view = bot.events.view(event_id)
            changes: dict[str, Any] = {}
            if starts is not None:
                changes["starts_at"] = parse_moment(starts, zone)
                if view.ends_at is not None and ends is None:
                    changes["ends_at"] = changes["starts_at"] + (view.ends_at - view.starts_at)
            if ends is not None:
                start = changes.get("starts_at", view.starts_at)
                changes["ends_at"] = None if ends.lower() == "none" else parse_end(ends, start, zone)
            with bot.store.transaction() as tx:
                default = bot.schools.current(tx).data.default_locale
            if location is not None:
                # A new place makes the old translations wrong: families read the default text until
                # the events file gives the place in their language again.
                changes["locations"] = {default: location.strip()} if location.strip() else {}
            if title is not None:
                changes["titles"] = {**view.titles, default: title.strip()}
            if reminders is not None:
                offsets = [part for part in reminders.replace(" ", "").split(",") if part]
                changes["reminder_minutes"] = parse_offsets(offsets)
            if not changes:
                raise click.UsageError(
                    "nothing to change: give --starts, --ends, --location, --title or --reminders"
                )
            edited = bot.events.edit(event_id, changes, actor="cli")
        except (EventNotFound, EventStateError, ValueError) as exc:
            raise _fail(exc) from None
        click.echo("\n".join(detail_lines(edited, zone)))


@events.command("cancel")
@click.argument("event_id", type=int)
def cancel(event_id: int) -> None:
    """Cancel an event and its reminders; parents who said yes are told in their language."""
    from bot.services.event_types import EventNotFound, EventStateError

    with _bot() as bot:
        try:
            view, told = bot.events.cancel(event_id, actor="cli")
        except (EventNotFound, EventStateError) as exc:
            raise _fail(exc) from None
        click.echo(f"cancelled #{view.id} {view.title()}; {told} parent(s) who said yes will be told")


@events.command("attendance")
@click.argument("event_id", type=int)
@click.option("--count", type=int, help="How many parents came (a head count).")
@click.option("--phone", "phones", multiple=True, help="A parent who came (repeat for each).")
def attendance(event_id: int, count: int | None, phones: tuple[str, ...]) -> None:
    """Record who came: a head count or parents by phone (rubric 2C for parent classes and workshops)."""
    from bot.services.event_types import EventNotFound, EventStateError
    from bot.services.phones import InvalidPhone

    with _bot() as bot:
        try:
            view = bot.events.record_attendance(
                event_id, count=count, phones=phones, region=bot.settings.default_region
            )
        except (EventNotFound, EventStateError, InvalidPhone) as exc:
            raise _fail(exc) from None
        click.echo(f"#{view.id} {view.title()}: {view.attended} attended (yes {view.yes}, no {view.no})")
