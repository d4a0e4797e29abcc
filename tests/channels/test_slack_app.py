"""The Bolt app and /slack/events route, with requests signed as Slack signs them and a fake Web API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

from bot.channels.slack_app import CommandRequest, Subcommand, build_slack_app
from bot.channels.slack_routes import slack_router
from bot.services.concern_types import ConcernEventView
from tests.fixtures.block_kit import ack_problems
from tests.fixtures.fake_concerns import FakeConcerns, make_concern
from tests.fixtures.fake_slack import FakeSlack, new_trigger

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-0000-token"
CHANNEL = "C0CONCERNS"
STAFF = "USTAFF01"
GROUP = "S0OFFICE"
GROUP_MEMBER = "UGROUP01"
STRANGER = "UPARENT9"
REF = "C-2026-0042"
RESOLVED_REF = "C-2026-0007"
ALERT_TS = "1690000000.000100"


@dataclass
class Rig:
    """Everything a test pokes at: the HTTP client, the fake Slack API and the fake concern service."""

    http: TestClient
    slack: FakeSlack
    concerns: FakeConcerns
    triggers: Iterator[int]

    def trigger(self) -> str:
        return new_trigger()


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with a request body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def post_form(rig: Rig, form: dict[str, str], **signing: Any) -> httpx.Response:
    body = urlencode(form)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, **signing)}
    return rig.http.post("/slack/events", content=body, headers=headers)


def post_payload(rig: Rig, payload: dict[str, Any], **signing: Any) -> httpx.Response:
    return post_form(rig, {"payload": json.dumps(payload)}, **signing)


def click(
    rig: Rig, action_id: str, *, user: str = STAFF, ref: str = REF, trigger: str | None = None, **signing: Any
) -> httpx.Response:
    """A signed block_actions delivery for a button in the concern alert."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T0FAKE", "domain": "school"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"},
        "api_app_id": "A0OUTREACH",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": ALERT_TS,
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "trigger_id": trigger or rig.trigger(),
        "channel": {"id": CHANNEL, "name": "concerns"},
        "message": {"type": "message", "ts": ALERT_TS, "text": "Concern"},
        "response_url": rig.slack.response_url(f"click:{user}"),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "concern_actions",
                "value": ref,
                "action_ts": "1700000000.1",
            }
        ],
    }
    return post_payload(rig, payload, **signing)


def submit(
    rig: Rig, callback_id: str, values: dict[str, Any], *, user: str = STAFF, ref: str = REF
) -> httpx.Response:
    """A signed view_submission for one of the concern modals."""
    payload = {
        "type": "view_submission",
        "team": {"id": "T0FAKE", "domain": "school"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"},
        "api_app_id": "A0OUTREACH",
        "token": "legacy-verification-token",
        "trigger_id": rig.trigger(),
        "view": {
            "id": "V00000001",
            "hash": "h1",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": json.dumps({"reference": ref, "channel": CHANNEL}),
            "state": {"values": values},
        },
        "response_urls": [],
    }
    answer = post_payload(rig, payload)
    if answer.status_code == 200 and answer.content.strip():
        assert not ack_problems(answer.json(), payload["view"]), answer.json()  # type: ignore[arg-type]
    return answer


def command(rig: Rig, text: str, *, user: str = STAFF, response_id: str = "cmd") -> httpx.Response:
    """A signed /outreach slash command."""
    form = {
        "token": "legacy-verification-token",
        "team_id": "T0FAKE",
        "team_domain": "school",
        "channel_id": CHANNEL,
        "channel_name": "concerns",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/outreach",
        "text": text,
        "api_app_id": "A0OUTREACH",
        "response_url": rig.slack.response_url(response_id),
        "trigger_id": rig.trigger(),
    }
    return post_form(rig, form)


def select(value: str | None) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value} if value else None}


def text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def build_rig(slack: FakeSlack, concerns: FakeConcerns, **options: Any) -> TestClient:
    client = WebClient(token=TOKEN, base_url=slack.api_url, timeout=5)
    bolt = build_slack_app(
        signing_secret=SECRET,
        client=client,
        concerns=concerns,
        show_descriptions=options.pop("show_descriptions", False),
        staff_ids=frozenset({STAFF, GROUP}),
        process_before_response=options.pop("process_before_response", True),
        **options,
    )
    api = FastAPI()
    api.include_router(slack_router(bolt, max_body=64 * 1024, run_blocking=run_in_threadpool))
    return TestClient(api)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(TOKEN, usergroups={GROUP: [GROUP_MEMBER, "UOTHER01"], "S0EMPTY": []}) as server:
        server.add_message(CHANNEL, ALERT_TS, "Concern C-2026-0042")
        yield server


