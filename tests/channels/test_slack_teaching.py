"""Staff teach the bot from Slack, through the real Bolt app and slack_sdk against the fake Slack API.

A question no answer fits is posted to the questions channel (batched when busy); staff pick an
existing answer (or write a new one, or set the question aside); the parent who asked gets the
answer in their language through the outbox, and the next parent asking in other words is answered
at once. Only staff act, every action is logged, and each counts as 1D evidence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import yaml
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from bot.app import Bot
from bot.channels import slack_questions as kit
from bot.clock import ManualClock, running_at, utcnow
from bot.domain import Inbound
from bot.services.data_rights import DataRights
from bot.services.schools import load_school
from bot.web import create_app
from tests.fixtures.bots import DEMO_SCHOOL, slack_bot
from tests.fixtures.fake_slack import FakeSlack
from tests.fixtures.fake_translators import FakeTranslators
from tests.fixtures.unplaced_questions import VEGETARIAN, VEGETARIAN_OTHER_WORDS
from tests.fixtures.volunteering import evidence, outbox_to, parent

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "xoxb-school-0000"
QUESTIONS = "C0QUESTIONS"
STAFF = "U0STAFF01"
STRANGER = "U0NOTSTAFF"
VI_LUNCH = "Bữa sáng và bữa trưa miễn phí cho mọi học sinh. Bữa sáng lúc 7:45 tại nhà ăn."


class Rig:
    """The bot, its web app and the fake Slack, with signed requests as Slack sends them."""

    def __init__(self, bot: Bot, http: TestClient, slack: FakeSlack) -> None:
        self.bot, self.http, self.slack = bot, http, slack
        self.triggers = iter(range(1, 1_000_000))

    def trigger(self) -> str:
        """A trigger_id as Slack mints them: a number, when it was issued (ms), a hash."""
        return f"{next(self.triggers)}.{int(time.time() * 1000)}.fa4e"

    def text(self, phone: str, body: str) -> list[str]:
        """A parent's SMS, answered by the conversation."""
        return self.bot.conversation.handle(Inbound("sms", phone, body, None)).replies

    def drain(self) -> None:
        """Send what the outbox holds that is due (Slack posts and SMS)."""
        dispatcher = self.bot.dispatcher("test")
        while dispatcher.drain_once():
            pass

    def post(self, payload: dict[str, Any]) -> None:
        body = urlencode({"payload": json.dumps(payload)})
        timestamp = str(int(time.time()))
        signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        }
        assert self.http.post("/slack/events", content=body, headers=headers).status_code == 200

    def act(self, element: dict[str, Any], user: str = STAFF, *, option: str | None = None) -> None:
        """Click a button, or pick `option` (a value) in a select, of the questions post."""
        action: dict[str, Any] = {
            "type": element["type"],
            "action_id": element["action_id"],
            "block_id": "teach",
            "action_ts": "1.1",
        }
        if option is not None:
            action["selected_option"] = {"text": {"type": "plain_text", "text": "x"}, "value": option}
        else:
            action["value"] = element["value"]
        self.post(
            {
                "type": "block_actions",
                "team": {"id": "T0SCHOOL", "domain": "school"},
                "user": {"id": user, "username": "staff", "team_id": "T0SCHOOL"},
                "api_app_id": "A0OUTREACH",
                "token": "legacy",
                "container": {"type": "message", "message_ts": "1", "channel_id": QUESTIONS},
                "trigger_id": self.trigger(),
                "channel": {"id": QUESTIONS, "name": "questions"},
                "response_url": self.slack.response_url("click"),
                "actions": [action],
            }
        )

    def submit(self, view: dict[str, Any], values: dict[str, str], user: str = STAFF) -> None:
        """Submit a modal the bot opened, with these texts per input block."""
        state = {
            block: {kit.TEXT_ACTION: {"type": "plain_text_input", "value": v}} for block, v in values.items()
        }
        self.post(
            {
                "type": "view_submission",
                "team": {"id": "T0SCHOOL", "domain": "school"},
                "user": {"id": user, "username": "staff", "team_id": "T0SCHOOL"},
                "api_app_id": "A0OUTREACH",
                "token": "legacy",
                "trigger_id": self.trigger(),
                "view": {
                    "id": "V01",
                    "hash": "h",
                    "type": "modal",
                    "callback_id": view["callback_id"],
                    "private_metadata": view["private_metadata"],
                    "state": {"values": state},
                },
                "response_urls": [],
            }
        )

    def posts(self) -> list[dict[str, Any]]:
        """The question posts the bot made in the questions channel."""
        return [c.body for c in self.slack.calls("chat.postMessage") if c.body.get("channel") == QUESTIONS]

    def told(self) -> list[str]:
        """What staff were told in ephemeral messages."""
        return [str(c.body.get("text")) for c in self.slack.calls("chat.postEphemeral")]


