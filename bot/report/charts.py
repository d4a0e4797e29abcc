"""Inline SVG charts drawn in Python: no script, no network, they scale with the page and print."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from bot.report.formatting import number, shown
from bot.report.model import Cell

WIDTH = 480
BAR = "#2f6f9f"
MUTED = "#9aa5b1"
GRID = "#d9dee3"
TEXT = "#1f2933"


def _scale_top(cells: Sequence[Cell], unit: str) -> float:
    if unit == "share":
        return 1.0
    top = max((c.value for c in cells if c.value is not None), default=0.0)
    return nice_ceiling(top) if top > 0 else 1.0


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value` (axis ends read well)."""
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def month_chart(cells: Sequence[Cell], unit: str, min_group: int, title: str) -> str:
    """Vertical bars, one per month; a small group is a pale stub marked 'fewer than N'."""
    height, left, right, top, bottom = 250, 60, 12, 26, 44
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    scale = _scale_top(cells, unit)
    slot = plot_w / max(len(cells), 1)
    parts = [_open(WIDTH, height, title, "chart chart-months")]
    for fraction in (0.0, 0.5, 1.0):
        y = top + plot_h - plot_h * fraction
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="14" fill="{TEXT}">'
            f"{escape(number(scale * fraction, unit))}</text>"
        )
    for index, cell in enumerate(cells):
        x = left + slot * index + slot * 0.2
        width = slot * 0.6
        center = x + width / 2
        if cell.suppressed:
            stub = plot_h * 0.06
            parts.append(
                f'<rect class="bar-suppressed" x="{x:.1f}" y="{top + plot_h - stub:.1f}" width="{width:.1f}" '
                f'height="{stub:.1f}" fill="{MUTED}" opacity="0.5"><title>{escape(cell.label)}: '
                f"{escape(shown(cell, unit, min_group))}</title></rect>"
            )
            label = "–" if cell.protects else f"&lt;{min_group}"
            label_y = top + plot_h - stub - 4
        elif cell.value is not None:
            bar_h = max(plot_h * min(cell.value / scale, 1.0), 1.0)
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{width:.1f}" '
                f'height="{bar_h:.1f}" fill="{BAR}" rx="2"><title>{escape(cell.label)}: '
                f"{escape(number(cell.value, unit))}</title></rect>"
            )
            label = escape(number(cell.value, unit))
            label_y = top + plot_h - bar_h - 4
        else:
            label, label_y = "–", top + plot_h - 4
        parts.append(
            f'<text x="{center:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}">{label}</text>'
        )
        parts.append(
            f'<text x="{center:.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}">{escape(_tick(cell.label, index, len(cells)))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _tick(label: str, index: int, count: int) -> str:
    # "Mar 2026" fits four to a chart; beyond that only January and the first month keep their year.
    if count <= 4 or index == 0 or label.startswith("Jan"):
        return label
    return label[:3]


def language_chart(cells: Sequence[Cell], unit: str, min_group: int, title: str) -> str:
    """Horizontal bars, one per language, largest group first."""
    row, top, label_w, right = 30, 8, 160, 100
    height = top * 2 + row * max(len(cells), 1)
    plot_w = WIDTH - label_w - right
    scale = _scale_top(cells, unit)
    parts = [_open(WIDTH, height, title, "chart chart-languages")]
    for index, cell in enumerate(cells):
        y = top + row * index
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" font-size="14" '
            f'fill="{TEXT}">{escape(cell.label)}</text>'
        )
        if cell.value is not None and not cell.suppressed:
            bar_w = max(plot_w * min(cell.value / scale, 1.0), 1.0)
            parts.append(
                f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{bar_w:.1f}" height="{row - 8}" '
                f'fill="{BAR}" rx="2"><title>{escape(cell.label)}: {escape(number(cell.value, unit))}'
                "</title></rect>"
            )
            text, text_x = escape(number(cell.value, unit)), label_w + bar_w + 6
        else:
            parts.append(
                f'<rect class="bar-suppressed" x="{label_w}" y="{y + 4}" width="{plot_w * 0.03:.1f}" '
                f'height="{row - 8}" fill="{MUTED}" opacity="0.5"/>'
            )
            text, text_x = escape(shown(cell, unit, min_group)), label_w + plot_w * 0.03 + 6
        parts.append(
            f'<text x="{text_x:.1f}" y="{y + row / 2 + 4:.1f}" font-size="14" fill="{TEXT}">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str, css_class: str) -> str:
    return (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet" '
        f'font-family="system-ui, sans-serif"><title>{escape(title)}</title>'
    )
