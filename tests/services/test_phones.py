from __future__ import annotations

import pytest

from bot.services.phones import InvalidPhone, display_phone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "(213) 555-0123",
        "+1 213 555 0123",
        "2135550123",
        "213.555.0123",
        "  +1-213-555-0123  ",
        "1 213 555 0123",
    ],
)
def test_us_numbers_normalize_to_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+12135550123"


def test_whatsapp_and_other_channel_prefixes_are_not_sms_numbers() -> None:
    for sender in ("whatsapp:+12135550123", "messenger:12345", "tel:+12135550123"):
        with pytest.raises(InvalidPhone):
            normalize_phone(sender)


def test_international_number_keeps_its_country() -> None:
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("020 7946 0958", region="GB") == "+442079460958"


@pytest.mark.parametrize(
    "raw", ["12345", "abc", "", "   ", "1" * 40, "+1 213 555 012", "555-0123", "+1 000 555 0123"]
)
def test_not_a_textable_number_is_invalid(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_invalid_phone_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        normalize_phone("abc")


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+12135550123", "***0123"),
        ("(213) 555-0199", "***0199"),
        ("whatsapp:+12135550123", "***0123"),
        ("123", "***"),
        ("", "***"),
        (None, "***"),
    ],
)
def test_mask_phone_keeps_only_last_four_digits(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_phone_hides_every_other_digit() -> None:
    masked = mask_phone("+12135559876")
    assert masked == "***9876"
    assert not any(digit in masked for digit in "1235")


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+12135550100", "(213) 555-0100"),
        ("+14155550123", "(415) 555-0123"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+525512345678", "+52 55 1234 5678"),
        ("not a phone", "not a phone"),
    ],
)
def test_display_phone_formats_us_nationally_and_others_internationally(e164: str, shown: str) -> None:
    assert display_phone(e164) == shown
