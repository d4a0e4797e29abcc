"""Every shipped language keeps a glossary of the terms that must stay consistent."""

from __future__ import annotations

import pytest
import yaml

from bot.app import LOCALES_DIR
from bot.i18n.catalogs import Catalogs

TERMS = {
    "school",
    "principal",
    "parent center",
    "teacher",
    "concern",
    "volunteer",
    "ELAC",
    "school site council",
    "Uniform Complaint Procedure",
}
TRANSLATED = [code for code in Catalogs(LOCALES_DIR).available() if code != "en"]


def test_every_language_beyond_english_and_spanish_ships() -> None:
    assert set(TRANSLATED) == {"es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar"}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_glossary_names_every_term(locale: str) -> None:
    path = LOCALES_DIR / locale / "glossary.yaml"
    glossary = yaml.safe_load(path.read_text(encoding="utf-8"))[locale]
    assert set(glossary) >= TERMS, f"{path}: missing {sorted(TERMS - set(glossary))}"
    assert all(str(glossary[term]).strip() for term in TERMS)
