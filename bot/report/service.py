"""Making a report from the store: pick the school and period, read the rows, build, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import utcnow
from bot.report.build import ReportScope, build_report
from bot.report.model import Report
from bot.report.render_csv import render_csv
from bot.report.render_html import render_html
from bot.report.render_md import render_md
from bot.report.sources import ConcernFact, EventFact, Family, RsvpFact, ShiftFact, SignupFact
from bot.report.table_stats import event_id
from bot.report.thresholds import load_thresholds
from bot.settings import Settings
from bot.store import Store
from bot.store.evidence_repo import concerns_raised, evidence_between, roster_families, schools
from bot.store.report_facts_repo import (
    current_rsvps,
    events_between,
    head_counts,
    shifts_between,
    signups_between,
)

RENDERERS: dict[str, Callable[[Report], str]] = {"html": render_html, "csv": render_csv, "md": render_md}


class UnknownSchool(LookupError):
    """The --school given matches no loaded school."""


@dataclass(frozen=True)
class ReportOptions:
    """What to report on and how: the settings' defaults, overridden by the command's options."""

    min_group: int = 5
    thresholds: Path | None = None
    zone: ZoneInfo | None = None  # None: the reported school's own zone (the active school's for all)


def options_from(settings: Settings, thresholds: Path | None = None) -> ReportOptions:
    """Report options from the settings (REPORT_MIN_GROUP, REPORT_THRESHOLDS_FILE)."""
    return ReportOptions(
        min_group=settings.report_min_group, thresholds=thresholds or settings.report_thresholds_file
    )


def report_zone(store: Store, options: ReportOptions, school: str | None = None) -> ZoneInfo:
    """The zone a report's days are counted in: the chosen school's, else the active school's."""
    if options.zone is not None:
        return options.zone
    with store.reading() as tx:
        loaded = schools(tx)
        chosen = next((s for s in loaded if school is not None and school in (str(s.id), s.slug)), None)
        chosen = chosen or tx.school()
    return ZoneInfo(chosen.data["timezone"]) if chosen is not None else ZoneInfo("UTC")


def default_period(today: date, months: int = 6) -> tuple[date, date]:
    """From the first day of the month `months - 1` months back, through today."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), today


def make_report(
    store: Store, options: ReportOptions, start: date, end: date, school: str | None = None
) -> Report:
    """The report for a period: of one school (by id or slug), or of every school in the database."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    thresholds = load_thresholds(options.thresholds)
    zone = report_zone(store, options, school)
    with store.transaction() as tx:
        loaded = schools(tx)
        school_id = None
        if school is not None:
            chosen = next((s for s in loaded if str(s.id) == school or s.slug == school), None)
            if chosen is None:
                known = ", ".join(f"{s.id} ({s.slug})" for s in loaded) or "none loaded"
                raise UnknownSchool(f"no school {school!r}; schools: {known}")
            school_id, name, key = chosen.id, chosen.name, chosen.slug
        elif len(loaded) == 1:
            name, key = loaded[0].name, loaded[0].slug
        else:
            name, key = "All schools", "all"
        scope = ReportScope(start, end, zone, school=name, school_key=key)
        begin, finish = scope.bounds()
        rows = evidence_between(tx, begin, finish, school_id=school_id)
        families = [Family(**found) for found in roster_families(tx, finish, school_id)]
        concerns = [ConcernFact(**found) for found in concerns_raised(tx, begin, finish, school_id)]
        invited = {event_id(row.detail) for row in rows if row.kind == "invitation_sent"} - {None}
        event_ids = [i for i in invited if i is not None]
        rsvps = [RsvpFact(**found) for found in current_rsvps(tx, event_ids)]
        counts = head_counts(tx, event_ids)
        events = [EventFact(**found) for found in events_between(tx, begin, finish, school_id)]
        # Volunteer facts cover the school year too: 3E counts hours from 1 July.
        since = min(begin, scope.school_year()[0])
        signups = [SignupFact(**found) for found in signups_between(tx, since, finish, school_id)]
        shifts = [ShiftFact(**found) for found in shifts_between(tx, since, finish, school_id)]
    return build_report(
        rows,
        scope,
        thresholds,
        min_group=options.min_group,
        generated_at=utcnow(),
        families=families,
        concerns=concerns,
        rsvps=rsvps,
        head_counts=counts,
        events=events,
        signups=signups,
        shifts=shifts,
    )


def render(report: Report, fmt: str) -> str:
    """The report in one of the formats: html, csv or md."""
    return RENDERERS[fmt](report)
