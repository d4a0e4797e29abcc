"""Block Kit for volunteers in Slack: upcoming shifts, and a shift's roster with attendance buttons.

Parents' personal data stays out: a name only if the school gave one, the phone's last four digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.channels.slack_blocks import (
    MESSAGE_BLOCKS,
    clip,
    escape,
    fit,
    language_name,
    line_sections,
    slack_date,
)
from bot.services.volunteer_types import Roster, RosterEntry, ShiftView

Block = dict[str, Any]

ATTENDED = "volunteer_attended"
NO_SHOW = "volunteer_no_show"
REQUIREMENT = "volunteer_requirement"  # + "_<n>": action ids are unique within a block
ROSTER_ENTRIES = 20  # two blocks each, under Slack's 50 blocks per message
SECTION_TEXT = 3000
REQUIREMENT_LABELS = {
    "application": "Volunteer form",
    "tb_test": "TB test",
    "fingerprints": "Fingerprints",
    "training": "Training",
}
STATUS_LABELS = {
    "confirmed": ":white_check_mark: coming",
    "offered": ":hourglass: offered a place",
    "waitlisted": ":clock3: waitlist",
    "attended": ":star: attended",
    "no_show": ":x: did not come",
}


def requirement_label(code: str) -> str:
    """Staff's name for a requirement; a school's own requirement as written."""
    return REQUIREMENT_LABELS.get(code, code)


def upcoming_shifts(shifts: Sequence[ShiftView]) -> tuple[str, list[Block]]:
    """`/outreach volunteers`: each upcoming shift with places filled and the waitlist."""
    if not shifts:
        text = "No upcoming volunteer shifts. Load some with `outreach volunteers load FILE`."
        return text, [_section(text)]
    lines = [_shift_line(shift) for shift in shifts]
    text = f"{len(shifts)} upcoming volunteer shifts"
    blocks: list[Block] = [_section(f"*{text}* · `/outreach roster ID` for who is coming")]

    def more(left: int) -> str:
        return f"…and {left} more: `outreach volunteers list` on the server lists them all"

    return text, blocks + line_sections(lines, MESSAGE_BLOCKS - 1, more)


def roster(view: Roster) -> tuple[str, list[Block]]:
    """`/outreach roster ID`: who is coming and who waits, with attendance and requirement buttons."""
    shift = view.shift
    coming = [e for e in view.entries if e.status in ("confirmed", "offered", "attended", "no_show")]
    waiting = [e for e in view.entries if e.status == "waitlisted"]
    text = f"Roster of shift {shift.id}: {fit(shift.title, 150)}, {shift.filled}/{shift.capacity} filled"
    header = (
        f"*{fit(shift.title, 150)}* · {slack_date(shift.starts_at)} · {escape(shift.location or '-')}\n"
        f"{shift.filled}/{shift.capacity} filled · waitlist {shift.waitlisted} · "
        f"supervisor {escape(shift.supervisor or '-')}"
    )
    blocks: list[Block] = [_section(header)]
    if not view.entries:
        blocks.append(_section("Nobody has signed up yet."))
    for entry in coming[:ROSTER_ENTRIES]:
        blocks.append(_section(_entry_line(entry)))
        actions = _entry_actions(entry)
        if actions is not None:
            blocks.append(actions)
    if len(coming) > ROSTER_ENTRIES:
        blocks.append(
            _section(f"… and {len(coming) - ROSTER_ENTRIES} more: `outreach volunteers roster {shift.id}`")
        )
    if waiting:
        lines = ["*Waitlist*", *(f"{e.position or '-'}. {_who(e)}" for e in waiting)]

        def more(left: int) -> str:
            return f"…and {left} more waiting: `outreach volunteers roster {shift.id}` on the server"

        blocks += line_sections(lines, MESSAGE_BLOCKS - len(blocks), more)
    return text, blocks


def _shift_line(shift: ShiftView) -> str:
    full = " · *full*" if shift.filled >= shift.capacity else ""
    cancelled = " · ~cancelled~" if shift.status == "cancelled" else ""
    return (
        f"`{shift.id}` *{fit(shift.title, 80)}* · {slack_date(shift.starts_at)} · "
        f"{shift.filled}/{shift.capacity} filled{full} · waitlist {shift.waitlisted}{cancelled}"
    )


def _who(entry: RosterEntry) -> str:
    name = fit(entry.name, 60) if entry.name else "_no name given_"
    return f"{name} ({entry.phone}, {escape(language_name(entry.locale or 'en'))})"


def _entry_line(entry: RosterEntry) -> str:
    status = STATUS_LABELS.get(entry.status, entry.status)
    missing = ", ".join(requirement_label(r) for r in entry.requirements_missing)
    met = ", ".join(requirement_label(r) for r in entry.requirements_met)
    parts = [f"{_who(entry)} · {status}"]
    if entry.hours:
        parts.append(f"{entry.hours:g} h")
    if met:
        parts.append(f"done: {escape(met)}")
    if missing:
        parts.append(f"still needs: {escape(missing)}")
    return " · ".join(parts)


def _entry_actions(entry: RosterEntry) -> Block | None:
    buttons: list[Block] = []
    if entry.status in ("confirmed", "no_show"):
        buttons.append(_button("Attended", ATTENDED, str(entry.signup_id), "primary"))
    if entry.status in ("confirmed", "attended"):
        buttons.append(_button("Did not come", NO_SHOW, str(entry.signup_id)))
    for number, requirement in enumerate(entry.requirements_missing):
        label = f"{requirement_label(requirement)} done"
        buttons.append(_button(label, f"{REQUIREMENT}_{number}", f"{entry.signup_id}:{requirement}"))
    if not buttons:
        return None
    return {"type": "actions", "block_id": f"signup_{entry.signup_id}", "elements": buttons[:25]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": fit(text, 75, mrkdwn=False)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT)}}
