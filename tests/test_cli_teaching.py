"""`outreach school export`: the school file with what staff taught, which `school use` takes back."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.domain import Inbound
from bot.services.school_data import pick
from bot.services.schools import load_school
from bot.store.migrate import upgrade
from tests.fixtures.bots import make_bot
from tests.fixtures.processes import clean_env, run_outreach
from tests.fixtures.unplaced_questions import VEGETARIAN, VEGETARIAN_OTHER_WORDS
from tests.fixtures.volunteering import parent

SWIMMING = "Có lớp học bơi cho học sinh không?"


def test_export_writes_taught_examples_and_new_answers_and_a_new_school_learns_them(tmp_path: Path) -> None:
    url, fresh_url = f"sqlite:///{tmp_path / 'taught.db'}", f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    upgrade(fresh_url)
    bot = make_bot(url)
    try:
        for phone, question in (("+12135558901", VEGETARIAN), ("+12135558902", SWIMMING)):
            parent(bot, phone, "vi")
            bot.conversation.handle(Inbound("sms", phone, question, None))
        assert bot.teaching is not None
        bot.teaching.answer_with(1, "faq:lunch", "U0STAFF01")
        bot.teaching.new_answer(
            2,
            "U0STAFF01",
            "Swimming lessons",
            "No swimming lessons at school.",
            {"vi": "Trường không dạy bơi."},
        )
    finally:
        bot.close()

    out = tmp_path / "exported.yaml"
    done = run_outreach("school", "export", str(out), env=clean_env(DATABASE_URL=url))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}: 4 FAQ entries, taught examples for 2 answers"
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["taught_examples"] == {
        "faq:lunch": {"vi": [VEGETARIAN]},
        "faq:swimming-lessons": {"vi": [SWIMMING]},
    }
    swimming = next(e for e in data["faq"] if e["id"] == "swimming-lessons")
    assert swimming["answer"] == {"en": "No swimming lessons at school.", "vi": "Trường không dạy bơi."}

    # Another install loading the exported file answers what this one was taught.
    fresh = make_bot(fresh_url)
    try:
        school = load_school(fresh.store, out, activate=True).data
        lunch = next(e for e in school.faq if e.id == "lunch")
        fresh.schools.forget()
        parent(fresh, "+12135558903", "vi")
        replies = " ".join(
            fresh.conversation.handle(Inbound("sms", "+12135558903", VEGETARIAN_OTHER_WORDS, None)).replies
        )
        assert pick(lunch.answer, "vi", school.default_locale) in replies
        assert "Trường không dạy bơi." in " ".join(
            fresh.conversation.handle(Inbound("sms", "+12135558903", SWIMMING, None)).replies
        )
    finally:
        fresh.close()
