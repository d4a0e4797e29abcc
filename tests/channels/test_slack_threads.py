"""Conversations in Slack threads across every real part (issue 17).

The real conversation, thread service, outbox dispatcher, Bolt app at /slack/events, slack_sdk
client against the fake Slack Web API, the real twilio client against the fake Twilio API, and
the real LibreTranslate client against the fake LibreTranslate, with Events API deliveries signed
as Slack signs them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.app import Bot
from bot.channels.twilio_transport import TwilioTransport
from bot.clock import ManualClock, running_at
from bot.domain import Inbound
from bot.i18n.segments import segment_count
from bot.outbox.dispatcher import Dispatcher
from bot.services.data_rights import DataRights
from bot.web import create_app
from tests.fixtures.bots import slack_bot
from tests.fixtures.fake_slack import FakeSlack
from tests.fixtures.fake_translators import FakeTranslators
from tests.fixtures.fake_twilio import FakeTwilio, SentMessage
from tests.fixtures.slack_events_api import SlackEvents
from tests.fixtures.slack_requests import SlackRequests
from tests.fixtures.twilio_signing import ACCOUNT_SID, AUTH_TOKEN, signed_post

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "xoxb-school-0000"
CHANNEL = "C0CONCERNS"
STAFF = "U0STAFF01"
STRANGER = "U0NOTSTAFF"
PARENT = "+12135550777"
SCHOOL_NUMBER = "+12135550100"
DESCRIPTION = "Un niño empuja a mi hijo Leo en el autobús todas las mañanas."
FOLLOW_UP = "Otra cosa: el chofer también fue grosero con mi hijo"
STAFF_REPLY = "Please call me after 3 pm"  # the fake LibreTranslate knows its Spanish
SPANISH_REPLY = "Por favor llámeme después de las 3 pm"
LA = ZoneInfo("America/Los_Angeles")


class Rig:
    """The wired bot and its web app, the fakes, and helpers to text, post events and send."""

    def __init__(self, bot: Bot, http: TestClient, slack: FakeSlack, twilio: FakeTwilio) -> None:
        self.bot, self.http, self.slack, self.twilio = bot, http, slack, twilio
        self.events = SlackEvents(http, SECRET)
        self.requests = SlackRequests(http, SECRET, slack.response_url("command"))
        self.clock: ManualClock | None = None
        self.dispatcher = self._dispatcher()

    def _dispatcher(self) -> Dispatcher:
        return self.bot.dispatcher("test", clock=self.clock) if self.clock else self.bot.dispatcher("test")

    def at(self, moment: datetime) -> None:
        """From now on the dispatcher and the texts in the test's thread read this time."""
        self.clock = ManualClock(moment)
        self.dispatcher = self._dispatcher()

    def text(self, body: str) -> list[str]:
        """The parent texts the bot; the replies."""
        return self.bot.conversation.handle(Inbound("sms", PARENT, body)).replies

    def drain(self) -> None:
        """Send what is due: SMS to the fake Twilio, thread posts and reactions to the fake Slack."""
        for _ in range(20):
            if not self.dispatcher.drain_once():
                return

    def file_concern(self) -> str:
        """A Spanish-speaking parent files a bus concern by SMS; its alert is posted."""
        # The same path as tests/channels/test_slack_concerns.py: language, menu, concern, its answers.
        for body in ("hola", "2", "menu", "1", "2", DESCRIPTION, "1", "Leo, 3er grado", "1"):
            self.text(body)
        reply = self.text("por las tardes")[0]
        reference = "C-" + reply.split("C-", 1)[1][:9]
        self.drain()
        return reference

    def alert_ts(self, reference: str) -> str:
        ts = self.bot.concerns.view(reference).alert_ts
        assert ts is not None
        return ts

    def staff_writes(self, thread_ts: str, body: str, *, user: str = "", **extra: Any) -> dict[str, Any]:
        """A person writes in the thread: the message exists in Slack, and its event is delivered."""
        event = self.events.thread_reply(CHANNEL, thread_ts, user or STAFF, body, **extra)
        self.slack.add_message(CHANNEL, event["ts"], body, user=user or STAFF)
        envelope = self.events.envelope(event)
        assert self.events.post(envelope).status_code == 200
        return envelope

    def to_parent(self) -> list[SentMessage]:
        return [m for m in self.twilio.messages if m.to == PARENT]

    def thread_posts(self, thread_ts: str) -> list[dict[str, Any]]:
        return self.slack.thread(CHANNEL, thread_ts)

    def reactions(self, ts: str) -> list[str]:
        message = self.slack.message(CHANNEL, ts) or {}
        return list(message.get("reactions") or [])

    def status_callback(self, sid: str, status: str) -> int:
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID, "To": PARENT}
        body, headers = signed_post("/twilio/status", form)
        return int(self.http.post("/twilio/status", content=body, headers=headers).status_code)


