"""Settings read from the environment and `.env`, validated once at startup."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

from babel import Locale, UnknownLocaleError
from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER = re.compile(r"xxxx|^your_|-your-|^your-", re.IGNORECASE)


class SettingsError(Exception):
    """A setting has a bad value; the message names the setting in one line."""


class Settings(BaseSettings):
    """Every setting of the bot; see `.env.example` for what each one means."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Store
    database_url: str = "sqlite:///outreach.db"
    # School data: the school loaded into an empty database (none: the demo school). Its time zone is
    # the school file's `timezone`.
    school_file: Path | None = None
    default_locale: str = "en"
    # Web
    public_base_url: str = "http://127.0.0.1:8000"
    max_request_bytes: int = 64 * 1024
    metrics_token: str = ""  # empty: /metrics answers loopback clients only
    enable_api_docs: bool = False  # /docs, /redoc and /openapi.json, for development only
    # Twilio
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base_url: str = ""
    twilio_timeout_seconds: float = 10.0
    # Slack
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: str = ""
    slack_concerns_channel: str = ""
    slack_escalation_channel: str = ""
    slack_questions_channel: str = ""  # unanswered questions go here for staff to teach the bot
    slack_staff_user_ids: str = ""  # comma-separated user ids (U...) and/or user group ids (S...)
    slack_show_descriptions: bool = False
    # Bolt's process_before_response: answer only after the listener is done (tests: no waiting)
    slack_process_before_response: bool = False
    # Concern service targets, in school days (school days are the office-hours days of the school file)
    concern_ack_target_school_days: float = 1.0
    concern_resolve_target_school_days: float = 5.0
    # Conversations in Slack threads: a parent's texts join a concern's thread while it is open and
    # this many days after it is resolved; a direct conversation (/outreach text) this many days after
    # its last message. Staff thread messages starting with the note prefix stay in Slack; starting
    # with the urgent prefix they go at once even in quiet hours.
    concern_thread_days_after_resolve: float = 7.0
    direct_thread_days: float = 14.0
    slack_note_prefix: str = "//"
    slack_urgent_prefix: str = "!urgent"
    # Machine translation of free text (off by default)
    translation_provider: str = ""  # "", "libretranslate" or "deepl"
    libretranslate_url: str = ""
    libretranslate_api_key: str = ""
    deepl_api_key: str = ""
    deepl_api_url: str = "https://api-free.deepl.com"
    translation_timeout_seconds: float = 5.0
    # Messaging rules
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(8, 0)
    sender_messages_per_second: float = 1.0
    slack_posts_per_second: float = 1.0  # chat.postMessage allows about one message per second per channel
    sms_price_per_segment: float = 0.0083  # USD, for the cost estimate in announcement previews
    home_language_threshold: float = 0.15  # Education Code 48985: notices in languages of 15%+ of pupils
    scheduler_sync_seconds: float = 15.0
    outbox_max_attempts: int = 8
    # Volunteers: the opportunities loaded with SCHOOL_FILE into an empty database, when not the file
    # beside it (yours.volunteers.yaml), and how long a freed place is held for the next parent
    volunteers_file: Path | None = None
    volunteer_offer_hours: float = 24.0
    # One-question pulses (1A, 4B, 4C): at most one per family per this many days; 0 turns them off
    pulse_min_days: int = 30
    outbox_stale_after_seconds: float = 120.0
    inbound_max_per_minute: int = 20
    # Texts from numbers never seen before that get an answer per minute, all numbers together: a
    # burst of new numbers is how SMS-pumping fraud runs up a bill. The rest are stored, not answered.
    new_numbers_per_minute: int = 100
    # Countries (ISO regions) whose numbers are answered; others get no reply (a metric counts them).
    allowed_country_codes: str = "US,CA,PR,GU,VI,AS,MP"
    # Data rights
    retention_days: int = 730
    phone_hash_key: str = ""
    # Conversations
    session_ttl_hours: float = 24.0
    language_detect_min_letters: int = 12
    language_detect_confidence: float = 0.80
    default_region: str = "US"
    log_level: str = "INFO"
    # Rubric evidence report
    report_min_group: int = 5  # groups of fewer parents are shown as "fewer than N"
    report_thresholds_file: Path | None = None  # default: bot/report/thresholds.yaml

    @field_validator("school_file", "volunteers_file", mode="before")
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("twilio_account_sid", "twilio_auth_token", "slack_bot_token", "slack_signing_secret")
    @classmethod
    def _not_a_placeholder(cls, value: str) -> str:
        # .env.example's dummies would switch on the real transports and fail on the first send.
        if PLACEHOLDER.search(value):
            raise ValueError(
                "still the placeholder from .env.example: set the real value, or leave it empty for a dry run"
            )
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError) as exc:
            raise ValueError(f"unknown locale {value!r}") from exc
        return value

    @field_validator(
        "sender_messages_per_second",
        "slack_posts_per_second",
        "session_ttl_hours",
        "translation_timeout_seconds",
        "scheduler_sync_seconds",
        "volunteer_offer_hours",
        "twilio_timeout_seconds",
        "outbox_stale_after_seconds",
        "inbound_max_per_minute",
        "new_numbers_per_minute",
        "retention_days",
        "direct_thread_days",
    )
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be greater than 0")
        return value

    @field_validator("concern_thread_days_after_resolve")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("must be 0 (only open concerns) or more")
        return value

    @field_validator("home_language_threshold")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError("must be a share between 0 and 1, such as 0.15")
        return value

    @field_validator("report_thresholds_file", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("report_thresholds_file")
    @classmethod
    def _readable_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{str(value)!r} is not a file (copy bot/report/thresholds.yaml and edit it)")
        return value

    @field_validator("report_min_group")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator("translation_provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        if value not in ("", "libretranslate", "deepl"):
            raise ValueError("use libretranslate, deepl, or leave empty for no machine translation")
        return value

    @field_validator(
        "public_base_url", "twilio_api_base_url", "slack_api_url", "libretranslate_url", "deepl_api_url"
    )
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _translation_provider_settings(self) -> Settings:
        if self.translation_provider == "libretranslate" and not self.libretranslate_url:
            raise ValueError("TRANSLATION_PROVIDER=libretranslate needs LIBRETRANSLATE_URL")
        if self.translation_provider == "deepl" and not self.deepl_api_key:
            raise ValueError("TRANSLATION_PROVIDER=deepl needs DEEPL_API_KEY")
        return self

    @model_validator(mode="after")
    def _twilio_sender(self) -> Settings:
        if self.twilio_account_sid and not (self.twilio_from_number or self.twilio_messaging_service_sid):
            raise ValueError(
                "TWILIO_ACCOUNT_SID is set but neither TWILIO_FROM_NUMBER nor TWILIO_MESSAGING_SERVICE_SID is"
            )
        return self

    @property
    def staff_ids(self) -> frozenset[str]:
        """Slack user and user-group ids allowed to act on concerns."""
        return frozenset(part.strip() for part in self.slack_staff_user_ids.split(",") if part.strip())

    @property
    def allowed_regions(self) -> frozenset[str]:
        """The ISO regions whose numbers the bot answers."""
        codes = self.allowed_country_codes.split(",")
        return frozenset(code.strip().upper() for code in codes if code.strip())

    @property
    def slack_live(self) -> bool:
        """True when Slack requests and posts go to a real (or fake) Slack API."""
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def twilio_live(self) -> bool:
        """True when outbound SMS go through Twilio rather than the dry-run transport."""
        return bool(self.twilio_account_sid and self.twilio_auth_token)


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "_".join(str(part) for part in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        # A check across settings names them in its message rather than in its location.
        raise SettingsError(
            f"bad setting {name}: {message}" if name else f"bad settings: {message}"
        ) from None
