"""Machine translation through LibreTranslate or DeepL over HTTP, behind the Translator port.

Locale codes in and out are the project's (en, es, zh_Hans, fil, ...); each adapter maps them to
its provider's codes and back. Every failure becomes TranslationUnavailable, whose message names
the provider and the cause but never carries any of the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from bot.services.translation import (
    UNDETERMINED,
    MachineTranslation,
    NoTranslator,
    TranslationUnavailable,
    Translator,
)
from bot.settings import Settings, SettingsError

# Project locale -> LibreTranslate code where they differ (otherwise the bare language is sent).
# Older servers know Simplified Chinese as "zh"; newer ones as "zh-Hans": override with `codes`.
LIBRETRANSLATE_CODES: Mapping[str, str] = {
    "zh_Hans": "zh",
    "zh_Hant": "zt",
    "fil": "tl",
    "pt_BR": "pb",
}
# Codes a LibreTranslate server may answer with, whichever naming it uses.
LIBRETRANSLATE_DETECTED: Mapping[str, str] = {
    "zh": "zh_Hans",
    "zh-Hans": "zh_Hans",
    "zt": "zh_Hant",
    "zh-Hant": "zh_Hant",
    "tl": "fil",
    "pb": "pt_BR",
}

# DeepL's generally available languages (source codes; targets add variants below). Armenian,
# Filipino and Persian are missing on purpose: at most "beta" at DeepL, so they are refused
# here rather than sent.
# fmt: off
DEEPL_LANGUAGES = frozenset({
    "AR", "BG", "CS", "DA", "DE", "EL", "EN", "ES", "ET", "FI", "FR", "HE", "HU", "ID", "IT", "JA", "KO",
    "LT", "LV", "NB", "NL", "PL", "PT", "RO", "RU", "SK", "SL", "SV", "TH", "TR", "UK", "VI", "ZH",
})
# fmt: on
# Targets where DeepL wants (or deprecated the bare code in favour of) a variant.
DEEPL_TARGETS: Mapping[str, str] = {
    "en": "EN-US",
    "en_US": "EN-US",
    "en_GB": "EN-GB",
    "pt": "PT-BR",  # US schools' Portuguese-speaking families are mostly Brazilian
    "pt_BR": "PT-BR",
    "pt_PT": "PT-PT",
    "zh": "ZH-HANS",
    "zh_Hans": "ZH-HANS",
    "zh_Hant": "ZH-HANT",
    "es_419": "ES-419",
}
DEEPL_DETECTED: Mapping[str, str] = {"ZH": "zh_Hans"}


def _normal(locale: str) -> str:
    return locale.replace("-", "_")


def _language(locale: str) -> str:
    return _normal(locale).split("_")[0].lower()


def _detail(payload: Any, key: str, text: str) -> str:
    """The provider's own error sentence, short, and dropped if it quotes the text."""
    value = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(value, str) or not value.strip():
        return ""
    value = " ".join(value.split())[:120]
    return "" if text.strip() and text.strip()[:40] in value else f": {value}"


