"""Editable thresholds for the suggested rubric level (thresholds.yaml ships the defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.report.figures import FIGURES
from bot.report.rubric import LEVELS
from bot.yaml_files import load_yaml

DEFAULT_THRESHOLDS = Path(__file__).with_name("thresholds.yaml")
STEPS = LEVELS[1:]  # the levels above Emerging, each with a threshold


class ThresholdsError(ValueError):
    """The thresholds file is not usable; the message says where."""


@dataclass(frozen=True)
class Criterion:
    """A figure and the value it needs for each level above Emerging."""

    figure: str
    better: str  # higher | lower
    needs: dict[str, float]
    min_items: int = 0  # concerns, events or rows the figure must rest on before it counts

    def level(self, value: float) -> str:
        """The highest level this value reaches."""
        reached = LEVELS[0]
        for step in STEPS:
            ok = value >= self.needs[step] if self.better == "higher" else value <= self.needs[step]
            if not ok:
                break
            reached = step
        return reached


@dataclass(frozen=True)
class Thresholds:
    """Criteria per indicator, and the file they came from."""

    source: Path
    criteria: dict[str, tuple[Criterion, ...]]

    def described(self) -> str:
        """Where the thresholds came from, for the report's reader."""
        if self.source == DEFAULT_THRESHOLDS:
            return "bot/report/thresholds.yaml (the shipped defaults)"
        return str(self.source)

    def for_indicator(self, code: str) -> tuple[Criterion, ...]:
        """The criteria of one indicator (none: no suggestion)."""
        return self.criteria.get(code, ())


def load_thresholds(path: Path | None = None) -> Thresholds:
    """Read and check a thresholds file (the shipped defaults when no path is given)."""
    source = path or DEFAULT_THRESHOLDS
    try:
        data = load_yaml(source.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ThresholdsError(f"{source}: cannot read thresholds: {exc}") from None
    indicators = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(indicators, dict):
        raise ThresholdsError(f"{source}: expected a mapping 'indicators:'")
    criteria = {
        str(code): tuple(_criterion(source, str(code), number, entry) for number, entry in enumerate(entries))
        for code, entries in indicators.items()
    }
    return Thresholds(source, criteria)


def _criterion(source: Path, code: str, number: int, entry: Any) -> Criterion:
    where = f"{source}: indicators.{code}.{number}"
    if not isinstance(entry, dict):
        raise ThresholdsError(f"{where}: expected figure, better and a value per level")
    figure = str(entry.get("figure") or "")
    known = {spec.key for spec in FIGURES.get(code, ())}
    if figure not in known:
        raise ThresholdsError(
            f"{where}.figure: {figure!r} is not a figure of {code} ({', '.join(sorted(known))})"
        )
    better = str(entry.get("better") or "higher")
    if better not in ("higher", "lower"):
        raise ThresholdsError(f"{where}.better: use higher or lower")
    needs: dict[str, float] = {}
    for step in STEPS:
        try:
            needs[step] = float(entry[step])
        except (KeyError, TypeError, ValueError):
            raise ThresholdsError(f"{where}.{step}: a number is needed") from None
    ordered = [needs[step] for step in STEPS]
    if ordered != sorted(ordered, reverse=better == "lower"):
        raise ThresholdsError(
            f"{where}: the levels must get {'lower' if better == 'lower' else 'higher'} in order"
        )
    try:
        min_items = int(entry.get("min_items") or 0)
    except (TypeError, ValueError):
        raise ThresholdsError(f"{where}.min_items: a whole number is needed") from None
    return Criterion(figure, better, needs, min_items)
