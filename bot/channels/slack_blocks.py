"""Block Kit for concerns: channel alerts, escalations, slash-command answers and the staff modals.

Pure functions of the records in `concern_types`; channel blocks carry no personal data beyond the
masked phone, and every text is escaped and cut to Slack's limits.

One escaping rule for every Slack surface: a text from a parent, a staff member or a file is escaped
exactly once, by `fit`, where it enters a block, and cut before it is escaped, so a cut never splits
an entity. Lengths are counted in UTF-16 code units (an emoji counts twice), the stricter of the ways
Slack may count. Mrkdwn the bot itself wrote (mentions, dates) is only ever cut by `clip`, which backs
off to before a `<…>` or an `&…;` rather than split it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from babel import Locale, UnknownLocaleError

from bot.services.answers import UnansweredQuestion
from bot.services.concern_types import (
    NOTE_MAX_CHARS,
    RESOLUTION_CATEGORIES,
    UCP_CATEGORIES,
    CannedReply,
    ConcernEventView,
    ConcernView,
    ReplyPreview,
)
from bot.services.phones import mask_phone

Block = dict[str, Any]

# Action ids of the alert buttons; each button's value is the concern reference.
ACKNOWLEDGE = "acknowledge"
TAKE_OWNERSHIP = "take_ownership"
REPLY = "reply"
RESOLVE = "resolve"
REOPEN = "reopen"
VIEW_DESCRIPTION = "view_description"
ALERT_ACTIONS = (ACKNOWLEDGE, TAKE_OWNERSHIP, REPLY, RESOLVE, REOPEN, VIEW_DESCRIPTION)
# Modals: callback ids, and the block / action ids their submissions are read from.
REPLY_VIEW = "concern_reply"
RESOLVE_VIEW = "concern_resolve"
REOPEN_VIEW = "concern_reopen"
CANNED_BLOCK, CANNED_ACTION = "canned", "reply_canned"
NOTE_BLOCK, NOTE_ACTION = "note", "note_text"
RESOLUTION_BLOCK, RESOLUTION_ACTION = "resolution", "resolution_category"
NO_CANNED = "none"  # the "note only" option: Slack cannot clear a static_select once picked

# Slack's limits (https://docs.slack.dev/reference/block-kit).
SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
OPTION_TEXT = 75
MODAL_TITLE = 24
NOTE_MAX = NOTE_MAX_CHARS
MESSAGE_BLOCKS = 50
HISTORY_LINES = 30
LIST_LINES = 200  # concerns per page of `/outreach concerns`
LOADING = ":hourglass_flowing_sand: One moment…"

CATEGORY_LABELS = {
    "academic": "Academic",
    "safety_bullying": "Safety / bullying",
    "special_education": "Special education",
    "transportation": "Transportation",
    "attendance": "Attendance",
    "staff_conduct": "Staff conduct",
    "facilities": "Facilities",
    "other": "Other",
    "request": "Request (rights)",
}
RESOLUTION_LABELS = {
    "resolved_at_school": "Resolved at school",
    "information_given": "Information given",
    "referred": "Referred",
    "withdrawn": "Withdrawn by parent",
    "other": "Other",
}
STATUS_LABELS = {"new": "New", "acknowledged": "Acknowledged", "owned": "Owned", "resolved": "Resolved"}
STATUS_EMOJI = {
    "new": ":red_circle:",
    "acknowledged": ":large_yellow_circle:",
    "owned": ":large_blue_circle:",
}
EVENT_LABELS = {
    "created": "Received from the parent",
    "acknowledged": "Acknowledged",
    "owned": "Taken by",
    "reply": "Reply sent",
    "resolved": "Resolved",
    "reopened": "Reopened",
    "escalated": "Escalated",
    "viewed": "Description viewed",
    "survey": "Survey answer",
    "ucp_info": "UCP information sent",
}


def escape(text: str) -> str:
    """Text safe for mrkdwn: no links, mentions or `<!channel>` smuggled in by a writer."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def length(text: str) -> int:
    """The length Slack may count: UTF-16 code units, so an emoji or a rare CJK character counts twice."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int, *, mrkdwn: bool = True) -> str:
    """The raw text cut with an ellipsis, then escaped for mrkdwn, so that it is at most `limit` long."""
    render = escape if mrkdwn else str
    out = render(text)
    if length(out) <= limit:
        return out
    low, high = 0, min(len(text), limit - 1)  # the longest prefix that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if length(render(text[:middle])) + 1 <= limit:
            low = middle
        else:
            high = middle - 1
    return render(text[:low]) + "…"


def clip(mrkdwn: str, limit: int) -> str:
    """Already-built mrkdwn cut to `limit` with an ellipsis, never inside a `<…>` or an `&…;`."""
    if length(mrkdwn) <= limit:
        return mrkdwn
    low, high = 0, min(len(mrkdwn), limit - 1)
    while low < high:
        middle = (low + high + 1) // 2
        if length(mrkdwn[:middle]) + 1 <= limit:
            low = middle
        else:
            high = middle - 1
    cut = mrkdwn[:low]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    amp = cut.rfind("&")
    if amp >= 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def line_sections(lines: Sequence[str], max_sections: int, more: Callable[[int], str]) -> list[Block]:
    """Lines packed into as few sections as fit; past `max_sections`, a last line says what was left out."""
    sections = _chunks(lines)
    if len(sections) <= max_sections:
        return [_section(chunk) for chunk in sections]

    def fits(shown: int) -> bool:
        return len(_chunks([*lines[:shown], more(len(lines) - shown)])) <= max_sections

    low, high = 0, len(lines) - 1  # the most lines that fit beside the "more" line, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return [_section(chunk) for chunk in _chunks([*lines[:low], more(len(lines) - low)])]


def loading_modal(title: str) -> Block:
    """The modal opened at once when the real one needs a moment (a trigger_id lasts 3 seconds)."""
    return {
        "type": "modal",
        "title": _plain(title, MODAL_TITLE),
        "close": _plain("Cancel", MODAL_TITLE),
        "blocks": [_section(LOADING)],
    }


def notice_modal(title: str, text: str) -> Block:
    """A modal that only says something (mrkdwn the caller escaped), with a Close button."""
    return {
        "type": "modal",
        "title": _plain(title, MODAL_TITLE),
        "close": _plain("Close", MODAL_TITLE),
        "blocks": [_section(text)],
    }


def category_label(code: str) -> str:
    """The human label of a concern category."""
    return CATEGORY_LABELS.get(code, code.replace("_", " ").capitalize())


def resolution_label(code: str) -> str:
    """The human label of a resolution category."""
    return RESOLUTION_LABELS.get(code, code.replace("_", " ").capitalize())


def language_name(locale: str) -> str:
    """The English name of a locale, e.g. zh_Hans → Chinese (Simplified); the code if unknown."""
    try:
        return str(Locale.parse(locale).get_display_name("en") or locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return locale


def age_text(since: datetime, now: datetime) -> str:
    """How long ago, coarsely: "12 min", "3 h", "1 day", "2 days"."""
    seconds = max(0.0, (_utc(now) - _utc(since)).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    days = int(seconds // 86400)
    return "1 day" if days == 1 else f"{days} days"


def slack_date(moment: datetime) -> str:
    """A date Slack shows in each reader's own time zone, with a UTC fallback."""
    moment = _utc(moment)
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def actor_text(actor: str | None) -> str:
    """A Slack mention for a user id; "parent", "system" and the like as they are."""
    if not actor:
        return "unowned"
    if actor[:1] in ("U", "W") and actor.isalnum():
        return f"<@{actor}>"
    return escape(actor)


