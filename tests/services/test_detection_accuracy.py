"""How well the bot tells the language of a parent's first message, per language.

The messages (detection_messages.yaml) are written as parents text a school line: greetings, one
word, no accents, Spanglish and Taglish, Armenian, Persian, Russian and Arabic in Latin letters. Each
names the locale a person would answer in, or null when a person could not tell either. The real
LanguageDetector runs with every shipped locale and the settings' defaults. A wrong locale is worse
than asking (the bot then sends its bilingual language menu), so the targets are: no wrong locale at
all, null where a person could not tell, and at least 80% detected (60% of the romanized ones). The
figures are printed in the run's summary (tests/services/conftest.py). How fast it detects is
measured by bench/timing.py, not here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from bot.app import LOCALES_DIR
from bot.i18n.catalogs import Catalogs
from bot.i18n.keywords import load_keywords
from bot.services.language import SCRIPTS, LanguageDetector, script_letters
from bot.settings import Settings

HERE = Path(__file__).resolve().parent
SHIPPED = tuple(Catalogs(LOCALES_DIR).available())
MIN_PER_LOCALE = 12
MIN_ROMANIZED = {"hy": 5, "fa": 5, "ru": 5, "ar": 3}
MIN_UNKNOWABLE = 10
TARGET = 0.80
ROMANIZED_TARGET = 0.60


@dataclass(frozen=True)
class Message:
    text: str
    expect: str | None

    @property
    def romanized(self) -> bool:
        """A language written in another script, typed here in Latin letters only."""
        if self.expect is None or SCRIPTS[self.expect] == "latin":
            return False
        return set(script_letters(self.text)) == {"latin"}


@dataclass
class Tally:
    """The counts of one locale's (or the whole table's) messages."""

    expected: int = 0
    detected: int = 0
    wrong: int = 0
    asked: int = 0  # a locale was expected, the detector asked instead
    romanized: int = 0
    romanized_detected: int = 0
    unknowable: int = 0
    unknowable_asked: int = 0
    misses: list[str] = field(default_factory=list)
    wrongs: list[str] = field(default_factory=list)  # the misses that named a language

    def add(self, message: Message, got: str | None) -> None:
        if message.expect is None:
            self.unknowable += 1
            self.unknowable_asked += got is None
            if got is not None:
                self.misses.append(f"{message.text!r}: expected null, got {got}")
                self.wrongs.append(self.misses[-1])
            return
        self.expected += 1
        self.romanized += message.romanized
        if got == message.expect:
            self.detected += 1
            self.romanized_detected += message.romanized
            return
        self.misses.append(f"{message.text!r}: expected {message.expect}, got {got or 'null (asked)'}")
        if got is None:
            self.asked += 1
        else:
            self.wrong += 1
            self.wrongs.append(self.misses[-1])

    def share(self) -> float:
        return self.detected / self.expected if self.expected else 0.0

    def line(self) -> str:
        return (
            f"detection: {self.detected}/{self.expected} detected ({self.share():.1%}), {self.wrong} wrong, "
            f"{self.romanized_detected}/{self.romanized} romanized; asked instead of guessing on "
            f"{self.asked}, and on {self.unknowable_asked}/{self.unknowable} no one could tell"
        )

    def locale_line(self, locale: str) -> str:
        romanized = f", {self.romanized_detected}/{self.romanized} romanized" if self.romanized else ""
        counts = f"{self.detected}/{self.expected} detected, {self.asked} asked, {self.wrong} wrong"
        return f"  {locale}: {counts}{romanized}"


def load_messages() -> list[Message]:
    data = yaml.safe_load((HERE / "detection_messages.yaml").read_text(encoding="utf-8"))
    return [Message(str(item["text"]), item["expect"]) for item in data["messages"]]


def real_detector() -> LanguageDetector:
    """As the bot builds it: every shipped locale, the settings' defaults."""
    fields = Settings.model_fields
    return LanguageDetector(
        SHIPPED,
        fields["language_detect_min_letters"].default,
        fields["language_detect_confidence"].default,
    )


@dataclass
class Run:
    total: Tally
    per_locale: dict[str, Tally]


@pytest.fixture(scope="module")
def run(detection_report: list[tuple[str, list[str], bool]]) -> Run:
    """Every message through the real detector, once; the figures go to the run's summary."""
    detector = real_detector()
    detector.warm_up()
    messages = load_messages()
    total, per_locale = Tally(), {code: Tally() for code in (*SHIPPED, "null")}
    results = [(message, detector.detect(message.text)) for message in messages]
    for message, got in results:
        total.add(message, got)
        per_locale[message.expect or "null"].add(message, got)
    passed = (
        total.wrong == 0
        and total.unknowable_asked == total.unknowable
        and total.detected >= TARGET * total.expected
        and total.romanized_detected >= ROMANIZED_TARGET * total.romanized
    )
    detection_report.append((total.line(), total.misses, passed))
    for code, tally in per_locale.items():
        if code != "null":
            detection_report.append((tally.locale_line(code), [], True))
    return Run(total, per_locale)


def test_table_covers_every_shipped_locale() -> None:
    messages = load_messages()
    texts = [m.text for m in messages]
    assert len(set(texts)) == len(texts), "a message is listed twice"
    assert not {m.expect for m in messages} - {*SHIPPED, None}, "expects a locale the bot does not ship"
    counts = Counter(m.expect for m in messages)
    for code in SHIPPED:
        assert counts[code] >= MIN_PER_LOCALE, code
    romanized = Counter(m.expect for m in messages if m.romanized)
    for code, least in MIN_ROMANIZED.items():
        assert romanized[code] >= least, code
    assert counts[None] >= MIN_UNKNOWABLE


def test_never_a_wrong_language(run: Run) -> None:
    assert run.total.wrong == 0, "\n".join(run.total.wrongs)


def test_asks_when_no_one_could_tell(run: Run) -> None:
    assert run.total.unknowable_asked == run.total.unknowable, "\n".join(run.per_locale["null"].wrongs)


def test_detects_most_first_messages(run: Run) -> None:
    assert run.total.detected >= TARGET * run.total.expected, run.total.line()
    assert run.total.romanized_detected >= ROMANIZED_TARGET * run.total.romanized, run.total.line()


def test_warming_up_changes_no_answer() -> None:
    """The bot warms the detector up at start (bench/timing.py measures how fast it is then)."""
    texts = [message.text for message in load_messages()][::5]
    cold = real_detector()
    warm = real_detector()
    warm.warm_up()
    assert [warm.detect(text) for text in texts] == [cold.detect(text) for text in texts]


def test_detect_words_are_read_and_no_strong_word_names_two_languages() -> None:
    detect = load_keywords(LOCALES_DIR / "keywords.yaml").detect
    for code in ("hy", "fa", "ru", "ar"):
        assert detect[code].get("strong"), code
    owners: dict[str, str] = {}
    for code, kinds in detect.items():
        for word in kinds.get("strong", ()):
            assert owners.setdefault(word, code) == code, f"{word!r} is strong for {owners[word]} and {code}"


def test_unknown_detect_kind_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text("en:\n  detect:\n    maybe: [hello]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maybe"):
        load_keywords(path)
