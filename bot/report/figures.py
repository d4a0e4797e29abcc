"""Every figure the report shows, per rubric indicator: its definition and how it is computed.

A feature that writes a new evidence kind adds its figures to figures_families.py (goals 1-2) or
figures_school.py (goals 3-5), and a criterion in thresholds.yaml when the figure should drive the
suggested level. docs/evidence.md lists them all.
"""

from __future__ import annotations

from bot.report.figure_spec import FigureSpec
from bot.report.figures_families import FAMILY_FIGURES
from bot.report.figures_school import SCHOOL_FIGURES

__all__ = ["FIGURES", "REPORTED_INDICATORS", "FigureSpec"]

# In rubric order: the report lists indicators as this dict does.
FIGURES: dict[str, tuple[FigureSpec, ...]] = {**FAMILY_FIGURES, **SCHOOL_FIGURES}

REPORTED_INDICATORS = tuple(FIGURES)