@contextmanager
def wired_rig(db_url: str, tmp_path: Path, **overrides: Any) -> Iterator[Rig]:
    """A rig whose bot has these settings besides the Slack ones."""
    wired = slack_bot(
        db_url, token=TOKEN, secret=SECRET, staff=STAFF, slack_questions_channel=QUESTIONS, **overrides
    )
    with wired as (bot, slack):
        slack.invite(QUESTIONS)
        load_school(bot.store, _school_with_vietnamese_lunch(tmp_path), activate=True)
        bot.schools.forget()
        with TestClient(create_app(bot, run_dispatcher=False, run_scheduler=False)) as http:
            yield Rig(bot, http, slack)


@pytest.fixture
def rig(db_url: str, tmp_path: Path) -> Iterator[Rig]:
    with wired_rig(db_url, tmp_path) as made:
        yield made


def _school_with_vietnamese_lunch(tmp_path: Path) -> Path:
    """The demo school, sure to have the lunch answer in Vietnamese (the answer the parent must get)."""
    data = yaml.safe_load(DEMO_SCHOOL.read_text(encoding="utf-8"))
    lunch = next(entry for entry in data["faq"] if entry["id"] == "lunch")
    lunch["answer"]["vi"] = VI_LUNCH
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def elements(post: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = post.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [e for block in blocks if block["type"] == "actions" for e in block["elements"]]


def question_ids(bot: Bot) -> list[int]:
    with bot.store.engine.connect() as connection:
        rows = connection.execute(text("SELECT id FROM unanswered_questions ORDER BY id"))
        return [int(row[0]) for row in rows]


def actions_logged(bot: Bot, question_id: int) -> list[tuple[str, str, str | None]]:
    with bot.store.transaction() as tx:
        return [(a, who, label) for a, who, label, _at in tx.question_actions(question_id)]


def test_staff_answer_with_lunch_answers_the_vietnamese_parent_and_the_next_one_directly(rig: Rig) -> None:
    first, later, second = "+12135558801", "+12135558802", "+12135558803"
    for phone in (first, later, second):
        parent(rig.bot, phone, "vi")
    assert "chuyển câu hỏi đến nhân viên" in " ".join(rig.text(first, VEGETARIAN))
    rig.drain()
    [post] = rig.posts()
    shown = json.dumps(post, ensure_ascii=False)
    assert VEGETARIAN in shown and "Vietnamese" in shown
    [asked] = question_ids(rig.bot)

    # Before teaching, the same question in other words is not understood either; being busy, it
    # waits for the hour's batch instead of a post of its own.
    assert "chuyển câu hỏi đến nhân viên" in " ".join(rig.text(later, VEGETARIAN_OTHER_WORDS))
    rig.drain()
    assert len(rig.posts()) == 1
    with rig.bot.store.engine.connect() as connection:
        waiting = connection.execute(
            text("SELECT next_attempt_at FROM outbox WHERE channel = 'slack' AND status = 'pending'")
        ).all()
    assert len(waiting) == 1

    select = next(e for e in elements(post) if e["action_id"] == kit.ANSWER_WITH)
    offered = [o["value"] for g in select["option_groups"] for o in g["options"]]
    assert {f"{asked}|faq:lunch", f"{asked}|hours", f"{asked}|rights:visit"} <= set(offered)
    rig.act(select, option=f"{asked}|faq:lunch")

    rig.drain()
    [*_, answer] = outbox_to(rig.bot, first)
    assert "Nhà trường đã trả lời câu hỏi quý vị gửi trước đây" in answer and VI_LUNCH in answer
    assert "Breakfast" not in answer and "lunch" not in answer.lower()
    assert any("answered with *School meals*" in t and "in their language" in t for t in rig.told())
    redrawn = rig.slack.calls("chat.update")[-1].body
    assert "Answered by <@U0STAFF01> with *School meals*" in json.dumps(redrawn, ensure_ascii=False)

    replies = " ".join(rig.text(second, VEGETARIAN_OTHER_WORDS))
    assert VI_LUNCH in replies and "chuyển câu hỏi" not in replies

    assert [(i, d) for i, _v, d in evidence(rig.bot, "question_taught")] == [("1D", "faq:lunch")]
    assert [(i, d) for i, _v, d in evidence(rig.bot, "taught_answer_sent")] == [("1D", "faq:lunch")]
    assert actions_logged(rig.bot, asked) == [
        ("posted", "bot", None),
        ("answered", STAFF, "faq:lunch"),
        ("answer_queued", "bot", "faq:lunch"),
    ]
    with rig.bot.store.transaction() as tx:
        assert ("faq:lunch", "vi", VEGETARIAN) in tx.taught_examples(tx.school().id)  # type: ignore[union-attr]


def test_only_staff_act_and_a_question_is_handled_once(rig: Rig) -> None:
    phone = "+12135558811"
    parent(rig.bot, phone, "vi")
    rig.text(phone, VEGETARIAN)
    rig.drain()
    [post] = rig.posts()
    [asked] = question_ids(rig.bot)
    select = next(e for e in elements(post) if e["action_id"] == kit.ANSWER_WITH)
    rig.act(select, STRANGER, option=f"{asked}|faq:lunch")
    assert any("Only school staff" in t for t in rig.told())
    assert evidence(rig.bot, "question_taught") == []
    assert actions_logged(rig.bot, asked) == [("posted", "bot", None)]

    dismiss = next(e for e in elements(post) if e["action_id"] == kit.DISMISS)
    rig.act(dismiss)
    rig.act(select, option=f"{asked}|faq:lunch")  # someone else, a moment too late
    assert any("already dismissed by <@U0STAFF01>" in t for t in rig.told())
    assert [(i, d) for i, _v, d in evidence(rig.bot, "question_set_aside")] == [("1D", "dismissed")]
    assert evidence(rig.bot, "question_taught") == []
    assert len(outbox_to(rig.bot, phone)) == 0  # the parent got the bot's reply at once, nothing more
    assert "Dismissed by <@U0STAFF01>" in json.dumps(rig.slack.calls("chat.update")[-1].body)


def test_new_answer_from_the_modal_is_saved_taught_and_sent(rig: Rig) -> None:
    phone, other = "+12135558821", "+12135558822"
    parent(rig.bot, phone, "vi")
    parent(rig.bot, other, "vi")
    question = "Có lớp học bơi cho học sinh không?"
    rig.text(phone, question)
    rig.drain()
    [post] = rig.posts()
    rig.act(next(e for e in elements(post) if e["action_id"] == kit.NEW_ANSWER))
    modal = rig.slack.calls("views.open")[-1].body["view"]
    modal = json.loads(modal) if isinstance(modal, str) else modal
    assert modal["callback_id"] == kit.NEW_ANSWER_VIEW and question in json.dumps(modal, ensure_ascii=False)
    # Besides English, the parent's language first, then Spanish (38% of the families: Ed Code 48985).
    offered = [b["block_id"] for b in modal["blocks"] if b["type"] == "input"]
    assert offered == [kit.QUESTION_BLOCK, kit.ANSWER_BLOCK, kit.text_block("vi"), kit.text_block("es")]
    vi_answer = "Trường không có lớp học bơi. Xin hỏi trung tâm phụ huynh về các lớp bơi gần trường."
    rig.submit(
        modal,
        {
            kit.QUESTION_BLOCK: "Swimming lessons",
            kit.ANSWER_BLOCK: "The school has no swimming lessons. Ask the parent center about others.",
            kit.text_block("vi"): vi_answer,
            kit.text_block("es"): "La escuela no tiene clases de natación. Pregunte en el centro de padres.",
        },
    )
    rig.drain()
    assert vi_answer in outbox_to(rig.bot, phone)[-1]
    with rig.bot.store.transaction() as tx:
        [saved] = tx.school_answers(tx.school().id)  # type: ignore[union-attr]
    assert saved.faq_id == "swimming-lessons" and saved.answer["vi"] == vi_answer and saved.machine == {}
    assert saved.answer["es"].startswith("La escuela no tiene clases de natación")
    assert [(i, d) for i, _v, d in evidence(rig.bot, "question_taught")] == [("1D", "faq:swimming-lessons")]
    # The new entry is one of the school's answers now: asked again, it is answered at once.
    assert vi_answer in " ".join(rig.text(other, question))


def test_a_parent_who_asked_over_a_day_ago_or_opted_out_is_not_texted(rig: Rig) -> None:
    late, stopped = "+12135558831", "+12135558832"
    for phone in (late, stopped):
        parent(rig.bot, phone, "vi")
        rig.text(phone, VEGETARIAN)
    rig.text(stopped, "STOP")
    first, second = question_ids(rig.bot)
    with rig.bot.store.engine.begin() as connection:
        connection.execute(
            text("UPDATE unanswered_questions SET at = :at WHERE id = :id"),
            {"at": utcnow() - timedelta(hours=25), "id": first},
        )
    teaching = rig.bot.teaching
    assert teaching is not None
    before = {p: len(outbox_to(rig.bot, p)) for p in (late, stopped)}
    assert teaching.answer_with(first, "faq:lunch", STAFF).parent == "too_late"
    assert teaching.answer_with(second, "faq:lunch", STAFF).parent == "opted_out"
    assert {p: len(outbox_to(rig.bot, p)) for p in (late, stopped)} == before
    assert [d for _i, _v, d in evidence(rig.bot, "question_taught")] == ["faq:lunch", "faq:lunch"]
    assert evidence(rig.bot, "taught_answer_sent") == []


def test_with_translation_on_staff_read_a_translation_and_a_new_answer_gets_labelled_drafts(
    db_url: str, tmp_path: Path
) -> None:
    phone, other = "+12135558841", "+12135558842"
    question = "Có lớp học bơi cho học sinh không?"
    with (
        FakeTranslators() as fake,
        wired_rig(
            db_url, tmp_path, translation_provider="libretranslate", libretranslate_url=fake.url
        ) as rig,
    ):
        parent(rig.bot, phone, "vi")
        parent(rig.bot, other, "vi")
        rig.text(phone, question)
        rig.drain()
        [post] = rig.posts()
        assert f"_Machine translation:_ [en] {question}" in json.dumps(post, ensure_ascii=False)
        rig.act(next(e for e in elements(post) if e["action_id"] == kit.NEW_ANSWER))
        modal = rig.slack.calls("views.open")[-1].body["view"]
        modal = json.loads(modal) if isinstance(modal, str) else modal
        english = "The school has no swimming lessons."
        rig.submit(modal, {kit.QUESTION_BLOCK: "Swimming lessons", kit.ANSWER_BLOCK: english})
        rig.drain()
        sent = outbox_to(rig.bot, phone)[-1]
        assert "máy dịch từ" in sent and f"[vi] {english}" in sent
        with rig.bot.store.transaction() as tx:
            [saved] = tx.school_answers(tx.school().id)  # type: ignore[union-attr]
        assert saved.machine == {code: "libretranslate" for code in saved.machine}
        assert {"es", "ko", "vi", "ar"} <= set(saved.machine) and "en" not in saved.machine
        [told] = [t for t in rig.told() if "Swimming lessons" in t]
        assert "drafts (ar, es, fa, fil, ko, ru, vi, zh_Hans) are marked for review" in told  # no hy there
        assert "as a machine translation" in told
        # Until a reviewer confirms the draft, the next parent reads the school's own words.
        replies = " ".join(rig.text(other, question))
        assert english in replies and "[vi]" not in replies


def test_in_quiet_hours_the_answer_waits_for_the_morning(db_url: str, tmp_path: Path) -> None:
    zone = ZoneInfo("America/Los_Angeles")
    now = utcnow().astimezone(zone)
    start, end = (now - timedelta(hours=1)).time(), (now + timedelta(hours=2)).time()
    with wired_rig(
        db_url, tmp_path, quiet_hours_start=start.strftime("%H:%M"), quiet_hours_end=end.strftime("%H:%M")
    ) as rig:
        phone = "+12135558851"
        parent(rig.bot, phone, "vi")
        rig.text(phone, VEGETARIAN)
        [asked] = question_ids(rig.bot)
        assert rig.bot.teaching is not None
        assert rig.bot.teaching.answer_with(asked, "faq:lunch", STAFF).parent == "after_quiet_hours"
        with rig.bot.store.engine.connect() as connection:
            [when] = connection.execute(
                text("SELECT next_attempt_at FROM outbox WHERE to_address = :p AND body LIKE :b"),
                {"p": phone, "b": f"%{VI_LUNCH}%"},
            ).all()
        at = when[0] if isinstance(when[0], datetime) else datetime.fromisoformat(str(when[0]))
        assert at.replace(tzinfo=at.tzinfo or UTC) >= utcnow() + timedelta(hours=1)


def test_when_busy_questions_wait_for_one_post_an_hour(rig: Rig) -> None:
    clock = ManualClock(utcnow())
    dispatcher = rig.bot.dispatcher("test", clock=clock)

    def drain(after: timedelta) -> None:
        clock.advance(after)
        while dispatcher.drain_once():
            pass

    def ask(phone: str, question: str, after: timedelta) -> None:
        parent(rig.bot, phone, "vi")
        with running_at(clock):
            assert "chuyển câu hỏi" in " ".join(rig.text(phone, question))
        drain(after)

    ask("+12135558861", VEGETARIAN, timedelta(0))
    assert len(rig.posts()) == 1  # the first question of the hour goes at once
    ask("+12135558862", VEGETARIAN_OTHER_WORDS, timedelta(minutes=10))
    ask("+12135558863", "Có lớp học bơi cho học sinh không?", timedelta(minutes=10))
    drain(timedelta(minutes=39))
    assert len(rig.posts()) == 1
    drain(timedelta(minutes=1))
    posts = rig.posts()
    assert len(posts) == 2  # an hour after the first post, the two waiting ones in one message
    batch = json.dumps(posts[1], ensure_ascii=False)
    assert VEGETARIAN_OTHER_WORDS in batch and "học bơi" in batch and f"“{VEGETARIAN}”" not in batch
    assert len([e for e in elements(posts[1]) if e["action_id"] == kit.ANSWER_WITH]) == 2
    drain(timedelta(hours=2))
    ask("+12135558865", "Con tôi không ăn thịt heo, trường có món khác không?", timedelta(0))
    assert len(rig.posts()) == 3  # quiet again: at once


def test_erasing_the_parent_takes_their_question_out_of_the_schools_examples(
    db_url: str, tmp_path: Path
) -> None:
    key = "teaching-test-key-0123456789abcdef"
    with wired_rig(db_url, tmp_path, phone_hash_key=key) as rig:
        phone = "+12135558871"
        parent(rig.bot, phone, "vi")
        rig.text(phone, VEGETARIAN)
        [asked] = question_ids(rig.bot)
        assert rig.bot.teaching is not None
        rig.bot.teaching.answer_with(asked, "faq:lunch", STAFF)
        rights = DataRights(rig.bot.store, hash_key=key)
        assert [row["text"] for row in rights.export(phone)["tables"]["taught_examples"]] == [VEGETARIAN]
        assert rights.forget(phone).counts["taught_examples"] == 1
        with rig.bot.store.transaction() as tx:
            assert tx.taught_examples(tx.school().id) == []  # type: ignore[union-attr]
        assert [d for _i, _v, d in evidence(rig.bot, "question_taught")] == ["faq:lunch"]  # the count stays
