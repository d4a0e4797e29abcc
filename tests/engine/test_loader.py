from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import FLOWS_DIR, build_actions
from bot.engine.loader import FlowFileError, FlowSet, load_flow_set, problems
from bot.engine.schema import Flow, MessageSet

NO_MESSAGES = MessageSet(spec_version=1, messages={})


def flow_set(*specs: dict[str, Any]) -> FlowSet:
    flows = [Flow.model_validate({"spec_version": 1, **spec}) for spec in specs]
    return FlowSet({flow.id: flow for flow in flows}, NO_MESSAGES)


def write(directory: Path, name: str, data: object) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def write_system(directory: Path) -> None:
    write(directory, "system.yaml", {"spec_version": 1, "messages": {}})


def test_real_flows_load_with_their_messages() -> None:
    loaded = load_flow_set(FLOWS_DIR)
    assert sorted(loaded.flows) == [
        "clarify",
        "concern",
        "concern_status",
        "concern_survey",
        "concern_thread",
        "events",
        "language",
        "main",
        "pulse",
        "rights",
        "volunteer",
    ]
    assert sorted(loaded.message_sets) == [
        "answer",
        "concern",
        "event",
        "rights_topic",
        "staff",
        "system",
        "teaching",
        "thread",
        "volunteer",
    ]
    assert loaded.flows["main"].start == "menu"
    assert {"welcome", "help", "stopped", "started", "error"} <= set(loaded.messages.messages)


def test_real_flows_have_no_problems_with_real_actions() -> None:
    assert problems(load_flow_set(FLOWS_DIR), build_actions().names()) == []


def test_real_flows_without_actions_report_each_action() -> None:
    found = problems(load_flow_set(FLOWS_DIR), [])
    assert "main.faq: unknown action 'school.faq_topics'" in found
    assert "language.pick: unknown action 'language.options'" in found
    flows = load_flow_set(FLOWS_DIR).flows
    with_actions = {
        f"{flow.id}.{step_id}: unknown action {step.action!r}"
        for flow in flows.values()
        for step_id, step in flow.steps.items()
        if step.action
    }
    assert set(found) == with_actions  # every step that names an action, and nothing else


def test_clean_flow_has_no_problems() -> None:
    clean = flow_set(
        {
            "id": "t",
            "start": "a",
            "steps": {
                "a": {
                    "say": "Pick",
                    "choices": [{"label": "B", "next": "b"}, {"label": "Out", "next": "end"}],
                },
                "b": {"action": "x.do", "say": {"default": "Done", "no": "Nope"}, "next": {"default": "end"}},
            },
        }
    )
    assert problems(clean, ["x.do"]) == []


def test_unknown_step_target_is_reported() -> None:
    found = problems(
        flow_set({"id": "t", "start": "a", "steps": {"a": {"say": "Hi", "next": "nowhere"}}}), []
    )
    assert found == ["t.a: unknown step 'nowhere'"]


def test_unknown_targets_in_choices_input_and_outcomes_are_reported() -> None:
    found = problems(
        flow_set(
            {
                "id": "t",
                "start": "a",
                "steps": {
                    "a": {
                        "say": "Hi",
                        "choices": [{"label": "X", "next": "ghost1"}, {"label": "Y", "next": "b"}],
                    },
                    "b": {"say": "Name?", "input": {"store": "n", "next": "ghost2"}},
                    "c": {"action": "x.do", "next": {"default": "ghost3"}},
                },
            }
        ),
        ["x.do"],
    )
    assert "t.a: unknown step 'ghost1'" in found
    assert "t.b: unknown step 'ghost2'" in found
    assert "t.c: unknown step 'ghost3'" in found


def test_unknown_action_is_reported() -> None:
    found = problems(
        flow_set({"id": "t", "start": "a", "steps": {"a": {"action": "no.such", "say": "Hi"}}}), ["x.do"]
    )
    assert found == ["t.a: unknown action 'no.such'"]


def test_unknown_flow_target_is_reported() -> None:
    found = problems(
        flow_set({"id": "t", "start": "a", "steps": {"a": {"say": "Hi", "next": "flow:ghost"}}}), []
    )
    assert found == ["t.a: unknown flow 'ghost'"]


def test_unknown_step_in_other_flow_is_reported() -> None:
    found = problems(
        flow_set(
            {"id": "t", "start": "a", "steps": {"a": {"say": "Hi", "next": "flow:u.nope"}}},
            {"id": "u", "start": "b", "steps": {"b": {"say": "There"}}},
        ),
        [],
    )
    assert found == ["t.a: unknown step 'nope' in flow 'u'"]


def test_unreachable_step_is_reported() -> None:
    found = problems(
        flow_set({"id": "t", "start": "a", "steps": {"a": {"say": "Hi"}, "orphan": {"say": "Lost"}}}), []
    )
    assert found == ["t.orphan: unreachable from 'a'"]


