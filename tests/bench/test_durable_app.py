"""The durable floor of bench/webhook.py does what it claims: checks the signature, keeps the text."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from bot import PROJECT_ROOT
from tests.fixtures.twilio_signing import AUTH_TOKEN, PUBLIC_BASE_URL, signed_post, sms_form


@pytest.fixture
def floor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    url = f"sqlite:///{tmp_path / 'floor.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC_BASE_URL)
    monkeypatch.syspath_prepend(str(PROJECT_ROOT / "bench"))
    sys.modules.pop("durable_app", None)
    module = importlib.import_module("durable_app")
    with TestClient(module.app) as client:
        yield client, url
    module.store.dispose()
    sys.modules.pop("durable_app", None)


def _inbound(url: str) -> list[tuple[str, str, str]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT body, provider_id, status FROM messages WHERE direction = 'in'")
        )
        found = [tuple(row) for row in rows]
    engine.dispose()
    return found  # type: ignore[return-value]


def test_a_signed_text_is_committed_and_answered(floor: tuple[TestClient, str]) -> None:
    client, url = floor
    body, headers = signed_post("/twilio/sms", sms_form("+12135550111", "¿a qué hora abre?", "SM" + "a" * 32))
    response = client.post("/twilio/sms", content=body, headers=headers)
    assert response.status_code == 200 and "<Response>" in response.text
    assert _inbound(url) == [("¿a qué hora abre?", "SM" + "a" * 32, "floor")]


def test_a_bad_signature_is_refused_and_nothing_is_kept(floor: tuple[TestClient, str]) -> None:
    client, url = floor
    body, headers = signed_post("/twilio/sms", sms_form("+12135550111", "hi", "SM" + "b" * 32), token="wrong")
    assert client.post("/twilio/sms", content=body, headers=headers).status_code == 403
    assert _inbound(url) == []
