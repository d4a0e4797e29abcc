"""Prometheus metrics: counters the processes increment, and gauges read from the store per scrape.

Counters live in the process that counts (web workers, dispatchers, the scheduler). With several
uvicorn workers `outreach serve` sets PROMETHEUS_MULTIPROC_DIR so /metrics adds up every worker.
Queue depth and the oldest open concern are read from the database at scrape time, so any one
process reports them for the whole deployment.

The scheduler counts its runs with `record_job("announcement:12", "done")`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST

INBOUND = Counter("outreach_inbound", "Inbound texts by channel and outcome", ["channel", "outcome"])
OUTBOUND = Counter("outreach_outbound", "Outbox send attempts by channel and outcome", ["channel", "outcome"])
DELIVERY = Counter("outreach_delivery_status", "Delivery status callbacks by status", ["status"])
JOBS = Counter("outreach_jobs", "Scheduled job runs by job and outcome", ["job", "outcome"])


# Label values come only from these sets (anything else is counted as "other"), so no value a
# caller computes (a count, an id, a provider's status) can grow the number of time series.
CHANNELS = frozenset({"sms", "slack", "console"})
INBOUND_OUTCOMES = frozenset({"answered", "duplicate", "throttled", "error", "ignored", "refused"})
OUTBOUND_OUTCOMES = frozenset({"sent", "retry", "failed", "suppressed", "cancelled"})
DELIVERY_STATUSES = frozenset(
    {
        "accepted",
        "scheduled",
        "queued",
        "sending",
        "sent",
        "delivered",
        "undelivered",
        "failed",
        "receiving",
        "received",
        "read",
        "canceled",
        "partially_delivered",
    }
)
JOB_OUTCOMES = frozenset({"done", "error", "missed"})
JOB_NAME = re.compile(r"[a-z_]+(?:[:.][a-z_]+)*")
OTHER = "other"


def bounded(value: str, allowed: frozenset[str]) -> str:
    """`value` when it is one of `allowed`, else "other"."""
    return value if value in allowed else OTHER


def job_label(job_id: str) -> str:
    """A job's label: its id without row numbers ("reminder:12" -> "reminder"), "other" if odd."""
    name = ":".join(part for part in job_id.split(":") if not part.isdigit())
    return name if len(name) <= 60 and JOB_NAME.fullmatch(name) else OTHER


def record_inbound(channel: str, outcome: str) -> None:
    """Count one inbound text: answered, duplicate, throttled or error."""
    INBOUND.labels(bounded(channel, CHANNELS), bounded(outcome, INBOUND_OUTCOMES)).inc()


def record_outbound(channel: str, outcome: str) -> None:
    """Count one outbox send attempt: sent, retry, failed or suppressed."""
    OUTBOUND.labels(bounded(channel, CHANNELS), bounded(outcome, OUTBOUND_OUTCOMES)).inc()


def record_delivery(status: str) -> None:
    """Count one delivery status callback (queued, sent, delivered, undelivered, failed...)."""
    DELIVERY.labels(bounded(status, DELIVERY_STATUSES)).inc()


def record_job(job_id: str, outcome: str) -> None:
    """Count one run of a scheduled job, e.g. record_job("reminder:12", "done") or (..., "error")."""
    JOBS.labels(job_label(job_id), bounded(outcome, JOB_OUTCOMES)).inc()


@dataclass(frozen=True)
class StoreSnapshot:
    """What the database says right now: outbox rows by (status, priority), oldest open concern."""

    outbox: dict[tuple[str, int], int]
    oldest_open_concern_seconds: float | None


class StoreCollector(Collector):
    """Gauges read from the store at each scrape."""

    def __init__(self, snapshot: Callable[[], StoreSnapshot]) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        """Queue depth by status and priority, and the age of the oldest open concern."""
        snap = self.snapshot()
        depth = GaugeMetricFamily(
            "outreach_outbox_depth", "Outbox rows waiting, in flight or failed", labels=["status", "priority"]
        )
        for (status, priority), count in sorted(snap.outbox.items()):
            depth.add_metric([status, str(priority)], count)
        yield depth
        age = GaugeMetricFamily(
            "outreach_oldest_open_concern_age_seconds", "Age of the oldest concern not yet resolved"
        )
        age.add_metric([], snap.oldest_open_concern_seconds or 0.0)
        yield age


def render(snapshot: Callable[[], StoreSnapshot]) -> bytes:
    """The exposition text: this process's (or every worker's) counters and the store's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counters = CollectorRegistry()
        MultiProcessCollector(counters)
    else:
        counters = REGISTRY
    store = CollectorRegistry(auto_describe=False)
    store.register(StoreCollector(snapshot))
    return generate_latest(counters) + generate_latest(store)


def serve_metrics(port: int) -> None:
    """Expose this process's counters on 127.0.0.1:port (dispatcher and scheduler processes)."""
    start_http_server(port, addr="127.0.0.1")
