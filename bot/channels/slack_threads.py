"""Slack side of staff-parent conversations: thread messages in, `/outreach text`, thread posts out.

Staff write in a concern alert's thread (or a direct conversation's); the Events API delivers each
`message` event to /slack/events through the same Bolt app. Only a staff member's own new message
in a known thread is relayed: edits, deletions, bots (this one too) and other subtypes are not, and a
retried delivery acts once (the delivery id is claimed, and a Slack message is stored once).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels import slack_thread_blocks as blocks
from bot.channels.slack_app import CommandRequest, Extension, Subcommand, answer_privately, delivery_key
from bot.channels.slack_transport import Poster, SlackAlertTransport
from bot.outbox.transport import PermanentSendError, SendReceipt, TransientSendError
from bot.services.concern_types import StaffConcernActions
from bot.services.thread_types import (
    THREAD_KINDS,
    THREAD_NOTICE,
    THREAD_PARENT,
    THREAD_REACTION,
    THREAD_ROOT,
    ThreadPlace,
    ThreadPort,
    ThreadRefused,
)

log = logging.getLogger(__name__)

Body = dict[str, Any]
RELAYED_SUBTYPES = (None, "thread_broadcast")  # a reply also sent to the channel is still a reply
NOT_SENT = "Only school staff set up to handle concerns can text families; your message was not sent."
TEXT_USAGE = "`/outreach text +12135550123 message`: text a family and talk with them in a thread"


@dataclass(frozen=True)
class ThreadMessage:
    """A new message in a thread, as the Events API delivered it."""

    channel: str
    thread_ts: str
    ts: str
    user: str
    text: str


def thread_message(event: Body) -> ThreadMessage | None:
    """The event as a new person's message inside a thread, or None (edits, deletions, bots, roots)."""
    if event.get("type") != "message" or event.get("subtype") not in RELAYED_SUBTYPES:
        return None
    if event.get("bot_id") or event.get("bot_profile") or event.get("app_id"):
        return None
    fields = [event.get(name) for name in ("channel", "thread_ts", "ts", "user", "text")]
    if not all(isinstance(value, str) and value for value in fields):
        return None
    channel, thread_ts, ts, user, text = (str(value) for value in fields)
    if thread_ts == ts:
        return None  # the thread's own root
    return ThreadMessage(channel, thread_ts, ts, user, blocks.plain_text(text))


class ThreadListeners:
    """The Bolt listeners of conversation threads."""

    def __init__(
        self,
        *,
        client: WebClient,
        threads: ThreadPort,
        allows: Callable[[str], bool],
        claim: Callable[[str], bool],
        show_text: bool,
    ) -> None:
        self.client, self.threads, self.allows, self.claim = client, threads, allows, claim
        self.show_text = show_text

    def on_message(self, ack: Ack, body: Body, event: Body) -> None:
        """A message event: a staff member's thread reply goes to the family; anything else stays."""
        ack()
        message = thread_message(event)
        if message is None:
            return
        if not self.allows(message.user):
            if self.threads.is_thread(message.channel, message.thread_ts):
                self._tell(
                    message.channel, message.user, ":no_entry: " + NOT_SENT, thread_ts=message.thread_ts
                )
            return
        key = delivery_key(body)
        if key is not None and not self.claim(key):
            return
        outcome = self.threads.staff_message(
            message.channel, message.thread_ts, message.ts, message.user, message.text
        )
        log.info("thread message %s in %s: %s", message.ts, message.channel, outcome.kind)

    def on_view(self, ack: Ack, body: Body, action: Body, respond: Respond) -> None:
        """The "View message" button: the parent's words to this staff member only, logged."""
        ack()
        user = str((body.get("user") or {}).get("id") or "")
        if not self.allows(user):
            answer_privately(respond, ":no_entry: Only school staff set up to handle concerns can do this.")
            return
        try:
            message_id = int(str(action.get("value") or ""))
        except ValueError:
            return
        post = self.threads.view_parent_message(message_id, user)
        if post is None:
            answer_privately(respond, ":warning: That message is no longer stored.")
            return
        answer_privately(respond, "The parent's message", blocks.message_blocks(post))

    def text_family(self, request: CommandRequest) -> None:
        """`/outreach text +1… message`: text a family and open a thread for the conversation."""
        phone, _, message = request.args.partition(" ")
        if not phone or not message.strip():
            request.respond(text=f"Usage: {TEXT_USAGE}", response_type="ephemeral")
            return
        try:
            outcome = self.threads.start_direct(phone, request.user_id, blocks.plain_text(message))
        except ThreadRefused as exc:
            request.respond(text=":no_entry: " + str(exc), response_type="ephemeral")
            return
        request.respond(
            text=f":outbox_tray: Texting the family ({outcome.detail}). The conversation goes on in a "
            "thread in the concerns channel: reply there.",
            response_type="ephemeral",
        )

    def _tell(self, channel: str, user: str, text: str, *, thread_ts: str | None = None) -> None:
        """An ephemeral line in the thread where a non-staff member wrote (no response_url there)."""
        if not channel or not user:
            return
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts)
        except (SlackApiError, OSError) as exc:
            log.warning("cannot post an ephemeral message to %s: %s", user, type(exc).__name__)


