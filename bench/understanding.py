"""Score the understanding step on tables of parent texts: right first answers, confident wrong ones, speed.

Every row goes through the same code path as the conversation: `Understanding.interpret` with the
keyword commands, the reply words, the intent model and, for reply and midflow rows, the waiting step
(its options rendered in the row's language from the flows and catalogs). The interpretation becomes a
label of the scheme (choice:N, choice:N,M, input, an answer, a flow, a command, none) and is compared
with the row's `expect`.

Reads bench/understanding_data/tuning/<locale>.yaml (the tables tuned on) and, only when asked, a
held-out folder (scored once, never tuned on): --table heldoutN scores the tuning tables and then
bench/understanding_data/heldoutN/<locale>.yaml. heldout/ to heldout4/ were each scored once and are
spent (--heldout is kept as --table heldout). Prints per locale and per kind:
rows, the share answered right first, the share answered wrong confidently, out-of-scope texts
answered confidently, and microseconds per interpretation (p50 and p99, warm model), as wall-clock
time and as the thread's CPU time (on a shared machine the wall clock includes waiting for a core).

    .venv/bin/python bench/understanding.py [--method hybrid|calibrated|similarity|words|chars|matcher|all]
        [--table tuning|heldout|heldout2|heldout3|heldout4] [--heldout]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import LOCALES_DIR, build_understanding, load_content  # noqa: E402
from bot.engine.engine import idle_state  # noqa: E402
from bot.engine.loader import FlowSet  # noqa: E402
from bot.i18n.render import Renderer  # noqa: E402
from bot.services.answers import Answerer  # noqa: E402
from bot.services.matcher import TopicMatcher  # noqa: E402
from bot.services.rights import TOPICS  # noqa: E402
from bot.services.school_data import SchoolData, load_school_file  # noqa: E402
from bot.understanding.ensemble import EnsembleModel  # noqa: E402
from bot.understanding.examples import load_examples  # noqa: E402
from bot.understanding.intent import Intent  # noqa: E402
from bot.understanding.matcher_model import MatcherIntentModel  # noqa: E402
from bot.understanding.model import RetrievalModel  # noqa: E402
from bot.understanding.replies import load_reply_book  # noqa: E402
from bot.understanding.step import THRESHOLD, Interpretation, Understanding, Waiting  # noqa: E402
from bot.understanding.tokens import features  # noqa: E402

DATA = ROOT / "bench" / "understanding_data"
LOCALES = ("en", "es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar")
# Held-out folders, oldest first: heldout/ to heldout4/ were each scored once and are spent; heldout5/ is
# the next round's (not yet scored).
HELD_OUT = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5")
KINDS = ("first", "reply", "midflow", "out_of_scope")
REPEATS = 20  # each text is interpreted this many times for stable timings
COMMAND_LABELS = {"status": "concern_status"}
ACTED = ("command", "reply", "intent")  # what the conversation acts on without asking
# --half: which rows of each table are scored (by position: 0 even, 1 odd); empty scores them all. An
# operating point chosen on one half is checked on the other, so its figures are not fitted to the rows.
HALF: dict[int, bool] = {}
SETTINGS = {"repeats": REPEATS}
POLICY: dict[str, float] = {}  # --agree-floor: the hybrid's policy fields to change


# The label scheme's names for steps whose id in the flows differs (the language menu is `pick`).
CONTEXT_ALIASES = {"language.menu": "language.pick"}


@dataclass
class Tally:
    """Counts for one locale or kind (or all)."""

    rows: int = 0
    right: int = 0
    top: int = 0  # the best guess is the expected label, however sure (what "did you mean" offers first)
    wrong_confident: int = 0
    out_of_scope: int = 0
    out_of_scope_answered: int = 0
    micros: list[float] = field(default_factory=list)
    cpu_micros: list[float] = field(default_factory=list)  # the thread's CPU time: what load cannot inflate
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Fold another tally into this one."""
        for name in ("rows", "right", "top", "wrong_confident", "out_of_scope", "out_of_scope_answered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.micros += other.micros
        self.cpu_micros += other.cpu_micros


def label_of(meaning: Interpretation) -> str:
    """The scheme label of an interpretation (a "did you mean" is labelled by its first offer)."""
    if meaning.kind == "command":
        return COMMAND_LABELS.get(meaning.label, meaning.label)
    if meaning.kind == "reply":
        return f"choice:{','.join(map(str, meaning.numbers))}" if meaning.label == "choice" else "input"
    return meaning.label


class Contexts:
    """The waiting step of a row's `context`, as the conversation shows it in the row's language."""

    def __init__(
        self, flow_set: FlowSet, renderer: Renderer, understanding: Understanding, shipped: tuple[str, ...]
    ):
        self.flows = flow_set.flows
        self.renderer = renderer
        self.understanding = understanding
        self.shipped = shipped
        self._cache: dict[tuple[str, str], Waiting | None] = {}

    def waiting(self, context: str, locale: str) -> Waiting | None:
        """The Waiting for `flow.step` in `locale` (cached)."""
        context = CONTEXT_ALIASES.get(context, context)
        key = (context, locale)
        if key not in self._cache:
            flow, _, step = context.partition(".")
            state: dict[str, Any] = {**idle_state(), "flow": flow, "step": step, "phase": "waiting"}
            labels, values = self._from_action(context, locale)
            state["options"], state["option_labels"] = values, labels
            self._cache[key] = self.understanding.waiting(
                self.flows, state, self.renderer, (locale, "en"), self.shipped
            )
        return self._cache[key]

    def _from_action(self, context: str, locale: str) -> tuple[list[str], list[str]]:
        # The options an action would list: the rights topics and the languages, named as the bot names them.
        if context == "rights.topics":
            labels = [self.renderer.message("rights_topic", t, (locale, "en")) for t in TOPICS]
            return labels, list(TOPICS)
        if context == "language.pick":
            from babel import Locale

            return [Locale.parse(c).get_display_name(c) or c for c in self.shipped], list(self.shipped)
        return [], []


def score_row(
    understanding: Understanding, contexts: Contexts, school: SchoolData, row: dict[str, Any], locale: str
) -> tuple[Tally, str]:
    """Interpret one table row, time it, and count it."""
    text, expect, kind = str(row["text"]), str(row["expect"]), str(row["kind"])
    context = str(row.get("context") or "")
    waiting = contexts.waiting(context, locale) if context else None
    meaning = understanding.interpret(text, locale, school, waiting)
    tally = Tally(rows=1)
    for _ in range(SETTINGS["repeats"]):
        start, cpu = time.perf_counter_ns(), time.thread_time_ns()
        understanding.interpret(text, locale, school, waiting)
        tally.cpu_micros.append((time.thread_time_ns() - cpu) / 1000)
        tally.micros.append((time.perf_counter_ns() - start) / 1000)
    got, acted = label_of(meaning), meaning.kind in ACTED
    tally.top += got == expect or (expect == "none" and not acted)
    if expect == "none":
        tally.out_of_scope = 1
        tally.out_of_scope_answered = tally.wrong_confident = int(acted)
        tally.right = int(not acted)
        if acted:
            tally.errors.append(
                f"  WRONG {text!r}: expected none, got {meaning.kind} {got} ({meaning.confidence:.2f})"
            )
        return tally, kind
    if acted and got == expect:
        tally.right = 1
        return tally, kind
    tally.wrong_confident = int(acted)
    tag = "WRONG" if acted else "unsure"
    tally.errors.append(
        f"  {tag} {text!r} [{kind} {context}]: expected {expect}, got {meaning.kind} {got}"
        f" ({meaning.confidence:.2f}) alt {list(meaning.alternatives)}"
    )
    return tally, kind


def score_table(
    understanding: Understanding, contexts: Contexts, school: SchoolData, path: Path
) -> tuple[str, Tally, dict[str, Tally]]:
    """Score every row of one table file: the locale's tally and its tallies per kind."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    locale, total = str(data["locale"]), Tally()
    kinds = {kind: Tally() for kind in KINDS}
    for number, row in enumerate(data["rows"]):
        if HALF.get(number % 2, True) is False:
            continue
        tally, kind = score_row(understanding, contexts, school, row, locale)
        total.add(tally)
        total.errors += tally.errors
        kinds[kind].add(tally)
    return locale, total, kinds


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def _quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else (values or [0.0])[0]


def _line(name: str, t: Tally) -> None:
    oos = f"{t.out_of_scope_answered}/{t.out_of_scope}"
    print(
        f"{name:12} {t.rows:5} {_pct(t.right, t.rows):>7} {_pct(t.top, t.rows):>7}"
        f" {_pct(t.wrong_confident, t.rows):>10} {oos:>9}"
        f" {_quantile(t.micros, 50):7.0f} {_quantile(t.micros, 99):7.0f}"
        f" {_quantile(t.cpu_micros, 50):7.0f} {_quantile(t.cpu_micros, 99):7.0f}"
    )


def report(title: str, tallies: dict[str, Tally], kinds: dict[str, Tally], show_errors: bool) -> Tally:
    """Print one line per locale, one per kind and the total; return the total."""
    print(f"\n{title}")
    heads = f"{'rows':>5} {'right':>7} {'top-1':>7} {'conf.wrong':>10} {'oos ans.':>9}"
    heads += f" {'p50 us':>7} {'p99 us':>7} {'cpu p50':>7} {'cpu p99':>7}"
    print(f"{'locale':12} {heads}")
    total = Tally()
    for locale, t in tallies.items():
        total.add(t)
        _line(locale, t)
        if show_errors and t.errors:
            print("\n".join(t.errors))
    print(f"{'kind':12}")
    for kind, t in kinds.items():
        if t.rows:
            _line(kind, t)
    _line("all", total)
    return total


class SimilarityModel:
    """The retrieval model with its former confidence: a logistic of the best score and its lead only."""

    BOUNDARY, LEAD_WEIGHT, SLOPE = 0.70, 0.25, 12.0

    def __init__(self, model: RetrievalModel) -> None:
        self.model = model

    def classify(self, text: str, locale: str | None, school: SchoolData) -> Intent:
        """The calibrated model's label, with the confidence the former threshold gave it."""
        intent = self.model.classify(text, locale, school)
        explained = self.model.explain(text, locale, school)
        if explained is None:
            return intent
        best, lead = float(explained[1][0]), float(explained[1][1])
        sure = 1.0 / (1.0 + 2.718281828 ** (-self.SLOPE * (best + self.LEAD_WEIGHT * lead - self.BOUNDARY)))
        return Intent(intent.label, sure, intent.slots, intent.alternatives)


def _words_only(text: str, locale: str | None) -> list[str]:
    return [f for f in features(text, locale) if f[0] in "wb"]


def _chars_only(text: str, locale: str | None) -> list[str]:
    return [f for f in features(text, locale) if f[0] == "c"]


def build(method: str, threshold: float | None = None) -> Understanding:
    """The understanding step with the intent model a method names (hybrid: as the conversation has it)."""
    _, _, keywords = load_content()
    if method == "hybrid":
        understanding = build_understanding(keywords, LOCALES)
        understanding.threshold = threshold or understanding.threshold
        if POLICY and isinstance(understanding.model, EnsembleModel):
            understanding.model.policy = dataclasses.replace(understanding.model.policy, **POLICY)
        return understanding
    threshold = threshold or THRESHOLD
    examples = load_examples(LOCALES_DIR)
    if method == "matcher":
        matcher = MatcherIntentModel(Answerer(TopicMatcher(keywords)), keywords)
        return Understanding(keywords, matcher, load_reply_book(LOCALES_DIR), threshold=threshold)
    featurize = {"words": _words_only, "chars": _chars_only}.get(method, features)
    model = RetrievalModel(examples, featurize)
    intents = SimilarityModel(model) if method == "similarity" else model
    return Understanding(keywords, intents, load_reply_book(LOCALES_DIR), threshold=threshold)


def run(
    method: str, tables: Iterable[Path], title: str, errors: bool, threshold: float | None = None
) -> Tally:
    """Build the step, score the tables, print and return the total."""
    flow_set, catalogs, _ = load_content()
    start = time.perf_counter()
    understanding = build(method, threshold)
    built = time.perf_counter() - start
    renderer = Renderer(catalogs, flow_set.messages, flow_set.message_sets)
    contexts = Contexts(flow_set, renderer, understanding, tuple(catalogs.available()))
    school = load_school_file(ROOT / "schools" / "demo.yaml")
    tallies: dict[str, Tally] = {}
    kinds = {kind: Tally() for kind in KINDS}
    gc.collect()
    gc.disable()  # a collection inside a timed call is the process's cost, not the step's
    try:
        for path in tables:
            locale, tally, by_kind = score_table(understanding, contexts, school, path)
            tallies[locale] = tally
            for kind, t in by_kind.items():
                kinds[kind].add(t)
    finally:
        gc.enable()
    return report(f"{title} — method {method} (built in {built:.2f} s)", tallies, kinds, errors)


def _tables(folder: Path) -> list[Path]:
    found = {p.stem: p for p in folder.glob("*.yaml")}
    return [found[code] for code in LOCALES if code in found]


def main() -> None:
    """Parse the arguments and score."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    methods = ["hybrid", "calibrated", "similarity", "words", "chars", "matcher"]
    parser.add_argument("--method", default="hybrid", choices=[*methods, "all"])
    parser.add_argument(
        "--table",
        default="tuning",
        choices=["tuning", *HELD_OUT],
        help="also score this held-out folder after the tuning tables (once, at the end): heldout4",
    )
    parser.add_argument("--heldout", action="store_true", help="the same as --table heldout (already spent)")
    parser.add_argument("--errors", action="store_true", help="list the tuning rows answered wrong or unsure")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"act on intents this sure (hybrid 0.7, others {THRESHOLD})",
    )
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed calls per text (1: a sweep)")
    parser.add_argument("--agree-floor", type=float, help="hybrid: act on agreed answers from this sure")
    parser.add_argument(
        "--half", choices=["even", "odd"], help="score only the even or the odd rows of each table"
    )
    args = parser.parse_args()
    SETTINGS["repeats"] = args.repeats
    if args.agree_floor is not None:
        POLICY["agree_floor"] = args.agree_floor
    if args.half:
        HALF.update({0: args.half == "even", 1: args.half == "odd"})
    if args.heldout and args.table not in ("tuning", "heldout"):
        parser.error("--heldout and --table choose different held-out folders")
    held_out = "heldout" if args.heldout else args.table
    for method in methods if args.method == "all" else [args.method]:
        run(method, _tables(DATA / "tuning"), "tuning", args.errors, args.threshold)
        if held_out != "tuning":
            # Never list held-out errors: reading them would make the next score a tuned one.
            run(method, _tables(DATA / held_out), f"HELD-OUT ({held_out})", False, args.threshold)


if __name__ == "__main__":
    main()
