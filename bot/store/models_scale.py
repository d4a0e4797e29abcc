"""Tables for running at district scale (kept apart from models.py so the scale work merges cleanly)."""

from __future__ import annotations

from sqlalchemy import Double, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class SendRateRow(Base):
    """The next free send slot of one sender, shared by every dispatcher process (PostgreSQL)."""

    __tablename__ = "send_rate_slots"
    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Double)  # seconds since the epoch, on the database's clock
