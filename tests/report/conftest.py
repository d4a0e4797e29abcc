"""Headless Chromium for the report tests: a visible skip when absent, a failure when CI requires it."""

from __future__ import annotations

import os

import pytest

from tests.fixtures.chromium import find_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable (`.ci/run` installs Debian's package and sets OUTREACH_REQUIRE_CHROMIUM=1)."""
    path, why = find_chromium()
    if path is None:
        if os.environ.get("OUTREACH_REQUIRE_CHROMIUM") == "1":
            pytest.fail(why + " (OUTREACH_REQUIRE_CHROMIUM=1)")
        pytest.skip(why)
    return path
