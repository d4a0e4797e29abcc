"""School texts per language: coverage weighted by the school's families, machine drafts kept from
parents until the school allows them, and the 5A share of texts a person reviewed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.domain import EvidenceRecord
from bot.report.figures import FIGURES
from bot.report.sources import Evidence
from bot.services.event_file import parse_events
from bot.services.school_data import parse_school, pick
from bot.services.school_review import confirm, export_csv, fill_drafts, import_csv, pending
from bot.services.school_texts import coverage, draft, refusals, slots
from bot.services.schools import text_review_facts
from bot.services.translation import MachineTranslation, TranslationUnavailable
from tests.fixtures.bots import DEMO_SCHOOL

LINCOLN = DEMO_SCHOOL.parents[1] / "tests" / "fixtures" / "schools" / "lincoln.yaml"
SHARES = {"en": 0.55, "es": 0.40, "ar": 0.05}


def lincoln() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LINCOLN.read_text(encoding="utf-8"))
    return data


class BracketTranslator:
    """Translates by tagging the text with the target; knows no Armenian (as DeepL)."""

    name = "bracket"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, str]] = []

    def translate(self, text: str, *, target: str, source: str | None = None) -> MachineTranslation:
        self.calls.append((text, source, target))
        if target == "hy":
            raise TranslationUnavailable("no Armenian", reason="unsupported")
        return MachineTranslation(f"[{target}] {text}", source or "en", target, self.name)


def test_every_school_text_is_found_with_its_path() -> None:
    data = yaml.safe_load(DEMO_SCHOOL.read_text(encoding="utf-8"))
    paths = [slot.path for slot in slots(data)]
    assert paths == [
        "parent_center.where",
        "principal.how",
        "teachers.how",
        "ucp_form",
        "faq.0.question",
        "faq.1.question",
        "faq.2.question",
        "faq.0.answer",
        "faq.1.answer",
        "faq.2.answer",
    ]
    for slot in slots(data):
        assert set(slot.texts) == set(data["languages"]), slot.path


def test_missing_languages_are_weighted_by_the_families_who_speak_them() -> None:
    data = lincoln()
    del data["teachers"]["how"]["es"]
    found = {text.path: text for text in coverage(data, SHARES, "en")}
    assert found["teachers.how"].missing == ("es", "ar")
    assert round(found["teachers.how"].missing_share, 2) == 0.45
    assert found["principal.how"].missing == ("ar",)
    assert refusals(list(found.values()), SHARES) == [
        "teachers.how: no text for es (40%), spoken by 15% or more of the families (Education Code 48985)"
    ]
    # At a 50% mark (a district's own rule) nothing is required.
    assert refusals(list(found.values()), SHARES, threshold=0.5) == []


def test_a_draft_reaches_parents_only_when_the_school_allows_it() -> None:
    data = lincoln()
    data["principal"]["how"]["ar"] = draft("اتصلوا بالمكتب لتحديد موعد.", "deepl")
    hidden = parse_school(data, Path("x.yaml"))
    assert pick(hidden.principal.how, "ar", "en") == "Call the office to set up a meeting."
    assert hidden.machine_translated == {"principal.how.ar": "deepl"}
    assert data["principal"]["how"]["ar"]["machine"] == "deepl"  # the caller's data is left as it was

    shown = parse_school({**data, "show_machine_translations": True}, Path("x.yaml"))
    assert pick(shown.principal.how, "ar", "en") == "اتصلوا بالمكتب لتحديد موعد."
    # The stored copy parses the same again: the mark survives the round trip through the database.
    again = parse_school(shown.model_dump(mode="json"), Path("<store>"))
    assert again.machine_translated == {"principal.how.ar": "deepl"}
    assert pick(again.principal.how, "ar", "en") == "اتصلوا بالمكتب لتحديد موعد."


def test_the_report_counts_the_share_of_texts_a_person_reviewed() -> None:
    data = lincoln()
    data["principal"]["how"]["ar"] = draft("اتصلوا بالمكتب.", "deepl")
    data["teachers"]["how"]["ar"] = "راسلوا المعلم أو اتصلوا بالمكتب."
    facts = text_review_facts(parse_school(data, Path("x.yaml")))
    at = datetime(2026, 12, 4, tzinfo=UTC)
    rows = tuple(
        EvidenceRecord(fact.indicator, fact.kind, fact.value, fact.detail, locale, None, 1, at)
        for fact, locale in facts
    )
    assert sorted((row.locale, row.detail, row.value) for row in rows) == [
        ("ar", "machine", 1.0),
        ("ar", "reviewed", 1.0),
        ("es", "reviewed", 4.0),
    ]
    figure = next(spec for spec in FIGURES["5A"] if spec.key == "school_texts_reviewed_share")
    assert figure.compute(Evidence(rows)).value == 5 / 6
    arabic = Evidence(tuple(row for row in rows if row.locale == "ar"))
    assert figure.compute(arabic).value == 0.5


def test_drafts_fill_only_missing_texts_and_a_reviewer_confirms_them() -> None:
    data = lincoln()
    translator = BracketTranslator()
    made = fill_drafts(data, ["es", "ar", "hy"], translator, "en")
    assert made == ["parent_center.where.ar", "principal.how.ar", "teachers.how.ar", "ucp_form.ar"]
    assert data["teachers"]["how"]["es"] == "Escriba al maestro o llame a la oficina."  # a person's, kept
    assert data["ucp_form"]["ar"] == {
        "machine": "bracket",
        "text": "[ar] Ask the office for the Uniform Complaint form.",
    }
    assert "hy" not in data["ucp_form"]  # the provider could not: nothing is invented

    drafts = pending(data, "en")
    assert (drafts[0].slot.path, drafts[0].locale, drafts[0].source) == (
        "parent_center.where",
        "ar",
        "Room 104, by the gym",
    )
    confirm(drafts[0], "الغرفة 104، بجوار صالة الألعاب الرياضية")
    confirm(drafts[1])
    assert data["parent_center"]["where"]["ar"] == "الغرفة 104، بجوار صالة الألعاب الرياضية"
    assert data["principal"]["how"]["ar"] == "[ar] Call the office to set up a meeting."
    assert len(pending(data, "en")) == 2


def test_a_csv_goes_to_a_translator_and_back() -> None:
    data = lincoln()
    fill_drafts(data, ["ar"], BracketTranslator(), "en")
    sheet = export_csv(data, "en", ["es", "ar", "ko"])
    lines = sheet.splitlines()
    assert lines[0] == "path,locale,status,source,text"
    assert "ucp_form,ko,missing,Ask the office for the Uniform Complaint form.," in lines
    form = "Ask the office for the Uniform Complaint form."
    assert f"ucp_form,ar,machine,{form},[ar] {form}" in lines
    edited = sheet.replace(
        "ucp_form,ko,missing,Ask the office for the Uniform Complaint form.,",
        f"ucp_form,ko,reviewed,{form},사무실에 통일 민원 양식을 요청하세요.",
    ).replace("[ar] Call the office to set up a meeting.", "اتصلوا بالمكتب لتحديد موعد.")
    changed = import_csv(data, edited)
    assert changed == ["ucp_form.ko"]  # the Arabic row still says `machine`: it stays a draft
    assert data["ucp_form"]["ko"] == "사무실에 통일 민원 양식을 요청하세요."
    assert data["principal"]["how"]["ar"]["machine"] == "bracket"


def test_event_drafts_wait_for_review_too() -> None:
    data = {
        "events": [
            {
                "key": "night",
                "title": {"en": "Family night", "ko": draft("[ko] Family night", "deepl")},
                "starts": "2026-12-10 18:00",
            }
        ]
    }
    (spec,) = parse_events(data, Path("e.yaml"), zone=ZoneInfo("America/Los_Angeles"), default_locale="en")
    assert spec.titles == {"en": "Family night"}
    assert coverage(data, {"en": 0.8, "ko": 0.2}, "en")[0].drafts == ("ko",)
