"""A realistic run with faults logs no secret and no full phone number."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.channels.twilio_transport import TwilioTransport
from bot.logs import configure_logging
from bot.outbox.dispatcher import Dispatcher, DispatcherConfig
from bot.services.data_rights import DataRights
from bot.web import create_app
from tests.fixtures.bots import make_bot
from tests.fixtures.fake_slack import FakeSlack
from tests.fixtures.fake_twilio import FakeTwilio, Fault
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN, signed_post, sms_form

pytestmark = pytest.mark.slow

SLACK_TOKEN = "xoxb-secret-bot-token-4242"
SLACK_SECRET = "slack-signing-secret-9f8e7d"
HASH_KEY = "phone-hash-key-a1b2c3d4e5"
PARENT, FLOODER = "+12135550123", "+13105550177"
CONCERN = [
    "hi",
    "1",
    "I have a problem with a bully on the bus",
    "2",
    "He pushes my son.",
    "1",
    "Leo, 3",
    "2",
    "eve",
]
FULL_PHONE = re.compile(r"\d{10}|\d{3}\D{1,2}\d{3}\D\d{4}")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The bot's own log configuration (masking included), writing to a buffer."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    configure_logging("DEBUG")
    buffer = io.StringIO()
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    root.handlers[:] = saved
    root.setLevel(level)


def test_no_secret_or_full_phone_number_is_logged(db_url: str, captured: io.StringIO) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio_api, FakeSlack(SLACK_TOKEN) as slack_api:
        twilio = TwilioTransport(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number="+12135550100",
            api_base_url=twilio_api.url,
        )
        bot = make_bot(
            db_url,
            transport=twilio,
            twilio_account_sid=ACCOUNT_SID,
            twilio_from_number="+12135550100",
            slack_bot_token=SLACK_TOKEN,
            slack_signing_secret=SLACK_SECRET,
            slack_api_url=slack_api.url,
            slack_concerns_channel="CSTAFF",
            inbound_max_per_minute=5,
            phone_hash_key=HASH_KEY,
        )
        with TestClient(create_app(bot, run_dispatcher=False)) as client:
            for n, text in enumerate(CONCERN):
                data, headers = signed_post("/twilio/sms", sms_form(PARENT, text, f"SMlog{n}"))
                assert client.post("/twilio/sms", content=data, headers=headers).status_code == 200
            for n in range(9):
                data, headers = signed_post("/twilio/sms", sms_form(FLOODER, "hello?", f"SMflood{n}"))
                client.post("/twilio/sms", content=data, headers=headers)
            data, headers = signed_post("/twilio/sms", sms_form(PARENT, "STOP", "SMlogstop"), token="wrong")
            assert client.post("/twilio/sms", content=data, headers=headers).status_code == 403
            assert client.post("/slack/events", content=b"token=x", headers=headers).status_code == 401
            with bot.store.transaction() as tx:
                tx.enqueue(key="bad", to_address="+12135550199", body="to a bad number", contact_id=None)
            twilio_api.fail_next(
                Fault(status=400, code=21211, message="Invalid 'To' Phone Number +12135550199")
            )
            twilio_api.random_faults(0.3, seed=3, delay=0.6)
            slack_api.random_faults(0.3, seed=3)
            config = DispatcherConfig(
                messages_per_second=100,
                base_backoff=0.01,
                max_backoff=0.05,
                verify_delay=0.1,
                max_attempts=30,
            )
            routes = {"slack": (bot.slack_transport, 100.0)}
            dispatcher = Dispatcher(bot.store, twilio, config, "log-test", routes)
            for _ in range(200):
                if not dispatcher.drain_once():
                    with bot.store.transaction() as tx:
                        if not tx.pending_outbox_ids():
                            break
        DataRights(bot.store, hash_key=HASH_KEY).forget(PARENT)
        bot.close()
    logs = captured.getvalue()
    assert "throttled" in logs and "***0177" in logs  # the run logged what matters, masked
    for secret in (AUTH_TOKEN, SLACK_TOKEN, SLACK_SECRET, HASH_KEY):
        assert secret not in logs
    assert not FULL_PHONE.findall(logs), FULL_PHONE.findall(logs)[:5]
