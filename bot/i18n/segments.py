"""Count SMS segments the way carriers bill them (GSM-7 160/153, UCS-2 70/67)."""

from __future__ import annotations

MAX_SEGMENTS_PER_MESSAGE = 3  # the house rule for anything a parent reads

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


GSM7_ALL = frozenset(GSM7_BASIC | GSM7_EXTENDED)


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM-7 alphabet (with its extension table)."""
    return GSM7_ALL.issuperset(text)


def segment_count(text: str) -> int:
    """How many SMS segments the text takes, as carriers split it."""
    if not text:
        return 1
    if is_gsm7(text):
        if len(text) * 2 <= 160:
            return 1
        escapes = sum(text.count(ch) for ch in GSM7_EXTENDED)
        if escapes == 0:
            return 1 if len(text) <= 160 else -(-len(text) // 153)
        units = [2 if ch in GSM7_EXTENDED else 1 for ch in text]
        return 1 if sum(units) <= 160 else _split_count(units, 153)
    # UCS-2 counts UTF-16 code units: an emoji outside the BMP takes two.
    if len(text) * 2 <= 70:
        return 1
    if max(text) <= "\uffff":  # no surrogate pairs: one unit a character (the usual case, counted in C)
        return 1 if len(text) <= 70 else -(-len(text) // 67)
    units = [len(ch.encode("utf-16-le")) // 2 for ch in text]
    return 1 if sum(units) <= 70 else _split_count(units, 67)


def _split_count(units: list[int], per_segment: int) -> int:
    # A GSM escape pair or a UTF-16 surrogate pair is never cut across two segments.
    segments, used = 1, 0
    for size in units:
        if used + size > per_segment:
            segments, used = segments + 1, 0
        used += size
    return segments


def encoding_of(text: str) -> str:
    """'GSM-7' or 'UCS-2'."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


# Look-alike characters that would force a whole message into UCS-2 (about 2.3x the segments):
# CLDR time formats use narrow no-break spaces, and typographic dashes and quotes creep into texts.
SMART_REPLACEMENTS = str.maketrans(
    {
        "\u202f": " ",  # narrow no-break space (CLDR "7:30 AM")
        "\u00a0": " ",  # no-break space
        "\u2009": " ",  # thin space
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
    }
)


def smart_encode(text: str) -> str:
    """Replace typographic look-alikes with GSM-7 characters so plain texts stay in GSM-7."""
    return text.translate(SMART_REPLACEMENTS)


def pack_messages(texts: list[str]) -> list[str]:
    """Join a turn's texts into as few messages as fit three segments each, splitting any that is longer."""
    messages: list[str] = []
    for text in (part for whole in texts if whole for part in _split_long(whole)):
        if messages and segment_count(f"{messages[-1]}\n\n{text}") <= MAX_SEGMENTS_PER_MESSAGE:
            messages[-1] = f"{messages[-1]}\n\n{text}"
        else:
            messages.append(text)
    return messages


def _split_long(text: str) -> list[str]:
    """Cut a text over the segment limit at line breaks, then at spaces, never mid-word if avoidable."""
    if segment_count(text) <= MAX_SEGMENTS_PER_MESSAGE:
        return [text]
    parts: list[str] = []
    current = ""
    for piece in _pieces(text):
        candidate = f"{current}{piece}"
        if current and segment_count(candidate.strip()) > MAX_SEGMENTS_PER_MESSAGE:
            parts.append(current.strip())
            current = piece
        else:
            current = candidate
    if current.strip():
        parts.append(current.strip())
    return parts


def _pieces(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    pieces: list[str] = []
    for line in lines:
        if segment_count(line) <= MAX_SEGMENTS_PER_MESSAGE:
            pieces.append(line)
            continue
        for word in line.split(" "):
            if segment_count(word) <= MAX_SEGMENTS_PER_MESSAGE:
                pieces.append(word + " ")
            else:
                # Scripts written without spaces (Chinese, a pasted URL): cut between characters.
                pieces.extend(_by_characters(word))
    return pieces


def _by_characters(word: str) -> list[str]:
    """Cut a text with no spaces into runs that each fit the segment limit (pairs never split)."""
    gsm = is_gsm7(word)
    per_segment = 153 if gsm else 67
    runs: list[str] = []
    current: list[str] = []
    segments, used = 1, 1  # one unit kept for the space that joins a run to the next piece
    for ch in word:
        size = (2 if ch in GSM7_EXTENDED else 1) if gsm else len(ch.encode("utf-16-le")) // 2
        if used + size > per_segment:  # the next segment starts, as _split_count counts them
            segments, used = segments + 1, 0
        if segments > MAX_SEGMENTS_PER_MESSAGE:
            runs.append("".join(current))
            current, segments, used = [], 1, 1
        current.append(ch)
        used += size
    if current:
        runs.append("".join(current) + " ")
    return runs
