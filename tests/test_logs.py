"""Logs never hold a full phone number and never let an outsider's text pass for a log line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool

from bot.channels.slack_app import build_slack_app
from bot.channels.slack_routes import slack_router
from bot.logs import SafeFormatter, configure_logging, mask_phones
from tests.fixtures.fake_concerns import FakeConcerns


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("text from +12135550142", "text from ***0142"),
        ("call (213) 555-0142 now", "call ***0142 now"),
        ("to 213.555.0142 and +442071838750", "to ***0142 and ***8750"),
        ("From=%2B12135550155&Body=hi", "From=***0155&Body=hi"),
        ("london +44 20 7946 0958 today", "london ***0958 today"),
        ("bare 442079460958 digits", "bare ***0958 digits"),
        ("beijing +86 138 0013 8000", "beijing ***8000"),
        ("phone=+1%20213%20555%200100", "phone=***0100"),
        ("outbox 42 sent at 2026-11-23 18:40:00,000", "outbox 42 sent at 2026-11-23 18:40:00,000"),
        ("C-2026-0042 status 21610", "C-2026-0042 status 21610"),
        ("SM0123456789abcdef0123456789abcdef", "SM0123456789abcdef0123456789abcdef"),
    ],
)
def test_phone_numbers_are_masked_in_any_form(text: str, expected: str) -> None:
    assert mask_phones(text) == expected


def _format(message: str, *args: object, exc_info: bool = False) -> str:
    record = logging.LogRecord("bot.web", logging.ERROR, __file__, 1, message, args, None)
    if exc_info:
        record.exc_info = sys.exc_info()
    return SafeFormatter("%(levelname)s %(name)s: %(message)s").format(record)


def test_line_breaks_in_a_message_cannot_forge_a_record() -> None:
    line = _format("body %s", "hi\n2026-12-04 18:40:00,000 ERROR bot.web: INJECTED\r\nmore")
    assert "\n" not in line and "\r" not in line
    assert line == "ERROR bot.web: body hi\\n2026-12-04 18:40:00,000 ERROR bot.web: INJECTED\\r\\nmore"


def test_tracebacks_are_masked_and_every_continuation_line_is_indented() -> None:
    try:
        raise ValueError("no contact +12135550177\nERROR bot.web: INJECTED")
    except ValueError:
        text = _format("failed for %s", "+12135550177", exc_info=True)
    assert "2135550177" not in text
    assert text.count("***0177") >= 2  # the message, the exception and the source line
    head, *rest = text.split("\n")
    assert head == "ERROR bot.web: failed for ***0177"
    assert rest and all(line.startswith("\t") for line in rest)


@pytest.fixture
def root_at_info() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_an_unsigned_slack_request_body_is_not_logged(
    root_at_info: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")  # the handler writes to the stderr capsys captures
    bolt = build_slack_app(
        signing_secret="secret",
        client=WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/"),
        concerns=FakeConcerns(),
        show_descriptions=False,
        staff_ids=frozenset({"USTAFF01"}),
    )
    api = FastAPI()
    api.include_router(slack_router(bolt, max_body=64 * 1024, run_blocking=run_in_threadpool))
    marker = "FORGED-LINE-MARKER"
    body = f"command=/outreach&text={marker}%0A2026-12-04+ERROR+bot.web:+INJECTED"
    with TestClient(api) as http:
        answer = http.post(
            "/slack/events",
            content=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": "1700000000",
                "X-Slack-Signature": "v0=" + "0" * 64,
            },
        )
    assert answer.status_code == 401
    assert marker not in capsys.readouterr().err
