"""`/outreach report` through the real Bolt app, signed requests and a fake Slack API on loopback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

from bot.app import Bot
from bot.store.evidence_repo import add_evidence_records
from bot.web import create_app
from tests.fixtures.bots import slack_bot
from tests.fixtures.evidence import known_rows
from tests.fixtures.fake_slack import FakeSlack, new_trigger

SECRET = "fedcba9876543210fedcba9876543210"
TOKEN = "xoxb-school-report"
STAFF = "U0STAFFREP"


class Staff:
    """Types `/outreach ...` in Slack."""

    def __init__(self, bot: Bot, http: TestClient, slack: FakeSlack) -> None:
        self.bot, self.http, self.slack = bot, http, slack
        self.count = 0

    def command(self, text: str, user: str = STAFF) -> str:
        self.count += 1
        response_id = f"report{self.count}"
        form = {
            "command": "/outreach",
            "text": text,
            "user_id": user,
            "user_name": "staff",
            "channel_id": "C0STAFF",
            "team_id": "T0SCHOOL",
            "response_url": self.slack.response_url(response_id),
            "trigger_id": new_trigger(),
        }
        body = urlencode(form)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body),
        }
        assert self.http.post("/slack/events", content=body, headers=headers).status_code == 200
        [answer] = self.slack.responses(response_id)
        assert answer.body["response_type"] == "ephemeral"
        return json.dumps(answer.body, ensure_ascii=False)


@pytest.fixture
def staff(db_url: str) -> Iterator[Staff]:
    with slack_bot(db_url, token=TOKEN, secret=SECRET, staff=STAFF, report_min_group=5) as (bot, slack):
        with bot.store.transaction() as tx:
            add_evidence_records(tx, known_rows())
        with TestClient(create_app(bot, run_dispatcher=False)) as http:
            yield Staff(bot, http, slack)


def test_the_summary_has_each_indicator_and_the_command_for_the_full_report(staff: Staff) -> None:
    answer = staff.command("report 2026-03-01 2026-04-30")
    assert "Rubric evidence: Rosewood Elementary, 2026-03-01 to 2026-04-30" in answer
    # 4E comes from the concerns themselves (none here: these are evidence rows only).
    assert "*4E* Process to resolve" in answer
    assert (
        "*1B* Communication with parents" in answer
        and "*Competent* (Share in the home language 80%)" in answer
    )
    assert "*5C* Usage of the Uniform Complaint Procedure" in answer
    assert "*1E* Teachers invite parents" in answer and "_no data yet_" in answer
    assert "outreach report --from 2026-03-01 --to 2026-04-30 --format html --out report.html" in answer
    assert "30.0 h" not in answer


def test_a_bad_date_is_explained(staff: Staff) -> None:
    assert "dates look like 2026-01-31" in staff.command("report March")


def test_help_lists_the_report_and_strangers_get_nothing(staff: Staff) -> None:
    assert "/outreach report [FROM [TO]]" in staff.command("help")
    refused = staff.command("report", user="U0STRANGER")
    assert "Only school staff" in refused and "Rubric" not in refused
