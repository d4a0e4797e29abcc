"""The Slack outbox transport with the real WebClient, pointed at a fake Slack Web API."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.channels.slack_app import web_client
from bot.channels.slack_transport import SlackAlertTransport
from bot.outbox.transport import PermanentSendError, TransientSendError, Transport
from bot.services.concern_types import alert_body, escalation_body
from tests.fixtures.fake_concerns import FakeConcerns, make_concern
from tests.fixtures.fake_slack import FakeSlack, SlackFault

TOKEN = "xoxb-transport-token"
CHANNEL = "C0CONCERNS"
ESCALATIONS = "C0ESCALATE"
REF = "C-2026-0042"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(TOKEN) as server:
        yield server


@pytest.fixture
def concerns() -> FakeConcerns:
    return FakeConcerns(make_concern(REF), staff={"U0STAFF"})


def transport(
    slack: FakeSlack, concerns: FakeConcerns, token: str = TOKEN, **options: bool
) -> SlackAlertTransport:
    client = WebClient(token=token, base_url=slack.api_url, timeout=3)
    return SlackAlertTransport(client, concerns, options.get("show_descriptions", False))


def test_it_is_an_outbox_transport(slack: FakeSlack, concerns: FakeConcerns) -> None:
    port: Transport = transport(slack, concerns)
    assert port.name == "slack"
    assert port.find_sent(CHANNEL, alert_body(REF), datetime.now(UTC)) is None


def test_first_send_posts_and_records_then_the_next_updates_in_place(
    slack: FakeSlack, concerns: FakeConcerns
) -> None:
    slack_transport = transport(slack, concerns)
    first = slack_transport.send(CHANNEL, alert_body(REF))
    [post] = slack.calls("chat.postMessage")
    assert post.body["channel"] == CHANNEL and post.authorization == f"Bearer {TOKEN}"
    ts = concerns.concerns[REF].alert_ts
    assert ts is not None and first.provider_id == f"{CHANNEL}:{ts}"
    assert concerns.calls_to("set_alert_message") == [(REF, CHANNEL, ts)]

    concerns.acknowledge(REF, "U0STAFF")
    second = slack_transport.send(CHANNEL, alert_body(REF))
    assert second.provider_id == first.provider_id
    assert len(slack.calls("chat.postMessage")) == 1
    [update] = slack.calls("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (CHANNEL, ts)
    message = slack.message(CHANNEL, ts)
    assert message is not None and "Acknowledged by <@U0STAFF>" in json.dumps(message["blocks"])


def test_the_alert_honours_the_description_setting(slack: FakeSlack, concerns: FakeConcerns) -> None:
    transport(slack, concerns).send(CHANNEL, alert_body(REF))
    concerns.concerns["C-2026-0043"] = make_concern("C-2026-0043")
    transport(slack, concerns, show_descriptions=True).send(CHANNEL, alert_body("C-2026-0043"))
    hidden, shown = (
        json.dumps(c.body["blocks"], ensure_ascii=False) for c in slack.calls("chat.postMessage")
    )
    description = concerns.concerns[REF].description
    assert description not in hidden and description in shown


def test_a_deleted_alert_is_posted_again(slack: FakeSlack, concerns: FakeConcerns) -> None:
    concerns.set_alert_message(REF, CHANNEL, "1600000000.000100")
    transport(slack, concerns).send(CHANNEL, alert_body(REF))
    assert len(slack.calls("chat.update")) == 1
    assert len(slack.calls("chat.postMessage")) == 1
    assert concerns.concerns[REF].alert_ts not in (None, "1600000000.000100")


def test_an_escalation_is_posted_with_its_reason(slack: FakeSlack, concerns: FakeConcerns) -> None:
    receipt = transport(slack, concerns).send(
        ESCALATIONS, escalation_body(REF, "not acknowledged within 1 school day")
    )
    [post] = slack.calls("chat.postMessage")
    assert post.body["channel"] == ESCALATIONS
    assert "not acknowledged within 1 school day" in post.body["text"]
    assert receipt.provider_id.startswith(f"{ESCALATIONS}:")
    assert concerns.calls_to("set_alert_message") == []


def test_a_rate_limit_is_transient_with_retry_after(slack: FakeSlack, concerns: FakeConcerns) -> None:
    slack.fail_next(SlackFault(status=429, error="ratelimited", retry_after=30))
    with pytest.raises(TransientSendError) as raised:
        transport(slack, concerns).send(CHANNEL, alert_body(REF))
    assert raised.value.retry_after == 30
    assert concerns.calls_to("set_alert_message") == []


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_transient(slack: FakeSlack, concerns: FakeConcerns, status: int) -> None:
    slack.fail_next(SlackFault(status=status, error="internal_error"))
    with pytest.raises(TransientSendError) as raised:
        transport(slack, concerns).send(CHANNEL, alert_body(REF))
    assert raised.value.retry_after is None


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_channel_errors_are_permanent(slack: FakeSlack, concerns: FakeConcerns, error: str) -> None:
    slack.fail_next(SlackFault(status=200, error=error))
    with pytest.raises(PermanentSendError, match=error):
        transport(slack, concerns).send(CHANNEL, alert_body(REF))


def test_a_wrong_token_is_permanent(slack: FakeSlack, concerns: FakeConcerns) -> None:
    with pytest.raises(PermanentSendError, match="invalid_auth"):
        transport(slack, concerns, token="xoxb-wrong").send(CHANNEL, alert_body(REF))


def test_an_unreachable_slack_is_transient(concerns: FakeConcerns) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = WebClient(token=TOKEN, base_url=f"http://127.0.0.1:{port}/api/", timeout=1)
    with pytest.raises(TransientSendError, match="unreachable"):
        SlackAlertTransport(client, concerns, False).send(CHANNEL, alert_body(REF))


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"kind": "haiku", "reference": REF}),
        json.dumps({"kind": "concern_alert"}),
    ],
)
def test_malformed_bodies_are_permanent(slack: FakeSlack, concerns: FakeConcerns, body: str) -> None:
    with pytest.raises(PermanentSendError):
        transport(slack, concerns).send(CHANNEL, body)
    assert slack.calls() == []


def test_an_unknown_concern_is_permanent(slack: FakeSlack, concerns: FakeConcerns) -> None:
    with pytest.raises(PermanentSendError, match="C-1999-0001"):
        transport(slack, concerns).send(CHANNEL, alert_body("C-1999-0001"))


@pytest.mark.parametrize("suffix", ["", "/", "/api", "/api/"])
def test_web_client_points_at_the_configured_host(
    slack: FakeSlack, concerns: FakeConcerns, suffix: str
) -> None:
    client = web_client(token=TOKEN, api_url=slack.url + suffix, timeout=3)
    assert client.base_url == slack.api_url
    SlackAlertTransport(client, concerns, False).send(CHANNEL, alert_body(REF))
    assert len(slack.calls("chat.postMessage")) == 1


def test_web_client_defaults_to_slack() -> None:
    assert web_client(token=TOKEN).base_url == "https://slack.com/api/"
