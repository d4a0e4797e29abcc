"""Prints the answerer's and the language detector's accuracy per language at the end of a test run,
even without -s."""

from __future__ import annotations

import pytest

ACCURACY_REPORT = pytest.StashKey[list[tuple[str, list[str], bool]]]()
DETECTION_REPORT = pytest.StashKey[list[tuple[str, list[str], bool]]]()


@pytest.fixture(scope="session")
def accuracy_report(pytestconfig: pytest.Config) -> list[tuple[str, list[str], bool]]:
    """Where test_answer_accuracy leaves (summary line, questions it got wrong, passed) per language."""
    return pytestconfig.stash.setdefault(ACCURACY_REPORT, [])


@pytest.fixture(scope="session")
def detection_report(pytestconfig: pytest.Config) -> list[tuple[str, list[str], bool]]:
    """Where test_detection_accuracy leaves (summary line, messages it missed, passed), then per language."""
    return pytestconfig.stash.setdefault(DETECTION_REPORT, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    for key, title in ((ACCURACY_REPORT, "answer accuracy"), (DETECTION_REPORT, "language detection")):
        report = config.stash.get(key, [])
        if not report:
            continue
        terminalreporter.section(title)
        for line, misses, passed in report:
            terminalreporter.write_line(line)
            if not passed or config.option.verbose > 0:
                for miss in misses:
                    terminalreporter.write_line(f"    {miss}")