def thread_extension(
    threads: ThreadPort, client: WebClient, show_text: bool, concerns: StaffConcernActions
) -> Extension:
    """The conversation threads' part of the Bolt app: message events, View button, `/outreach text`."""

    def extend(app: App, allows: Callable[[str], bool]) -> Mapping[str, Subcommand]:
        listeners = ThreadListeners(
            client=client, threads=threads, allows=allows, claim=concerns.claim_delivery, show_text=show_text
        )
        app.event("message")(listeners.on_message)
        app.action(blocks.VIEW_THREAD_MESSAGE)(listeners.on_view)
        return {"text": Subcommand(TEXT_USAGE, listeners.text_family)}

    return extend


class SlackThreadTransport(SlackAlertTransport):
    """The Slack outbox transport, with conversation-thread posts beside concern alerts."""

    def __init__(
        self,
        client: WebClient,
        concerns: StaffConcernActions,
        show_descriptions: bool,
        threads: ThreadPort,
        posters: Mapping[str, Poster] | None = None,
    ) -> None:
        super().__init__(client, concerns, show_descriptions, posters)
        self.threads = threads

    def send(self, to: str, body: str) -> SendReceipt:
        """Post a thread request (THREAD_KINDS); anything else is an alert, escalation or notice."""
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        if not isinstance(request, dict) or request.get("kind") not in THREAD_KINDS:
            return super().send(to, body)
        kind = request["kind"]
        if kind == THREAD_ROOT:
            return self._root(to, int(request["thread"]))
        if kind == THREAD_PARENT:
            post = self.threads.parent_post(int(request["message"]))
            if post is None:
                raise TransientSendError("the thread is not in Slack yet")
            text, content = blocks.parent_message(post, show_text=self.show_descriptions)
            return self._post(post.place, text, content)
        place = self._place(int(request["thread"]))
        if kind == THREAD_NOTICE:
            return self._post(place, blocks.notice(str(request.get("event")), request), None)
        if kind == THREAD_REACTION:
            ts = str(request.get("ts") or place.ts)
            try:
                self._call("reactions_add", channel=place.channel, timestamp=ts, name=str(request["name"]))
            except PermanentSendError as exc:
                if "already_reacted" not in str(exc):
                    raise
            return SendReceipt(f"{place.channel}:{ts}:{request['name']}")
        raise PermanentSendError(f"unknown thread request {kind}")

    def _root(self, to: str, thread_id: int) -> SendReceipt:
        root = self.threads.root_post(thread_id)
        if root is None:
            raise PermanentSendError(f"no thread {thread_id}")
        text, content = blocks.root_message(root)
        response = self._call("chat_postMessage", channel=to, text=text, blocks=content)
        channel, ts = str(response.get("channel") or to), str(response["ts"])
        self.threads.set_root(thread_id, channel, ts)
        return SendReceipt(f"{channel}:{ts}")

    def _place(self, thread_id: int) -> ThreadPlace:
        place = self.threads.place(thread_id)
        if place is None:
            raise TransientSendError("the thread is not in Slack yet")
        return place

    def _post(self, place: ThreadPlace, text: str, content: list[Body] | None) -> SendReceipt:
        response = self._call(
            "chat_postMessage", channel=place.channel, thread_ts=place.ts, text=text, blocks=content
        )
        return SendReceipt(f"{place.channel}:{response['ts']}")