@contextmanager
def wired(db_url: str, *, translate: bool, show: bool = False, **overrides: Any) -> Iterator[Rig]:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio, FakeTranslators() as libre:
        sms = TwilioTransport(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number=SCHOOL_NUMBER,
            api_base_url=twilio.url,
        )
        with (
            slack_bot(
                db_url,
                token=TOKEN,
                secret=SECRET,
                staff=STAFF,
                transport=sms,
                slack_concerns_channel=CHANNEL,
                slack_show_descriptions=show,
                translation_provider="libretranslate" if translate else "",
                libretranslate_url=libre.url if translate else "",
                **overrides,
            ) as (bot, slack),
            TestClient(create_app(bot, run_dispatcher=False)) as http,
        ):
            yield Rig(bot, http, slack, twilio)
        # Every thread post, reaction and answer is one real Slack would take and show as meant.
        assert slack.refusals() == [] and slack.garbled() == []


@pytest.fixture
def rig(db_url: str) -> Iterator[Rig]:
    with wired(db_url, translate=True) as built:
        yield built


@pytest.fixture
def plain_rig(db_url: str) -> Iterator[Rig]:
    with wired(db_url, translate=False) as built:
        yield built


def count(rig: Rig, sql: str) -> int:
    with rig.bot.store.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar() or 0)


def test_a_follow_up_text_lands_in_the_alerts_thread_without_the_words(rig: Rig) -> None:
    reference = rig.file_concern()
    thread_ts = rig.alert_ts(reference)
    replies = rig.text(FOLLOW_UP)
    assert replies == [f"Lo agregamos a su queja {reference}. El personal lo verá."]
    assert rig.text("También llegó tarde el martes.") == []  # acknowledged once, not on every text
    rig.drain()
    posts = rig.thread_posts(thread_ts)
    assert len(posts) == 2
    shown = json.dumps(posts, ensure_ascii=False)
    assert "Spanish" in shown and "View message" in shown
    assert "chofer" not in shown and "grosero" not in shown  # descriptions are not shown here
    with rig.bot.store.transaction() as tx:
        concern = tx.concern(reference) or {}
        history = [kind for kind, _actor, _detail, _at in tx.concern_events(concern["id"])]
    assert history.count("parent_message") == 2


def test_where_descriptions_may_be_shown_the_thread_shows_the_words_and_translation(db_url: str) -> None:
    with wired(db_url, translate=True, show=True) as rig:
        reference = rig.file_concern()
        rig.text(FOLLOW_UP)
        rig.drain()
        [post] = rig.thread_posts(rig.alert_ts(reference))
        shown = json.dumps(post["blocks"], ensure_ascii=False)
        assert FOLLOW_UP in shown and f"[en] {FOLLOW_UP}" in shown and "Machine translation" in shown
        assert "View message" not in shown


def test_the_view_button_shows_the_words_and_the_translation_and_is_logged(rig: Rig) -> None:
    reference = rig.file_concern()
    rig.text(FOLLOW_UP)
    rig.drain()
    [post] = rig.thread_posts(rig.alert_ts(reference))
    button = post["blocks"][1]["elements"][0]
    assert rig.requests.click(button["action_id"], button["value"], STAFF, CHANNEL).status_code == 200
    [shown] = rig.slack.responses("command")  # privately, through the click's response_url
    assert shown.body["response_type"] == "ephemeral"
    words = json.dumps(shown.body, ensure_ascii=False)
    assert FOLLOW_UP in words and "Machine translation" in words and f"[en] {FOLLOW_UP}" in words
    assert count(rig, "SELECT count(*) FROM concern_events WHERE kind = 'viewed'") == 1
    stranger = rig.requests.click(button["action_id"], button["value"], STRANGER, CHANNEL)
    assert stranger.status_code == 200
    refused = rig.slack.responses("command")[-1]
    assert "Only school staff" in refused.body["text"]
    assert FOLLOW_UP not in json.dumps(refused.body, ensure_ascii=False)


