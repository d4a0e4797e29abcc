"""The Twilio webhooks with requests signed by the real twilio RequestValidator."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.app import Bot
from bot.web import create_app
from tests.fixtures.twilio_signing import signature, signed_post, sms_form

PHONE = "+12135550142"


@pytest.fixture
def client(bot: Bot) -> Iterator[TestClient]:
    with TestClient(create_app(bot, run_dispatcher=False)) as test_client:
        yield test_client


def post_sms(client: TestClient, body: str, sid: str, sender: str = PHONE):  # type: ignore[no-untyped-def]
    data, headers = signed_post("/twilio/sms", sms_form(sender, body, sid))
    return client.post("/twilio/sms", content=data, headers=headers)


def stored_messages(bot: Bot) -> list[tuple[str, str]]:
    with bot.store.engine.connect() as connection:
        rows = connection.execute(text("SELECT direction, body FROM messages ORDER BY id"))
        return [(row[0], row[1]) for row in rows]


def test_signed_sms_gets_twiml_reply(client: TestClient) -> None:
    response = post_sms(client, "Hello, when does the office open today?", "SM0001")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    assert "The office is open Mon-Fri 7:30 AM - 4:00 PM." in response.text


def test_signature_is_checked_against_public_url_not_request_host(client: TestClient) -> None:
    form = sms_form(PHONE, "hi", "SM0002")
    signed_for_host = signature("/twilio/sms", form, base="http://testserver")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signed_for_host}
    assert client.post("/twilio/sms", content=urlencode(form), headers=headers).status_code == 403


@pytest.mark.parametrize(
    "bad_signature", ["", "not-a-signature", signature("/twilio/sms", {"Body": "other"})]
)
def test_bad_or_missing_signature_is_403_and_stores_nothing(
    client: TestClient, bot: Bot, bad_signature: str
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if bad_signature:
        headers["X-Twilio-Signature"] = bad_signature
    response = client.post("/twilio/sms", content=urlencode(sms_form(PHONE, "hi", "SM0003")), headers=headers)
    assert response.status_code == 403
    assert stored_messages(bot) == []


def test_wrong_auth_token_is_403(client: TestClient) -> None:
    data, headers = signed_post("/twilio/sms", sms_form(PHONE, "hi", "SM0004"), token="someone-elses-token")
    assert client.post("/twilio/sms", content=data, headers=headers).status_code == 403


@pytest.mark.parametrize("missing", ["From", "Body", "MessageSid"])
def test_missing_fields_are_400(client: TestClient, missing: str) -> None:
    form = sms_form(PHONE, "hi", "SM0005")
    form.pop(missing)
    if missing == "MessageSid":
        form.pop("SmsSid")
        form.pop("SmsMessageSid")
    data, headers = signed_post("/twilio/sms", form)
    response = client.post("/twilio/sms", content=data, headers=headers)
    assert response.status_code == 400
    assert "required" in response.json()["detail"]


def test_one_megabyte_body_is_413(client: TestClient, bot: Bot) -> None:
    data, headers = signed_post("/twilio/sms", sms_form(PHONE, "x" * 1_000_000, "SM0006"))
    response = client.post("/twilio/sms", content=data, headers=headers)
    assert response.status_code == 413
    assert stored_messages(bot) == []


def test_invalid_utf8_is_400(client: TestClient) -> None:
    body = b"From=%2B12135550142&Body=%FF%FE%FA&MessageSid=SM0007"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    assert client.post("/twilio/sms", content=body, headers=headers).status_code == 400


def test_raw_non_ascii_bytes_are_400(client: TestClient) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    response = client.post("/twilio/sms", content="Body=héllo".encode("latin-1"), headers=headers)
    assert response.status_code == 400


def test_json_body_is_415(client: TestClient) -> None:
    response = client.post("/twilio/sms", json={"From": PHONE, "Body": "hi"})
    assert response.status_code == 415


def test_emoji_and_long_texts_are_answered_and_stored_verbatim(client: TestClient, bot: Bot) -> None:
    emoji = "👋🏽 hola 😊 ¿qué tal?"
    long_text = ("Mi hijo necesita ayuda con la tarea de matemáticas. " * 40)[:1600]
    assert post_sms(client, emoji, "SM0008").status_code == 200
    assert post_sms(client, long_text, "SM0009").status_code == 200
    inbound = [body for direction, body in stored_messages(bot) if direction == "in"]
    assert inbound == [emoji, long_text]


def test_sql_looking_text_is_stored_verbatim(client: TestClient, bot: Bot) -> None:
    nasty = "Robert'); DROP TABLE contacts;-- \" OR 1=1 --"
    assert post_sms(client, nasty, "SM0010").status_code == 200
    assert ("in", nasty) in stored_messages(bot)
    assert post_sms(client, "menu", "SM0011").status_code == 200  # the contacts table is still there


@pytest.mark.parametrize("sender", ["12345", "abc", "whatsapp:", "+1", "+999999999999999999"])
def test_unknown_senders_are_rejected_cleanly(client: TestClient, bot: Bot, sender: str) -> None:
    response = post_sms(client, "hi", "SM0012", sender=sender)
    assert response.status_code == 400
    assert "phone number" in response.json()["detail"]
    assert stored_messages(bot) == []


def test_duplicate_message_sid_gets_the_same_answer_and_is_stored_once(client: TestClient, bot: Bot) -> None:
    first = post_sms(client, "hi", "SM0013")
    second = post_sms(client, "hi", "SM0013")
    assert first.status_code == second.status_code == 200
    assert first.text == second.text
    assert "1 English" in first.text
    inbound = [m for m in stored_messages(bot) if m[0] == "in"]
    assert len(inbound) == 1


def test_status_callbacks_are_recorded_once_per_status(client: TestClient, bot: Bot) -> None:
    for status in ("queued", "sent", "delivered", "delivered"):
        form = {"MessageSid": "SMabc", "MessageStatus": status, "AccountSid": "AC1"}
        data, headers = signed_post("/twilio/status", form)
        assert client.post("/twilio/status", content=data, headers=headers).status_code == 204
    with bot.store.engine.connect() as connection:
        statuses = [r[0] for r in connection.execute(text("SELECT status FROM message_statuses ORDER BY id"))]
    assert statuses == ["queued", "sent", "delivered"]


def test_status_callback_needs_a_signature(client: TestClient) -> None:
    form = {"MessageSid": "SMabc", "MessageStatus": "delivered"}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "bad"}
    assert client.post("/twilio/status", content=urlencode(form), headers=headers).status_code == 403


def test_carrier_opt_out_in_status_callback_opts_the_contact_out(client: TestClient, bot: Bot) -> None:
    post_sms(client, "hi", "SM0014")
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None
        tx.add_message(
            contact_id=contact.id,
            direction="out",
            channel="sms",
            body="x",
            status="sent",
            provider_id="SMout1",
        )
    form = {"MessageSid": "SMout1", "MessageStatus": "undelivered", "ErrorCode": "21610"}
    data, headers = signed_post("/twilio/status", form)
    assert client.post("/twilio/status", content=data, headers=headers).status_code == 204
    with bot.store.transaction() as tx:
        contact = tx.contact_by_phone(PHONE)
        assert contact is not None and contact.opted_out
        assert tx.consent_history(contact.id)[-1][:2] == ("opt_out", "carrier_21610")


def test_no_auth_token_means_inbound_is_refused(db_url: str) -> None:
    from tests.fixtures.bots import make_bot

    unverifiable = make_bot(db_url, twilio_auth_token="")
    with TestClient(create_app(unverifiable, run_dispatcher=False)) as test_client:
        data, headers = signed_post("/twilio/sms", sms_form(PHONE, "hi", "SM0015"))
        response = test_client.post("/twilio/sms", content=data, headers=headers)
    unverifiable.close()
    assert response.status_code == 403
    assert "TWILIO_AUTH_TOKEN" in response.json()["detail"]


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    ("sender", "answered"),
    [
        ("+442079460958", False),  # United Kingdom
        ("+8613800138000", False),  # China
        ("+18765550123", False),  # Jamaica: +1, but not a country the school serves
        ("+17875550123", True),  # Puerto Rico
        ("+14165550123", True),  # Canada
    ],
)
def test_only_numbers_of_the_allowed_countries_are_answered(
    bot: Bot, client: TestClient, sender: str, answered: bool
) -> None:
    before = stored_messages(bot)
    response = post_sms(client, "hello, when is the office open?", f"SMc{sender[1:]}", sender=sender)
    assert response.status_code == 200
    assert ("<Message>" in response.text) == answered
    assert (stored_messages(bot) != before) == answered
