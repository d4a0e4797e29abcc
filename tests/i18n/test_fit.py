from __future__ import annotations

from dataclasses import astuple

import pytest

from bot.app import LOCALES_DIR
from bot.engine.engine import Text
from bot.engine.schema import MessageSet
from bot.i18n.catalogs import Catalogs
from bot.i18n.fit import ELLIPSIS, cut_at_word, cuts, shorten
from bot.i18n.render import Fitted, Renderer
from bot.i18n.segments import segment_count

RENDERER = Renderer(Catalogs(LOCALES_DIR), MessageSet(spec_version=1, messages={}))
DESCRIPTION = (
    "Board games, music and dinner for the whole family. Bring a friend and a favourite game. "
    "Children of every age are welcome and there is a quiet corner for the little ones. "
    "Volunteers will help you set up the tables and chairs before the doors open at half past five. "
    "Dinner is tacos, rice and fruit, and there are vegetarian plates for those who ask for them early. "
    "Parking is behind the gym; the gate on Oak Street is closed after six, so please come in through Elm."
)


def _fitted(text: Text, locale: str = "en") -> Fitted:
    return RENDERER.render_fitted(
        text,
        (locale,),
        more_options=lambda: "Reply MORE to see more.",
        more_text=lambda: "Reply MORE for the rest.",
    )


def test_cuts_are_after_sentences_and_between_words_never_inside_one() -> None:
    heads = [cut.head for cut in cuts("One two. Three four")]
    assert heads == ["One", "One two.", "One two. Three"]
    assert [cut.sentence for cut in cuts("One two. Three four")] == [False, True, False]


def test_cuts_in_chinese_fall_between_characters_and_after_full_stops() -> None:
    found = cuts("欢迎全家。免费晚餐")
    assert [c.head for c in found if c.sentence] == ["欢迎全家。"]
    assert all(not c.head.endswith(" ") for c in found)


def test_shorten_prefers_a_whole_sentence() -> None:
    text = "Board games and dinner for all. Bring a friend and a game."
    assert shorten(text, lambda head: len(head) <= 40) == "Board games and dinner for all."


def test_shorten_cuts_at_a_word_with_an_ellipsis_when_a_sentence_would_lose_too_much() -> None:
    text = "Short one. Then a much longer sentence that goes on and on for quite a while."
    head = shorten(text, lambda head: len(head) <= 50)
    assert head is not None and head.endswith(ELLIPSIS) and len(head) <= 50
    assert text.startswith(head.removesuffix(ELLIPSIS))
    assert text[len(head) - 1] == " "  # the cut fell between two words


def test_shorten_gives_none_when_not_even_a_word_fits() -> None:
    assert shorten("Supercalifragilistic word", lambda head: len(head) <= 3) is None


def test_cut_at_word_leaves_short_labels_alone_and_cuts_long_ones_at_a_word() -> None:
    assert cut_at_word("Family game night", 48) == "Family game night"
    cut = cut_at_word("A very long title of an event that nobody would ever want to read", 30)
    assert cut == "A very long title of an event" + ELLIPSIS


@pytest.mark.parametrize("locale", ["en", "es", "ko", "zh_Hans", "ar"])
def test_a_long_list_is_paged_within_its_budget(locale: str) -> None:
    options = tuple(f"Event number {n} with a fairly long title, Sat, Mar 14, 6:00 PM" for n in range(1, 9))
    text = Text(
        "Coming up at school. Reply with a number for details:",
        "events.list.default",
        {},
        options,
        paged=True,
    )
    page, count, _ = astuple(_fitted(text, locale))
    assert 1 <= count < len(options)
    assert segment_count(page) <= 3
    assert page.endswith("Reply MORE to see more.")
    assert f"\n{count} Event number {count} " in page and f"\n{count + 1} " not in page


def test_the_next_page_goes_on_counting() -> None:
    options = tuple(f"Event {n}" for n in range(4, 7))
    text = Text("Choose:", "x.y", {}, options, paged=True, first=4)
    assert _fitted(text) == Fitted("Choose:\n4 Event 4\n5 Event 5\n6 Event 6", 3)


def test_a_short_list_is_shown_whole_without_more() -> None:
    text = Text("Choose:", "x.y", {}, ("A", "B"), paged=True)
    assert _fitted(text) == Fitted("Choose:\n1 A\n2 B", 2)


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_a_long_value_is_shortened_at_a_sentence_or_word_and_tells_more(locale: str) -> None:
    values = {"title": "Family game night", "details": DESCRIPTION}
    text = Text(
        "{title}\n{details}\nWill you come?", "x.ask", values, ("Yes", "No"), fit="details", more=True
    )
    fitted = _fitted(text, locale)
    assert fitted.options == 2 and segment_count(fitted.text) <= 3
    shown = fitted.text.split("\n")[1]
    assert "Reply MORE for the rest." in fitted.text
    head = shown.removesuffix(ELLIPSIS).removesuffix("...")
    assert DESCRIPTION.startswith(head) and DESCRIPTION[len(head)] in " "
    assert fitted.value == len(head)


def test_without_more_a_long_value_is_shortened_without_the_hint() -> None:
    text = Text("{details}", "x.all", {"details": DESCRIPTION * 2}, fit="details", budget=1)
    fitted = _fitted(text)
    assert segment_count(fitted.text) == 1 and "MORE" not in fitted.text and fitted.value


@pytest.mark.parametrize("locale", ["en", "ko", "ar"])
def test_pages_of_a_long_value_read_in_turn_give_the_whole_value(locale: str) -> None:
    start, parts = 0, []
    while True:
        rest = DESCRIPTION[start:].lstrip()
        start = len(DESCRIPTION) - len(rest)
        text = Text(
            "{details}\nWill you come?", "x.all", {"details": rest}, ("Yes", "No"), fit="details", more=True
        )
        fitted = _fitted(text, locale)
        assert segment_count(fitted.text) <= 3
        if fitted.value is None:
            parts.append(rest)
            break
        parts.append(rest[: fitted.value])
        start += fitted.value
    assert len(parts) >= 2
    assert " ".join(part.strip() for part in parts) == DESCRIPTION
