from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import LOCALES_DIR
from bot.i18n.keywords import KeywordTable, load_keywords, normalize
from bot.understanding.replies import load_reply_book


@pytest.fixture(scope="module")
def table() -> KeywordTable:
    return load_keywords(LOCALES_DIR / "keywords.yaml")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("¡MENÚ!", "menu"),
        ("  Stop.  ", "stop"),
        ("opt-out", "opt out"),
        ("STOP_ALL", "stop all"),
        ("¿Dónde está la ESCUELA?", "donde esta la escuela"),
        ("Ñandú", "nandu"),
        ("ﬁle", "file"),
        ("...", ""),
        ("", ""),
    ],
)
def test_normalize_folds_case_accents_and_punctuation(raw: str, folded: str) -> None:
    assert normalize(raw) == folded


def test_normalize_folds_arabic_and_persian_letter_variants() -> None:
    assert normalize("كيف") == normalize("کیف")
    assert normalize("نمی\u200cخواهم") == normalize("نمی خواهم")


@pytest.mark.parametrize(
    "word",
    [
        "STOP", "stop", "stopall", "Stop.", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
        "REVOKE", "OPTOUT", "opt out", "ALTO", "parar", "cancelar",
    ],
)  # fmt: skip
def test_stop_words(table: KeywordTable, word: str) -> None:
    assert table.command(word) == "stop"


@pytest.mark.parametrize("word", ["START", "UNSTOP", "YES", "yes!", "inicio", "Sí"])
def test_start_words(table: KeywordTable, word: str) -> None:
    assert table.command(word) == "start"


@pytest.mark.parametrize("word", ["HELP", "INFO", "AYUDA", "información"])
def test_help_words(table: KeywordTable, word: str) -> None:
    assert table.command(word) == "help"


@pytest.mark.parametrize("word", ["MENU", "menú", "Menu!", "opciones"])
def test_menu_words(table: KeywordTable, word: str) -> None:
    assert table.command(word) == "menu"


@pytest.mark.parametrize("word", ["LANGUAGE", "idioma", "Idiomas"])
def test_language_words(table: KeywordTable, word: str) -> None:
    assert table.command(word) == "language"


@pytest.mark.parametrize("text", ["stop it now", "please stop", "stopp", "hello", "", "help me please", "1"])
def test_only_a_whole_keyword_is_a_command(table: KeywordTable, text: str) -> None:
    assert table.command(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "please stop texting me",
        "Please STOP sending these!",
        "No me manden más mensajes",
        "dejen de enviar mensajes",
        "Ya no quiero recibir nada",
        "take me off this list",
    ],
)
def test_asks_to_stop(table: KeywordTable, text: str) -> None:
    assert table.asks_to_stop(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "the bus did not stop at our corner",
        "stop by the office?",
        "when does school end",
        "mensajes de la escuela",
        "",
    ],
)
def test_does_not_ask_to_stop(table: KeywordTable, text: str) -> None:
    assert table.asks_to_stop(text) is False


def test_keyword_gives_first_listed_word_uppercased(table: KeywordTable) -> None:
    assert table.keyword("en", "stop") == "STOP"
    assert table.keyword("es", "stop") == "ALTO"
    assert table.keyword("es", "help") == "AYUDA"
    assert table.keyword("es", "language") == "IDIOMA"
    assert table.keyword("en", "language") == "LANGUAGE"


def test_keyword_falls_back_to_english_then_command_name(table: KeywordTable) -> None:
    assert table.keyword("xx", "help") == "HELP"
    assert table.keyword("es", "help") == "AYUDA"
    assert table.keyword("es", "nonexistent") == "NONEXISTENT"


def test_topics_are_normalized_per_locale(table: KeywordTable) -> None:
    assert "a que hora" in table.topics["es"]["hours"]
    assert "office hours" in table.topics["en"]["hours"]
    assert "donde esta la escuela" in table.topics["es"]["contact"]