def test_a_staff_thread_reply_reaches_the_parent_in_spanish_with_its_status(rig: Rig) -> None:
    reference = rig.file_concern()
    thread_ts = rig.alert_ts(reference)
    rig.text(FOLLOW_UP)
    envelope = rig.staff_writes(thread_ts, STAFF_REPLY)
    rig.drain()
    [sms] = rig.to_parent()[-1:]
    assert SPANISH_REPLY in sms.body and STAFF_REPLY not in sms.body
    assert f"sobre {reference} (traducido por computadora del inglés)" in sms.body
    staff_ts = envelope["event"]["ts"]
    assert rig.reactions(staff_ts) == ["outbox_tray"]
    notices = [p["text"] for p in rig.thread_posts(thread_ts) if "Texting the family" in str(p["text"])]
    assert notices and "Spanish" in notices[0] and "machine-translated" in notices[0]
    with rig.bot.store.transaction() as tx:
        original = tx.session.execute(
            text("SELECT body, translation FROM thread_messages WHERE direction = 'staff'")
        ).one()
    assert tuple(original) == (STAFF_REPLY, SPANISH_REPLY)  # the original is kept beside the translation
    assert rig.bot.concerns.view(reference).status == "acknowledged"  # the reply acknowledged it
    assert not [m for m in rig.to_parent() if "ya vio su queja" in m.body]  # no second text saying so
    assert rig.status_callback(sms.sid, "sent") == 204
    assert rig.status_callback(sms.sid, "delivered") == 204
    rig.drain()
    assert rig.reactions(staff_ts) == ["outbox_tray", "incoming_envelope", "white_check_mark"]
    facts = rig.bot.store.transaction
    with facts() as tx:
        kinds = [(kind, detail, locale) for _ind, kind, detail, locale in tx.evidence("1D")]
    assert ("parent_message", "concern", "es") in kinds and ("staff_reply", "answered", "es") in kinds


def test_with_translation_off_the_reply_goes_as_written_under_a_language_header(plain_rig: Rig) -> None:
    rig = plain_rig
    reference = rig.file_concern()
    rig.staff_writes(rig.alert_ts(reference), STAFF_REPLY)
    rig.drain()
    [sms] = rig.to_parent()[-1:]
    assert (
        sms.body
        == f"Mensaje del personal de la escuela sobre {reference} (escrito en inglés):\n{STAFF_REPLY}"
    )


def test_strangers_bots_edits_deletions_and_notes_are_not_sent(rig: Rig) -> None:
    reference = rig.file_concern()
    thread_ts = rig.alert_ts(reference)
    before = len(rig.to_parent())
    rig.staff_writes(thread_ts, "I am not staff but I answer anyway", user=STRANGER)
    rig.staff_writes(thread_ts, "// called the driver's supervisor, waiting")
    rig.staff_writes(thread_ts, "!urgent")
    bot_event = rig.events.thread_reply(
        CHANNEL, thread_ts, "UBOT", "A bot speaks", subtype="bot_message", bot_id="BBOT"
    )
    assert rig.events.post(rig.events.envelope(bot_event)).status_code == 200
    sent = rig.staff_writes(thread_ts, "Will call tomorrow")
    rig.drain()
    assert len(rig.to_parent()) == before + 1
    edit = rig.events.edited(CHANNEL, thread_ts, STAFF, sent["event"]["ts"], "Will call today instead")
    assert rig.events.post(rig.events.envelope(edit)).status_code == 200
    deletion = rig.events.deleted(CHANNEL, sent["event"]["ts"])
    assert rig.events.post(rig.events.envelope(deletion)).status_code == 200
    rig.drain()
    bodies = [m.body for m in rig.to_parent()[before:]]
    assert len(bodies) == 1 and "Will call tomorrow" in bodies[0]
    assert not any(word in " ".join(bodies) for word in ("not staff", "supervisor", "bot speaks", "today"))
    told = [c for c in rig.slack.calls("chat.postEphemeral") if c.body.get("user") == STRANGER]
    assert told and "not sent" in told[0].body["text"]
    assert count(rig, "SELECT count(*) FROM thread_messages WHERE direction = 'staff'") == 1


