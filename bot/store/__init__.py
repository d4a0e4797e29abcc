"""The store: the only package that touches SQLAlchemy models and sessions."""

from bot.store.repo import Store, Tx

__all__ = ["Store", "Tx"]
