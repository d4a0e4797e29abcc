"""Events in Slack through every real part: `/outreach event new`, the modal, the stored event, the counts.

The real Bolt app, slack_sdk client, /slack/events route and EventService, with a fake Slack Web
API on 127.0.0.1 and requests signed as Slack signs them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

from bot.app import Bot
from bot.channels import slack_event_blocks as kit
from bot.outbox.transport import DryRunTransport
from bot.web import create_app
from tests.fixtures.block_kit import ack_problems
from tests.fixtures.bots import make_bot
from tests.fixtures.events import add_parent, event_spec
from tests.fixtures.fake_slack import FakeSlack, new_trigger

SECRET = "fedcba9876543210fedcba9876543210"
TOKEN = "xoxb-events-0000"
CHANNEL = "C0EVENTS"
STAFF = "U0COORD01"
STRANGER = "U0NOTSTAFF"
LA = ZoneInfo("America/Los_Angeles")


class Rig:
    """The wired bot, its web app and the fake Slack API."""

    def __init__(self, bot: Bot, http: TestClient, slack: FakeSlack) -> None:
        self.bot, self.http, self.slack = bot, http, slack
        self.triggers = iter(range(1, 1_000_000))

    def post(self, form: dict[str, str]) -> Any:
        body = urlencode(form)
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        }
        return self.http.post("/slack/events", content=body, headers=headers)

    def command(self, text: str, response_id: str, *, user: str = STAFF) -> Any:
        return self.post(
            {
                "command": "/outreach",
                "text": text,
                "user_id": user,
                "user_name": "coordinator",
                "channel_id": CHANNEL,
                "team_id": "T0SCHOOL",
                "response_url": self.slack.response_url(response_id),
                "trigger_id": new_trigger(),
            }
        )

    def submit(self, modal: dict[str, Any], values: dict[str, Any], *, user: str = STAFF) -> Any:
        payload = {
            "type": "view_submission",
            "team": {"id": "T0SCHOOL", "domain": "school"},
            "user": {"id": user, "username": "coordinator", "team_id": "T0SCHOOL"},
            "api_app_id": "A0OUTREACH",
            "token": "legacy",
            "trigger_id": new_trigger(),
            "view": {
                "id": "V0EVENT01",
                "hash": "h1",
                "type": "modal",
                "callback_id": modal["callback_id"],
                "private_metadata": modal["private_metadata"],
                "state": {"values": values},
                "blocks": modal["blocks"],
            },
            "response_urls": [],
        }
        answer = self.post({"payload": json.dumps(payload)})
        if answer.status_code == 200 and answer.content.strip():
            assert not ack_problems(answer.json(), payload["view"]), answer.json()  # type: ignore[arg-type]
        return answer


@pytest.fixture
def rig(db_url: str) -> Iterator[Rig]:
    with FakeSlack(TOKEN) as slack:
        bot = make_bot(
            db_url,
            transport=DryRunTransport(),
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.url,
            slack_concerns_channel="C0CONCERNS",
            slack_staff_user_ids=STAFF,
        )
        with TestClient(create_app(bot, run_dispatcher=False)) as http:
            yield Rig(bot, http, slack)
        bot.close()


def _values(day: str, start: str, end: str | None = None, **extra: Any) -> dict[str, Any]:
    def text(value: str | None) -> dict[str, Any]:
        return {kit.VALUE: {"type": "plain_text_input", "value": value}}

    def options(*values: str) -> dict[str, Any]:
        return {
            kit.VALUE: {"type": "multi_static_select", "selected_options": [{"value": v} for v in values]}
        }

    values = {
        kit.TITLE_BLOCK: text(extra.get("title", "Math night")),
        kit.DESCRIPTION_BLOCK: text("Games that make math fun."),
        kit.TITLE_2_BLOCK: text("Noche de matemáticas"),
        kit.DESCRIPTION_2_BLOCK: text(None),
        kit.KIND_BLOCK: {kit.VALUE: {"type": "static_select", "selected_option": {"value": "workshop"}}},
        kit.DATE_BLOCK: {kit.VALUE: {"type": "datepicker", "selected_date": day}},
        kit.START_BLOCK: {kit.VALUE: {"type": "timepicker", "selected_time": start}},
        kit.END_BLOCK: {kit.VALUE: {"type": "timepicker", "selected_time": end}},
        kit.LOCATION_BLOCK: text("Cafeteria"),
        kit.RSVP_BLOCK: {kit.VALUE: {"type": "radio_buttons", "selected_option": {"value": "yes"}}},
        kit.REMINDERS_BLOCK: options("1d", "2h"),
        kit.GRADES_BLOCK: text("3, 4"),
        kit.GROUPS_BLOCK: text(None),
        kit.LANGUAGES_BLOCK: options(),
    }
    return values


def _open_modal(rig: Rig) -> dict[str, Any]:
    assert rig.command("event new", "new").status_code == 200
    [modal] = rig.slack.modals()  # opened loading, then filled in
    assert modal["callback_id"] == kit.EVENT_VIEW
    return modal


def test_the_event_modal_creates_an_event_in_school_time(rig: Rig) -> None:
    modal = _open_modal(rig)
    labels = [block["label"]["text"] for block in modal["blocks"]]
    assert "Title (English)" in labels and "Title (Spanish)" in labels
    day = (datetime.now(UTC).astimezone(LA) + timedelta(days=9)).date().isoformat()
    response = rig.submit(modal, _values(day, "18:30", "20:00"))
    assert response.status_code == 200 and not response.content.strip(b"{} \n")
    [event] = rig.bot.events.upcoming()
    assert event.titles == {"en": "Math night", "es": "Noche de matemáticas"}
    assert event.kind == "workshop" and event.audience == {"grades": ["3", "4"]}
    local = event.starts_at.astimezone(LA)
    assert (local.date().isoformat(), local.hour, local.minute) == (day, 18, 30)
    assert event.ends_at is not None and event.ends_at - event.starts_at == timedelta(minutes=90)
    assert sorted(r.minutes_before for r in event.reminders if r.status == "pending") == [120, 1440]
    # A DM: the command's channel may be one the bot was never invited to.
    [told] = rig.slack.calls("chat.postMessage")
    assert told.body["channel"] == STAFF and rig.slack.refusals() == []
    assert f"#{event.id}" in told.body["text"] and "Math night" in told.body["text"]
    # Slack retrying the same submission does not make a second event.
    rig.submit(modal, _values(day, "18:30", "20:00"))
    assert len(rig.bot.events.upcoming()) == 1


def test_the_modal_shows_what_to_fix(rig: Rig) -> None:
    modal = _open_modal(rig)
    day = (datetime.now(UTC).astimezone(LA) + timedelta(days=9)).date().isoformat()
    response = rig.submit(modal, _values(day, "18:30", "17:00"))
    assert response.json() == {
        "response_action": "errors",
        "errors": {kit.END_BLOCK: "The end must be after the start (same day)."},
    }
    past = (datetime.now(UTC).astimezone(LA) - timedelta(days=2)).date().isoformat()
    response = rig.submit(modal, _values(past, "18:30", title=""))
    errors = response.json()["errors"]
    assert set(errors) == {kit.TITLE_BLOCK, kit.DATE_BLOCK}
    assert rig.bot.events.upcoming() == []


def test_someone_not_staff_cannot_create_an_event(rig: Rig) -> None:
    modal = _open_modal(rig)
    day = (datetime.now(UTC).astimezone(LA) + timedelta(days=9)).date().isoformat()
    response = rig.submit(modal, _values(day, "18:30"), user=STRANGER)
    assert response.json()["response_action"] == "errors"
    assert rig.bot.events.upcoming() == []


def test_staff_see_counts_and_the_list(rig: Rig) -> None:
    view, _ = rig.bot.events.save(event_spec())
    for number, answer in enumerate(("yes", "yes", "no")):
        parent = add_parent(rig.bot, f"+1213555060{number}", "es")
        with rig.bot.store.transaction() as tx:
            tx.set_rsvp(view.id, parent.id, answer)
    assert rig.command(f"event {view.id}", "show").status_code == 200
    [shown] = rig.slack.responses("show")
    assert shown.body["response_type"] == "ephemeral"
    assert f"#{view.id} Family reading night: 2 yes, 1 no" == shown.body["text"]
    assert "2 yes · 1 no" in json.dumps(shown.body["blocks"], ensure_ascii=False)
    rig.command("events", "list")
    [listed] = rig.slack.responses("list")
    assert f"*#{view.id}*" in json.dumps(listed.body["blocks"]) and "2 yes" in json.dumps(
        listed.body["blocks"]
    )
    rig.command("event 999", "missing")
    [missing] = rig.slack.responses("missing")
    assert missing.body["text"] == ":warning: no event #999 at Rosewood Elementary"
    rig.command(f"event cancel {view.id}", "cancel")
    [cancelled] = rig.slack.responses("cancel")
    assert "is cancelled; 2 parent(s) who said yes" in cancelled.body["text"]
    assert rig.bot.events.view(view.id).status == "cancelled"
