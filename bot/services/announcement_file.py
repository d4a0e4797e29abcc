"""Announcements written as YAML (or filled in a Slack modal) turned into a draft, every error listed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import clock
from bot.services.announcement_preview import AnnouncementDraft
from bot.services.audience import AUDIENCE_KEYS

FIELDS = {
    "title",
    "texts",
    "audience",
    "channel",
    "send_at",
    "send_in_days",
    "time",
    "urgent",
    "override_48985",
    "override_reason",
}


class AnnouncementFileError(Exception):
    """The announcement file has problems; `errors` lists each with its field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_local_time(text: str, zone: ZoneInfo) -> datetime:
    """'2026-11-24 08:30' (school time) or an ISO time with an offset, as an aware datetime."""
    value = datetime.fromisoformat(text.strip().replace("T", " "))
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _relative(data: Mapping[str, Any], zone: ZoneInfo, errors: list[str]) -> datetime | None:
    """`send_in_days: 2` with `time: "07:30"`: that many days after today, in school time."""
    if "send_at" in data:
        errors.append("send_at: give either send_at or send_in_days with time, not both")
    days, at = data.get("send_in_days"), str(data.get("time") or "")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        errors.append("send_in_days: a whole number of days from today, such as 2")
        return None
    try:
        wall = time.fromisoformat(at)
    except ValueError:
        errors.append(f"time: {at!r} is not a time like '07:30'")
        return None
    today = clock.utcnow().astimezone(zone).date()
    return datetime.combine(today + timedelta(days=days), wall, tzinfo=zone)


def has_passed(draft: AnnouncementDraft, grace: timedelta = timedelta(minutes=1)) -> bool:
    """True when the draft names a send time that is already over (`send_at: now` never has)."""
    return draft.send_at is not None and draft.send_at < clock.utcnow() - grace


def parse_announcement(data: Any, zone: ZoneInfo, created_by: str = "cli") -> AnnouncementDraft:
    """A draft from YAML data; raises AnnouncementFileError naming every bad field."""
    if not isinstance(data, Mapping):
        raise AnnouncementFileError(["the file must be a mapping with title, texts, audience, send_at"])
    errors = [f"{key}: unknown field (use {', '.join(sorted(FIELDS))})" for key in data if key not in FIELDS]
    texts = data.get("texts")
    if not isinstance(texts, Mapping) or not texts:
        errors.append("texts: give a text per language, e.g. texts: {en: ..., es: ...}")
        texts = {}
    elif any(not isinstance(v, str) for v in texts.values()):
        errors.append("texts: every text must be a string")
    audience = data.get("audience") or {}
    if not isinstance(audience, Mapping):
        errors.append("audience: a mapping of grades, languages and groups (empty: whole school)")
        audience = {}
    errors += [
        f"audience.{key}: unknown (use {', '.join(AUDIENCE_KEYS)})"
        for key in audience
        if key not in AUDIENCE_KEYS
    ]
    send_at = None
    raw_time = data.get("send_at", "now")
    if "send_in_days" in data:
        send_at = _relative(data, zone, errors)
    elif isinstance(raw_time, datetime):
        send_at = raw_time if raw_time.tzinfo else raw_time.replace(tzinfo=zone)
    elif str(raw_time).strip().lower() != "now":
        try:
            send_at = parse_local_time(str(raw_time), zone)
        except ValueError:
            errors.append(f"send_at: {raw_time!r} is not a time like '2026-11-24 08:30' or 'now'")
    if errors:
        raise AnnouncementFileError(errors)
    return AnnouncementDraft(
        title=str(data.get("title") or ""),
        texts={str(k): str(v) for k, v in texts.items()},
        audience=dict(audience),
        channel=str(data.get("channel") or "sms"),
        send_at=send_at,
        urgent=bool(data.get("urgent", False)),
        override_48985=bool(data.get("override_48985", False)),
        override_reason=str(data.get("override_reason") or ""),
        created_by=created_by,
    )
