"""`outreach volunteers`: load, list and edit volunteer opportunities, export a shift's roster."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_errors import exit_with_file_errors

if TYPE_CHECKING:
    from bot.app import Bot


def _bot() -> Bot:
    from bot.cli import command_bot

    return command_bot()


def _local(bot: Bot, moment: datetime) -> str:
    return moment.astimezone(bot.schools.zone()).strftime("%Y-%m-%d %H:%M")


@click.group()
def volunteers() -> None:
    """Volunteer opportunities, their shifts and rosters."""


@volunteers.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--announce", is_flag=True, help="Then announce the new opportunities to every family.")
@click.option("--yes", is_flag=True, help="With --announce: schedule without asking after the preview.")
def volunteers_load(file: Path, announce: bool, yes: bool) -> None:
    """Validate a volunteer file and load it (every error is listed with its path in the file)."""
    from bot.services.volunteer_file import VolunteerFileError, load_volunteer_file

    try:
        load_volunteer_file(file)
    except VolunteerFileError as exc:
        exit_with_file_errors(file, exc.errors)
    bot = _bot()
    try:
        report = bot.volunteers.load(file)
        click.echo(
            f"loaded {file}: {report.opportunities_created} new, {report.opportunities_updated} updated, "
            f"{report.shifts_planned} reminders planned"
        )
        if announce:
            _announce(bot, file, yes)
    finally:
        bot.close()


def _announce(bot: Bot, file: Path, yes: bool) -> None:
    from bot.cli_announce import create_after_preview

    draft = bot.volunteers.announcement(file)
    created = create_after_preview(bot, draft, yes=yes, verb=("Announce", "announced"), when=_local)
    if created is None:
        return
    announcement_id, preview = created
    click.echo(f"announcement {announcement_id} scheduled for {_local(bot, preview.send_at)}")


@volunteers.command("list")
def volunteers_list() -> None:
    """Upcoming shifts: id, time, places filled, waitlist, where and who supervises."""
    bot = _bot()
    try:
        shifts = bot.volunteers.upcoming()
        if not shifts:
            click.echo("no upcoming shifts (load some with `outreach volunteers load FILE`)")
        for shift in shifts:
            click.echo(
                f"{shift.id:>4}  {_local(bot, shift.starts_at)}  {shift.filled}/{shift.capacity} filled"
                f"  waitlist {shift.waitlisted}  {shift.title} · {shift.location or '-'}"
                f" · {shift.supervisor or '-'}"
            )
    finally:
        bot.close()


@volunteers.command("edit")
@click.argument("shift_id", type=int)
@click.option("--capacity", type=int, help="Places on this shift (more places offer them to the waitlist).")
@click.option("--date", "day", help="New local date, YYYY-MM-DD.")
@click.option("--time", "clock", help="New local start time, HH:MM.")
@click.option("--end", help="New local end time, HH:MM.")
@click.option(
    "--location",
    help="Where, in the default language (for every shift of the opportunity; other languages dropped).",
)
@click.option("--supervisor", help="Supervising staff member (for every shift of the opportunity).")
@click.option("--cancel", is_flag=True, help="Cancel the shift; volunteers on it are told by SMS.")
def volunteers_edit(
    shift_id: int,
    capacity: int | None,
    day: str | None,
    clock: str | None,
    end: str | None,
    location: str | None,
    supervisor: str | None,
    cancel: bool,
) -> None:
    """Change a shift: places, date and time, location, supervisor, or cancel it."""
    from bot.services.volunteer_types import VolunteerError

    bot = _bot()
    try:
        try:
            starts_at, ends_at = _moments(bot, shift_id, day, clock, end)
            shift = bot.volunteers.edit_shift(
                shift_id,
                capacity=capacity,
                starts_at=starts_at,
                ends_at=ends_at,
                location=location,
                supervisor=supervisor,
                cancel=cancel,
            )
        except (VolunteerError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        ends = shift.ends_at.astimezone(bot.schools.zone())
        click.echo(
            f"shift {shift.id}: {shift.title}, {_local(bot, shift.starts_at)}-{ends:%H:%M}, "
            f"{shift.filled}/{shift.capacity} filled, waitlist {shift.waitlisted}, {shift.status}"
        )
    finally:
        bot.close()


def _moments(
    bot: Bot, shift_id: int, day: str | None, clock: str | None, end: str | None
) -> tuple[datetime | None, datetime | None]:
    """New start and end from a local date, start time and end time; unchanged parts stay."""
    from datetime import date

    from bot.services.volunteer_file import parse_clock

    if not (day or clock or end):
        return None, None
    zone = bot.schools.zone()
    current = bot.volunteers.roster(shift_id).shift
    local_start = current.starts_at.astimezone(zone)
    local_end = current.ends_at.astimezone(zone)
    new_day = date.fromisoformat(day) if day else local_start.date()
    start_clock = parse_clock(clock) if clock else local_start.time()
    end_clock = parse_clock(end) if end else local_end.time()
    if not end and clock:  # keep the length when only the start moves
        length = current.ends_at - current.starts_at
        starts = datetime.combine(new_day, start_clock, tzinfo=zone)
        return starts, starts + length
    return datetime.combine(new_day, start_clock, tzinfo=zone), datetime.combine(
        new_day, end_clock, tzinfo=zone
    )


@volunteers.command("roster")
@click.argument("shift_id", type=int)
@click.option("--csv", "as_csv", is_flag=True, help="CSV on standard output, for a spreadsheet.")
@click.option("--phones", is_flag=True, help="Full phone numbers instead of the last four digits.")
def volunteers_roster(shift_id: int, as_csv: bool, phones: bool) -> None:
    """Who is coming to a shift and who waits: names only if given, phones masked unless --phones."""
    from bot.services.volunteer_types import VolunteerError

    bot = _bot()
    try:
        try:
            roster = bot.volunteers.roster(shift_id, full_phones=phones)
        except VolunteerError as exc:
            raise click.ClickException(str(exc)) from None
        if as_csv:
            from bot.services.volunteer_export import roster_csv

            click.echo(roster_csv(roster, bot.schools.zone()), nl=False)
            return
        shift = roster.shift
        click.echo(
            f"{shift.title} · {_local(bot, shift.starts_at)} · {shift.location or '-'} · "
            f"{shift.filled}/{shift.capacity} filled, waitlist {shift.waitlisted}"
        )
        for entry in roster.entries:
            missing = ", ".join(entry.requirements_missing) or "-"
            click.echo(
                f"  {entry.signup_id:>4}  {entry.name or '(no name)':<20} {entry.phone:<14} "
                f"{entry.status:<10} needs: {missing}"
            )
    finally:
        bot.close()
