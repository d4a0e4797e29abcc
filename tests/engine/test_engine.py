from __future__ import annotations

import json
from typing import Any

import pytest

from bot.engine.engine import (
    ActionCall,
    ActionResult,
    FlowError,
    Option,
    Text,
    current_prompt,
    idle_state,
    is_number,
    is_waiting,
    more,
    receive,
    resume,
    shown,
    start,
)
from bot.engine.schema import Flow


def make_flows(*specs: dict[str, Any]) -> dict[str, Flow]:
    flows = [Flow.model_validate({"spec_version": 1, **spec}) for spec in specs]
    return {flow.id: flow for flow in flows}


MENU = {
    "id": "menu",
    "start": "ask",
    "steps": {
        "ask": {
            "say": "Pick one:",
            "choices": [
                {"label": "Red", "next": "red", "set": {"color": "red"}},
                {"label": "Blue", "next": "blue", "set": {"color": "blue", "cool": "yes"}},
                {"label": "Name", "next": "name"},
            ],
        },
        "red": {"say": "Red it is, {who}."},
        "blue": {"say": "Blue it is.", "next": "end"},
        "name": {"say": "Your name?", "input": {"store": "who", "next": "thanks", "max_length": 5}},
        "thanks": {"say": "Thanks {who}."},
    },
}

ACTIONS = {
    "id": "act",
    "start": "lookup",
    "steps": {
        "lookup": {
            "action": "school.lookup",
            "say": {"default": "Here it is: {info}", "closed": "Closed today."},
            "next": {"default": "done", "closed": "sorry"},
        },
        "done": {"say": "Anything else?"},
        "sorry": {"say": "Try tomorrow."},
    },
}

PICKER = {
    "id": "picker",
    "start": "pick",
    "steps": {
        "pick": {"action": "topics.list", "say": "Choose:", "choices": "from_action", "next": "answer"},
        "answer": {"say": "You chose {choice}."},
    },
}


def test_static_choice_goes_to_its_step_and_sets_values() -> None:
    flows = make_flows(MENU)
    waiting = start(flows, idle_state({"who": "Ana"}), "menu").state
    result = receive(flows, waiting, "2")
    assert result.handled is True
    assert [t.msgid for t in result.texts] == ["Blue it is."]
    assert result.state["values"] == {"who": "Ana", "color": "blue", "cool": "yes"}
    assert result.state["flow"] is None
    assert not is_waiting(result.state)


def test_first_choice_says_its_text_with_remembered_values() -> None:
    flows = make_flows(MENU)
    waiting = start(flows, idle_state({"who": "Ana"}), "menu").state
    result = receive(flows, waiting, "1")
    assert len(result.texts) == 1
    assert result.texts[0].msgid == "Red it is, {who}."
    assert result.texts[0].context == "menu.red"
    assert dict(result.texts[0].values) == {"who": "Ana", "color": "red"}


def test_start_waits_on_a_choice_step_with_numbered_labels() -> None:
    flows = make_flows(MENU)
    result = start(flows, idle_state(), "menu")
    assert result.action is None
    assert is_waiting(result.state)
    assert (result.state["flow"], result.state["step"], result.state["phase"]) == ("menu", "ask", "waiting")
    (text,) = result.texts
    assert text.msgid == "Pick one:"
    assert text.context == "menu.ask"
    assert text.options == (
        Text("Red", "menu.ask.choice"),
        Text("Blue", "menu.ask.choice"),
        Text("Name", "menu.ask.choice"),
    )


@pytest.mark.parametrize(
    "answer", ["0", "4", "12", "999", "1000", "abc", "", "  ", "1 2", "one", "-1", "1.5"]
)
def test_answer_that_does_not_fit_is_not_handled_and_keeps_state(answer: str) -> None:
    flows = make_flows(MENU)
    waiting = start(flows, idle_state({"who": "Ana"}), "menu").state
    before = json.loads(json.dumps(waiting))
    result = receive(flows, waiting, answer)
    assert result.handled is False
    assert result.texts == []
    assert result.action is None
    assert result.state == before
    assert waiting == before


