"""`outreach school`: choose the school the bot answers as, and see which one it is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_errors import exit_with_file_errors
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.store import Store

CACHE_NOTE = "Running servers answer as it within 30 seconds; no restart needed."


def check_school_file(file: Path) -> None:
    """Validate a school file, listing every error with its path and exiting 1 when there is one.

    A FAQ entry without example questions in a shipped language is flagged on stderr (not an error:
    the bot still answers it from its title and keywords, less often).
    """
    from bot.content import locales_dir
    from bot.i18n.catalogs import Catalogs
    from bot.services.school_data import SchoolFileError, faq_example_gaps, load_school_file

    try:
        data = load_school_file(file)
    except SchoolFileError as exc:
        exit_with_file_errors(file, exc.errors)
    for gap in faq_example_gaps(data, Catalogs(locales_dir()).available()):
        click.echo(f"{file}: {gap} (parents asking in that language are understood less often)", err=True)


def _store(settings: Settings) -> Store:
    from bot.store import Store
    from bot.store.db import build_engine
    from bot.store.migrate import upgrade

    upgrade(settings.database_url)
    return Store(build_engine(settings.database_url, pool_size=1))


@click.group()
def school() -> None:
    """The school the bot answers as: `use` one, `list` them, `show` the active one."""


@school.command("use")
@click.argument("file", type=click.Path(path_type=Path))
def school_use(file: Path) -> None:
    """Validate a school file, load it and make it the active school."""
    from bot.cli import _settings
    from bot.services.schools import load_school

    check_school_file(file)
    store = _store(_settings())
    try:
        chosen = load_school(store, file, activate=True)
    finally:
        store.dispose()
    click.echo(
        f"{chosen.data.name} ({chosen.data.slug}) is now the active school, "
        f"time zone {chosen.data.timezone}.\n{CACHE_NOTE}"
    )


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
