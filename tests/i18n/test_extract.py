from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from bot import PROJECT_ROOT
from bot.app import FLOWS_DIR
from bot.engine.loader import load_flow_set

METHOD_MAP = [("flows/*.yaml", "outreach_flows")]


def extracted() -> list[tuple[str, int, str, list[str], str | None]]:
    return list(extract_from_dir(str(PROJECT_ROOT), method_map=METHOD_MAP))


def main_flow_texts() -> set[tuple[str, str]]:
    flow = load_flow_set(FLOWS_DIR).flows["main"]
    found: set[tuple[str, str]] = set()
    for step_id, step in flow.steps.items():
        if isinstance(step.say, str):
            found.add((f"main.{step_id}", step.say))
        elif isinstance(step.say, dict):
            found.update((f"main.{step_id}.{key}", text) for key, text in step.say.items())
        if isinstance(step.choices, list):
            found.update((f"main.{step_id}.choice", choice.label) for choice in step.choices)
    return found


def test_extract_from_dir_gives_flow_and_system_contexts() -> None:
    contexts = {context for *_, context in extracted()}
    assert {"main.menu", "main.menu.choice", "main.hours", "language.pick", "system.help"} <= contexts
    assert {"system.stopped", "system.welcome", "system.error"} <= contexts
    assert None not in contexts


def test_every_main_flow_text_is_extracted() -> None:
    pairs = {(context, message) for _, _, message, _, context in extracted()}
    expected = main_flow_texts()
    assert len(expected) == 17  # the menu prompt, its ten choices and the six answers
    assert expected <= pairs


def test_extracted_messages_point_at_their_yaml_lines() -> None:
    rows = {(context, message): (filename, lineno) for filename, lineno, message, _, context in extracted()}
    filename, lineno = rows[("main.menu", "How can we help? Reply with a number:")]
    assert filename == "flows/main.yaml"
    line = (FLOWS_DIR / "main.yaml").read_text(encoding="utf-8").splitlines()[lineno - 1]
    assert "How can we help?" in line


def test_extracted_comments_carry_budget_and_note() -> None:
    rows = {context: comments for _, _, _, comments, context in extracted()}
    assert rows["system.welcome"][0] == "budget: 1 SMS segment(s)"
    assert rows["system.welcome"][1].startswith("Sent with the language menu")
    assert rows["system.welcome_back"] == ["budget: 1 SMS segment(s)"]


def test_extract_from_file_with_the_registered_method_name() -> None:
    rows = list(extract_from_file("outreach_flows", str(FLOWS_DIR / "system.yaml")))
    by_context = {context: message for _, message, _, context in rows}
    assert by_context["system.stopped"] == (
        "You will not get more texts from {school}. Reply START to get them again."
    )
    assert len(by_context) == len(load_flow_set(FLOWS_DIR).messages.messages)


def test_multiline_say_keeps_its_newlines() -> None:
    rows = {context: message for _, _, message, _, context in extracted()}
    assert rows["main.hours"] == "The office is open {hours}.\nPhone: {phone}\nReply MENU for more."


@pytest.mark.slow
def test_pybabel_extract_with_babel_cfg_writes_system_contexts(tmp_path: Path) -> None:
    pybabel = Path(sys.executable).parent / "pybabel"
    output = tmp_path / "messages.pot"
    completed = subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "--no-wrap", "-o", str(output), "."],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    content = output.read_text(encoding="utf-8")
    assert 'msgctxt "system.stopped"' in content
    assert 'msgctxt "main.menu.choice"' in content
    with output.open("rb") as handle:
        template = read_po(handle)
    assert template.get("School events", context="main.menu.choice") is not None
    assert template.get("How can we help? Reply with a number:", context="main.menu") is not None
