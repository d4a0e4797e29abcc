"""The school's data with what staff taught from Slack: their FAQ entries and example questions."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from bot.services.school_data import FaqEntry, SchoolData
from bot.store.taught_repo import SchoolAnswer


def with_knowledge(
    data: SchoolData, examples: Sequence[tuple[str, str, str]], answers: Sequence[SchoolAnswer]
) -> SchoolData:
    """`data` plus staff's FAQ entries (machine drafts only where the school shows them) and examples."""
    if not examples and not answers:
        return data
    # Until a reviewer confirms a draft, parents read the default language (the school-texts rule).
    show_drafts = bool(getattr(data, "show_machine_translations", False))
    known = {entry.id for entry in data.faq}
    faq = list(data.faq)
    for answer in answers:
        if answer.faq_id in known:
            continue  # the school file now has an entry of that id: it wins
        keep = {loc for loc in answer.answer if show_drafts or loc not in answer.machine}
        faq.append(
            FaqEntry(
                id=answer.faq_id,
                question={loc: text for loc, text in answer.question.items() if loc in keep},
                answer={loc: text for loc, text in answer.answer.items() if loc in keep},
            )
        )
        known.add(answer.faq_id)
    taught = {
        label: {loc: list(texts) for loc, texts in by.items()} for label, by in data.taught_examples.items()
    }
    for label, locale, text in examples:
        texts = taught.setdefault(label, {}).setdefault(locale, [])
        if text not in texts:
            texts.append(text)
    return data.model_copy(update={"faq": faq, "taught_examples": taught})


def exported(
    stored: dict[str, Any], examples: Sequence[tuple[str, str, str]], answers: Sequence[SchoolAnswer]
) -> dict[str, Any]:
    """The school file as stored plus what staff taught; drafts as {machine: provider, text} to review."""
    data = copy.deepcopy(stored)
    faq = data.setdefault("faq", [])
    known = {entry.get("id") for entry in faq}
    for answer in answers:
        if answer.faq_id in known:
            continue

        def texts(by_locale: dict[str, str], drafts: dict[str, str] = answer.machine) -> dict[str, Any]:
            return {
                loc: {"machine": drafts[loc], "text": text} if loc in drafts else text
                for loc, text in by_locale.items()
            }

        faq.append({"id": answer.faq_id, "question": texts(answer.question), "answer": texts(answer.answer)})
    taught = data.setdefault("taught_examples", {})
    for label, locale, text in examples:
        listed = taught.setdefault(label, {}).setdefault(locale, [])
        if text not in listed:
            listed.append(text)
    return data
