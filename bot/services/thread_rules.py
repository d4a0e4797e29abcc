"""The pure rules of conversation threads: which parent texts join one, and how a staff reply is cut."""

from __future__ import annotations

import re

from bot.engine.engine import is_number
from bot.i18n.segments import MAX_SEGMENTS_PER_MESSAGE, segment_count

MAX_SMS_CHARS = 1600  # Twilio refuses a longer body
RUN = 60  # characters of a text without spaces per piece: under one UCS-2 segment
# Intents that start something new rather than add to a conversation (a clear new request).
NEW_TOPICS = frozenset(
    {"menu", "start", "language", "rights", "volunteer", "my_shifts", "events", "rsvp", "help", "stop"}
    | {"more", "status", "concern_status"}
)
# A sentence ends at . ! ? (and their CJK and Arabic forms) or a line break; the space after it stays.
SENTENCE = re.compile(r"[^.!?。！？؟\n]*(?:[.!?。！？؟]+[\"')\]]*|\n|$)\s*")


def follows_up(kind: str, label: str, text: str, question: bool) -> bool:
    """True when a text should join the parent's open conversation: not a command or a clear new ask."""
    if kind == "command" or is_number(text):
        return False
    if kind in ("intent", "clarify"):
        if label in NEW_TOPICS or label.startswith("language:"):
            return False
        if label == "concern" or label.startswith("concern:"):
            return True  # more about the concern ("the driver was rude too")
        return not question  # a question the bot can answer gets its answer
    return True


def sms_parts(header: str, body: str) -> list[str]:
    """Header and body as SMS of at most three segments each, cut between sentences where possible."""
    pieces: list[str] = []
    for chunk in (c for c in SENTENCE.findall(body.strip()) if c):
        if segment_count(chunk.strip()) <= MAX_SEGMENTS_PER_MESSAGE:
            pieces.append(chunk)
            continue
        # One sentence longer than a message: cut it between words (runs of characters without spaces).
        for word in chunk.split():
            pieces.extend(word[i : i + RUN] for i in range(0, len(word), RUN))
            pieces[-1] += " "
    parts: list[str] = []
    current = header + "\n"
    for piece in pieces:
        candidate = current + piece
        if segment_count(candidate.strip()) > MAX_SEGMENTS_PER_MESSAGE and current.strip() != header:
            parts.append(current.strip())
            current = piece
        else:
            current = candidate
    if current.strip():
        parts.append(current.strip())
    return [part[:MAX_SMS_CHARS] for part in parts]