def _post(
    client: httpx.Client,
    provider: str,
    url: str,
    *,
    body: dict[str, Any],
    headers: dict[str, str],
    timeout: float,
) -> tuple[int, Any]:
    """POST JSON; the status and the parsed answer (None for an error that is not JSON)."""
    try:
        response = client.post(url, json=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        raise TranslationUnavailable(f"{provider} timed out after {timeout:g} s", reason="timeout") from None
    except httpx.HTTPError as exc:
        raise TranslationUnavailable(
            f"{provider} unreachable ({type(exc).__name__})", reason="unreachable"
        ) from None
    try:
        payload = response.json()
    except ValueError:
        if response.is_success:
            raise TranslationUnavailable(f"{provider} answered malformed JSON", reason="error") from None
        payload = None
    return response.status_code, payload


class LibreTranslateTranslator:
    """Translates with a LibreTranslate server (self-hosted or libretranslate.com)."""

    name = "libretranslate"

    def __init__(
        self,
        url: str,
        api_key: str,
        timeout: float,
        client: httpx.Client | None = None,
        *,
        codes: Mapping[str, str] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.codes = {**LIBRETRANSLATE_CODES, **(codes or {})}
        self._detected = {**LIBRETRANSLATE_DETECTED, **{code: loc for loc, code in self.codes.items()}}
        self._owns_client = client is None
        self.client = client or httpx.Client(timeout=timeout)

    def code(self, locale: str) -> str:
        """The LibreTranslate code for a project locale."""
        return self.codes.get(_normal(locale)) or _language(locale)

    def locale(self, code: str) -> str:
        """The project locale for a LibreTranslate code."""
        return self._detected.get(code) or _normal(code)

    def translate(self, text: str, *, target: str, source: str | None = None) -> MachineTranslation:
        """POST /translate; map every failure to TranslationUnavailable."""
        body: dict[str, Any] = {
            "q": text,
            "source": self.code(source) if source else "auto",
            "target": self.code(target),
            "format": "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        status, payload = _post(
            self.client, self.name, f"{self.url}/translate", body=body, headers={}, timeout=self.timeout
        )
        if not 200 <= status < 300:
            raise self._failure(status, payload, text, source or "auto", target)
        translated = payload.get("translatedText") if isinstance(payload, dict) else None
        if not isinstance(translated, str) or not translated.strip():
            raise TranslationUnavailable("libretranslate answered without a translation", reason="error")
        return MachineTranslation(translated, source or self._detected_source(payload), target, self.name)

    def _detected_source(self, payload: dict[str, Any]) -> str:
        detected = payload.get("detectedLanguage")
        # Given a list of texts the server answers with a list; one text, one object.
        if isinstance(detected, list) and detected:
            detected = detected[0]
        code = detected.get("language") if isinstance(detected, dict) else None
        return self.locale(code) if isinstance(code, str) and code else UNDETERMINED

    def _failure(
        self, status: int, payload: Any, text: str, source: str, target: str
    ) -> TranslationUnavailable:
        detail = _detail(payload, "error", text)
        if status == 400 and "not supported" in detail:
            return TranslationUnavailable(
                f"libretranslate cannot translate {source} to {target}{detail}", reason="unsupported"
            )
        if status in (401, 403):
            return TranslationUnavailable(
                f"libretranslate refused the API key ({status}){detail}", reason="rejected"
            )
        if status == 429:
            return TranslationUnavailable(f"libretranslate rate limit (429){detail}", reason="quota")
        if 400 <= status < 500:
            return TranslationUnavailable(
                f"libretranslate rejected the request ({status}){detail}", reason="rejected"
            )
        return TranslationUnavailable(f"libretranslate answered {status}", reason="error")

    def close(self) -> None:
        """Close the HTTP client if this translator made it."""
        if self._owns_client:
            self.client.close()


class DeepLTranslator:
    """Translates with the DeepL API (api-free.deepl.com for ':fx' keys, api.deepl.com otherwise)."""

    name = "deepl"

    def __init__(
        self,
        api_key: str,
        api_url: str,
        timeout: float,
        client: httpx.Client | None = None,
        *,
        targets: Mapping[str, str] | None = None,
    ) -> None:
        self.api_key = api_key
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.targets = {**DEEPL_TARGETS, **(targets or {})}
        self._owns_client = client is None
        self.client = client or httpx.Client(timeout=timeout)

    def source_code(self, locale: str) -> str:
        """DeepL's source_lang for a project locale; TranslationUnavailable when DeepL lacks it."""
        code = _language(locale).upper()
        if code not in DEEPL_LANGUAGES:
            raise TranslationUnavailable(f"deepl does not translate from {locale}", reason="unsupported")
        return code

    def target_code(self, locale: str) -> str:
        """DeepL's target_lang for a project locale; TranslationUnavailable when DeepL lacks it."""
        code = self.targets.get(_normal(locale)) or _language(locale).upper()
        if code.split("-")[0] not in DEEPL_LANGUAGES:
            raise TranslationUnavailable(f"deepl does not translate into {locale}", reason="unsupported")
        return code

    def translate(self, text: str, *, target: str, source: str | None = None) -> MachineTranslation:
        """POST /v2/translate; refuse languages DeepL lacks before sending anything."""
        body: dict[str, Any] = {"text": [text], "target_lang": self.target_code(target)}
        if source:
            body["source_lang"] = self.source_code(source)
        status, payload = _post(
            self.client,
            self.name,
            f"{self.api_url}/v2/translate",
            body=body,
            headers={"Authorization": f"DeepL-Auth-Key {self.api_key}"},
            timeout=self.timeout,
        )
        if not 200 <= status < 300:
            raise self._failure(status, payload, text, source, target)
        first = _first_translation(payload)
        translated = first.get("text") if first else None
        if not isinstance(translated, str) or not translated.strip():
            raise TranslationUnavailable("deepl answered without a translation", reason="error")
        detected = first.get("detected_source_language") if first else None
        if source is None:
            source = (
                DEEPL_DETECTED.get(detected, detected.lower())
                if isinstance(detected, str) and detected
                else UNDETERMINED
            )
        return MachineTranslation(translated, source, target, self.name)

    def _failure(
        self, status: int, payload: Any, text: str, source: str | None, target: str
    ) -> TranslationUnavailable:
        detail = _detail(payload, "message", text)
        if status == 400 and "not supported" in detail:
            return TranslationUnavailable(
                f"deepl cannot translate {source or 'auto'} to {target}{detail}", reason="unsupported"
            )
        if status in (401, 403):
            hint = " (':fx' keys belong to api-free.deepl.com, others to api.deepl.com)"
            return TranslationUnavailable(f"deepl refused the API key ({status}){hint}", reason="rejected")
        if status == 456:
            return TranslationUnavailable("deepl quota exceeded (456)", reason="quota")
        if status in (429, 529):
            return TranslationUnavailable(f"deepl too many requests ({status})", reason="quota")
        if 400 <= status < 500:
            return TranslationUnavailable(f"deepl rejected the request ({status}){detail}", reason="rejected")
        return TranslationUnavailable(f"deepl answered {status}", reason="error")

    def close(self) -> None:
        """Close the HTTP client if this translator made it."""
        if self._owns_client:
            self.client.close()


def _first_translation(payload: Any) -> dict[str, Any] | None:
    translations = payload.get("translations") if isinstance(payload, dict) else None
    if isinstance(translations, list) and translations and isinstance(translations[0], dict):
        return translations[0]
    return None


def build_translator(settings: Settings) -> Translator:
    """The translator the settings ask for; NoTranslator when machine translation is off."""
    timeout = settings.translation_timeout_seconds
    if settings.translation_provider == "libretranslate":
        if not settings.libretranslate_url:
            raise SettingsError(
                "bad setting LIBRETRANSLATE_URL: required when TRANSLATION_PROVIDER is libretranslate"
            )
        return LibreTranslateTranslator(settings.libretranslate_url, settings.libretranslate_api_key, timeout)
    if settings.translation_provider == "deepl":
        if not settings.deepl_api_key:
            raise SettingsError("bad setting DEEPL_API_KEY: required when TRANSLATION_PROVIDER is deepl")
        return DeepLTranslator(settings.deepl_api_key, settings.deepl_api_url, timeout)
    return NoTranslator()
