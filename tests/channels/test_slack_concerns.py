"""Concerns across every real part: SMS in, dispatcher, Slack transport, signed staff actions, SMS out.

The real conversation, ConcernService, outbox dispatcher, Bolt app, slack_sdk client and
/slack/events route, with a fake Slack Web API on 127.0.0.1 and a dry-run SMS transport.
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
from sqlalchemy import text

from bot.app import Bot
from bot.channels import slack_blocks as kit
from bot.domain import Inbound
from bot.outbox.transport import DryRunTransport
from bot.web import create_app
from tests.fixtures.bots import make_bot, slack_bot
from tests.fixtures.fake_slack import FakeSlack, new_trigger

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "xoxb-school-0000"
CHANNEL = "C0CONCERNS"
STAFF = "U0STAFF01"
STRANGER = "U0NOTSTAFF"
PARENT = "+12135550777"
DESCRIPTION = "Un niño empuja a mi hijo Leo en el autobús todas las mañanas."


class Rig:
    """The wired bot, its web app, the fake Slack API and the SMS that went out."""

    def __init__(self, bot: Bot, http: TestClient, slack: FakeSlack, sms: DryRunTransport) -> None:
        self.bot, self.http, self.slack, self.sms = bot, http, slack, sms
        self.triggers = iter(range(1, 1_000_000))
        self.dispatcher = bot.dispatcher("test")

    def drain(self) -> None:
        """Send everything queued: SMS through the dry run, alerts through the real Slack transport."""
        for _ in range(10):
            if not self.dispatcher.drain_once():
                return

    def post(self, form: dict[str, str], *, secret: str = SECRET, age: int = 0) -> Any:
        body = urlencode(form)
        timestamp = int(time.time()) - age
        signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature,
        }
        return self.http.post("/slack/events", content=body, headers=headers)

    def click(self, action_id: str, reference: str, *, user: str = STAFF, **signing: Any) -> Any:
        payload = {
            "type": "block_actions",
            "team": {"id": "T0SCHOOL", "domain": "school"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0SCHOOL"},
            "api_app_id": "A0OUTREACH",
            "token": "legacy",
            "container": {"type": "message", "message_ts": "1", "channel_id": CHANNEL, "is_ephemeral": False},
            "trigger_id": new_trigger(),
            "channel": {"id": CHANNEL, "name": "concerns"},
            "message": {"type": "message", "ts": "1", "text": "Concern"},
            "response_url": self.slack.response_url("action"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": reference,
                    "action_ts": "1.1",
                }
            ],
        }
        return self.post({"payload": json.dumps(payload)}, **signing)

    def submit_reply(self, reference: str, canned: str | None, note: str | None, *, trigger: str = "") -> Any:
        values = {
            kit.CANNED_BLOCK: {
                kit.CANNED_ACTION: {
                    "type": "static_select",
                    "selected_option": {"value": canned} if canned else None,
                }
            },
            kit.NOTE_BLOCK: {kit.NOTE_ACTION: {"type": "plain_text_input", "value": note}},
        }
        payload = {
            "type": "view_submission",
            "team": {"id": "T0SCHOOL", "domain": "school"},
            "user": {"id": STAFF, "username": "staff", "team_id": "T0SCHOOL"},
            "api_app_id": "A0OUTREACH",
            "token": "legacy",
            "trigger_id": trigger or new_trigger(),
            "view": {
                "id": "V01",
                "hash": "h",
                "type": "modal",
                "callback_id": kit.REPLY_VIEW,
                "private_metadata": json.dumps({"reference": reference, "channel": CHANNEL}),
                "state": {"values": values},
            },
            "response_urls": [],
        }
        return self.post({"payload": json.dumps(payload)})

    def status(self, reference: str) -> str:
        with self.bot.store.engine.connect() as connection:
            return str(
                connection.execute(
                    text("SELECT status FROM concerns WHERE reference = :r"), {"r": reference}
                ).scalar()
            )


@pytest.fixture
def rig(db_url: str) -> Iterator[Rig]:
    sms = DryRunTransport()
    with (
        slack_bot(
            db_url,
            token=TOKEN,
            secret=SECRET,
            staff=STAFF,
            transport=sms,
            slack_concerns_channel=CHANNEL,
            slack_show_descriptions=False,
        ) as (bot, slack),
        TestClient(create_app(bot, run_dispatcher=False)) as http,
    ):
        yield Rig(bot, http, slack, sms)


def raise_concern_in_spanish(rig: Rig) -> str:
    for body in ("hola", "2", "menu", "1", "2", DESCRIPTION, "1", "Leo, 3er grado", "1"):
        rig.bot.conversation.handle(Inbound("sms", PARENT, body))
    replies = rig.bot.conversation.handle(Inbound("sms", PARENT, "por las tardes")).replies
    reference = "C-" + replies[0].split("C-", 1)[1][:9]
    rig.drain()
    return reference


def test_the_bolt_app_answers_after_its_work_in_tests(rig: Rig) -> None:
    assert rig.bot.slack_app is not None and rig.bot.slack_app.process_before_response


def test_the_alert_keeps_the_parents_words_and_number_out_of_the_channel(rig: Rig) -> None:
    reference = raise_concern_in_spanish(rig)
    [post] = rig.slack.calls("chat.postMessage")
    posted = json.dumps(post.body, ensure_ascii=False)
    assert post.body["channel"] == CHANNEL
    assert reference in posted and "7777" not in posted.replace("***0777", "")
    assert "2135550777" not in posted and "555-0777" not in posted
    assert "empuja" not in posted and "Leo" not in posted
    ts = rig.bot.concerns.view(reference).alert_ts
    assert ts is not None and rig.slack.message(CHANNEL, ts) is not None


def test_staff_reply_with_a_canned_text_reaches_the_parent_in_spanish(rig: Rig) -> None:
    reference = raise_concern_in_spanish(rig)
    assert rig.click("reply", reference).status_code == 200
    [modal] = rig.slack.modals()
    assert "Spanish" in json.dumps(modal)
    assert rig.submit_reply(reference, "call_soon", None).status_code == 200
    spanish = rig.bot.renderer.message("staff", "call_soon", ("es",))
    assert rig.status(reference) == "acknowledged"  # the reply was recorded before Slack got its answer
    rig.drain()
    to_parent = [body for _sid, to, body in rig.sms.sent if to == PARENT]
    # The reply, then the one-question pulse it brings (4C), both in Spanish.
    assert len(to_parent) == 2 and spanish in to_parent[0]
    assert to_parent[1].startswith(f"Sobre {reference}: ¿le trataron con respeto")
    assert rig.bot.flow_set.message_sets["staff"].messages["call_soon"].text not in to_parent[0]


def test_acknowledge_updates_the_alert_in_place_and_texts_the_parent(rig: Rig) -> None:
    reference = raise_concern_in_spanish(rig)
    assert rig.slack.calls("chat.postMessage")
    ts = rig.bot.concerns.view(reference).alert_ts
    assert rig.click("acknowledge", reference).status_code == 200
    assert rig.status(reference) == "acknowledged"
    rig.drain()
    updates = rig.slack.calls("chat.update")
    assert all(update.body["ts"] == ts for update in updates)
    assert f"<@{STAFF}>" in json.dumps(updates[-1].body)
    assert any(to == PARENT and body.startswith(f"{reference}: ") for _sid, to, body in rig.sms.sent)


def test_someone_not_staff_changes_nothing(rig: Rig) -> None:
    reference = raise_concern_in_spanish(rig)
    assert rig.click("acknowledge", reference, user=STRANGER).status_code == 200
    [refusal] = rig.slack.responses()
    assert "Only school staff" in refusal.body["text"]
    assert rig.slack.calls("chat.postEphemeral") == []
    assert rig.status(reference) == "new"


def test_bad_or_old_signatures_are_refused(rig: Rig) -> None:
    reference = raise_concern_in_spanish(rig)
    assert rig.click("acknowledge", reference, secret="not-the-secret").status_code == 401
    assert rig.click("acknowledge", reference, age=10 * 60).status_code == 401
    assert rig.status(reference) == "new"


def test_a_retried_delivery_acts_once(rig: Rig) -> None:
    reference = raise_concern_in_spanish(rig)
    assert rig.submit_reply(reference, "received", None, trigger="T999.retry").status_code == 200
    assert rig.submit_reply(reference, "received", None, trigger="T999.retry").status_code == 200
    assert rig.status(reference) == "acknowledged"
    with rig.bot.store.engine.connect() as connection:
        replies = connection.execute(
            text("SELECT count(*) FROM concern_events WHERE kind = 'reply'")
        ).scalar()
    assert replies == 1


def test_slack_is_refused_clearly_when_not_configured(db_url: str) -> None:
    bot = make_bot(db_url)
    with TestClient(create_app(bot, run_dispatcher=False)) as http:
        response = http.post("/slack/events", content=b"payload=%7B%7D")
    bot.close()
    assert response.status_code == 403
    assert "SLACK_SIGNING_SECRET" in response.json()["detail"]


def test_outreach_questions_lists_what_parents_asked(rig: Rig) -> None:
    for body in ("hi", "1", "do you sell used books at the book fair"):
        rig.bot.conversation.handle(Inbound("sms", PARENT, body))
    form = {
        "command": "/outreach",
        "text": "questions",
        "user_id": STAFF,
        "user_name": "staff",
        "channel_id": CHANNEL,
        "team_id": "T0SCHOOL",
        "response_url": rig.slack.response_url("questions"),
        "trigger_id": "T777.questions",
    }
    assert rig.post(form).status_code == 200
    [answer] = rig.slack.responses("questions")
    assert answer.body["response_type"] == "ephemeral"
    assert "used books at the book fair" in json.dumps(answer.body)
    assert "2135550777" not in json.dumps(answer.body)