@pytest.fixture
def concerns() -> FakeConcerns:
    resolved_at = datetime.now(UTC) - timedelta(days=1)
    return FakeConcerns(
        make_concern(REF, alert_channel=CHANNEL, alert_ts=ALERT_TS),
        make_concern(
            RESOLVED_REF,
            category="transportation",
            locale="zh_Hans",
            received_at=datetime.now(UTC) - timedelta(days=2, hours=1),
            status="resolved",
            acknowledged_by="UACK0001",
            acknowledged_at=resolved_at,
            owner="UOWNER01",
            resolved_by="UOWNER01",
            resolved_at=resolved_at,
            resolution_category="information_given",
            resolution_note="Bus schedule explained.",
        ),
        staff={STAFF, GROUP},
    )


@pytest.fixture
def rig(slack: FakeSlack, concerns: FakeConcerns) -> Iterator[Rig]:
    with build_rig(slack, concerns) as http:
        yield Rig(http, slack, concerns, iter(range(1, 1_000_000)))


def ephemerals(rig: Rig, count: int = 1) -> list[dict[str, Any]]:
    """The answers to clicks so far, through their response_url: exactly `count` (the work is done).

    Each is the posted body with the clicking `user` added; none may replace the alert it came from.
    """
    posted = [
        {**post.body, "user": post.response_id.removeprefix("click:")}
        for post in rig.slack.responses()
        if post.response_id.startswith("click:")
    ]
    assert len(posted) == count, posted
    assert all(m["response_type"] == "ephemeral" and m["replace_original"] is False for m in posted)
    assert rig.slack.calls("chat.postEphemeral") == []
    return posted


def dms(slack: FakeSlack, user: str = STAFF) -> list[dict[str, Any]]:
    """Messages the bot sent to a user's DM with it."""
    return [call.body for call in slack.calls("chat.postMessage") if call.body["channel"] == user]


# -- buttons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("action_id", ["acknowledge", "take_ownership"])
def test_state_buttons_call_the_service_with_the_clicking_user(rig: Rig, action_id: str) -> None:
    response = click(rig, action_id)
    assert response.status_code == 200
    assert rig.concerns.calls_to(action_id) == [(REF, STAFF)]
    [update] = rig.slack.calls("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (CHANNEL, ALERT_TS)
    assert f"<@{STAFF}>" in json.dumps(update.body["blocks"])


def test_every_call_is_made_with_the_bot_token(rig: Rig) -> None:
    click(rig, "acknowledge")
    assert rig.slack.calls("chat.update")
    assert {call.authorization for call in rig.slack.calls()} == {f"Bearer {TOKEN}"}


def test_reply_button_opens_the_reply_modal_with_language_and_segments(rig: Rig) -> None:
    trigger = rig.trigger()
    click(rig, "reply", trigger=trigger)
    [opened] = rig.slack.calls("views.open")
    assert opened.body["trigger_id"] == trigger
    [modal] = rig.slack.modals()  # opened loading, then filled in
    assert modal["callback_id"] == "concern_reply"
    assert json.loads(modal["private_metadata"]) == {"reference": REF, "channel": CHANNEL}
    text = json.dumps(modal, ensure_ascii=False)
    assert "Spanish" in text and "`es`" in text
    assert "1 SMS segment" in text
    assert "Gracias. Recibimos su mensaje" in text
    select_block = next(b for b in modal["blocks"] if b.get("block_id") == "canned")
    options = select_block["element"]["options"]
    assert [o["value"] for o in options] == ["none", "received", "call_back", "meeting"]
    assert select_block["element"]["initial_option"]["value"] == "received"
    assert rig.concerns.calls_to("preview_reply") == [(REF, "received", None)]


def test_resolve_and_reopen_buttons_open_their_modals(rig: Rig) -> None:
    click(rig, "resolve")
    click(rig, "reopen", ref=RESOLVED_REF)
    opened = rig.slack.modals()
    assert len(opened) == 2
    by_callback = {view["callback_id"]: view for view in opened}
    assert set(by_callback) == {"concern_resolve", "concern_reopen"}
    resolve_text = json.dumps(by_callback["concern_resolve"])
    assert "Information given" in resolve_text and "Withdrawn by parent" in resolve_text
    assert json.loads(by_callback["concern_reopen"]["private_metadata"])["reference"] == RESOLVED_REF


def test_resolve_button_on_a_resolved_concern_explains_in_the_modal(rig: Rig) -> None:
    click(rig, "resolve", ref=RESOLVED_REF)
    [modal] = rig.slack.modals()
    assert "callback_id" not in modal and "submit" not in modal
    assert "already resolved" in json.dumps(modal["blocks"])


def test_view_description_posts_it_ephemerally_and_records_the_view(rig: Rig) -> None:
    click(rig, "view_description")
    [message] = ephemerals(rig)
    assert message["user"] == STAFF
    assert "Mi hijo no recibe ayuda" in json.dumps(message["blocks"], ensure_ascii=False)
    assert rig.concerns.calls_to("record_viewed") == [(REF, STAFF)]


# -- who may act -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "someone-elses-secret"},
        {"timestamp": int(time.time()) - 6 * 60},
    ],
    ids=["bad-signature", "old-timestamp"],
)
def test_bad_or_stale_signatures_are_401_and_change_nothing(rig: Rig, signing: dict[str, Any]) -> None:
    response = click(rig, "acknowledge", **signing)
    assert response.status_code == 401
    assert rig.concerns.calls == []
    assert rig.slack.calls() == []