def test_step_entered_from_another_flow_is_not_unreachable() -> None:
    found = problems(
        flow_set(
            {"id": "t", "start": "a", "steps": {"a": {"say": "Hi", "next": "flow:u.side"}}},
            {"id": "u", "start": "b", "steps": {"b": {"say": "B"}, "side": {"say": "Side door"}}},
        ),
        [],
    )
    assert found == []


def test_missing_start_step_is_reported() -> None:
    found = problems(flow_set({"id": "t", "start": "zero", "steps": {"a": {"say": "Hi"}}}), [])
    assert "t: start step 'zero' does not exist" in found


def test_choices_without_say_text_are_reported() -> None:
    found = problems(
        flow_set({"id": "t", "start": "a", "steps": {"a": {"choices": [{"label": "Go", "next": "end"}]}}}), []
    )
    assert found == ["t.a: offers choices but says nothing"]


def test_empty_texts_and_labels_are_reported() -> None:
    found = problems(
        flow_set(
            {
                "id": "t",
                "start": "a",
                "steps": {
                    "a": {"say": "Pick", "choices": [{"label": "", "next": "b"}]},
                    "b": {"action": "x.do", "say": {"default": "Ok", "bad": "  "}, "next": "c"},
                    "c": {"say": " "},
                },
            }
        ),
        ["x.do"],
    )
    assert found == [
        "t.a: choice 1 has an empty label",
        "t.b: empty text for outcome 'bad'",
        "t.c: empty text",
    ]


def test_schema_error_names_file_and_field_path(tmp_path: Path) -> None:
    write_system(tmp_path)
    write(
        tmp_path,
        "broken.yaml",
        {
            "spec_version": 1,
            "id": "broken",
            "start": "a",
            "steps": {"a": {"say": "Hi", "choices": [{"label": "X"}]}},
        },
    )
    with pytest.raises(FlowFileError) as caught:
        load_flow_set(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'broken.yaml'}:")
    assert re.search(r"^  steps\.a\.choices\.(list\[Choice\]\.)?0\.next: Field required$", message, re.M)


def test_schema_error_for_a_misspelled_key(tmp_path: Path) -> None:
    write_system(tmp_path)
    write(
        tmp_path, "typo.yaml", {"spec_version": 1, "id": "typo", "start": "a", "steps": {"a": {"sey": "Hi"}}}
    )
    with pytest.raises(FlowFileError) as caught:
        load_flow_set(tmp_path)
    assert "typo.yaml" in str(caught.value)
    assert "steps.a.sey: Extra inputs are not permitted" in str(caught.value)


def test_schema_error_for_wrong_spec_version(tmp_path: Path) -> None:
    write_system(tmp_path)
    write(tmp_path, "old.yaml", {"spec_version": 2, "id": "old", "start": "a", "steps": {"a": {"say": "Hi"}}})
    with pytest.raises(FlowFileError, match=r"spec_version: Input should be 1"):
        load_flow_set(tmp_path)


def test_schema_error_in_system_messages(tmp_path: Path) -> None:
    write(tmp_path, "system.yaml", {"spec_version": 1, "messages": {"hi": {"text": "Hi", "budget": 11}}})
    with pytest.raises(FlowFileError) as caught:
        load_flow_set(tmp_path)
    assert "system.yaml" in str(caught.value)
    assert "messages.hi.budget" in str(caught.value)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    write_system(tmp_path)
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FlowFileError, match=r"bad\.yaml"):
        load_flow_set(tmp_path)


def test_duplicate_flow_id_is_reported(tmp_path: Path) -> None:
    write_system(tmp_path)
    flow = {"spec_version": 1, "id": "same", "start": "a", "steps": {"a": {"say": "Hi"}}}
    write(tmp_path, "one.yaml", flow)
    write(tmp_path, "two.yaml", flow)
    with pytest.raises(FlowFileError, match="flow id 'same' is used twice"):
        load_flow_set(tmp_path)


def test_missing_system_file_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path, "main.yaml", {"spec_version": 1, "id": "main", "start": "a", "steps": {"a": {"say": "Hi"}}}
    )
    with pytest.raises(FlowFileError) as caught:
        load_flow_set(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / "system.yaml"))
    assert "missing" in str(caught.value)


def test_valid_folder_loads(tmp_path: Path) -> None:
    write_system(tmp_path)
    write(tmp_path, "a.yaml", {"spec_version": 1, "id": "alpha", "start": "s", "steps": {"s": {"say": "Hi"}}})
    loaded = load_flow_set(tmp_path)
    assert list(loaded.flows) == ["alpha"]
    assert loaded.messages.messages == {}
