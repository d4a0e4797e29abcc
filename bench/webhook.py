"""Benchmark POST /twilio/sms: the real server's throughput and latency against two baselines.

Starts `outreach serve --no-dispatcher` (SQLite in a temporary directory unless --database-url
is given), bench/bare_app.py (the web stack alone) and bench/durable_app.py (the signature check
and one committed insert: the durable floor), each one uvicorn process on loopback, and drives
them from this process with signed inbound SMS from many distinct phones (about 30% new contacts,
the rest returning ones seeded during warm-up), with a mix of bodies: numbers and keywords, and
free-text questions in ten languages, some of them long. Phases, each bounded in time and count:

1. warm-up: one text from each returning contact, and a short run against each baseline;
2. closed loop (N keep-alive connections, back to back) for the webhook and both baselines;
3. open loop (fixed arrival rates; latency counted from the scheduled send time, so it includes
   queueing) against the webhook, rising until p99 exceeds 1 s or a request fails.

The client is a small keep-alive HTTP/1.1 client on asyncio with requests signed in advance:
on this 2-core machine httpx.AsyncClient tops out near 700 requests/s on a whole core, below what
the bare endpoint serves, so it would measure itself rather than the server.

    .venv/bin/python bench/webhook.py [--duration 10] [--rates 50,100,150,200,300,400]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import math
import os
import platform
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from urllib.parse import urlencode

import phonenumbers
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from anywhere: the repo's own packages come first

from tests.fixtures.twilio_signing import sms_form  # noqa: E402  the same form the webhook tests send

RESULTS_DIR = REPO / "bench" / "results"
HOST = "127.0.0.1"
PATH = "/twilio/sms"
TOKEN = "bench_auth_token_5f0c2a9e7b1d4c36"
# What parents text, weighted: replies to a numbered question and keywords (about 45%), and questions
# and requests in their own words in ten languages (about 55%), a third of them long (100-300 chars).
BODIES: tuple[tuple[str, int], ...] = (
    ("1", 10), ("2", 8), ("3", 4), ("MENU", 6), ("yes", 4), ("sí", 3), ("EVENTS", 3), ("MORE", 2),
    ("STATUS", 2), ("hi", 3),
    ("when is the office open", 4),
    ("hola, a que hora abre la oficina?", 4),
    ("What time do I have to pick up my daughter on Wednesday? She said school ends early this week "
     "because of the teacher meetings and I work until five.", 3),
    ("Buenas tardes, quería saber si mi hijo puede llevar su lonche de la casa o si tiene que comer en "
     "la cafetería, porque es alérgico al cacahuate y no sé a quién avisar.", 3),
    ("안녕하세요, 아이가 이번 주에 아파서 학교에 못 갔는데 결석 사유서를 어디에 제출해야 하나요? "
     "병원 진단서도 필요한가요?", 3),
    ("老师您好，我的孩子在学校被同学欺负了好几次，他现在不想去上学。我应该找谁谈这件事？", 3),
    ("مرحبا، ابني في الصف الثالث ويحتاج إلى مساعدة في القراءة. "
     "هل توجد دروس إضافية بعد المدرسة أو برنامج للآباء؟", 3),
    ("Xin chào, tôi muốn hỏi lịch họp phụ huynh tháng này là ngày nào và có người thông dịch tiếng Việt "
     "không ạ?", 3),
    ("Здравствуйте, подскажите, пожалуйста, как записаться волонтёром на школьный праздник?", 2),
    ("سلام، می‌خواهم بدانم چطور می‌توانم با معلم پسرم درباره نمره‌هایش صحبت کنم؟", 2),
    ("Բարև ձեզ, երբ է ծնողական ժողովը և կարո՞ղ եմ գալ թարգմանչի հետ։", 2),
    ("Magandang araw po, paano po ako makakapag-volunteer sa paaralan? Gusto ko pong tumulong tuwing "
     "Biyernes.", 2),
    ("I want to complain about the school bus, it is always late and my son misses breakfast.", 2),
    ("RSVP yes for family night", 2),
    ("what is the wifi password for the cafeteria vending machine", 1),
)  # fmt: skip
AREA_CODES = (213, 310, 323, 424, 562, 626, 818)
NEW_SHARE = 0.30
REQUEST_TIMEOUT_S = 10.0
STARTUP_TIMEOUT_S = 60.0
STOP_P99_S = 1.0
OPEN_LOOP_CONNECTIONS = 256
KEEP_ALIVE_S = 3.0  # reuse idle connections only well within uvicorn's 5 s keep-alive timeout
BARE_BUDGET_PER_S = 5_000  # requests per second of --duration for a baseline, more than it serves
TARGET_RPS = 300.0
TARGET_RATE = 150.0
TARGET_P99_MS = 50.0
TARGET_SHARE = 0.30  # of the durable floor's throughput


# Traffic -----------------------------------------------------------------------


def phone_numbers(rng: random.Random) -> Iterator[str]:
    """Endless distinct US numbers that phonenumbers calls valid, as the webhook requires."""
    seen: set[str] = set()
    while True:
        number = f"+1{rng.choice(AREA_CODES)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        if number not in seen and phonenumbers.is_valid_number(phonenumbers.parse(number)):
            seen.add(number)
            yield number


class Traffic:
    """Inbound SMS requests signed as Twilio signs them, as raw HTTP/1.1 bytes ready to send."""

    def __init__(self, port: int, public_base_url: str, rng: random.Random) -> None:
        self.rng = rng
        self.phones = phone_numbers(rng)
        self.returning: list[str] = []
        self.validator = RequestValidator(TOKEN)
        self.url = public_base_url + PATH
        self.host = f"{HOST}:{port}"
        self.bodies = [body for body, _ in BODIES]
        self.weights = [weight for _, weight in BODIES]

    def body(self) -> str:
        """A body drawn from the weighted mix."""
        return self.rng.choices(self.bodies, self.weights)[0]

    def request(self, phone: str, body: str) -> bytes:
        """One signed POST with a fresh MessageSid."""
        form = sms_form(phone, body, "SM" + secrets.token_hex(16))
        payload = urlencode(form).encode()
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: {self.host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(payload)}\r\n"
            f"X-Twilio-Signature: {self.validator.compute_signature(self.url, form)}\r\n\r\n"
        )
        return head.encode() + payload

    def seeding(self, count: int) -> list[bytes]:
        """A first text from each of `count` new phones; they are the returning contacts afterwards."""
        phones = [next(self.phones) for _ in range(count)]
        self.returning.extend(phones)
        return [self.request(phone, self.body()) for phone in phones]

    def mixed(self, count: int) -> list[bytes]:
        """`count` requests, about 30% from phones never seen before and the rest from returning ones."""
        requests = []
        for _ in range(count):
            new = not self.returning or self.rng.random() < NEW_SHARE
            phone = next(self.phones) if new else self.rng.choice(self.returning)
            requests.append(self.request(phone, self.body()))
        return requests


# HTTP client -------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection: writes a prepared request, reads the whole response."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reusable = True
        self.last_used = time.monotonic()

    @classmethod
    async def connect(cls, port: int) -> Connection:
        """Open a connection to the server on loopback."""
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(reader, writer)

    async def send(self, request: bytes) -> int:
        """Send one request and return the response's HTTP status once its body is read."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                self.reusable = False
            elif name == b"transfer-encoding":
                raise ValueError("chunked responses are not supported")
        if length:
            await self.reader.readexactly(length)
        self.last_used = time.monotonic()
        return int(head[9:12])

    def fresh(self) -> bool:
        """Safe to reuse: open, and idle for less than the server's keep-alive timeout."""
        idle = time.monotonic() - self.last_used
        return self.reusable and not self.reader.at_eof() and idle < KEEP_ALIVE_S

    def close(self) -> None:
        """Close the socket; the connection is not used again."""
        self.reusable = False
        self.writer.close()


