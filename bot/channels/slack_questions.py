"""Unanswered questions in Slack: the post staff see, its buttons, and the New answer modal.

Each question shows in its language (with a machine translation when translation is on) and offers
Answer with… (a select of every existing answer), New answer (a modal), Not a question and
Dismiss. Only staff act; each action acks first, then claims the delivery so a retry acts once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack_app import REFUSAL, Extension, Subcommand, actor_of, delivery_key
from bot.channels.slack_blocks import OPTION_TEXT, age_text, escape, fit, language_name
from bot.clock import utcnow
from bot.outbox.transport import SendReceipt
from bot.services.teaching import (
    DISMISSED,
    NOT_QUESTION,
    AnswerChoice,
    QuestionHandled,
    QuestionNotFound,
    QuestionView,
    Taught,
    TeachingService,
    UnknownAnswer,
)

log = logging.getLogger(__name__)

ANSWER_WITH = "teach_answer_with"
NEW_ANSWER = "teach_new_answer"
NOT_A_QUESTION = "teach_not_question"
DISMISS = "teach_dismiss"
NEW_ANSWER_VIEW = "teach_new_answer_view"
QUESTION_BLOCK, ANSWER_BLOCK = "teach_question", "teach_answer"
TEXT_BLOCK_PREFIX = "teach_text_"  # + locale: the answer written in another language
TEXT_ACTION = "value"
QUESTION_MAX, ANSWER_MAX = 150, 1000  # a FAQ title is a short line; an answer fits 3 SMS segments
TEXT_LIMIT = 2500
MAX_OPTIONS = 100  # Slack's limit for one select
Block = dict[str, Any]
Body = dict[str, Any]
Call = Callable[..., Any]
PARENT_OUTCOMES = {
    "queued": "The parent gets the answer now, in their language.",
    "after_quiet_hours": "The parent gets the answer in their language when quiet hours end.",
    "too_late": "The question is more than a day old, so the parent is not texted; the bot knows it now.",
    "opted_out": "The parent has opted out, so nothing is texted; the bot knows it now.",
    "no_parent": "The parent's number is no longer kept; the bot knows it now.",
}


# -- blocks ---------------------------------------------------------------------------------------


def questions_post(views: Sequence[QuestionView], choices: Sequence[AnswerChoice]) -> tuple[str, list[Block]]:
    """One Slack message with each question and, while it is open, what staff can do with it."""
    now = utcnow()
    count = len(views)
    text = f"{count} question(s) the bot could not answer"
    blocks: list[Block] = [
        _section(f"*{count} question(s) from parents the bot could not answer.* Teach it:")
    ]
    for view in views:
        blocks.append(_section(_question_text(view, now)))
        if view.open:
            blocks.append(_actions(view, choices))
        else:
            blocks.append(_context(_handled_text(view)))
    return text, blocks


def text_block(locale: str) -> str:
    """The block id of the modal's answer in another language."""
    return f"{TEXT_BLOCK_PREFIX}{locale}"


