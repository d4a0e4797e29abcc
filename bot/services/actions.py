"""The registry of named actions that flow steps run, and the context they get."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Contact, EvidenceFact
from bot.engine.engine import ActionResult
from bot.services.school_data import SchoolData
from bot.store import Tx


@dataclass
class ActionContext:
    """What an action may use: the open transaction, the parent, the school, and the turn's values."""

    tx: Tx
    contact: Contact
    school: SchoolData
    school_id: int | None
    locale: str
    values: Mapping[str, Any]
    zone: ZoneInfo
    evidence: list[EvidenceFact] = field(default_factory=list)
    shipped_locales: tuple[str, ...] = ("en",)
    step: str = ""
    render: Callable[..., str] = field(default=lambda prefix, message_id, **values: message_id)

    def message(self, prefix: str, message_id: str, **values: Any) -> str:
        """A catalog message (flows/*.yaml message sets) in the parent's language."""
        return self.render(prefix, message_id, **values)

    def record(
        self, indicator: str, kind: str, detail: str | None = None, value: float | None = None
    ) -> None:
        """Note an evidence fact, written with the turn."""
        self.evidence.append(EvidenceFact(indicator, kind, value, detail))


Action = Callable[[ActionContext], ActionResult]


class UnknownAction(KeyError):
    """A flow named an action nobody registered."""


class ActionRegistry:
    """Named actions; flows refer to them by name (`outreach flows validate` checks the names)."""

    def __init__(self) -> None:
        self._actions: dict[str, Action] = {}

    def register(self, name: str, action: Action) -> None:
        """Add an action under a unique name."""
        if name in self._actions:
            raise ValueError(f"action {name!r} registered twice")
        self._actions[name] = action

    def register_all(self, actions: Mapping[str, Action]) -> None:
        """Add several actions at once."""
        for name, action in actions.items():
            self.register(name, action)

    def run(self, name: str, context: ActionContext) -> ActionResult:
        """Run the named action."""
        try:
            action = self._actions[name]
        except KeyError:
            raise UnknownAction(name) from None
        return action(context)

    def names(self) -> Iterable[str]:
        """Every registered action name."""
        return self._actions.keys()
