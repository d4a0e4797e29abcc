"""Replies to a waiting step in words: numbers, number words, ordinals, yes/no, labels, synonyms.

The words are data, one `locales/<lang>/replies.yaml` per language; the parent's own language is
tried first, then English, then every other shipped one (parents mix languages). A reply is placed
on the options as shown, by their 1-based number, with a confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.i18n.keywords import contains_phrase, is_unspaced, normalize
from bot.yaml_files import load_yaml

REPLIES_FILE = "replies.yaml"
DIGITS = re.compile(r"\d{1,3}")
_UNSPACED_DIGITS = re.compile(r"(\d+)")
FUZZY_MIN = 84  # a label typed with a typo or two ("tranportation", "bullyng")
FUZZY_MARGIN = 6  # the best label must beat the next by this much
MIN_FUZZY_CHARS = 4
MIN_WORD_CHARS = 3
MIN_PREFIX_CHARS = 4
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KOREAN = re.compile(r"[\u1100-\u11ff\uac00-\ud7a3]")  # syllables, and the jamo normalize() leaves
SURE, LIKELY = 1.0, 0.85
OVERLAP = 0.75  # an option named by words its label shares with the reply, no other label as many
MIN_OVERLAP_CHARS = 4  # shorter words ("my", "the", "is") say nothing about which option
OVERLAP_STEM = 5  # two words sharing their first five letters are one word inflected
SURE_WAYS = frozenset({"number", "label", "yes_no"})  # placements that stand however long the text
QUESTION_HEAD_WORDS = 3  # a question word among a spaced text's first words makes it a question
QUESTION_PHRASE_WORDS = 5  # and a question phrase of several words among its first five
QUESTION_TAIL_WORDS = 3  # or its last three (Vietnamese asks "where" at the end: "... ở đâu")
QUESTION_END_WORDS = 2  # a lone question word among the last two, in languages that say so
MAX_PART_WORDS = 3  # a longer part of a several-choice reply placed only by a word in it is a sentence


@dataclass(frozen=True)
class ReplyOption:
    """One option of the waiting step: its number, value, and its labels (parent's language, English)."""

    number: int
    value: str
    labels: tuple[str, ...]
    # Labels of the intent model that mean this option here ("concern:transportation" is "Bus or
    # transportation" at the category step; "staff" is "Reach a teacher or the principal" on the menu).
    intents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Placement:
    """Where a reply lands: the numbers chosen (several for a step that takes several) and how sure."""

    numbers: tuple[int, ...]
    confidence: float
    how: str


@dataclass(frozen=True)
class LocaleWords:
    """One language's reply words, normalized."""

    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    numbers: Mapping[str, int] = field(default_factory=dict)  # number words and ordinals
    connectors: frozenset[str] = frozenset()
    fillers: tuple[str, ...] = ()
    languages: Mapping[str, str] = field(default_factory=dict)  # extra language name -> locale code
    resume: frozenset[str] = frozenset()
    synonyms: Mapping[str, Mapping[int, tuple[str, ...]]] = field(
        default_factory=dict
    )  # context -> n -> words
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # intent label -> phrases
    # Particles and endings glued to a word ("두 번째요", "1이랑", "երկրորդը"): a word with one of these
    # at its end is also read without it.
    suffixes: tuple[str, ...] = ()
    # synonyms prepared for _mentions: context -> ((option number, phrase, how it is looked for), ...)
    mentions: Mapping[str, tuple[tuple[int, str, int], ...]] = field(default_factory=dict)
    # Words that open a question ("how", "cuándo", "怎么", "어떻게"): a text without its question mark that
    # starts with one asks something, even where a step waits for free text.
    question_words: frozenset[str] = frozenset()
    # Verb-final languages also put a lone question word last ("شماره دفتر چیه", "... կապվեմ ինչպես").
    question_words_at_end: bool = False
    # Every option at once, where a step takes several ("all of them", "any time", "todos").
    every: frozenset[str] = frozenset()
    # Words that open a request to the school ("could you", "me pueden"): such a question whose next word
    # names an option ("could you text me?" at "How should we reach you?") is that option.
    requests: tuple[str, ...] = ()


class Ordered(tuple[LocaleWords, ...]):
    """Languages' words in the order they are tried, with their unions computed once (not per text)."""

    connectors: frozenset[str]
    fillers: tuple[str, ...]  # longest first
    single_fillers: frozenset[str]
    unspaced_fillers: tuple[str, ...]
    suffixes: tuple[str, ...]  # longest first
    yes: frozenset[str]
    no: frozenset[str]
    every: frozenset[str]

    def __new__(cls, words: Iterable[LocaleWords]) -> Ordered:
        """The words in order; the unions every reply needs, prepared."""
        self = super().__new__(cls, words)
        self.connectors = frozenset().union(*(w.connectors for w in self))
        self.fillers = tuple(sorted({f for w in self for f in w.fillers}, key=len, reverse=True))
        self.single_fillers = frozenset(f for f in self.fillers if " " not in f)
        self.unspaced_fillers = tuple(f for f in self.fillers if is_unspaced(f))
        self.suffixes = tuple(sorted({x for w in self for x in w.suffixes}, key=len, reverse=True))
        self.yes = frozenset().union(*(w.yes for w in self))
        self.no = frozenset().union(*(w.no for w in self))
        self.every = frozenset().union(*(w.every for w in self))
        return self


class ReplyBook:
    """Every shipped language's reply words, and the placing of a reply on a step's options."""

    def __init__(self, words: Mapping[str, LocaleWords]) -> None:
        self.words = dict(words)
        # Every language's phrases, ready to look for in a text (with spaces around, or without spaces
        # for scripts that have none): built once, as each inbound text is checked against all of them.
        self._phrases = tuple(
            (len(p), label, p.replace(" ", "") if is_unspaced(p) else f" {p} ", is_unspaced(p))
            for w in self.words.values()
            for label, phrases in w.phrases.items()
            for p in phrases
            if p
        )
        self._orders: dict[tuple[str | None, int | None], Ordered] = {}

    def order(self, locale: str | None, languages: int | None = None) -> Ordered:
        """The parent's language first, then English, then the rest (the first `languages` of them)."""
        key = (locale, languages)
        found = self._orders.get(key)
        if found is None:
            codes = [c for c in (locale, "en") if c in self.words]
            codes += [c for c in sorted(self.words) if c not in codes]
            found = self._orders[key] = Ordered(self.words[c] for c in codes[:languages])
        return found

    def is_resume(self, text: str) -> bool:
        """True when the text asks to go back to a saved draft (CONTINUE)."""
        norm = normalize(text)
        return any(norm in w.resume for w in self.words.values())

    def answer_in(self, text: str, locale: str | None) -> bool | None:
        """Yes (True) or no (False) said within a sentence ("RSVP yes for ...", "no puedo ir"); a no wins.

        Only the parent's language and English count, and no one-letter word ("y", "n"): a longer
        text in another language holds such words by chance.
        """
        said = self._said(text, locale)
        if said[False]:
            return False
        return True if said[True] else None

    def _own_and_english(self, locale: str | None) -> list[LocaleWords]:
        """The parent's language's words and English's (once each, those that exist)."""
        return [self.words[code] for code in dict.fromkeys((locale, "en")) if code in self.words]

    def only_yes_or_no(self, text: str, locale: str | None) -> bool:
        """True when the whole text is a yes or a no word of the parent's language or English ("không
        phải", "nope"): it answers something and asks nothing, so no question's answer fits it."""
        norm = normalize(text)
        return bool(norm) and any(norm in w.yes or norm in w.no for w in self._own_and_english(locale))

    def _said(self, text: str, locale: str | None) -> dict[bool, bool]:
        """Whether a yes word and whether a no word stand in the text (parent's language and English)."""
        norm = normalize(text)
        books = self._own_and_english(locale)
        said = {True: False, False: False}
        for book in books:
            said[False] |= any(_stands(norm, w) for w in book.no)
        # A no phrase holds yes words ("не придем", "không đến được"): they are not a yes. Longest first:
        # "не" alone taken out of "не придем" would leave the yes word "придем".
        rest = norm
        for w in sorted({w for book in books for w in book.no}, key=lambda w: (-len(w), w)):
            if _stands(rest, w):
                rest = _without(rest, w)
        for book in books:
            said[True] |= any(_stands(rest, w) for w in book.yes)
        return said

    def asks(self, text: str, locale: str | None) -> bool:
        """True when the text is worded as a question in the parent's language or English.

        A spaced text asks when a question word stands among its first words ("how do I reach the
        principal", "perdon, cual es"; a phrase of several words a little further or at the end:
        "văn phòng mấy giờ mở cửa", "phòng phụ huynh ở đâu"); a Hangul or unspaced one counts
        anywhere ("교장선생님한테 어떻게 연락해요", "怎么联系校长"), as those languages put them
        mid-sentence or at the end.
        """
        norm = normalize(text)
        if not norm:
            return False
        tokens = norm.split()
        head = f" {' '.join(tokens[:QUESTION_HEAD_WORDS])} "
        last = f" {' '.join(tokens[-QUESTION_END_WORDS:])} "
        # A phrase of several words among the first five or the last three ("phòng phụ huynh ở đâu").
        longer = f" {' '.join(tokens[:QUESTION_PHRASE_WORDS])} | {' '.join(tokens[-QUESTION_TAIL_WORDS:])} "
        compact = norm.replace(" ", "")
        for words in self._own_and_english(locale):
            for word in words.question_words:
                if is_unspaced(word) or _KOREAN.search(word) is not None:
                    if word.replace(" ", "") in compact:
                        return True
                elif f" {word} " in (longer if " " in word else head) or (
                    words.question_words_at_end and " " not in word and f" {word} " in last
                ):
                    return True
        return False

    def language_aliases(self) -> dict[str, str]:
        """Extra names of languages (normalized) -> locale code, from every language's file."""
        return {name: code for w in self.words.values() for name, code in w.languages.items()}

    def phrase_intent(self, text: str, locale: str | None) -> str | None:
        """The intent label of a listed phrase the text contains (help, language:en, ...), longest first.

        Every language's phrases count, whatever `locale` is: parents mix languages.
        """
        norm = normalize(text)
        padded, compact = f" {norm} ", norm.replace(" ", "")
        found = [
            (size, label)
            for size, label, form, unspaced in self._phrases
            if form in (compact if unspaced else padded)
        ]
        return max(found)[1] if found else None

    def place(
        self,
        text: str,
        options: tuple[ReplyOption, ...],
        locale: str | None,
        *,
        context: str = "",
        several: bool = False,
    ) -> Placement | None:
        """Where the reply lands among `options`, or None when it cannot be placed."""
        norm = normalize(text)
        if not norm or not options:
            return None
        count = len(options)
        ordered = self.order(locale)
        numbers = self._numbers(norm, ordered)
        if numbers is not None:
            valid = tuple(dict.fromkeys(n for n in numbers if 1 <= n <= count or (several and n == 0)))
            if valid and len(valid) == len(set(numbers)) and (several or len(valid) == 1):
                return Placement(valid, SURE, "number")
            return None
        if several:
            if norm in ordered.every or _strip_fillers(norm, ordered) in ordered.every:
                return Placement(tuple(o.number for o in options), LIKELY, "labels")
            return self._several(norm, options, ordered, context)
        return self._one(norm, options, ordered, context)

    def requested(
        self, text: str, options: tuple[ReplyOption, ...], locale: str | None, context: str = ""
    ) -> Placement | None:
        """The option a request names right after its opening ("could you text me?", "¿me pueden
        llamar?"): a question asked of the school that is a reply, unlike "can you tell me the phone
        number?" whose next word names nothing."""
        norm = normalize(text)
        ordered = self.order(locale)
        for words in self._own_and_english(locale):
            for form in words.requests:
                if not norm.startswith(f"{form} "):
                    continue
                rest = norm[len(form) + 1 :].split()
                placed = self._one(rest[0], options, ordered, context) if rest else None
                if placed is not None:
                    return placed
        return None

    def yes_or_no_said(self, text: str, options: tuple[ReplyOption, ...], locale: str | None) -> int | None:
        """At a yes-or-no step, the option a sentence says yes or no to ("we'll be there", "no puedo ir")."""
        yes_no = _yes_no_options(options)
        if yes_no is None:
            return None
        said = self._said(text, locale)
        if said[True] == said[False]:
            return None  # neither, or both: "네 괜찮습니다" is yes and "fine" (a polite no) at once
        return yes_no[0 if said[True] else 1]

    # Internals -----------------------------------------------------------------

    def _one(
        self, norm: str, options: tuple[ReplyOption, ...], ordered: Ordered, context: str
    ) -> Placement | None:
        core = _strip_fillers(norm, ordered)
        yes_no = _yes_no_options(options)
        if yes_no is not None:
            answer = _yes_or_no(core, ordered)
            answer = _yes_or_no(norm, ordered) if answer is None else answer
            if answer is not None:
                return Placement((yes_no[0] if answer else yes_no[1],), SURE, "yes_no")
        by_label = _by_label(core, options) or _by_label(norm, options)
        if by_label is not None:
            return by_label
        return _by_synonym(norm, options, ordered, context) or _by_words(core, options, ordered)

    def _several(
        self, norm: str, options: tuple[ReplyOption, ...], ordered: Ordered, context: str
    ) -> Placement | None:
        parts = _split(norm, ordered)
        chosen: list[int] = []
        sure = True
        for part in parts:
            placed = self._one(part, options, ordered, context)
            if placed is None or (placed.how not in SURE_WAYS and len(part.split()) > MAX_PART_WORDS):
                chosen = []  # "wait, what's the office phone number" names "office" but is no choice
                break
            sure = sure and placed.how in SURE_WAYS
            chosen.extend(placed.numbers)
        if chosen:
            return Placement(tuple(dict.fromkeys(chosen)), LIKELY, "labels" if sure else "synonyms")
        # Words glued to their connector ("번역하고 요리", "الترجمة والطبخ"): every option the text names.
        named = sorted(_synonym_hits(norm, options, ordered, context))
        return Placement(tuple(named), LIKELY, "mentions") if named else None

    def _numbers(self, norm: str, ordered: Ordered) -> list[int] | None:
        """The numbers a reply is made of ('2', '1 y 3', 'the second one', 'cuatro', '二'), or None."""
        core = _strip_fillers(norm, ordered, multiword_only=True)
        connectors, fillers = ordered.connectors, ordered.single_fillers
        if is_unspaced(core) or _GLUED_DIGIT.search(core):
            core = " ".join(_UNSPACED_DIGITS.sub(r" \1 ", core).split())  # "1和3" -> "1 和 3", "1이랑" too
        tokens = _tokens(core, ordered)
        found: list[int] = []
        i = 0
        while i < len(tokens):
            pair = " ".join(tokens[i : i + 2]) if i + 1 < len(tokens) else ""
            paired = _word_number(pair, ordered) if pair else None
            if paired is not None:  # "thứ hai", "두 번째", "pang apat"
                found.extend(paired)
                i += 2
                continue
            token = tokens[i]
            i += 1
            if token in connectors:
                continue
            value = [int(token)] if token.isdigit() and len(token) <= 3 else _word_number(token, ordered)
            if value is not None and not (token in fillers and found):
                found.extend(value)  # "one" is a number, but not in "the second one"
                continue
            if token in fillers:
                continue
            digits = DIGITS.findall(token)
            # "2번", "#3", "3rd": a digit with a counter word around it
            if len(digits) == 1 and _counter_only(token.replace(digits[0], " ", 1), ordered):
                found.append(int(digits[0]))
                continue
            return None
        return found or None


# A digit glued to a Hangul or Arabic-script particle ("1이랑", "۱و"); Latin ones are number words ("3rd").
_GLUED_DIGIT = re.compile(r"\d[\uac00-\ud7a3\u0600-\u06ff]|[\uac00-\ud7a3\u0600-\u06ff]\d")
# A connector written as part of the next word in Arabic script ("والطبخ": "and cooking").
_ARABIC_AND = re.compile(r"^و(?=[\u0600-\u06ff]{2})")


def _tokens(core: str, ordered: Ordered) -> list[str]:
    """The words of a reply, with a glued Arabic "and" set apart and a word's particle taken off when
    what is left is a word the reply tables know ("두 번째요" -> "두 번째")."""
    out: list[str] = []
    for token in core.split():
        if _ARABIC_AND.match(token) and "و" in ordered.connectors:
            out.append("و")
            token = token[1:]
        out.append(_unsuffixed(token, ordered))
    return out


def _unsuffixed(token: str, ordered: Ordered) -> str:
    for suffix in ordered.suffixes:
        if token.endswith(suffix) and len(token) > len(suffix):
            stem = token[: -len(suffix)]
            if stem.isdigit() or stem in ordered.connectors or _word_number(stem, ordered) is not None:
                return stem
            if any(stem in w.numbers for w in ordered) or stem in ordered.single_fillers:
                return stem
    return token


def _word_number(token: str, ordered: Ordered) -> list[int] | None:
    for words in ordered:
        if token in words.numbers:
            return [words.numbers[token]]
    if is_unspaced(token):
        # "第二个", "두번째" without spaces: read greedily as number words and fillers
        return _read_unspaced(token, ordered)
    return None


def _read_unspaced(token: str, ordered: Ordered) -> list[int] | None:
    table = {k: v for w in reversed(ordered) for k, v in w.numbers.items() if is_unspaced(k) or len(k) <= 4}
    fillers = {f.replace(" ", "") for f in ordered.unspaced_fillers}
    found: list[int] = []
    rest = token
    while rest:
        for size in range(min(len(rest), 6), 0, -1):
            head = rest[:size]
            if head in table:
                found.append(table[head])
                break
            if head in fillers:
                break
        else:
            return None
        rest = rest[size:]
    return found or None


def _counter_only(rest: str, ordered: Ordered) -> bool:
    fillers = ordered.fillers
    left = rest.split()
    return all(
        part in fillers or part.replace(" ", "") in fillers or part in ordered.suffixes for part in left
    )


def _strip_fillers(norm: str, ordered: Ordered, *, multiword_only: bool = False) -> str:
    """The text without polite words and frames ('yes please' -> 'yes', 'el número dos' -> 'dos')."""
    padded = f" {norm} "
    for filler in ordered.fillers:
        if (multiword_only and " " not in filler) or filler in ordered.unspaced_fillers:
            continue
        while f" {filler} " in padded:
            padded = padded.replace(f" {filler} ", " ")
    core = " ".join(padded.split())
    if ordered.unspaced_fillers and is_unspaced(core):
        # Polite words at either end of a text without spaces ("请", "吧").
        for filler in ordered.unspaced_fillers:
            if core != filler:
                core = core.removeprefix(filler).removesuffix(filler)
    return core.strip() or norm


def _split(norm: str, ordered: Ordered) -> list[str]:
    connectors = ordered.connectors
    parts: list[str] = []
    current: list[str] = []
    for token in _tokens(norm, ordered):
        glued = next((c for c in ordered.suffixes if c in connectors and token.endswith(c)), None)
        if glued and len(token) > len(glued):  # "번역하고 요리": "하고" is "and"
            current.append(token[: -len(glued)])
            token = glued
        if token in connectors:
            if current:
                parts.append(" ".join(current))
            current = []
        else:
            current.append(token)
    if current:
        parts.append(" ".join(current))
    return parts


def _stands(norm: str, word: str) -> bool:
    """A yes or no word standing in a sentence (no one-letter word: a longer text holds them by chance)."""
    return (len(word) > 1 or is_unspaced(word)) and contains_phrase(norm, word)


def _without(norm: str, phrase: str) -> str:
    """The text with a phrase that stands in it taken out."""
    if is_unspaced(phrase):
        return norm.replace(" ", "").replace(phrase.replace(" ", ""), " ")
    return " ".join(f" {norm} ".replace(f" {phrase} ", "  ").split())


def _yes_no_options(options: tuple[ReplyOption, ...]) -> tuple[int, int] | None:
    """(number of the yes option, number of the no option) when the step asks yes or no."""
    yes = next(
        (o.number for o in options if any(normalize(lb).split()[:1] == ["yes"] for lb in o.labels)), None
    )
    no = next(
        (o.number for o in options if any(normalize(lb).split()[:1] == ["no"] for lb in o.labels)), None
    )
    return (yes, no) if yes is not None and no is not None and len(options) <= 3 else None


def _yes_or_no(core: str, ordered: Ordered) -> bool | None:
    """True for a yes ('sí', 'yes please', 'ok yes'), False for a no, None for anything else."""
    for words in ordered:
        if core in words.yes:
            return True
        if core in words.no:
            return False
    tokens = core.split()
    if len(tokens) < 2:
        return None
    if all(t in ordered.yes for t in tokens):
        return True
    if all(t in ordered.no for t in tokens):
        return False
    return None


@dataclass(frozen=True)
class _Labels:
    """A step's option labels prepared once for fuzzy placing (the language menu has ~200 names)."""

    exact: Mapping[str, frozenset[int]]
    labels: tuple[str, ...]  # normalized, non-empty
    label_numbers: tuple[int, ...]
    words: tuple[str, ...]  # every word of every label
    word_numbers: tuple[int, ...]


@lru_cache(maxsize=256)
def _labels(options: tuple[ReplyOption, ...]) -> _Labels:
    exact: dict[str, set[int]] = {}
    labels: list[tuple[str, int]] = []
    words: list[tuple[str, int]] = []
    for option in options:
        for label in option.labels:
            norm = normalize(label)
            if not norm:
                continue
            exact.setdefault(norm, set()).add(option.number)
            labels.append((norm, option.number))
            words += [(w, option.number) for w in norm.split()]
    labels, words = list(dict.fromkeys(labels)), list(dict.fromkeys(words))
    return _Labels(
        {k: frozenset(v) for k, v in exact.items()},
        tuple(lb for lb, _ in labels),
        tuple(n for _, n in labels),
        tuple(w for w, _ in words),
        tuple(n for _, n in words),
    )


def _by_label(core: str, options: tuple[ReplyOption, ...]) -> Placement | None:
    prepared = _labels(options)
    exact = prepared.exact.get(core, frozenset())
    if len(exact) == 1:
        return Placement((next(iter(exact)),), SURE, "label")
    if len(core) < MIN_FUZZY_CHARS and not is_unspaced(core):
        return None
    best: dict[int, float] = {}

    def keep(number: int, score: float) -> None:
        if score > best.get(number, 0.0):
            best[number] = score

    padded = f" {core} "
    spaced = not is_unspaced(core)
    for label, number in zip(prepared.labels, prepared.label_numbers, strict=True):
        if len(label) >= MIN_FUZZY_CHARS and (
            f" {label} " in padded
            if spaced and not is_unspaced(label)
            else label.replace(" ", "") in core.replace(" ", "")
        ):
            keep(number, 95.0)
    # Only scores that could decide matter: a top one from FUZZY_MIN, a runner-up within FUZZY_MARGIN of it.
    cutoff = FUZZY_MIN - FUZZY_MARGIN
    for _, score, k in process.extract(
        core, prepared.labels, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
    ):
        keep(prepared.label_numbers[k], float(score))
    if len(core) >= MIN_WORD_CHARS:
        for word, number in zip(prepared.words, prepared.word_numbers, strict=True):
            if word == core:
                keep(number, 90.0)  # "math" for "Math help"
    if len(core) >= 5 and spaced:
        # A word of the label typed alone ("transportation", "bullying").
        for _, score, k in process.extract(
            core, prepared.words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            keep(prepared.word_numbers[k], float(score))
    if not best:
        return None
    ranked = sorted(((score, number) for number, score in best.items()), reverse=True)
    top, number = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if top >= FUZZY_MIN and top - second >= FUZZY_MARGIN:
        return Placement((number,), LIKELY, "fuzzy_label")
    return None


def _by_words(core: str, options: tuple[ReplyOption, ...], ordered: Ordered) -> Placement | None:
    """An option whose label's words the reply shares more of than any other's ("the one about my child's
    progress" is "Progress and records"; "i want to check on my complaint" is "Check my concern")."""
    if is_unspaced(core):
        return None
    ignored = ordered.single_fillers | ordered.connectors
    said = [w for w in core.split() if len(w) >= MIN_OVERLAP_CHARS and w not in ignored]
    if not said:
        return None
    prepared = _labels(options)
    shared: dict[int, set[str]] = {}
    for word, number in zip(prepared.words, prepared.word_numbers, strict=True):
        if len(word) < MIN_OVERLAP_CHARS or word in ignored:
            continue
        for token in said:
            if _same_word(token, word):
                shared.setdefault(number, set()).add(token)
    if not shared:
        return None
    ranked = sorted((len(found) for found in shared.values()), reverse=True)
    best = next(n for n, found in shared.items() if len(found) == ranked[0])
    if len(ranked) > 1 and ranked[1] == ranked[0]:
        return None  # "school" is in "Contact the school" and in "School events"
    return Placement((best,), OVERLAP, "words")


def _same_word(token: str, word: str) -> bool:
    """The same word, or one inflected ("bathrooms" and "bathroom", "events" and "event")."""
    if token == word:
        return True
    stem = min(len(token), len(word), OVERLAP_STEM)
    return stem == OVERLAP_STEM and token[:stem] == word[:stem]


def _by_synonym(
    norm: str, options: tuple[ReplyOption, ...], ordered: Ordered, context: str
) -> Placement | None:
    """An option named by one of its synonyms ('school bus' is 'Bus or transportation')."""
    hits = _synonym_hits(norm, options, ordered, context)
    if len(hits) == 1:
        return Placement((next(iter(hits)),), LIKELY, "synonym")
    return None


def _synonym_hits(
    norm: str, options: tuple[ReplyOption, ...], ordered: Ordered, context: str
) -> dict[int, int]:
    hits: dict[int, int] = {}
    numbers = {o.number for o in options}
    padded, compact = f" {norm} ", norm.replace(" ", "")
    for words in ordered:
        for number, phrase, how in words.mentions.get(context, ()):
            if number in numbers and _mentions(padded, compact, norm, phrase, how):
                hits[number] = max(hits.get(number, 0), len(phrase))
    return hits


# How a synonym is looked for (_mention_kind): whole words, anywhere in a text without spaces, as a word's
# start (its last word may be inflected or take a particle), or anywhere (Hangul glues particles to nouns).
WHOLE, UNSPACED, PREFIX, INSIDE = 0, 1, 2, 3


def _mention_kind(phrase: str) -> int:
    if is_unspaced(phrase):
        return UNSPACED
    if len(phrase) < MIN_PREFIX_CHARS:
        return WHOLE
    return INSIDE if _HANGUL.search(phrase) is not None else PREFIX


def _mentions(padded: str, compact: str, norm: str, phrase: str, how: int) -> bool:
    """A phrase stands in a text, its last word maybe inflected or with a particle ("ավտոբուսից",
    "автобусе", "스쿨버스가"); a short word only whole ("bus" is not in "business")."""
    if how == WHOLE:
        return f" {phrase} " in padded
    if how == UNSPACED:
        return phrase.replace(" ", "") in compact
    if how == INSIDE and phrase in norm:
        return True
    return f" {phrase}" in padded


def synonym_choice(book: ReplyBook, text: str, locale: str | None, context: str, count: int) -> int | None:
    """The one option of a step whose synonyms a whole sentence mentions (a slot filled from it)."""
    options = tuple(ReplyOption(n, str(n), ()) for n in range(1, count + 1))
    placed = _by_synonym(normalize(text), options, book.order(locale), context)
    return placed.numbers[0] if placed else None


def synonym_choices(
    book: ReplyBook, text: str, locale: str | None, context: str, count: int, languages: int | None = None
) -> tuple[int, ...]:
    """Every option of a step whose synonyms a sentence mentions ("a bully on the bus": two categories).

    `languages`: only the first few of the parent's language, English and the rest (faster).
    """
    options = tuple(ReplyOption(n, str(n), ()) for n in range(1, count + 1))
    ordered = book.order(locale, languages)
    return tuple(sorted(_synonym_hits(normalize(text), options, ordered, context)))


def load_reply_book(locales_dir: Path, codes: Iterable[str] | None = None) -> ReplyBook:
    """Read `locales/<lang>/replies.yaml` for every language that has one."""
    wanted = set(codes) if codes is not None else None
    words: dict[str, LocaleWords] = {}
    for path in sorted(locales_dir.glob(f"*/{REPLIES_FILE}")):
        code = path.parent.name
        if wanted is not None and code not in wanted:
            continue
        words[code] = parse_words(load_yaml(path.read_text(encoding="utf-8")) or {}, str(path))
    return ReplyBook(words)


def parse_words(data: Mapping[str, object], where: str) -> LocaleWords:
    """One language's words from its YAML mapping; an unknown key is an error."""
    known = {
        "locale",
        "yes",
        "no",
        "numbers",
        "connectors",
        "fillers",
        "languages",
        "resume",
        "synonyms",
        "phrases",
        "suffixes",
        "question_words",
        "question_words_at_end",
        "every",
        "requests",
    }
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")

    def words(key: str) -> list[str]:
        listed = data.get(key) or []
        if not isinstance(listed, list):
            raise ValueError(f"{where}: {key} must be a list")
        return [normalize(str(w)) for w in listed if normalize(str(w))]

    numbers_raw = data.get("numbers") or {}
    if not isinstance(numbers_raw, dict):
        raise ValueError(f"{where}: numbers must map a number to its words")
    numbers = {normalize(str(w)): int(n) for n, listed in numbers_raw.items() for w in listed}
    languages_raw = data.get("languages") or {}
    if not isinstance(languages_raw, dict):
        raise ValueError(f"{where}: languages must map a locale code to names")
    languages = {normalize(str(w)): str(code) for code, listed in languages_raw.items() for w in listed}
    synonyms_raw = data.get("synonyms") or {}
    if not isinstance(synonyms_raw, dict):
        raise ValueError(f"{where}: synonyms must map flow.step to option numbers")
    synonyms = {
        str(context): {int(n): tuple(normalize(str(w)) for w in listed) for n, listed in table.items()}
        for context, table in synonyms_raw.items()
    }
    phrases_raw = data.get("phrases") or {}
    if not isinstance(phrases_raw, dict):
        raise ValueError(f"{where}: phrases must map an intent label to phrases")
    phrases = {str(label): tuple(normalize(str(w)) for w in listed) for label, listed in phrases_raw.items()}
    return LocaleWords(
        yes=frozenset(words("yes")),
        no=frozenset(words("no")),
        numbers=numbers,
        connectors=frozenset(words("connectors")),
        fillers=tuple(dict.fromkeys(words("fillers"))),
        languages=languages,
        resume=frozenset(words("resume")),
        synonyms=synonyms,
        phrases=phrases,
        suffixes=tuple(sorted(set(words("suffixes")), key=len, reverse=True)),
        question_words=frozenset(words("question_words")),
        question_words_at_end=data.get("question_words_at_end") is True,
        every=frozenset(words("every")),
        requests=tuple(sorted(set(words("requests")), key=len, reverse=True)),
        mentions={
            context: tuple(
                (number, phrase, _mention_kind(phrase))
                for number, listed in table.items()
                for phrase in listed
                if phrase
            )
            for context, table in synonyms.items()
        },
    )