def new_answer_modal(view: QuestionView, metadata: str, languages: Sequence[str]) -> Block:
    """The New answer modal: a short question and its answer in the school's language, and optionally in
    `languages` (the parent's first); languages left empty get machine drafts, marked for review."""
    blocks: list[Block] = [
        _section(
            f"*Parent's question* ({language_name(view.locale or 'en')}):\n“{fit(view.text, TEXT_LIMIT)}”"
        ),
    ]
    if view.translation:
        blocks.append(_context(f"Machine translation: {fit(view.translation, TEXT_LIMIT)}"))
    blocks += [
        _input(QUESTION_BLOCK, "Question, as the FAQ list names it", QUESTION_MAX, multiline=False),
        _input(ANSWER_BLOCK, "Answer, in the school's language", ANSWER_MAX, multiline=True),
    ]
    for locale in languages:
        blocks.append(
            _input(
                text_block(locale),
                f"Answer in {language_name(locale)} (optional)",
                ANSWER_MAX,
                multiline=True,
                optional=True,
                hint="Left empty, it is machine-translated when translation is on and marked for review.",
            )
        )
    return {
        "type": "modal",
        "callback_id": NEW_ANSWER_VIEW,
        "private_metadata": metadata,
        "title": _plain("New answer"),
        "submit": _plain("Save and send"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def _question_text(view: QuestionView, now: Any) -> str:
    language = language_name(view.locale or "en")
    lines = [
        f"*Question {view.id}* · {language} · {age_text(view.asked_at, now)} ago",
        f"“{fit(view.text, 1200)}”",
    ]
    if view.translation:
        lines.append(f"_Machine translation:_ {fit(view.translation, 1200)}")
    return "\n".join(lines)


def _handled_text(view: QuestionView) -> str:
    who = f"<@{view.handled_by}>" if view.handled_by else "someone"
    title = escape(view.answer_title or "")
    return {
        "answered": f":white_check_mark: Answered by {who} with *{title}*",
        "new_answer": f":new: New answer *{title}* written by {who}",
        NOT_QUESTION: f":heavy_minus_sign: Not a question ({who})",
        DISMISSED: f":wastebasket: Dismissed by {who}",
    }.get(view.status, view.status)


def _actions(view: QuestionView, choices: Sequence[AnswerChoice]) -> Block:
    groups: dict[str, list[Block]] = {}
    for choice in list(choices)[:MAX_OPTIONS]:
        groups.setdefault(choice.group, []).append(
            {"text": _plain(choice.title, OPTION_TEXT), "value": f"{view.id}|{choice.label}"}
        )
    select = {
        "type": "static_select",
        "action_id": ANSWER_WITH,
        "placeholder": _plain("Answer with…"),
        "option_groups": [
            {"label": _plain(name, 75), "options": options} for name, options in groups.items()
        ],
    }
    return {
        "type": "actions",
        "block_id": f"teach:{view.id}",
        "elements": [
            select,
            _button("New answer", NEW_ANSWER, str(view.id), "primary"),
            _button("Not a question", NOT_A_QUESTION, str(view.id)),
            _button("Dismiss", DISMISS, str(view.id)),
        ],
    }


def _plain(text: str, limit: int = 24) -> Block:
    return {"type": "plain_text", "text": fit(text, limit, mrkdwn=False), "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {"type": "button", "text": _plain(text, 75), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def _input(
    block_id: str, label: str, limit: int, *, multiline: bool, optional: bool = False, hint: str = ""
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "optional": optional,
        "element": {
            "type": "plain_text_input",
            "action_id": TEXT_ACTION,
            "multiline": multiline,
            "max_length": limit,
        },
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


# -- the outbox's Slack transport posts the questions due -------------------------------------------


class QuestionPoster:
    """Posts the questions whose time has come as one message (a kind of Slack outbox row)."""

    def __init__(self, teaching: TeachingService) -> None:
        self.teaching = teaching

    def send(self, to: str, request: Mapping[str, Any], call: Call) -> SendReceipt:
        """Post the due questions to `to`; nothing due (handled meanwhile) posts nothing."""
        views = self.teaching.due_posts()
        if not views:
            return SendReceipt(f"{to}:nothing-due")
        text, blocks = questions_post(views, self.teaching.choices())
        response = call("chat_postMessage", channel=to, text=text, blocks=blocks)
        channel, ts = str(response.get("channel") or to), str(response["ts"])
        self.teaching.posted([v.id for v in views], channel, ts)
        return SendReceipt(f"{channel}:{ts}")


def poster_kinds(
    teaching: TeachingService,
) -> dict[str, Callable[[str, Mapping[str, Any], Call], SendReceipt]]:
    """The Slack outbox kinds this module posts (for SlackAlertTransport)."""
    return {"questions": QuestionPoster(teaching).send}


# -- listeners ------------------------------------------------------------------------------------


class QuestionListeners:
    """The Bolt listeners of the question posts and the New answer modal."""

    def __init__(
        self,
        client: WebClient,
        teaching: TeachingService,
        allows: Callable[[str], bool],
        claim: Callable[[str], bool],
    ) -> None:
        self.client, self.teaching, self.allows, self.claim = client, teaching, allows, claim

    def on_answer_with(self, ack: Ack, body: Body, action: Body) -> None:
        """An answer picked in Answer with…: teach it and answer the parent."""
        ack()
        who = self._staff(body)
        if who is None:
            return
        value = str((action.get("selected_option") or {}).get("value") or "")
        question, _, label = value.partition("|")
        self._act(who, body, question, lambda qid: self._taught(self.teaching.answer_with(qid, label, who)))

    def on_set_aside(self, ack: Ack, body: Body, action: Body) -> None:
        """Not a question, or Dismiss."""
        ack()
        who = self._staff(body)
        if who is None:
            return
        status = NOT_QUESTION if action.get("action_id") == NOT_A_QUESTION else DISMISSED
        done = "marked not a question" if status == NOT_QUESTION else "dismissed"

        def set_aside(qid: int) -> str:
            self.teaching.set_aside(qid, who, status)
            return f"Question {qid} {done}."

        self._act(who, body, str(action.get("value") or ""), set_aside)

    def on_new_answer(self, ack: Ack, body: Body, action: Body) -> None:
        """New answer: open the modal (no delivery claim: opening twice changes nothing)."""
        ack()
        who = self._staff(body)
        if who is None:
            return
        try:  # no translation here: the modal must open within the trigger's 3 seconds (the post has one)
            view = self.teaching.question(int(str(action.get("value") or "")))
        except (ValueError, QuestionNotFound):
            self._tell(body, who, ":warning: That question is no longer kept.")
            return
        if not view.open:
            self._tell(body, who, ":information_source: That question was already handled.")
            return
        channel = actor_of(body).channel
        metadata = json.dumps({"question": view.id, "channel": channel})
        modal = new_answer_modal(view, metadata, self.teaching.answer_languages(view.locale))
        try:
            self.client.views_open(trigger_id=body["trigger_id"], view=modal)
        except SlackApiError as exc:
            log.warning("cannot open the New answer modal: %s", exc.response.get("error"))

    def on_new_answer_submitted(self, ack: Ack, body: Body, view: Body) -> None:
        """Save the new answer, teach it, and send it to the parent."""
        who = actor_of(body).user_id
        if not self.allows(who):
            ack(response_action="errors", errors={ANSWER_BLOCK: REFUSAL})
            return
        question_text = _value(view, QUESTION_BLOCK)
        answer_text = _value(view, ANSWER_BLOCK)
        errors = {}
        if not question_text:
            errors[QUESTION_BLOCK] = "Write the question as the FAQ list should name it."
        if not answer_text:
            errors[ANSWER_BLOCK] = "Write the answer."
        if errors or not question_text or not answer_text:
            ack(response_action="errors", errors=errors)
            return
        ack()
        key = delivery_key(body)
        if key is not None and not self.claim(key):
            return
        meta = json.loads(view.get("private_metadata") or "{}")
        qid, channel = int(meta.get("question") or 0), meta.get("channel")
        values = (view.get("state") or {}).get("values") or {}
        texts = {
            block[len(TEXT_BLOCK_PREFIX) :]: text
            for block in values
            if block.startswith(TEXT_BLOCK_PREFIX) and (text := _value(view, block))
        }
        try:
            taught = self.teaching.new_answer(qid, who, question_text, answer_text, texts)
            message = self._taught(taught)
            self._redraw(qid)
        except (QuestionNotFound, QuestionHandled) as exc:
            message = ":warning: " + str(exc)
        except Exception:
            log.exception("new answer for question %s failed", qid)
            message = ":warning: Something went wrong on our side; nothing was saved."
        self._post_to(channel, who, message)

    # -- shared ---------------------------------------------------------------------------------

    def _staff(self, body: Body) -> str | None:
        who = actor_of(body).user_id
        if self.allows(who):
            return who
        self._tell(body, who, REFUSAL)
        return None

    def _act(self, who: str, body: Body, question: str, work: Callable[[int], str]) -> None:
        key = delivery_key(body)
        if key is not None and not self.claim(key):
            return
        try:
            qid = int(question)
            message = work(qid)
            self._redraw(qid)
        except ValueError:
            message = ":warning: That is not a question the bot kept."
        except QuestionNotFound:
            message = ":warning: That question is no longer kept."
        except (QuestionHandled, UnknownAnswer) as exc:
            message = ":information_source: " + str(exc)
        except Exception:
            log.exception("question action failed")
            message = ":warning: Something went wrong on our side; nothing was changed."
        self._tell(body, who, message)

    def _taught(self, taught: Taught) -> str:
        view = taught.question
        lines = [f":white_check_mark: Question {view.id} answered with *{escape(view.answer_title or '')}*."]
        outcome = PARENT_OUTCOMES.get(taught.parent, taught.parent)
        if view.locale in taught.drafts and taught.parent in ("queued", "after_quiet_hours"):
            outcome = outcome.rstrip(".") + ", as a machine translation (the text says so)."
        lines.append(outcome)
        if taught.drafts:
            codes = ", ".join(taught.drafts)
            lines.append(
                f"Machine-translation drafts ({codes}) are marked for review "
                "(`outreach school export` lists them)."
            )
        return " ".join(lines)

    def _redraw(self, question_id: int) -> None:
        where = self.teaching.where_posted(question_id)
        if where is None:
            return
        channel, ts = where
        text, blocks = questions_post(self.teaching.post_views(channel, ts), self.teaching.choices())
        try:
            self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            log.warning("cannot redraw the question post: %s", exc.response.get("error"))

    def _tell(self, body: Body, user: str, text: str) -> None:
        self._post_to(actor_of(body).channel, user, text)

    def _post_to(self, channel: str | None, user: str, text: str) -> None:
        try:
            if channel:
                self.client.chat_postEphemeral(channel=channel, user=user, text=text)
            else:
                self.client.chat_postMessage(channel=user, text=text)  # a DM from the bot
        except SlackApiError as exc:
            log.warning("cannot tell %s: %s", user, exc.response.get("error"))


def questions_extension(teaching: TeachingService, claim: Callable[[str], bool]) -> Extension:
    """The question listeners, registered on the concern app (they use its staff check)."""

    def extend(app: App, allows: Callable[[str], bool]) -> Mapping[str, Subcommand]:
        listeners = QuestionListeners(app.client, teaching, allows, claim)
        app.action(ANSWER_WITH)(listeners.on_answer_with)
        app.action(NEW_ANSWER)(listeners.on_new_answer)
        app.action(NOT_A_QUESTION)(listeners.on_set_aside)
        app.action(DISMISS)(listeners.on_set_aside)
        app.view(NEW_ANSWER_VIEW)(listeners.on_new_answer_submitted)
        return {}

    return extend


def _value(view: Body, block: str) -> str | None:
    state = ((view.get("state") or {}).get("values") or {}).get(block) or {}
    value = (state.get(TEXT_ACTION) or {}).get("value")
    return (str(value).strip() or None) if value else None
