"""Load flow and message YAML files and check that they hang together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.engine.schema import END, FLOW_TARGET_PREFIX, Flow, MessageSet, Step
from bot.yaml_files import load_yaml

SYSTEM_FILE = "system.yaml"


class FlowFileError(Exception):
    """A flow or message file cannot be read or does not match the schema."""


@dataclass(frozen=True)
class FlowSet:
    """All flows by id, and every message set by its prefix (`system` is always there)."""

    flows: dict[str, Flow]
    message_sets: dict[str, MessageSet]

    @property
    def messages(self) -> MessageSet:
        """The system messages (welcome, help, opt-out confirmation, errors)."""
        return self.message_sets["system"]


def load_flow_set(directory: Path) -> FlowSet:
    """Read every `*.yaml` in the folder: files with `messages:` are message sets, the rest flows."""
    flows: dict[str, Flow] = {}
    message_sets: dict[str, MessageSet] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = _read_yaml(path)
        try:
            if isinstance(data, dict) and "messages" in data:
                message_set = MessageSet.model_validate(data)
                if message_set.prefix in message_sets:
                    raise FlowFileError(f"{path}: message prefix {message_set.prefix!r} is used twice")
                message_sets[message_set.prefix] = message_set
                continue
            flow = Flow.model_validate(data)
        except ValidationError as exc:
            raise FlowFileError(_describe(path, exc)) from None
        if flow.id in flows:
            raise FlowFileError(f"{path}: flow id {flow.id!r} is used twice")
        flows[flow.id] = flow
    if "system" not in message_sets:
        raise FlowFileError(f"{directory / SYSTEM_FILE}: missing (the system messages live there)")
    return FlowSet(flows, message_sets)


def problems(flow_set: FlowSet, action_names: Iterable[str]) -> list[str]:
    """Every unknown step, unknown flow, unknown action, unreachable step and missing text."""
    actions = set(action_names)
    found: list[str] = []
    for flow in flow_set.flows.values():
        if flow.start not in flow.steps:
            found.append(f"{flow.id}: start step {flow.start!r} does not exist")
        found.extend(
            f"{flow.id}: entry step {entry!r} does not exist"
            for entry in flow.entries
            if entry not in flow.steps
        )
        for step_id, step in flow.steps.items():
            where = f"{flow.id}.{step_id}"
            if step.action and step.action not in actions:
                found.append(f"{where}: unknown action {step.action!r}")
            for target in _targets(step):
                problem = _target_problem(flow_set.flows, flow, target)
                if problem:
                    found.append(f"{where}: {problem}")
            found.extend(f"{where}: {text}" for text in _missing_texts(step))
        reachable = _reachable(flow)
        found.extend(
            f"{flow.id}.{step_id}: unreachable from {flow.start!r}"
            for step_id in flow.steps
            if step_id not in reachable and not _entered_from_outside(flow_set.flows, flow.id, step_id)
        )
    return found


def _targets(step: Step) -> list[str]:
    targets: list[str] = []
    if isinstance(step.next, str):
        targets.append(step.next)
    elif isinstance(step.next, dict):
        targets.extend(step.next.values())
    if isinstance(step.choices, list):
        targets.extend(choice.next for choice in step.choices)
    if step.input is not None:
        targets.append(step.input.next)
    if step.more is not None:
        targets.append(step.more)
    if step.filled is not None:
        targets.append(step.filled)
    return targets


def _target_problem(flows: Mapping[str, Flow], flow: Flow, target: str) -> str | None:
    if target == END:
        return None
    if target.startswith(FLOW_TARGET_PREFIX):
        flow_id, _, step_id = target[len(FLOW_TARGET_PREFIX) :].partition(".")
        other = flows.get(flow_id)
        if other is None:
            return f"unknown flow {flow_id!r}"
        if step_id and step_id not in other.steps:
            return f"unknown step {step_id!r} in flow {flow_id!r}"
        return None
    return None if target in flow.steps else f"unknown step {target!r}"


def _missing_texts(step: Step) -> list[str]:
    missing: list[str] = []
    if step.choices is not None and not step.say:
        missing.append("offers choices but says nothing")
    if isinstance(step.choices, list):
        missing.extend(f"choice {i} has an empty label" for i, c in enumerate(step.choices, 1) if not c.label)
    if isinstance(step.say, dict):
        missing.extend(
            f"empty text for outcome {key!r}" for key, text in step.say.items() if not text.strip()
        )
    elif isinstance(step.say, str) and not step.say.strip():
        missing.append("empty text")
    return missing


def _reachable(flow: Flow) -> set[str]:
    seen: set[str] = set()
    todo = [flow.start, *flow.entries]
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in flow.steps:
            continue
        seen.add(step_id)
        todo.extend(t for t in _targets(flow.steps[step_id]) if t in flow.steps)
    return seen


def _entered_from_outside(flows: Mapping[str, Flow], flow_id: str, step_id: str) -> bool:
    wanted = f"{FLOW_TARGET_PREFIX}{flow_id}.{step_id}"
    return any(wanted in _targets(step) for flow in flows.values() for step in flow.steps.values())


def _read_yaml(path: Path) -> object:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FlowFileError(f"{path}: {exc}") from None


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}:"]
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"] if "[" not in str(part))
        lines.append(f"  {location}: {error['msg']}")
    return "\n".join(lines)
