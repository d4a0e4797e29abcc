"""Roster import: the families a school already knows, from the CSV its student-information system exports.

Headers are matched without regard to case, spacing or common aliases ("Phone Number", "Home
Language", "Grade"); languages may be codes or names in English or in the language itself; a
phone on several rows (siblings) is one family with every child's grades and groups; every phone
column of a row (two guardians) is a contact of its own.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.services.phones import InvalidPhone, normalize_phone
from bot.services.roster_languages import LanguageNames
from bot.store import Store

PHONE_WORDS = ("phone", "mobile", "cell", "telephone", "tel", "sms")
LANGUAGE_HEADERS = {"language", "home language", "primary language", "preferred language", "lang"}
GRADE_HEADERS = {"grade", "grades", "grade level", "grade levels", "gr"}
GROUP_HEADERS = {"group", "groups", "programs", "program", "tags"}
NAME_WORDS = ("parent", "guardian", "contact", "family", "adult")
ORDINAL = re.compile(r"^0*(\d{1,2})(?:st|nd|rd|th)?(?: grade)?$")
GRADE_WORDS = {
    **dict.fromkeys(("k", "kg", "kn", "kindergarten"), "K"),
    **dict.fromkeys(("tk", "transitional kindergarten"), "TK"),
}
COLUMNS_HELP = "phone (or Phone Number, Mobile...), language, grade(s), groups, name"


class RosterError(Exception):
    """The roster file has problems; `errors` lists each with its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RosterEntry:
    """One family: a phone with its language, and every grade and group of its children."""

    phone: str
    locale: str | None
    grades: tuple[str, ...]
    groups: tuple[str, ...]
    name: str | None


@dataclass(frozen=True)
class RosterPlan:
    """What a roster file amounts to, before anything is stored."""

    entries: list[RosterEntry]
    rows: int
    merged_rows: int = 0  # rows that shared a phone with another row
    merged_families: int = 0
    unshipped: Counter[str] = field(default_factory=Counter)  # language name -> families without its texts

    def notes(self, default_locale: str) -> list[str]:
        """What the coordinator should know about the merge and the languages, one line each."""
        lines = []
        if self.merged_families:
            families = "one family" if self.merged_families == 1 else f"{self.merged_families} families"
            lines.append(f"{self.merged_rows} rows merged into {families} (the same phone on several rows)")
        if self.unshipped:
            named = ", ".join(f"{name} {count}" for name, count in sorted(self.unshipped.items()))
            lines.append(f"no texts yet in {named}: those families get {default_locale}")
        return lines


@dataclass(frozen=True)
class RosterResult:
    """How many contacts an import added and updated (or would, in a dry run), and the plan it followed."""

    added: int
    updated: int
    plan: RosterPlan


@dataclass
class _Family:
    """One phone's rows so far."""

    locale: str | None = None
    name: str | None = None
    grades: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    rows: int = 0
    unshipped: str | None = None  # the known language the bot has no texts in, if that is all we have

    def entry(self, phone: str) -> RosterEntry:
        """The family as a roster entry."""
        grades = tuple(sorted(self.grades, key=_grade_order))
        return RosterEntry(phone, self.locale, grades, tuple(sorted(self.groups)), self.name)


@dataclass
class _Columns:
    phones: list[tuple[str, str]]  # (header, paired name header or "")
    language: str | None
    grades: str | None
    groups: str | None


def header_key(header: str) -> str:
    """A header as compared: lower case, single spaces, no punctuation ('Phone_Number ' -> 'phone number')."""
    return re.sub(r"[\s_\-.#:/]+", " ", header.casefold()).strip()


def _number_in(key: str) -> str:
    found = re.search(r"\d", key)
    return found.group(0) if found else ""


def _columns(headers: list[str]) -> _Columns:
    keys = {header: header_key(header) for header in headers}
    phones = [h for h, k in keys.items() if any(word in k.split() for word in PHONE_WORDS)]
    names = [
        h
        for h, k in keys.items()
        if h not in phones and "name" in k.split() and (k == "name" or any(w in k for w in NAME_WORDS))
    ]
    paired = []
    for index, phone in enumerate(phones):
        number = _number_in(keys[phone])
        match = next((n for n in names if number and _number_in(keys[n]) == number), None)
        if match is None and index == 0:
            match = next((n for n in names if not _number_in(keys[n])), names[0] if names else None)
        paired.append((phone, match or ""))

    def first(wanted: set[str]) -> str | None:
        return next((h for h, k in keys.items() if k in wanted), None)

    return _Columns(paired, first(LANGUAGE_HEADERS), first(GRADE_HEADERS), first(GROUP_HEADERS))


