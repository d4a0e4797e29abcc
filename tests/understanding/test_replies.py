"""Replies to a waiting step in words, in every shipped language (locales/<lang>/replies.yaml)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import LOCALES_DIR
from bot.understanding.replies import ReplyBook, ReplyOption, load_reply_book, parse_words

BOOK = load_reply_book(LOCALES_DIR)
CATEGORY = tuple(
    ReplyOption(n, str(n), (label,))
    for n, label in enumerate(
        [
            "Learning or grades",
            "Safety or bullying",
            "Special education",
            "Bus or transportation",
            "Attendance",
            "How a staff member acted",
            "Buildings or grounds",
            "Something else",
        ],
        1,
    )
)
SKILLS = tuple(
    ReplyOption(n, str(n), (label,))
    for n, label in enumerate(["Reading with children", "Math help", "Translating", "Arts"], 1)
)


def yes_no(yes: str, no: str) -> tuple[ReplyOption, ...]:
    return (ReplyOption(1, "1", (yes, "Yes")), ReplyOption(2, "2", (no, "No")))


def place(
    text: str, locale: str, options: tuple[ReplyOption, ...] = CATEGORY, *, several: bool = False
) -> tuple[int, ...]:
    context = "concern.category" if options == CATEGORY else "concern.share"
    placed = BOOK.place(text, options, locale, context=context, several=several)
    return placed.numbers if placed else ()


def test_every_shipped_language_has_reply_words() -> None:
    assert set(BOOK.words) >= {"en", "es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar"}


YES_NO = [
    ("en", "yes please", "no thanks"),
    ("es", "sí", "no"),
    ("es", "Sí, claro", "no gracias"),
    ("ko", "네", "아니요"),
    ("zh_Hans", "是的", "不要"),
    ("hy", "այո", "ոչ"),
    ("fil", "oo", "hindi po"),
    ("vi", "có", "không"),
    ("ru", "да", "нет"),
    ("fa", "بله", "نه"),
    ("ar", "نعم", "لا"),
]


@pytest.mark.parametrize(("locale", "yes", "no"), YES_NO)
def test_yes_and_no_words(locale: str, yes: str, no: str) -> None:
    options = yes_no("x", "y")
    assert place(yes, locale, options) == (1,)
    assert place(no, locale, options) == (2,)


NUMBER_WORDS = [
    ("en", "the second one", 2),
    ("en", "4", 4),
    ("en", "option 3 please", 3),
    ("es", "cuatro", 4),
    ("es", "la segunda", 2),
    ("ko", "두 번째", 2),
    ("ko", "3번", 3),
    ("zh_Hans", "二", 2),
    ("zh_Hans", "第三个", 3),
    ("hy", "երկրորդ", 2),
    ("fil", "pangalawa", 2),
    ("vi", "thứ hai", 2),
    ("ru", "второй", 2),
    ("fa", "دوم", 2),
    ("fa", "۴", 4),
    ("ar", "الثاني", 2),
]


@pytest.mark.parametrize(("locale", "text", "number"), NUMBER_WORDS)
def test_numbers_and_ordinals(locale: str, text: str, number: int) -> None:
    assert place(text, locale) == (number,)


@pytest.mark.parametrize(
    ("locale", "text", "numbers"),
    [
        ("en", "1, 3 and 4", (1, 3, 4)),
        ("es", "1 y 3", (1, 3)),
        ("zh_Hans", "1和3", (1, 3)),
        ("en", "0", (0,)),
    ],
)
def test_several_numbers_where_the_step_takes_several(
    locale: str, text: str, numbers: tuple[int, ...]
) -> None:
    assert place(text, locale, SKILLS, several=True) == numbers


def test_several_numbers_do_not_answer_a_single_choice() -> None:
    assert place("1 y 3", "es") == ()


@pytest.mark.parametrize(
    ("locale", "text", "number"),
    [
        ("en", "transportation", 4),
        ("en", "bullyng", 2),  # a typo
        ("en", "school bus", 4),  # a synonym
        ("en", "the bus comes 30 minutes late every day", 4),
        ("es", "el camión", 4),
        ("ko", "버스", 4),
        ("zh_Hans", "校车", 4),
        ("ru", "автобус", 4),
        ("ar", "الباص", 4),
        ("fa", "سرویس مدرسه", 4),
        ("vi", "xe buýt", 4),
        ("hy", "ավտոբուս", 4),
        ("fil", "school bus po", 4),
    ],
)
def test_labels_misspellings_and_synonyms(locale: str, text: str, number: int) -> None:
    assert place(text, locale) == (number,)


def test_a_label_in_the_parents_language() -> None:
    options = (ReplyOption(1, "1", ("Autobús escolar", "Bus or transportation")), *CATEGORY[1:])
    assert place("autobus escolar", "es", options) == (1,)


@pytest.mark.parametrize("text", ["Maria, 3rd grade", "banana", "what time does school start?", "5 7 9"])
def test_what_is_no_reply_is_not_placed(text: str) -> None:
    assert place(text, "en", yes_no("Yes", "No")) == ()


def test_labels_by_words_where_the_step_takes_several() -> None:
    assert place("reading and math", "en", SKILLS, several=True) == (1, 2)


def test_intent_phrases_and_resume_words() -> None:
    assert BOOK.phrase_intent("who is this? why am I getting these texts", "en") == "help"
    assert BOOK.phrase_intent("en español por favor", "es") == "language:es"
    assert BOOK.phrase_intent("请用英文", "zh_Hans") == "language:en"
    assert BOOK.is_resume("Continuar")


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        parse_words({"yes": ["si"], "maybe": ["quizas"]}, "x.yaml")


def test_the_parents_language_comes_first() -> None:
    book = ReplyBook({"en": parse_words({"yes": ["si"]}, "en"), "es": parse_words({"no": ["si"]}, "es")})
    options = yes_no("Yes", "No")
    assert book.place("si", options, "es") is not None and book.place("si", options, "es").numbers == (2,)  # type: ignore[union-attr]
    assert book.place("si", options, "en").numbers == (1,)  # type: ignore[union-attr]


SKILLS_ALL = tuple(
    ReplyOption(n, str(n), (label,))
    for n, label in enumerate(
        [
            "Reading with children",
            "Math help",
            "Translating",
            "Arts",
            "Events and set-up",
            "Office help",
            "Technology",
            "Sports",
            "Cooking",
        ],
        1,
    )
)


@pytest.mark.parametrize(
    ("locale", "text", "numbers"),
    [
        ("ko", "1이랑 3", (1, 3)),  # a connector glued to the digit
        ("ko", "번역하고 요리", (3, 9)),  # ... and to a word
        ("ar", "الترجمة والطبخ", (3, 9)),  # Arabic "and" written as part of the next word
        ("fa", "ترجمه و آشپزی", (3, 9)),
        ("vi", "dịch thuật và nấu ăn", (3, 9)),
        ("es", "lectura y matemáticas", (1, 2)),
        ("en", "translating, cooking", (3, 9)),  # the comma is gone once normalized: both named
        ("zh_Hans", "翻译，做饭", (3, 9)),
    ],
)
def test_several_choices_in_words_in_every_script(locale: str, text: str, numbers: tuple[int, ...]) -> None:
    placed = BOOK.place(text, SKILLS_ALL, locale, context="volunteer.skills", several=True)
    assert placed is not None and placed.numbers == numbers


@pytest.mark.parametrize(
    ("locale", "text", "number"), [("ko", "두 번째요", 2), ("hy", "երկրորդը", 2), ("hy", "երրորդը", 3)]
)
def test_an_ordinal_with_its_particle_or_article(locale: str, text: str, number: int) -> None:
    assert place(text, locale) == (number,)


def test_a_sentence_naming_an_option_only_inside_is_placed_as_a_mention() -> None:
    placed = BOOK.place(
        "wait whats the office phone number", SKILLS_ALL, "en", context="volunteer.skills", several=True
    )
    assert placed is not None and placed.how == "mentions"  # the step may take it as a question


@pytest.mark.parametrize(
    ("locale", "text", "number"),
    [
        ("en", "we'll be there!", 1),
        ("es", "no voy a poder ir", 2),
        ("zh_Hans", "我们会去的", 1),
        ("ru", "к сожалению не смогу прийти", 2),
        ("ar", "ما بقدر اجي هالمرة", 2),
        ("ko", "못 갈 것 같아요", 2),
        # A no phrase holding a yes word ("придем", "được") is a no, not yes and no at once.
        ("ru", "нет, мы не придем", 2),
        ("vi", "không, chúng tôi không đến được", 2),
        ("ru", "да, мы придем", 1),
    ],
)
def test_yes_or_no_said_in_a_sentence(locale: str, text: str, number: int) -> None:
    assert BOOK.yes_or_no_said(text, yes_no("Yes, I will come", "No, I cannot come"), locale) == number


@pytest.mark.parametrize(("locale", "text"), [("ko", "네 괜찮습니다"), ("ar", "نعم لا مانع"), ("en", "hmm")])
def test_a_sentence_with_both_yes_and_no_or_neither_is_not_placed(locale: str, text: str) -> None:
    assert BOOK.yes_or_no_said(text, yes_no("Yes", "No"), locale) is None


def test_none_of_those_skips_at_a_step_that_takes_several() -> None:
    options = tuple(ReplyOption(n, str(n), (label,)) for n, label in enumerate(["Reading", "Math help"], 1))
    placed = BOOK.place("none of those sorry", options, "en", several=True)
    assert placed is not None and placed.numbers == (0,)
    assert BOOK.place("neither", options, "en") is None  # no option 0 to choose alone


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("the one about my child's progress", 4),
        ("something about the rules", 6),
        ("school decisions please", 7),
    ],
)
def test_a_paraphrased_label_is_placed_by_the_words_it_shares(text: str, number: int) -> None:
    labels = [
        "Visiting the class",
        "Meeting teachers",
        "Volunteering",
        "Progress and records",
        "Your language",
        "Rules and safety",
        "School decisions",
        "Concerns and complaints",
    ]
    options = tuple(ReplyOption(n, str(n), (label,)) for n, label in enumerate(labels, 1))
    placed = BOOK.place(text, options, "en")
    assert placed is not None and placed.numbers == (number,)


def test_words_shared_as_much_with_two_labels_place_nothing() -> None:
    options = (ReplyOption(1, "1", ("Contact the school",)), ReplyOption(2, "2", ("School events",)))
    assert BOOK.place("about the school", options, "en") is None


@given(text=st.text(max_size=60), count=st.integers(min_value=1, max_value=10), several=st.booleans())
@settings(max_examples=300, deadline=None)
def test_a_placement_only_names_options_the_step_shows(text: str, count: int, several: bool) -> None:
    options = tuple(ReplyOption(n, str(n), (f"Option {n} label",)) for n in range(1, count + 1))
    placed = BOOK.place(text, options, "en", several=several)
    if placed is not None:
        allowed = set(range(1, count + 1)) | ({0} if several else set())
        assert placed.numbers and set(placed.numbers) <= allowed
        assert several or len(placed.numbers) == 1


@pytest.mark.parametrize("text", ["12", "0", "99"])
def test_a_lone_number_out_of_range_is_no_choice(text: str) -> None:
    options = tuple(ReplyOption(n, str(n), (f"Label {n}",)) for n in range(1, 9))
    assert BOOK.place(text, options, "en") is None


@pytest.mark.parametrize(
    ("text", "locale"), [("all of them", "en"), ("any time", "en"), ("a cualquier hora", "es")]
)
def test_every_option_at_once_where_a_step_takes_several(text: str, locale: str) -> None:
    options = tuple(ReplyOption(n, str(n), (label,)) for n, label in enumerate(["Mornings", "Evenings"], 1))
    placed = BOOK.place(text, options, locale, several=True)
    assert placed is not None and placed.numbers == (1, 2)
    assert BOOK.place(text, options, locale) is None  # a step that takes one: not a choice


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "I already reported the bullying, is anyone working on it?"),
        ("en", "did anybody look at the complaint i sent about the bus?"),
        ("es", "ya reporté lo del camión y nadie me ha llamado"),
        ("es", "qué pasó con la queja que mandé del maestro"),
        ("vi", "tôi đã khiếu nại rồi mà chưa ai gọi"),
        ("ru", "я уже жаловалась на автобус, что там"),
        ("zh_Hans", "我已经投诉过校车的问题了"),
        ("ko", "이미 신고했는데 어떻게 됐어요"),
    ],
)
def test_a_complaint_already_made_is_its_status(locale: str, text: str) -> None:
    # "already reported" names a concern that exists: its status, not a new one of its category.
    assert BOOK.phrase_intent(text, locale) == "concern_status"


@pytest.mark.parametrize(
    "text", ["the bus is always late", "I want to report bullying", "quiero poner una queja"]
)
def test_a_new_complaint_is_no_status(text: str) -> None:
    assert BOOK.phrase_intent(text, "en") is None
