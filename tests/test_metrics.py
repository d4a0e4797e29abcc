"""The Prometheus endpoint: loopback only (or a bearer token), counters and store gauges."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from bot.app import Bot
from bot.metrics import JOB_OUTCOMES, bounded, job_label, record_job
from bot.web import create_app
from tests.fixtures.bots import make_bot
from tests.fixtures.twilio_signing import signed_post, sms_form

LOCAL = ("127.0.0.1", 40000)


def value(text: str, name: str, **labels: str) -> float:
    """The sample of `name` with exactly these labels (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name + ("{" + wanted + "}" if wanted else "")) + r" (\S+)"
    match = re.search(r"^" + pattern + r"$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_are_served_to_localhost_only(bot: Bot) -> None:
    app = create_app(bot, run_dispatcher=False)
    with TestClient(app) as remote, TestClient(app, client=LOCAL) as local:
        assert remote.get("/metrics").status_code == 403
        assert local.get("/metrics").status_code == 200


def test_api_docs_are_off_unless_enabled(db_url: str) -> None:
    closed = make_bot(db_url)
    with TestClient(create_app(closed, run_dispatcher=False), client=LOCAL) as http:
        assert [http.get(path).status_code for path in ("/docs", "/redoc", "/openapi.json")] == [404] * 3
    closed.close()
    opened = make_bot(db_url, enable_api_docs=True)
    with TestClient(create_app(opened, run_dispatcher=False), client=LOCAL) as http:
        assert http.get("/docs").status_code == 200
        schema = http.get("/openapi.json").text
        assert "/twilio/sms" in schema and "/metrics" not in schema
    opened.close()


@pytest.mark.parametrize(
    ("job_id", "outcome", "labels"),
    [
        ("sync", "23", ("sync", "other")),
        ("reminder:12", "done", ("reminder", "done")),
        ("announcement:99999", "error", ("announcement", "error")),
        ("volunteers:expire_offers", "done", ("volunteers:expire_offers", "done")),
        ("job-4f2a", "missed", ("other", "missed")),
    ],
)
def test_metric_labels_come_from_fixed_sets(job_id: str, outcome: str, labels: tuple[str, str]) -> None:
    assert (job_label(job_id), bounded(outcome, JOB_OUTCOMES)) == labels


def test_a_token_opens_metrics_to_a_scraper_elsewhere(db_url: str) -> None:
    wired = make_bot(db_url, metrics_token="scrape-me")
    with TestClient(create_app(wired, run_dispatcher=False)) as remote:
        assert remote.get("/metrics").status_code == 403
        assert remote.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert remote.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 200
    wired.close()


def test_inbound_queue_depth_concern_age_and_jobs(bot: Bot) -> None:
    with TestClient(create_app(bot, run_dispatcher=False), client=LOCAL) as client:
        before = client.get("/metrics").text
        data, headers = signed_post("/twilio/sms", sms_form("+12135550501", "hi", "SMmetrics1"))
        assert client.post("/twilio/sms", content=data, headers=headers).status_code == 200
        with bot.store.transaction() as tx:
            tx.enqueue(key="m1", to_address="+12135550501", body="bulk", contact_id=None, priority=1)
        record_job("announcement:7", "done")
        after = client.get("/metrics").text
    inbound = {"channel": "sms", "outcome": "answered"}
    assert (
        value(after, "outreach_inbound_total", **inbound)
        == value(before, "outreach_inbound_total", **inbound) + 1
    )
    assert value(after, "outreach_outbox_depth", status="pending", priority="1") == 1
    assert value(after, "outreach_jobs_total", job="announcement", outcome="done") >= 1
    assert "outreach_oldest_open_concern_age_seconds 0.0" in after
