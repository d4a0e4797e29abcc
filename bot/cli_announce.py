"""`outreach announce` and `outreach contacts`: coordinators' commands for bulk messages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import yaml

from bot.yaml_files import load_yaml

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from bot.app import Bot
    from bot.services.announcement_preview import AnnouncementDraft, Preview


def _bot() -> Bot:
    from bot.cli import command_bot

    return command_bot()


def _when(bot: Bot, moment: object) -> str:
    from datetime import datetime

    from bot.i18n.formatting import local_datetime

    assert isinstance(moment, datetime)
    return local_datetime(moment, "en", bot.schools.zone())


@click.group()
def announce() -> None:
    """Announcements: one message to many families, each in their language."""


@announce.command("create")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Schedule without asking after the preview.")
@click.option("--override-48985", "override", help="Schedule although a 15% language has no text; give why.")
@click.option("--send-now", is_flag=True, help="Its send_at has passed: send it now anyway.")
def announce_create(file: Path, yes: bool, override: str | None, send_now: bool) -> None:
    """Preview an announcement from a YAML file, then schedule it (send_at: now queues it at once).

    A send_at that has passed is refused unless --send-now says to send it now.
    """
    from dataclasses import replace

    from bot.services.announcement_file import AnnouncementFileError, has_passed, parse_announcement

    bot = _bot()
    try:
        try:
            draft = parse_announcement(load_yaml(file.read_text(encoding="utf-8")), bot.schools.zone())
        except (AnnouncementFileError, yaml.YAMLError) as exc:
            errors = getattr(exc, "errors", [str(exc)])
            raise click.ClickException(f"{file}:\n  " + "\n  ".join(errors)) from None
        if override:
            draft = replace(draft, override_48985=True, override_reason=override)
        if has_passed(draft):
            if not send_now:
                assert draft.send_at is not None
                passed = draft.send_at.astimezone(bot.schools.zone()).strftime("%a %Y-%m-%d %H:%M")
                raise click.ClickException(
                    f"not scheduled: send_at {passed} has passed. Change send_at "
                    "(or use send_in_days), or add --send-now to send it to every family now"
                )
            draft = replace(draft, send_at=None)
        created = create_after_preview(bot, draft, yes=yes, verb=("Schedule", "scheduled"), when=_when)
        if created is None:
            return
        announcement_id, preview = created
        click.echo(f"announcement {announcement_id} scheduled for {_when(bot, preview.send_at)}")
        if draft.send_at is None and not preview.deferred:
            _queue_with_progress(bot, announcement_id)
    finally:
        bot.close()


def create_after_preview(
    bot: Bot,
    draft: AnnouncementDraft,
    *,
    yes: bool,
    verb: tuple[str, str],
    when: Callable[[Bot, datetime], str],
) -> tuple[int, Preview] | None:
    """Show the preview, refuse what may not go, ask (unless `yes`), then create; None when declined."""
    from bot.services.announcement_preview import AnnouncementError, preview_text

    ask, done = verb
    preview = bot.announcements.preview(draft)
    click.echo(preview_text(preview, when(bot, preview.send_at)))
    reasons = preview.refusal(draft.override_48985)
    if reasons:
        raise click.ClickException(f"not {done}: " + "; ".join(reasons))
    if not yes and not click.confirm(f"{ask} it?", default=False):
        click.echo(f"not {done}")
        return None
    try:
        return bot.announcements.create(draft)
    except AnnouncementError as exc:
        raise click.ClickException(str(exc)) from None


def _queue_with_progress(bot: Bot, announcement_id: int) -> None:
    with click.progressbar(length=1, label="queuing", show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        outcome = bot.announcements.queue(announcement_id, progress=progress)
    click.echo(f"announcement {announcement_id}: {outcome}; the dispatcher sends at the sender's rate")


@announce.command("preview")
@click.argument("target")
def announce_preview(target: str) -> None:
    """Show recipients per language, missing translations, segments and cost (an ID or a YAML file)."""
    from bot.services.announcement_file import AnnouncementFileError, parse_announcement
    from bot.services.announcement_preview import AnnouncementError, preview_text

    bot = _bot()
    try:
        try:
            if target.isdigit():
                draft = bot.announcements.draft_of(int(target))
            else:
                draft = parse_announcement(
                    load_yaml(Path(target).read_text(encoding="utf-8")), bot.schools.zone()
                )
        except (AnnouncementError, AnnouncementFileError, OSError, yaml.YAMLError) as exc:
            raise click.ClickException(str(exc)) from None
        preview = bot.announcements.preview(draft)
        click.echo(preview_text(preview, _when(bot, preview.send_at)))
        for reason in preview.refusal(draft.override_48985):
            click.echo(f"Refused: {reason}")
    finally:
        bot.close()


@announce.command("cancel")
@click.argument("announcement_id", type=int)
def announce_cancel(announcement_id: int) -> None:
    """Cancel an announcement; what has not been handed to the dispatcher is never sent."""
    from bot.services.announcement_preview import AnnouncementError

    bot = _bot()
    try:
        withdrawn = bot.announcements.cancel(announcement_id)
    except AnnouncementError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        bot.close()
    click.echo(f"announcement {announcement_id} cancelled; {withdrawn} messages withdrawn")


@announce.command("list")
@click.option("--limit", default=10, show_default=True)
def announce_list(limit: int) -> None:
    """Scheduled and recent announcements with delivery counts."""
    bot = _bot()
    try:
        for item in bot.announcements.recent(limit):
            counts = ", ".join(f"{k} {v}" for k, v in sorted(item.counts.items())) or "nothing queued yet"
            urgent = " URGENT" if item.urgent else ""
            click.echo(
                f"{item.id:>4} {item.status:<9}{urgent} {_when(bot, item.send_at)}  {item.title}  [{counts}]"
            )
    finally:
        bot.close()


@click.group()
def contacts() -> None:
    """Families the school knows (a roster import gives announcements their audience)."""


@contacts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the families the file gives, and save nothing.")
def contacts_import(file: Path, dry_run: bool) -> None:
    """Import a roster CSV as your student-information system exports it (see docs/your-school.md).

    Columns: phone (any number of them, e.g. two guardians), language, grade(s), groups, name; headers
    in any case, with common aliases. A phone on several rows is one family with all its children.
    """
    from bot.services.phones import mask_phone
    from bot.services.roster import RosterError, import_roster

    bot = _bot()
    try:
        result = import_roster(
            bot.store,
            file.read_text(encoding="utf-8-sig"),
            bot.settings.default_region,
            tuple(bot.catalogs.available()),
            dry_run=dry_run,
        )
        with bot.store.transaction() as tx:
            default_locale = bot.schools.current(tx).data.default_locale
    except RosterError as exc:
        raise click.ClickException(
            f"{file}: {len(exc.errors)} line(s) to fix, nothing imported:\n  " + "\n  ".join(exc.errors)
        ) from None
    finally:
        bot.close()
    plan = result.plan
    if dry_run:
        click.echo("dry run, nothing saved:")
        for entry in plan.entries:
            grades = ";".join(entry.grades) or "-"
            groups = ";".join(entry.groups) or "-"
            click.echo(
                f"  {mask_phone(entry.phone)}  {entry.locale or '-':<7} grades {grades:<8} groups {groups}"
            )
    verb = ("to add", "to update") if dry_run else ("added", "updated")
    click.echo(
        f"{len(plan.entries)} families from {plan.rows} rows: "
        f"{result.added} {verb[0]}, {result.updated} {verb[1]}"
    )
    for note in plan.notes(default_locale):
        click.echo(note)