class Pool:
    """Keep-alive connections to one server, at most `limit` in use (further requests queue)."""

    def __init__(self, port: int, limit: int) -> None:
        self.port = port
        self.idle: list[Connection] = []
        self.slots = asyncio.Semaphore(limit)

    async def send(self, request: bytes) -> int:
        """Send on an idle connection, or a new one; the HTTP status."""
        async with self.slots:
            connection = await self._connection()
            try:
                status = await connection.send(request)
            except BaseException:
                connection.close()
                raise
            if connection.reusable:
                self.idle.append(connection)
            else:
                connection.close()
            return status

    async def _connection(self) -> Connection:
        """The most recently used idle connection still fresh, or a new one."""
        while self.idle:
            connection = self.idle.pop()
            if connection.fresh():
                return connection
            connection.close()
        return await Connection.connect(self.port)

    def close(self) -> None:
        """Close every idle connection."""
        for connection in self.idle:
            connection.close()
        self.idle.clear()


# Measurements --------------------------------------------------------------------


@dataclass
class Recorder:
    """Latencies and outcomes of one phase's requests."""

    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    last_done: float = 0.0

    def add(self, outcome: int | str, seconds: float) -> None:
        """Record one finished (or failed) request."""
        self.latencies.append(seconds)
        self.outcomes[str(outcome)] += 1
        self.last_done = time.perf_counter()


