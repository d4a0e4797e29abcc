"""Quick answers about the school (rubric 1D), drawn from the school data in the parent's language."""

from __future__ import annotations

from bot.engine.engine import ActionResult, Option
from bot.i18n.formatting import day_range, local_time
from bot.services.actions import Action, ActionContext
from bot.services.phones import display_phone
from bot.services.school_data import Hours, pick


def format_hours(hours: list[Hours], locale: str) -> str:
    """'Mon-Fri 7:30 AM - 4:00 PM' in the recipient's language, ranges joined by semicolons."""
    ranges = []
    for h in hours:
        days = day_range(h.first_day, h.last_day, locale)
        ranges.append(f"{days} {local_time(h.open, locale)} - {local_time(h.close, locale)}")
    return "; ".join(ranges)


def contact(ctx: ActionContext) -> ActionResult:
    """The school's name, phone, address and office hours."""
    school = ctx.school
    ctx.record("1D", "quick_answer", "contact")
    return ActionResult(
        values={
            "school": school.name,
            "phone": display_phone(school.phone),
            "address": school.address,
            "hours": format_hours(school.office_hours, ctx.locale),
        }
    )


def office_hours(ctx: ActionContext) -> ActionResult:
    """When the office is open."""
    ctx.record("1D", "quick_answer", "hours")
    return ActionResult(
        values={
            "hours": format_hours(ctx.school.office_hours, ctx.locale),
            "phone": display_phone(ctx.school.phone),
        }
    )


def parent_center(ctx: ActionContext) -> ActionResult:
    """Where the parent center is, when it is open, and who to ask for."""
    center = ctx.school.parent_center
    ctx.record("1D", "quick_answer", "parent_center")
    return ActionResult(
        values={
            "where": pick(center.where, ctx.locale, ctx.school.default_locale),
            "hours": format_hours(center.hours, ctx.locale),
            "contact": center.contact.name,
            "contact_phone": display_phone(center.contact.phone or ctx.school.phone),
        }
    )


def staff_contact(ctx: ActionContext) -> ActionResult:
    """How to reach a teacher and the principal."""
    school = ctx.school
    ctx.record("1D", "quick_answer", "staff")
    return ActionResult(
        values={
            "teacher": pick(school.teachers.how, ctx.locale, school.default_locale),
            "principal": school.principal.name,
            "principal_how": pick(school.principal.how, ctx.locale, school.default_locale),
        }
    )


def faq_topics(ctx: ActionContext) -> ActionResult:
    """The school's common questions as numbered options."""
    options = tuple(
        Option(pick(entry.question, ctx.locale, ctx.school.default_locale), entry.id)
        for entry in ctx.school.faq
    )
    return ActionResult(options=options)


def faq_answer(ctx: ActionContext) -> ActionResult:
    """The answer to the chosen common question."""
    wanted = str(ctx.values.get("choice", ""))
    for entry in ctx.school.faq:
        if entry.id == wanted:
            ctx.record("1D", "quick_answer", f"faq:{entry.id}")
            return ActionResult(values={"answer": pick(entry.answer, ctx.locale, ctx.school.default_locale)})
    return ActionResult(outcome="missing", values={"answer": ""})


ACTIONS: dict[str, Action] = {
    "school.contact": contact,
    "school.office_hours": office_hours,
    "school.parent_center": parent_center,
    "school.staff_contact": staff_contact,
    "school.faq_topics": faq_topics,
    "school.faq_answer": faq_answer,
}
