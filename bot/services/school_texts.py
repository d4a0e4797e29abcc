"""The texts a school writes, per language: where each sits in its file, which languages lack it, drafts.

A text is a mapping of locale to words: `answer: {en: "...", es: "..."}`. A machine-translated draft
is written `ko: {machine: deepl, text: "..."}` until a reviewer confirms it, which makes it a plain
string again. Parents read a draft only when the school says `show_machine_translations: true`.
Education Code 48985 asks for notices in every language spoken by 15% or more of the pupils, so a
school file where such a language lacks a text is refused unless overridden on purpose.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

MACHINE = "machine"  # the key that marks a draft and names the provider
HOME_LANGUAGE_THRESHOLD = 0.15  # Education Code 48985

# Where a file's per-language texts sit ("*": every item of the list), by kind of file.
SLOTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "school": (
        ("parent_center", "where"),
        ("principal", "how"),
        ("teachers", "how"),
        ("ucp_form",),
        ("faq", "*", "question"),
        ("faq", "*", "answer"),
        ("rights_topics", "*", "title"),
        ("rights_topics", "*", "text"),
    ),
    "events": (("events", "*", "title"), ("events", "*", "description"), ("events", "*", "location")),
    "volunteers": (
        ("opportunities", "*", "title"),
        ("opportunities", "*", "description"),
        ("opportunities", "*", "location"),
    ),
}
# Texts a file may still give as one plain string (files written before they were per language):
# the string is the school's default language's text.
PLAIN_ALLOWED: dict[str, tuple[str, str]] = {
    "events": ("events", "location"),
    "volunteers": ("opportunities", "location"),
}


@dataclass(frozen=True)
class Slot:
    """One per-language text of a file: its dotted path and the (mutable) mapping of the file."""

    path: str
    texts: dict[str, Any]


@dataclass(frozen=True)
class TextCoverage:
    """One text: the school's languages it lacks, and those it has only as machine drafts."""

    path: str
    missing: tuple[str, ...]
    drafts: tuple[str, ...]
    missing_share: float  # share of families who do not read this text in their language


def file_kind(data: Mapping[str, Any]) -> str:
    """Which kind of school data a parsed YAML file holds: school, events or volunteers."""
    if "events" in data:
        return "events"
    if "opportunities" in data:
        return "volunteers"
    return "school"


def slots(data: Any, kind: str | None = None) -> list[Slot]:
    """Every per-language text of a parsed file, in file order per kind of text."""
    if not isinstance(data, Mapping):
        return []
    found: list[Slot] = []
    for pattern in SLOTS[kind or file_kind(data)]:
        found += [Slot(path, texts) for path, texts in _walk(data, pattern, ())]
    return found


def _walk(node: Any, pattern: tuple[str, ...], at: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    if not pattern:
        if isinstance(node, dict) and node:
            yield ".".join(at), node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, list):
            for number, item in enumerate(node):
                yield from _walk(item, rest, (*at, str(number)))
    elif isinstance(node, Mapping) and head in node:
        yield from _walk(node[head], rest, (*at, head))


def plain_as_default(data: Any, kind: str, default_locale: str) -> None:
    """In parsed data, turn a plain-string location into the default language's text (in place)."""
    items_key, field = PLAIN_ALLOWED[kind]
    items = data.get(items_key) if isinstance(data, Mapping) else None
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get(field), str):
            text = item[field].strip()
            if text:
                item[field] = {default_locale: text}
            else:
                del item[field]


def is_draft(value: Any) -> bool:
    """True for a machine-translated draft: {machine: provider, text: words}."""
    return isinstance(value, Mapping) and MACHINE in value and isinstance(value.get("text"), str)


def text_of(value: Any) -> str:
    """The words of a text, whether written by a person or drafted by a machine."""
    return str(value["text"]) if is_draft(value) else str(value)


def draft(text: str, provider: str) -> dict[str, str]:
    """A machine-translated text as the file keeps it until a reviewer confirms it."""
    return {MACHINE: provider, "text": text}


def needed_languages(shares: Mapping[str, float], default_locale: str) -> dict[str, float]:
    """The school's languages other than its default, most spoken first (0% ones left out)."""
    spoken = sorted(shares.items(), key=lambda item: -item[1])
    return {code: share for code, share in spoken if share > 0 and code != default_locale}


