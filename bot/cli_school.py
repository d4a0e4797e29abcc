"""`outreach school`: choose the school the bot answers as, and see which one it is."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_errors import exit_with_file_errors
from bot.cli_school_texts import TEXT_COMMANDS
from bot.cli_teaching import school_export
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.store import Store

CACHE_NOTE = "Running servers answer as it within 30 seconds; no restart needed."
OVERRIDE_HELP = "Load although a language of 15%+ of families lacks a text (Education Code 48985); say why."

REFUSAL_HINT = (
    "Add the missing texts (`outreach school translate FILE --to LANGS` drafts them for review), "
    "or load anyway on purpose with --override-48985 WHY."
)

override_48985 = click.option("--override-48985", "override", metavar="WHY", help=OVERRIDE_HELP)


def own_file(school_file: Path, kind: str) -> Path:
    """A school's own `events` or `volunteers` file, beside its school file (`yours.events.yaml`)."""
    return school_file.with_suffix(f".{kind}.yaml")


def load_own_activities(
    bot: Bot, school_file: Path, volunteers_file: Path | None = None
) -> tuple[list[str], dict[Path, list[str]]]:
    """Load the active school's own events and volunteer opportunities: what loaded, and each refused file.

    They are the files beside its school file (or `volunteers_file` when given); a school without
    them has none, and never another school's.
    """
    from bot.services.event_file import EventFileError
    from bot.services.volunteer_file import VolunteerFileError

    done: list[str] = []
    refused: dict[Path, list[str]] = {}
    events_file = own_file(school_file, "events")
    if events_file.is_file():
        try:
            saved = bot.events.load_file(events_file, actor="setup")
            done.append(f"loaded {len(saved)} events from {events_file}")
        except EventFileError as exc:
            refused[events_file] = exc.errors
    volunteers = volunteers_file or own_file(school_file, "volunteers")
    if volunteers.is_file():
        try:
            report = bot.volunteers.load(volunteers)
            count = report.opportunities_created + report.opportunities_updated
            done.append(f"loaded {count} volunteer opportunities from {volunteers}")
        except VolunteerFileError as exc:
            refused[volunteers] = exc.errors
    elif volunteers_file is not None:
        refused[volunteers_file] = ["cannot read: no such file (VOLUNTEERS_FILE)"]
    return done, refused


def check_school_file(file: Path, override: str | None = None, threshold: float | None = None) -> list[str]:
    """Validate a school file; exit 1 listing every error with its path, else return its language report.

    A text that a language of `threshold` or more of the families lacks is an error unless overridden.
    A FAQ entry without example questions in a shipped language is flagged on stderr (not an error:
    the bot still answers it from its title and keywords, less often).
    """
    from bot.content import locales_dir
    from bot.i18n.catalogs import Catalogs
    from bot.services.school_data import SchoolFileError, faq_example_gaps, load_school_file
    from bot.services.school_texts import HOME_LANGUAGE_THRESHOLD, coverage, refusals, report_lines
    from bot.yaml_files import load_yaml

    try:
        data = load_school_file(file)
    except SchoolFileError as exc:
        exit_with_file_errors(file, exc.errors)
    raw = load_yaml(file.read_text(encoding="utf-8"))
    found = coverage(raw, data.languages, data.default_locale, show_drafts=data.show_machine_translations)
    errors = refusals(found, data.languages, HOME_LANGUAGE_THRESHOLD if threshold is None else threshold)
    if errors and not override:
        exit_with_file_errors(file, errors, REFUSAL_HINT)
    if errors:
        click.echo(f"loading without {len(errors)} required text(s), on purpose: {override}", err=True)
    for gap in faq_example_gaps(data, Catalogs(locales_dir()).available()):
        click.echo(f"{file}: {gap} (parents asking in that language are understood less often)", err=True)
    return report_lines(found, data.languages, data.default_locale)


def _store(settings: Settings) -> Store:
    from bot.store import Store
    from bot.store.db import build_engine
    from bot.store.migrate import upgrade

    upgrade(settings.database_url)
    return Store(build_engine(settings.database_url, pool_size=1))


@click.group()
def school() -> None:
    """The school the bot answers as (`use`, `list`, `show`) and its texts in every language."""


@school.command("use")
@click.argument("file", type=click.Path(path_type=Path))
@override_48985
def school_use(file: Path, override: str | None) -> None:
    """Validate a school file, load it and make it the active school, with its own events and volunteers.

    Its events and volunteer opportunities are the files beside it: FILE's name with .events.yaml
    and .volunteers.yaml (schools/yours.events.yaml for schools/yours.yaml), when they exist.
    """
    from bot.cli import _settings
    from bot.services.schools import load_school

    settings = _settings()
    report = check_school_file(file, override, settings.home_language_threshold)
    store = _store(settings)
    try:
        chosen = load_school(store, file, activate=True, override_48985=override)
    finally:
        store.dispose()
    click.echo(
        f"{chosen.data.name} ({chosen.data.slug}) is now the active school, time zone {chosen.data.timezone}."
    )
    for line in report:
        click.echo(line)
    if not any(own_file(file, kind).is_file() for kind in ("events", "volunteers")):
        click.echo(CACHE_NOTE)
        return
    from bot.app import build_bot

    bot = build_bot(settings)
    try:
        done, refused = load_own_activities(bot, file)
    finally:
        bot.close()
    for line in done:
        click.echo(line)
    click.echo(CACHE_NOTE)
    for refused_file, errors in refused.items():
        click.echo(f"{refused_file}: not loaded, {len(errors)} error(s)", err=True)
        for error in errors:
            click.echo(f"  {error}", err=True)
    if refused:
        sys.exit(1)


@school.command("list")
def school_list() -> None:
    """Every loaded school; the active one is marked with *."""
    from bot.cli import _settings

    store = _store(_settings())
    try:
        with store.transaction() as tx:
            found = tx.schools()
    finally:
        store.dispose()
    if not found:
        click.echo("no school loaded yet: run `outreach school use FILE`")
        return
    for item in found:
        mark = "*" if item.active else " "
        loaded = f"{item.loaded_at:%Y-%m-%d}" if item.loaded_at else "-"
        click.echo(f"{mark} {item.slug:<24} {item.name} ({item.data.get('timezone', '?')}, loaded {loaded})")


@school.command("show")
def school_show() -> None:
    """The active school: who it is, its time zone, numbers and hours, as the bot uses them."""
    from bot.cli import _settings
    from bot.services.school_data import parse_school

    store = _store(_settings())
    try:
        with store.transaction() as tx:
            active = tx.school()
    finally:
        store.dispose()
    if active is None:
        raise click.ClickException("no school loaded yet: run `outreach school use FILE`")
    data = parse_school(active.data, Path(f"<store:{active.slug}>"))
    hours = ", ".join(f"{h.days} {h.open:%H:%M}-{h.close:%H:%M}" for h in data.office_hours)
    languages = ", ".join(f"{code} {share:.0%}" for code, share in data.languages.items()) or "-"
    click.echo(
        f"active school: {data.name} ({data.slug})\n"
        f"  time zone:     {data.timezone}\n"
        f"  phone:         {data.phone}\n"
        f"  address:       {data.address}\n"
        f"  office hours:  {hours}\n"
        f"  languages:     {data.default_locale} (default); {languages}\n"
        f"  texts go out as: {data.program}"
    )


for _command in TEXT_COMMANDS:
    school.add_command(_command)
school.add_command(school_export)
