"""`/outreach report`: a short rubric evidence summary in Slack, and how to get the full report."""

from __future__ import annotations

from datetime import date

from bot.channels.slack_app import CommandRequest, Subcommand
from bot.channels.slack_blocks import escape, fit
from bot.clock import utcnow
from bot.report.formatting import NO_DATA_YET, headline, level_name, shown
from bot.report.model import Report
from bot.report.service import ReportOptions, default_period, make_report, report_zone
from bot.store import Store

USAGE = "`/outreach report [FROM [TO]]`: rubric evidence summary (dates like 2026-01-31; default 6 months)"
TITLE_CHARS = 60


def summary_text(report: Report) -> str:
    """A few lines per indicator: the suggested level and the key figure, then where the full report is."""
    lines = [f"*Rubric evidence: {fit(report.school, 150)}, {escape(str(report.period))}*"]
    for indicator in report.indicators:
        title = fit(indicator.rubric.title, TITLE_CHARS)
        if not indicator.has_data:
            lines.append(f"• *{escape(indicator.code)}* {title}: _{NO_DATA_YET}_")
            continue
        top = headline(indicator)
        figure = escape(f"{top[0]} {shown(top[1], top[2], report.min_group)}") if top else ""
        level = level_name(indicator.suggestion.level) if indicator.suggestion.level else "no suggested level"
        lines.append(f"• *{escape(indicator.code)}* {title}: *{escape(level)}* ({figure})")
    lines.append(
        f"Groups of fewer than {report.min_group} parents are not shown. The full report, with charts by "
        "month and language and the rubric's own words, is one command on the server:\n"
        f"`outreach report --from {report.start} --to {report.end} --format html --out report.html`"
    )
    return "\n".join(lines)


def _dates(args: str, today: date) -> tuple[date, date]:
    words = args.split()
    if not words:
        return default_period(today)
    try:
        start = date.fromisoformat(words[0])
        end = date.fromisoformat(words[1]) if len(words) > 1 else today
    except ValueError:
        raise ValueError("dates look like 2026-01-31: `/outreach report 2026-01-01 2026-06-30`") from None
    return start, end


def report_subcommand(store: Store, options: ReportOptions) -> Subcommand:
    """The subcommand, reading the store with the report settings."""

    def run(request: CommandRequest) -> None:
        try:
            start, end = _dates(request.args, utcnow().astimezone(report_zone(store, options)).date())
            report = make_report(store, options, start, end)
        except ValueError as exc:
            request.respond(text=f":warning: {escape(str(exc))}", response_type="ephemeral")
            return
        request.respond(text=summary_text(report), response_type="ephemeral")

    return Subcommand(USAGE, run)
