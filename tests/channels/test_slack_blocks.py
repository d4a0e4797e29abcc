"""Block Kit builders: what staff see, and what never reaches a channel."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.channels import slack_blocks as kit
from bot.services.concern_types import CannedReply, ConcernEventView, ConcernView, ReplyPreview
from tests.fixtures.fake_concerns import CANNED, make_concern

NOW = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
PHONE = "+12135550142"
DESCRIPTION = "Mi hija tiene miedo de ir a la escuela por un compañero que la empuja en el recreo."
TRANSLATION = "My daughter is afraid to go to school because a classmate pushes her at recess."


def concern(**fields: Any) -> ConcernView:
    values: dict[str, Any] = {
        "received_at": NOW - timedelta(hours=3, minutes=20),
        "phone_masked": "***0142",
        "category": "safety_bullying",
        "description": DESCRIPTION,
        "description_translation": TRANSLATION,
        "translation_provider": "libretranslate",
        "share_student": True,
        "student_info": "Ana Pérez, grade 3, room 12",
        "history": (
            ConcernEventView("created", "parent", DESCRIPTION, NOW - timedelta(hours=3, minutes=20)),
        ),
    }
    values.update(fields)
    return make_concern("C-2026-0042", **values)


def dump(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def phone_fragments(phone: str = PHONE, size: int = 7) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    return [digits[i : i + size] for i in range(len(digits) - size + 1)]


def buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def all_texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for value in node.values() for t in all_texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in all_texts(item)]
    return []


def test_the_alert_without_descriptions_has_no_description_no_student_and_no_phone() -> None:
    text, blocks = kit.concern_alert(concern(), show_description=False, now=NOW)
    blob = dump([text, blocks])
    assert DESCRIPTION not in blob and TRANSLATION not in blob
    assert "miedo" not in blob and "Ana Pérez" not in blob
    assert not any(fragment in blob for fragment in phone_fragments())
    assert "***0142" in blob
    assert "view_description" in buttons(blocks)


def test_the_alert_with_descriptions_shows_the_words_and_the_labelled_machine_translation() -> None:
    _text, blocks = kit.concern_alert(concern(), show_description=True, now=NOW)
    blob = dump(blocks)
    assert DESCRIPTION in blob
    assert "*Machine translation (libretranslate)*\\n" + TRANSLATION in blob
    assert blob.index(DESCRIPTION) < blob.index(TRANSLATION)
    assert "view_description" not in buttons(blocks)
    assert "Ana Pérez" not in blob  # student details stay out of channels even then
    assert not any(fragment in blob for fragment in phone_fragments())


def test_a_full_phone_number_given_as_masked_is_masked_anyway() -> None:
    _text, blocks = kit.concern_alert(concern(phone_masked=PHONE), show_description=True, now=NOW)
    blob = dump(blocks)
    assert not any(fragment in blob for fragment in phone_fragments())
    assert "***0142" in blob


def test_the_alert_names_reference_category_language_times_status_and_owner() -> None:
    text, blocks = kit.concern_alert(concern(locale="zh_Hans"), show_description=False, now=NOW)
    assert text == "Concern C-2026-0042: Safety / bullying, Chinese (Simplified), new, owner unowned"
    blob = dump(blocks)
    for expected in ("C-2026-0042", "Safety / bullying", "Chinese (Simplified)", "3 h", "*Status*\\nNew"):
        assert expected in blob
    received = int((NOW - timedelta(hours=3, minutes=20)).timestamp())
    assert f"<!date^{received}^" in blob
    assert "Uniform Complaint Procedure" in blob


def test_buttons_follow_the_status() -> None:
    new = kit.concern_alert(concern(), show_description=True, now=NOW)[1]
    assert buttons(new) == ["acknowledge", "take_ownership", "reply", "resolve"]
    acknowledged = concern(status="acknowledged", acknowledged_by="U0ACK", acknowledged_at=NOW)
    assert buttons(kit.concern_alert(acknowledged, show_description=True, now=NOW)[1]) == [
        "take_ownership",
        "reply",
        "resolve",
    ]
    resolved = concern(
        status="resolved", resolved_by="U0RES", resolved_at=NOW, resolution_category="referred"
    )
    assert buttons(kit.concern_alert(resolved, show_description=False, now=NOW)[1]) == [
        "reply",
        "reopen",
        "view_description",
    ]
    every_value = [e["value"] for b in new if b["type"] == "actions" for e in b["elements"]]
    assert set(every_value) == {"C-2026-0042"}


def test_who_did_what_when_is_shown() -> None:
    view = concern(
        status="resolved",
        acknowledged_by="U0ACK",
        acknowledged_at=NOW - timedelta(hours=2),
        owner="U0OWN",
        resolved_by="U0OWN",
        resolved_at=NOW - timedelta(hours=1),
        resolution_category="resolved_at_school",
        resolution_note="Met with the family and the teacher.",
    )
    blob = dump(kit.concern_alert(view, show_description=False, now=NOW)[1])
    assert "Acknowledged by <@U0ACK> <!date^" in blob
    assert "Owner <@U0OWN>" in blob
    assert "Resolved by <@U0OWN>" in blob and "Resolved at school" in blob
    assert "Met with the family and the teacher." in blob
    assert "*Open for*\\n2 h" in blob


def test_long_descriptions_are_cut_to_slack_limits_with_an_ellipsis() -> None:
    view = concern(description="á" * 5000, description_translation="b" * 5000)
    _text, blocks = kit.concern_alert(view, show_description=True, now=NOW)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(text) <= 3000 for text in sections)
    assert any(text.endswith("á…") for text in sections) and any(text.endswith("b…") for text in sections)


def test_writer_text_cannot_ping_the_channel_or_inject_links() -> None:
    view = concern(
        description="<!channel> help <https://evil.example|click> & more",
        status="resolved",
        resolved_by="U0RES",
        resolved_at=NOW,
        resolution_note="<!here> done",
    )
    blob = dump(kit.concern_alert(view, show_description=True, now=NOW)[1])
    assert "<!channel>" not in blob and "<!here>" not in blob and "<https://evil" not in blob
    assert "&lt;!channel&gt; help" in blob and "&amp; more" in blob


def test_escaping_never_pushes_a_text_over_its_limit() -> None:
    cut = kit.fit("<" * 2000, 3000)
    assert len(cut) <= 3000 and cut.endswith("…") and "&lt" in cut


def test_the_escalation_gives_the_reason_and_never_the_description() -> None:
    text, blocks = kit.escalation(concern(), "not acknowledged within 1 school day", NOW)
    assert text == "Concern C-2026-0042 needs attention: not acknowledged within 1 school day"
    blob = dump(blocks)
    assert "not acknowledged within 1 school day" in blob
    assert DESCRIPTION not in blob and TRANSLATION not in blob and "Ana Pérez" not in blob
    assert not any(fragment in blob for fragment in phone_fragments())
    assert buttons(blocks) == ["acknowledge", "take_ownership"]


def test_the_detail_shows_history_but_not_the_parents_words() -> None:
    history = (
        ConcernEventView("created", "parent", DESCRIPTION, NOW - timedelta(days=3)),
        ConcernEventView("acknowledged", "U0ACK", None, NOW - timedelta(days=2)),
        ConcernEventView("reply", "U0ACK", "call_back", NOW - timedelta(days=1)),
    )
    _text, blocks = kit.concern_detail(concern(history=history), NOW)
    blob = dump(blocks)
    assert "Received from the parent · parent" in blob
    assert "Reply sent · <@U0ACK>: call_back" in blob
    assert DESCRIPTION not in blob and "Ana Pérez" not in blob
    assert "view_description" in buttons(blocks)


def test_a_long_history_is_capped_and_split_into_sections() -> None:
    history = tuple(
        ConcernEventView("viewed", f"U{i:07d}", "x" * 250, NOW - timedelta(minutes=i)) for i in range(80)
    )
    _text, blocks = kit.concern_detail(concern(history=history), NOW)
    assert len(blocks) <= 50
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(text) <= 3000 for text in sections)
    assert "50 earlier events not shown" in dump(blocks)


def test_description_blocks_include_the_student_only_when_shared() -> None:
    assert "Ana Pérez" in dump(kit.description_blocks(concern()))
    assert "Ana Pérez" not in dump(kit.description_blocks(concern(share_student=False)))


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(minutes=12), "12 min"),
        (timedelta(hours=3, minutes=59), "3 h"),
        (timedelta(hours=30), "1 day"),
        (timedelta(days=2, hours=5), "2 days"),
        (timedelta(minutes=-5), "0 min"),
    ],
)
def test_ages(delta: timedelta, expected: str) -> None:
    assert kit.age_text(NOW - delta, NOW) == expected


def test_naive_datetimes_are_taken_as_utc() -> None:
    assert kit.age_text(datetime(2026, 3, 10, 14, 0), NOW) == "3 h"


@pytest.mark.parametrize(
    ("code", "name"),
    [("es", "Spanish"), ("zh_Hans", "Chinese (Simplified)"), ("fil", "Filipino"), ("xx", "xx")],
)
def test_language_names(code: str, name: str) -> None:
    assert kit.language_name(code) == name


def test_the_reply_modal_respects_slack_limits() -> None:
    canned = [*CANNED, CannedReply("long", "A very long canned reply " * 10)]
    preview = ReplyPreview("Gracias. " * 30, "es", 2, False)
    modal = kit.reply_modal(
        concern(), canned, selected="long", preview=preview, metadata=kit.modal_metadata("C-2026-0042", "C1")
    )
    assert modal["callback_id"] == "concern_reply"
    assert len(modal["title"]["text"]) <= 24 and len(modal["submit"]["text"]) <= 24
    select = next(b for b in modal["blocks"] if b.get("block_id") == "canned")["element"]
    assert all(len(option["text"]["text"]) <= 75 for option in select["options"])
    assert select["initial_option"]["value"] == "long"
    assert "2 SMS segments" in dump(modal)
    assert kit.read_metadata(modal["private_metadata"]) == ("C-2026-0042", "C1")
    assert DESCRIPTION not in dump(modal)


def test_the_reply_modal_without_canned_replies_has_no_empty_select() -> None:
    modal = kit.reply_modal(concern(), [], selected=None, preview=None, metadata="{}")
    assert all(b.get("block_id") != "canned" for b in modal["blocks"])
    assert any(b.get("block_id") == "note" for b in modal["blocks"])


def test_resolve_and_reopen_modals_require_a_note() -> None:
    resolve = kit.resolve_modal(concern(), kit.modal_metadata("C-2026-0042", None))
    reopen = kit.reopen_modal(concern(status="resolved"), kit.modal_metadata("C-2026-0042", None))
    for modal in (resolve, reopen):
        note = next(b for b in modal["blocks"] if b.get("block_id") == "note")
        assert not note.get("optional") and note["element"]["min_length"] == 1
    options = next(b for b in resolve["blocks"] if b.get("block_id") == "resolution")["element"]["options"]
    assert [o["value"] for o in options] == [
        "resolved_at_school",
        "information_given",
        "referred",
        "withdrawn",
        "other",
    ]


def test_the_open_list_is_one_line_per_concern_and_bounded() -> None:
    views = [concern(owner="U0OWN" if i % 2 else None) for i in range(250)]
    text, blocks = kit.open_concerns(views, NOW)
    assert text == "250 open concerns (oldest first)"
    shown = "\n".join(all_texts(blocks))
    assert shown.count("\n• ") + shown.startswith("• ") == 200
    assert "…and 50 more: `/outreach concerns 2` shows the next page" in shown
    assert len(blocks) <= 50
    _, second = kit.open_concerns(views, NOW, page=2)
    assert "page 2 of 2" in all_texts(second)[0] and "more" not in "\n".join(all_texts(second))
    assert all(len(t) <= 3000 for t in all_texts(blocks))
    assert kit.open_concerns([], NOW)[0] == "No open concerns. :tada:"


def test_the_parents_words_about_when_to_call_stay_out_of_the_alert() -> None:
    view = make_concern("C-2026-0042", contact_preference="phone", contact_window="<!here> call 213-555-0155")
    text, blocks = kit.concern_alert(view, show_description=False, now=NOW)
    posted = json.dumps(blocks) + text
    assert "555-0155" not in posted and "here" not in posted
    assert "Phone" in posted
    behind_the_button = json.dumps(kit.description_blocks(view))
    assert "213-555-0155" in behind_the_button and "&lt;!here&gt;" in behind_the_button