@dataclass
class Phase:
    """The figures of one phase."""

    name: str
    target: str
    mode: str
    concurrency: int | None
    offered_rps: float | None
    sent: int
    ok: int
    errors: int
    outcomes: dict[str, int]
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    late_ms: float | None
    server_cpu: float | None
    client_cpu: float


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (uvicorn workers), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


class CpuClock:
    """CPU seconds used by the server's processes and by this client, sampled around a phase."""

    def __init__(self, pid: int) -> None:
        self.pids = process_tree(pid)  # a multi-worker server's workers exist once it is healthy
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.start = (self._server(), time.process_time(), time.perf_counter())

    def _server(self) -> float | None:
        total = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            total += int(fields[11]) + int(fields[12])
        return total / self.tick

    def shares(self) -> tuple[float | None, float]:
        """(server, client) CPU use since the start as a share of one core."""
        server0, client0, wall0 = self.start
        wall = max(time.perf_counter() - wall0, 1e-9)
        server1 = self._server()
        server = None if server0 is None or server1 is None else (server1 - server0) / wall
        return server, (time.process_time() - client0) / wall


def summarize(
    name: str,
    target: str,
    recorder: Recorder,
    started: float,
    clock: CpuClock,
    *,
    mode: str,
    concurrency: int | None = None,
    offered: float | None = None,
    late: float | None = None,
) -> Phase:
    """Turn a phase's recorder into its figures; throughput counts 200s until the last response."""
    ordered = sorted(recorder.latencies)
    ok = recorder.outcomes.get("200", 0)
    seconds = max((recorder.last_done or time.perf_counter()) - started, 1e-9)
    server_cpu, client_cpu = clock.shares()
    return Phase(
        name=name,
        target=target,
        mode=mode,
        concurrency=concurrency,
        offered_rps=offered,
        sent=len(ordered),
        ok=ok,
        errors=len(ordered) - ok,
        outcomes=dict(recorder.outcomes),
        seconds=round(seconds, 3),
        rps=round(ok / seconds, 1),
        p50_ms=round(percentile(ordered, 0.50) * 1000, 2),
        p99_ms=round(percentile(ordered, 0.99) * 1000, 2),
        max_ms=round((ordered[-1] if ordered else 0.0) * 1000, 2),
        late_ms=None if late is None else round(late * 1000, 2),
        server_cpu=None if server_cpu is None else round(server_cpu, 2),
        client_cpu=round(client_cpu, 2),
    )


# Load shapes -------------------------------------------------------------------


