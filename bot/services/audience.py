"""Who an announcement or an event is for: whole school, grades, languages, groups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

AUDIENCE_KEYS = ("grades", "languages", "groups")


def normalize_audience(raw: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """An audience with only known keys and lists of strings; empty means the whole school."""
    audience: dict[str, list[str]] = {}
    for key in AUDIENCE_KEYS:
        values = (raw or {}).get(key) or []
        if isinstance(values, str):
            values = [values]
        cleaned = sorted({str(v).strip() for v in values if str(v).strip()})
        if cleaned:
            audience[key] = cleaned
    return audience


def matches(
    audience: Mapping[str, Any], locale: str | None, grades: Iterable[str], groups: Iterable[str]
) -> bool:
    """True when a contact with these tags belongs to the audience (each given key must match)."""
    wanted_grades = audience.get("grades") or []
    if wanted_grades and not set(wanted_grades) & set(grades):
        return False
    wanted_groups = audience.get("groups") or []
    if wanted_groups and not set(wanted_groups) & set(groups):
        return False
    wanted_languages = audience.get("languages") or []
    return not wanted_languages or (locale or "") in wanted_languages


def describe(audience: Mapping[str, Any]) -> str:
    """A short English label for staff, such as 'grades 3, 4 · groups ELAC'."""
    parts = [f"{key} {', '.join(audience[key])}" for key in AUDIENCE_KEYS if audience.get(key)]
    return " · ".join(parts) or "whole school"
