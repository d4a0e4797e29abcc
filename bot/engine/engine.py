"""The pure flow engine: (flows, state, input) -> (new state, texts to say, action to run).

It performs no I/O. When a step names an action, the engine stops and returns an `ActionCall`;
the caller runs it and hands the `ActionResult` back through `resume`. State is plain JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.schema import END, FLOW_TARGET_PREFIX, Flow, Step

MAX_STEPS_PER_TURN = 25
PAGE_FROM, PAGE_TO = "page_from", "page_to"  # the options of a long list the parent sees now
# Where the part of a long `fit` value the parent sees starts and ends (MORE goes on from the end).
FIT_FROM, FIT_TO, FIT_NEXT = "fit_from", "fit_to", "fit_next"
_BETWEEN_PARTS = " \t\n,;:，、；"
NUMBER_REPLY = re.compile(r"^\s*#?\s*(\d{1,3})\s*[.)]?\s*$")


@dataclass(frozen=True)
class Text:
    """An untranslated text: its English source, catalog context, values, and numbered options."""

    msgid: str
    context: str
    values: Mapping[str, Any] = field(default_factory=dict)
    options: tuple[Text | str, ...] = ()
    budget: int = 3
    first: int = 1  # the number of the first option: a later page of a list goes on counting
    paged: bool = False  # a list that may be shown a page at a time (the caller fits it to the budget)
    fit: str | None = None  # a value that may be shortened to fit the budget
    fit_from: int = 0  # where in that value the text starts (a later part of it after MORE)
    more: bool = False  # MORE at this step shows the rest (so a shortened value says so)


@dataclass(frozen=True)
class Option:
    """A choice an action offers: a label already in the parent's language and the value it stands for."""

    label: str
    value: str


@dataclass(frozen=True)
class ActionCall:
    """An action the caller must run before the engine can go on."""

    name: str
    flow: str
    step: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class ActionResult:
    """What an action produced: an outcome that may pick a text or branch, values, and options."""

    outcome: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    clear: tuple[str, ...] = ()  # values to forget once used (private text must not linger in sessions)
    goto: str | None = None  # where to go after saying, instead of the step's `next`


@dataclass(frozen=True)
class Result:
    """The engine's answer: the new state, texts to say, and maybe an action to run next."""

    state: dict[str, Any]
    texts: list[Text]
    action: ActionCall | None = None
    handled: bool = True


class FlowError(Exception):
    """A flow refers to something that does not exist (caught by `outreach flows validate`)."""