def test_word_listed_for_two_commands_raises(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text("en:\n  commands:\n    stop: [halt]\n    start: [go, halt]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'halt'"):
        load_keywords(path)


def test_word_clash_across_languages_after_normalizing_raises(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text(
        "en:\n  commands:\n    stop: [fin]\nes:\n  commands:\n    start: ['FÍN']\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="names both stop and start"):
        load_keywords(path)


def test_same_word_for_same_command_in_two_languages_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text(
        "en:\n  commands:\n    menu: [menu]\n  opt_out_phrases: [stop texting]\n"
        "es:\n  commands:\n    menu: [Menú]\n  opt_out_phrases: ['Stop texting!']\n",
        encoding="utf-8",
    )
    loaded = load_keywords(path)
    assert loaded.commands == {"menu": "menu"}
    assert loaded.opt_out_phrases == ("stop texting",)
    assert loaded.keyword("es", "menu") == "MENÚ"


def test_a_command_of_several_words_takes_an_argument(table: KeywordTable) -> None:
    assert table.command_with_argument("tình trạng C-2026-0001", frozenset({"status"})) == (
        "status",
        "C-2026-0001",
    )
    assert table.command_with_argument("STATUS c-2026-7", frozenset({"status"})) == ("status", "c-2026-7")
    assert table.command_with_argument("status", frozenset({"status"})) == ("status", "")
    assert table.command_with_argument("the status of my bus", frozenset({"status"})) is None


def test_vietnamese_texts_teach_tinh_trang_and_both_spellings_work(table: KeywordTable) -> None:
    assert table.keyword("vi", "status") == "TÌNH TRẠNG"
    for typed in ("TÌNH TRẠNG C-2026-0042", "tinh trang C-2026-0042", "TINHTRANG C-2026-0042"):
        assert table.command_with_argument(typed, frozenset({"status"})) == ("status", "C-2026-0042")
    assert table.command("Tình trạng") == table.command("tinhtrang") == "status"


# The everyday verbs for "start" in each shipped language (a parent who stopped the texts types one).
START_VERBS = {
    "en": ["start", "begin", "restart"],
    "es": ["empezar", "comenzar", "iniciar", "Empezar de nuevo"],
    "ko": ["시작", "시작하기", "시작해요"],
    "zh_Hans": ["开始", "重新开始", "启动"],
    "hy": ["սկսել", "սկսենք", "վերսկսել"],
    "fil": ["simulan", "magsimula", "umpisahan", "mag-umpisa"],
    "vi": ["bắt đầu", "bắt đầu lại", "bat dau"],
    "ru": ["начать", "начнём", "начинать"],
    "fa": ["شروع", "شروع کن", "شروع کنید"],
    "ar": ["ابدأ", "إبدأ", "بدء"],
}


@pytest.mark.parametrize(("locale", "word"), [(loc, w) for loc, words in START_VERBS.items() for w in words])
def test_the_common_start_verbs_of_each_language_start(table: KeywordTable, locale: str, word: str) -> None:
    assert table.command(word) == "start", f"{locale}: {word!r}"


def test_start_words_are_no_reply_word_except_a_yes(table: KeywordTable) -> None:
    """At a waiting step a reply wins over START: only a yes may also be START, nothing a step takes."""
    book = load_reply_book(LOCALES_DIR)
    starts = {word for word, command in table.commands.items() if command == "start"}
    for code, words in book.words.items():
        taken = (
            words.no
            | words.resume
            | set(words.numbers)
            | set(words.connectors)
            | set(words.fillers)
            | set(words.languages)
            | {p for table_ in words.synonyms.values() for ps in table_.values() for p in ps}
        )
        assert not starts & taken, f"{code}: START words that are also reply words: {sorted(starts & taken)}"
        phrases = {p for ps in words.phrases.values() for p in ps}
        assert not starts & phrases, f"{code}: START words that are also phrases: {sorted(starts & phrases)}"


def test_start_words_do_not_opt_out(table: KeywordTable) -> None:
    for word, command in table.commands.items():
        if command == "start":
            assert not table.asks_to_stop(word), word