def test_missing_signature_headers_are_401(rig: Rig) -> None:
    body = urlencode({"payload": json.dumps({"type": "block_actions"})})
    response = rig.http.post(
        "/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 401


def test_a_user_who_is_not_staff_is_refused_and_nothing_changes(rig: Rig) -> None:
    for action_id in ("acknowledge", "take_ownership", "reply", "resolve", "view_description"):
        assert click(rig, action_id, user=STRANGER).status_code == 200
    refusals = ephemerals(rig, 3)
    assert all(m["user"] == STRANGER and "Only school staff" in m["text"] for m in refusals)
    # The modal buttons open a modal at once (the trigger expires) and it says no.
    modals = rig.slack.modals()
    assert len(modals) == 2 and all("Only school staff" in json.dumps(m["blocks"]) for m in modals)
    assert all("callback_id" not in m for m in modals)
    assert rig.concerns.acting_calls() == []
    assert rig.slack.calls("chat.update") == []


def test_a_member_of_an_allowed_user_group_is_accepted_and_groups_are_cached(rig: Rig) -> None:
    click(rig, "acknowledge", user=GROUP_MEMBER)
    assert rig.concerns.calls_to("acknowledge") == [(REF, GROUP_MEMBER)]
    assert (GROUP_MEMBER, frozenset({GROUP})) in rig.concerns.calls_to("is_staff")
    click(rig, "take_ownership", user=GROUP_MEMBER)
    assert rig.concerns.calls_to("take_ownership") == [(REF, GROUP_MEMBER)]
    [lookup] = rig.slack.calls("usergroups.users.list")
    assert lookup.body["usergroup"] == GROUP


def test_a_user_outside_the_groups_is_refused_after_the_lookup(rig: Rig) -> None:
    click(rig, "acknowledge", user=STRANGER)
    ephemerals(rig)
    assert len(rig.slack.calls("usergroups.users.list")) == 1
    assert rig.concerns.acting_calls() == []


def test_a_duplicate_delivery_acts_once(rig: Rig) -> None:
    trigger = rig.trigger()
    assert click(rig, "acknowledge", trigger=trigger).status_code == 200
    assert click(rig, "acknowledge", trigger=trigger).status_code == 200
    assert rig.concerns.calls_to("acknowledge") == [(REF, STAFF)]
    assert rig.concerns.calls_to("claim_delivery") == [(f"block_actions:{trigger}",)] * 2
    assert rig.slack.responses() == []


def test_a_state_error_is_an_ephemeral_message_not_a_500(rig: Rig) -> None:
    click(rig, "acknowledge")
    response = click(rig, "acknowledge", user=GROUP_MEMBER)
    assert response.status_code == 200
    [message] = ephemerals(rig)
    assert message["user"] == GROUP_MEMBER
    assert "already acknowledged" in message["text"]


def test_an_unknown_reference_is_an_ephemeral_message(rig: Rig) -> None:
    assert click(rig, "take_ownership", ref="C-1999-0001").status_code == 200
    [message] = ephemerals(rig)
    assert "No concern C-1999-0001" in message["text"]


# -- modals ----------------------------------------------------------------------------------------


def test_reply_submission_sends_canned_and_note_and_closes_the_modal(rig: Rig) -> None:
    values = {
        "canned": {"reply_canned": select("call_back")},
        "note": {"note_text": text_input(" Hasta mañana ")},
    }
    response = submit(rig, "concern_reply", values)
    assert response.status_code == 200
    assert response.text == ""
    assert rig.concerns.calls_to("reply") == [(REF, STAFF, "call_back", "Hasta mañana")]
    [message] = dms(rig.slack)  # after a modal the answer is a DM: there is no response_url
    assert "Reply sent for C-2026-0042" in message["text"] and "SMS segment" in message["text"]


def test_reply_with_only_a_note_passes_no_canned_id(rig: Rig) -> None:
    values = {"canned": {"reply_canned": select("none")}, "note": {"note_text": text_input("We will call.")}}
    assert submit(rig, "concern_reply", values).text == ""
    assert rig.concerns.calls_to("reply") == [(REF, STAFF, None, "We will call.")]


def test_an_empty_reply_shows_a_modal_error(rig: Rig) -> None:
    values = {"canned": {"reply_canned": select("none")}, "note": {"note_text": text_input("   ")}}
    response = submit(rig, "concern_reply", values)
    assert response.status_code == 200
    assert response.json() == {
        "response_action": "errors",
        "errors": {"note": "Pick a canned reply or write a note."},
    }
    assert rig.concerns.calls_to("reply") == []


def test_a_reply_refused_by_the_service_shows_a_modal_error(rig: Rig) -> None:
    values = {"canned": {"reply_canned": select("received")}, "note": {"note_text": text_input(None)}}
    response = submit(rig, "concern_reply", values, ref=RESOLVED_REF)
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert "reopen it to reply" in body["errors"]["note"]


def test_picking_a_canned_reply_updates_the_preview(rig: Rig) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0FAKE", "domain": "school"},
        "user": {"id": STAFF, "username": "staff", "team_id": "T0FAKE"},
        "api_app_id": "A0OUTREACH",
        "trigger_id": rig.trigger(),
        "container": {"type": "view", "view_id": "V00000009"},
        "view": {
            "id": "V00000009",
            "hash": "h9",
            "type": "modal",
            "callback_id": "concern_reply",
            "private_metadata": json.dumps({"reference": REF, "channel": CHANNEL}),
            "state": {"values": {"note": {"note_text": text_input("Gracias")}}},
        },
        "actions": [
            {
                "type": "static_select",
                "action_id": "reply_canned",
                "block_id": "canned",
                "selected_option": {"value": "meeting"},
                "action_ts": "1700000000.2",
            }
        ],
    }
    assert post_payload(rig, payload).status_code == 200
    [update] = rig.slack.calls("views.update")
    assert (update.body["view_id"], update.body["hash"]) == ("V00000009", "h9")
    text = json.dumps(update.body["view"], ensure_ascii=False)
    assert "Nos gustaría reunirnos" in text and "[es] Gracias" in text
    assert "machine translated" in text
    assert rig.concerns.calls_to("preview_reply") == [(REF, "meeting", "Gracias")]
    assert rig.concerns.calls_to("reply") == []