def concern_alert(view: ConcernView, *, show_description: bool, now: datetime) -> tuple[str, list[Block]]:
    """The channel alert for a concern: fallback text and blocks."""
    blocks: list[Block] = [_header(view), _fields(view, now)]
    blocks.extend(_progress(view))
    if show_description:
        blocks.extend(description_blocks(view, include_student=False))
    blocks.append(_actions(view, view_description=not show_description))
    return _summary(view), blocks


def escalation(view: ConcernView, reason: str, now: datetime) -> tuple[str, list[Block]]:
    """A post for the escalation channel: the concern has waited too long (never the description)."""
    text = f"Concern {view.reference} needs attention: {fit(reason, 500)}"
    blocks: list[Block] = [
        _plain_header(f":warning: Escalation: concern {view.reference}"),
        _section(f"*{fit(reason, 500)}*"),
        _fields(view, now),
    ]
    blocks.extend(_progress(view))
    buttons = []
    if view.status == "new":
        buttons.append(_button("Acknowledge", ACKNOWLEDGE, view.reference, style="primary"))
    if view.status != "resolved":
        buttons.append(_button("Take ownership", TAKE_OWNERSHIP, view.reference))
    if buttons:
        blocks.append({"type": "actions", "block_id": "concern_actions", "elements": buttons})
    return text, blocks


