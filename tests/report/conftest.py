"""Headless Chromium for the report tests: installed when absent and possible, else a visible skip."""

from __future__ import annotations

import pytest

from tests.fixtures.chromium import find_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable (apt-get installs Debian's package when running as root)."""
    path, why = find_chromium()
    if path is None:
        pytest.skip(why)
    return path
