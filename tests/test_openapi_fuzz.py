"""Schemathesis against the app's own OpenAPI schema, in process: no input gets a 5xx.

Twilio routes are signed as Twilio signs them, so generated forms reach the conversation rather
than stopping at the signature check.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.openapi import from_asgi

from bot.web import create_app
from tests.fixtures.bots import make_bot
from tests.fixtures.twilio_signing import signature

pytestmark = pytest.mark.slow


def sign_twilio_forms(case: Any) -> None:
    """Sign a generated Twilio form as Twilio would, so it gets past the signature check."""
    if case.path.startswith("/twilio/") and isinstance(case.body, dict):
        form = {str(k): str(v) for k, v in case.body.items()}
        case.body = form
        case.headers = {**(case.headers or {}), "X-Twilio-Signature": signature(case.path, form)}


def test_no_input_gets_a_server_error(db_url: str) -> None:
    # The schemathesis pytest plugin's fixture mode does not run on pytest 9: drive Hypothesis here.
    bot = make_bot(db_url, enable_api_docs=True)
    schema = from_asgi("/openapi.json", create_app(bot, run_dispatcher=False))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/twilio/sms", "/twilio/status", "/slack/events", "/healthz"}
    seen: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case: Any) -> None:
            sign_twilio_forms(case)
            response = case.call()
            seen.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.path}: {response.status_code} {response.text[:200]}"
            )

        no_server_error()
    print(f"\nschemathesis: {len(seen)} requests, statuses {sorted(set(seen))}")
    assert 200 in seen  # signed forms reached the conversation
