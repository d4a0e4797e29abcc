"""Small timings that used to be assertions in unit tests: how fast, not whether it works.

A unit test asserts what code does; how long it takes on a busy 2-core machine is a measurement,
so it lives here, with a target per line, and the tests keep the functional half:

- language detection: microseconds per first message after warm-up, over the messages of
  tests/services/detection_messages.yaml (target: under 1 ms; tests/services/test_detection_accuracy.py
  checks the answers);
- the dispatcher's RateLimiter: how long 26 sends at 50/s take (at least 25 intervals is the rule
  tests/outbox/test_dispatcher.py checks; within 1.5 times that is the pace this measures).

    .venv/bin/python bench/timing.py [--repeat 3]

Prints one line per figure with PASS or FAIL against its target; exits 1 when one fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.outbox.dispatcher import RateLimiter  # noqa: E402
from tests.services.test_detection_accuracy import load_messages, real_detector  # noqa: E402

DETECTION_TARGET_SECONDS = 0.001
LIMITER_RATE = 50.0
LIMITER_SENDS = 26
LIMITER_SLACK = 1.5  # the pace may fall behind by half, no more


def detection_seconds_per_message() -> float:
    """Seconds per message through the real detector, warmed up as the bot warms it up."""
    detector = real_detector()
    detector.warm_up()
    texts = [message.text for message in load_messages()]
    started = time.perf_counter()
    for text in texts:
        detector.detect(text)
    return (time.perf_counter() - started) / len(texts)


def limiter_seconds() -> float:
    """From the first send's start to the last's, for LIMITER_SENDS sends at LIMITER_RATE."""
    limiter = RateLimiter(LIMITER_RATE)
    stamps = []
    for _ in range(LIMITER_SENDS):
        with limiter.slot():
            stamps.append(time.monotonic())
    return stamps[-1] - stamps[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best counts")
    args = parser.parse_args(argv)
    failed = False

    detection = min(detection_seconds_per_message() for _ in range(args.repeat))
    ok = detection < DETECTION_TARGET_SECONDS
    failed |= not ok
    print(
        f"{'PASS' if ok else 'FAIL'} language detection: {detection * 1e6:.0f} µs a message "
        f"(target < {DETECTION_TARGET_SECONDS * 1e6:.0f} µs)"
    )

    floor = (LIMITER_SENDS - 1) / LIMITER_RATE
    paced = min(limiter_seconds() for _ in range(args.repeat))
    ok = floor * 0.98 <= paced < floor * LIMITER_SLACK
    failed |= not ok
    print(
        f"{'PASS' if ok else 'FAIL'} rate limiter: {LIMITER_SENDS} sends at {LIMITER_RATE:g}/s in "
        f"{paced:.3f} s (target {floor:.2f} s to {floor * LIMITER_SLACK:.2f} s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
