"""`outreach i18n check`: every catalog complete, placeholders intact, every text within its SMS budget,
and every HELP text naming the program, the phone, MENU and STOP."""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n.catalogs import SOURCE_LOCALE, Catalogs
from bot.i18n.keywords import KeywordTable, contains_phrase, load_keywords, normalize
from bot.i18n.render import fill, is_rtl, placeholders
from bot.i18n.review import review_share
from bot.i18n.segments import segment_count, smart_encode
from bot.i18n.sources import SourceText, source_texts

# Realistic long values, so the budget holds for a real school and not only for short test data.
SAMPLE_VALUES = {
    "school": "Rosewood Avenue Elementary School",
    "program": "Rosewood Avenue Family Texts",
    "phone": "(213) 555-0100",
    "contact_phone": "(213) 555-0111",
    "address": "1200 Rosewood Ave, Los Angeles, CA 90012",
    "hours": "Mon-Fri 7:30 AM - 4:00 PM",
    "where": "Room 12, next to the library",
    "contact": "Ms. Rosa Díaz",
    "principal": "Dr. Alan Kim",
    "teacher": "Write a note in your child's folder, or call the office.",
    "principal_how": "Call the office to set up a meeting.",
    "answer": "Breakfast and lunch are free for every student. Breakfast is at 7:45.",
    "ucp_form": "Ask the office for the Uniform Complaint form, or find it on the district web site now.",
    "reference": "C-2026-0042",
    "survey_reference": "C-2026-0042",
    "ack_by": "Tue, Nov 24, 4:00 PM",
    "received": "Mon, Nov 23, 9:15 AM",
    "resolved": "Fri, Nov 27, 2:30 PM",
    "category": "safety or bullying",
    "resolution": "we took care of it at school.",
    "language": "English",
    # Volunteer shifts (flows/volunteer.yaml, flows/volunteer_messages.yaml)
    "title": "Reading with children",
    "when": "Thu, Nov 26, 8:30 AM",
    "until": "Fri, Nov 27, 8:30 AM",
    "needs": "a volunteer form, a TB test",
    "position": "2",
    "titles": "Reading with children; Family night set-up crew",
}
UNKNOWN_SAMPLE = "x" * 20
# A HELP reply names the program, says how to get help and how to stop (US messaging rules).
HELP_CONTEXT = "system.help"
HELP_PLACEHOLDERS = ("program", "phone")
# Latin letters with the accents of Spanish, Filipino and Vietnamese (Latin-1 to Latin Extended Additional).
_LATIN_RUN = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")


def sample(template: str, *, isolate: bool = False) -> str:
    """The template with realistic values in its placeholders (isolated as for right-to-left text)."""
    values = {name: SAMPLE_VALUES.get(name, UNKNOWN_SAMPLE) for name in placeholders(template)}
    return fill(template, values, isolate=isolate)


def _rendered(text: SourceText, translate: dict[tuple[str, str], str], *, isolate: bool = False) -> str:
    head = sample(translate.get((text.context, text.msgid), text.msgid), isolate=isolate)
    labels = [translate.get(option, option[1]) for option in text.options]
    return smart_encode("\n".join([head, *(f"{n} {label}" for n, label in enumerate(labels, 1))]))


def _budget_problem(where: str, text: SourceText, rendered: str) -> str | None:
    segments = segment_count(rendered)
    if segments > text.budget:
        return f"{where}: {text.context}: {segments} SMS segments, budget {text.budget}: {text.msgid[:50]!r}"
    return None


def read_catalog(path: Path, locale: str) -> Catalog:
    """A .po file as a Babel catalog."""
    with path.open("rb") as handle:
        return read_po(handle, locale=Locale.parse(locale))