@pytest.mark.parametrize("answer", ["2", " 2 ", "2.", "2)", "#2", "# 2", "02", "٢", "۲"])
def test_number_forms_choose_the_second_option(answer: str) -> None:
    flows = make_flows(MENU)
    waiting = start(flows, idle_state(), "menu").state
    result = receive(flows, waiting, answer)
    assert result.handled is True
    assert result.state["values"]["color"] == "blue"


def test_is_number_accepts_arabic_indic_digits_and_rejects_words() -> None:
    assert is_number("٢")
    assert is_number("١٢")
    assert is_number("3.")
    assert not is_number("three")
    assert not is_number("1234")
    assert not is_number("")


def test_input_step_stores_trimmed_text_cut_to_max_length() -> None:
    flows = make_flows(MENU)
    waiting = receive(flows, start(flows, idle_state(), "menu").state, "3").state
    assert (waiting["step"], waiting["phase"]) == ("name", "waiting")
    result = receive(flows, waiting, "   Alexandra  \n")
    assert result.handled is True
    assert result.state["values"]["who"] == "Alexa"
    assert [(t.msgid, t.context, dict(t.values)) for t in result.texts] == [
        ("Thanks {who}.", "menu.thanks", {"who": "Alexa"})
    ]


def test_input_step_takes_any_text_even_a_number() -> None:
    flows = make_flows(MENU)
    waiting = receive(flows, start(flows, idle_state(), "menu").state, "3").state
    result = receive(flows, waiting, " 42 ")
    assert result.handled is True
    assert result.state["values"]["who"] == "42"


def test_action_step_returns_call_with_current_values() -> None:
    flows = make_flows(ACTIONS)
    result = start(flows, idle_state({"lang": "es"}), "act")
    assert result.texts == []
    assert result.action == ActionCall("school.lookup", "act", "lookup", {"lang": "es"})
    assert result.state["phase"] == "action"
    assert not is_waiting(result.state)


def test_resume_with_default_outcome_says_default_text_and_follows_default_next() -> None:
    flows = make_flows(ACTIONS)
    pending = start(flows, idle_state(), "act").state
    result = resume(flows, pending, ActionResult(values={"info": "Room 12"}))
    assert [(t.msgid, t.context) for t in result.texts] == [
        ("Here it is: {info}", "act.lookup.default"),
        ("Anything else?", "act.done"),
    ]
    assert result.texts[0].values["info"] == "Room 12"
    assert result.state["values"] == {"info": "Room 12"}
    assert result.state["flow"] is None


def test_resume_with_outcome_says_outcome_text_and_follows_outcome_next() -> None:
    flows = make_flows(ACTIONS)
    pending = start(flows, idle_state(), "act").state
    result = resume(flows, pending, ActionResult(outcome="closed"))
    assert [(t.msgid, t.context) for t in result.texts] == [
        ("Closed today.", "act.lookup.closed"),
        ("Try tomorrow.", "act.sorry"),
    ]


def test_resume_with_unlisted_outcome_falls_back_to_default() -> None:
    flows = make_flows(ACTIONS)
    pending = start(flows, idle_state(), "act").state
    result = resume(flows, pending, ActionResult(outcome="weird", values={"info": "x"}))
    assert [(t.msgid, t.context) for t in result.texts] == [
        ("Here it is: {info}", "act.lookup.default"),
        ("Anything else?", "act.done"),
    ]


def test_from_action_choice_maps_number_to_option_value() -> None:
    flows = make_flows(PICKER)
    pending = start(flows, idle_state(), "picker")
    assert pending.action == ActionCall("topics.list", "picker", "pick", {})
    options = (Option("Lunch", "lunch"), Option("Buses", "bus"), Option("Absences", "absence"))
    waiting = resume(flows, pending.state, ActionResult(options=options))
    assert is_waiting(waiting.state)
    assert waiting.state["options"] == ["lunch", "bus", "absence"]
    (prompt,) = waiting.texts
    assert (prompt.msgid, prompt.context, prompt.options) == (
        "Choose:",
        "picker.pick",
        ("Lunch", "Buses", "Absences"),
    )

    result = receive(flows, waiting.state, "2")
    assert result.handled is True
    assert result.state["values"]["choice"] == "bus"
    assert [(t.msgid, dict(t.values)) for t in result.texts] == [("You chose {choice}.", {"choice": "bus"})]


