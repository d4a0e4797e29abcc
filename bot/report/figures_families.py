"""The figures of goals 1 and 2 (welcome, communication, invitations, parent classes): their
definitions and how each is computed."""

from __future__ import annotations

from bot.report import concern_stats, stats, table_stats
from bot.report.figure_spec import FigureSpec, people, pulse
from bot.report.stats import Measure, Rows, mean, median, of_kind, total, with_detail


def _languages_in_use(rows: Rows) -> Measure:
    found = stats.select(rows, of_kind("1B", "language_detected", "language_chosen"))
    if not found:
        return stats.NO_DATA
    return stats.measure(float(len({row.detail or row.locale for row in found})), found)


NOTICE_HOURS = 72.0
REMINDER_HOURS = 48.0


def _timely_notice(rows: Rows) -> Measure:
    leads: dict[str, list[float]] = {}
    for row in stats.select(rows, of_kind("1B", "reminder_lead_hours")):
        if row.value is not None:
            leads.setdefault(row.detail or "", []).append(row.value)
    if not leads:
        return stats.NO_DATA
    timely = sum(1 for found in leads.values() if max(found) >= NOTICE_HOURS and min(found) <= REMINDER_HOURS)
    return Measure(timely / len(leads), len(leads), personal=False, items=len(leads))


DELIVERY = of_kind("1B", "delivered", "undelivered")

