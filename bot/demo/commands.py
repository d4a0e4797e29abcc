"""`outreach demo-data`: months of demo activity so the report can be seen on a fresh install."""

from __future__ import annotations

import click


@click.command("demo-data")
@click.option("--months", default=6, show_default=True, type=click.IntRange(1, 24))
@click.option("--seed", default=7, show_default=True, type=int, help="The same seed makes the same activity.")
@click.option(
    "--intensity", default=1.0, show_default=True, type=click.FloatRange(0.05, 10.0), help="Activity per day."
)
@click.option("--force", is_flag=True, help="Add demo activity even though the database has contacts.")
def demo_data_command(months: int, seed: int, intensity: float, force: bool) -> None:
    """Fill the database with realistic parent and staff activity over the past months (nothing is sent)."""
    from bot.app import build_bot
    from bot.cli import _prepare, _settings
    from bot.demo.generate import generate
    from bot.logs import configure_logging
    from bot.outbox.transport import DryRunSlackTransport, DryRunTransport
    from bot.store.evidence_repo import contact_count

    settings = _settings()
    configure_logging("WARNING")
    _prepare(settings)
    bot = build_bot(settings, transport=DryRunTransport(), slack_transport=DryRunSlackTransport())
    try:
        with bot.store.transaction() as tx:
            existing = contact_count(tx)
        if existing and not force:
            raise click.ClickException(
                f"the database already has {existing} contacts; demo data is for a fresh install "
                "(point DATABASE_URL at a new database, or add --force)"
            )
        click.echo(f"making {months} months of demo activity (this takes a minute or two)...", err=True)
        summary = generate(bot, months, seed=seed, intensity=intensity)
    finally:
        bot.close()
    counts = ", ".join(f"{count} {what}" for what, count in sorted(summary.counts.items()))
    click.echo(f"demo activity from {summary.start} to {summary.end}: {counts}")
    click.echo(
        f"see it: outreach report --from {summary.start} --to {summary.end} --format html --out report.html"
    )
