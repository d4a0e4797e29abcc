"""Send slots shared by every dispatcher on PostgreSQL: one row per sender, updated atomically."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.dialects import postgresql

from bot.store.models_scale import SendRateRow

# Each reservation moves the sender's next free slot forward by `count` intervals, starting no
# earlier than now; the row lock serializes concurrent reservations, and the database's clock is
# the only clock that counts, so dispatchers on different machines agree.
RESERVE = text(
    "UPDATE send_rate_slots"
    " SET next_at = GREATEST(next_at, EXTRACT(EPOCH FROM clock_timestamp())) + :span"
    " WHERE sender = :sender"
    " RETURNING next_at - :span, EXTRACT(EPOCH FROM clock_timestamp())"
)


class SharedSendSlots:
    """Reserves send slots for one sender in the database, outside any other transaction."""

    def __init__(self, engine: Engine, sender: str) -> None:
        self.engine = engine
        self.sender = sender[:64]
        self._row_exists = False

    def reserve(self, count: int, interval: float) -> tuple[float, float]:
        """Reserve `count` slots `interval` s apart: (the first slot, the database's now), in seconds."""
        with self.engine.begin() as connection:
            # A reservation lost in a server crash only lets one slot be handed out twice, once.
            connection.execute(text("SET LOCAL synchronous_commit TO OFF"))
            if not self._row_exists:
                create = postgresql.insert(SendRateRow).values(sender=self.sender, next_at=0.0)
                connection.execute(create.on_conflict_do_nothing(index_elements=["sender"]))
                self._row_exists = True
            first, now = connection.execute(RESERVE, {"span": count * interval, "sender": self.sender}).one()
        return float(first), float(now)
