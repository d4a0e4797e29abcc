"""Announcements: preview, the 48985 rule, queuing once per family, resuming and cancelling."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Bot
from bot.services.announcement_preview import AnnouncementDraft, AnnouncementError
from bot.services.announcements import campaign
from tests.fixtures.bots import make_bot
from tests.fixtures.families import add_families

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
DRAFT = AnnouncementDraft(
    title="Minimum day",
    texts={
        "en": "Friday is a minimum day: school ends at 12:30.",
        "es": "El viernes es día corto: salida 12:30.",
    },
    audience={},
    created_by="test",
)


def test_preview_counts_languages_segments_and_cost(bot: Bot) -> None:
    add_families(bot, {"en": 10, "es": 6, "ko": 1})
    preview = bot.announcements.preview(DRAFT, now=NOW)
    assert preview.recipients == 17
    lines = {line.locale: line for line in preview.lines}
    assert (lines["en"].recipients, lines["es"].recipients, lines["ko"].recipients) == (10, 6, 1)
    assert lines["ko"].fallback and lines["ko"].text_locale == "en"
    assert preview.missing == ["ko"]
    assert preview.required_missing == []  # 1 of 17 is under 15%
    assert lines["es"].encoding == "UCS-2" and lines["en"].encoding == "GSM-7"
    assert preview.total_segments == 17
    assert preview.cost == round(17 * bot.settings.sms_price_per_segment, 2)
    assert not preview.refusal(override=False)


def test_a_missing_language_of_15_percent_is_refused_unless_overridden(bot: Bot) -> None:
    add_families(bot, {"en": 10, "es": 5, "vi": 3})  # Vietnamese: 3 of 18 = 16.7%
    preview = bot.announcements.preview(DRAFT, now=NOW)
    assert preview.required_missing == ["vi"]
    with pytest.raises(AnnouncementError, match=r"vi \(17%\).*48985"):
        bot.announcements.create(DRAFT, now=NOW)
    announcement_id, _ = bot.announcements.create(
        replace(DRAFT, override_48985=True, override_reason="Vietnamese text on its way"), now=NOW
    )
    with bot.store.transaction() as tx:
        assert ("5A", "translation_override", campaign(announcement_id), "vi") in tx.evidence("5A")
        assert tx.announcement(announcement_id)["override_reason"] == "Vietnamese text on its way"


def test_just_under_the_threshold_is_allowed(bot: Bot) -> None:
    add_families(bot, {"en": 12, "es": 6, "vi": 3})  # 3 of 21 = 14.3%
    assert bot.announcements.preview(DRAFT, now=NOW).required_missing == []


def test_audience_by_grade_group_and_language(bot: Bot) -> None:
    add_families(bot, {"en": 3, "es": 3}, grades="K;1")
    add_families(bot, {"es": 2}, grades="5", groups="ELAC", first=100)
    elac = bot.announcements.preview(replace(DRAFT, audience={"groups": ["ELAC"]}), now=NOW)
    assert elac.recipients == 2
    kinder = bot.announcements.preview(
        replace(DRAFT, audience={"grades": ["K"], "languages": ["es"]}), now=NOW
    )
    assert kinder.recipients == 3


def test_errors_are_listed(bot: Bot) -> None:
    add_families(bot, {"en": 1})
    long_text = "word " * 120
    draft = replace(DRAFT, title="", texts={"en": long_text, "xx": "hi"}, channel="voice")
    errors = bot.announcements.preview(draft, now=NOW).errors
    assert any("title" in e for e in errors)
    assert any("channel 'voice'" in e for e in errors)
    assert any("'xx'" in e for e in errors)
    assert any("SMS segments" in e for e in errors)


def test_quiet_hours_defer_the_send_time_unless_urgent(db_url: str) -> None:
    bot = make_bot(db_url, quiet_hours_start="21:00", quiet_hours_end="08:00")
    try:
        add_families(bot, {"en": 2})
        late = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 22:00 in Los Angeles
        preview = bot.announcements.preview(replace(DRAFT, send_at=late), now=late)
        assert preview.deferred and preview.send_at == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
        urgent = bot.announcements.preview(replace(DRAFT, send_at=late, urgent=True), now=late)
        assert not urgent.deferred and urgent.send_at == late
    finally:
        bot.close()


def test_queue_writes_one_row_per_family_in_their_language_once(bot: Bot) -> None:
    add_families(bot, {"en": 10, "es": 5, "ko": 1})
    announcement_id, _ = bot.announcements.create(DRAFT, now=NOW)
    progress: list[tuple[int, int]] = []
    assert bot.announcements.queue(announcement_id, progress=lambda d, t: progress.append((d, t))) == "queued"
    assert progress[-1] == (16, 16)
    assert bot.announcements.queue(announcement_id) == "stale"  # already queued
    with bot.store.transaction() as tx:
        counts = tx.campaign_counts([campaign(announcement_id)])[campaign(announcement_id)]
        bodies = {row["locale"]: row["body"] for row in _rows(tx, announcement_id)}
        evidence = tx.evidence("1B")
    assert counts == {"queued": 16}
    assert bodies["es"] == "Rosewood Elementary: El viernes es día corto: salida 12:30."
    assert set(bodies) == {"en", "es"}  # Korean families get the English text
    # Each row names the families' home language: the Korean family got a fallback.
    assert ("1B", "queued", "fallback", "ko") in evidence and ("1B", "queued", "home", "es") in evidence
    assert ("1B", "queued", "fallback", "en") not in evidence


def test_a_cut_off_run_resumes_without_doubling(bot: Bot) -> None:
    add_families(bot, {"en": 5})
    announcement_id, _ = bot.announcements.create(DRAFT, now=NOW)
    with bot.store.transaction() as tx:  # what a run killed after its first rows leaves behind
        tx.update_announcement(
            announcement_id, status="queuing", queued_at=datetime.now(UTC) - timedelta(minutes=10)
        )
        contact = tx.audience_contacts(None)[0]
        tx.enqueue(
            key=f"{campaign(announcement_id)}:{contact.id}",
            to_address=contact.phone,
            body="x",
            contact_id=contact.id,
            campaign=campaign(announcement_id),
            priority=1,
        )
    assert [a.id for a in bot.announcements.due()] == [announcement_id]
    assert bot.announcements.queue(announcement_id) == "queued"
    with bot.store.transaction() as tx:
        assert len(_rows(tx, announcement_id)) == 5


def test_a_fresh_run_is_not_doubled(bot: Bot) -> None:
    add_families(bot, {"en": 2})
    announcement_id, _ = bot.announcements.create(DRAFT, now=NOW)
    with bot.store.transaction() as tx:
        tx.update_announcement(announcement_id, status="queuing", queued_at=datetime.now(UTC))
    assert bot.announcements.queue(announcement_id) == "busy"


def test_cancel_withdraws_what_is_not_sent(bot: Bot) -> None:
    add_families(bot, {"en": 3})
    announcement_id, _ = bot.announcements.create(DRAFT, now=NOW)
    bot.announcements.queue(announcement_id)
    dispatcher = bot.dispatcher()
    with bot.store.transaction() as tx:  # one row already handed over
        tx.claim_outbox("test", 1, bulk_limit=1)
    assert bot.announcements.cancel(announcement_id) == 2
    with pytest.raises(AnnouncementError, match="already cancelled"):
        bot.announcements.cancel(announcement_id)
    dispatcher.drain_once()
    summary = bot.announcements.recent()[0]
    assert summary.status == "cancelled" and summary.counts == {"cancelled": 2, "queued": 1}
    assert bot.announcements.queue(announcement_id) == "stale"


def test_cancel_before_queuing_means_nothing_is_queued(bot: Bot) -> None:
    add_families(bot, {"en": 3})
    announcement_id, _ = bot.announcements.create(replace(DRAFT, send_at=NOW + timedelta(days=1)), now=NOW)
    assert bot.announcements.cancel(announcement_id) == 0
    assert bot.announcements.queue(announcement_id) == "stale"
    assert bot.announcements.due() == []


def _rows(tx, announcement_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        tx.outbox_row(i)
        for i in tx.pending_outbox_ids()
        if tx.outbox_row(i)["campaign"] == campaign(announcement_id)
    ]


def test_delivery_callbacks_become_home_language_evidence(bot: Bot) -> None:
    add_families(bot, {"en": 10, "es": 5, "ko": 1})
    announcement_id, _ = bot.announcements.create(DRAFT, now=NOW)
    bot.announcements.queue(announcement_id)
    while bot.dispatcher().drain_once():
        pass
    with bot.store.transaction() as tx:
        sent = [
            (row["provider_id"], row["locale"], row["to_address"])
            for row in (tx.outbox_row(i) for i in range(1, 17))
            if row and row["campaign"] == campaign(announcement_id)
        ]
    assert len(sent) == 16
    korean = "+12135550015"
    for provider_id, _locale, phone in sent:
        status = "undelivered" if phone == "+12135550000" else "delivered"
        assert bot.consent.record_delivery(provider_id, status, None)
        assert not bot.consent.record_delivery(provider_id, status, None)  # a repeated callback counts once
    with bot.store.transaction() as tx:
        facts = [
            (kind, detail, locale) for _i, kind, detail, locale in tx.evidence("1B") if "deliver" in kind
        ]
        counts = tx.campaign_counts([campaign(announcement_id)])[campaign(announcement_id)]
    assert facts.count(("delivered", "home", "en")) == 9
    assert facts.count(("undelivered", "home", "en")) == 1
    assert facts.count(("delivered", "home", "es")) == 5
    assert facts.count(("delivered", "fallback", "ko")) == 1  # the Korean family got the English text
    assert korean in {phone for _p, _l, phone in sent}
    assert counts == {"delivered": 15, "failed": 1}
