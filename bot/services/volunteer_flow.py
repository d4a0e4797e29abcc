"""The parent's side of volunteering: the actions of flows/volunteer.yaml, on the volunteer service."""

from __future__ import annotations

import re
from typing import Any

from bot.clock import utcnow
from bot.engine.engine import ActionResult, Option
from bot.i18n.formatting import local_datetime
from bot.i18n.keywords import normalize
from bot.services.actions import Action, ActionContext
from bot.services.volunteer_types import SKILLS, TIMES
from bot.services.volunteers import VolunteerService, capacity_of

NUMBERS = re.compile(r"\d+")
MINE, PROFILE = "mine", "profile"
# "Yes" to an offered place, beyond 1 and each language's START words (which include yes, sí, да, oo, có):
# the short yes of the languages whose START words do not mean yes. Compared after keywords.normalize.
YES_WORDS = frozenset(
    {"yes", "si", "ok", "okay", "네", "예", "是", "是的", "好", "好的", "այո", "بله", "آره", "نعم"}
)


class VolunteerFlow:
    """Flow actions: skills profile, the list of shifts that fit, sign-up, MY SHIFTS, offers."""

    def __init__(self, service: VolunteerService) -> None:
        self.service = service

    def actions(self) -> dict[str, Action]:
        """The actions flows/volunteer.yaml names, by name."""
        return {
            "volunteer.open": self._open,
            "volunteer.save_profile": self._save_profile,
            "volunteer.list": self._list,
            "volunteer.pick": self._pick,
            "volunteer.signup": self._signup,
            "volunteer.mine": self._mine,
            "volunteer.pick_mine": self._pick_mine,
            "volunteer.cancel": self._cancel,
            "volunteer.answer_offer": self._answer_offer,
        }

    def _open(self, ctx: ActionContext) -> ActionResult:
        """A parent without a profile is asked about skills and times first."""
        profile = ctx.tx.volunteer_profile(ctx.contact.id)
        return ActionResult(outcome="new" if profile is None else None)

    def _save_profile(self, ctx: ActionContext) -> ActionResult:
        skills = _picked(str(ctx.values.get("skills_text") or ""), SKILLS)
        times = _picked(str(ctx.values.get("times_text") or ""), TIMES)
        ctx.tx.save_volunteer_profile(ctx.contact.id, skills=skills, times=times)
        ctx.record("3D", "skills_profile", ",".join(skills) or "none", float(len(skills)))
        return ActionResult(clear=("skills_text", "times_text"))

    def _list(self, ctx: ActionContext) -> ActionResult:
        now = utcnow()
        self.service.expire_in(ctx.tx, now)
        profile = ctx.tx.volunteer_profile(ctx.contact.id) or {}
        school_id = ctx.school_id or 0  # no school: nothing to list
        shifts = ctx.tx.shifts_from(school_id, now)
        counts = ctx.tx.shift_counts([s["id"] for s in shifts])
        opportunities = {o["id"]: o for o in ctx.tx.opportunities(school_id) if o["status"] == "active"}
        mine = {s["shift_id"] for s in ctx.tx.signups_of_contact(ctx.contact.id, now)}
        listed = []
        for shift in shifts:
            opportunity = opportunities.get(shift["opportunity_id"])
            if opportunity is None or shift["id"] in mine:
                continue
            held, _waiting = counts[shift["id"]]
            has_room = held < capacity_of(shift, opportunity)
            score = self.service.fit(profile, opportunity, shift)
            listed.append((not has_room, -score, shift["starts_at"], shift, opportunity, has_room))
        listed.sort(key=lambda item: item[:3])
        options = []
        for _full, _score, _starts, shift, opportunity, has_room in listed[: self.service.config.max_listed]:
            values = {
                "title": self.service.title(opportunity, ctx.locale),
                "when": self.service.when(shift, ctx.locale),
            }
            label = ctx.message("volunteer", "option_open" if has_room else "option_full", **values)
            options.append(Option(label, f"shift:{shift['id']}"))
        options.append(Option(ctx.message("volunteer", "option_mine"), MINE))
        options.append(Option(ctx.message("volunteer", "option_profile"), PROFILE))
        return ActionResult(outcome=None if len(options) > 2 else "none", options=tuple(options))

    def _pick(self, ctx: ActionContext) -> ActionResult:
        choice = str(ctx.values.get("choice") or "")
        if choice in (MINE, PROFILE):
            return ActionResult(outcome=choice)
        shift_id = _shift_id(choice)
        shift = ctx.tx.shift(shift_id) if shift_id else None
        now = utcnow()
        if shift is None or shift["status"] != "scheduled" or shift["starts_at"] <= now:
            return ActionResult(outcome="gone")
        opportunity = ctx.tx.opportunity(shift["opportunity_id"]) or {}
        if opportunity.get("school_id") != ctx.school_id:
            return ActionResult(outcome="gone")  # listed before the school changed: not this school's
        existing = ctx.tx.volunteer_signup(shift["id"], ctx.contact.id)
        if existing is not None and existing["status"] != "cancelled":
            return ActionResult(outcome="already")
        held, _ = ctx.tx.shift_counts([shift["id"]])[shift["id"]]
        values = {
            "shift_id": shift["id"],
            "title": self.service.title(opportunity, ctx.locale),
            "when": self.service.when(shift, ctx.locale),
            "where": self.service.location(opportunity, ctx.locale, ctx.school.default_locale),
        }
        full = held >= capacity_of(shift, opportunity)
        return ActionResult(outcome="full" if full else "open", values=values)

    def _signup(self, ctx: ActionContext) -> ActionResult:
        shift_id = int(ctx.values.get("shift_id") or 0)
        result = self.service.take_place(ctx.tx, shift_id, ctx.contact, ctx.locale, utcnow())
        clear = ("shift_id",)
        if result.outcome in ("already", "gone"):
            return ActionResult(outcome=result.outcome, clear=clear)
        ctx.record("3B", "volunteer_signup", result.outcome)
        ctx.record("3D", "skill_match", value=1.0 if result.skill_match else 0.0)
        if result.outcome == "waitlisted":
            return ActionResult(outcome="waitlisted", values={"position": result.position}, clear=clear)
        needs = self.service.needs(ctx.tx, shift_id, ctx.contact.id, (ctx.locale, ctx.school.default_locale))
        outcome = "confirmed_needs" if needs else "confirmed"
        return ActionResult(outcome=outcome, values={"needs": needs}, clear=clear)

    def _mine(self, ctx: ActionContext) -> ActionResult:
        now = utcnow()
        self.service.expire_in(ctx.tx, now)
        options = []
        for signup in ctx.tx.signups_of_contact(ctx.contact.id, now):
            shift = ctx.tx.shift(signup["shift_id"]) or {}
            opportunity = ctx.tx.opportunity(shift["opportunity_id"]) or {}
            values: dict[str, Any] = {
                "title": self.service.title(opportunity, ctx.locale),
                "when": self.service.when(shift, ctx.locale),
            }
            if signup["status"] == "waitlisted":
                values["position"] = ctx.tx.waitlist_ahead(shift["id"], signup["position"] or 0)
            label = ctx.message("volunteer", f"mine_{signup['status']}", **values)
            options.append(Option(label, f"signup:{signup['id']}"))
        return ActionResult(outcome=None if options else "none", options=tuple(options))

    def _pick_mine(self, ctx: ActionContext) -> ActionResult:
        signup_id = _shift_id(str(ctx.values.get("choice") or ""), prefix="signup:")
        signup = ctx.tx.volunteer_signup_by_id(signup_id) if signup_id else None
        if signup is None or signup["contact_id"] != ctx.contact.id or signup["status"] == "cancelled":
            return ActionResult(outcome="gone")
        shift = ctx.tx.shift(signup["shift_id"]) or {}
        opportunity = ctx.tx.opportunity(shift["opportunity_id"]) or {}
        values = {
            "signup_id": signup["id"],
            "title": self.service.title(opportunity, ctx.locale),
            "when": self.service.when(shift, ctx.locale),
        }
        if signup["status"] == "offered" and signup["offered_until"]:
            values["until"] = local_datetime(signup["offered_until"], ctx.locale, self.service.config.zone())
            return ActionResult(outcome="offered", values=values)
        return ActionResult(values=values)

    def _cancel(self, ctx: ActionContext) -> ActionResult:
        signup_id = int(ctx.values.get("signup_id") or 0)
        signup = ctx.tx.volunteer_signup_by_id(signup_id) if signup_id else None
        clear = ("signup_id",)
        if signup is None or signup["contact_id"] != ctx.contact.id or signup["status"] == "cancelled":
            return ActionResult(outcome="gone", clear=clear)
        self.service.cancel_signup(ctx.tx, signup, utcnow())
        ctx.record("3B", "volunteer_cancelled", signup["status"])
        return ActionResult(clear=clear)

    def _answer_offer(self, ctx: ActionContext) -> ActionResult:
        answer = str(ctx.values.get("offer_answer") or "").strip()
        signup_id = int(ctx.values.get("signup_id") or 0)
        now = utcnow()
        signup = ctx.tx.volunteer_signup_by_id(signup_id) if signup_id else None
        clear = ("offer_answer",)
        if signup is None or signup["contact_id"] != ctx.contact.id:
            return ActionResult(outcome="expired", clear=clear)
        if signup["status"] == "offered" and signup["offered_until"] and signup["offered_until"] <= now:
            self.service.expire_in(ctx.tx, now)
            signup = ctx.tx.volunteer_signup_by_id(signup_id) or signup
        if signup["status"] != "offered":
            return ActionResult(
                outcome="confirmed" if signup["status"] == "confirmed" else "expired", clear=clear
            )
        yes = (
            answer == "1"
            or normalize(answer) in YES_WORDS
            or self.service.keywords.command(answer) == "start"
        )
        no = answer == "2"
        if not (yes or no):
            return ActionResult(outcome="unclear", clear=clear)
        shift = self.service.require_shift(ctx.tx, signup["shift_id"], for_update=True)
        if no:
            self.service.cancel_signup(ctx.tx, signup, now)
            ctx.record("3B", "offer_declined")
            return ActionResult(outcome="declined", clear=(*clear, "signup_id"))
        ctx.tx.update_volunteer_signup(signup["id"], status="confirmed", offered_until=None, position=None)
        ctx.record("3B", "offer_accepted", ctx.locale)
        needs = self.service.needs(
            ctx.tx, shift["id"], ctx.contact.id, (ctx.locale, ctx.school.default_locale)
        )
        return ActionResult(
            outcome="accepted_needs" if needs else "accepted",
            values={"needs": needs},
            clear=(*clear, "signup_id"),
        )


def _picked(text: str, names: tuple[str, ...]) -> list[str]:
    """The names a parent picked by number ('1 3', '1,3', '1 y 3'); 0 or nothing picks none."""
    chosen = [int(n) for n in NUMBERS.findall(text)]
    return list(dict.fromkeys(names[n - 1] for n in chosen if 1 <= n <= len(names)))


def _shift_id(choice: str, prefix: str = "shift:") -> int:
    if not choice.startswith(prefix):
        return 0
    try:
        return int(choice[len(prefix) :])
    except ValueError:
        return 0
