"""The real twilio client, pointed at a fake Twilio API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.twilio_transport import TwilioTransport
from bot.outbox.transport import PermanentSendError, TransientSendError
from tests.fixtures.fake_twilio import FakeTwilio, Fault
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN

TO = "+12135550177"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as server:
        yield server


def transport(fake: FakeTwilio, **overrides: str) -> TwilioTransport:
    values = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "from_number": "+12135550100",
        "status_callback": "https://outreach.example.org/twilio/status",
        "api_base_url": fake.url,
    }
    values.update(overrides)
    return TwilioTransport(timeout=2.0, **values)  # type: ignore[arg-type]


def test_send_posts_the_message_with_from_and_status_callback(fake: FakeTwilio) -> None:
    receipt = transport(fake).send(TO, "Hola 👋 familia")
    assert receipt.provider_id.startswith("SM")
    [sent] = fake.messages
    assert (sent.to, sent.body, sent.sender) == (TO, "Hola 👋 familia", "+12135550100")
    assert sent.status_callback == "https://outreach.example.org/twilio/status"
    method, path, _form = fake.state.requests[0]
    assert (method, path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json")


def test_messaging_service_sid_is_used_when_configured(fake: FakeTwilio) -> None:
    transport(fake, from_number="", messaging_service_sid="MG" + "1" * 32).send(TO, "hi")
    assert fake.messages[0].sender == "MG" + "1" * 32


def test_wrong_credentials_are_a_permanent_error(fake: FakeTwilio) -> None:
    with pytest.raises(PermanentSendError) as raised:
        transport(fake, auth_token="wrong").send(TO, "hi")
    assert raised.value.code == 20003
    assert fake.messages == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_transient(fake: FakeTwilio, status: int) -> None:
    fake.fail_next(Fault(status=status, code=20429 if status == 429 else 20500))
    with pytest.raises(TransientSendError):
        transport(fake).send(TO, "hi")
    assert fake.messages == []


def test_dropped_connection_is_transient(fake: FakeTwilio) -> None:
    fake.fail_next(Fault(drop=True))
    with pytest.raises(TransientSendError):
        transport(fake).send(TO, "hi")


def test_carrier_opt_out_is_permanent_with_its_code(fake: FakeTwilio) -> None:
    fake.fail_next(Fault(status=400, code=21610, message="Attempt to send to unsubscribed recipient"))
    with pytest.raises(PermanentSendError) as raised:
        transport(fake).send(TO, "hi")
    assert raised.value.code == 21610


def test_find_sent_matches_body_and_number_since_a_moment(fake: FakeTwilio) -> None:
    client = transport(fake)
    before = datetime.now(UTC) - timedelta(seconds=5)
    receipt = client.send(TO, "reminder: family night")
    client.send("+12135550178", "reminder: family night")
    assert client.find_sent(TO, "reminder: family night", before) == receipt.provider_id
    assert client.find_sent(TO, "another text", before) is None
    assert client.find_sent(TO, "reminder: family night", datetime.now(UTC) + timedelta(minutes=5)) is None
