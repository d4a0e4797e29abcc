"""`outreach school translate|review|export-texts|import-texts`: a school's texts in every language.

These commands edit a school, events or volunteer file in place. They keep its opening comment;
other comments and the layout are rewritten (keep the file in version control to see the change).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bot.cli_errors import exit_with_file_errors


def read_texts_file(file: Path) -> Any:
    """A school, events or volunteer file parsed as plain YAML (exit 1 when it cannot be read)."""
    from bot.yaml_files import load_yaml

    try:
        data = load_yaml(file.read_text(encoding="utf-8"))
    except OSError as exc:
        exit_with_file_errors(file, [f"cannot read: {exc.strerror}"])
    except Exception as exc:  # yaml.YAMLError, without importing yaml here for one except
        exit_with_file_errors(file, [f"not valid YAML: {exc}"])
    if not isinstance(data, dict):
        exit_with_file_errors(file, ["the file must be a mapping of fields"])
    return data


def write_texts_file(file: Path, data: Any) -> None:
    """Write the data back, under the file's opening comment block."""
    import yaml

    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    file.write_text("".join(header) + body, encoding="utf-8")


def _locales(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


source_option = click.option(
    "--from",
    "source",
    default=None,
    help="The language the texts are written in (default: the school file's default_locale, else en).",
)


@click.command("translate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "targets", default="", help="Languages to draft, e.g. ko,vi (default: the school's).")
@source_option
def school_translate(file: Path, targets: str, source: str | None) -> None:
    """Draft every missing text by machine translation, marked for review, and write the file back."""
    from bot.channels.translators import build_translator
    from bot.cli import _settings
    from bot.services.school_review import default_locale_of, fill_drafts, fill_example_drafts

    data = read_texts_file(file)
    source_locale = source or default_locale_of(data)
    wanted = _locales(targets) or [code for code in (data.get("languages") or {}) if code != source_locale]
    if not wanted:
        raise click.ClickException("name the languages to draft: --to ko,vi,...")
    translator = build_translator(_settings())
    if translator.name == "none":
        raise click.ClickException("machine translation is off: set TRANSLATION_PROVIDER")
    try:
        made = fill_drafts(data, wanted, translator, source_locale)
        examples = fill_example_drafts(data, wanted, translator, source_locale)
    finally:
        closer = getattr(translator, "close", None)
        if closer is not None:
            closer()
    if made or examples:
        write_texts_file(file, data)
    click.echo(f"{len(made)} machine-translated draft(s) written to {file} ({translator.name}).")
    if examples:
        click.echo(
            f"{len(examples)} FAQ example list(s) drafted: the bot learns from them now, review them too."
        )
    click.echo("Parents see none until reviewed: `outreach school review FILE` or export-texts.")


@click.command("review")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@source_option
def school_review(file: Path, source: str | None) -> None:
    """Go through each machine draft: keep it as reviewed, rewrite it, or skip it for now."""
    from bot.services.school_review import confirm, default_locale_of, pending

    data = read_texts_file(file)
    drafts = pending(data, source or default_locale_of(data))
    if not drafts:
        click.echo("no machine-translated drafts to review")
        return
    reviewed = 0
    for number, item in enumerate(drafts, 1):
        click.echo(f"\n[{number}/{len(drafts)}] {item.slot.path} ({item.locale}, drafted by {item.provider})")
        click.echo(f"  source: {item.source}")
        click.echo(f"  draft:  {item.text}")
        choice = click.prompt("  1 keep as reviewed, 2 rewrite, 3 skip, 4 stop", type=click.Choice("1234"))
        if choice == "4":
            break
        if choice == "1":
            confirm(item)
        elif choice == "2":
            confirm(item, click.prompt("  your questions, separated by |" if item.many else "  your text"))
        reviewed += choice in "12"
    if reviewed:
        write_texts_file(file, data)
    click.echo(f"{reviewed} text(s) reviewed, {len(drafts) - reviewed} draft(s) left")


@click.command("export-texts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "targets", default="", help="Languages to list, e.g. ko,vi (default: the school's).")
@source_option
def school_export_texts(file: Path, out: Path, targets: str, source: str | None) -> None:
    """A CSV for a translator: path, locale, status (human, machine, missing), source and text."""
    from bot.services.school_review import default_locale_of, export_csv

    data = read_texts_file(file)
    wanted = _locales(targets) or list(data.get("languages") or {})
    out.write_text(export_csv(data, source or default_locale_of(data), wanted), encoding="utf-8")
    click.echo(f"wrote {out}: fill or correct `text`, set `status` to reviewed, and import it back")


@click.command("import-texts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def school_import_texts(file: Path, csv_file: Path) -> None:
    """Apply a translator's CSV: each row with text whose status is not `machine` becomes a reviewed text."""
    from bot.services.school_review import ReviewImportError, import_csv

    data = read_texts_file(file)
    try:
        changed = import_csv(data, csv_file.read_text(encoding="utf-8-sig"))
    except ReviewImportError as exc:
        exit_with_file_errors(csv_file, exc.errors)
    if changed:
        write_texts_file(file, data)
    click.echo(f"{len(changed)} text(s) written to {file} as reviewed")


TEXT_COMMANDS = (school_translate, school_review, school_export_texts, school_import_texts)
