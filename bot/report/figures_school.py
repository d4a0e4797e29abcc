"""The figures of goals 3 to 5 (volunteers, rights and concerns, compliance): their definitions and
how each is computed."""

from __future__ import annotations

from collections.abc import Sequence

from bot.report import concern_stats, stats, table_stats
from bot.report.figure_spec import FigureSpec, people, pulse
from bot.report.stats import Measure, Rows, mean, median, of_kind, percentile, with_detail


def _p90(numbers: Sequence[float]) -> float | None:
    return percentile(numbers, 0.9)


def _compliant_notices(rows: Rows) -> Measure:
    sent = stats.select(rows, of_kind("5A", "home_language_coverage"))
    if not sent:
        return stats.NO_DATA
    excepted = {row.detail for row in stats.select(rows, of_kind("5A", "translation_override"))}
    compliant = sum(1 for row in sent if row.detail not in excepted)
    return Measure(compliant / len(sent), len(sent), personal=False, items=len(sent))


def _need_not_met(row: stats.EvidenceRecord) -> bool:
    return row.indicator == "4E" and row.kind == "need_met" and row.value == 0


SELF_CHECK = of_kind("4A", "self_check_yes", "self_check_no")

SCHOOL_FIGURES: dict[str, tuple[FigureSpec, ...]] = {
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
            "training_required",
            "Volunteers whose role requires training",
            "Parents with a place on a shift in the period (confirmed or attended) whose opportunity "
            "requires training.",
            "count",
            table_stats.training_required,
        ),
        FigureSpec(
            "trained_share",
            "Volunteers trained where required",
            "Of the parents with a place on a shift whose opportunity requires training, those whose "
            "training staff recorded: volunteers in roles without a training requirement are not counted.",
            "share",
            table_stats.trained_share,
        ),
    ),
    "3D": (
        FigureSpec(
            "fill_rate",
            "Places filled by volunteers who came",
            "Volunteers who came per place offered, over the period's shifts that have ended (attended / "
            "capacity); a shift with no attendance recorded counts as nobody having come.",
            "share",
            table_stats.fill_rate,
            by_language=False,
        ),
        FigureSpec(
            "shifts_without_attendance",
            "Shifts with no attendance recorded",
            "Shifts of the period that have ended and have no attendance recorded (they count as empty "
            "in the fill rate).",
            "count",
            table_stats.shifts_without_attendance,
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
            "Volunteer hours this school year",
            "Hours volunteers came for, from 1 July of the school year to the end of the report, as the "
            "sign-ups hold them (corrections applied), by role. The annual assessment the rubric asks for "
            "reads a school year, not the report's period.",
            "hours",
            table_stats.school_year_hours,
            detail_label="role",
            split=table_stats.by_role,
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
            "requests_on_time_share",
            "Requests from a right honoured on time",
            "Requests made from a rights topic (a classroom visit, a meeting, records) resolved by their due "
            "time, among those resolved or past it, from the concerns themselves: one left open counts as "
            "a right not honoured.",
            "share",
            concern_stats.of_category("request", concern_stats.within_target("resolve")),
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
        *pulse(
            "4B",
            "rights_respected_share",
            "Feel their rights respected",
            "Do you feel the school respects your rights as a parent?",
        ),
    ),
    # Asked after a staff reply to a concern. Complaints about staff conduct are in 4B's concerns.
    "4C": pulse(
        "4C",
        "respected_share",
        "Treated with respect and informed",
        "Were you treated with respect and told what you needed?",
    ),
    "4E": (
        FigureSpec(
            "concern_conversation_messages",
            "Concern conversation messages",
            "Texts about a concern exchanged in its Slack thread, by who wrote them "
            "(4E conversation_message, detail parent or staff).",
            "count",
            stats.count(of_kind("4E", "conversation_message")),
            detail_label="from",
        ),
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
            "notices_compliant_share",
            "Notices meeting Ed Code 48985",
            "Announcements sent with a text in every language spoken by 15% or more of their audience, "
            "among announcements sent (5A home_language_coverage, one per announcement sent, less those "
            "with a 48985 exception). How many families got texts in their language is 1B.",
            "share",
            _compliant_notices,
            by_language=False,
        ),
        FigureSpec(
            "translation_overrides",
            "Ed Code 48985 exceptions",
            "Announcements a coordinator scheduled although a language spoken by 15% or more of the "
            "audience had no text (5A translation_override): each is a compliance exception, by the "
            "missing language.",
            "count",
            stats.count(of_kind("5A", "translation_override")),
            by_language=False,
        ),
        FigureSpec(
            "committee_meetings_held",
            "ELAC and SSC meetings held",
            "English Learner Advisory Committee and School Site Council meetings of the period that went "
            "ahead (events of kind elac or ssc, not cancelled), by committee.",
            "count",
            table_stats.committee_meetings,
            by_language=False,
            detail_label="committee",
            split=table_stats.by_committee,
        ),
        FigureSpec(
            "committee_notice_home_share",
            "Committee notices in the home language",
            "Parents invited to an ELAC or SSC meeting whose notice was in their own home language "
            "(5A invitation_sent, 1 home, 0 fallback), by the family's home language.",
            "share",
            stats.summarize(of_kind("5A", "invitation_sent"), mean),
        ),
        FigureSpec(
            "committee_attendance_per_meeting",
            "Committee attendance per meeting",
            "Average head count at ELAC and SSC meetings (5A attended, dated at the meeting); suppressed "
            "when fewer people than the minimum were counted.",
            "number",
            people(of_kind("5A", "attended"), mean),
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
            "ucp_family_share",
            "Families told about the UCP",
            "Families on the roster told about the Uniform Complaint Procedure (5C ucp_info_given), among "
            "all roster families: the awareness the rubric asks about.",
            "share",
            stats.family_share(of_kind("5C", "ucp_info_given")),
        ),
        FigureSpec(
            "ucp_filed",
            "UCP complaints filed",
            "Concerns of the period whose parent filed a Uniform Complaint, as staff recorded it "
            "(`outreach concerns ucp-filed`). Context: fewer is the rubric's aim, but only when families "
            "know the procedure.",
            "count",
            concern_stats.ucp_filed,
        ),
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
            "concerns that could become UCP complaints. Context, not awareness.",
            "share",
            stats.share(_need_not_met, of_kind("4E", "need_met")),
        ),
    ),
}
