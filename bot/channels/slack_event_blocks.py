"""Block Kit for events: the "new event" modal, reading its submission, and the staff summaries.

Pure functions: times are entered in the school's zone and come out in UTC; every text is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.slack_blocks import MESSAGE_BLOCKS, clip, escape, fit, language_name, line_sections
from bot.clock import utcnow
from bot.services.audience import describe, normalize_audience
from bot.services.event_file import parse_clock, school_moment
from bot.services.event_types import KINDS, EventSpec, EventView

Block = dict[str, Any]

EVENT_VIEW = "event_new"
TITLE_BLOCK, DESCRIPTION_BLOCK = "event_title", "event_description"
TITLE_2_BLOCK, DESCRIPTION_2_BLOCK = "event_title_2", "event_description_2"
KIND_BLOCK, DATE_BLOCK, START_BLOCK, END_BLOCK = "event_kind", "event_date", "event_start", "event_end"
LOCATION_BLOCK, RSVP_BLOCK, REMINDERS_BLOCK = "event_location", "event_rsvp", "event_reminders"
GRADES_BLOCK, GROUPS_BLOCK, LANGUAGES_BLOCK = "event_grades", "event_groups", "event_languages"
VALUE = "value"  # the action id of the one element in each input block
KIND_LABELS = {
    "workshop": "Parent workshop",
    "class": "Parent class",
    "meeting": "Meeting",
    "family": "Family event",
    "elac": "ELAC meeting",
    "ssc": "School Site Council meeting",
}
REMINDER_CHOICES = {"7d": 10080, "3d": 4320, "1d": 1440, "2h": 120, "1h": 60}
DEFAULT_REMINDERS = ("7d", "1d", "2h")
TITLE_MAX, DESCRIPTION_MAX, LOCATION_MAX = 120, 500, 200
LIST_EVENTS = 100  # events per page of `/outreach events`


def new_event_modal(
    *, default_locale: str, second_locale: str | None, languages: Sequence[str], channel: str, today: date
) -> Block:
    """The modal a coordinator fills in; times are the school's local time."""
    default_name = language_name(default_locale)
    blocks: list[Block] = [
        _text_input(TITLE_BLOCK, f"Title ({default_name})", max_length=TITLE_MAX),
        _text_input(
            DESCRIPTION_BLOCK,
            f"Description ({default_name})",
            optional=True,
            multiline=True,
            max_length=DESCRIPTION_MAX,
        ),
    ]
    if second_locale:
        second_name = language_name(second_locale)
        blocks += [
            _text_input(TITLE_2_BLOCK, f"Title ({second_name})", optional=True, max_length=TITLE_MAX),
            _text_input(
                DESCRIPTION_2_BLOCK,
                f"Description ({second_name})",
                optional=True,
                multiline=True,
                max_length=DESCRIPTION_MAX,
            ),
        ]
    blocks += [
        _input(
            KIND_BLOCK,
            "Kind",
            {
                "type": "static_select",
                "action_id": VALUE,
                "options": [_option(KIND_LABELS[k], k) for k in KINDS],
                "initial_option": _option(KIND_LABELS["meeting"], "meeting"),
            },
        ),
        _input(
            DATE_BLOCK, "Date", {"type": "datepicker", "action_id": VALUE, "initial_date": today.isoformat()}
        ),
        _input(
            START_BLOCK,
            "Starts (school time)",
            {"type": "timepicker", "action_id": VALUE, "initial_time": "18:00"},
        ),
        _input(END_BLOCK, "Ends (school time)", {"type": "timepicker", "action_id": VALUE}, optional=True),
        _text_input(LOCATION_BLOCK, f"Location ({default_name})", optional=True, max_length=LOCATION_MAX),
        _input(
            RSVP_BLOCK,
            "Ask parents to RSVP?",
            {
                "type": "radio_buttons",
                "action_id": VALUE,
                "options": [_option("Yes", "yes"), _option("No", "no")],
                "initial_option": _option("Yes", "yes"),
            },
        ),
        _input(
            REMINDERS_BLOCK,
            "Reminders before it",
            {
                "type": "multi_static_select",
                "action_id": VALUE,
                "options": [_option(label, label) for label in REMINDER_CHOICES],
                "initial_options": [_option(label, label) for label in DEFAULT_REMINDERS],
            },
            optional=True,
        ),
        _text_input(GRADES_BLOCK, "Only these grades (comma-separated; empty: all)", optional=True),
        _text_input(GROUPS_BLOCK, "Only these groups, e.g. ELAC (empty: all)", optional=True),
    ]
    if languages:
        blocks.append(
            _input(
                LANGUAGES_BLOCK,
                "Only parents who read (empty: all)",
                {
                    "type": "multi_static_select",
                    "action_id": VALUE,
                    "options": [_option(language_name(code), code) for code in languages],
                },
                optional=True,
            )
        )
    return {
        "type": "modal",
        "callback_id": EVENT_VIEW,
        "title": _plain("New event"),
        "submit": _plain("Create"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"channel": channel, "second": second_locale}),
        "blocks": blocks,
    }