@pytest.mark.parametrize("answer", ["0", "4", "lunch"])
def test_from_action_out_of_range_is_not_handled(answer: str) -> None:
    flows = make_flows(PICKER)
    pending = start(flows, idle_state(), "picker").state
    waiting = resume(
        flows, pending, ActionResult(options=(Option("A", "a"), Option("B", "b"), Option("C", "c")))
    )
    result = receive(flows, waiting.state, answer)
    assert result.handled is False
    assert result.state == waiting.state
    assert "choice" not in result.state["values"]


def test_from_action_without_options_ends_the_flow() -> None:
    flows = make_flows(PICKER)
    pending = start(flows, idle_state({"keep": "me"}), "picker").state
    result = resume(flows, pending, ActionResult(options=()))
    assert result.state == idle_state({"keep": "me"})
    assert not is_waiting(result.state)
    assert [t.msgid for t in result.texts] == ["Choose:"]
    assert receive(flows, result.state, "1").handled is False


def test_current_prompt_repeats_the_waiting_step_with_action_labels() -> None:
    flows = make_flows(PICKER)
    pending = start(flows, idle_state(), "picker").state
    waiting = resume(flows, pending, ActionResult(options=(Option("Uno", "1"), Option("Dos", "2")))).state
    prompt = current_prompt(flows, waiting)
    assert prompt is not None
    assert (prompt.msgid, prompt.context, prompt.options) == ("Choose:", "picker.pick", ("Uno", "Dos"))
    assert current_prompt(flows, idle_state()) is None


def test_flow_target_jumps_to_the_other_flows_start() -> None:
    flows = make_flows(
        MENU,
        {"id": "hop", "start": "go", "steps": {"go": {"say": "Going.", "next": "flow:menu"}}},
    )
    result = start(flows, idle_state(), "hop")
    assert [t.context for t in result.texts] == ["hop.go", "menu.ask"]
    assert (result.state["flow"], result.state["step"], result.state["phase"]) == ("menu", "ask", "waiting")


def test_flow_target_with_step_jumps_to_that_step() -> None:
    flows = make_flows(
        MENU,
        {"id": "hop", "start": "go", "steps": {"go": {"say": "Going.", "next": "flow:menu.name"}}},
    )
    result = start(flows, idle_state(), "hop")
    assert [t.context for t in result.texts] == ["hop.go", "menu.name"]
    assert (result.state["flow"], result.state["step"], result.state["phase"]) == ("menu", "name", "waiting")


def test_choice_leading_to_another_flow_keeps_values() -> None:
    flows = make_flows(
        MENU,
        {
            "id": "outer",
            "start": "q",
            "steps": {
                "q": {"say": "Go?", "choices": [{"label": "Yes", "next": "flow:menu", "set": {"a": "1"}}]}
            },
        },
    )
    waiting = start(flows, idle_state(), "outer").state
    result = receive(flows, waiting, "1")
    assert (result.state["flow"], result.state["step"]) == ("menu", "ask")
    assert result.state["values"] == {"a": "1"}


def test_loop_without_waiting_raises_flow_error() -> None:
    flows = make_flows(
        {
            "id": "loop",
            "start": "a",
            "steps": {"a": {"say": "A", "next": "b"}, "b": {"say": "B", "next": "a"}},
        }
    )
    with pytest.raises(FlowError, match="loop"):
        start(flows, idle_state(), "loop")


def test_loop_through_another_flow_raises_flow_error() -> None:
    flows = make_flows(
        {"id": "one", "start": "a", "steps": {"a": {"next": "flow:two"}}},
        {"id": "two", "start": "b", "steps": {"b": {"next": "flow:one"}}},
    )
    with pytest.raises(FlowError):
        start(flows, idle_state(), "one")