def test_a_retried_event_delivery_acts_once(rig: Rig) -> None:
    reference = rig.file_concern()
    envelope = rig.staff_writes(rig.alert_ts(reference), "Will call tomorrow")
    assert rig.events.post(envelope, retry=1).status_code == 200
    # Slack's retry carries the same event id; a second event for the same message (a new id) too.
    again = {**envelope, "event_id": "EvOtherId01"}
    assert rig.events.post(again, retry=2).status_code == 200
    rig.drain()
    assert len([m for m in rig.to_parent() if "Will call tomorrow" in m.body]) == 1


def test_a_reply_at_22_00_waits_for_08_00_unless_urgent(db_url: str) -> None:
    with wired(db_url, translate=False, quiet_hours_start="21:00", quiet_hours_end="08:00") as rig:
        reference = rig.file_concern()
        thread_ts = rig.alert_ts(reference)
        before = len(rig.to_parent())
        evening = datetime(2026, 12, 3, 22, 0, tzinfo=LA)
        rig.at(evening)
        with running_at(rig.clock or ManualClock(evening)):
            rig.staff_writes(thread_ts, "We spoke with the driver today.")
            rig.staff_writes(thread_ts, "!urgent The bus is cancelled tomorrow morning.")
        rig.drain()
        bodies = [m.body for m in rig.to_parent()[before:]]
        assert len(bodies) == 1 and "cancelled" in bodies[0] and "!urgent" not in bodies[0]
        notices = " ".join(str(p["text"]) for p in rig.thread_posts(thread_ts))
        assert "Quiet hours" in notices
        assert rig.clock is not None
        rig.clock.set(datetime(2026, 12, 4, 7, 59, tzinfo=LA))
        rig.drain()
        assert len(rig.to_parent()) == before + 1
        rig.clock.set(datetime(2026, 12, 4, 8, 0, tzinfo=LA))
        rig.drain()
        assert "We spoke with the driver today." in rig.to_parent()[-1].body


def test_a_long_reply_is_split_between_sentences_within_three_segments(plain_rig: Rig) -> None:
    rig = plain_rig
    reference = rig.file_concern()
    sentences = [f"Sentence number {n} tells the family one more thing about the bus." for n in range(1, 16)]
    rig.staff_writes(rig.alert_ts(reference), " ".join(sentences))
    rig.drain()
    parts = [m.body for m in rig.to_parent() if "Sentence number" in m.body]
    assert len(parts) >= 3
    assert all(segment_count(part) <= 3 and len(part) <= 1600 for part in parts)
    assert all(part.endswith("about the bus.") for part in parts)
    assert " ".join(p.split(":\n", 1)[-1] for p in parts) == " ".join(sentences)


def test_staff_replies_to_an_opted_out_family_are_refused_and_staff_told(rig: Rig) -> None:
    reference = rig.file_concern()
    thread_ts = rig.alert_ts(reference)
    rig.text("STOP")
    before = len(rig.to_parent())
    rig.staff_writes(thread_ts, "Will call tomorrow")
    rig.drain()
    assert len(rig.to_parent()) == before
    assert any("opted out" in str(p["text"]) for p in rig.thread_posts(thread_ts))


