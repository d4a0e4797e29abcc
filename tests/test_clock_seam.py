"""One clock: no module of the bot or the scheduler reads the time except through bot/clock.py.

A module that calls `datetime.now()` (or `date.today()`, `time.time()`, ...) reads the wall clock
behind the seam's back: a test's `ManualClock` does not reach it, and its result depends on when the
suite runs. Durations and pacing use `time.monotonic()` / `time.perf_counter()`, which are allowed.
"""

from __future__ import annotations

import ast

import pytest

from bot import PROJECT_ROOT

SCANNED = ("bot", "scheduler")
THE_CLOCK = PROJECT_ROOT / "bot" / "clock.py"
# Fully qualified names that read the current time.
FORBIDDEN = frozenset(
    {
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "time.time",
        "time.time_ns",
    }
)


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> fully qualified name, for every import in the module (any scope)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    names[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _qualified(node: ast.expr, names: dict[str, str]) -> str | None:
    """The fully qualified name an expression like `dt.datetime.now` refers to, if it is an import."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in names:
        return None
    return ".".join([names[node.id], *reversed(parts)])


def clock_reads(source: str, filename: str = "<source>") -> list[str]:
    """'file:line: name' for every reference to a wall-clock function (called or passed along)."""
    tree = ast.parse(source, filename)
    names = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
            name = _qualified(node, names)
            if name in FORBIDDEN:
                found.append(f"{filename}:{node.lineno}: {name}")
    return sorted(set(found))


def test_no_module_reads_the_wall_clock_outside_bot_clock() -> None:
    modules = sorted(p for folder in SCANNED for p in (PROJECT_ROOT / folder).rglob("*.py"))
    assert len(modules) > 50  # the scan really sees the code
    found = [
        hit
        for path in modules
        if path != THE_CLOCK
        for hit in clock_reads(path.read_text(encoding="utf-8"), str(path.relative_to(PROJECT_ROOT)))
    ]
    advice = "read the time with bot.clock.utcnow() (or take a clock argument):\n"
    assert found == [], advice + "\n".join(found)


def test_bot_clock_itself_is_where_the_wall_clock_is_read() -> None:
    hits = clock_reads(THE_CLOCK.read_text(encoding="utf-8"))
    assert [hit.split(": ", 1)[1] for hit in hits] == ["datetime.datetime.now"]


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("from datetime import datetime, UTC\nx = datetime.now(UTC)", "datetime.datetime.now"),
        ("from datetime import datetime as DT\nx = DT.now()", "datetime.datetime.now"),
        ("import datetime\nx = datetime.datetime.now(datetime.UTC)", "datetime.datetime.now"),
        ("import datetime as dt\nx = dt.datetime.utcnow()", "datetime.datetime.utcnow"),
        ("import datetime\nx = datetime.date.today()", "datetime.date.today"),
        ("from datetime import date\nx = date.today()", "datetime.date.today"),
        ("from datetime import datetime\nx = datetime.today()", "datetime.datetime.today"),
        ("import time\nx = time.time()", "time.time"),
        ("import time as t\nx = t.time_ns()", "time.time_ns"),
        ("from time import time\nx = time()", "time.time"),
        ("from time import time as wall\nx = wall()", "time.time"),
        ("def f():\n    from datetime import datetime\n    return datetime.now()", "datetime.datetime.now"),
        ("from datetime import datetime\nclock = datetime.now", "datetime.datetime.now"),  # passed along
        ("import time\ndef f(clock=time.time):\n    return clock()", "time.time"),
    ],
)
def test_the_scan_finds_every_import_style(source: str, name: str) -> None:
    [hit] = clock_reads(source)
    assert hit.endswith(f": {name}")


@pytest.mark.parametrize(
    "source",
    [
        "import time\nx = time.monotonic(); y = time.perf_counter(); time.sleep(0)",
        "from datetime import datetime, time\nx = datetime.fromisoformat('2026-01-01'); y = time(8, 0)",
        "from datetime import date\nx = date(2026, 1, 1); y = date.fromisoformat('2026-01-01')",
        "from bot.clock import utcnow\nx = utcnow()",
        "from bot import clock\nx = clock.utcnow()",
        "class Thing:\n    def now(self): ...\nThing().now()",
        "x = something.datetime.now()",  # not an import of the datetime module
        "from datetime import time\nx = time.max",
    ],
)
def test_the_scan_lets_durations_and_the_seam_through(source: str) -> None:
    assert clock_reads(source) == []