def test_resolve_submission_calls_resolve_with_category_and_note(rig: Rig) -> None:
    values = {
        "resolution": {"resolution_category": select("referred")},
        "note": {"note_text": text_input("Referred to the counselor.")},
    }
    assert submit(rig, "concern_resolve", values).text == ""
    assert rig.concerns.calls_to("resolve") == [(REF, STAFF, "referred", "Referred to the counselor.")]
    [update] = rig.slack.calls("chat.update")
    assert "Reopen" in json.dumps(update.body["blocks"])


def test_resolve_submission_needs_a_category_and_a_note(rig: Rig) -> None:
    values = {"resolution": {"resolution_category": select(None)}, "note": {"note_text": text_input("")}}
    body = submit(rig, "concern_resolve", values).json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"resolution", "note"}
    assert rig.concerns.calls_to("resolve") == []


def test_resolving_a_resolved_concern_is_a_modal_error(rig: Rig) -> None:
    values = {"resolution": {"resolution_category": select("other")}, "note": {"note_text": text_input("x")}}
    body = submit(rig, "concern_resolve", values, ref=RESOLVED_REF).json()
    assert "already resolved" in body["errors"]["note"]


def test_reopen_submission_needs_a_note_then_reopens(rig: Rig) -> None:
    empty = submit(rig, "concern_reopen", {"note": {"note_text": text_input(None)}}, ref=RESOLVED_REF)
    assert empty.json()["response_action"] == "errors"
    values = {"note": {"note_text": text_input("The parent wrote again.")}}
    assert submit(rig, "concern_reopen", values, ref=RESOLVED_REF).text == ""
    assert rig.concerns.calls_to("reopen") == [(RESOLVED_REF, STAFF, "The parent wrote again.")]


