"""Where the bot's content lives: flows, catalogs and the demo school (CONTENT_DIR, checkout, package)."""

from __future__ import annotations

import os
from pathlib import Path

from bot import PROJECT_ROOT

PACKAGED = Path(__file__).resolve().parent / "_content"


def content_dir() -> Path:
    """`CONTENT_DIR` when set, else the source checkout, else the copy installed with the package."""
    configured = os.environ.get("CONTENT_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    if (PROJECT_ROOT / "flows").is_dir() and (PROJECT_ROOT / "locales").is_dir():
        return PROJECT_ROOT
    return PACKAGED


def flows_dir() -> Path:
    """The conversation flows."""
    return content_dir() / "flows"


def locales_dir() -> Path:
    """The gettext catalogs, glossaries and keywords."""
    return content_dir() / "locales"


def demo_school_file() -> Path:
    """The demo school (Rosewood Elementary), loaded only into an empty database with no SCHOOL_FILE."""
    return content_dir() / "schools" / "demo.yaml"


def demo_volunteers_file() -> Path:
    """The demo school's volunteer opportunities, loaded only with the demo school."""
    return content_dir() / "schools" / "demo.volunteers.yaml"
