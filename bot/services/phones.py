"""Phone numbers: E.164 normalization and masking for logs and staff views."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


class InvalidPhone(ValueError):
    """The sender is not a phone number we can text back (short code, email, garbage)."""


@lru_cache(maxsize=16384)
def normalize_phone(raw: str, region: str = "US") -> str:
    """The E.164 form of a phone number, or `InvalidPhone`."""
    # Cached (a pure function; errors are not cached): parsing costs more than the rest of a short
    # turn's bookkeeping, and the same parents text again and again.
    candidate = (raw or "").strip()
    if not candidate or len(candidate) > 32:
        raise InvalidPhone("not a phone number")
    if ":" in candidate:  # whatsapp:+1..., messenger:... are other channels, not SMS numbers
        raise InvalidPhone("not an SMS phone number")
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    """The ISO region a number belongs to ("US", "CA", "PR", "GB", ...), or None when unknown."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def display_phone(e164: str) -> str:
    """A phone number as people in its country write it, e.g. (213) 555-0100."""
    try:
        parsed = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def mask_phone(phone: str | None) -> str:
    """Only the last four digits, for logs and channel messages."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"***{digits[-4:]}" if len(digits) >= 4 else "***"
