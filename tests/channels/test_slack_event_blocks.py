"""The new-event modal and its submission, as pure Block Kit."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import slack_event_blocks as kit

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _modal() -> dict[str, Any]:
    return kit.new_event_modal(
        default_locale="en",
        second_locale="es",
        languages=["en", "es", "ko"],
        channel="C1",
        today=date(2027, 3, 8),
    )


def _view(**state: Any) -> dict[str, Any]:
    values = {block: {kit.VALUE: value} for block, value in state.items()}
    return {"private_metadata": _modal()["private_metadata"], "state": {"values": values}}


def test_the_modal_fits_slack_limits() -> None:
    modal = _modal()
    assert len(modal["title"]["text"]) <= 24 and len(modal["blocks"]) <= 100
    ids = [block["block_id"] for block in modal["blocks"]]
    assert len(ids) == len(set(ids))
    assert json.loads(modal["private_metadata"]) == {"channel": "C1", "second": "es"}
    languages = next(b for b in modal["blocks"] if b["block_id"] == kit.LANGUAGES_BLOCK)
    assert [o["text"]["text"] for o in languages["element"]["options"]] == ["English", "Spanish", "Korean"]


def test_a_time_the_clocks_skip_is_shown_under_the_start() -> None:
    view = _view(
        **{
            kit.TITLE_BLOCK: {"value": "Breakfast"},
            kit.DATE_BLOCK: {"selected_date": "2027-03-14"},
            kit.START_BLOCK: {"selected_time": "02:30"},
        }
    )
    spec, errors = kit.read_submission(view, zone=LA, default_locale="en", now=NOW)
    assert spec is None and "does not exist" in errors[kit.START_BLOCK]


def test_a_minimal_submission_makes_a_whole_school_event_with_no_reminders() -> None:
    view = _view(
        **{
            kit.TITLE_BLOCK: {"value": " Coffee with the principal "},
            kit.DATE_BLOCK: {"selected_date": "2027-03-15"},
            kit.START_BLOCK: {"selected_time": "08:15"},
        }
    )
    spec, errors = kit.read_submission(view, zone=LA, default_locale="en", now=NOW)
    assert errors == {} and spec is not None
    assert spec.titles == {"en": "Coffee with the principal"} and spec.audience == {}
    assert spec.starts_at == datetime(2027, 3, 15, 15, 15, tzinfo=UTC)  # PDT since the 14th
    assert spec.reminder_minutes == () and spec.rsvp and spec.kind == "meeting"
