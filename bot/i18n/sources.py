"""The translatable texts in flow and message YAML, with their catalog context and segment budget."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.yaml_files import SafeLoader

DEFAULT_BUDGET = 3


@dataclass(frozen=True)
class SourceText:
    """One English source string as it appears in a YAML file."""

    context: str
    msgid: str
    budget: int
    lineno: int
    comment: str = ""
    options: tuple[tuple[str, str], ...] = field(
        default=()
    )  # (context, msgid) of numbered labels said with it


def _value(node: yaml.Node | None) -> object:
    return None if node is None else node.value


def _get(mapping: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if key_node.value == key:
            return value_node
    return None


def _items(mapping: yaml.Node | None) -> Iterator[tuple[str, yaml.Node]]:
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            yield str(key_node.value), value_node


def texts_in_yaml(content: str) -> list[SourceText]:
    """Every translatable text in a flow or system-message YAML document."""
    root = yaml.compose(content, Loader=SafeLoader)
    if root is None:
        return []
    messages = _get(root, "messages")
    if messages is not None:
        prefix = str(_value(_get(root, "prefix")) or "system")
        return list(_message_texts(prefix, messages))
    flow_id = str(_value(_get(root, "id")) or "")
    return list(_flow_texts(flow_id, _get(root, "steps")))


def texts_in_file(path: Path) -> list[SourceText]:
    """Every translatable text in a YAML file."""
    return texts_in_yaml(path.read_text(encoding="utf-8"))


def _message_texts(prefix: str, messages: yaml.Node) -> Iterator[SourceText]:
    for message_id, node in _items(messages):
        text = _get(node, "text")
        if text is None:
            continue
        budget = int(str(_value(_get(node, "budget")) or DEFAULT_BUDGET))
        note = str(_value(_get(node, "note")) or "")
        yield SourceText(f"{prefix}.{message_id}", str(text.value), budget, text.start_mark.line + 1, note)


def _flow_texts(flow_id: str, steps: yaml.Node | None) -> Iterator[SourceText]:
    for step_id, step in _items(steps):
        where = f"{flow_id}.{step_id}"
        budget = int(str(_value(_get(step, "budget")) or DEFAULT_BUDGET))
        labels: list[tuple[str, str]] = []
        choices = _get(step, "choices")
        if isinstance(choices, yaml.SequenceNode):
            for choice in choices.value:
                label = _get(choice, "label")
                if label is not None:
                    labels.append((f"{where}.choice", str(label.value)))
                    yield SourceText(
                        f"{where}.choice",
                        str(label.value),
                        budget,
                        label.start_mark.line + 1,
                        "a numbered choice label",
                    )
        say = _get(step, "say")
        if isinstance(say, yaml.ScalarNode):
            yield SourceText(where, str(say.value), budget, say.start_mark.line + 1, "", tuple(labels))
        elif isinstance(say, yaml.MappingNode):
            for outcome, node in _items(say):
                yield SourceText(
                    f"{where}.{outcome}",
                    str(node.value),
                    budget,
                    node.start_mark.line + 1,
                    f"said when the outcome is {outcome}",
                    tuple(labels),
                )


def source_texts(flows_dir: Path) -> list[SourceText]:
    """Every translatable text of every YAML file in the flows folder."""
    found: list[SourceText] = []
    for path in sorted(flows_dir.glob("*.yaml")):
        found.extend(texts_in_file(path))
    return found
