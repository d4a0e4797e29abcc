"""Whatever reaches /slack/events, signed or not, gets a clean 4xx or a polite answer, never a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Bot
from bot.channels.slack_announce import PREVIEW_VIEW
from bot.channels.slack_guards import parse_id, shape_problem
from bot.web import create_app
from tests.fixtures.bots import slack_bot
from tests.fixtures.fake_slack import FakeSlack
from tests.fixtures.slack_requests import SlackRequests

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "xoxb-school-0000"
STAFF = "U0COORD01"
STRANGER = "U0NOTSTAFF"
HUGE = "9" * 25


class Rig:
    def __init__(self, bot: Bot, slack: FakeSlack, http: TestClient, requests: SlackRequests) -> None:
        self.bot, self.slack, self.http, self.requests = bot, slack, http, requests

    def payload(self, payload: dict[str, Any]) -> Any:
        return self.requests.post({"payload": json.dumps(payload)})


@pytest.fixture
def rig(db_url: str) -> Iterator[Rig]:
    with (
        slack_bot(db_url, token=TOKEN, secret=SECRET, staff=STAFF) as (bot, slack),
        TestClient(create_app(bot, run_dispatcher=False, run_scheduler=False)) as http,
    ):
        yield Rig(bot, slack, http, SlackRequests(http, SECRET, slack.response_url("cmd")))


USER = {"id": STAFF, "username": "coord", "team_id": "T0SCHOOL"}


@pytest.mark.parametrize("timestamp", ["", "abc", "1.5", "-1", "9" * 5000, "12e3"])
def test_a_malformed_timestamp_is_401_before_anything_else(rig: Rig, timestamp: str) -> None:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    answer = rig.http.post("/slack/events", content="command=/outreach&text=help", headers=headers)
    assert answer.status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "view_submission", "user": USER, "view": {"type": "modal", "callback_id": "c", "state": 1}},
        {"type": "view_submission", "user": USER, "view": {"callback_id": PREVIEW_VIEW, "state": {}}},
        {"type": "view_submission", "user": USER, "view": None},
        {"type": "block_actions", "user": USER, "actions": []},
        {"type": "block_actions", "user": USER, "actions": ["approve"]},
        {"type": "block_actions", "user": "U0COORD01", "actions": [{"action_id": "a"}]},
    ],
)
def test_signed_payloads_of_the_wrong_shape_are_400(rig: Rig, payload: dict[str, Any]) -> None:
    assert rig.payload(payload).status_code == 400


@pytest.mark.parametrize("command", [f"roster {HUGE}", f"event {HUGE}", f"event cancel {HUGE}"])
def test_huge_ids_get_an_answer_not_an_overflow(rig: Rig, command: str) -> None:
    answer = rig.requests.command(command, STAFF)
    assert answer.status_code == 200
    said = json.dumps([call.body for call in rig.slack.responses("cmd")])
    assert "Traceback" not in said and "Error" not in said


def test_someone_not_staff_scheduling_a_preview_gets_a_notice_not_an_error(rig: Rig) -> None:
    payload = {
        "type": "view_submission",
        "user": {"id": STRANGER, "username": "x", "team_id": "T0SCHOOL"},
        "view": {
            "type": "modal",
            "callback_id": PREVIEW_VIEW,
            "private_metadata": json.dumps({"id": 1}),
            "state": {},
        },
    }
    answer = rig.payload(payload)
    assert answer.status_code == 200
    assert answer.json()["response_action"] == "update"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
KNOWN = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["view_submission", "block_actions", "view_closed", "shortcut", "x"]),
        "user": st.one_of(st.just(USER), JSON),
        "view": st.one_of(st.just({"type": "modal", "callback_id": PREVIEW_VIEW, "state": {}}), JSON),
        "actions": st.one_of(st.just([{"action_id": "acknowledge", "value": HUGE}]), JSON),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.one_of(KNOWN, st.dictionaries(st.text(max_size=12), JSON, max_size=5)))
def test_any_signed_payload_gets_a_clean_status(rig: Rig, payload: dict[str, Any]) -> None:
    assert rig.payload(payload).status_code < 500


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.dictionaries(st.sampled_from(["command", "text", "user_id", "trigger_id", "x"]), st.text()))
def test_any_signed_form_gets_a_clean_status(rig: Rig, form: dict[str, str]) -> None:
    assert rig.requests.post(form).status_code < 500


@pytest.mark.parametrize(
    ("text", "expected"), [("42", 42), ("#7", 7), (" 12 ", 12), (HUGE, None), ("", None), ("١٢", None)]
)
def test_ids_typed_by_staff_are_bounded(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


def test_a_command_needs_a_user() -> None:
    assert shape_problem({"command": "/outreach", "text": "help"}) == "command"
    assert shape_problem({"command": "/outreach", "text": "help", "user_id": "U1"}) is None
