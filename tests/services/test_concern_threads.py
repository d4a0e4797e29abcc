"""The pure rules of conversation threads: which texts join a thread, how a reply is cut, what is relayed."""

from __future__ import annotations

import pytest

from bot.channels.slack_thread_blocks import plain_text
from bot.channels.slack_threads import thread_message
from bot.i18n.segments import segment_count
from bot.services.thread_rules import follows_up, sms_parts

HEADER = "School staff about C-2026-0042 (written in English):"


@pytest.mark.parametrize(
    ("kind", "label", "text", "question", "joins"),
    [
        ("none", "", "Otra cosa: el chofer también fue grosero con mi hijo", False, True),
        ("intent", "concern:transportation", "the driver was rude too", False, True),
        ("intent", "faq:hours", "What time does the office open?", True, False),
        ("intent", "faq:absence", "Yes, he had a fever. Thanks", False, True),
        ("intent", "volunteer", "I want to volunteer", False, False),
        ("intent", "language:es", "español", False, False),
        ("command", "menu", "MENU", False, False),
        ("none", "", "3", False, False),
    ],
)
def test_what_joins_a_thread(kind: str, label: str, text: str, question: bool, joins: bool) -> None:
    assert follows_up(kind, label, text, question) is joins


def test_a_short_reply_is_one_text_under_its_header() -> None:
    assert sms_parts(HEADER, "We will call you today.") == [f"{HEADER}\nWe will call you today."]


@pytest.mark.parametrize("script", ["latin", "cjk"])
def test_a_long_reply_is_cut_between_sentences_within_three_segments(script: str) -> None:
    sentence = (
        "The bus will come at 7:40 from Monday on. " if script == "latin" else "校车从星期一起七点四十分到。"
    )
    body = sentence * 30
    parts = sms_parts(HEADER, body)
    assert len(parts) > 1 and parts[0].startswith(HEADER)
    assert all(segment_count(part) <= 3 and len(part) <= 1600 for part in parts)
    assert all(part.endswith(sentence.strip()[-3:]) for part in parts)


def test_one_endless_sentence_is_cut_between_words() -> None:
    parts = sms_parts(HEADER, "word " * 400)
    assert all(segment_count(part) <= 3 for part in parts)
    assert sum(part.count("word") for part in parts) == 400


def test_slack_markup_becomes_plain_text() -> None:
    assert plain_text(
        "Hi &lt;3 <@U0STAFF01|Ana> see <https://school.org/bus|the bus page> &amp; <!here>"
    ) == ("Hi <3 Ana see the bus page (https://school.org/bus) &")
    assert plain_text("<mailto:office@school.org|office@school.org>") == "office@school.org"


def event(**fields: object) -> dict[str, object]:
    base = {"type": "message", "channel": "C1", "user": "U1", "text": "hi", "ts": "2.0", "thread_ts": "1.0"}
    return {**base, **fields}


def test_only_new_messages_of_people_inside_a_thread_are_relayed() -> None:
    assert thread_message(event()) is not None
    assert thread_message(event(subtype="thread_broadcast")) is not None
    assert thread_message(event(thread_ts=None)) is None  # in the channel, not a thread
    assert thread_message(event(ts="1.0")) is None  # the thread's root itself
    assert thread_message(event(subtype="message_changed")) is None
    assert thread_message(event(subtype="message_deleted")) is None
    assert thread_message(event(subtype="bot_message", bot_id="B1")) is None
    assert thread_message(event(bot_id="B1")) is None  # an app posting as a user
    assert thread_message(event(subtype="channel_join")) is None
    assert thread_message(event(text="")) is None


def test_a_long_sentence_without_spaces_is_cut_into_runs() -> None:
    parts = sms_parts(HEADER, "校" * 700)
    assert all(segment_count(part) <= 3 for part in parts)
    assert "".join(part.split(":\n", 1)[-1].replace(" ", "") for part in parts) == "校" * 700
