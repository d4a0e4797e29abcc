"""Prints the answerer's accuracy per language at the end of a test run, even without -s."""

from __future__ import annotations

import pytest

ACCURACY_REPORT = pytest.StashKey[list[tuple[str, list[str], bool]]]()


@pytest.fixture(scope="session")
def accuracy_report(pytestconfig: pytest.Config) -> list[tuple[str, list[str], bool]]:
    """Where test_answer_accuracy leaves (summary line, questions it got wrong, passed) per language."""
    return pytestconfig.stash.setdefault(ACCURACY_REPORT, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    report = config.stash.get(ACCURACY_REPORT, [])
    if not report:
        return
    terminalreporter.section("answer accuracy")
    for line, misses, passed in report:
        terminalreporter.write_line(line)
        if not passed or config.option.verbose > 0:
            for miss in misses:
                terminalreporter.write_line(f"    {miss}")
