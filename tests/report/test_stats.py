"""Statistics the figures are made of: a row that stands for many messages counts for its value."""

from __future__ import annotations

import pytest

from bot.report import stats
from tests.fixtures.evidence import row


def test_weighted_share_counts_each_row_for_its_value() -> None:
    rows = [
        row("1B", "queued", None, value=900, detail="home", locale="en"),
        row("1B", "queued", None, value=80, detail="home", locale="es"),
        row("1B", "queued", None, value=20, detail="fallback", locale="en"),
    ]
    home = stats.weighted_share(
        lambda r: r.detail == "home", lambda r: r.indicator == "1B" and r.kind == "queued"
    )(rows)
    plain = stats.share(lambda r: r.detail == "home", lambda r: r.kind == "queued")(rows)
    assert home.value == pytest.approx(0.98)
    assert plain.value == pytest.approx(2 / 3)  # what counting rows would wrongly say


def test_weighted_share_without_rows_has_no_data() -> None:
    assert stats.weighted_share(lambda r: True, lambda r: False)([]) is stats.NO_DATA
