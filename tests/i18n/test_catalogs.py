from __future__ import annotations

import builtins
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.app import FLOWS_DIR, LOCALES_DIR
from bot.engine.engine import Text
from bot.engine.loader import load_flow_set
from bot.engine.schema import MessageSet
from bot.i18n.catalogs import Catalogs
from bot.i18n.render import Renderer, fill, placeholders
from bot.i18n.segments import is_gsm7

FLOW_SET = load_flow_set(FLOWS_DIR)
MENU_SAY = FLOW_SET.flows["main"].steps["menu"].say
MENU_ES = "¿Cómo le ayudamos? Elija un número:"
NO_MESSAGES = MessageSet(spec_version=1, messages={})


def write_catalog(locales_dir: Path, locale: str, entries: list[tuple[str, str, str]]) -> None:
    catalog = Catalog(locale=locale)
    for context, msgid, msgstr in entries:
        catalog.add(msgid, msgstr, context=context)
    path = locales_dir / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(LOCALES_DIR)


def test_english_msgid_of_main_menu_is_read_from_the_flow() -> None:
    assert MENU_SAY == "How can we help? Reply with a number:"


def test_available_starts_with_english_and_includes_spanish(catalogs: Catalogs) -> None:
    available = catalogs.available()
    assert available[0] == "en"
    assert "es" in available
    assert available.count("en") == 1


def test_available_lists_only_locales_with_a_catalog(tmp_path: Path) -> None:
    write_catalog(tmp_path, "ko", [])
    write_catalog(tmp_path, "es", [])
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    assert Catalogs(tmp_path).available() == ["en", "es", "ko"]


def test_spanish_chain_translates_main_menu(catalogs: Catalogs) -> None:
    assert catalogs.for_chain("es", "en").pgettext("main.menu", MENU_SAY) == MENU_ES


def test_context_matters(catalogs: Catalogs) -> None:
    assert catalogs.for_chain("es").pgettext("main.faq", MENU_SAY) == MENU_SAY


def test_missing_locale_falls_back_to_english(catalogs: Catalogs) -> None:
    assert catalogs.for_chain("xx").pgettext("main.menu", MENU_SAY) == MENU_SAY
    assert catalogs.for_chain(None).pgettext("main.menu", MENU_SAY) == MENU_SAY
    assert catalogs.for_chain("en").pgettext("main.menu", MENU_SAY) == MENU_SAY


def test_missing_locale_then_spanish_falls_back_to_spanish(catalogs: Catalogs) -> None:
    assert catalogs.for_chain("xx", "es").pgettext("main.menu", MENU_SAY) == MENU_ES
    assert catalogs.for_chain("xx", None, "es", "en").pgettext("main.menu", MENU_SAY) == MENU_ES


def test_chains_are_cached_per_distinct_locales(catalogs: Catalogs) -> None:
    assert catalogs.for_chain("es") is catalogs.for_chain("es", "en")
    assert catalogs.for_chain("es") is catalogs.for_chain("es", "es")
    assert catalogs.for_chain("xx", "es") is not catalogs.for_chain("es")


def test_alternating_chains_do_not_leak() -> None:
    catalogs = Catalogs(LOCALES_DIR)
    spanish = catalogs.for_chain("es")
    english = catalogs.for_chain("en")
    unknown = catalogs.for_chain("xx")
    via_unknown = catalogs.for_chain("xx", "es")
    for _ in range(3):
        assert spanish.pgettext("main.menu", MENU_SAY) == MENU_ES
        assert english.pgettext("main.menu", MENU_SAY) == MENU_SAY
        assert unknown.pgettext("main.menu", MENU_SAY) == MENU_SAY
        assert via_unknown.pgettext("main.menu", MENU_SAY) == MENU_ES
    assert catalogs.for_chain("xx").pgettext("main.menu", MENU_SAY) == MENU_SAY
    assert "_" not in vars(builtins)


def test_renderer_does_not_install_gettext_builtins() -> None:
    renderer = Renderer(Catalogs(LOCALES_DIR), FLOW_SET.messages)
    assert (
        renderer.system("welcome", ("es",), school="Rosewood") == "¡Hola! Mensajes de Rosewood para familias."
    )
    assert (
        renderer.system("welcome", ("en",), school="Rosewood")
        == "Hi! This is Rosewood's text line for families."
    )
    assert "_" not in vars(builtins)


def test_fuzzy_entries_are_not_used(tmp_path: Path) -> None:
    catalog = Catalog(locale="es")
    catalog.add("Hello", "Hola", context="t.greet", flags=["fuzzy"])
    catalog.add("Bye", "Adiós", context="t.bye")
    path = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    chain = Catalogs(tmp_path).for_chain("es")
    assert chain.pgettext("t.greet", "Hello") == "Hello"
    assert chain.pgettext("t.bye", "Bye") == "Adiós"


def test_fill_and_placeholders() -> None:
    assert placeholders("Call {phone} at {school}, {phone}") == {"phone", "school"}
    assert fill("Call {phone} ({unknown})", {"phone": "555"}) == "Call 555 ({unknown})"
    assert fill("{a}{b}", {"a": "{b}", "b": "x"}) == "{b}x"
    assert fill("Hi {name}", {"name": None}) == "Hi {name}"