async def closed_loop(
    name: str, server: Server, requests: Sequence[bytes], *, budget: int, concurrency: int, duration: float
) -> Phase:
    """`concurrency` connections sending back to back until `duration` or `budget` requests."""
    recorder = Recorder()
    indices = iter(range(budget))
    clock = CpuClock(server.pid)
    started = time.perf_counter()
    deadline = started + duration

    async def worker() -> None:
        connection: Connection | None = None
        while time.perf_counter() < deadline and (index := next(indices, None)) is not None:
            began = time.perf_counter()
            try:
                if connection is None or not connection.reusable:
                    connection = await Connection.connect(server.port)
                status = await asyncio.wait_for(
                    connection.send(requests[index % len(requests)]), REQUEST_TIMEOUT_S
                )
            except (OSError, EOFError, ValueError, TimeoutError) as exc:
                recorder.add(type(exc).__name__, time.perf_counter() - began)
                if connection is not None:
                    connection.close()
                connection = None
                continue
            recorder.add(status, time.perf_counter() - began)
        if connection is not None:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarize(name, server.name, recorder, started, clock, mode="closed", concurrency=concurrency)


async def open_loop(name: str, server: Server, pool: Pool, requests: Sequence[bytes], rate: float) -> Phase:
    """Send each request at its scheduled time (`rate` per second), whatever is still in flight."""
    recorder = Recorder()
    clock = CpuClock(server.pid)
    tasks: set[asyncio.Task[None]] = set()
    late = 0.0

    async def one(request: bytes, due: float) -> None:
        try:
            status: int | str = await asyncio.wait_for(pool.send(request), REQUEST_TIMEOUT_S)
        except (OSError, EOFError, ValueError, TimeoutError) as exc:
            status = type(exc).__name__
        recorder.add(status, time.perf_counter() - due)

    started = time.perf_counter() + 0.01
    for index, request in enumerate(requests):
        due = started + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late = max(late, -delay)
        tasks.add(asyncio.create_task(one(request, due)))
    _, pending = await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT_S + 2)
    for task in pending:
        task.cancel()
        recorder.add("unfinished", REQUEST_TIMEOUT_S)
    return summarize(name, server.name, recorder, started, clock, mode="open", offered=rate, late=late)


# Servers -----------------------------------------------------------------------


@dataclass
class Server:
    """A server process this benchmark started."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's output, for error messages."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_healthy(server: Server, timeout: float) -> float:
    """Wait for GET /healthz to answer 200; the seconds it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} server exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"http://{HOST}:{server.port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} server not healthy after {timeout:.0f} s:\n{server.log_tail()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server we started (its own process group): SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def running(name: str, command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[Server]:
    """Start a server from the repo root, wait until it is healthy, and always stop it at the end."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, port, process, log)
    try:
        took = wait_healthy(server, STARTUP_TIMEOUT_S)
        print(f"{name} server: pid {process.pid}, http://{HOST}:{port}, healthy after {took:.1f} s")
        yield server
    finally:
        stop(process)


def webhook_command(port: int, workers: int = 1) -> list[str]:
    """`outreach serve` from this virtualenv, webhooks only, with `workers` web processes."""
    outreach = Path(sys.executable).with_name("outreach")
    if not outreach.exists():
        raise SystemExit(f"{outreach} not found: run `make setup` first")
    command = [str(outreach), "serve", "--host", HOST, "--port", str(port), "--no-dispatcher"]
    return command + (["--workers", str(workers)] if workers > 1 else [])


def webhook_env(port: int, database_url: str) -> dict[str, str]:
    """Loopback URL, SQLite (or the given database), a bench token and no Twilio account (dry run)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://{HOST}:{port}",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": "",  # set empty so a .env file cannot turn real sending on
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # 500 returning phones at hundreds of texts/s each send far more than a parent could: count
        # them (the check runs) but never throttle, so every request takes the whole conversation path.
        "INBOUND_MAX_PER_MINUTE": "1000000",
        "NEW_NUMBERS_PER_MINUTE": "1000000",  # 30% new numbers at hundreds a second, on purpose
    }