def _parts(value: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[;,/|]", value or "") if part.strip()]


def parse_grade(text: str) -> str | None:
    """A grade as K, TK or 1-12 ('01', '3rd', 'Kindergarten' too); None when it is not a grade."""
    key = header_key(text)
    if key in GRADE_WORDS:
        return GRADE_WORDS[key]
    match = ORDINAL.match(key.removeprefix("grade ").strip())
    if match and 1 <= int(match.group(1)) <= 12:
        return str(int(match.group(1)))
    return None


def plan_roster(text: str, region: str, shipped: tuple[str, ...]) -> RosterPlan:
    """The families in CSV text; raises RosterError listing every bad line (then nothing is imported)."""
    reader = csv.DictReader(io.StringIO(text))
    columns = _columns([h for h in reader.fieldnames or [] if h])
    if not columns.phones:
        raise RosterError([f"the first line must name the columns, at least a phone ({COLUMNS_HELP})"])
    languages = LanguageNames(shipped)
    families: dict[str, _Family] = {}
    errors: list[str] = []
    rows = 0
    for row in reader:
        number = reader.line_num
        cells = {k: (v or "").strip() if isinstance(v, str) else "" for k, v in row.items() if k}
        if not any(cells.values()):
            continue  # a blank line, or a line of empty cells
        rows += 1
        problems: list[str] = []
        phones: list[tuple[str, str]] = []
        for phone_header, name_header in columns.phones:
            raw = cells.get(phone_header, "")
            if not raw:
                continue
            try:
                name = cells.get(name_header, "") if name_header else ""
                phones.append((normalize_phone(raw, region), name))
            except InvalidPhone:
                problems.append(f"{raw!r} is not a phone number")
        if not phones and not problems:
            problems.append("no phone number")
        match = languages.resolve(cells.get(columns.language or "", ""))
        if match is None:
            problems.append(
                f"language {cells.get(columns.language or '')!r} is not a language name or code "
                f"(such as es, Spanish or Español)"
            )
        grades = []
        for part in _parts(cells.get(columns.grades or "")):
            grade = parse_grade(part)
            if grade is None:
                problems.append(f"grade {part!r} is not K, TK or 1-12")
            else:
                grades.append(grade)
        if problems:
            errors.append(f"line {number}: " + "; ".join(problems))
            continue
        assert match is not None
        for phone, name in phones:
            family = families.setdefault(phone, _Family())
            family.rows += 1
            family.locale = family.locale or match.locale
            family.unshipped = family.unshipped or match.known_name
            family.name = family.name or (name[:80] or None)
            family.grades.update(grades)
            family.groups.update(_parts(cells.get(columns.groups or "")))
    if errors:
        raise RosterError(errors)
    merged = [family.rows for family in families.values() if family.rows > 1]
    unshipped = Counter(f.unshipped for f in families.values() if f.unshipped and not f.locale)
    entries = [family.entry(phone) for phone, family in families.items()]
    return RosterPlan(entries, rows, sum(merged), len(merged), unshipped)


def _grade_order(grade: str) -> tuple[int, str]:
    return (int(grade), "") if grade.isdigit() else (-1 if grade == "TK" else 0, grade)


def parse_roster(text: str, region: str, shipped: tuple[str, ...]) -> list[RosterEntry]:
    """The families of a roster CSV, one entry per phone; raises RosterError listing every bad line."""
    return plan_roster(text, region, shipped).entries


def import_roster(
    store: Store, text: str, region: str, shipped: tuple[str, ...], *, dry_run: bool = False
) -> RosterResult:
    """Add or update contacts from a roster CSV (or only count them); an opted-out family stays opted out."""
    plan = plan_roster(text, region, shipped)
    with store.transaction() as tx:
        if dry_run:
            known = tx.known_phones([entry.phone for entry in plan.entries])
            return RosterResult(len(plan.entries) - len(known), len(known), plan)
        school = tx.school()
        added, updated = tx.upsert_roster(plan.entries, school.id if school else None)
    return RosterResult(added, updated, plan)
