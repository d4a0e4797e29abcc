"""Two parents ask for the last place at the same moment: exactly one gets it, the other waits.

Each thread has its own transaction; a barrier releases them together. PostgreSQL serializes them
with SELECT ... FOR UPDATE on the shift row, SQLite with BEGIN IMMEDIATE (one writer at a time).
"""

from __future__ import annotations

import threading
from collections import Counter

from bot.app import Bot
from bot.services.volunteers import SignupResult
from tests.fixtures.volunteering import load_test_shifts, parent

RACERS = 6


def race(bot: Bot, shift_id: int, contacts: list[int]) -> list[SignupResult]:
    """Every contact asks for a place at once, each in its own thread and transaction."""
    barrier = threading.Barrier(len(contacts))
    results: list[SignupResult] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def ask(contact_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            result = bot.volunteers.sign_up(shift_id, contact_id)
            with lock:
                results.append(result)
        except BaseException as exc:  # reported below, so a failed thread fails the test
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=ask, args=(contact,)) for contact in contacts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_parents_one_last_place(bot: Bot) -> None:
    shift = load_test_shifts(bot)["reading"]  # one place
    contacts = [parent(bot, "+12135557301"), parent(bot, "+12135557302")]
    results = race(bot, shift, contacts)
    assert sorted(r.outcome for r in results) == ["confirmed", "waitlisted"]
    view = bot.volunteers.roster(shift).shift
    assert (view.filled, view.waitlisted) == (1, 1)


def test_many_parents_two_places(bot: Bot) -> None:
    shift = load_test_shifts(bot)["art"]  # two places
    contacts = [parent(bot, f"+121355573{n:02d}") for n in range(10, 10 + RACERS)]
    results = race(bot, shift, contacts)
    assert Counter(r.outcome for r in results) == {"confirmed": 2, "waitlisted": RACERS - 2}
    positions = sorted(r.position or 0 for r in results if r.outcome == "waitlisted")
    assert positions == list(range(1, RACERS - 1))  # a clean line, nobody sharing a place in it