def test_resume_without_pending_action_raises_flow_error() -> None:
    flows = make_flows(MENU)
    waiting = start(flows, idle_state(), "menu").state
    with pytest.raises(FlowError):
        resume(flows, waiting, ActionResult())
    with pytest.raises(FlowError):
        resume(flows, idle_state(), ActionResult())


def test_unknown_flow_or_step_raises_flow_error() -> None:
    flows = make_flows(MENU)
    with pytest.raises(FlowError, match="nope"):
        start(flows, idle_state(), "nope")
    with pytest.raises(FlowError, match="missing"):
        start(flows, idle_state(), "menu", "missing")


def test_receive_without_a_waiting_step_is_not_handled() -> None:
    flows = make_flows(MENU, ACTIONS)
    idle = idle_state({"x": "1"})
    result = receive(flows, idle, "1")
    assert (result.handled, result.texts, result.state) == (False, [], idle)
    pending = start(flows, idle_state(), "act").state
    assert receive(flows, pending, "1").handled is False


def test_start_keeps_values_and_drops_old_position() -> None:
    flows = make_flows(MENU)
    waiting = receive(flows, start(flows, idle_state(), "menu").state, "3").state
    result = start(flows, {**waiting, "values": {"who": "Bo"}}, "menu")
    assert (result.state["step"], result.state["values"]) == ("ask", {"who": "Bo"})


def test_state_is_json_serializable_at_every_turn() -> None:
    flows = make_flows(MENU, ACTIONS, PICKER)
    states = [idle_state()]
    states.append(start(flows, states[-1], "menu").state)
    states.append(receive(flows, states[-1], "3").state)
    states.append(receive(flows, states[-1], "Ana").state)
    states.append(start(flows, states[-1], "act").state)
    states.append(resume(flows, states[-1], ActionResult("closed", {"info": "x"})).state)
    states.append(start(flows, states[-1], "picker").state)
    states.append(resume(flows, states[-1], ActionResult(options=(Option("A", "a"),))).state)
    states.append(receive(flows, states[-1], "1").state)
    for state in states:
        assert json.loads(json.dumps(state)) == state
        assert "_depth" not in state
    assert states[-1]["values"] == {"who": "Ana", "info": "x", "choice": "a"}


def test_step_without_say_offering_choices_gives_bare_options_text() -> None:
    flows = make_flows(
        {
            "id": "bare",
            "start": "q",
            "steps": {"q": {"choices": [{"label": "Only", "next": "end"}]}},
        }
    )
    (text,) = start(flows, idle_state(), "bare").texts
    assert (text.msgid, text.context, text.options) == ("", "", (Text("Only", "bare.q.choice"),))


def test_budget_travels_with_the_text() -> None:
    flows = make_flows({"id": "b", "start": "s", "steps": {"s": {"say": "Hi", "budget": 1}}})
    (text,) = start(flows, idle_state(), "b").texts
    assert text.budget == 1


def _long_list(count: int) -> tuple[dict[str, Flow], dict[str, Any]]:
    flows = make_flows(PICKER)
    pending = start(flows, idle_state(), "picker").state
    options = tuple(Option(f"Item {n}", f"v{n}") for n in range(1, count + 1))
    return flows, resume(flows, pending, ActionResult(options=options)).state


def test_a_from_action_list_is_pageable_and_numbered_from_its_first_option() -> None:
    flows, waiting = _long_list(5)
    prompt = current_prompt(flows, waiting)
    assert prompt is not None and prompt.paged and prompt.first == 1
    assert prompt.options == ("Item 1", "Item 2", "Item 3", "Item 4", "Item 5")


def test_more_shows_the_next_page_and_numbers_go_on() -> None:
    flows, waiting = _long_list(5)
    page = more(flows, shown(waiting, options=3))
    assert page.handled and is_waiting(page.state)
    (text,) = page.texts
    assert (text.msgid, text.first, text.options) == ("Choose:", 4, ("Item 4", "Item 5"))
    assert current_prompt(flows, page.state) == text
    assert json.loads(json.dumps(page.state)) == page.state


