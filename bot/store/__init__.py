"""The store: the only package that touches SQLAlchemy models and sessions."""

from bot.store import (
    models_scale,  # noqa: F401  registers the scale tables on Base
    models_teaching,  # noqa: F401  registers the teaching tables on Base
)
from bot.store.repo import Store, Tx

__all__ = ["Store", "Tx"]
