"""Score the intent model on tables of parent texts: right first answers, confident wrong ones, speed.

Reads bench/understanding_data/tuning/<locale>.yaml (the tables tuned on) and, only with --heldout,
bench/understanding_data/heldout/<locale>.yaml (scored once, never tuned on). Per locale it prints the
rows scored, the share answered right and confidently, the share answered wrong confidently, the
out-of-scope texts answered confidently, and the microseconds per classify (p50 and p99).

`reply` rows (answers to a waiting step) belong to the reply matcher: they are skipped and counted
unless --replies names a function `module:function` taking (text, locale, context) and returning a label.

    .venv/bin/python bench/understanding.py [--method retrieval|words|chars|keywords|all] [--heldout]
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n.keywords import load_keywords  # noqa: E402
from bot.services.answers import Answerer  # noqa: E402
from bot.services.matcher import TopicMatcher  # noqa: E402
from bot.services.school_data import SchoolData, load_school_file  # noqa: E402
from bot.understanding.examples import load_examples  # noqa: E402
from bot.understanding.intent import Intent, IntentModel  # noqa: E402
from bot.understanding.model import CONFIDENT, RetrievalModel  # noqa: E402
from bot.understanding.tokens import features  # noqa: E402

DATA = ROOT / "bench" / "understanding_data"
LOCALES = ("en", "es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar")
SCORED_KINDS = ("first", "midflow", "out_of_scope")
REPEATS = 20  # each text is classified this many times for stable timings
ReplyMatcher = Callable[[str, str, str], str]


@dataclass
class Tally:
    """Counts for one locale (or all)."""

    rows: int = 0
    right: int = 0
    top: int = 0  # the best label is the expected one, however sure (none for out-of-scope texts)
    wrong_confident: int = 0
    out_of_scope: int = 0
    out_of_scope_answered: int = 0
    skipped: int = 0
    replies: int = 0
    replies_right: int = 0
    micros: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Fold another tally into this one."""
        for name in ("rows", "right", "top", "wrong_confident", "out_of_scope", "out_of_scope_answered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.skipped += other.skipped
        self.replies += other.replies
        self.replies_right += other.replies_right
        self.micros += other.micros


def answered(intent: Intent) -> bool:
    """True when the bot would act on the intent without asking (a confident, in-scope label)."""
    return intent.label != "none" and intent.confidence >= CONFIDENT


def score_row(model: IntentModel, school: SchoolData, row: dict[str, Any], locale: str, tally: Tally) -> None:
    """Classify one table row and count it."""
    text, expect = str(row["text"]), str(row["expect"])
    intent = model.classify(text, locale, school)
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        model.classify(text, locale, school)
        tally.micros.append((time.perf_counter_ns() - start) / 1000)
    tally.rows += 1
    tally.top += intent.label == expect or (expect == "none" and intent.confidence < CONFIDENT)
    confident = answered(intent)
    if expect == "none":
        tally.out_of_scope += 1
        tally.out_of_scope_answered += confident
        tally.right += not confident
        tally.wrong_confident += confident
        if confident:
            tally.errors.append(
                f"  {text!r}: expected none, answered {intent.label} ({intent.confidence:.2f})"
            )
        return
    if confident and intent.label == expect:
        tally.right += 1
        return
    tally.wrong_confident += confident
    tag = "WRONG" if confident else "unsure"
    tally.errors.append(
        f"  {tag} {text!r}: expected {expect}, got {intent.label} ({intent.confidence:.2f})"
        f" alt {[a for a, _ in intent.alternatives]}"
    )


def score_table(
    model: IntentModel, school: SchoolData, path: Path, replies: ReplyMatcher | None
) -> tuple[str, Tally]:
    """Score every row of one table file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    locale, tally = str(data["locale"]), Tally()
    for row in data["rows"]:
        kind = row["kind"]
        if kind in SCORED_KINDS:
            score_row(model, school, row, locale, tally)
        elif replies is not None:
            tally.replies += 1
            tally.replies_right += (
                replies(str(row["text"]), locale, str(row.get("context", ""))) == row["expect"]
            )
        else:
            tally.skipped += 1
    return locale, tally


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def _quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else (values or [0.0])[0]


def report(title: str, tallies: dict[str, Tally], show_errors: bool) -> Tally:
    """Print one line per locale and the total; return the total."""
    print(f"\n{title}")
    heads = f"{'rows':>5} {'right':>7} {'top-1':>7} {'conf.wrong':>10} {'oos ans.':>9}"
    heads += f" {'p50 us':>7} {'p99 us':>7}"
    print(f"{'locale':8} {heads}")
    total = Tally()
    for locale, t in tallies.items():
        total.add(t)
        _line(locale, t)
        if show_errors:
            print("\n".join(t.errors))
    _line("all", total)
    if total.skipped:
        print(f"({total.skipped} reply rows skipped: the reply matcher scores them, see --replies)")
    if total.replies:
        print(f"replies: {total.replies_right}/{total.replies} right")
    return total


def _line(name: str, t: Tally) -> None:
    oos = f"{t.out_of_scope_answered}/{t.out_of_scope}"
    print(
        f"{name:8} {t.rows:5} {_pct(t.right, t.rows):>7} {_pct(t.top, t.rows):>7}"
        f" {_pct(t.wrong_confident, t.rows):>10} {oos:>9}"
        f" {_quantile(t.micros, 50):7.0f} {_quantile(t.micros, 99):7.0f}"
    )


class KeywordModel:
    """Today's keyword and fuzzy matcher (bot/services/matcher.py, answers.py) as an IntentModel."""

    def __init__(self, keywords_path: Path) -> None:
        self.table = load_keywords(keywords_path)
        self.answerer = Answerer(TopicMatcher(self.table))

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """A command word, a plain opt-out, one clear topic (confident), two close ones (not), or none."""
        command = self.table.command(text)
        if command is not None:
            return Intent({"status": "concern_status"}.get(command, command), 1.0)
        if self.table.asks_to_stop(text):
            return Intent("stop", 1.0)
        decision = self.answerer.decide(text, school)
        if decision.kind == "none":
            return Intent("none", 0.0)
        label = decision.answers[0].replace("rights_", "rights:")
        return Intent(label, 1.0 if decision.kind == "answer" else 0.3)


def _words_only(text: str, locale: str | None) -> list[str]:
    return [f for f in features(text, locale) if f[0] in "wb"]


def _chars_only(text: str, locale: str | None) -> list[str]:
    return [f for f in features(text, locale) if f[0] == "c"]


def build(method: str) -> IntentModel:
    """The model a method names: retrieval (words, stems, n-grams), words, chars, or keywords (today's)."""
    if method == "keywords":
        return KeywordModel(ROOT / "locales" / "keywords.yaml")
    examples = load_examples(ROOT / "locales")
    featurize = {"retrieval": features, "words": _words_only, "chars": _chars_only}[method]
    return RetrievalModel(examples, featurize)


def run(method: str, tables: Iterable[Path], title: str, replies: ReplyMatcher | None, errors: bool) -> Tally:
    """Build the model, score the tables, print and return the total."""
    start = time.perf_counter()
    model = build(method)
    built = time.perf_counter() - start
    school = load_school_file(ROOT / "schools" / "demo.yaml")
    tallies = dict(score_table(model, school, path, replies) for path in tables)
    return report(f"{title} — method {method} (built in {built:.2f} s)", tallies, errors)


def _tables(folder: Path) -> list[Path]:
    found = {p.stem: p for p in folder.glob("*.yaml")}
    return [found[code] for code in LOCALES if code in found]


def _replies(spec: str | None) -> ReplyMatcher | None:
    if not spec:
        return None
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def main() -> None:
    """Parse the arguments and score."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--method", default="retrieval", choices=["retrieval", "words", "chars", "keywords", "all"]
    )
    parser.add_argument(
        "--heldout", action="store_true", help="also score the held-out tables (once, at the end)"
    )
    parser.add_argument("--errors", action="store_true", help="list the tuning rows answered wrong or unsure")
    parser.add_argument("--replies", help="module:function matching replies (text, locale, context) -> label")
    args = parser.parse_args()
    replies = _replies(args.replies)
    methods = ["retrieval", "words", "chars", "keywords"] if args.method == "all" else [args.method]
    for method in methods:
        run(method, _tables(DATA / "tuning"), "tuning", replies, args.errors)
        if args.heldout:
            run(method, _tables(DATA / "heldout"), "HELD-OUT", replies, errors=False)


if __name__ == "__main__":
    main()
