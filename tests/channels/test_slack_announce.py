"""`/outreach announce` through the real Bolt app and slack_sdk against a fake Slack API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.app import Bot
from bot.channels.slack_announce import CANCEL_ACTION, COMPOSE_VIEW, PREVIEW_VIEW
from bot.services.announcement_preview import AnnouncementDraft
from bot.web import create_app
from tests.fixtures.bots import slack_bot
from tests.fixtures.fake_slack import FakeSlack
from tests.fixtures.families import add_families
from tests.fixtures.slack_requests import SlackRequests, options, text_input

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "xoxb-school-0000"
STAFF = "U0COORD01"
STRANGER = "U0NOTSTAFF"


class Rig:
    def __init__(self, bot: Bot, slack: FakeSlack, requests: SlackRequests) -> None:
        self.bot, self.slack, self.requests = bot, slack, requests


@pytest.fixture
def rig(db_url: str) -> Iterator[Rig]:
    with (
        slack_bot(db_url, token=TOKEN, secret=SECRET, staff=STAFF) as (bot, slack),
        TestClient(create_app(bot, run_dispatcher=False)) as http,
    ):
        yield Rig(bot, slack, SlackRequests(http, SECRET, slack.response_url("cmd")))


def compose(
    title: str, texts: dict[str, str], *, flags: list[str] = (), reason: str = "", **extra: Any
) -> dict:  # type: ignore[assignment]
    values: dict[str, Any] = {"title": text_input(title), "reason": text_input(reason or None)}
    values.update({f"text_{code}": text_input(text) for code, text in texts.items()})
    values["flags"] = options("checkboxes", list(flags))
    values.update(extra)
    return values


def test_the_modal_previews_then_schedules(rig: Rig) -> None:
    add_families(rig.bot, {"en": 8, "es": 4})
    assert rig.requests.command("announce", STAFF).status_code == 200
    [view] = rig.slack.modals()  # opened loading, then filled in
    assert view["callback_id"] == COMPOSE_VIEW
    blocks = {b["block_id"] for b in view["blocks"]}
    assert {
        "title",
        "text_en",
        "text_es",
        "text_ar",
        "grades",
        "languages",
        "date",
        "time",
        "flags",
    } <= blocks

    answer = rig.requests.submit(
        COMPOSE_VIEW,
        compose("Picture day", {"en": "Picture day is Tuesday!", "es": "¡El martes es día de fotos!"}),
        STAFF,
    )
    body = answer.json()
    assert body["response_action"] == "push"
    preview = body["view"]
    assert preview["callback_id"] == PREVIEW_VIEW
    text = preview["blocks"][0]["text"]["text"]
    assert "12 recipients" in text and "es " in text and "Total: 12 segments" in text
    draft_id = json.loads(preview["private_metadata"])["id"]
    assert rig.bot.announcements.get(draft_id)["status"] == "draft"

    done = rig.requests.submit(PREVIEW_VIEW, {}, STAFF, private_metadata=preview["private_metadata"])
    assert done.json() == {"response_action": "clear"}
    assert rig.bot.announcements.get(draft_id)["status"] == "scheduled"
    [told] = rig.slack.calls("chat.postMessage")
    assert told.body["channel"] == STAFF and f"Announcement {draft_id} scheduled" in told.body["text"]


def test_a_missing_15_percent_language_comes_back_as_a_field_error(rig: Rig) -> None:
    add_families(rig.bot, {"en": 6, "vi": 4})
    # Slack sends every input of the view in its state, the empty Vietnamese text among them.
    empty_vi = text_input(None)
    answer = rig.requests.submit(
        COMPOSE_VIEW, compose("Field trip", {"en": "Field trip forms are due."}, text_vi=empty_vi), STAFF
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "48985" in body["errors"]["text_vi"] and "40%" in body["errors"]["text_vi"]
    reasonless = rig.requests.submit(
        COMPOSE_VIEW,
        compose("Field trip", {"en": "Field trip forms are due."}, flags=["override"], text_vi=empty_vi),
        STAFF,
    ).json()
    assert "reason" in reasonless["errors"]
    overridden = rig.requests.submit(
        COMPOSE_VIEW,
        compose(
            "Field trip", {"en": "Field trip forms are due."}, flags=["override"], reason="translator ill"
        ),
        STAFF,
    ).json()
    assert overridden["response_action"] == "push"


def test_bad_times_and_strangers_are_refused(rig: Rig) -> None:
    add_families(rig.bot, {"en": 2})
    past = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    values = compose(
        "Late",
        {"en": "Hello"},
        date={"value": {"type": "datepicker", "selected_date": past}},
        time={"value": {"type": "timepicker", "selected_time": "09:00"}},
    )
    assert "passed" in rig.requests.submit(COMPOSE_VIEW, values, STAFF).json()["errors"]["date"]
    assert (
        rig.requests.submit(COMPOSE_VIEW, compose("x", {"en": "Hello"}), STRANGER).json()["response_action"]
        == "errors"
    )
    rig.requests.command("announce", STRANGER)
    assert rig.slack.calls("views.open") == []


def test_the_list_shows_counts_and_cancels(rig: Rig) -> None:
    add_families(rig.bot, {"en": 3})
    announcement_id, _ = rig.bot.announcements.create(
        AnnouncementDraft(title="Book fair", texts={"en": "Book fair all week!"}, created_by="test")
    )
    rig.bot.announcements.queue(announcement_id)
    rig.requests.command("announcements", STAFF)
    [listing] = rig.slack.responses("cmd")
    posted = json.dumps(listing.body)
    assert "Book fair" in posted and "queued 3" in posted and CANCEL_ACTION in posted
    rig.requests.click(CANCEL_ACTION, str(announcement_id), STRANGER)
    rig.requests.click(CANCEL_ACTION, str(announcement_id), STAFF)
    assert len(rig.slack.responses("cmd")) >= 2  # the listing, then the answer to the staff click
    assert "cancelled; 3 messages withdrawn" in json.dumps(rig.slack.responses("cmd")[-1].body)
    assert rig.bot.announcements.get(announcement_id)["status"] == "cancelled"
    assert rig.bot.announcements.recent()[0].counts == {"cancelled": 3}
