"""What an announcement will do before it is scheduled: who gets which language, segments, cost, 48985.

California Education Code 48985: notices go in a language spoken by 15% or more of the pupils. An
announcement is refused when such a language of its audience has no text, unless the coordinator
overrides on purpose (recorded as 5A evidence).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain import AudienceContact
from bot.i18n.segments import encoding_of, segment_count, smart_encode
from bot.services.audience import matches, normalize_audience

CHANNELS = ("sms",)  # voice and email are room left in the design, not built
MAX_SEGMENTS = 3


class AnnouncementError(Exception):
    """An announcement cannot be created, queued or cancelled as asked; the message says why."""


@dataclass(frozen=True)
class AnnouncementDraft:
    """What a coordinator wrote: a text per language, who it is for, and when."""

    title: str
    texts: Mapping[str, str]
    audience: Mapping[str, Any] = field(default_factory=dict)
    channel: str = "sms"
    send_at: datetime | None = None  # None: now
    urgent: bool = False
    override_48985: bool = False
    override_reason: str = ""
    created_by: str = ""


@dataclass(frozen=True)
class LanguageLine:
    """One audience language: how many get it, in which text, at how many segments each."""

    locale: str
    recipients: int
    share: float
    text_locale: str
    segments: int
    encoding: str

    @property
    def fallback(self) -> bool:
        """True when these families get another language's text."""
        return self.text_locale != self.locale


@dataclass(frozen=True)
class Preview:
    """Everything a coordinator should see before scheduling."""

    recipients: int
    lines: list[LanguageLine]
    missing: list[str]
    required_missing: list[str]
    total_segments: int
    cost: float
    send_at: datetime
    deferred: bool
    errors: list[str]
    threshold: float

    @property
    def home_language_share(self) -> float:
        """Share of recipients who get the text in their own language."""
        if not self.recipients:
            return 1.0
        return sum(line.recipients for line in self.lines if not line.fallback) / self.recipients

    def refusal(self, override: bool) -> list[str]:
        """Why scheduling is refused: errors always, a missing 15% language unless overridden."""
        reasons = list(self.errors)
        if self.required_missing and not override:
            spoken = ", ".join(
                f"{line.locale} ({line.share:.0%})"
                for line in self.lines
                if line.locale in self.required_missing
            )
            reasons.append(
                f"no text for {spoken}: a language spoken by {self.threshold:.0%} or more of the audience "
                "needs a translation (Education Code 48985); add it, or override on purpose"
            )
        return reasons


def body_for(school_name: str, text: str) -> str:
    """The SMS a family receives: the school's name first, so they know who writes."""
    return smart_encode(f"{school_name}: {text.strip()}")


def pick_text_locale(locale: str, texts: Mapping[str, str], default_locale: str) -> str:
    """The language of the text a family gets: theirs, else the school's default, else English, else any."""
    for code in (locale, locale.split("_")[0], default_locale, "en"):
        if texts.get(code):
            return code
    return next(iter(texts))


def audience_of(
    draft_audience: Mapping[str, Any], contacts: Sequence[AudienceContact], default_locale: str
) -> list[tuple[AudienceContact, str]]:
    """(contact, home language) of everyone the audience selects."""
    audience = normalize_audience(draft_audience)
    chosen = []
    for contact in contacts:
        home = contact.locale or default_locale
        if matches(audience, home, contact.grades, contact.groups):
            chosen.append((contact, home))
    return chosen


def validate_draft(draft: AnnouncementDraft, shipped: Sequence[str], school_name: str) -> list[str]:
    """Problems that make a draft unusable whatever the audience."""
    errors = []
    if not draft.title.strip():
        errors.append("the announcement needs a title (for staff, not sent)")
    if draft.channel not in CHANNELS:
        errors.append(f"channel {draft.channel!r} is not available yet; use one of {', '.join(CHANNELS)}")
    texts = {k: v for k, v in draft.texts.items() if v and v.strip()}
    if not texts:
        errors.append("write the text in at least one language")
    for locale, text in sorted(texts.items()):
        if locale not in shipped:
            errors.append(f"{locale!r} is not a language the bot speaks ({', '.join(shipped)})")
            continue
        segments = segment_count(body_for(school_name, text))
        if segments > MAX_SEGMENTS:
            errors.append(
                f"the {locale} text takes {segments} SMS segments; keep it to {MAX_SEGMENTS} "
                f"({len(text)} characters now)"
            )
    return errors


def build_preview(
    draft: AnnouncementDraft,
    chosen: Sequence[tuple[AudienceContact, str]],
    *,
    school_name: str,
    default_locale: str,
    shipped: Sequence[str],
    send_at: datetime,
    deferred: bool,
    price_per_segment: float,
    threshold: float,
) -> Preview:
    """Recipients per language, missing translations, segments and cost for a draft and its audience."""
    texts = {k: v for k, v in draft.texts.items() if v and v.strip()}
    errors = validate_draft(draft, shipped, school_name)
    per_language = Counter(home for _, home in chosen)
    total = sum(per_language.values())
    if not total:
        errors.append("no family matches this audience")
    lines = []
    for locale, count in sorted(per_language.items(), key=lambda item: (-item[1], item[0])):
        text_locale = pick_text_locale(locale, texts, default_locale) if texts else locale
        body = body_for(school_name, texts.get(text_locale, ""))
        lines.append(
            LanguageLine(locale, count, count / total, text_locale, segment_count(body), encoding_of(body))
        )
    missing = [line.locale for line in lines if line.fallback]
    required = [line.locale for line in lines if line.fallback and line.share >= threshold]
    total_segments = sum(line.recipients * line.segments for line in lines)
    return Preview(
        recipients=total,
        lines=lines,
        missing=missing,
        required_missing=required,
        total_segments=total_segments,
        cost=round(total_segments * price_per_segment, 2),
        send_at=send_at,
        deferred=deferred,
        errors=errors,
        threshold=threshold,
    )


def preview_text(preview: Preview, when: str) -> str:
    """The preview as plain text for the CLI and Slack."""
    lines = [f"{preview.recipients} recipients · {when}{' (after quiet hours)' if preview.deferred else ''}"]
    for line in preview.lines:
        gets = f"gets {line.text_locale} text" if line.fallback else "own language"
        lines.append(
            f"  {line.locale:<8} {line.recipients:>7} ({line.share:.0%}) {gets}, "
            f"{line.segments} segment{'s' if line.segments != 1 else ''} ({line.encoding})"
        )
    if preview.missing:
        lines.append(f"No translation for: {', '.join(preview.missing)} (they get the default language)")
    lines.append(f"Total: {preview.total_segments} segments, about ${preview.cost:,.2f}")
    lines += [f"Problem: {error}" for error in preview.errors]
    return "\n".join(lines)