def coverage(
    data: Any, shares: Mapping[str, float], default_locale: str, *, show_drafts: bool = False
) -> list[TextCoverage]:
    """Per text of a parsed file, the school's languages its parents would not read it in."""
    needed = needed_languages(shares, default_locale)
    kind = file_kind(data) if isinstance(data, Mapping) else "school"
    if kind in PLAIN_ALLOWED:  # a plain-string location is the default language's text, lacking the rest
        data = copy.deepcopy(data)
        plain_as_default(data, kind, default_locale)
    found = []
    for slot in slots(data):
        drafts = tuple(code for code in needed if is_draft(slot.texts.get(code)))
        missing = tuple(
            code
            for code in needed
            if not text_of(slot.texts.get(code) or "").strip() or (code in drafts and not show_drafts)
        )
        found.append(TextCoverage(slot.path, missing, drafts, sum(needed[code] for code in missing)))
    return found


def refusals(
    found: list[TextCoverage], shares: Mapping[str, float], threshold: float = HOME_LANGUAGE_THRESHOLD
) -> list[str]:
    """One error per text that a language of `threshold` or more of the families lacks."""
    errors = []
    for text in found:
        required = [code for code in text.missing if shares.get(code, 0) >= threshold]
        if required:
            spoken = ", ".join(f"{code} ({shares[code]:.0%})" for code in required)
            drafted = [code for code in required if code in text.drafts]
            note = f" (only a machine draft for {', '.join(drafted)}: review it)" if drafted else ""
            errors.append(
                f"{text.path}: no text for {spoken}, spoken by {threshold:.0%} or more of the families "
                f"(Education Code 48985){note}"
            )
    return errors


def report_lines(found: list[TextCoverage], shares: Mapping[str, float], default_locale: str) -> list[str]:
    """A short per-text report: which languages each text lacks, weighted by the families who speak them."""
    needed = needed_languages(shares, default_locale)
    if not found or not needed:
        return []
    complete = sum(1 for text in found if not text.missing)
    reach = 1 - sum(text.missing_share for text in found) / len(found) / (sum(needed.values()) or 1)
    lines = [
        f"school texts: {complete} of {len(found)} in all {len(needed) + 1} languages; families who do "
        f"not read {default_locale} get {reach:.0%} of the texts in their own language"
    ]
    for text in sorted(found, key=lambda t: -t.missing_share):
        if text.missing:
            lines.append(
                f"  {text.path}: missing {', '.join(text.missing)} ({text.missing_share:.0%} of families)"
            )
    drafts = sum(len(text.drafts) for text in found)
    if drafts:
        lines.append(f"  {drafts} machine-translated text(s) await review (`outreach school review FILE`)")
    return lines


def resolve_drafts(data: Any, kind: str, *, show: bool) -> dict[str, str]:
    """Turn drafts in parsed data into what parents read: the words when shown, nothing when not.

    Returns `{path.locale: provider}` of every draft, so the bot still knows which texts a person
    has not reviewed (the evidence report counts them).
    """
    marked: dict[str, str] = {}
    for slot in slots(data, kind):
        for code, value in list(slot.texts.items()):
            if is_draft(value):
                marked[f"{slot.path}.{code}"] = str(value[MACHINE])
                if show:
                    slot.texts[code] = value["text"]
                else:
                    del slot.texts[code]
    return marked


@dataclass(frozen=True)
class ReviewCount:
    """A language's texts (other than the default's): how many, and how many a person wrote or checked."""

    texts: int
    reviewed: int

    @property
    def share(self) -> float:
        """Share of home-language texts that are human-written or human-reviewed (1.0 when none)."""
        return self.reviewed / self.texts if self.texts else 1.0


def review_counts(
    data: Any, default_locale: str, machine: Mapping[str, str] | None = None
) -> dict[str, ReviewCount]:
    """Per language other than the default, its texts and the human-reviewed ones among them.

    `machine` lists drafts already taken out of the data (`resolve_drafts`); drafts still in it count too.
    """
    machine = machine or {}
    counts: dict[str, list[int]] = {}
    for slot in slots(data):
        for code, value in slot.texts.items():
            if code == default_locale:
                continue
            reviewed = not is_draft(value) and f"{slot.path}.{code}" not in machine
            entry = counts.setdefault(code, [0, 0])
            entry[0] += 1
            entry[1] += int(reviewed)
    for key in machine:
        path, _, code = key.rpartition(".")
        if not any(slot.path == path and code in slot.texts for slot in slots(data)):
            counts.setdefault(code, [0, 0])[0] += 1  # a hidden draft: taken out, still not reviewed
    return {code: ReviewCount(total, reviewed) for code, (total, reviewed) in sorted(counts.items())}
