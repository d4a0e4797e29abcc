"""Where the content is found: CONTENT_DIR, else the checkout (the installed copy is test_install's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.content import content_dir, demo_school_file, flows_dir, locales_dir


def test_the_checkout_is_used_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTENT_DIR", raising=False)
    assert content_dir() == PROJECT_ROOT
    assert demo_school_file() == PROJECT_ROOT / "schools" / "demo.yaml"


def test_content_dir_points_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path))
    assert (flows_dir(), locales_dir()) == (tmp_path / "flows", tmp_path / "locales")
    assert demo_school_file() == tmp_path / "schools" / "demo.yaml"