def durable_command(port: int) -> list[str]:
    """uvicorn serving bench/durable_app.py with the settings `outreach serve` uses."""
    return [
        sys.executable, "-m", "uvicorn", "--app-dir", "bench", "durable_app:app", "--host", HOST,
        "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def durable_env(public_base_url: str, database_url: str) -> dict[str, str]:
    """The durable floor checks signatures made for the webhook's URL and writes to its own database."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": public_base_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",
    }


def bare_command(port: int) -> list[str]:
    """uvicorn serving bench/bare_app.py with the settings `outreach serve` uses."""
    return [
        sys.executable, "-m", "uvicorn", "--app-dir", "bench", "bare_app:app", "--host", HOST,
        "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


# Reporting ---------------------------------------------------------------------

HEADER = (
    f"{'phase':<34} {'target':<7} {'offered':>7} {'conns':>5} {'sent':>6} {'ok':>6} {'err':>4} "
    f"{'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'late ms':>7} {'srv cpu':>7} {'cli cpu':>7}"
)


def row(phase: Phase) -> str:
    """One table line for a phase."""
    offered = f"{phase.offered_rps:.0f}" if phase.offered_rps is not None else "-"
    conns = str(phase.concurrency) if phase.concurrency is not None else "-"
    late = f"{phase.late_ms:.1f}" if phase.late_ms is not None else "-"
    server = f"{phase.server_cpu:.0%}" if phase.server_cpu is not None else "?"
    line = (
        f"{phase.name:<34} {phase.target:<7} {offered:>7} {conns:>5} {phase.sent:>6} {phase.ok:>6} "
        f"{phase.errors:>4} {phase.rps:>7.1f} {phase.p50_ms:>8.1f} {phase.p99_ms:>8.1f} {phase.max_ms:>8.1f} "
        f"{late:>7} {server:>7} {phase.client_cpu:>7.0%}"
    )
    if phase.errors:
        failures = {k: v for k, v in phase.outcomes.items() if k != "200"}
        line += f"\n{'':<34} failures: {failures}"
    return line


def show(phase: Phase) -> Phase:
    """Print a phase's line as soon as it is measured."""
    print(row(phase), flush=True)
    return phase


def stack_info() -> str:
    """What uvicorn picks with its defaults in this environment."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    import fastapi
    import starlette
    import uvicorn

    return (
        f"uvicorn {uvicorn.__version__} ({loop}, {http}), FastAPI {fastapi.__version__}, "
        f"Starlette {starlette.__version__}"
    )


def server_log_problems(server: Server) -> list[str]:
    """Error and traceback lines the server logged (handled failures still answer 200)."""
    lines = server.log.read_text(errors="replace").splitlines()
    return [
        line for line in lines if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
    ]


def database_counts(database_url: str) -> dict[str, int] | None:
    """Contacts and inbound messages by status, read straight from the database."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return postgres_counts(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    with contextlib.closing(sqlite3.connect(url.database)) as db:
        counts = {"contacts": db.execute("SELECT count(*) FROM contacts").fetchone()[0]}
        for status, count in db.execute(
            "SELECT status, count(*) FROM messages WHERE direction = 'in' GROUP BY status"
        ):
            counts[f"inbound_{status}"] = count
    return counts


def postgres_counts(database_url: str) -> dict[str, int]:
    """The same counts from PostgreSQL."""
    from sqlalchemy import create_engine, text

    from bot.store.db import normalize_url

    engine = create_engine(normalize_url(database_url))
    try:
        with engine.connect() as db:
            counts = {"contacts": int(db.execute(text("SELECT count(*) FROM contacts")).scalar_one())}
            query = text("SELECT status, count(*) FROM messages WHERE direction = 'in' GROUP BY status")
            for status, count in db.execute(query):
                counts[f"inbound_{status}"] = int(count)
    finally:
        engine.dispose()
    return counts


def verdict(passed: bool | None) -> str:
    """PASS, FAIL or n/a."""
    return "n/a " if passed is None else ("PASS" if passed else "FAIL")


def summary(webhook: Phase, durable: Phase, bare: Phase, steps: list[Phase]) -> dict[str, Any]:
    """The headline figures and the three targets."""
    at_rate = next((step for step in steps if step.offered_rps == TARGET_RATE), None)
    clean = [step.rps for step in steps if not step.errors and step.p99_ms <= STOP_P99_S * 1000]
    sustained = max(clean, default=0.0)
    of_durable = webhook.rps / durable.rps if durable.rps else 0.0
    of_bare = webhook.rps / bare.rps if bare.rps else 0.0
    figures: dict[str, Any] = {}
    for name, phase in (("webhook", webhook), ("durable", durable), ("bare", bare)):
        figures.update(
            {
                f"{name}_max_rps": phase.rps,
                f"{name}_max_p50_ms": phase.p50_ms,
                f"{name}_max_p99_ms": phase.p99_ms,
                f"{name}_max_errors": phase.errors,
                f"{name}_max_server_cpu": phase.server_cpu,
            }
        )
    return {
        **figures,
        "webhook_share_of_durable_pct": round(of_durable * 100, 1),
        "webhook_share_of_bare_pct": round(of_bare * 100, 1),
        "highest_clean_open_loop_rps": sustained,
        f"at_{TARGET_RATE:.0f}_rps": None if at_rate is None else asdict(at_rate),
        "targets": {
            "sustained_300_rps": webhook.rps >= TARGET_RPS and webhook.errors == 0,
            "p99_under_50ms_at_150_rps": None
            if at_rate is None
            else at_rate.p99_ms < TARGET_P99_MS and at_rate.errors == 0,
            "share_of_durable_30pct": of_durable >= TARGET_SHARE,
        },
    }


def print_summary(figures: dict[str, Any], args: argparse.Namespace, database: str, results: Path) -> None:
    """The block to paste into a report."""
    at_rate = figures[f"at_{TARGET_RATE:.0f}_rps"]
    targets = figures["targets"]
    conns = f"{args.concurrency} conns, {args.duration:.0f} s"
    print("\n=== summary ===")
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {stack_info()}")
    print(f"load average at the end: {figures['load_average']}")
    print(f"client: 1 process, asyncio keep-alive HTTP/1.1, pre-signed requests; database: {database}")
    for name, label in (("webhook", "webhook"), ("durable", "durable floor"), ("bare", "bare")):
        cpu = figures[f"{name}_max_server_cpu"]
        print(
            f"{label + ' max':<18} (closed loop, {conns}): {figures[f'{name}_max_rps']:.1f} req/s, "
            f"p50 {figures[f'{name}_max_p50_ms']:.1f} ms, p99 {figures[f'{name}_max_p99_ms']:.1f} ms, "
            f"{figures[f'{name}_max_errors']} errors, server cpu {'?' if cpu is None else f'{cpu:.0%}'}"
        )
    print(
        f"webhook / durable floor: {figures['webhook_share_of_durable_pct']:.1f} %; "
        f"webhook / bare: {figures['webhook_share_of_bare_pct']:.1f} %"
    )
    print(
        "highest open-loop rate with p99 < 1 s and no errors: "
        f"{figures['highest_clean_open_loop_rps']:.0f} req/s"
    )
    if at_rate is None:
        print(f"webhook at {TARGET_RATE:.0f} req/s: not measured (not in --rates, or stopped earlier)")
    else:
        print(
            f"webhook at {TARGET_RATE:.0f} req/s (open loop, {args.duration:.0f} s): "
            f"achieved {at_rate['rps']:.1f} req/s, p50 {at_rate['p50_ms']:.1f} ms, "
            f"p99 {at_rate['p99_ms']:.1f} ms, {at_rate['errors']} errors"
        )
    print(
        f"[{verdict(targets['sustained_300_rps'])}] webhook sustains >= {TARGET_RPS:.0f} req/s "
        f"(closed loop, no errors): {figures['webhook_max_rps']:.1f} req/s"
    )
    p99 = "-" if at_rate is None else f"{at_rate['p99_ms']:.1f} ms"
    print(
        f"[{verdict(targets['p99_under_50ms_at_150_rps'])}] webhook p99 < {TARGET_P99_MS:.0f} ms "
        f"at {TARGET_RATE:.0f} req/s (no errors): {p99}"
    )
    print(
        f"[{verdict(targets['share_of_durable_30pct'])}] webhook >= {TARGET_SHARE:.0%} of the durable "
        f"floor's throughput: {figures['webhook_share_of_durable_pct']:.1f} %"
    )
    print(f"results: {results.relative_to(REPO)}")


def write_results(report: dict[str, Any]) -> Path:
    """Save the run as bench/results/webhook-<timestamp>.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"webhook-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


# The run -------------------------------------------------------------------------


async def warm_up(
    args: argparse.Namespace, webhook: Server, baselines: list[Server], traffic: Traffic
) -> list[Phase]:
    """Seed the returning contacts (one first text each) and warm each baseline up."""
    seeds = traffic.seeding(args.contacts)
    seeded = await closed_loop(
        "warm-up: seed returning contacts", webhook, seeds, budget=len(seeds), concurrency=8, duration=120
    )
    phases = [show(seeded)]
    for baseline in baselines:
        # The durable floor keeps each MessageSid once: only fresh requests, never a repeat.
        warming = traffic.mixed(2 * len(seeds))
        warmed = await closed_loop(
            f"warm-up: {baseline.name}",
            baseline,
            warming,
            budget=len(warming) if baseline.name == "durable" else BARE_BUDGET_PER_S,
            concurrency=args.concurrency,
            duration=2,
        )
        phases.append(show(warmed))
    return phases


async def max_throughput(
    args: argparse.Namespace, webhook: Server, baselines: list[Server], traffic: Traffic
) -> list[Phase]:
    """Closed loop against the webhook, then against each baseline with the same kind of requests.

    Each server gets requests it has not seen (a MessageSid is answered once; a repeat is a duplicate).
    """
    phases = []
    for server in (webhook, *baselines):
        # The bare endpoint keeps nothing, so requests may repeat; the others keep each MessageSid once.
        fresh = server.name != "bare"
        budget = int((args.budget_per_s if server is webhook else BARE_BUDGET_PER_S) * args.duration)
        prepared = time.perf_counter()
        requests = traffic.mixed(budget if fresh else 2000)
        print(f"{'':<34} (signed {len(requests)} requests in {time.perf_counter() - prepared:.1f} s)")
        phase = await closed_loop(
            "closed loop: max throughput",
            server,
            requests,
            budget=budget,
            concurrency=args.concurrency,
            duration=args.duration,
        )
        phases.append(show(phase))
        await asyncio.sleep(1)
    return phases


async def rising_rates(args: argparse.Namespace, webhook: Server, traffic: Traffic) -> list[Phase]:
    """Open loop at each rate in turn; stop rising once p99 passes 1 s or a request fails."""
    steps: list[Phase] = []
    pool = Pool(webhook.port, OPEN_LOOP_CONNECTIONS)
    try:
        for rate in args.rates:
            requests = traffic.mixed(max(1, int(rate * args.duration)))
            await asyncio.sleep(1)
            step = show(await open_loop(f"open loop: {rate:g} req/s", webhook, pool, requests, rate))
            steps.append(step)
            if step.errors or step.p99_ms > STOP_P99_S * 1000:
                print(f"{'':<34} (stopped rising: p99 over {STOP_P99_S:.0f} s or errors)")
                break
    finally:
        pool.close()
    return steps


async def measure(
    args: argparse.Namespace, webhook: Server, baselines: list[Server], traffic: Traffic
) -> tuple[list[Phase], list[Phase], list[Phase]]:
    """Every phase in order; (all phases, closed-loop maxima: webhook then baselines, open-loop steps)."""
    print(f"\n{HEADER}")
    warm = await warm_up(args, webhook, baselines, traffic)
    maxima = await max_throughput(args, webhook, baselines, traffic)
    steps = await rising_rates(args, webhook, traffic)
    return [*warm, *maxima, *steps], maxima, steps


def run(args: argparse.Namespace) -> int:
    """Start the three servers, measure, print and save the figures, stop the servers."""
    with TemporaryDirectory(prefix="bench-webhook-") as tmp, contextlib.ExitStack() as servers:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        floor_url = args.database_url or f"sqlite:///{tmp}/floor.db"
        database = make_url(database_url).render_as_string(hide_password=True)
        webhook_port, bare_port, durable_port = free_port(), free_port(), free_port()
        public_base_url = f"http://{HOST}:{webhook_port}"
        print(
            f"webhook benchmark: {os.cpu_count()} CPUs; {stack_info()}; database {database}; "
            f"web workers {args.workers}; load average {load_average()}"
        )
        webhook = servers.enter_context(
            running(
                "webhook",
                webhook_command(webhook_port, args.workers),
                webhook_env(webhook_port, database_url),
                webhook_port,
                Path(tmp) / "webhook.log",
            )
        )
        bare = servers.enter_context(
            running("bare", bare_command(bare_port), dict(os.environ), bare_port, Path(tmp) / "bare.log")
        )
        durable = servers.enter_context(
            running(
                "durable",
                durable_command(durable_port),
                durable_env(public_base_url, floor_url),
                durable_port,
                Path(tmp) / "durable.log",
            )
        )
        print("client: 1 process (asyncio, keep-alive HTTP/1.1, requests signed before each phase)")
        traffic = Traffic(webhook_port, public_base_url, random.Random(args.seed))
        phases, maxima, steps = asyncio.run(measure(args, webhook, [durable, bare], traffic))
        problems = server_log_problems(webhook) + server_log_problems(durable)
        counts = database_counts(database_url)
        exited = {s.name: s.process.poll() for s in (webhook, bare, durable)}
    webhook_max, durable_max, bare_max = maxima
    figures = summary(webhook_max, durable_max, bare_max, steps)
    figures["load_average"] = load_average()
    print(f"\nserver logs: {len(problems)} error/traceback lines" + (":" if problems else ""))
    for line in problems[:10]:
        print(f"  {line[:200]}")
    if counts is not None:
        answered = sum(phase.ok for phase in phases if phase.target == "webhook")
        print(f"database after the run: {counts}; webhook 200 responses: {answered}")
    if any(code is not None for code in exited.values()):
        print(f"a server exited during the run: {exited}")
    report = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "stack": stack_info()},
        "client": {"processes": 1, "kind": "asyncio keep-alive HTTP/1.1, pre-signed requests"},
        "database": database,
        "options": {k: v for k, v in vars(args).items() if k != "database_url"},
        "bodies": [{"body": body, "weight": weight} for body, weight in BODIES],
        "summary": figures,
        "phases": [asdict(phase) for phase in phases],
        "server_log_problems": problems[:50],
        "database_counts": counts,
    }
    print_summary(figures, args, database, write_results(report))
    return 0


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared: figures depend on them)."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase step (default 10)")
    parser.add_argument(
        "--rates",
        type=lambda text: [float(part) for part in text.split(",") if part.strip()],
        default=[50.0, 100.0, 150.0, 200.0, 300.0, 400.0],
        help="open-loop arrival rates in requests/s, comma separated (default 50,100,150,200,300,400)",
    )
    parser.add_argument(
        "--database-url", default="", help="default: SQLite in a temporary directory; postgresql://... works"
    )
    parser.add_argument("--workers", type=int, default=1, help="web worker processes (default 1)")
    parser.add_argument("--concurrency", type=int, default=16, help="closed-loop connections (default 16)")
    parser.add_argument("--contacts", type=int, default=500, help="returning contacts seeded in warm-up")
    parser.add_argument(
        "--budget-per-s",
        type=float,
        default=2000.0,
        help="webhook closed-loop requests signed per second of --duration (default 2000)",
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed for phones and bodies")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point; servers are stopped on errors and Ctrl-C too."""
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