def concern_detail(view: ConcernView, now: datetime) -> tuple[str, list[Block]]:
    """One concern with its history, for `/outreach concern REF` (the description stays behind a button)."""
    blocks: list[Block] = [_header(view), _fields(view, now)]
    blocks.extend(_progress(view))
    events = sorted(view.history, key=lambda event: _utc(event.at))
    hidden = max(0, len(events) - HISTORY_LINES)
    lines = [_history_line(event) for event in events[hidden:]]
    if hidden:
        lines.insert(0, f"_{hidden} earlier events not shown_")
    for chunk in _chunks(["*History*", *lines] if lines else ["*History*", "_none yet_"]):
        blocks.append(_section(chunk))
    blocks.append(_actions(view, view_description=True))
    return _summary(view), blocks


def open_concerns(views: Sequence[ConcernView], now: datetime, page: int = 1) -> tuple[str, list[Block]]:
    """The open concerns, one line each (reference, category, language, age, owner), a page at a time."""
    if not views:
        text = "No open concerns. :tada:"
        return text, [_section(text)]
    pages = max(1, -(-len(views) // LIST_LINES))
    page = min(max(1, page), pages)
    first = (page - 1) * LIST_LINES
    shown = views[first : first + LIST_LINES]
    summary = f"{len(views)} open concern{'s' if len(views) != 1 else ''} (oldest first)"
    title = f"*{summary}*" + (f" · page {page} of {pages}" if pages > 1 else "")
    lines = [_list_line(view, now) for view in shown]
    after = len(views) - first - len(shown)

    def more(left: int) -> str:
        rest = left + after
        return f"…and {rest} more: `/outreach concerns {page + 1}` shows the next page"

    if after:
        lines.append(more(0))
    return summary, [_section(title), *line_sections(lines, MESSAGE_BLOCKS - 1, more)]


def unanswered_questions(questions: Sequence[UnansweredQuestion], now: datetime) -> tuple[str, list[Block]]:
    """`/outreach questions`: what parents asked that no answer fitted, newest first."""
    if not questions:
        return "No unanswered questions.", [_section("No unanswered questions. :tada:")]
    lines = [
        f"• {fit(q.text, 300)}  _({escape(language_name(q.locale or 'en'))}, {age_text(q.at, now)} ago)_"
        for q in questions
    ]
    header = (
        f"*{len(questions)} question(s) the bot could not answer.* "
        "Add answers as FAQ entries in the school file."
    )
    return f"{len(questions)} unanswered question(s)", [
        _section(header),
        *line_sections(lines, MESSAGE_BLOCKS - 1, lambda left: f"…and {left} more, older"),
    ]


def description_blocks(view: ConcernView, *, include_student: bool = True) -> list[Block]:
    """The parent's own words (and their machine translation, labelled), cut to Slack's limits."""
    heading = f"*Description* (in {language_name(view.locale)})\n"
    blocks = [_section(heading + fit(view.description, SECTION_TEXT - len(heading)))]
    if view.description_translation:
        provider = f" ({escape(view.translation_provider)})" if view.translation_provider else ""
        label = f"*Machine translation{provider}*\n"
        blocks.append(_section(label + fit(view.description_translation, SECTION_TEXT - len(label))))
    if view.contact_window:
        label = "*Good time to reach them (parent's words)*\n"
        blocks.append(_section(label + fit(view.contact_window, 500)))
    if include_student and view.share_student and view.student_info:
        label = "*Student (shared by the parent)*\n"
        blocks.append(_section(label + fit(view.student_info, 500)))
    return blocks


def description_text(view: ConcernView) -> str:
    """Notification text for the ephemeral description."""
    return f"Description of concern {view.reference}"


def modal_metadata(reference: str, channel: str | None) -> str:
    """The private_metadata of a concern modal: which concern, and where to answer the user."""
    return json.dumps({"reference": reference, "channel": channel or ""})


def read_metadata(raw: str | None) -> tuple[str, str | None]:
    """The reference and channel kept in a modal's private_metadata."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return "", None
    if not isinstance(data, dict):
        return "", None
    return str(data.get("reference") or ""), (str(data.get("channel") or "") or None)


def reply_modal(
    view: ConcernView,
    canned: Sequence[CannedReply],
    *,
    selected: str | None,
    preview: ReplyPreview | None,
    metadata: str,
    note: str | None = None,
) -> Block:
    """The reply modal: parent's language, canned replies, an optional note and the SMS preview."""
    language = language_name(view.locale)
    blocks: list[Block] = [
        _section(
            f"*{view.reference}* · {category_label(view.category)}\n"
            f"The parent reads *{escape(language)}* (`{escape(view.locale)}`). "
            "Your reply goes by SMS, in that language."
        )
    ]
    if canned:
        options = [_option("No canned reply (note only)", NO_CANNED)]
        options += [_option(reply.english, reply.id) for reply in canned[:99]]
        chosen = next((o for o in options if o["value"] == (selected or NO_CANNED)), options[0])
        blocks.append(
            {
                "type": "input",
                "block_id": CANNED_BLOCK,
                "optional": True,
                "dispatch_action": True,
                "label": _plain("Canned reply"),
                "element": {
                    "type": "static_select",
                    "action_id": CANNED_ACTION,
                    "options": options,
                    "initial_option": chosen,
                },
            }
        )
    note_input: Block = {
        "type": "plain_text_input",
        "action_id": NOTE_ACTION,
        "multiline": True,
        "max_length": NOTE_MAX,
        "placeholder": _plain("Optional: a few words of your own (translated for the parent)"),
    }
    if note:
        note_input["initial_value"] = note[:NOTE_MAX]
    blocks.append(
        {
            "type": "input",
            "block_id": NOTE_BLOCK,
            "optional": True,
            "label": _plain("Note"),
            "element": note_input,
        }
    )
    blocks.append(_preview_block(preview, language))
    return _modal(REPLY_VIEW, "Reply to parent", "Send", blocks, metadata)


def resolve_modal(view: ConcernView, metadata: str) -> Block:
    """The resolve modal: a resolution category and a required note."""
    options = [_option(resolution_label(code), code) for code in RESOLUTION_CATEGORIES]
    blocks: list[Block] = [
        _section(
            f"*{view.reference}* · {category_label(view.category)}\n"
            "The parent gets the resolution in their language and a short satisfaction survey."
        ),
        {
            "type": "input",
            "block_id": RESOLUTION_BLOCK,
            "label": _plain("Resolution"),
            "element": {"type": "static_select", "action_id": RESOLUTION_ACTION, "options": options},
        },
        _note_input("What was done (kept in the concern's history)"),
    ]
    return _modal(RESOLVE_VIEW, "Resolve concern", "Resolve", blocks, metadata)


def reopen_modal(view: ConcernView, metadata: str) -> Block:
    """The reopen modal: a required note saying why."""
    blocks: list[Block] = [
        _section(f"*{view.reference}* · {category_label(view.category)} · currently resolved"),
        _note_input("Why reopen? (kept in the concern's history)"),
    ]
    return _modal(REOPEN_VIEW, "Reopen concern", "Reopen", blocks, metadata)


def preview_summary(preview: ReplyPreview) -> str:
    """A one-line account of a reply preview: language, segments, machine translation."""
    segments = f"{preview.segments} SMS segment{'s' if preview.segments != 1 else ''}"
    machine = " · note machine translated" if preview.machine_translated else ""
    return f"{language_name(preview.locale)} · {segments}{machine}"


# -- building blocks ---------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    # Naive datetimes from the store are UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _plain(text: str, limit: int = OPTION_TEXT) -> Block:
    return {"type": "plain_text", "text": fit(text, limit, mrkdwn=False), "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT)}}


def _plain_header(text: str) -> Block:
    return {"type": "header", "text": _plain(text, HEADER_TEXT)}


def _header(view: ConcernView) -> Block:
    emoji = STATUS_EMOJI.get(view.status, ":white_check_mark:")
    return _plain_header(f"{emoji} Concern {view.reference} · {STATUS_LABELS.get(view.status, view.status)}")


def _summary(view: ConcernView) -> str:
    status = STATUS_LABELS.get(view.status, view.status).lower()
    return (
        f"Concern {view.reference}: {category_label(view.category)}, "
        f"{language_name(view.locale)}, {status}, owner {actor_text(view.owner)}"
    )


def _fields(view: ConcernView, now: datetime) -> Block:
    if view.status == "resolved" and view.resolved_at is not None:
        age = ("Open for", age_text(view.received_at, view.resolved_at))
    else:
        age = ("Waiting", age_text(view.received_at, now))
    pairs = [
        ("Category", category_label(view.category)),
        ("Language", f"{escape(language_name(view.locale))} (`{escape(view.locale)}`)"),
        ("Received", slack_date(view.received_at)),
        age,
        ("Phone", mask_phone(view.phone_masked)),
        ("Status", STATUS_LABELS.get(view.status, escape(view.status))),
        ("Owner", actor_text(view.owner)),
    ]
    if view.contact_preference:
        # Only the structured choice: the parent's own words ("when is a good time") may hold a
        # phone number or a name, so they stay behind "View description" with the rest.
        pairs.append(("Contact by", fit(view.contact_preference.capitalize(), 200)))
    fields = [{"type": "mrkdwn", "text": clip(f"*{name}*\n{value}", FIELD_TEXT)} for name, value in pairs]
    return {"type": "section", "fields": fields[:10]}


def _progress(view: ConcernView) -> list[Block]:
    lines = []
    if view.acknowledged_by:
        when = f" {slack_date(view.acknowledged_at)}" if view.acknowledged_at else ""
        lines.append(f":eyes: Acknowledged by {actor_text(view.acknowledged_by)}{when}")
    if view.owner:
        lines.append(f":bust_in_silhouette: Owner {actor_text(view.owner)}")
    if view.status == "resolved":
        when = f" {slack_date(view.resolved_at)}" if view.resolved_at else ""
        category = f" · {resolution_label(view.resolution_category)}" if view.resolution_category else ""
        lines.append(f":white_check_mark: Resolved by {actor_text(view.resolved_by)}{when}{category}")
    if view.category in UCP_CATEGORIES:
        lines.append(":scales: The Uniform Complaint Procedure may apply; the parent was told it exists.")
    blocks: list[Block] = []
    if lines:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line} for line in lines]})
    if view.status == "resolved" and view.resolution_note:
        label = "*Resolution note*\n"
        blocks.append(_section(label + fit(view.resolution_note, 1000)))
    return blocks


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": _plain(text, BUTTON_TEXT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _actions(view: ConcernView, *, view_description: bool) -> Block:
    ref = view.reference
    buttons: list[Block] = []
    if view.status == "new":
        buttons.append(_button("Acknowledge", ACKNOWLEDGE, ref, style="primary"))
    if view.status != "resolved":
        buttons.append(_button("Take ownership", TAKE_OWNERSHIP, ref))
    buttons.append(_button("Reply", REPLY, ref))
    if view.status == "resolved":
        buttons.append(_button("Reopen", REOPEN, ref))
    else:
        buttons.append(_button("Resolve", RESOLVE, ref))
    if view_description:
        buttons.append(_button("View description", VIEW_DESCRIPTION, ref))
    return {"type": "actions", "block_id": "concern_actions", "elements": buttons}