@pytest.mark.parametrize("answer", ["2", "4"])
def test_a_number_from_any_page_still_chooses_its_option(answer: str) -> None:
    flows, waiting = _long_list(5)
    second = more(flows, shown(waiting, options=3)).state
    chosen = receive(flows, shown(second, options=5), answer)
    assert chosen.handled and chosen.state["values"]["choice"] == f"v{answer}"


def test_more_after_the_last_page_goes_back_to_the_first() -> None:
    flows, waiting = _long_list(5)
    second = shown(more(flows, shown(waiting, options=3)).state, options=5)
    (text,) = more(flows, second).texts
    assert (text.first, text.options) == (1, ("Item 1", "Item 2", "Item 3", "Item 4", "Item 5"))


def test_more_on_a_list_shown_whole_is_not_handled() -> None:
    flows, waiting = _long_list(3)
    assert more(flows, shown(waiting, options=3)).handled is False
    assert more(flows, waiting).handled is False  # nobody said how much was shown


def test_a_new_list_starts_on_its_first_page() -> None:
    flows, waiting = _long_list(5)
    second = shown(more(flows, shown(waiting, options=3)).state, options=5)
    again = start(flows, second, "picker").state
    relisted = resume(flows, again, ActionResult(options=(Option("A", "a"), Option("B", "b"))))
    (text,) = relisted.texts
    assert text.first == 1 and "page_from" not in relisted.state and "page_to" not in relisted.state


def test_fit_and_more_travel_with_the_text() -> None:
    flows = make_flows(
        {
            "id": "f",
            "start": "s",
            "steps": {
                "s": {
                    "say": "{details}",
                    "fit": "details",
                    "more": "all",
                    "choices": [{"label": "Ok", "next": "end"}],
                },
                "all": {"say": "{details}", "fit": "details", "next": "end"},
            },
        }
    )
    (text,) = start(flows, idle_state({"details": "x"}), "f").texts
    assert (text.fit, text.more, text.paged) == ("details", True, False)


FITTED = {
    "id": "f",
    "start": "s",
    "steps": {
        "s": {
            "say": "{title}\n{details}",
            "fit": "details",
            "more": "rest",
            "choices": [{"label": "Ok", "next": "end"}],
        },
        "rest": {
            "say": "{details}",
            "fit": "details",
            "more": "rest",
            "choices": [{"label": "Ok", "next": "end"}],
        },
    },
}


def test_more_after_a_shortened_value_shows_the_rest_from_where_the_parent_stopped() -> None:
    flows = make_flows(FITTED)
    first = start(flows, idle_state({"title": "T", "details": "One two. Three four five."}), "f")
    (text,) = first.texts
    assert (text.fit, text.fit_from, text.more) == ("details", 0, True)
    rest = more(flows, shown(first.state, value=8))
    assert rest.handled
    (text,) = rest.texts
    assert (text.msgid, text.values["details"], text.fit_from) == ("{details}", "Three four five.", 9)
    again = more(flows, shown(rest.state, value=19))  # "Three four" read too: offsets are in the whole value
    assert again.texts[0].values["details"] == "five."
    assert json.loads(json.dumps(again.state)) == again.state


def test_more_when_the_value_was_shown_whole_is_not_handled() -> None:
    flows = make_flows(FITTED)
    first = start(flows, idle_state({"title": "T", "details": "Short."}), "f")
    assert more(flows, first.state).handled is False


def test_leaving_a_shortened_value_forgets_where_it_stopped() -> None:
    flows = make_flows(FITTED)
    first = start(flows, idle_state({"title": "T", "details": "One two. Three four five."}), "f")
    rest = more(flows, shown(first.state, value=8)).state
    again = start(flows, rest, "f")
    assert again.texts[0].values["details"] == "One two. Three four five."
    assert "fit_from" not in again.state and "fit_to" not in again.state


@pytest.mark.parametrize("say", [None, "No value here.", {"default": "{details}", "other": "Nothing."}])
def test_fit_must_name_a_value_every_text_of_the_step_shows(say: object) -> None:
    with pytest.raises(ValueError, match="fit"):
        make_flows({"id": "f", "start": "s", "steps": {"s": {"say": say, "fit": "details"}}})
