"""Every figure the report shows, per rubric indicator: its definition and how it is computed.

A feature that writes a new evidence kind adds its figures here (and a criterion in thresholds.yaml
when the figure should drive the suggested level). docs/evidence.md lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.report import concern_stats, stats
from bot.report.sources import Evidence
from bot.report.stats import Measure, Rows, mean, median, of_kind, percentile, total, with_detail


@dataclass(frozen=True)
class FigureSpec:
    """One figure: a stable key (used by thresholds and CSV), its words, and how to compute it."""

    key: str
    label: str
    definition: str
    unit: str  # count | share | hours | score | number
    compute: Callable[[Evidence], Measure]
    by_language: bool = True
    detail_label: str | None = None  # also broken down by the evidence detail (topic, category...)


def _p90(numbers: Sequence[float]) -> float | None:
    return percentile(numbers, 0.9)


def _languages_in_use(rows: Rows) -> Measure:
    found = stats.select(rows, of_kind("1B", "language_detected", "language_chosen"))
    if not found:
        return stats.NO_DATA
    return stats.measure(float(len({row.detail or row.locale for row in found})), found)


def _people(
    predicate: stats.Predicate, how: Callable[[Sequence[float]], float | None]
) -> Callable[[Rows], Measure]:
    """A summary of attendance rows whose group is the people counted, so a tiny class is suppressed."""

    def compute(rows: Rows) -> Measure:
        found = [row for row in stats.select(rows, predicate) if row.value is not None]
        people = int(sum(stats.values(found)))
        value = how(stats.values(found))
        if value is None or not found:
            return stats.NO_DATA
        return Measure(value, people, personal=True, items=len(found))

    return compute


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


def _need_not_met(row: stats.EvidenceRecord) -> bool:
    return row.indicator == "4E" and row.kind == "need_met" and row.value == 0


SELF_CHECK = of_kind("4A", "self_check_yes", "self_check_no")
DELIVERY = of_kind("1B", "delivered", "undelivered")

FIGURES: dict[str, tuple[FigureSpec, ...]] = {
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
            "Answer rate",
            "Answered questions among all free-text questions (answered / (answered + unanswered)).",
            "share",
            stats.share(
                of_kind("1D", "question_answered"), of_kind("1D", "question_answered", "question_unanswered")
            ),
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
            "Different parents with a question or menu answer (any 1D evidence).",
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
            "Parents who said yes",
            "RSVPs answered yes (1E rsvp, detail yes).",
            "count",
            stats.count(with_detail(of_kind("1E", "rsvp"), "yes")),
        ),
        FigureSpec(
            "rsvp_yes_rate",
            "Yes per invitation",
            "RSVPs answered yes per invitation sent (1E rsvp yes / invitation_sent).",
            "share",
            stats.rate(with_detail(of_kind("1E", "rsvp"), "yes"), of_kind("1E", "invitation_sent")),
        ),
    ),
    "2C": (
        FigureSpec(
            "attendance_total",
            "Attendance (head counts)",
            "People counted at parent classes and workshops by staff (2C attended, one head count per "
            "event, dated at the event, summed). Fewer than the minimum group in all: not shown.",
            "count",
            _people(of_kind("2C", "attended"), total),
            by_language=False,
        ),
        FigureSpec(
            "attendance_per_event",
            "Attendance per event",
            "Average head count of the classes and workshops with one (2C attended); suppressed like any "
            "small group when fewer people than the minimum were counted.",
            "number",
            _people(of_kind("2C", "attended"), mean),
            by_language=False,
        ),
        FigureSpec(
            "named_attendees",
            "Parents named as attending",
            "Parents staff marked present by name (2C attended_named); kept apart from head counts, so "
            "naming one parent never replaces a count.",
            "count",
            _people(of_kind("2C", "attended_named"), total),
            by_language=False,
        ),
    ),
    "3B": (
        FigureSpec(
            "volunteer_signups",
            "Volunteer signups",
            "Signups for volunteer opportunities, confirmed or waitlisted (3B volunteer_signup).",
            "count",
            stats.count(of_kind("3B", "volunteer_signup")),
            detail_label="status",
        ),
        FigureSpec(
            "volunteer_parents",
            "Parents volunteering",
            "Different parents who signed up to volunteer (3B volunteer_signup).",
            "count",
            stats.distinct_parents(of_kind("3B", "volunteer_signup")),
        ),
        FigureSpec(
            "volunteer_family_share",
            "Families volunteering",
            "Families on the roster who signed up to volunteer, among all roster families "
            "(3B volunteer_signup / roster).",
            "share",
            stats.family_share(of_kind("3B", "volunteer_signup")),
        ),
        FigureSpec(
            "volunteer_cancellations",
            "Cancellations",
            "Volunteer signups cancelled (3B volunteer_cancelled).",
            "count",
            stats.count(of_kind("3B", "volunteer_cancelled")),
        ),
    ),
    "3C": (
        FigureSpec(
            "trainings_completed",
            "Trainings completed",
            "Volunteer trainings completed (3C training_completed).",
            "count",
            stats.count(of_kind("3C", "training_completed")),
        ),
        FigureSpec(
            "requirements_met",
            "Requirements met",
            "Volunteer requirements met, such as a TB test or fingerprints (3C requirement_met).",
            "count",
            stats.count(of_kind("3C", "requirement_met")),
            detail_label="requirement",
        ),
        FigureSpec(
            "trained_share",
            "Confirmed volunteers trained",
            "Parents with a completed training among parents with a confirmed signup "
            "(3C training_completed / 3B volunteer_signup confirmed).",
            "share",
            stats.parent_share(
                of_kind("3C", "training_completed"),
                with_detail(of_kind("3B", "volunteer_signup"), "confirmed"),
            ),
        ),
    ),
    "3D": (
        FigureSpec(
            "fill_rate_mean",
            "Average fill rate",
            "Volunteer places filled per place offered, averaged over opportunities (3D fill_rate).",
            "share",
            stats.summarize(of_kind("3D", "fill_rate"), mean),
            by_language=False,
        ),
        FigureSpec(
            "skill_match_rate",
            "Signups matching a skill",
            "Signups where the parent's stated skill matches the task (3D skill_match, 1 or 0 per signup).",
            "share",
            stats.summarize(of_kind("3D", "skill_match"), mean),
        ),
    ),
    "3E": (
        FigureSpec(
            "volunteer_hours",
            "Volunteer hours",
            "Hours volunteered, as recorded (3E volunteer_hours, summed).",
            "hours",
            stats.summarize(of_kind("3E", "volunteer_hours"), total),
        ),
    ),
    "4A": (
        FigureSpec(
            "topics_viewed",
            "Rights topics read",
            "Topics of the Parents' Bill of Rights read by text (4A rights_topic_viewed).",
            "count",
            stats.count(of_kind("4A", "rights_topic_viewed")),
            detail_label="topic",
        ),
        FigureSpec(
            "parents_reading_rights",
            "Parents who read their rights",
            "Different parents who read at least one rights topic (4A rights_topic_viewed).",
            "count",
            stats.distinct_parents(of_kind("4A", "rights_topic_viewed")),
        ),
        FigureSpec(
            "rights_read_share",
            "Families who read their rights",
            "Families on the roster who read at least one rights topic, among all roster families "
            "(4A rights_topic_viewed / roster).",
            "share",
            stats.family_share(of_kind("4A", "rights_topic_viewed")),
        ),
        FigureSpec(
            "self_check_helped_share",
            "Topic answered the question",
            "Self-checks saying 'this answered my question' among all self-checks after a topic "
            "(4A self_check_yes / (self_check_yes + self_check_no)).",
            "share",
            stats.share(of_kind("4A", "self_check_yes"), SELF_CHECK),
        ),
    ),
    "4B": (
        FigureSpec(
            "rights_info_given",
            "Rights information given",
            "Times a parent was told about a right by text (4B rights_info_given).",
            "count",
            stats.count(of_kind("4B", "rights_info_given")),
        ),
        FigureSpec(
            "rights_reach_share",
            "Families told their rights",
            "Families on the roster told about at least one right in the period, among all roster "
            "families (4B rights_info_given / roster); texting more does not change the denominator.",
            "share",
            stats.family_share(of_kind("4B", "rights_info_given")),
        ),
        FigureSpec(
            "rights_requests",
            "Requests from a right",
            "Classroom visits, meetings, records and other requests made from a rights topic "
            "(4B rights_request).",
            "count",
            stats.count(of_kind("4B", "rights_request")),
            detail_label="topic",
        ),
        FigureSpec(
            "concerns_raised",
            "Concerns raised",
            "Concerns parents raised by text (4B concern_raised), by category.",
            "count",
            stats.count(of_kind("4B", "concern_raised")),
            detail_label="category",
        ),
    ),
    "4E": (
        FigureSpec(
            "concerns_in_period",
            "Concerns and requests raised",
            "Concerns and requests parents raised in the period, from the concerns themselves.",
            "count",
            concern_stats.raised,
        ),
        FigureSpec(
            "open_overdue",
            "Open past their due time",
            "Concerns raised in the period that are still not acknowledged or not resolved after their due "
            "time, as of the report.",
            "count",
            concern_stats.open_overdue,
        ),
        FigureSpec(
            "ack_within_target_share",
            "Acknowledged within target",
            "Concerns acknowledged by their due time (CONCERN_ACK_TARGET_SCHOOL_DAYS) among concerns "
            "acknowledged or past their due time; one still not acknowledged after it counts as a miss.",
            "share",
            concern_stats.within_target("acknowledge"),
        ),
        FigureSpec(
            "ack_hours_median",
            "Median time to acknowledge",
            "Median hours from a concern being raised to staff acknowledging it; a concern still waiting "
            "past its due time counts at its age so far.",
            "hours",
            concern_stats.hours("acknowledge", median),
        ),
        FigureSpec(
            "ack_hours_p90",
            "90th percentile time to acknowledge",
            "Nine in ten concerns were acknowledged within this many hours (waiting ones at their age).",
            "hours",
            concern_stats.hours("acknowledge", _p90),
        ),
        FigureSpec(
            "resolve_within_target_share",
            "Resolved within target",
            "Concerns resolved by their due time (CONCERN_RESOLVE_TARGET_SCHOOL_DAYS) among concerns "
            "resolved or past their due time; one still open after it counts as a miss.",
            "share",
            concern_stats.within_target("resolve"),
        ),
        FigureSpec(
            "resolve_hours_median",
            "Median time to resolve",
            "Median hours from a concern being raised to staff resolving it; a concern still open past "
            "its due time counts at its age so far.",
            "hours",
            concern_stats.hours("resolve", median),
        ),
        FigureSpec(
            "resolve_hours_p90",
            "90th percentile time to resolve",
            "Nine in ten concerns were resolved within this many hours (open ones at their age).",
            "hours",
            concern_stats.hours("resolve", _p90),
        ),
        FigureSpec(
            "survey_response_rate",
            "Survey response rate",
            "Resolved concerns whose parent answered the survey after the resolution, among resolved "
            "concerns.",
            "share",
            concern_stats.survey_response_rate,
        ),
        FigureSpec(
            "need_met_share",
            "Need confirmed met",
            "Resolved concerns whose parent said the child's need was met, among all resolved concerns: "
            "an unanswered survey counts as not confirmed, so fewer answers never raise it.",
            "share",
            concern_stats.need_met_confirmed,
        ),
        FigureSpec(
            "need_met_among_answers",
            "Need met, among answers",
            "Survey answers saying the child's need was met, among survey answers (read it with the "
            "response rate).",
            "share",
            concern_stats.need_met_among_answers,
        ),
        FigureSpec(
            "satisfaction_mean",
            "Average satisfaction",
            "Parents' answer to 'how happy are you with how we handled your concern', 1 (not at all) "
            "to 5 (very happy), among survey answers.",
            "score",
            concern_stats.satisfaction_mean,
        ),
        FigureSpec(
            "status_checks",
            "Status checks",
            "Times parents checked a concern's status by text (4E status_checked).",
            "count",
            stats.count(of_kind("4E", "status_checked")),
        ),
    ),
    "5A": (
        FigureSpec(
            "home_language_coverage_mean",
            "Home-language coverage",
            "Share of each announcement's audience who got it in their home language, averaged over "
            "announcements (5A home_language_coverage).",
            "share",
            stats.summarize(of_kind("5A", "home_language_coverage"), mean),
            by_language=False,
        ),
        FigureSpec(
            "translation_overrides",
            "Translations corrected by staff",
            "Announcements whose translation staff replaced by hand (5A translation_override).",
            "count",
            stats.count(of_kind("5A", "translation_override")),
            by_language=False,
        ),
        FigureSpec(
            "school_texts_reviewed_share",
            "School texts reviewed by a person",
            "Share of the school's own texts in a language other than its default (answers, places, "
            "contacts, the UCP form) that a person wrote or reviewed rather than a machine drafted, "
            "counted at each school file load (5A school_texts).",
            "share",
            stats.weighted_share(
                with_detail(of_kind("5A", "school_texts"), "reviewed"), of_kind("5A", "school_texts")
            ),
        ),
    ),
    "5C": (
        FigureSpec(
            "ucp_info_given",
            "UCP information given",
            "Times a parent was told about the Uniform Complaint Procedure and the district form "
            "(5C ucp_info_given), by what led to it.",
            "count",
            stats.count(of_kind("5C", "ucp_info_given")),
            detail_label="reason",
        ),
        FigureSpec(
            "parents_told_ucp",
            "Parents told about the UCP",
            "Different parents told about the Uniform Complaint Procedure (5C ucp_info_given).",
            "count",
            stats.distinct_parents(of_kind("5C", "ucp_info_given")),
        ),
        FigureSpec(
            "need_not_met_share",
            "Need not met after resolution",
            "Survey answers after a resolution saying the child's need was not met (4E need_met = 0): the "
            "concerns that could become UCP complaints.",
            "share",
            stats.share(_need_not_met, of_kind("4E", "need_met")),
        ),
    ),
}

REPORTED_INDICATORS = tuple(FIGURES)