def _history_line(event: ConcernEventView) -> str:
    label = EVENT_LABELS.get(event.kind, escape(event.kind.replace("_", " ").capitalize()))
    line = f"• {slack_date(event.at)} {label} · {actor_text(event.actor)}"
    # The creation event may carry the parent's words; those stay behind "View description".
    if event.detail and event.kind != "created":
        line += ": " + fit(event.detail, 300)
    return line


def _list_line(view: ConcernView, now: datetime) -> str:
    status = STATUS_LABELS.get(view.status, view.status).lower()
    return (
        f"• *{view.reference}* · {category_label(view.category)} · {escape(language_name(view.locale))} · "
        f"{age_text(view.received_at, now)} · {actor_text(view.owner)} · {status}"
    )


def _chunks(lines: Iterable[str], limit: int = SECTION_TEXT) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and length(current) + 1 + length(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def _option(text: str, value: str) -> Block:
    return {"text": _plain(text, OPTION_TEXT), "value": value[:150]}


def _note_input(label: str) -> Block:
    return {
        "type": "input",
        "block_id": NOTE_BLOCK,
        "label": _plain(label, 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": NOTE_ACTION,
            "multiline": True,
            "min_length": 1,
            "max_length": NOTE_MAX,
        },
    }


def _preview_block(preview: ReplyPreview | None, language: str) -> Block:
    if preview is None:
        return _section(
            f"*SMS preview* ({escape(language)})\n_Write a note to see what the parent will get._"
        )
    heading = f"*SMS preview* ({escape(preview_summary(preview))})\n"
    return _section(heading + fit(preview.text, SECTION_TEXT - len(heading)))


def _modal(callback_id: str, title: str, submit: str, blocks: list[Block], metadata: str) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, MODAL_TITLE),
        "submit": _plain(submit, MODAL_TITLE),
        "close": _plain("Cancel", MODAL_TITLE),
        "private_metadata": metadata[:3000],
        "blocks": blocks,
    }
