from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.services.school_data import SchoolData, SchoolFileError, load_school_file, parse_school, pick

DEMO = PROJECT_ROOT / "schools" / "demo.yaml"


def demo_data() -> dict[str, Any]:
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def errors_of(data: object, tmp_path: Path) -> list[str]:
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SchoolFileError) as caught:
        load_school_file(path)
    assert caught.value.path == path
    return caught.value.errors


def test_demo_school_loads() -> None:
    school = load_school_file(DEMO)
    assert isinstance(school, SchoolData)
    assert (school.slug, school.name, school.timezone) == (
        "rosewood-elementary",
        "Rosewood Elementary",
        "America/Los_Angeles",
    )
    assert school.program == "Rosewood Family Texts"
    assert [(h.first_day, h.last_day, h.open, h.close) for h in school.office_hours] == [
        ("mon", "fri", time(7, 30), time(16, 0))
    ]
    assert [entry.id for entry in school.faq] == ["lunch", "start-time", "absence"]
    assert school.parent_center.where["es"] == "Salón 12, junto a la biblioteca"


def test_program_defaults_to_school_name() -> None:
    data = demo_data()
    del data["program_name"]
    assert parse_school(data, DEMO).program == "Rosewood Elementary Family Texts"


def test_single_day_and_case_are_normalized() -> None:
    data = demo_data()
    data["office_hours"] = [{"days": " SAT ", "open": "09:00", "close": "12:00"}]
    hours = parse_school(data, DEMO).office_hours[0]
    assert (hours.days, hours.first_day, hours.last_day) == ("sat-sat", "sat", "sat")


def test_several_errors_are_listed_with_their_paths(tmp_path: Path) -> None:
    data = demo_data()
    data["phone"] = "555"
    data["timezone"] = "Mars/Olympus_Mons"
    data["office_hours"] = [
        {"days": "mon-fri", "open": "16:00", "close": "07:30"},
        {"days": "fri-mon", "open": "08:00", "close": "09:00"},
    ]
    data["faq"][1]["answer"] = {"es": "Solo en español."}
    errors = errors_of(data, tmp_path)
    assert len(errors) == 5, errors
    assert "phone: not a valid phone number" in errors
    assert "timezone: unknown time zone 'Mars/Olympus_Mons'" in errors
    assert any(e.startswith("office_hours.0") and e.endswith(": close must be after open") for e in errors)
    assert "office_hours.1.days: the range must run forward, e.g. mon-fri" in errors
    (faq_error,) = [error for error in errors if "default locale" in error]
    assert faq_error.startswith("faq")
    assert "1.answer" in faq_error
    assert "0.answer" not in faq_error
    assert "'en'" in faq_error


def test_missing_default_locale_text_is_listed_alone(tmp_path: Path) -> None:
    data = demo_data()
    data["default_locale"] = "es"
    data["principal"]["how"] = {"en": "Call the office."}
    errors = errors_of(data, tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith("principal")
    assert "how" in errors[0]
    assert "'es'" in errors[0]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"languages": {"en": 1.5}}, "languages"),
        ({"office_hours": [{"days": "weekdays", "open": "08:00", "close": "09:00"}]}, "office_hours.0.days"),
        ({"office_hours": [{"days": "mon", "open": "25:00", "close": "09:00"}]}, "office_hours.0.open"),
        ({"surprise": "field"}, "surprise"),
        ({"name": None}, "name"),
    ],
)
def test_each_error_names_its_path(change: dict[str, Any], path: str, tmp_path: Path) -> None:
    data = {**demo_data(), **change}
    errors = errors_of(data, tmp_path)
    assert [error.split(": ")[0] for error in errors] == [path]


def test_missing_required_fields_are_each_listed(tmp_path: Path) -> None:
    data = demo_data()
    del data["phone"]
    del data["principal"]["name"]
    assert errors_of(data, tmp_path) == ["phone: Field required", "principal.name: Field required"]


def test_invalid_yaml_gives_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_text("name: [unclosed\nphone: 1\n", encoding="utf-8")
    with pytest.raises(SchoolFileError) as caught:
        load_school_file(path)
    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith("not valid YAML: ")
    assert str(caught.value).startswith(f"{path}: not valid YAML")


@pytest.mark.parametrize("content", ["- a\n- b\n", "just a string\n", "", "42\n"])
def test_non_mapping_file_gives_one_clear_error(content: str, tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SchoolFileError) as caught:
        load_school_file(path)
    assert caught.value.errors == ["the file must be a mapping of fields (name: ..., phone: ...)"]


def test_missing_file_gives_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SchoolFileError) as caught:
        load_school_file(tmp_path / "nope.yaml")
    assert caught.value.errors == ["cannot read: No such file or directory"]


TEXTS = {"en": "Hi", "es": "Hola", "zh": "你好", "fr": ""}


@pytest.mark.parametrize(
    ("texts", "locale", "default", "expected"),
    [
        (TEXTS, "es", "en", "Hola"),
        (TEXTS, "es_MX", "en", "Hola"),
        (TEXTS, "zh_Hans", "en", "你好"),
        (TEXTS, "ko", "es", "Hola"),
        (TEXTS, "ko", "en", "Hi"),
        (TEXTS, "fr", "es", "Hola"),
        ({"en": "Hi", "fr": "Salut"}, "ko", "es", "Hi"),
        ({"fr": "Salut", "de": "Hallo"}, "ko", "es", "Salut"),
        ({}, "ko", "es", ""),
    ],
)
def test_pick_falls_back_locale_base_default_english(
    texts: dict[str, str], locale: str, default: str, expected: str
) -> None:
    assert pick(texts, locale, default) == expected


def test_faq_answer_without_any_text_is_an_error(tmp_path: Path) -> None:
    data = demo_data()
    data["faq"][0]["answer"] = {}
    errors = errors_of(data, tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith("faq")
    assert "0.answer" in errors[0]
