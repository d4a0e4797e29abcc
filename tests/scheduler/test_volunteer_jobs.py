"""The scheduler's volunteer job: offers whose time ran out pass to the next parent waiting."""

from __future__ import annotations

from bot.app import Bot
from scheduler import jobs, runtime


def test_the_offer_expiry_job_is_periodic_and_runs_on_the_installed_bot(bot: Bot) -> None:
    assert ("volunteers:expire_offers", "scheduler.jobs:expire_volunteer_offers", 5.0) in bot.periodic_jobs()
    runtime.install(bot)
    try:
        assert jobs.expire_volunteer_offers() == "0 offers expired"
    finally:
        runtime.install(None)
