from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.app import FLOWS_DIR, LOCALES_DIR
from bot.i18n.catalogs import Catalogs
from bot.i18n.check import check, read_catalog
from bot.i18n.keywords import load_keywords

WELCOME = "Hi! This is {school}'s text line for families."
ERROR = "Sorry, something went wrong on our side. Please try again, or call {phone}."
HOURS = "The office is open {hours}.\nPhone: {phone}\nReply MENU for more."
HELP = (
    "{program}: texts from {school} for families. Help: call {phone}. "
    "Reply MENU for options, STOP to stop. Msg & data rates may apply."
)
KEYWORDS = load_keywords(LOCALES_DIR / "keywords.yaml")
TRANSLATED = [code for code in Catalogs(LOCALES_DIR).available() if code != "en"]


class Content:
    def __init__(self, root: Path) -> None:
        self.flows = root / "flows"
        self.locales = root / "locales"
        shutil.copytree(FLOWS_DIR, self.flows)
        shutil.copytree(LOCALES_DIR, self.locales)
        self.po = self.locales / "es" / "LC_MESSAGES" / "messages.po"
        self.pot = self.locales / "messages.pot"

    def edit(self, path: Path, locale: str, change: Callable[[Catalog], None]) -> None:
        catalog = read_catalog(path, locale)
        change(catalog)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0)

    def edit_spanish(self, change: Callable[[Catalog], None]) -> None:
        self.edit(self.po, "es", change)

    def set_help(self, locale: str, text: str) -> None:
        def change(catalog: Catalog) -> None:
            catalog.get(HELP, context="system.help").string = text

        self.edit(self.locales / locale / "LC_MESSAGES" / "messages.po", locale, change)

    def problems(self) -> list[str]:
        return check(self.flows, Catalogs(self.locales), self.pot)


@pytest.fixture
def content(tmp_path: Path) -> Content:
    return Content(tmp_path)


def test_shipped_catalogs_pass() -> None:
    assert check(FLOWS_DIR, Catalogs(LOCALES_DIR), LOCALES_DIR / "messages.pot") == []


def test_unchanged_copy_passes(content: Content) -> None:
    content.edit_spanish(lambda catalog: None)
    assert content.problems() == []


def test_empty_translation_is_reported(content: Content) -> None:
    def blank(catalog: Catalog) -> None:
        catalog.get(HOURS, context="main.hours").string = ""

    content.edit_spanish(blank)
    assert content.problems() == [f"es: main.hours: missing translation of {HOURS[:50]!r}"]


def test_deleted_translation_is_reported(content: Content) -> None:
    content.edit_spanish(lambda catalog: catalog.delete(ERROR, context="system.error"))
    assert content.problems() == [f"es: system.error: missing translation of {ERROR[:50]!r}"]


def test_fuzzy_translation_is_reported(content: Content) -> None:
    def fuzzy(catalog: Catalog) -> None:
        catalog.get(WELCOME, context="system.welcome").flags.add("fuzzy")

    content.edit_spanish(fuzzy)
    assert content.problems() == [
        "es: system.welcome: fuzzy translation (review it, then remove the fuzzy flag)"
    ]


def test_placeholder_mismatch_is_reported(content: Content) -> None:
    def rename(catalog: Catalog) -> None:
        catalog.get(ERROR, context="system.error").string = "Lo sentimos, algo falló. Llame al {telefono}."

    content.edit_spanish(rename)
    assert content.problems() == ["es: system.error: placeholders ['telefono'] differ from ['phone']"]


def test_dropped_placeholder_is_reported(content: Content) -> None:
    def drop(catalog: Catalog) -> None:
        catalog.get(ERROR, context="system.error").string = "Lo sentimos, algo falló."

    content.edit_spanish(drop)
    assert content.problems() == ["es: system.error: placeholders [] differ from ['phone']"]


def test_translation_over_its_segment_budget_is_reported(content: Content) -> None:
    def lengthen(catalog: Catalog) -> None:
        message = catalog.get(WELCOME, context="system.welcome")
        message.string = " ".join([message.string] * 3)

    content.edit_spanish(lengthen)
    found = content.problems()
    assert len(found) == 1
    assert found[0].startswith("es: system.welcome: ")
    assert ", budget 1: " in found[0]
    assert found[0].endswith(repr(WELCOME[:50]))


def test_long_label_translation_counts_against_the_menu_budget(content: Content) -> None:
    def lengthen(catalog: Catalog) -> None:
        catalog.get("School events", context="main.menu.choice").string = "Eventos de la escuela " * 12

    content.edit_spanish(lengthen)
    found = content.problems()
    assert len(found) == 1
    assert re.fullmatch(
        r"es: main\.menu: ([4-9]|\d\d) SMS segments, budget 3: 'How can we help\? .*'", found[0]
    )


