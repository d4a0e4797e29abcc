"""`outreach school export`: the active school's file with what staff taught the bot from Slack."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

HEADER = (
    "# {name}: the school file as loaded, with what staff taught the bot from Slack (new FAQ entries\n"
    "# and parents' questions as examples of answers, `taught_examples`). Texts marked\n"
    "# {{machine: provider, text: ...}} are machine-translation drafts nobody reviewed yet.\n"
)


@click.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
def school_export(file: Path | None) -> None:
    """Write the active school's file with its taught knowledge to FILE (or print it)."""
    from bot.cli import _settings
    from bot.cli_school import _store
    from bot.services.school_knowledge import exported

    store = _store(_settings())
    try:
        with store.transaction() as tx:
            school = tx.school()
            if school is None:
                raise click.ClickException("no school loaded yet: run `outreach school use FILE`")
            data = exported(school.data, tx.taught_examples(school.id), tx.school_answers(school.id))
    finally:
        store.dispose()
    text = HEADER.format(name=school.name) + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=110
    )
    if file is None:
        click.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    click.echo(
        f"wrote {file}: {len(data.get('faq') or [])} FAQ entries, taught examples for "
        f"{len(data.get('taught_examples') or {})} answers"
    )
