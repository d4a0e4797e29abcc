"""The docs: links stay inside the repository, and the setup guide's tested commands run as written."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from tests.fixtures.processes import clean_env, run_outreach

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
GUIDE = PROJECT_ROOT / "docs" / "your-school.md"
TESTED_BLOCK = re.compile(r"```sh\n# tested\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_links_point_at_files_inside_the_repository(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "#", "mailto:")):
            continue
        resolved = (page.parent / target.split("#")[0]).resolve()
        assert resolved.is_relative_to(PROJECT_ROOT), f"{page.name}: {target} is outside the repository"
        assert resolved.exists(), f"{page.name}: {target} does not exist"


def test_the_readme_links_the_setup_guide() -> None:
    assert "](docs/your-school.md)" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _tested_commands() -> list[str]:
    """Each command of the guide's `# tested` blocks, in order."""
    lines = []
    for block in TESTED_BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        lines += [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
    return lines


def test_the_setup_guides_commands_run_as_written(tmp_path: Path) -> None:
    (tmp_path / "schools").mkdir()
    shutil.copy(
        PROJECT_ROOT / "tests" / "fixtures" / "schools" / "lincoln.yaml", tmp_path / "schools" / "yours.yaml"
    )
    shutil.copy(PROJECT_ROOT / "examples" / "roster.csv", tmp_path / "roster.csv")
    shutil.copytree(PROJECT_ROOT / "examples", tmp_path / "examples")
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'school.db'}")
    commands = _tested_commands()
    assert len(commands) >= 7
    for command in commands:
        stdin = ""
        if command.startswith("printf"):
            printed, command = command.split(" | ", 1)
            stdin = shlex.split(printed)[1].encode().decode("unicode_escape")
        args = shlex.split(command)
        assert args[0] == "outreach", command
        result = run_outreach(*args[1:], env=env, stdin=stdin, cwd=tmp_path)
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
        if args[1:3] == ["school", "show"]:
            assert "Lincoln Middle School" in result.stdout
        if args[1] == "chat":
            assert "8:15 AM - 3:45 PM" in result.stdout
        if args[1:3] == ["events", "list"]:
            assert "17:30" in result.stdout and "Open house" in result.stdout
        if args[1:3] == ["volunteers", "list"]:
            assert result.stdout.count("Library helper · Library · Ms. Rivera") == 2