def test_outreach_text_starts_a_direct_conversation_and_the_parent_answer_joins_it(plain_rig: Rig) -> None:
    rig = plain_rig
    rig.text("hola")
    rig.text("2")  # español
    response = rig.requests.command(f"text {PARENT} Hello, Leo was absent today. Is he well?", STAFF)
    assert response.status_code == 200
    [answer] = rig.slack.responses("command")
    assert "Texting the family" in answer.body["text"] and "2135550777" not in answer.body["text"]
    rig.drain()
    [sms] = rig.to_parent()[-1:]
    assert sms.body == (
        "Mensaje del personal de Rosewood Elementary (escrito en inglés):\n"
        "Hello, Leo was absent today. Is he well?"
    )
    roots = [c for c in rig.slack.calls("chat.postMessage") if "Conversation with a family" in str(c.body)]
    assert len(roots) == 1
    root_ts = next(
        ts for (channel, ts), m in rig.slack.state.messages.items() if "Conversation" in str(m["text"])
    )
    assert rig.text("Sí, tenía fiebre. Gracias") == [
        "Gracias. Su mensaje llegó al personal de la escuela; le responderán por aquí."
    ]
    rig.drain()
    assert any("The parent wrote" in str(p["text"]) for p in rig.thread_posts(root_ts))
    rig.staff_writes(root_ts, "Thank you, feel better Leo!")
    rig.drain()
    assert "feel better" in rig.to_parent()[-1].body


def test_outreach_text_refuses_an_opted_out_family(plain_rig: Rig) -> None:
    rig = plain_rig
    rig.text("hola")
    rig.text("STOP")
    before = len(rig.to_parent())
    assert rig.requests.command(f"text {PARENT} Hello", STAFF).status_code == 200
    [answer] = rig.slack.responses("command")
    assert "opted out" in answer.body["text"]
    rig.drain()
    assert len(rig.to_parent()) == before
    assert count(rig, "SELECT count(*) FROM conversation_threads") == 0
    assert rig.requests.command(f"text {PARENT} Hello", STRANGER).status_code == 200
    assert "Only school staff" in rig.slack.responses("command")[-1].body["text"]


def test_two_open_concerns_the_bot_asks_which_one(plain_rig: Rig) -> None:
    rig = plain_rig
    first = rig.file_concern()
    for body in ("menu", "1", "1", "Mi hija no entiende la tarea de matemáticas.", "2", "1"):
        rig.text(body)
    second = rig.text("por las tardes")[0]
    assert "C-" in second
    newer = "C-" + second.split("C-", 1)[1][:9]
    [asked] = rig.text(FOLLOW_UP)
    assert "más de una queja" in asked
    assert asked.index(f"1 {newer}") < asked.index(f"2 {first}")  # newest first, each with its category
    assert rig.text("2") == [f"Lo agregamos a su queja {first}. El personal lo verá."]
    rig.drain()
    assert count(rig, "SELECT count(*) FROM thread_messages WHERE direction = 'parent'") == 1
    assert len(rig.thread_posts(rig.alert_ts(first))) == 1 and not rig.thread_posts(rig.alert_ts(newer))


def test_forgetting_a_family_erases_what_was_said_in_its_threads(plain_rig: Rig) -> None:
    rig = plain_rig
    reference = rig.file_concern()
    rig.text(FOLLOW_UP)
    rig.staff_writes(rig.alert_ts(reference), "Will call tomorrow")
    rig.drain()
    rights = DataRights(rig.bot.store, hash_key="k" * 32, concerns_channel=CHANNEL)
    exported = rights.export(PARENT)["tables"]
    assert [m["body"] for m in exported["thread_messages"]] == [FOLLOW_UP, "Will call tomorrow"]
    rights.forget(PARENT)
    assert count(rig, "SELECT count(*) FROM thread_messages") == 0
    assert count(rig, "SELECT count(*) FROM conversation_threads") == 1  # when and who opened it stays


def test_signed_events_of_the_wrong_shape_are_refused_and_odd_messages_ignored(plain_rig: Rig) -> None:
    rig = plain_rig
    reference = rig.file_concern()
    envelope = rig.events.envelope({"type": "message"})
    assert rig.events.post({k: v for k, v in envelope.items() if k != "event"}).status_code == 400
    # Bolt itself cannot read an event that is not an object: the error handler answers, nothing acts.
    assert rig.events.post({**envelope, "event": "message"}).status_code == 200
    odd = {**rig.events.thread_reply(CHANNEL, rig.alert_ts(reference), STAFF, "x"), "text": ["not", "text"]}
    assert rig.events.post(rig.events.envelope(odd)).status_code == 200
    assert count(rig, "SELECT count(*) FROM thread_messages") == 0
