"""Machine drafts of a school's missing texts, and a reviewer's pass over them (interactive or as CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.services.school_texts import (
    MACHINE,
    PLAIN_ALLOWED,
    Slot,
    draft,
    file_kind,
    is_draft,
    plain_as_default,
    slots,
    text_of,
)
from bot.services.translation import Translator, translate_or_none

CSV_FIELDS = ("path", "locale", "status", "source", "text")
MACHINE_STATUS = "machine"  # a CSV row left with this status stays a draft; any other status is reviewed


@dataclass(frozen=True)
class Pending:
    """One machine draft waiting for a reviewer, with the default-language text it came from."""

    slot: Slot
    locale: str
    source: str
    text: str
    provider: str
    many: bool = False  # a list of example questions, shown and rewritten as one line split by " | "


def default_locale_of(data: Mapping[str, Any], fallback: str = "en") -> str:
    """The file's default language: a school file names it; events and volunteer files use `fallback`."""
    return str(data.get("default_locale") or fallback)


def fill_drafts(data: Any, targets: Iterable[str], translator: Translator, source_locale: str) -> list[str]:
    """Machine-translate each text that lacks a target language; returns `path.locale` of each draft made."""
    made = []
    wanted = [code for code in targets if code != source_locale]
    kind = file_kind(data)
    if kind in PLAIN_ALLOWED:  # written back per language, so the drafts have a place beside the source
        plain_as_default(data, kind, source_locale)
    for slot in slots(data):
        source = text_of(slot.texts.get(source_locale) or "").strip()
        if not source:
            continue
        for code in wanted:
            if text_of(slot.texts.get(code) or "").strip():
                continue
            translated = translate_or_none(translator, source, target=code, source=source_locale)
            if translated is not None:
                slot.texts[code] = draft(translated.text, translated.provider)
                made.append(f"{slot.path}.{code}")
    return made


def fill_example_drafts(
    data: Any, targets: Iterable[str], translator: Translator, source_locale: str
) -> list[str]:
    """Machine-translate the FAQ's example questions into each target language that has none.

    The drafts (`ko: {machine: provider, texts: [...]}`) teach the understanding step at once and wait
    for a reviewer like any other draft; returns `faq.N.examples.locale` of each list drafted.
    """
    made = []
    wanted = [code for code in targets if code != source_locale]
    for number, entry in enumerate(_faq_entries(data)):
        examples = entry.setdefault("examples", {})
        question = text_of((entry.get("question") or {}).get(source_locale) or "")
        sources = [str(t) for t in examples.get(source_locale) or [question] if str(t).strip()]
        for code in wanted:
            if examples.get(code):
                continue
            drafted = [
                translate_or_none(translator, text, target=code, source=source_locale) for text in sources
            ]
            texts = [d.text for d in drafted if d is not None]
            if texts:
                provider = next(d.provider for d in drafted if d is not None)
                examples[code] = {MACHINE: provider, "texts": texts}
                made.append(f"faq.{number}.examples.{code}")
    return made


def _faq_entries(data: Any) -> list[dict[str, Any]]:
    faq = data.get("faq") if isinstance(data, Mapping) else None
    return [entry for entry in faq or [] if isinstance(entry, dict)]


def pending(data: Any, source_locale: str) -> list[Pending]:
    """Every machine draft in the file, in file order (texts first, then the FAQ's example questions)."""
    found = []
    for slot in slots(data):
        source = text_of(slot.texts.get(source_locale) or "")
        for code, value in slot.texts.items():
            if is_draft(value):
                found.append(Pending(slot, code, source, str(value["text"]), str(value["machine"])))
    for number, entry in enumerate(_faq_entries(data)):
        examples = entry.get("examples") or {}
        source = " | ".join(str(t) for t in examples.get(source_locale) or [])
        for code, value in examples.items():
            if isinstance(value, Mapping) and MACHINE in value:
                texts = " | ".join(str(t) for t in value.get("texts") or [])
                slot = Slot(f"faq.{number}.examples", examples)
                found.append(Pending(slot, code, source, texts, str(value[MACHINE]), many=True))
    return found


def confirm(item: Pending, text: str | None = None) -> None:
    """Make a draft a reviewed text: as drafted, or as the reviewer rewrote it."""
    words = (text if text is not None else item.text).strip()
    if item.many:
        item.slot.texts[item.locale] = [part.strip() for part in words.split("|") if part.strip()]
    else:
        item.slot.texts[item.locale] = words


def export_csv(data: Any, source_locale: str, locales: Iterable[str]) -> str:
    """A plain CSV a translator can open: one row per text and language (human, machine or missing)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    wanted = [code for code in dict.fromkeys(locales) if code != source_locale]
    for slot in slots(data):
        source = text_of(slot.texts.get(source_locale) or "")
        for code in [*wanted, *(c for c in slot.texts if c not in wanted and c != source_locale)]:
            value = slot.texts.get(code)
            status = "missing" if value is None else MACHINE_STATUS if is_draft(value) else "human"
            text = "" if value is None else text_of(value)
            row = {"path": slot.path, "locale": code, "status": status, "source": source, "text": text}
            writer.writerow(row)
    return out.getvalue()


class ReviewImportError(ValueError):
    """The CSV does not fit the file; `errors` names each bad row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def import_csv(data: Any, text: str) -> list[str]:
    """Apply a translator's CSV: a row whose status is not `machine` and has text becomes a reviewed text.

    Returns `path.locale` of each text changed; raises ReviewImportError naming rows that fit nothing.
    """
    by_path = {slot.path: slot for slot in slots(data)}
    reader = csv.DictReader(io.StringIO(text))
    missing_columns = set(CSV_FIELDS) - set(reader.fieldnames or ())
    if missing_columns:
        raise ReviewImportError([f"the CSV needs the columns {', '.join(CSV_FIELDS)}"])
    errors, changed = [], []
    for number, row in enumerate(reader, 2):
        slot = by_path.get((row.get("path") or "").strip())
        locale = (row.get("locale") or "").strip()
        words = (row.get("text") or "").strip()
        if slot is None or not locale:
            errors.append(f"row {number}: no text {row.get('path')!r} in the file")
            continue
        current = slot.texts.get(locale)
        if not words or (row.get("status") or "").strip() == MACHINE_STATUS:
            continue  # nothing written, or still a draft: left as it is
        if current is None or is_draft(current) or text_of(current) != words:
            slot.texts[locale] = words
            changed.append(f"{slot.path}.{locale}")
    if errors:
        raise ReviewImportError(errors)
    return changed