FAMILY_FIGURES: dict[str, tuple[FigureSpec, ...]] = {
    # Asked after an event the parent was marked present at. Front-office visit logs and campus surveys
    # would add the rest of what 1A asks about (every school space, from drop-off to the office).
    "1A": pulse("1A", "felt_welcome_share", "Felt welcome", "Did you feel welcome?"),
    "1B": (
        FigureSpec(
            "texts_delivered",
            "Texts delivered",
            "Announcements and reminders the carrier confirmed delivered (1B delivered), "
            "by the family's home language.",
            "count",
            stats.count(of_kind("1B", "delivered")),
        ),
        FigureSpec(
            "delivery_rate",
            "Delivery rate",
            "Delivered texts among texts with a final delivery status "
            "(1B delivered / (delivered + undelivered)).",
            "share",
            stats.share(of_kind("1B", "delivered"), DELIVERY),
        ),
        FigureSpec(
            "home_language_share",
            "Share in the home language",
            "Announcement and reminder texts queued in the family's own home language rather than a "
            "fallback (1B queued, detail home; each row counts the messages to the families of one home "
            "language for one announcement or reminder). By language: the family's home language, so a "
            "language that only got fallbacks shows 0%.",
            "share",
            stats.weighted_share(with_detail(of_kind("1B", "queued"), "home"), of_kind("1B", "queued")),
        ),
        FigureSpec(
            "timely_notice_share",
            "Events with timely notice",
            "Events whose families got a first text at least 72 hours ahead and a reminder within the last "
            "48 hours (1B reminder_lead_hours, per event): one early text alone is not timely outreach.",
            "share",
            _timely_notice,
            by_language=False,
        ),
        FigureSpec(
            "reminder_lead_hours_median",
            "Median reminder lead time",
            "Median hours between an event reminder going out and the event starting "
            "(1B reminder_lead_hours; context: the level uses events with timely notice).",
            "hours",
            stats.summarize(of_kind("1B", "reminder_lead_hours"), median),
            by_language=False,
        ),
        FigureSpec(
            "parents_language_known",
            "Parents served in their language",
            "Parents whose home language the bot detected from a first text or who chose it from the menu "
            "(1B language_detected, language_chosen).",
            "count",
            stats.distinct_parents(of_kind("1B", "language_detected", "language_chosen")),
        ),
        FigureSpec(
            "languages_in_use",
            "Languages in use",
            "Different home languages parents were served in (1B language_detected, language_chosen).",
            "count",
            _languages_in_use,
            by_language=False,
        ),
    ),
    "1D": (
        FigureSpec(
            "staff_reply_share",
            "Parents answered by a person",
            "Concerns and requests a staff member replied to in person (Reply in Slack), among those "
            "replied to or past their acknowledge due time, from the concerns themselves: one nobody "
            "replied to counts as a parent who did not reach the school's staff.",
            "share",
            concern_stats.staff_reply_share,
        ),
        FigureSpec(
            "parents_replied",
            "Parents who got a staff reply",
            "Different parents a staff member replied to about a concern or request.",
            "count",
            concern_stats.parents_replied,
        ),
        FigureSpec(
            "staff_reply_hours_median",
            "Median time to a staff reply",
            "Median hours from a concern or request to the first staff reply; one still waiting past its "
            "due time counts at its age so far.",
            "hours",
            concern_stats.reply_hours_median,
        ),
        FigureSpec(
            "questions_answered",
            "Questions answered",
            "Parents' own questions in free text that the bot matched to an answer (1D question_answered).",
            "count",
            stats.count(of_kind("1D", "question_answered")),
        ),
        FigureSpec(
            "questions_unanswered",
            "Questions without an answer",
            "Questions no answer fitted, kept for staff (1D question_unanswered).",
            "count",
            stats.count(of_kind("1D", "question_unanswered")),
        ),
        FigureSpec(
            "answer_rate",
            "Bot answer rate",
            "Free-text questions the bot matched to a written answer, among all free-text questions "
            "(answered / (answered + unanswered)). Context only: a keyword match is not a parent reaching "
            "a person.",
            "share",
            stats.share(
                of_kind("1D", "question_answered"), of_kind("1D", "question_answered", "question_unanswered")
            ),
        ),
        FigureSpec(
            "questions_answered_after_teaching",
            "Questions answered after teaching",
            "Unanswered questions whose parent got the answer staff chose or wrote in Slack "
            "(1D taught_answer_sent).",
            "count",
            stats.count(of_kind("1D", "taught_answer_sent")),
            detail_label="answer",
        ),
        FigureSpec(
            "time_to_teach",
            "Time to answer an unanswered question",
            "Median hours from a parent's unanswered question to staff answering it in Slack "
            "(1D question_taught).",
            "hours",
            stats.summarize(of_kind("1D", "question_taught"), median),
        ),
        FigureSpec(
            "parent_messages_to_staff",
            "Parents' texts to staff",
            "Texts parents sent into a conversation with staff: a follow-up on a concern, or an answer to "
            "a staff member's text (1D parent_message).",
            "count",
            stats.count(of_kind("1D", "parent_message")),
            detail_label="conversation",
        ),
        FigureSpec(
            "staff_replies",
            "Staff texts in conversations",
            "Texts staff wrote to a family in a Slack thread or with /outreach text (1D staff_reply).",
            "count",
            stats.count(of_kind("1D", "staff_reply")),
        ),
        FigureSpec(
            "conversation_reply_hours_median",
            "Median time to a staff reply in a conversation",
            "Median hours from a parent's first unanswered text in a conversation to the staff reply "
            "(1D staff_reply, detail answered), by the family's language.",
            "hours",
            stats.summarize(with_detail(of_kind("1D", "staff_reply"), "answered"), median),
        ),
        FigureSpec(
            "parents_answered_by_staff",
            "Parents answered by staff in a conversation",
            "Different parents whose text in a conversation a staff member answered (1D staff_reply, detail "
            "answered): two-way communication.",
            "count",
            stats.distinct_parents(with_detail(of_kind("1D", "staff_reply"), "answered")),
        ),
        FigureSpec(
            "quick_answers",
            "Menu answers",
            "School contact details, hours, parent center, staff and FAQ answers picked from the menu "
            "(1D quick_answer).",
            "count",
            stats.count(of_kind("1D", "quick_answer")),
            detail_label="answer",
        ),
        FigureSpec(
            "parents_asking",
            "Parents who asked the school",
            "Different parents with a question, a menu answer or a conversation with staff "
            "(any 1D evidence).",
            "count",
            stats.distinct_parents(lambda row: row.indicator == "1D"),
        ),
    ),
    "1E": (
        FigureSpec(
            "invitations_sent",
            "Invitations sent",
            "Invitations to classroom activities and events sent to parents (1E invitation_sent).",
            "count",
            stats.count(of_kind("1E", "invitation_sent")),
        ),
        FigureSpec(
            "rsvps_yes",
            "Invited parents saying yes",
            "Invitations whose answer is yes now, from the RSVPs as they stand (a parent who changed "
            "their answer counts once, with the answer they gave last).",
            "count",
            table_stats.yes_now,
        ),
        FigureSpec(
            "rsvp_yes_rate",
            "Yes per invitation",
            "Invitations whose answer is yes now, among invitations sent (event_rsvps / 1E invitation_sent); "
            "a yes from a parent who joined after the invitation went out is not counted.",
            "share",
            table_stats.yes_now_rate,
        ),
        FigureSpec(
            "attendance_per_invitation",
            "Attendance per invitation",
            "People who came (staff's head count, or the parents marked present by name) per invitation "
            "sent, over the invited events whose attendance was recorded.",
            "share",
            table_stats.attendance_per_invitation,
            by_language=False,
        ),
        FigureSpec(
            "events_without_attendance",
            "Events with no attendance recorded",
            "Invited events that have started and have no head count or named attendee.",
            "count",
            table_stats.events_without_attendance,
            by_language=False,
        ),
    ),
    "2C": (
        FigureSpec(
            "attendance_total",
            "Attendance (head counts)",
            "People counted at parent classes and workshops by staff (2C attended, one head count per "
            "event, dated at the event, summed). Fewer than the minimum group in all: not shown.",
            "count",
            people(of_kind("2C", "attended"), total),
            by_language=False,
        ),
        FigureSpec(
            "attendance_per_event",
            "Attendance per event",
            "Average head count of the classes and workshops with one (2C attended); suppressed like any "
            "small group when fewer people than the minimum were counted.",
            "number",
            people(of_kind("2C", "attended"), mean),
            by_language=False,
        ),
        FigureSpec(
            "named_attendees",
            "Parents named as attending",
            "Parents staff marked present by name (2C attended_named); kept apart from head counts, so "
            "naming one parent never replaces a count.",
            "count",
            people(of_kind("2C", "attended_named"), total),
            by_language=False,
        ),
    ),
}
