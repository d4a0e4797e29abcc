"""Slack interactivity for concerns: the alert buttons, the three modals and the `/outreach` command.

Every listener acks first, then checks that the user is staff, claims the delivery (so a retried
delivery acts once) and only then calls the concern service. Modal submissions are the exception to
"ack first": their errors must travel in the ack, so the service call gets a short time budget.

Answers go where they can arrive: a button's or a command's through its `response_url` (which works
in any channel or DM, whether or not the bot was invited), a modal's outcome as a DM from the bot.
A button that opens a modal opens a "loading" modal at once, inside the trigger's 3 seconds, and
fills it in once the concern is read (which may wait for a machine translation).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels import slack_blocks as kit
from bot.channels.slack_guards import install_guards, parse_id
from bot.clock import utcnow
from bot.logs import bolt_logger
from bot.services.concern_types import (
    RESOLUTION_CATEGORIES,
    ConcernNotFound,
    ConcernStateError,
    ConcernView,
    NotStaff,
    StaffConcernActions,
)

log = logging.getLogger(__name__)

NOT_STAFF = "Only school staff set up to handle concerns can do this. Ask an administrator to add you."
REFUSAL = ":no_entry: " + NOT_STAFF
TROUBLE = "Something went wrong on our side; nothing was changed. Please try again in a minute."
GROUP_CACHE_SECONDS = 300.0
SUBMIT_BUDGET_SECONDS = 2.0
Body = dict[str, Any]
Outcome = tuple[ConcernView, str]  # a submission's result: the concern now, and what to tell the user


@dataclass(frozen=True)
class Actor:
    """Who clicked or typed, where, and how to answer them (`respond`: the interaction's response_url)."""

    user_id: str
    channel: str | None
    respond: Callable[..., Any] | None = None


@dataclass(frozen=True)
class CommandRequest:
    """One `/outreach` invocation as a subcommand sees it (the user is already known to be staff)."""

    user_id: str
    channel_id: str
    args: str
    trigger_id: str
    respond: Callable[..., Any]
    client: WebClient


@dataclass(frozen=True)
class Subcommand:
    """An `/outreach` subcommand: its usage line for help, and the function that answers it."""

    usage: str
    run: Callable[[CommandRequest], None]


# A feature's Slack part: given the app and the staff check, it registers its views and buttons and
# returns its `/outreach` subcommands.
Extension = Callable[[App, Callable[[str], bool]], Mapping[str, Subcommand]]


class StaffGate:
    """Decides whether a Slack user is staff, resolving configured user groups (S…) with the Web API."""

    def __init__(
        self,
        client: WebClient,
        concerns: StaffConcernActions,
        staff_ids: Iterable[str],
        ttl: float = GROUP_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client, self.concerns, self.ttl, self.clock = client, concerns, ttl, clock
        self.group_ids = tuple(sorted(i for i in staff_ids if i.startswith("S")))
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def allows(self, user_id: str) -> bool:
        """True when the user, or one of the allowed groups the user is in, is staff."""
        if not user_id:
            return False
        if self.concerns.is_staff(user_id):
            return True
        groups = frozenset(g for g in self.group_ids if user_id in self.members(g))
        return bool(groups) and self.concerns.is_staff(user_id, groups)

    def members(self, group_id: str) -> frozenset[str]:
        """The users of a user group, cached for a few minutes; empty when Slack will not say."""
        now = self.clock()
        with self._lock:
            cached = self._members.get(group_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = self.client.usergroups_users_list(usergroup=group_id)
        except (SlackApiError, OSError) as exc:
            log.warning("cannot list members of Slack user group %s: %s", group_id, _error(exc))
            return frozenset()
        users = frozenset(str(u) for u in response.get("users") or ())
        with self._lock:
            self._members[group_id] = (now + self.ttl, users)
        return users


def delivery_key(body: Body) -> str | None:
    """An id unique to one interaction, the same on Slack's retries of it."""
    kind = str(body.get("type") or ("slash_command" if "command" in body else ""))
    if kind == "event_callback":
        return f"event:{body['event_id']}" if body.get("event_id") else None
    trigger = body.get("trigger_id")
    return f"{kind}:{trigger}" if trigger else None


def actor_of(body: Body) -> Actor:
    """The user and channel of an action, view submission or command payload."""
    user = body.get("user") or {}
    user_id = str(user.get("id") or body.get("user_id") or "")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    return Actor(user_id, str(channel) if channel else None)


class ConcernListeners:
    """The Bolt listeners for concerns, bound to one Web API client and one concern service."""

    def __init__(
        self,
        *,
        client: WebClient,
        concerns: StaffConcernActions,
        gate: StaffGate,
        show_descriptions: bool,
        subcommands: Mapping[str, Subcommand],
        submit_budget: float,
    ) -> None:
        self.client, self.concerns, self.gate = client, concerns, gate
        self.show_descriptions = show_descriptions
        self.submit_budget = submit_budget
        self.subcommands = dict(subcommands)
        self.buttons: dict[str, Callable[[Actor, str, Body], None]] = {
            kit.ACKNOWLEDGE: self._acknowledge,
            kit.TAKE_OWNERSHIP: self._take_ownership,
            kit.VIEW_DESCRIPTION: self._view_description,
        }
        # Buttons that open a modal: its title while loading, and what fills it in.
        self.modals: dict[str, tuple[str, Callable[[Actor, str], Body]]] = {
            kit.REPLY: ("Reply to parent", self._reply_modal),
            kit.RESOLVE: ("Resolve concern", self._resolve_modal),
            kit.REOPEN: ("Reopen concern", self._reopen_modal),
        }
        self._submissions = ThreadPoolExecutor(max_workers=4, thread_name_prefix="slack-submit")

    # -- alert buttons --------------------------------------------------------------------------

    def on_button(self, ack: Ack, body: Body, action: Body, respond: Respond) -> None:
        """Any alert button: authorize, act once, and tell the clicker what happened."""
        ack()
        who = replace(actor_of(body), respond=respond)
        reference = str(action.get("value") or "")
        action_id = str(action["action_id"])
        if action_id in self.modals:
            title, build = self.modals[action_id]
            self._open_modal(who, reference, str(body.get("trigger_id") or ""), title, build)
            return
        if not self.gate.allows(who.user_id):
            self.tell(who, REFUSAL)
            return
        if not self._claim(body):
            return
        try:
            self.buttons[action_id](who, reference, body)
        except Exception as exc:
            self.tell(who, ":warning: " + self._problem(exc, reference))

    def _open_modal(
        self, who: Actor, reference: str, trigger_id: str, title: str, build: Callable[[Actor, str], Body]
    ) -> None:
        # Opening a modal changes nothing, so a retried click needs no claim; the staff check and
        # the concern (perhaps a machine translation) come after the loading modal is up.
        def fill() -> Body:
            if not self.gate.allows(who.user_id):
                return kit.notice_modal(title, REFUSAL)
            try:
                return build(who, reference)
            except Exception as exc:
                return kit.notice_modal(title, ":warning: " + self._problem(exc, reference))

        open_then_fill(self.client, trigger_id, title, fill, lambda problem: self.tell(who, problem))

    def _acknowledge(self, who: Actor, reference: str, body: Body) -> None:
        self.refresh_alert(self.concerns.acknowledge(reference, who.user_id))

    def _take_ownership(self, who: Actor, reference: str, body: Body) -> None:
        self.refresh_alert(self.concerns.take_ownership(reference, who.user_id))

    def _reply_modal(self, who: Actor, reference: str) -> Body:
        view = self.concerns.view(reference)
        canned = self.concerns.canned_replies()
        selected = canned[0].id if canned else None
        preview = self.concerns.preview_reply(reference, selected, None) if selected else None
        return kit.reply_modal(
            view,
            canned,
            selected=selected,
            preview=preview,
            metadata=kit.modal_metadata(reference, who.channel),
        )

    def _resolve_modal(self, who: Actor, reference: str) -> Body:
        view = self.concerns.view(reference)
        if view.status == "resolved":
            raise ConcernStateError(f"{reference} is already resolved")
        return kit.resolve_modal(view, kit.modal_metadata(reference, who.channel))

    def _reopen_modal(self, who: Actor, reference: str) -> Body:
        view = self.concerns.view(reference)
        if view.status != "resolved":
            raise ConcernStateError(f"{reference} is not resolved")
        return kit.reopen_modal(view, kit.modal_metadata(reference, who.channel))

    def _view_description(self, who: Actor, reference: str, body: Body) -> None:
        view = self.concerns.view(reference)
        self.concerns.record_viewed(reference, who.user_id)
        self.tell(who, kit.description_text(view), kit.description_blocks(view))

    def on_canned_selected(self, ack: Ack, body: Body, action: Body) -> None:
        """A canned reply was picked in the reply modal: show its SMS preview (changes nothing)."""
        ack()
        if not self.gate.allows(actor_of(body).user_id):
            return
        modal = body.get("view") or {}
        reference, channel = kit.read_metadata(modal.get("private_metadata"))
        chosen = (action.get("selected_option") or {}).get("value")
        selected = None if chosen in (None, kit.NO_CANNED) else str(chosen)
        note = _text_value(modal, kit.NOTE_BLOCK, kit.NOTE_ACTION)
        try:
            view = self.concerns.view(reference)
            preview = self.concerns.preview_reply(reference, selected, note) if selected or note else None
            updated = kit.reply_modal(
                view,
                self.concerns.canned_replies(),
                selected=selected,
                preview=preview,
                metadata=kit.modal_metadata(reference, channel),
                note=note,
            )
            self.client.views_update(view_id=modal["id"], hash=modal.get("hash"), view=updated)
        except (ConcernNotFound, ConcernStateError, SlackApiError, KeyError) as exc:
            log.info("reply preview not updated for %s: %s", reference, _error(exc))

    # -- modal submissions ------------------------------------------------------------------------

    def on_reply_submitted(self, ack: Ack, body: Body, view: Body) -> None:
        """Send the reply: a canned reply, a note, or both."""
        who, reference = self._submitter(body, view)
        if not self.gate.allows(who.user_id):
            ack(response_action="errors", errors={kit.NOTE_BLOCK: NOT_STAFF})
            return
        chosen = _select_value(view, kit.CANNED_BLOCK, kit.CANNED_ACTION)
        canned = None if chosen in (None, kit.NO_CANNED) else chosen
        note = _text_value(view, kit.NOTE_BLOCK, kit.NOTE_ACTION)
        if not canned and not note:
            ack(response_action="errors", errors={kit.NOTE_BLOCK: "Pick a canned reply or write a note."})
            return

        def send() -> Outcome:
            preview = self.concerns.preview_reply(reference, canned, note)
            view = self.concerns.reply(reference, who.user_id, canned, note)
            return view, f":outbox_tray: Reply sent for {reference} ({kit.preview_summary(preview)})."

        self._finish(ack, body, who, reference, send)

    def on_resolve_submitted(self, ack: Ack, body: Body, view: Body) -> None:
        """Resolve with a category and a note."""
        who, reference = self._submitter(body, view)
        if not self.gate.allows(who.user_id):
            ack(response_action="errors", errors={kit.NOTE_BLOCK: NOT_STAFF})
            return
        category = _select_value(view, kit.RESOLUTION_BLOCK, kit.RESOLUTION_ACTION)
        note = _text_value(view, kit.NOTE_BLOCK, kit.NOTE_ACTION)
        errors = {}
        if category not in RESOLUTION_CATEGORIES:
            errors[kit.RESOLUTION_BLOCK] = "Pick how the concern was resolved."
        if not note:
            errors[kit.NOTE_BLOCK] = "Write what was done."
        if errors or category is None or note is None:
            ack(response_action="errors", errors=errors)
            return

        def resolve() -> Outcome:
            view = self.concerns.resolve(reference, who.user_id, category, note)
            return view, f":white_check_mark: {reference} resolved ({kit.resolution_label(category)})."

        self._finish(ack, body, who, reference, resolve)

    def on_reopen_submitted(self, ack: Ack, body: Body, view: Body) -> None:
        """Reopen with a note."""
        who, reference = self._submitter(body, view)
        if not self.gate.allows(who.user_id):
            ack(response_action="errors", errors={kit.NOTE_BLOCK: NOT_STAFF})
            return
        note = _text_value(view, kit.NOTE_BLOCK, kit.NOTE_ACTION)
        if not note:
            ack(response_action="errors", errors={kit.NOTE_BLOCK: "Say why the concern is reopened."})
            return

        def reopen() -> Outcome:
            view = self.concerns.reopen(reference, who.user_id, note)
            return view, f":arrows_counterclockwise: {reference} reopened."

        self._finish(ack, body, who, reference, reopen)

    def _submitter(self, body: Body, view: Body) -> tuple[Actor, str]:
        reference, channel = kit.read_metadata(view.get("private_metadata"))
        return Actor(actor_of(body).user_id, channel), reference

    def _finish(self, ack: Ack, body: Body, who: Actor, reference: str, work: Callable[[], Outcome]) -> None:
        if not self._claim(body):
            ack()
            return
        future = self._submissions.submit(work)
        try:
            view, done = future.result(timeout=self.submit_budget)
        except Exception as exc:
            if future.done():
                problem = kit.fit(self._problem(exc, reference), 300, mrkdwn=False)
                ack(response_action="errors", errors={kit.NOTE_BLOCK: problem})
                return
            # Slack gives up on a submission after 3 s: close the modal now, report the outcome later.
            ack()
            future.add_done_callback(lambda late: self._report(who, reference, late))
            return
        ack()
        self.refresh_alert(view)
        self.tell(who, done)

    def _report(self, who: Actor, reference: str, future: Future[Outcome]) -> None:
        exc = future.exception()
        if exc is not None:
            self.tell(who, ":warning: " + self._problem(exc, reference))
            return
        view, done = future.result()
        self.refresh_alert(view)
        self.tell(who, done)

    # -- /outreach --------------------------------------------------------------------------------

    def on_command(self, ack: Ack, body: Body, respond: Respond) -> None:
        """Dispatch `/outreach <subcommand> <args>` to its handler; usage for anything else."""
        ack()
        who = actor_of(body)
        if not self.gate.allows(who.user_id):
            respond(text=REFUSAL, response_type="ephemeral")
            return
        if not self._claim(body):
            return
        name, _, args = str(body.get("text") or "").strip().partition(" ")
        subcommand = self.subcommands.get(name.lower())
        if subcommand is None:
            unknown = f"Unknown command `{kit.fit(name, 40)}`.\n" if name and name.lower() != "help" else ""
            respond(text=unknown + self.usage(), response_type="ephemeral")
            return
        request = CommandRequest(
            user_id=who.user_id,
            channel_id=who.channel or "",
            args=args.strip(),
            trigger_id=str(body.get("trigger_id") or ""),
            respond=respond,
            client=self.client,
        )
        try:
            subcommand.run(request)
        except Exception as exc:
            respond(text=":warning: " + self._problem(exc, args.strip().upper()), response_type="ephemeral")

    def usage(self) -> str:
        """The help text: one line per subcommand."""
        lines = [f"• {sub.usage}" for _, sub in sorted(self.subcommands.items())]
        return "*What you can do with /outreach*\n" + "\n".join([*lines, "• `/outreach help`: this list"])

    def list_concerns(self, request: CommandRequest) -> None:
        """`/outreach concerns [PAGE]`: the open concerns, oldest first."""
        page = parse_id(request.args.split()[0]) if request.args else None
        text, blocks = kit.open_concerns(self.concerns.list_open(), utcnow(), page or 1)
        request.respond(text=text, blocks=blocks, response_type="ephemeral")

    def show_concern(self, request: CommandRequest) -> None:
        """`/outreach concern C-2026-0042`: one concern with its history."""
        reference = request.args.split()[0].upper() if request.args else ""
        if not reference:
            request.respond(text="Which one? `/outreach concern C-2026-0042`", response_type="ephemeral")
            return
        text, blocks = kit.concern_detail(self.concerns.view(reference), utcnow())
        request.respond(text=text, blocks=blocks, response_type="ephemeral")

    # -- shared -----------------------------------------------------------------------------------

    def refresh_alert(self, view: ConcernView) -> None:
        """Redraw the concern's channel alert in place at once (best effort; the outbox also redraws it)."""
        if not (view.alert_channel and view.alert_ts):
            return
        text, blocks = kit.concern_alert(view, show_description=self.show_descriptions, now=utcnow())
        try:
            self.client.chat_update(channel=view.alert_channel, ts=view.alert_ts, text=text, blocks=blocks)
        except (SlackApiError, OSError) as exc:
            log.warning("cannot redraw the alert of %s: %s", view.reference, _error(exc))

    def tell(self, who: Actor, text: str, blocks: list[Body] | None = None) -> None:
        """An answer only the user sees: through the interaction's response_url, else as a DM."""
        if who.respond is not None and answer_privately(who.respond, text, blocks):
            return
        direct_message(self.client, who.user_id, text, blocks)

    def _claim(self, body: Body) -> bool:
        key = delivery_key(body)
        return True if key is None else self.concerns.claim_delivery(key)

    def _problem(self, exc: BaseException, reference: str) -> str:
        if isinstance(exc, ConcernNotFound):
            return f"No concern {kit.fit(reference, 40, mrkdwn=False)} was found."
        if isinstance(exc, ConcernStateError):
            return str(exc)  # the service's own words, written for staff
        if isinstance(exc, NotStaff):
            return NOT_STAFF
        if isinstance(exc, SlackApiError):
            log.warning("Slack refused a call for %s: %s", reference, _error(exc))
        else:
            log.error("concern action on %s failed", reference, exc_info=exc)
        return TROUBLE


def answer_privately(respond: Callable[..., Any], text: str, blocks: list[Body] | None = None) -> bool:
    """An ephemeral answer through a response_url (any channel or DM); False when Slack refused it."""
    try:
        answer = respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    except OSError as exc:
        log.warning("cannot answer through the response_url: %s", _error(exc))
        return False
    status = getattr(answer, "status_code", 200)
    if status != 200:
        log.warning(
            "Slack refused an answer through the response_url: %s %s", status, getattr(answer, "body", "")
        )
    return bool(status == 200)


def direct_message(client: WebClient, user_id: str, text: str, blocks: list[Body] | None = None) -> bool:
    """A message from the bot in the user's DM with it (the App Home messages tab); False on failure."""
    try:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except (SlackApiError, OSError) as exc:
        log.warning("cannot send a direct message to %s: %s", user_id, _error(exc))
        return False
    return True


def open_then_fill(
    client: WebClient,
    trigger_id: str,
    title: str,
    fill: Callable[[], Body],
    report: Callable[[str], None],
) -> None:
    """Open a loading modal at once (a trigger_id lasts 3 s), then replace it with what `fill` builds.

    `report` tells the user, in words, when Slack would not open or update the modal.
    """
    try:
        opened = client.views_open(trigger_id=trigger_id, view=kit.loading_modal(title))
    except (SlackApiError, OSError) as exc:
        log.warning("cannot open the %r modal: %s", title, _error(exc))
        report(":warning: The form did not open in time. Please click again.")
        return
    modal = opened.get("view") or {}
    content = fill()
    try:
        client.views_update(view_id=modal.get("id"), hash=modal.get("hash"), view=content)
    except (SlackApiError, OSError) as exc:
        log.warning("cannot fill in the %r modal: %s", title, _error(exc))
        report(":warning: " + TROUBLE)


def web_client(*, token: str, api_url: str = "", timeout: int = 10) -> WebClient:
    """The Web API client for the bot token; `api_url` (Settings.slack_api_url) points it at another host."""
    if not api_url:
        return WebClient(token=token, timeout=timeout)
    base = api_url.rstrip("/")
    base_url = base + "/" if base.endswith("/api") else base + "/api/"
    return WebClient(token=token, base_url=base_url, timeout=timeout)


def build_slack_app(
    *,
    signing_secret: str,
    client: WebClient,
    concerns: StaffConcernActions,
    show_descriptions: bool,
    staff_ids: Iterable[str] = (),
    subcommands: Mapping[str, Subcommand] | None = None,
    extensions: Iterable[Extension] = (),
    command: str = "/outreach",
    submit_budget: float = SUBMIT_BUDGET_SECONDS,
    process_before_response: bool = False,
) -> App:
    """The Bolt app for concerns; `staff_ids` are Settings.staff_ids (user groups among them are resolved).

    `process_before_response` (Settings.slack_process_before_response) makes Bolt run each listener
    to the end before it answers the request, in the request's thread: when a test's request
    returns, everything it caused has happened. Otherwise the listener runs in Bolt's pool and the
    answer goes out as soon as it acks, as Slack's 3-second limit wants.
    """
    app = App(
        client=client,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        process_before_response=process_before_response,
        name="outreach",
        logger=bolt_logger(),
    )
    install_guards(app)
    listeners = ConcernListeners(
        client=client,
        concerns=concerns,
        gate=StaffGate(client, concerns, staff_ids),
        show_descriptions=show_descriptions,
        subcommands={},
        submit_budget=submit_budget,
    )
    listeners.subcommands.update(
        {
            "concerns": Subcommand(
                "`/outreach concerns`: open concerns, oldest first (`concerns 2`: the next page)",
                listeners.list_concerns,
            ),
            "concern": Subcommand(
                "`/outreach concern C-2026-0042`: one concern with its history", listeners.show_concern
            ),
        }
    )
    listeners.subcommands.update(subcommands or {})
    for extend in extensions:
        listeners.subcommands.update(extend(app, listeners.gate.allows))
    for action_id in kit.ALERT_ACTIONS:
        app.action(action_id)(listeners.on_button)
    app.action(kit.CANNED_ACTION)(listeners.on_canned_selected)
    app.view(kit.REPLY_VIEW)(listeners.on_reply_submitted)
    app.view(kit.RESOLVE_VIEW)(listeners.on_resolve_submitted)
    app.view(kit.REOPEN_VIEW)(listeners.on_reopen_submitted)
    app.command(command)(listeners.on_command)
    return app


def _error(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return f"{exc.response.status_code} {exc.response.get('error')}"
    return f"{type(exc).__name__}: {exc}"


def _state(view: Body, block: str, action: str) -> Body:
    values = (view.get("state") or {}).get("values") or {}
    return (values.get(block) or {}).get(action) or {}


def _select_value(view: Body, block: str, action: str) -> str | None:
    option = _state(view, block, action).get("selected_option") or {}
    value = option.get("value")
    return str(value) if value else None


def _text_value(view: Body, block: str, action: str) -> str | None:
    value = _state(view, block, action).get("value")
    return (str(value).strip() or None) if value else None
