"""`outreach report`: the rubric evidence report as HTML, CSV or Markdown."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@click.command("report")
@click.option(
    "--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: 6 months back)."
)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included (default: today).")
@click.option("--school", help="A school's id or slug (default: every school in the database).")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "md"]), default="html", show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option(
    "--thresholds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A thresholds YAML file (default: REPORT_THRESHOLDS_FILE, else the shipped one).",
)
def report_command(
    start: datetime | None,
    end: datetime | None,
    school: str | None,
    fmt: str,
    out: Path | None,
    thresholds: Path | None,
) -> None:
    """Figures per rubric indicator with a suggested level, from the evidence the bot logged."""
    from bot.cli import _settings
    from bot.clock import utcnow
    from bot.report.service import (
        UnknownSchool,
        default_period,
        make_report,
        options_from,
        render,
        report_zone,
    )
    from bot.report.thresholds import ThresholdsError
    from bot.store import Store
    from bot.store.db import build_engine
    from bot.store.migrate import upgrade

    settings = _settings()
    options = options_from(settings, thresholds)
    upgrade(settings.database_url)
    store = Store(build_engine(settings.database_url, pool_size=1))
    try:
        today = utcnow().astimezone(report_zone(store, options, school)).date()
        first, last = default_period(_day(end) or today)
        report = make_report(store, options, _day(start) or first, _day(end) or last, school)
    except (UnknownSchool, ThresholdsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.dispose()
    text = render(report, fmt)
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    with_data = sum(1 for indicator in report.indicators if indicator.has_data)
    click.echo(
        f"wrote {out} ({fmt}, {report.school}, {report.period}): "
        f"{with_data} of {len(report.indicators)} indicators have data",
        err=True,
    )