def test_renderer_translates_then_fills(catalogs: Catalogs) -> None:
    renderer = Renderer(catalogs, FLOW_SET.messages)
    hours = FLOW_SET.flows["main"].steps["hours"].say
    assert isinstance(hours, str)
    text = Text(hours, "main.hours", {"hours": "lun-vie 7:30-16:00", "phone": "(213) 555-0100"})
    assert renderer.render(text, ("es",)) == (
        "La oficina abre lun-vie 7:30-16:00.\nTeléfono: (213) 555-0100\nResponda MENU para más."
    )
    assert renderer.render(text, ("en",)) == (
        "The office is open lun-vie 7:30-16:00.\nPhone: (213) 555-0100\nReply MENU for more."
    )


def test_rendered_text_stays_gsm7_with_typographic_values(catalogs: Catalogs) -> None:
    renderer = Renderer(catalogs, FLOW_SET.messages)
    hours = FLOW_SET.flows["main"].steps["hours"].say
    assert isinstance(hours, str)
    text = Text(hours, "main.hours", {"hours": "Mon\u2013Fri 7:30\u202fAM\u20134:00\u202fPM", "phone": "555"})
    rendered = renderer.render(text, ("en",))
    assert rendered.startswith("The office is open Mon-Fri 7:30 AM-4:00 PM.\n")
    assert is_gsm7(rendered)


def test_renderer_values_with_braces_are_not_filled_again(catalogs: Catalogs) -> None:
    renderer = Renderer(catalogs, FLOW_SET.messages)
    rendered = renderer.system("stopped", ("es",), school="{phone} School")
    assert rendered == "Ya no recibirá mensajes de {phone} School. Responda START para volver a recibirlos."


def test_text_values_win_over_extra_values(catalogs: Catalogs) -> None:
    renderer = Renderer(catalogs, NO_MESSAGES)
    text = Text("Hi {name} from {school}", "t.x", {"name": "Ana"})
    assert renderer.render(text, ("en",), {"name": "Bo", "school": "Oak"}) == "Hi Ana from Oak"


def test_options_are_numbered_and_translated(catalogs: Catalogs) -> None:
    renderer = Renderer(catalogs, FLOW_SET.messages)
    text = Text(
        MENU_SAY,
        "main.menu",
        options=(
            Text("School events", "main.menu.choice"),
            Text("Parent center", "main.menu.choice"),
            "Español",
        ),
    )
    assert renderer.render(text, ("es",)) == f"{MENU_ES}\n1 Eventos\n2 Centro de padres\n3 Español"
    assert renderer.render(text, ("en",)) == f"{MENU_SAY}\n1 School events\n2 Parent center\n3 Español"


def test_options_without_head_text_render_only_numbers(catalogs: Catalogs) -> None:
    renderer = Renderer(catalogs, NO_MESSAGES)
    assert renderer.render(Text("", "", options=("A", "B")), ("en",)) == "1 A\n2 B"


def test_broken_translation_placeholders_fall_back_to_english(tmp_path: Path) -> None:
    write_catalog(
        tmp_path,
        "es",
        [
            ("t.greet", "Hello {name}", "Hola {nombre}"),
            ("t.bye", "Bye {name}", "Adiós {name}"),
            ("t.call", "Call {phone}", "Llame a la oficina"),
        ],
    )
    renderer = Renderer(Catalogs(tmp_path), NO_MESSAGES)
    assert renderer.render(Text("Hello {name}", "t.greet", {"name": "Ana"}), ("es",)) == "Hello Ana"
    # A translation that drops a value would hide the phone number: English is better.
    assert renderer.render(Text("Call {phone}", "t.call", {"phone": "555"}), ("es",)) == "Call 555"
    assert renderer.render(Text("Bye {name}", "t.bye", {"name": "Ana"}), ("es",)) == "Adiós Ana"


def test_system_message_uses_its_context_and_values(catalogs: Catalogs) -> None:
    renderer = Renderer(catalogs, FLOW_SET.messages)
    assert renderer.system("stopped", ("xx", "es"), school="Oak") == (
        "Ya no recibirá mensajes de Oak. Responda START para volver a recibirlos."
    )
    assert renderer.system("stopped", ("xx",), school="Oak") == (
        "You will not get more texts from Oak. Reply START to get them again."
    )


def test_values_in_right_to_left_texts_are_isolated(tmp_path: Path) -> None:
    write_catalog(tmp_path, "ar", [("t.ref", "Your reference is {reference}.", "رقم المرجع {reference}.")])
    renderer = Renderer(Catalogs(tmp_path), NO_MESSAGES)
    rendered = renderer.render(
        Text("Your reference is {reference}.", "t.ref", {"reference": "C-2026-0042"}), ("ar",)
    )
    assert rendered == "رقم المرجع \u2068C-2026-0042\u2069."
    # An untranslated text falls back to English, which needs no isolation.
    english = renderer.render(Text("Hi {name}", "t.none", {"name": "Ana"}), ("ar",))
    assert english == "Hi Ana"
