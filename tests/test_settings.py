"""Settings: defaults that work, and one clear line naming a bad setting."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_run_on_sqlite_in_dry_run(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:///outreach.db"
    assert not settings.twilio_live
    assert settings.quiet_hours_start.hour == 21
    assert not settings.slack_process_before_response  # a server acks Slack first


def test_slack_process_before_response_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_PROCESS_BEFORE_RESPONSE", "true")
    assert load_settings().slack_process_before_response


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("DEFAULT_LOCALE", "xx_NOPE", "DEFAULT_LOCALE"),
        ("SENDER_MESSAGES_PER_SECOND", "0", "SENDER_MESSAGES_PER_SECOND"),
        ("SENDER_MESSAGES_PER_SECOND", "fast", "SENDER_MESSAGES_PER_SECOND"),
        ("QUIET_HOURS_START", "25:00", "QUIET_HOURS_START"),
        ("PUBLIC_BASE_URL", "outreach.example.org", "PUBLIC_BASE_URL"),
    ],
)
def test_a_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path, name: str, value: str, says: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"bad setting {says}:")
    assert "\n" not in message


def test_twilio_sid_without_a_sender_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    monkeypatch.delenv("TWILIO_FROM_NUMBER", raising=False)
    monkeypatch.delenv("TWILIO_MESSAGING_SERVICE_SID", raising=False)
    with pytest.raises(SettingsError, match="TWILIO_FROM_NUMBER"):
        load_settings()


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SESSION_TTL_HOURS", raising=False)
    (tmp_path / ".env").write_text("SESSION_TTL_HOURS=2\n")
    assert load_settings().session_ttl_hours == 2.0
