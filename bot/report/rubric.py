"""The rubric's own words: each indicator's title and level descriptions (rubric.yaml, from the seed)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.yaml_files import load_yaml

RUBRIC_FILE = Path(__file__).with_name("rubric.yaml")
LEVELS = ("emerging", "approaching", "competent", "highly_competent")
LEVEL_NAMES = {
    "emerging": "Emerging",
    "approaching": "Approaching Competence",
    "competent": "Competent",
    "highly_competent": "Highly Competent",
}


@dataclass(frozen=True)
class RubricIndicator:
    """One indicator as the rubric states it."""

    code: str
    title: str
    goal: str
    levels: dict[str, str]
    note: str | None = None
    also: tuple[
        tuple[str, dict[str, str]], ...
    ] = ()  # further rows of the same indicator (4E: fair & consistent)


@cache
def rubric(path: Path = RUBRIC_FILE) -> dict[str, RubricIndicator]:
    """Every indicator of the rubric by code (1A...5C)."""
    data = load_yaml(path.read_text(encoding="utf-8"))
    goals = {str(number): str(text) for number, text in data["goals"].items()}
    return {
        str(code): RubricIndicator(
            code=str(code),
            title=str(entry["title"]),
            goal=goals.get(str(code)[0], ""),
            levels={level: str(entry["levels"][level]) for level in LEVELS},
            note=entry.get("note"),
            also=tuple(
                (str(row), {level: str(text[level]) for level in LEVELS})
                for row, text in (entry.get("also") or {}).items()
            ),
        )
        for code, entry in data["indicators"].items()
    }
