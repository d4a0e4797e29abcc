"""The school's data with what staff taught from Slack: their FAQ entries and example questions."""

from __future__ import annotations

from collections.abc import Sequence

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
