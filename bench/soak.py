"""Soak POST /twilio/sms at a steady rate for a long time; memory of the server processes at start and end.

Starts `outreach serve --workers N` (web workers, and the supervisor's outbox dispatcher; outbound
SMS are a dry run) on loopback, seeds returning contacts, then sends signed inbound SMS at a fixed
arrival rate (open loop, the traffic mix of bench/webhook.py) for --duration seconds, one line of
figures per --interval. The resident memory (RSS) of the server's processes is printed after the
warm-up and after every interval; a leak shows as steady growth after the first minutes.

    .venv/bin/python bench/soak.py --database-url postgresql://postgres@127.0.0.1/outreach_soak \\
        --workers 2 --rate 50 --duration 600
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webhook import (
    HEADER,
    HOST,
    RESULTS_DIR,
    Pool,
    Server,
    Traffic,
    closed_loop,
    database_counts,
    free_port,
    open_loop,
    process_tree,
    row,
    running,
    server_log_problems,
    webhook_command,
    webhook_env,
)


def rss_mib(server: Server) -> dict[int, float]:
    """Resident memory of the server and each of its child processes, in MiB."""
    sizes: dict[int, float] = {}
    for pid in process_tree(server.pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes[pid] = int(line.split()[1]) / 1024
    return sizes


def describe(sizes: dict[int, float]) -> str:
    """Total and per-process RSS."""
    parts = ", ".join(f"{pid}: {mib:.1f}" for pid, mib in sorted(sizes.items()))
    return f"{sum(sizes.values()):.1f} MiB ({parts})"


async def soak(args: argparse.Namespace, server: Server, traffic: Traffic) -> dict[str, Any]:
    """Warm up, then the steady phase; figures per interval and the memory trail."""
    seeded = await closed_loop(
        "warm-up: seed returning contacts", server, traffic.seeding(args.contacts), budget=args.contacts,
        concurrency=8, duration=120,
    )  # fmt: skip
    print(row(seeded), flush=True)
    start = rss_mib(server)
    print(f"RSS after warm-up: {describe(start)}", flush=True)
    pool = Pool(server.port, 256)
    intervals, memory = [], [sum(start.values())]
    elapsed = 0.0
    try:
        while elapsed < args.duration:
            span = min(args.interval, args.duration - elapsed)
            requests = traffic.mixed(max(1, round(args.rate * span)))
            phase = await open_loop(
                f"steady {elapsed / 60:4.1f}-{(elapsed + span) / 60:4.1f} min",
                server,
                pool,
                requests,
                args.rate,
            )
            elapsed += span
            sizes = rss_mib(server)
            memory.append(sum(sizes.values()))
            intervals.append({**phase.__dict__, "rss_mib": sum(sizes.values())})
            print(f"{row(phase)}   rss {sum(sizes.values()):.1f} MiB", flush=True)
    finally:
        pool.close()
    end = rss_mib(server)
    return {"start_rss": start, "end_rss": end, "memory_trail_mib": memory, "intervals": intervals}


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print the memory at start and end."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of steady load (default 600)")
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second (default 50)")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per reported line (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes (default 2)")
    parser.add_argument("--contacts", type=int, default=500, help="returning contacts seeded first")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary directory")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    with TemporaryDirectory(prefix="bench-soak-") as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/soak.db"
        port = free_port()
        command = [arg for arg in webhook_command(port, args.workers) if arg != "--no-dispatcher"]
        env = webhook_env(port, database_url)
        print(f"soak: {args.rate:g} req/s for {args.duration:g} s, {args.workers} web workers + dispatcher")
        with running("soak", command, env, port, Path(tmp) / "soak.log") as server:
            print(HEADER)
            traffic = Traffic(port, f"http://{HOST}:{port}", random.Random(args.seed))
            figures = asyncio.run(soak(args, server, traffic))
            problems = server_log_problems(server)
            counts = database_counts(database_url)
    start, end = sum(figures["start_rss"].values()), sum(figures["end_rss"].values())
    ok = sum(i["ok"] for i in figures["intervals"])
    errors = sum(i["errors"] for i in figures["intervals"])
    print(f"\nmemory at start: {describe(figures['start_rss'])}")
    print(f"memory at end:   {describe(figures['end_rss'])}")
    print(f"growth: {end - start:+.1f} MiB ({(end / start - 1) * 100 if start else 0:+.1f}%)")
    print(f"requests: {ok} ok, {errors} errors; server log problems: {len(problems)}; database: {counts}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"soak-{datetime.now():%Y%m%d-%H%M%S}.json"
    options = {k: v for k, v in vars(args).items() if k != "database_url"}
    path.write_text(
        json.dumps({"options": options, **figures, "problems": problems[:50]}, indent=2, default=str)
    )
    print(f"results: {path}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