def help_problems(locale: str, text: str, keywords: KeywordTable) -> list[str]:
    """What a locale's HELP text lacks: {program}, {phone}, its own MENU and STOP words, English STOP."""
    where = f"{locale}: {HELP_CONTEXT}"
    found = placeholders(text)
    problems = [f"{where}: HELP text lacks {{{name}}}" for name in HELP_PLACEHOLDERS if name not in found]
    # A Latin word beside other letters ("STOP을", "或STOP停止") still reads as the word to send.
    folded = normalize(_LATIN_RUN.sub(r" \g<0> ", text))
    english_stop = _words(keywords, SOURCE_LOCALE, "stop")
    menu = _words(keywords, locale, "menu")
    # Words shared with English ("stop" in hy and ru) do not count as the locale's own stop word.
    stop = [word for word in _words(keywords, locale, "stop") if word not in english_stop] or english_stop
    for command, words in (("MENU", menu), ("STOP", stop)):
        if not any(contains_phrase(folded, word) for word in words):
            shown = ", ".join(word.upper() for word in words[:3])
            problems.append(f"{where}: HELP text lacks a {command} word of {locale} ({shown})")
    if locale != SOURCE_LOCALE and not contains_phrase(folded, "stop"):
        problems.append(f"{where}: HELP text lacks the English STOP")
    return problems


def _words(keywords: KeywordTable, locale: str, command: str) -> list[str]:
    listed = keywords.words.get(locale, {}).get(command) or keywords.words.get(SOURCE_LOCALE, {}).get(command)
    return list(dict.fromkeys(normalize(word) for word in listed or ()))


def check(
    flows_dir: Path, catalogs: Catalogs, pot_path: Path | None = None, keywords: KeywordTable | None = None
) -> list[str]:
    """Every problem found in the English source and each locale's catalog."""
    texts = source_texts(flows_dir)
    if keywords is None:
        keywords = load_keywords(catalogs.locales_dir / "keywords.yaml")
    problems: list[str] = []
    english: dict[tuple[str, str], str] = {}
    for text in texts:
        problem = _budget_problem(SOURCE_LOCALE, text, _rendered(text, english))
        if problem:
            problems.append(problem)
        if text.context == HELP_CONTEXT:
            problems.extend(help_problems(SOURCE_LOCALE, text.msgid, keywords))
    if pot_path is not None:
        problems.extend(_template_problems(pot_path, texts))
    for locale in catalogs.available():
        if locale != SOURCE_LOCALE:
            catalog = read_catalog(catalogs.po_path(locale), locale)
            problems.extend(_locale_problems(locale, catalog, texts, keywords))
    return problems


def _template_problems(pot_path: Path, texts: list[SourceText]) -> list[str]:
    if not pot_path.exists():
        return [f"{pot_path}: missing; run `make catalogs`"]
    template = read_catalog(pot_path, SOURCE_LOCALE)
    return [
        f"{pot_path}: {text.context}: not extracted yet; run `make catalogs`"
        for text in texts
        if template.get(text.msgid, context=text.context) is None
    ]


def _locale_problems(
    locale: str, catalog: Catalog, texts: list[SourceText], keywords: KeywordTable
) -> list[str]:
    problems: list[str] = []
    translated: dict[tuple[str, str], str] = {}
    for text in texts:
        message = catalog.get(text.msgid, context=text.context)
        where = f"{locale}: {text.context}"
        if message is None or not message.string:
            problems.append(f"{where}: missing translation of {text.msgid[:50]!r}")
            continue
        if message.fuzzy:
            problems.append(f"{where}: fuzzy translation (review it, then remove the fuzzy flag)")
            continue
        string = str(message.string)
        if placeholders(string) != placeholders(text.msgid):
            found, wanted = sorted(placeholders(string)), sorted(placeholders(text.msgid))
            problems.append(f"{where}: placeholders {found} differ from {wanted}")
            continue
        translated[(text.context, text.msgid)] = string
    for text in texts:
        if (text.context, text.msgid) in translated:
            problem = _budget_problem(locale, text, _rendered(text, translated, isolate=is_rtl(locale)))
            if problem:
                problems.append(problem)
        if (text.context, text.msgid) in translated and text.context == HELP_CONTEXT:
            problems.extend(help_problems(locale, translated[(text.context, text.msgid)], keywords))
    return problems


def review_lines(catalogs: Catalogs) -> list[str]:
    """One line per translated locale: how many of its entries a native speaker has marked reviewed."""
    lines = []
    for locale in catalogs.available():
        if locale != SOURCE_LOCALE:
            share = review_share(read_catalog(catalogs.po_path(locale), locale))
            marked = f"{share.reviewed} of {share.total} entries marked reviewed"
            lines.append(f"{locale}: {marked} ({share.percent}%)")
    return lines
