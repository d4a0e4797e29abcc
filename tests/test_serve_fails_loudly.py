"""`outreach serve` fails loudly: a busy port, placeholder credentials; and its banner tells the truth."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.fixtures.processes import (
    OUTREACH,
    OutputReader,
    clean_env,
    free_port,
    run_outreach,
    wait_healthy,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_busy_port_exits_non_zero_within_seconds(tmp_path: Path, workers: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        result = run_outreach(
            "serve",
            "--port",
            str(port),
            "--workers",
            workers,
            env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}"),
        )
        took = time.monotonic() - started
    assert result.returncode == 1
    assert took < 10, took
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: address already in use"
    ]


def test_placeholder_credentials_stop_startup_with_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"DATABASE_URL=sqlite:///{tmp_path / 'p.db'}\n"
        "TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nTWILIO_AUTH_TOKEN=your_auth_token\n"
        "TWILIO_FROM_NUMBER=+12135550100\n"
    )
    result = run_outreach("serve", "--port", "0", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: bad setting TWILIO_ACCOUNT_SID: still the placeholder from .env.example: "
        "set the real value, or leave it empty for a dry run"
    ]
    slack = tmp_path / "slack"
    slack.mkdir()
    (slack / ".env").write_text("SLACK_BOT_TOKEN=xoxb-your-token\nSLACK_SIGNING_SECRET=your_signing_secret\n")
    result = run_outreach("chat", "--phone", "+12135550123", env=clean_env(), cwd=slack)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: bad setting SLACK_BOT_TOKEN: still the placeholder")


def test_the_banner_says_dry_run_and_the_port_actually_served(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'd.db'}")
    process = subprocess.Popen(
        [OUTREACH, "serve", "--port", "0", "--no-scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = OutputReader(process)
    try:
        output.wait_for("DRY RUN: no Twilio credentials")
        match = re.search(r"Parent outreach bot on http://127\.0\.0\.1:(\d+)", output.text())
        assert match is not None, output.text()
        port = int(match.group(1))
        assert port != 0
        wait_healthy(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _take_port_once_free(port: int, stop: threading.Event, taken: list[int]) -> None:
    """Once `serve` listens, try to take its port as another server would, until told to stop."""
    while not stop.is_set() and not _listening(port):
        time.sleep(0.005)
    while not stop.is_set():
        other = socket.socket()
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            other.bind(("127.0.0.1", port))
            other.listen()
        except OSError:
            other.close()
            time.sleep(0.0005)
            continue
        taken.append(port)
        stop.wait(30)  # hold it, as the other server would
        other.close()
        return


def test_serve_with_workers_never_lets_go_of_its_port(tmp_path: Path) -> None:
    """The workers serve the socket `serve` bound first: no other process can take the port meanwhile."""
    port = free_port()
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}")
    stop, taken = threading.Event(), list[int]()
    intruder = threading.Thread(target=_take_port_once_free, args=(port, stop, taken), daemon=True)
    intruder.start()
    process = subprocess.Popen(
        [OUTREACH, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = OutputReader(process)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        assert taken == [], output.text()
    finally:
        stop.set()
        intruder.join(timeout=10)
        process.terminate()
        process.wait(timeout=30)