def test_a_submission_by_someone_not_staff_is_refused_in_the_modal(rig: Rig) -> None:
    values = {"note": {"note_text": text_input("reopen please")}}
    body = submit(rig, "concern_reopen", values, user=STRANGER, ref=RESOLVED_REF).json()
    assert "Only school staff" in body["errors"]["note"]
    assert rig.concerns.acting_calls() == []


def test_a_slow_submission_closes_the_modal_and_reports_later(slack: FakeSlack) -> None:
    release = threading.Event()
    slow = FakeConcerns(make_concern(REF), staff={STAFF}, hold=release)
    with build_rig(slack, slow, submit_budget=0.1) as http:
        rig = Rig(http, slack, slow, iter(range(1, 100)))
        values = {
            "resolution": {"resolution_category": select("withdrawn")},
            "note": {"note_text": text_input("ok")},
        }
        try:
            response = submit(rig, "concern_resolve", values)
            # The modal closed while the service was still at work (it waits for `release`).
            assert response.status_code == 200 and response.text == ""
            assert slow.concerns[REF].status != "resolved"
            assert dms(slack) == []
        finally:
            release.set()
        [message] = [call.body for call in slack.wait_for("chat.postMessage")]
        assert message["channel"] == STAFF  # a DM: the modal is gone and had no channel
        assert "resolved (Withdrawn by parent)" in message["text"]
        assert slow.concerns[REF].status == "resolved"


def test_without_process_before_response_the_ack_goes_out_before_the_work(slack: FakeSlack) -> None:
    """How a server runs (SLACK_PROCESS_BEFORE_RESPONSE=false): Slack gets its 200 at the ack."""
    release = threading.Event()
    alerted = make_concern(REF, alert_channel=CHANNEL, alert_ts=ALERT_TS)
    slow = FakeConcerns(alerted, staff={STAFF}, hold=release)
    with build_rig(slack, slow, process_before_response=False) as http:
        rig = Rig(http, slack, slow, iter(range(1, 100)))
        try:
            assert click(rig, "acknowledge").status_code == 200
            assert slow.concerns[REF].status == "new"  # answered while the service still waits
        finally:
            release.set()
        [update] = slack.wait_for("chat.update")
        assert f"<@{STAFF}>" in json.dumps(update.body["blocks"])
        assert slow.concerns[REF].status == "acknowledged"


# -- /outreach -------------------------------------------------------------------------------------


def test_outreach_concerns_lists_open_concerns_ephemerally(rig: Rig, concerns: FakeConcerns) -> None:
    concerns.concerns["C-2026-0050"] = make_concern(
        "C-2026-0050",
        category="safety_bullying",
        locale="ko",
        received_at=datetime.now(UTC) - timedelta(days=2, hours=2),
        status="owned",
        owner="UOWNER02",
    )
    assert command(rig, "concerns").status_code == 200
    [post] = rig.slack.responses("cmd")
    assert post.body["response_type"] == "ephemeral"
    assert post.body["text"] == "2 open concerns (oldest first)"  # the notification: one line
    text = "\n".join(block["text"]["text"] for block in post.body["blocks"])
    assert "2 open concerns" in text
    lines = [line for line in text.splitlines() if line.startswith("•")]
    assert lines[0].startswith("• *C-2026-0050* · Safety / bullying · Korean · 2 days · <@UOWNER02>")
    assert lines[1].startswith("• *C-2026-0042* · Academic · Spanish · 3 h · unowned")
    assert RESOLVED_REF not in text
    assert "0142" not in text


def test_outreach_concern_shows_one_concern_with_its_history(rig: Rig, concerns: FakeConcerns) -> None:
    current = concerns.concerns[RESOLVED_REF]
    history = (
        *current.history,
        ConcernEventView("acknowledged", "UACK0001", None, datetime.now(UTC) - timedelta(days=1, hours=2)),
        ConcernEventView(
            "resolved", "UOWNER01", "Bus schedule explained.", datetime.now(UTC) - timedelta(days=1)
        ),
    )
    concerns.concerns[RESOLVED_REF] = replace(current, history=history)
    command(rig, f"concern {RESOLVED_REF.lower()}")
    [post] = rig.slack.responses("cmd")
    assert post.body["response_type"] == "ephemeral"
    blob = json.dumps(post.body["blocks"], ensure_ascii=False)
    assert RESOLVED_REF in post.body["text"]
    assert "Chinese (Simplified)" in blob
    assert "Received from the parent · parent" in blob
    assert "Acknowledged · <@UACK0001>" in blob
    assert "Resolved · <@UOWNER01>: Bus schedule explained." in blob
    assert "Mi hijo" not in blob