def test_text_missing_from_the_template_is_reported(content: Content) -> None:
    content.edit(content.pot, "en", lambda catalog: catalog.delete(WELCOME, context="system.welcome"))
    assert content.problems() == [f"{content.pot}: system.welcome: not extracted yet; run `make catalogs`"]


def test_missing_template_file_is_reported(content: Content) -> None:
    content.pot.unlink()
    assert content.problems() == [f"{content.pot}: missing; run `make catalogs`"]


def test_template_is_not_checked_without_a_path(content: Content) -> None:
    content.pot.unlink()
    assert check(content.flows, Catalogs(content.locales)) == []


def test_new_english_text_is_reported_for_template_and_locale(content: Content) -> None:
    system = content.flows / "system.yaml"
    system.write_text(
        system.read_text(encoding="utf-8") + '  bye:\n    text: "Goodbye from {school}."\n    budget: 1\n',
        encoding="utf-8",
    )
    locales = [code for code in Catalogs(content.locales).available() if code != "en"]
    assert content.problems() == [
        f"{content.pot}: system.bye: not extracted yet; run `make catalogs`",
        *(f"{code}: system.bye: missing translation of 'Goodbye from {{school}}.'" for code in locales),
    ]


def test_english_source_over_budget_is_reported(content: Content) -> None:
    system = content.flows / "system.yaml"
    text = system.read_text(encoding="utf-8")
    system.write_text(
        text.replace('text: "Welcome back!"', 'text: "' + "Welcome back! " * 15 + '"'), encoding="utf-8"
    )
    found = [problem for problem in content.problems() if problem.startswith("en: ")]
    assert len(found) == 1
    assert found[0].startswith("en: system.welcome_back: 2 SMS segments, budget 1: ")


def test_every_problem_is_reported_at_once(content: Content) -> None:
    def break_many(catalog: Catalog) -> None:
        catalog.get(HOURS, context="main.hours").string = ""
        catalog.get(WELCOME, context="system.welcome").flags.add("fuzzy")
        catalog.get(ERROR, context="system.error").string = "Llame al {telefono}."

    content.edit_spanish(break_many)
    found = content.problems()
    assert len(found) == 3
    assert [problem.split(": ")[1] for problem in found] == ["main.hours", "system.welcome", "system.error"]


def test_help_texts_name_program_phone_menu_and_stop_in_every_locale() -> None:
    found = [problem for problem in check(FLOWS_DIR, Catalogs(LOCALES_DIR)) if "system.help" in problem]
    assert found == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_help_without_a_menu_word_of_its_locale_is_reported(content: Content, locale: str) -> None:
    stop = KEYWORDS.keyword(locale, "stop")
    content.set_help(locale, f"{{program}}, {{school}}: {{phone}}. {stop} / STOP.")
    found = content.problems()
    assert len(found) == 1
    assert found[0].startswith(f"{locale}: system.help: HELP text lacks a MENU word of {locale} (")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_help_with_only_the_english_stop_is_reported(content: Content, locale: str) -> None:
    menu = KEYWORDS.keyword(locale, "menu")
    content.set_help(locale, f"{{program}}, {{school}}: {{phone}}. {menu}. STOP.")
    found = content.problems()
    assert len(found) == 1
    assert found[0].startswith(f"{locale}: system.help: HELP text lacks a STOP word of {locale} (")


def test_help_without_the_english_stop_is_reported(content: Content) -> None:
    content.set_help(
        "ko", "{program}: {school} 학부모 문자. 문의: {phone}. 메뉴는 '메뉴', 수신 중단은 '중지'."
    )
    assert content.problems() == ["ko: system.help: HELP text lacks the English STOP"]


def test_english_help_without_the_phone_is_reported(content: Content) -> None:
    system = content.flows / "system.yaml"
    text = system.read_text(encoding="utf-8")
    system.write_text(text.replace("Help: call {phone}.", "Help: call the office."), encoding="utf-8")
    found = [problem for problem in content.problems() if problem.startswith("en: ")]
    assert found == ["en: system.help: HELP text lacks {phone}"]


def test_latin_stop_written_against_other_letters_counts(content: Content) -> None:
    content.set_help(
        "zh_Hans", "{program}：{school}。求助请致电{phone}。回复“菜单”查看选项，回复“退订”或STOP停止。"
    )
    assert content.problems() == []
