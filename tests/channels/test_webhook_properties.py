"""Any form, any bytes, any headers: the webhook answers cleanly (never a 5xx) and loses nothing."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.app import Bot
from bot.web import create_app
from tests.fixtures.twilio_signing import signed_post, sms_form

FIELD_NAMES = st.sampled_from(["From", "Body", "MessageSid", "To", "SmsSid", "X", ""])
FORMS = st.dictionaries(FIELD_NAMES, st.text(max_size=200), max_size=6)
PHONES = st.one_of(
    st.sampled_from(["+12135550401", "(213) 555-0402", "12345", "", "+1", "whatsapp:+12135550403"]),
    st.text(max_size=20),
)
CLEAN = {200, 400, 403, 413, 415}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=FORMS, signed=st.booleans())
def test_any_form_gets_a_clean_status(bot: Bot, form: dict[str, str], signed: bool) -> None:
    with TestClient(create_app(bot, run_dispatcher=False)) as client:
        if signed:
            data, headers = signed_post("/twilio/sms", form)
        else:
            data, headers = urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        response = client.post("/twilio/sms", content=data, headers=headers)
    assert response.status_code in CLEAN


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.binary(max_size=400),
    content_type=st.sampled_from(["application/x-www-form-urlencoded", "text/plain", ""]),
)
def test_any_bytes_get_a_clean_status(bot: Bot, raw: bytes, content_type: str) -> None:
    with TestClient(create_app(bot, run_dispatcher=False)) as client:
        headers = {"Content-Type": content_type, "X-Twilio-Signature": "AAAA"} if content_type else {}
        response = client.post("/twilio/sms", content=raw, headers=headers)
    assert response.status_code in CLEAN


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sender=PHONES,
    body=st.text(max_size=400),
    sid=st.text(alphabet="0123456789abcdef", min_size=1, max_size=32),
)
def test_signed_sms_is_answered_or_refused_and_kept_when_answered(
    bot: Bot, sender: str, body: str, sid: str
) -> None:
    with TestClient(create_app(bot, run_dispatcher=False)) as client:
        data, headers = signed_post("/twilio/sms", sms_form(sender, body, "SM" + sid))
        response = client.post("/twilio/sms", content=data, headers=headers)
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response>')
        with bot.store.engine.connect() as connection:
            stored = connection.execute(
                text("SELECT count(*) FROM messages WHERE provider_id = :sid AND direction = 'in'"),
                {"sid": "SM" + sid},
            ).scalar()
        assert stored == 1