def test_outreach_concern_with_an_unknown_reference_says_so(rig: Rig) -> None:
    command(rig, "concern C-2026-9999")
    [post] = rig.slack.responses("cmd")
    assert "No concern C-2026-9999" in post.body["text"]


@pytest.mark.parametrize("text", ["", "help", "volunteers now"])
def test_outreach_help_and_unknown_subcommands_show_usage(rig: Rig, text: str) -> None:
    command(rig, text)
    [post] = rig.slack.responses("cmd")
    assert post.body["response_type"] == "ephemeral"
    assert "`/outreach concerns`" in post.body["text"]
    assert "`/outreach concern C-2026-0042`" in post.body["text"]
    assert ("Unknown command `volunteers`" in post.body["text"]) == (text == "volunteers now")


def test_outreach_refuses_someone_who_is_not_staff(rig: Rig) -> None:
    command(rig, "concerns", user=STRANGER)
    [post] = rig.slack.responses("cmd")
    assert "Only school staff" in post.body["text"]
    assert rig.concerns.acting_calls() == []


def test_other_subcommands_plug_into_the_dispatcher(slack: FakeSlack, concerns: FakeConcerns) -> None:
    seen: list[CommandRequest] = []

    def announce(request: CommandRequest) -> None:
        seen.append(request)
        request.respond(text=f"announcing {request.args}", response_type="ephemeral")

    extra = {"announce": Subcommand("`/outreach announce`: schedule an announcement", announce)}
    with build_rig(slack, concerns, subcommands=extra) as http:
        rig = Rig(http, slack, concerns, iter(range(1, 100)))
        command(rig, "announce Family night", response_id="a")
        [post] = slack.responses("a")
        assert post.body["text"] == "announcing Family night"
        assert (seen[0].user_id, seen[0].channel_id) == (STAFF, CHANNEL)
        command(rig, "help", response_id="h")
        [usage] = slack.responses("h")
        assert "`/outreach announce`" in usage.body["text"]


# -- the route itself ------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413(rig: Rig) -> None:
    body = urlencode({"payload": "x" * 70_000})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    assert rig.http.post("/slack/events", content=body, headers=headers).status_code == 413


@pytest.mark.parametrize(
    "body", [b"payload=%FF%FE", b"\xff\xfe", b"payload=not-json", b"{not json", b"payload=42"]
)
def test_garbage_bodies_are_400_or_401_never_500(rig: Rig, body: bytes) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Signature": "v0=00"}
    response = rig.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code in (400, 401)


def test_url_verification_answers_the_challenge(rig: Rig) -> None:
    body = json.dumps({"type": "url_verification", "token": "t", "challenge": "c-123"})
    headers = {"Content-Type": "application/json", **sign(body)}
    response = rig.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


def test_dispatch_runs_off_the_event_loop_and_building_the_app_calls_nothing(
    slack: FakeSlack, concerns: FakeConcerns
) -> None:
    loop_threads: list[int] = []
    dispatch_threads: list[int] = []

    async def run_blocking(fn: Any, *args: Any) -> Any:
        loop_threads.append(threading.get_ident())

        def tracked() -> Any:
            dispatch_threads.append(threading.get_ident())
            return fn(*args)

        return await run_in_threadpool(tracked)

    client = WebClient(token=TOKEN, base_url=slack.api_url)
    bolt = build_slack_app(
        signing_secret=SECRET, client=client, concerns=concerns, show_descriptions=False, staff_ids={STAFF}
    )
    assert slack.calls() == []
    api = FastAPI()
    api.include_router(slack_router(bolt, max_body=64 * 1024, run_blocking=run_blocking))
    with TestClient(api) as http:
        rig = Rig(http, slack, concerns, iter(range(1, 100)))
        assert click(rig, "acknowledge").status_code == 200
    assert len(loop_threads) == len(dispatch_threads) == 1
    assert loop_threads[0] != dispatch_threads[0]