def read_metadata(raw: str | None) -> tuple[str | None, str | None]:
    """(channel, second language) from the modal's private_metadata."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    return data.get("channel") or None, data.get("second") or None


def read_submission(
    view: Mapping[str, Any], *, zone: ZoneInfo, default_locale: str, now: datetime | None = None
) -> tuple[EventSpec | None, dict[str, str]]:
    """The event a submitted modal describes, or the errors to show under its fields."""
    _, second = read_metadata(view.get("private_metadata"))
    errors: dict[str, str] = {}
    title = _value(view, TITLE_BLOCK)
    if not title:
        errors[TITLE_BLOCK] = "Give the event a title."
    titles = {default_locale: title or ""}
    descriptions = {default_locale: _value(view, DESCRIPTION_BLOCK) or ""}
    if second:
        titles[second] = _value(view, TITLE_2_BLOCK) or ""
        descriptions[second] = _value(view, DESCRIPTION_2_BLOCK) or ""
    kind = _selected(view, KIND_BLOCK) or "meeting"
    if kind not in KINDS:
        errors[KIND_BLOCK] = "Pick a kind."
    starts_at = ends_at = None
    day = _state(view, DATE_BLOCK).get("selected_date")
    start = _state(view, START_BLOCK).get("selected_time")
    end = _state(view, END_BLOCK).get("selected_time")
    try:
        if not day:
            raise _FieldError(DATE_BLOCK, "Pick the date.")
        if not start:
            raise _FieldError(START_BLOCK, "Pick the start time.")
        starts_at = _moment(str(day), str(start), zone, START_BLOCK)
        if starts_at <= (now or utcnow()):
            raise _FieldError(DATE_BLOCK, "That time has passed. Pick a time in the future.")
        if end:
            ends_at = _moment(str(day), str(end), zone, END_BLOCK)
            if ends_at <= starts_at:
                raise _FieldError(END_BLOCK, "The end must be after the start (same day).")
    except _FieldError as exc:
        errors[exc.block] = str(exc)
    if errors or starts_at is None:
        return None, errors
    audience = normalize_audience(
        {
            "grades": _split(_value(view, GRADES_BLOCK)),
            "groups": _split(_value(view, GROUPS_BLOCK)),
            "languages": [
                o.get("value") for o in _state(view, LANGUAGES_BLOCK).get("selected_options") or []
            ],
        }
    )
    reminders = tuple(
        sorted(
            {
                REMINDER_CHOICES[o["value"]]
                for o in _state(view, REMINDERS_BLOCK).get("selected_options") or []
                if o.get("value") in REMINDER_CHOICES
            },
            reverse=True,
        )
    )
    location = (_value(view, LOCATION_BLOCK) or "").strip()  # the form asks it in the default language
    spec = EventSpec(
        key=None,
        kind=kind,
        titles={code: text for code, text in titles.items() if text},
        descriptions={code: text for code, text in descriptions.items() if text},
        locations={default_locale: location} if location else {},
        starts_at=starts_at,
        ends_at=ends_at,
        audience=audience,
        rsvp=_selected(view, RSVP_BLOCK) != "no",
        reminder_minutes=reminders,
    )
    return spec, {}


def event_line(view: EventView, zone: ZoneInfo) -> str:
    """One mrkdwn line for a list: id, when, title, answers."""
    when = _when(view.starts_at, zone)
    answers = f"{view.yes} yes · {view.no} no" if view.rsvp else "no RSVP"
    status = " *(cancelled)*" if view.status == "cancelled" else ""
    return f"*#{view.id}* {when} · {fit(view.title(), 80)} · {answers}{status}"


def events_list(views: Sequence[EventView], zone: ZoneInfo, page: int = 1) -> tuple[str, list[Block]]:
    """`/outreach events [PAGE]`: upcoming events with their counts, soonest first, a page at a time."""
    if not views:
        return "No upcoming events.", [_section("No upcoming events. `/outreach event new` creates one.")]
    pages = max(1, -(-len(views) // LIST_EVENTS))
    page = min(max(1, page), pages)
    first = (page - 1) * LIST_EVENTS
    shown = views[first : first + LIST_EVENTS]
    after = len(views) - first - len(shown)
    lines = [event_line(view, zone) for view in shown]

    def more(left: int) -> str:
        return f"…and {left + after} more: `/outreach events {page + 1}` shows the next page"

    if after:
        lines.append(more(0))
    text = f"{len(views)} upcoming event(s)"
    title = f"*{text}*" + (f" · page {page} of {pages}" if pages > 1 else "")
    return text, [_section(title), *line_sections(lines, MESSAGE_BLOCKS - 1, more)]


def event_detail(view: EventView, zone: ZoneInfo) -> tuple[str, list[Block]]:
    """`/outreach event ID`: one event with its RSVP counts, attendance and reminders."""
    local = view.starts_at.astimezone(zone)
    ends = f"–{view.ends_at.astimezone(zone):%H:%M}" if view.ends_at else ""
    attended = "-" if view.attended is None else str(view.attended)
    fields = [
        f"*When*\n{_when(view.starts_at, zone)} {local.year}{ends}",
        f"*Where*\n{escape(view.location()) or '-'}",
        f"*Kind*\n{KIND_LABELS.get(view.kind, view.kind)}",
        f"*Audience*\n{escape(describe(view.audience))}",
        f"*RSVP*\n{view.yes} yes · {view.no} no" if view.rsvp else "*RSVP*\nnot asked",
        f"*Attended*\n{attended}",
    ]
    pending = [r for r in view.reminders if r.status == "pending"]
    reminders = ", ".join(_when(r.due_at, zone) for r in pending) or "none pending"
    text = f"#{view.id} {fit(view.title(), 120)}: {view.yes} yes, {view.no} no"
    languages = ", ".join(sorted(view.titles))
    context = f"{view.status} · version {view.version} · languages {languages} · reminders: {reminders}"
    blocks: list[Block] = [
        {"type": "header", "text": _plain(fit(f"#{view.id} {view.title()}", 150, mrkdwn=False))},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
    ]
    return text, blocks


def created_text(view: EventView, zone: ZoneInfo) -> str:
    """What the coordinator is told once the event is stored."""
    when = _when(view.starts_at, zone)
    reminders = len([r for r in view.reminders if r.status == "pending"])
    return (
        f":calendar: Event *#{view.id}* created: {fit(view.title(), 80)}, {when} "
        f"({escape(describe(view.audience))}; {reminders} reminder(s) planned). "
        "Parents see it when they text EVENTS."
    )


class _FieldError(ValueError):
    def __init__(self, block: str, message: str) -> None:
        super().__init__(message)
        self.block = block


def _moment(day: str, clock: str, zone: ZoneInfo, block: str) -> datetime:
    try:
        return school_moment(date.fromisoformat(day), parse_clock(clock), zone)
    except ValueError as exc:
        raise _FieldError(block, str(exc)[:150]) from None


def default_day(now: datetime, zone: ZoneInfo) -> date:
    """The date the modal suggests: a week from today in the school's zone."""
    return (now.astimezone(zone) + timedelta(days=7)).date()


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a %b} {local.day}, {local:%H:%M}"


def _split(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _state(view: Mapping[str, Any], block: str) -> Mapping[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return (values.get(block) or {}).get(VALUE) or {}


def _value(view: Mapping[str, Any], block: str) -> str | None:
    value = _state(view, block).get("value")
    return (str(value).strip() or None) if value else None


def _selected(view: Mapping[str, Any], block: str) -> str | None:
    option = _state(view, block).get("selected_option") or {}
    return str(option["value"]) if option.get("value") else None


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text}


def _option(text: str, value: str) -> Block:
    return {"text": _plain(fit(text, 75, mrkdwn=False)), "value": value}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label[:2000]),
        "element": element,
        "optional": optional,
    }


def _text_input(
    block_id: str, label: str, *, optional: bool = False, multiline: bool = False, max_length: int = 200
) -> Block:
    element = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "multiline": multiline,
        "max_length": max_length,
    }
    return _input(block_id, label, element, optional=optional)