def idle_state(values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The state of a conversation that is in no flow."""
    return {"flow": None, "step": None, "phase": None, "values": dict(values or {}), "options": []}


def is_waiting(state: Mapping[str, Any]) -> bool:
    """True when the conversation waits for the parent's choice or text."""
    return state.get("phase") == "waiting" and state.get("flow") is not None


def start(
    flows: Mapping[str, Flow],
    state: Mapping[str, Any],
    flow_id: str,
    step: str | None = None,
    *,
    prefill: Mapping[str, str] | None = None,
) -> Result:
    """Begin a flow (at its start step or a named one), keeping the remembered values.

    `prefill` answers the steps whose `slot` it names, once each, when the flow reaches them.
    """
    flow = _flow(flows, flow_id)
    new = idle_state(state.get("values"))
    if prefill:
        new["prefill"] = {name: str(value) for name, value in prefill.items()}
    return _run(flows, new, [], flow.id, step or flow.start)


def slots(flow: Flow) -> dict[str, str]:
    """The slots a flow names: slot -> the id of the step that asks for it."""
    return {step.slot: step_id for step_id, step in flow.steps.items() if step.slot is not None}


def receive(flows: Mapping[str, Flow], state: Mapping[str, Any], text: str) -> Result:
    """Apply the parent's text to the step that waits for it; `handled` is False when it does not fit."""
    if not is_waiting(state):
        return Result(dict(state), [], handled=False)
    flow = _flow(flows, state["flow"])
    step = _step(flow, state["step"])
    new = _copy(state)
    if step.input is not None:
        new["values"][step.input.store] = text.strip()[: step.input.max_length]
        return _goto(flows, new, [], flow, step.input.next)
    number = _chosen_number(text)
    if number is None:
        return Result(dict(state), [], handled=False)
    if step.choices == "from_action":
        options = state.get("options") or []
        if not 1 <= number <= len(options):
            return Result(dict(state), [], handled=False)
        new["values"]["choice"] = options[number - 1]
        return _goto(flows, new, [], flow, _next_of(step, state))
    if isinstance(step.choices, list) and 1 <= number <= len(step.choices):
        choice = step.choices[number - 1]
        new["values"].update(choice.set)
        return _goto(flows, new, [], flow, choice.next)
    return Result(dict(state), [], handled=False)


def resume(flows: Mapping[str, Flow], state: Mapping[str, Any], result: ActionResult) -> Result:
    """Go on after the caller ran the action the engine asked for."""
    if state.get("phase") != "action":
        raise FlowError("resume called while no action is pending")
    flow = _flow(flows, state["flow"])
    step = _step(flow, state["step"])
    new = _copy(state)
    new["values"].update(result.values)
    for name in result.clear:
        new["values"].pop(name, None)
    new["outcome"] = result.outcome
    new["goto"] = result.goto
    new["options"] = [option.value for option in result.options]
    labels = tuple(option.label for option in result.options)
    return _after_action(flows, new, [], flow, state["step"], step, labels)


def more(flows: Mapping[str, Flow], state: Mapping[str, Any]) -> Result:
    """Go to the next part of a long text (MORE); `handled` is False when the step has none."""
    if not is_waiting(state):
        return Result(dict(state), [], handled=False)
    flow = _flow(flows, state["flow"])
    step = _step(flow, state["step"])
    if step.choices == "from_action":
        return _next_page(flow, state)
    if step.fit is not None:
        return _rest_of_value(flows, flow, step, state)
    if step.more is None:
        return Result(dict(state), [], handled=False)
    return _goto(flows, _copy(state), [], flow, step.more)


def shown(
    state: Mapping[str, Any], *, options: int | None = None, value: int | None = None
) -> dict[str, Any]:
    """The state once the parent saw the options up to `options` and the `fit` value up to `value`
    (both exclusive, None: all of it): MORE goes on from there."""
    new = dict(state)
    if options is not None:
        new[PAGE_TO] = options
    if value is not None:
        new[FIT_TO] = value
    return new


def _rest_of_value(flows: Mapping[str, Flow], flow: Flow, step: Step, state: Mapping[str, Any]) -> Result:
    """MORE after a shortened value: the step `more` names, starting where the parent stopped reading."""
    upto = state.get(FIT_TO)
    if not upto or step.more is None:
        return Result(dict(state), [], handled=False)
    new = _copy(state)
    new.pop(FIT_TO, None)
    new[FIT_NEXT] = upto
    return _goto(flows, new, [], flow, step.more)


def _next_page(flow: Flow, state: Mapping[str, Any]) -> Result:
    """The next page of a long list; after the last one, the first again. Not handled for a short list."""
    labels = tuple(state.get("option_labels") or ())
    upto = state.get(PAGE_TO)
    if upto is None or (upto >= len(labels) and not state.get(PAGE_FROM)):
        return Result(dict(state), [], handled=False)
    new = _copy(state)
    new[PAGE_FROM] = upto if upto < len(labels) else 0
    new.pop(PAGE_TO, None)
    said = _say(flow, new["step"], _step(flow, new["step"]), new, labels)
    return Result(new, [said] if said is not None else [])


def is_number(text: str) -> bool:
    """True when the text is a bare choice number such as '2' or '2.'."""
    return _chosen_number(text) is not None


def current_prompt(flows: Mapping[str, Flow], state: Mapping[str, Any]) -> Text | None:
    """The text of the step now waiting, to say again when the parent's answer did not fit."""
    if not is_waiting(state):
        return None
    flow = _flow(flows, state["flow"])
    step = _step(flow, state["step"])
    labels = tuple(state.get("option_labels") or ())
    return _say(flow, state["step"], step, state, labels)


# Internals -------------------------------------------------------------------


def _run(
    flows: Mapping[str, Flow], state: dict[str, Any], texts: list[Text], flow_id: str, step_id: str
) -> Result:
    flow = _flow(flows, flow_id)
    step = _step(flow, step_id)
    state.update(
        flow=flow.id, step=step_id, phase=None, options=[], outcome=None, option_labels=[], goto=None
    )
    carried = state.pop(FIT_NEXT, None)
    for key in (PAGE_FROM, PAGE_TO, FIT_FROM, FIT_TO):
        state.pop(key, None)
    if carried:
        state[FIT_FROM] = carried
    if step.action:
        state["phase"] = "action"
        return Result(state, texts, ActionCall(step.action, flow.id, step_id, dict(state["values"])))
    return _after_action(flows, state, texts, flow, step_id, step, ())


def _after_action(
    flows: Mapping[str, Flow],
    state: dict[str, Any],
    texts: list[Text],
    flow: Flow,
    step_id: str,
    step: Step,
    labels: tuple[str, ...],
) -> Result:
    filled = _filled(flows, state, texts, flow, step)
    if filled is not None:
        return filled
    state["option_labels"] = list(labels)
    said = _say(flow, step_id, step, state, labels)
    if said is not None:
        texts = [*texts, said]
    if step.choices == "from_action" and not labels:
        return Result(_clean(idle_state(state["values"])), texts)  # nothing to choose from
    if step.choices is not None or step.input is not None or step.more is not None:
        state["phase"] = "waiting"
        return Result(state, texts)
    return _goto(flows, state, texts, flow, state.pop("goto", None) or _next_of(step, state))


def _goto(
    flows: Mapping[str, Flow], state: dict[str, Any], texts: list[Text], flow: Flow, target: str | None
) -> Result:
    depth = state.setdefault("_depth", 0) + 1
    state["_depth"] = depth
    if depth > MAX_STEPS_PER_TURN:
        raise FlowError(f"more than {MAX_STEPS_PER_TURN} steps in one turn (a loop?) in {flow.id}")
    if target is None or target == END:
        return Result(_clean(idle_state(state["values"])), texts)
    if target.startswith(FLOW_TARGET_PREFIX):
        flow_id, _, step_id = target[len(FLOW_TARGET_PREFIX) :].partition(".")
        next_flow = _flow(flows, flow_id)
        return _run_clean(flows, state, texts, next_flow.id, step_id or next_flow.start)
    return _run_clean(flows, state, texts, flow.id, target)


def _run_clean(
    flows: Mapping[str, Flow], state: dict[str, Any], texts: list[Text], flow_id: str, step_id: str
) -> Result:
    result = _run(flows, state, texts, flow_id, step_id)
    return Result(_clean(result.state), result.texts, result.action, result.handled)


def _clean(state: dict[str, Any]) -> dict[str, Any]:
    state.pop("_depth", None)
    return state


def _say(
    flow: Flow, step_id: str, step: Step, state: Mapping[str, Any], labels: tuple[str, ...]
) -> Text | None:
    first = int(state.get(PAGE_FROM) or 0)
    options: tuple[Text | str, ...] = labels[first:]
    if isinstance(step.choices, list):
        options = tuple(Text(c.label, f"{flow.id}.{step_id}.choice") for c in step.choices)
    msgid, context = "", ""
    if isinstance(step.say, str):
        msgid, context = step.say, f"{flow.id}.{step_id}"
    elif step.say is not None:
        outcome = state.get("outcome") or "default"
        key = outcome if outcome in step.say else "default"
        msgid = step.say.get(key) or ""
        context = f"{flow.id}.{step_id}.{key}" if msgid else ""
    if not msgid and not options:
        return None
    values = dict(state["values"]) if msgid else {}
    fit_from = int(state.get(FIT_FROM) or 0)
    if step.fit is not None and fit_from and step.fit in values:
        whole = str(values[step.fit])
        rest = whole[fit_from:].lstrip(_BETWEEN_PARTS)  # the next part starts at a word, not ", and"
        fit_from = len(whole) - len(rest)
        values[step.fit] = rest
    return Text(
        msgid,
        context,
        values,
        options,
        budget=step.budget,
        first=first + 1,
        paged=step.choices == "from_action",
        fit=step.fit,
        fit_from=fit_from,
        more=step.more is not None,
    )


def _filled(
    flows: Mapping[str, Flow], state: dict[str, Any], texts: list[Text], flow: Flow, step: Step
) -> Result | None:
    """Answer a step with the value the parent already gave for its slot, if there is one."""
    prefill = dict(state.get("prefill") or {})
    if step.slot is None or step.slot not in prefill:
        return None
    value = prefill.pop(step.slot)
    state["prefill"] = prefill
    if not prefill:
        state.pop("prefill")
    if isinstance(step.choices, list):
        choice = next((c for c in step.choices if c.set.get(step.slot) == value), None)
        if choice is None:
            return None
        state["values"].update(choice.set)
        return _goto(flows, state, texts, flow, step.filled or choice.next)
    if step.input is not None:
        state["values"][step.input.store] = value.strip()[: step.input.max_length]
        return _goto(flows, state, texts, flow, step.filled or step.input.next)
    return None


def _next_of(step: Step, state: Mapping[str, Any]) -> str | None:
    if isinstance(step.next, dict):
        outcome = state.get("outcome") or "default"
        return step.next.get(outcome, step.next.get("default"))
    return step.next


def _chosen_number(text: str) -> int | None:
    match = NUMBER_REPLY.match(text)
    return int(match.group(1)) if match else None


def _copy(state: Mapping[str, Any]) -> dict[str, Any]:
    new = dict(state)
    new["values"] = dict(state.get("values") or {})
    return new


def _flow(flows: Mapping[str, Flow], flow_id: str) -> Flow:
    try:
        return flows[flow_id]
    except KeyError:
        raise FlowError(f"unknown flow {flow_id!r}") from None


def _step(flow: Flow, step_id: str) -> Step:
    try:
        return flow.steps[step_id]
    except KeyError:
        raise FlowError(f"unknown step {step_id!r} in flow {flow.id!r}") from None
