"""Block Kit for conversation threads: the parent's texts, a direct conversation's root, staff notices.

The parent's words appear only where the school lets descriptions be shown; otherwise a post
names the language and length and a "View message" button shows the words to one staff member.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any

from bot.channels.slack_blocks import actor_text, fit, language_name, slack_date
from bot.services.thread_types import ParentPost, RootPost

Block = dict[str, Any]
VIEW_THREAD_MESSAGE = "thread_view_message"
SECTION_TEXT = 3000
NOTE_HINT = "start a message with `//` for a note only staff see"
# Slack's markup in a message's text: <@U123>, <#C123|name>, <!here>, <https://x|label>, <https://x>.
SLACK_MARKUP = re.compile(r"<([@#!]?)([^|>]*)(?:\|([^>]*))?>")


def plain_text(slack_text: str) -> str:
    """What a staff member wrote, as plain text for an SMS: links spelled out, mentions named."""

    def replace(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            return label or "staff"
        if sigil == "#":
            return f"#{label}" if label else ""
        if sigil == "!":
            return label or ""
        if label and label != target.removeprefix("mailto:"):
            return f"{label} ({target.removeprefix('mailto:')})"
        return target.removeprefix("mailto:")

    return unescape(SLACK_MARKUP.sub(replace, slack_text)).strip()


def parent_message(post: ParentPost, *, show_text: bool) -> tuple[str, list[Block]]:
    """The post of a parent's text in its thread: the words where allowed, else a View button."""
    language = language_name(post.locale or "en")
    about = f" about {post.reference}" if post.reference else ""
    if not show_text:
        line = (
            f":speech_balloon: The parent wrote{about} in {language} ({post.length} characters). "
            "Only staff who open it see the words."
        )
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "View message", "emoji": True},
            "action_id": VIEW_THREAD_MESSAGE,
            "value": str(post.message_id),
        }
        return f"The parent wrote{about} ({language})", [
            _section(line),
            {"type": "actions", "elements": [button]},
        ]
    return f"The parent wrote{about} ({language})", message_blocks(post)


def message_blocks(post: ParentPost) -> list[Block]:
    """The parent's words in their language, and the machine translation under them when there is one."""
    language = language_name(post.locale or "en")
    heading = f":speech_balloon: *The parent wrote* ({language}):\n"
    blocks = [_section(heading + fit(post.text, SECTION_TEXT - len(heading)))]
    if post.translation:
        label = f"*Machine translation* ({post.translation_provider or 'machine'}):\n"
        blocks.append(_section(label + fit(post.translation, SECTION_TEXT - len(label))))
    return blocks


def root_message(root: RootPost) -> tuple[str, list[Block]]:
    """A direct conversation's first post: which family (masked), in which language, who began it."""
    language = language_name(root.locale)
    line = (
        f":speech_balloon: *Conversation with a family* ({root.phone_masked}, {language}), "
        f"started by {actor_text(root.opened_by)}."
    )
    blocks = [_section(line)]
    if root.first_text:
        blocks.append(_section("*First message*\n" + fit(root.first_text, 2500)))
    hint = f"Replies in this thread are texted to the family in {language}; {NOTE_HINT}."
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": hint}]})
    return f"Conversation with a family ({root.phone_masked}, {language})", blocks


def notice(event: str, fields: dict[str, Any]) -> str:
    """One line in the thread telling staff what became of a message."""
    language = language_name(str(fields.get("language") or "en"))
    parts = int(fields.get("parts") or 1)
    texts = "1 text" if parts == 1 else f"{parts} texts"
    how = "machine-translated" if fields.get("translated") else "as written, with a note naming its language"
    if event == "queued":
        return f":outbox_tray: Texting the family in {language} ({how}), {texts}."
    if event == "scheduled":
        moment = datetime.fromisoformat(str(fields["send_at"]))
        return (
            f":crescent_moon: Quiet hours: the family gets this in {language} ({how}, {texts}) at "
            f"{slack_date(moment)}. Start a message with `!urgent` to send it at once."
        )
    if event == "opted_out":
        return ":no_entry: Not sent: this family opted out of texts (STOP). Call them instead."
    if event == "failed":
        return ":x: A text to the family could not be delivered. Try calling them."
    return fit(event, 200)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
