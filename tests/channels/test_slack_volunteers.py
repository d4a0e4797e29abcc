"""Volunteers in Slack through the real Bolt app, slack_sdk and /slack/events, against a fake Slack API.

`/outreach volunteers` lists shifts with places filled and waitlists; `/outreach roster ID` lists who
is coming (names only if given, masked phones) with buttons staff use to record attendance and
requirements met, which become evidence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

from bot import PROJECT_ROOT
from bot.app import Bot
from bot.channels import slack_volunteer_blocks as kit
from bot.services.schools import load_school
from bot.web import create_app
from tests.fixtures.bots import slack_bot
from tests.fixtures.fake_slack import FakeSlack, new_trigger
from tests.fixtures.volunteering import evidence, load_test_shifts, parent

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "xoxb-school-0000"
CHANNEL = "C0VOLUNTEER"
STAFF = "U0STAFF01"
STRANGER = "U0NOTSTAFF"
LINCOLN = PROJECT_ROOT / "tests" / "fixtures" / "schools" / "lincoln.yaml"


class Staff:
    """Signed requests to /slack/events as a staff member would send them through Slack."""

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

    def command(self, text: str, response_id: str, user: str = STAFF) -> dict[str, Any]:
        form = {
            "command": "/outreach",
            "text": text,
            "user_id": user,
            "user_name": "staff",
            "channel_id": CHANNEL,
            "team_id": "T0SCHOOL",
            "response_url": self.slack.response_url(response_id),
            "trigger_id": new_trigger(),
        }
        assert self.post(form).status_code == 200
        return self.slack.responses(response_id)[-1].body

    def click(self, button: dict[str, Any], response_id: str, user: str = STAFF) -> dict[str, Any]:
        payload = {
            "type": "block_actions",
            "team": {"id": "T0SCHOOL", "domain": "school"},
            "user": {"id": user, "username": "staff", "team_id": "T0SCHOOL"},
            "api_app_id": "A0OUTREACH",
            "token": "legacy",
            "container": {"type": "message", "message_ts": "1", "channel_id": CHANNEL, "is_ephemeral": True},
            "trigger_id": new_trigger(),
            "channel": {"id": CHANNEL, "name": "volunteers"},
            "response_url": self.slack.response_url(response_id),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b",
                    "value": button["value"],
                    "action_ts": "1.1",
                }
            ],
        }
        assert self.post({"payload": json.dumps(payload)}).status_code == 200
        return self.slack.responses(response_id)[-1].body


@pytest.fixture
def staff(db_url: str) -> Iterator[Staff]:
    with slack_bot(db_url, token=TOKEN, secret=SECRET, staff=STAFF) as (bot, slack):
        with TestClient(create_app(bot, run_dispatcher=False, run_scheduler=False)) as http:
            yield Staff(bot, http, slack)
        bot.close()


def buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for block in body.get("blocks", []) if block["type"] == "actions" for e in block["elements"]]


def test_outreach_volunteers_shows_places_filled_and_the_waitlist(staff: Staff) -> None:
    shifts = load_test_shifts(staff.bot)
    for n in (1, 2):
        staff.bot.volunteers.sign_up(shifts["reading"], parent(staff.bot, f"+1213555760{n}"))
    body = staff.command("volunteers", "list")
    shown = json.dumps(body, ensure_ascii=False)
    assert body["response_type"] == "ephemeral"
    assert f"`{shifts['reading']}` *Reading with children*" in shown
    assert "1/1 filled · *full* · waitlist 1" in shown
    assert f"`{shifts['art']}` *Classroom art helper*" in shown and "0/2 filled" in shown
    assert "+1213555760" not in shown and "7601" not in shown


def test_roster_marks_attendance_and_requirements_with_buttons(staff: Staff) -> None:
    shift = load_test_shifts(staff.bot)["reading"]
    staff.bot.volunteers.sign_up(shift, parent(staff.bot, "+12135557611", "es", name="Ana Ruiz"))
    staff.bot.volunteers.sign_up(shift, parent(staff.bot, "+12135557612"))
    body = staff.command(f"roster {shift}", "roster")
    shown = json.dumps(body, ensure_ascii=False)
    assert "Ana Ruiz (***7611, Spanish)" in shown and "still needs: Volunteer form, TB test" in shown
    assert "*Waitlist*" in shown and "_no name given_ (***7612" in shown
    assert "2135557611" not in shown and "2135557612" not in shown
    tb = next(b for b in buttons(body) if b["value"].endswith(":tb_test"))
    after_tb = staff.click(tb, "tb")
    assert after_tb["replace_original"] is True
    assert "done: TB test" in json.dumps(after_tb) and "still needs: Volunteer form" in json.dumps(after_tb)
    attended = next(b for b in buttons(after_tb) if b["action_id"] == kit.ATTENDED)
    after = staff.click(attended, "attended")
    assert ":star: attended" in json.dumps(after) and "1.5 h" in json.dumps(after)
    assert [(i, d) for i, _v, d in evidence(staff.bot, "requirement_met")] == [("3C", "tb_test")]
    assert [(i, v) for i, v, _d in evidence(staff.bot, "volunteer_hours")] == [("3E", 1.5)]
    assert [(i, v) for i, v, _d in evidence(staff.bot, "fill_rate")] == [("3D", 1.0)]


def test_someone_not_staff_sees_no_roster_and_changes_nothing(staff: Staff) -> None:
    shift = load_test_shifts(staff.bot)["reading"]
    staff.bot.volunteers.sign_up(shift, parent(staff.bot, "+12135557621", name="Ana Ruiz"))
    refused = staff.command(f"roster {shift}", "stranger", user=STRANGER)
    assert "Ana Ruiz" not in json.dumps(refused) and "Only school staff" in json.dumps(refused)
    roster = staff.command(f"roster {shift}", "roster")
    attended = next(b for b in buttons(roster) if b["action_id"] == kit.ATTENDED)
    staff.click(attended, "stranger-click", user=STRANGER)
    [refusal] = staff.slack.responses("stranger-click")
    assert "Only school staff" in json.dumps(refusal.body)
    assert [e.status for e in staff.bot.volunteers.roster(shift).entries] == ["confirmed"]
    assert "Which shift?" in json.dumps(staff.command("roster", "no-id"))
    assert "no shift 999" in json.dumps(staff.command("roster 999", "missing"))


def test_another_schools_roster_and_its_buttons_are_refused(staff: Staff) -> None:
    shift = load_test_shifts(staff.bot)["reading"]
    staff.bot.volunteers.sign_up(shift, parent(staff.bot, "+12135557631", name="Ana Ruiz"))
    attended = next(
        b for b in buttons(staff.command(f"roster {shift}", "demo")) if b["action_id"] == kit.ATTENDED
    )
    load_school(staff.bot.store, LINCOLN, activate=True)
    staff.bot.schools.forget()
    refused = json.dumps(staff.command(f"roster {shift}", "lincoln"))
    assert f"no shift {shift} at Lincoln Middle School" in refused and "Ana Ruiz" not in refused
    clicked = json.dumps(staff.click(attended, "stale-click"))
    assert "no sign-up" in clicked and "at Lincoln Middle School" in clicked
    assert evidence(staff.bot, "volunteer_hours") == []
