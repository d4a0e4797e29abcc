"""How the CLI reports a data file it refused: every problem with its path, then exit 1."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click


def exit_with_file_errors(file: Path, errors: Sequence[str], hint: str = "") -> NoReturn:
    """Print each problem of `file` on stderr (then what to do, if given) and stop with status 1."""
    click.echo(f"{file}: {len(errors)} error(s)", err=True)
    for error in errors:
        click.echo(f"  {error}", err=True)
    if hint:
        click.echo(hint, err=True)
    sys.exit(1)
