from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import FLOWS_DIR
from bot.engine.engine import ActionResult, Option, Result, idle_state, is_waiting, receive, resume, start
from bot.engine.loader import load_flow_set
from bot.engine.schema import Flow

FLOWS: dict[str, Flow] = load_flow_set(FLOWS_DIR).flows
FLOW_IDS = sorted(FLOWS)
MAX_ACTIONS_PER_TURN = 20

options_strategy = st.lists(
    st.builds(Option, st.text(max_size=12), st.text(min_size=1, max_size=8)), max_size=4
).map(tuple)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("start"), st.sampled_from(FLOW_IDS)),
        st.tuples(st.just("receive"), st.text(max_size=20)),
        st.tuples(st.just("receive"), st.sampled_from(["1", "2", "3", "4", "5", "6", "7", "0", " 2.", "٢"])),
    ),
    max_size=25,
)


def outcomes_of(flow_id: str, step_id: str) -> list[str | None]:
    step = FLOWS[flow_id].steps[step_id]
    keys: set[str] = set()
    for branches in (step.say, step.next):
        if isinstance(branches, dict):
            keys.update(branches)
    return [None, *sorted(keys)]


def check_state(result: Result) -> None:
    state = result.state
    assert json.loads(json.dumps(state)) == state
    assert "_depth" not in state
    if is_waiting(state):
        assert state["flow"] in FLOWS
        assert state["step"] in FLOWS[state["flow"]].steps
    if state.get("phase") == "action":
        assert result.action is not None
        assert (result.action.flow, result.action.step) == (state["flow"], state["step"])
        assert FLOWS[state["flow"]].steps[state["step"]].action == result.action.name
    else:
        assert result.action is None
    for text in result.texts:
        assert isinstance(text.msgid, str)
        assert isinstance(text.context, str)


def settle(result: Result, data: st.DataObject) -> Result:
    for _ in range(MAX_ACTIONS_PER_TURN):
        check_state(result)
        if result.action is None:
            return result
        call = result.action
        outcome = data.draw(st.sampled_from(outcomes_of(call.flow, call.step)), label="outcome")
        options = data.draw(options_strategy, label="options")
        result = resume(FLOWS, result.state, ActionResult(outcome=outcome, options=options))
    raise AssertionError("actions kept coming without the flow waiting or ending")


@settings(max_examples=200, deadline=None)
@given(ops=operations, data=st.data())
def test_real_flows_keep_a_valid_state_under_any_input(ops: list[tuple[str, str]], data: Any) -> None:
    state: dict[str, Any] = idle_state()
    for kind, arg in ops:
        if kind == "start":
            result = settle(start(FLOWS, state, arg), data)
        else:
            waiting_before = is_waiting(state)
            raw = receive(FLOWS, state, arg)
            if not waiting_before:
                assert raw.handled is False
                assert raw.state == state
                assert raw.texts == []
            if not raw.handled:
                assert raw.state == state
                assert raw.action is None
            result = settle(raw, data)
        assert result.state.get("phase") != "action"
        state = result.state
