"""LibreTranslate and DeepL through real httpx, pointed at a fake of both APIs on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.channels.translators import DeepLTranslator, LibreTranslateTranslator, build_translator
from bot.services.translation import (
    MachineTranslation,
    NoTranslator,
    TranslationUnavailable,
    Translator,
    translate_or_none,
)
from bot.settings import Settings, SettingsError, load_settings
from tests.fixtures.fake_translators import DEEPL_PATH, LIBRE_PATH, FakeTranslators, Fault

DEEPL_KEY = "0123abcd-4567-89ef-0123-456789abcdef:fx"
SPANISH = "Mi hijo está enfermo hoy"
CHINESE = "我的孩子今天生病了"
TAGALOG = "May sakit ang anak ko ngayon"
NOTE = "Please call me after 3 pm"
TIMEOUT = 2.0
SHORT_TIMEOUT = 0.3


@pytest.fixture
def fake() -> Iterator[FakeTranslators]:
    with FakeTranslators(deepl_api_key=DEEPL_KEY) as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as shared:
        yield shared


def libre(
    fake: FakeTranslators,
    client: httpx.Client,
    *,
    api_key: str = "",
    timeout: float = TIMEOUT,
    codes: dict[str, str] | None = None,
) -> LibreTranslateTranslator:
    return LibreTranslateTranslator(fake.url, api_key, timeout, client, codes=codes)


def deepl(
    fake: FakeTranslators,
    client: httpx.Client,
    *,
    api_key: str = DEEPL_KEY,
    timeout: float = TIMEOUT,
    targets: dict[str, str] | None = None,
) -> DeepLTranslator:
    return DeepLTranslator(api_key, fake.url, timeout, client, targets=targets)


# LibreTranslate


def test_libretranslate_detects_the_source_and_translates(
    fake: FakeTranslators, client: httpx.Client
) -> None:
    result = libre(fake, client).translate(SPANISH, target="en")
    assert result == MachineTranslation("My son is sick today", "es", "en", "libretranslate")
    [request] = fake.requests
    assert request.path == LIBRE_PATH
    assert request.json == {"q": SPANISH, "source": "auto", "target": "en", "format": "text"}


def test_libretranslate_sends_a_given_source(fake: FakeTranslators, client: httpx.Client) -> None:
    result = libre(fake, client).translate(NOTE, target="es", source="en")
    assert (result.text, result.source) == ("Por favor llámeme después de las 3 pm", "en")
    assert fake.requests[0].json["source"] == "en"


def test_libretranslate_sends_the_api_key_only_when_set(client: httpx.Client) -> None:
    with FakeTranslators(libre_api_key="lt-secret") as keyed:
        libre(keyed, client, api_key="lt-secret").translate(SPANISH, target="en")
        assert keyed.requests[0].json["api_key"] == "lt-secret"
        with pytest.raises(TranslationUnavailable, match=r"refused the API key \(403\)") as raised:
            libre(keyed, client).translate(SPANISH, target="en")
        assert "api_key" not in keyed.requests[1].json
        assert raised.value.reason == "rejected"


@pytest.mark.parametrize(
    ("locale", "code", "translated"),
    [
        ("zh_Hans", "zh", "请在下午3点后给我打电话"),
        ("fil", "tl", "Pakitawagan ako pagkatapos ng 3 pm"),
        ("ko", "ko", "[ko] Please call me after 3 pm"),
    ],
)
def test_libretranslate_maps_project_locales_to_its_codes(
    fake: FakeTranslators, client: httpx.Client, locale: str, code: str, translated: str
) -> None:
    result = libre(fake, client).translate(NOTE, target=locale, source="en")
    assert fake.requests[0].json["target"] == code
    assert (result.text, result.target) == (translated, locale)


@pytest.mark.parametrize(("text", "locale"), [(CHINESE, "zh_Hans"), (TAGALOG, "fil")])
def test_libretranslate_maps_detected_codes_back(
    fake: FakeTranslators, client: httpx.Client, text: str, locale: str
) -> None:
    assert libre(fake, client).translate(text, target="en").source == locale


def test_libretranslate_codes_can_follow_a_newer_server(client: httpx.Client) -> None:
    with FakeTranslators(libre_chinese="zh-Hans") as newer:
        translator = libre(newer, client, codes={"zh_Hans": "zh-Hans"})
        translator.translate(NOTE, target="zh_Hans", source="en")
        assert newer.requests[0].json["target"] == "zh-Hans"
        assert translator.translate(CHINESE, target="en").source == "zh_Hans"


def test_libretranslate_unsupported_language_is_reported(fake: FakeTranslators, client: httpx.Client) -> None:
    with pytest.raises(
        TranslationUnavailable, match="cannot translate en to hy: hy is not supported"
    ) as raised:
        libre(fake, client).translate(NOTE, target="hy", source="en")
    assert raised.value.reason == "unsupported"


# DeepL


def test_deepl_detects_the_source_and_translates(fake: FakeTranslators, client: httpx.Client) -> None:
    result = deepl(fake, client).translate(SPANISH, target="en")
    assert result == MachineTranslation("My son is sick today", "es", "en", "deepl")
    [request] = fake.requests
    assert request.path == DEEPL_PATH
    assert request.headers["authorization"] == f"DeepL-Auth-Key {DEEPL_KEY}"
    assert request.json == {"text": [SPANISH], "target_lang": "EN-US"}


def test_deepl_maps_chinese_both_ways(fake: FakeTranslators, client: httpx.Client) -> None:
    translator = deepl(fake, client)
    assert translator.translate(CHINESE, target="en").source == "zh_Hans"
    result = translator.translate(NOTE, target="zh_Hans", source="en")
    assert result.text == "请在下午3点后给我打电话"
    assert fake.requests[1].json == {"text": [NOTE], "target_lang": "ZH-HANS", "source_lang": "EN"}
    translator.translate(CHINESE, target="en", source="zh_Hans")
    assert fake.requests[2].json["source_lang"] == "ZH"


def test_deepl_english_variant_is_configurable(fake: FakeTranslators, client: httpx.Client) -> None:
    result = deepl(fake, client, targets={"en": "EN-GB"}).translate(SPANISH, target="en", source="es")
    assert fake.requests[0].json == {"text": [SPANISH], "target_lang": "EN-GB", "source_lang": "ES"}
    assert (result.source, result.target) == ("es", "en")


@pytest.mark.parametrize(
    ("target", "source", "says"),
    [
        ("hy", "en", "into hy"),
        ("fil", "en", "into fil"),
        ("fa", "en", "into fa"),
        ("en", "hy", "from hy"),
        ("en", "fil", "from fil"),
        ("en", "fa", "from fa"),
    ],
)
def test_deepl_unsupported_language_never_reaches_the_api(
    fake: FakeTranslators, client: httpx.Client, target: str, source: str, says: str
) -> None:
    with pytest.raises(TranslationUnavailable, match=f"deepl does not translate {says}") as raised:
        deepl(fake, client).translate(NOTE, target=target, source=source)
    assert raised.value.reason == "unsupported"
    assert fake.requests == []


def test_deepl_wrong_key_is_rejected_with_a_hint(fake: FakeTranslators, client: httpx.Client) -> None:
    with pytest.raises(TranslationUnavailable, match=r"refused the API key \(403\)") as raised:
        deepl(fake, client, api_key="wrong").translate(SPANISH, target="en")
    assert "api-free.deepl.com" in str(raised.value)
    assert raised.value.reason == "rejected"


# Faults, both providers


PROVIDERS = ["libretranslate", "deepl"]


def make(provider: str, fake: FakeTranslators, client: httpx.Client, timeout: float = TIMEOUT) -> Translator:
    return (
        libre(fake, client, timeout=timeout)
        if provider == "libretranslate"
        else deepl(fake, client, timeout=timeout)
    )


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("status", "reason", "says"),
    [
        (429, "quota", "(429)"),
        (500, "error", "answered 500"),
        (503, "error", "answered 503"),
        (400, "rejected", "rejected the request (400)"),
    ],
)
def test_error_statuses_become_unavailable(
    fake: FakeTranslators, client: httpx.Client, provider: str, status: int, reason: str, says: str
) -> None:
    fake.fail_next(Fault(status=status))
    translator = make(provider, fake, client)
    with pytest.raises(TranslationUnavailable) as raised:
        translator.translate(SPANISH, target="en")
    assert says in str(raised.value)
    assert str(raised.value).startswith(provider)
    assert raised.value.reason == reason


def test_deepl_quota_exceeded(fake: FakeTranslators, client: httpx.Client) -> None:
    fake.fail_next(Fault(status=456, body={"message": "Quota Exceeded"}))
    with pytest.raises(TranslationUnavailable, match=r"deepl quota exceeded \(456\)") as raised:
        deepl(fake, client).translate(SPANISH, target="en")
    assert raised.value.reason == "quota"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_slow_provider_times_out(fake: FakeTranslators, client: httpx.Client, provider: str) -> None:
    fake.fail_next(Fault.slow(1.0))  # a translation that arrives after 1 s would have been a success
    translator = make(provider, fake, client, timeout=SHORT_TIMEOUT)
    with pytest.raises(TranslationUnavailable, match=f"{provider} timed out after 0.3 s") as raised:
        translator.translate(SPANISH, target="en")
    assert raised.value.reason == "timeout"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_dropped_connection_is_unreachable(
    fake: FakeTranslators, client: httpx.Client, provider: str
) -> None:
    fake.fail_next(Fault.dropped())
    with pytest.raises(TranslationUnavailable, match=f"{provider} unreachable") as raised:
        make(provider, fake, client).translate(SPANISH, target="en")
    assert raised.value.reason == "unreachable"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_nothing_listening_is_unreachable(client: httpx.Client, provider: str) -> None:
    with FakeTranslators() as gone:
        url = gone.url
    translator = (
        LibreTranslateTranslator(url, "", TIMEOUT, client)
        if provider == "libretranslate"
        else DeepLTranslator(DEEPL_KEY, url, TIMEOUT, client)
    )
    with pytest.raises(TranslationUnavailable, match=rf"{provider} unreachable \(ConnectError\)"):
        translator.translate(SPANISH, target="en")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_malformed_json_is_unavailable(fake: FakeTranslators, client: httpx.Client, provider: str) -> None:
    fake.fail_next(Fault.malformed())
    with pytest.raises(TranslationUnavailable, match=f"{provider} answered malformed JSON"):
        make(provider, fake, client).translate(SPANISH, target="en")


@pytest.mark.parametrize(
    ("provider", "body"),
    [
        ("libretranslate", {"translated": "wrong key"}),
        ("libretranslate", {"translatedText": ""}),
        ("libretranslate", ["not", "an", "object"]),
        ("deepl", {"translations": []}),
        ("deepl", {"translations": [{"detected_source_language": "ES"}]}),
        ("deepl", {"translations": "My son is sick today"}),
    ],
)
def test_json_of_the_wrong_shape_is_unavailable(
    fake: FakeTranslators, client: httpx.Client, provider: str, body: object
) -> None:
    fake.fail_next(Fault(status=200, body=body))
    with pytest.raises(TranslationUnavailable, match=f"{provider} answered without a translation"):
        make(provider, fake, client).translate(SPANISH, target="en")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_error_messages_never_carry_the_text(
    fake: FakeTranslators, client: httpx.Client, provider: str
) -> None:
    echo = {"error": f"Cannot translate {SPANISH}", "message": f"Cannot translate {SPANISH}"}
    fake.fail_next(Fault(status=400, body=echo))
    with pytest.raises(TranslationUnavailable) as raised:
        make(provider, fake, client).translate(SPANISH, target="en")
    assert "enfermo" not in str(raised.value)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_translate_or_none_survives_every_fault(
    fake: FakeTranslators, client: httpx.Client, provider: str
) -> None:
    translator = make(provider, fake, client, timeout=SHORT_TIMEOUT)
    fake.fail_next(Fault(status=500), Fault.dropped(), Fault.malformed(), Fault(status=429), Fault.slow(1.0))
    for _ in range(5):
        assert translate_or_none(translator, SPANISH, target="en") is None
    assert len(fake.requests) == 5
    result = translate_or_none(translator, SPANISH, target="en")
    assert result is not None and result.text == "My son is sick today"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_translate_or_none_skips_a_text_already_in_the_target_language(
    fake: FakeTranslators, client: httpx.Client, provider: str
) -> None:
    translator = make(provider, fake, client)
    assert translate_or_none(translator, NOTE, target="en", source="en") is None
    assert fake.requests == []
    assert translate_or_none(translator, NOTE, target="en") is None
    assert len(fake.requests) == 1


# Choosing a provider from settings


def test_build_translator_is_off_by_default() -> None:
    assert isinstance(build_translator(Settings(_env_file=None, translation_provider="")), NoTranslator)  # type: ignore[call-arg]


def test_build_translator_libretranslate() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        translation_provider="libretranslate",
        libretranslate_url="https://lt.example.org/",
        libretranslate_api_key="lt-key",
        translation_timeout_seconds=3.0,
    )
    translator = build_translator(settings)
    assert isinstance(translator, LibreTranslateTranslator)
    assert (translator.url, translator.api_key, translator.timeout) == (
        "https://lt.example.org",
        "lt-key",
        3.0,
    )
    translator.close()


def test_build_translator_deepl() -> None:
    settings = Settings(_env_file=None, translation_provider="deepl", deepl_api_key=DEEPL_KEY)  # type: ignore[call-arg]
    translator = build_translator(settings)
    assert isinstance(translator, DeepLTranslator)
    assert (translator.api_key, translator.api_url) == (DEEPL_KEY, "https://api-free.deepl.com")
    translator.close()


@pytest.mark.parametrize(
    ("provider", "names"), [("libretranslate", "LIBRETRANSLATE_URL"), ("deepl", "DEEPL_API_KEY")]
)
def test_build_translator_needs_the_provider_settings(provider: str, names: str) -> None:
    # Startup refuses the combination, naming the missing setting in one line.
    with pytest.raises(SettingsError, match=f"^bad settings: TRANSLATION_PROVIDER={provider} needs {names}$"):
        load_settings(_env_file=None, translation_provider=provider, libretranslate_url="", deepl_api_key="")
    # build_translator still refuses settings built without validation.
    settings = Settings.model_construct(
        translation_provider=provider, libretranslate_url="", deepl_api_key=""
    )
    with pytest.raises(SettingsError, match=f"bad setting {names}:"):
        build_translator(settings)


def test_build_translator_works_against_the_fake(fake: FakeTranslators) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, translation_provider="deepl", deepl_api_key=DEEPL_KEY, deepl_api_url=fake.url
    )
    translator = build_translator(settings)
    assert translator.translate(SPANISH, target="en").text == "My son is sick today"
    assert isinstance(translator, DeepLTranslator)
    translator.close()
