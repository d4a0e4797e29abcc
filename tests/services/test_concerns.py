"""Concerns end to end through the real conversation and service, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.app import Bot
from bot.domain import Inbound
from bot.i18n.segments import segment_count
from bot.services.concern_types import ConcernNotFound, ConcernStateError
from tests.fixtures.bots import make_bot
from tests.fixtures.fake_translators import FakeTranslators

PARENT = "+12135550501"
OTHER_PARENT = "+12135550502"
STAFF = "U0STAFF1"


@pytest.fixture
def bot(db_url: str) -> Iterator[Bot]:
    wired = make_bot(
        db_url,
        slack_concerns_channel="C0CONCERNS",
        slack_escalation_channel="C0ESCALATE",
        slack_staff_user_ids=f"{STAFF},S0GROUP",
    )
    yield wired
    wired.close()


def say(bot: Bot, body: str, phone: str = PARENT) -> list[str]:
    return bot.conversation.handle(Inbound("sms", phone, body)).replies


def raise_concern(bot: Bot, phone: str = PARENT, *, spanish: bool = False, category: str = "2") -> str:
    say(bot, "hola" if spanish else "hi", phone)
    say(bot, "2" if spanish else "1", phone)  # language
    say(bot, "menu", phone)
    say(bot, "1", phone)  # Raise a concern
    say(bot, category, phone)
    say(
        bot,
        "Un niño empuja a mi hijo en el autobús." if spanish else "A boy pushes my son on the bus.",
        phone,
    )
    say(bot, "2", phone)  # do not share the child's name
    say(bot, "1", phone)  # by text
    replies = say(bot, "after 3 pm", phone)
    reference = replies[0].split("C-", 1)[1][:9]
    return f"C-{reference}"


def outbox(bot: Bot, channel: str = "sms") -> list[dict[str, str]]:
    """What the concern workflow queued (the pulse after a reply is tested in test_pulses.py)."""
    query = (
        "SELECT to_address, body, locale FROM outbox WHERE channel = :c "
        "AND (campaign IS NULL OR campaign NOT LIKE 'pulse:%') ORDER BY id"
    )
    with bot.store.engine.connect() as connection:
        rows = connection.execute(text(query), {"c": channel})
        return [{"to": r[0], "body": r[1], "locale": r[2]} for r in rows]


def evidence(bot: Bot) -> list[tuple[str, str, str | None, str | None]]:
    with bot.store.transaction() as tx:
        return tx.evidence()


def test_a_parent_raises_a_concern_and_staff_are_alerted(bot: Bot) -> None:
    reference = raise_concern(bot)
    year = datetime.now(UTC).year
    assert reference == f"C-{year}-0001"
    view = bot.concerns.view(reference)
    assert (view.category, view.status, view.locale) == ("safety_bullying", "new", "en")
    assert view.description == "A boy pushes my son on the bus."
    assert view.phone_masked == "***0501"
    assert view.contact_preference == "text" and view.contact_window == "after 3 pm"
    assert not view.share_student and view.student_info is None
    alerts = outbox(bot, "slack")
    assert alerts[0]["to"] == "C0CONCERNS"
    assert json.loads(alerts[0]["body"]) == {"kind": "concern_alert", "reference": reference}
    assert ("4B", "concern_raised", "safety_bullying", "en") in evidence(bot)
    assert ("5C", "ucp_info_given", "safety_bullying", "en") in evidence(bot)


def test_the_description_does_not_stay_in_the_session(bot: Bot) -> None:
    raise_concern(bot)
    with bot.store.engine.connect() as connection:
        states = [r[0] for r in connection.execute(text("SELECT state FROM sessions"))]
    assert "pushes my son" not in json.dumps(states)


def test_ucp_is_mentioned_for_bullying_but_not_for_the_bus(bot: Bot) -> None:
    say(bot, "hi")
    say(bot, "1")
    for body in ("menu", "1", "4", "The bus was late three times.", "2", "1"):
        say(bot, body)
    replies = say(bot, "any time")
    assert "Uniform Complaint" not in "\n".join(replies)
    assert "Thank you. Your reference is C-" in replies[0]


def test_references_count_up_and_status_shows_only_your_own(bot: Bot) -> None:
    first = raise_concern(bot)
    second = raise_concern(bot, OTHER_PARENT)
    assert int(second[-4:]) == int(first[-4:]) + 1
    assert "We could not find" in say(bot, f"STATUS {first}", OTHER_PARENT)[0]
    mine = say(bot, f"status {first.lower()}")[0]
    assert mine.startswith(f"{first} (safety or bullying): received ")
    assert say(bot, "STATUS", OTHER_PARENT)[0].startswith(f"{second} (safety or bullying)")


def test_status_without_concerns(bot: Bot) -> None:
    say(bot, "hello there, good morning")
    assert say(bot, "status") == ["You have no concerns with us. Reply MENU to start one."]


def test_acknowledge_tells_the_parent_in_spanish_once(bot: Bot) -> None:
    reference = raise_concern(bot, spanish=True)
    view = bot.concerns.acknowledge(reference, STAFF)
    assert (view.status, view.acknowledged_by) == ("acknowledged", STAFF)
    [sms] = outbox(bot)
    assert sms["to"] == PARENT and sms["locale"] == "es"
    assert sms["body"].startswith(f"{reference}: ")
    assert "personal" in sms["body"] or "escuela" in sms["body"]
    with pytest.raises(ConcernStateError, match="already acknowledged"):
        bot.concerns.acknowledge(reference, "U0OTHER")
    facts = [f for f in evidence(bot) if f[1] == "time_to_acknowledge"]
    assert facts == [("4E", "time_to_acknowledge", "within_target", "es")]


def test_canned_reply_reaches_the_parent_in_their_language(bot: Bot) -> None:
    reference = raise_concern(bot, spanish=True)
    preview = bot.concerns.preview_reply(reference, "call_soon", None)
    assert preview.locale == "es" and preview.segments >= 1
    bot.concerns.reply(reference, STAFF, "call_soon", None)
    [sms] = outbox(bot)
    assert sms["body"] == preview.text
    assert sms["body"].startswith(
        bot.renderer.message("concern", "staff_reply", ("es",), reference=reference)
    )
    assert bot.renderer.message("staff", "call_soon", ("es",)) in sms["body"]
    english = bot.flow_set.message_sets["staff"].messages["call_soon"].text
    assert english not in sms["body"]


def test_a_note_goes_as_written_with_its_language_when_translation_is_off(bot: Bot) -> None:
    reference = raise_concern(bot, spanish=True)
    bot.concerns.reply(reference, STAFF, None, "Please call me after 3 pm")
    [sms] = outbox(bot)
    assert "inglés" in sms["body"]
    assert sms["body"].endswith("Please call me after 3 pm")
    history = bot.concerns.view(reference).history
    assert history[-1].kind == "reply" and "note: Please call me after 3 pm" in (history[-1].detail or "")


def test_machine_translation_both_ways_is_labelled(db_url: str) -> None:
    with FakeTranslators() as fake:
        wired = make_bot(db_url, translation_provider="libretranslate", libretranslate_url=fake.url)
        try:
            say(wired, "hola")
            say(wired, "2")
            for body in ("menu", "1", "5", "Mi hijo está enfermo hoy", "2", "1"):
                say(wired, body)
            reference = say(wired, "por la tarde")[0].split("referencia", 1)[-1]
            reference = "C-" + reference.split("C-", 1)[1][:9]
            view = wired.concerns.view(reference)
            assert view.description == "Mi hijo está enfermo hoy"
            assert (view.description_translation, view.translation_provider) == (
                "My son is sick today",
                "libretranslate",
            )
            wired.concerns.reply(reference, STAFF, None, "Please call me after 3 pm")
            [sms] = outbox(wired)
            assert "Por favor llámeme después de las 3 pm" in sms["body"]
            assert "Please call me after 3 pm" not in sms["body"]
            detail = wired.concerns.view(reference).history[-1].detail or ""
            assert "note: Please call me after 3 pm" in detail and "machine translation" in detail
        finally:
            wired.close()


def test_translation_failure_loses_nothing(db_url: str) -> None:
    from tests.fixtures.fake_translators import Fault

    with FakeTranslators() as fake:
        wired = make_bot(db_url, translation_provider="libretranslate", libretranslate_url=fake.url)
        try:
            reference = raise_concern(wired, spanish=True)
            fake.fail_next(Fault(status=500), Fault(status=500))
            view = wired.concerns.view(reference)
            assert view.description_translation is None
            wired.concerns.reply(reference, STAFF, None, "Please call me after 3 pm")
            assert outbox(wired)[0]["body"].endswith("Please call me after 3 pm")
        finally:
            wired.close()


def test_resolve_sends_the_resolution_and_a_survey_whose_answers_are_evidence(bot: Bot) -> None:
    reference = raise_concern(bot)
    bot.concerns.take_ownership(reference, STAFF)
    bot.concerns.resolve(reference, STAFF, "resolved_at_school", "Talked with both families.")
    last = outbox(bot)[-1]["body"]
    assert f"{reference} is resolved: we took care of it at school." in last
    assert "How happy are you with how we handled" in last and "5 Very happy" in last
    assert say(bot, "4") == ["Was your child's need met?\n1 Yes\n2 No"]
    replies = say(bot, "2")
    assert "We are sorry it is not solved" in replies[0]
    assert "Uniform Complaint Procedure" in "\n".join(replies)
    view = bot.concerns.view(reference)
    assert [e.kind for e in view.history][-3:] == ["resolved", "survey", "ucp_info"]
    facts = evidence(bot)
    assert ("4E", "satisfaction", "safety_bullying", "en") in facts
    assert ("4E", "need_met", "safety_bullying", "en") in facts
    assert ("5C", "ucp_info_given", "not_resolved", "en") in facts
    with bot.store.engine.connect() as connection:
        row = connection.execute(text("SELECT satisfaction, need_met FROM concerns")).one()
    assert (row[0], bool(row[1])) == (4, False)


def test_resolve_twice_and_reopen(bot: Bot) -> None:
    reference = raise_concern(bot)
    bot.concerns.resolve(reference, STAFF, "information_given", "Sent the bus schedule.")
    with pytest.raises(ConcernStateError):
        bot.concerns.resolve(reference, STAFF, "other", "again")
    view = bot.concerns.reopen(reference, "U0OTHER", "Parent called back: still happening.")
    assert view.status == "acknowledged" and view.resolved_at is None
    assert view.history[-1].kind == "reopened"
    assert "is open again" in outbox(bot)[-1]["body"]
    with pytest.raises(ConcernStateError):
        bot.concerns.reopen(reference, STAFF, "not resolved")


def test_unknown_reference_and_bad_input(bot: Bot) -> None:
    with pytest.raises(ConcernNotFound):
        bot.concerns.view("C-1999-0001")
    reference = raise_concern(bot)
    with pytest.raises(ConcernStateError):
        bot.concerns.reply(reference, STAFF, None, "   ")
    with pytest.raises(ConcernStateError):
        bot.concerns.reply(reference, STAFF, "no_such_reply", None)
    with pytest.raises(ConcernStateError):
        bot.concerns.resolve(reference, STAFF, "no_such_category", "x")


def test_a_note_over_the_limit_is_refused_and_a_long_one_without_spaces_is_split(bot: Bot) -> None:
    reference = raise_concern(bot)
    for refused in (
        lambda: bot.concerns.reply(reference, STAFF, None, "x" * 40_000),
        lambda: bot.concerns.resolve(reference, STAFF, "information_given", "x" * 1001),
        lambda: bot.concerns.reopen(reference, STAFF, "x" * 1001),
    ):
        with pytest.raises(ConcernStateError, match="at most 1,000 characters"):
            refused()
    assert outbox(bot) == []
    note = "请明天下午三点以后给我打电话谢谢" * 62  # 992 characters and not one space
    bot.concerns.reply(reference, STAFF, None, note)
    sent = [sms["body"] for sms in outbox(bot)]
    assert len(sent) > 1
    assert all(segment_count(body) <= 3 and len(body) <= 1600 for body in sent)
    assert note in "".join(body.replace(" ", "").replace("\n", "") for body in sent)


def test_opted_out_parent_is_not_texted_but_history_is_kept(bot: Bot) -> None:
    reference = raise_concern(bot)
    say(bot, "STOP")
    sms_before = len(outbox(bot))
    bot.concerns.acknowledge(reference, STAFF)
    bot.concerns.reply(reference, STAFF, "received", None)
    assert len(outbox(bot)) == sms_before
    assert [e.kind for e in bot.concerns.view(reference).history][-2:] == ["acknowledged", "reply"]


def test_overdue_concerns_are_escalated_once(bot: Bot) -> None:
    reference = raise_concern(bot)
    assert bot.concerns.escalate_overdue() == []
    later = datetime.now(UTC) + timedelta(days=4)
    assert bot.concerns.escalate_overdue(later) == [f"{reference} (acknowledge)"]
    assert bot.concerns.escalate_overdue(later) == []
    much_later = datetime.now(UTC) + timedelta(days=12)
    assert bot.concerns.escalate_overdue(much_later) == [f"{reference} (resolve)"]
    escalations = [json.loads(a["body"]) for a in outbox(bot, "slack") if "escalation" in a["body"]]
    assert [e["reason"] for e in escalations] == [
        "not acknowledged within 1 school day(s)",
        "not resolved within 5 school day(s)",
    ]
    assert all(a["to"] == "C0ESCALATE" for a in outbox(bot, "slack") if "escalation" in a["body"])


def test_staff_membership_and_delivery_dedupe(bot: Bot) -> None:
    assert bot.concerns.is_staff(STAFF)
    assert bot.concerns.is_staff("U0NEW", frozenset({"S0GROUP"}))
    assert not bot.concerns.is_staff("U0NOBODY", frozenset({"S0OTHER"}))
    assert bot.concerns.claim_delivery("block_actions:trigger-1")
    assert not bot.concerns.claim_delivery("block_actions:trigger-1")


def test_alerts_and_parent_texts_are_sent_by_the_dispatcher(bot: Bot) -> None:
    reference = raise_concern(bot)
    bot.concerns.acknowledge(reference, STAFF)
    dispatcher = bot.dispatcher("test")
    for _ in range(5):
        dispatcher.drain_once()
    queued = len(outbox(bot)) + len(outbox(bot, "slack"))
    with bot.store.transaction() as tx:
        assert tx.outbox_counts() == {"sent": queued}
