"""The schema of a flow YAML file (spec_version 1)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

STEP_ID = r"^[a-z][a-z0-9_]*$"
FLOW_TARGET_PREFIX = "flow:"
END = "end"


class Choice(BaseModel):
    """One numbered choice: its label (an English source string) and where it leads."""

    model_config = ConfigDict(extra="forbid")
    label: str
    next: str
    set: dict[str, str] = Field(default_factory=dict)


class InputSpec(BaseModel):
    """Free text the step waits for, stored under a name."""

    model_config = ConfigDict(extra="forbid")
    store: str = Field(pattern=STEP_ID)
    next: str
    max_length: int = 1000
    several: bool = False  # the text is one or more numbers of a list the step's text shows


class Step(BaseModel):
    """One step: say something, maybe run an action, then wait for a choice or text, or move on."""

    model_config = ConfigDict(extra="forbid")
    action: str | None = None
    say: str | dict[str, str] | None = None
    choices: list[Choice] | Literal["from_action"] | None = None
    input: InputSpec | None = None
    next: str | dict[str, str] | None = None
    more: str | None = None  # where MORE leads: the next part of a long text
    # A value of `say` that may be shortened (at a sentence or word, with an ellipsis) so the text
    # keeps to its budget; with `more`, the shortened text tells the parent MORE shows all of it.
    fit: str | None = Field(default=None, pattern=STEP_ID)
    # A slot the understanding step may fill from what the parent already said: a choice whose `set`
    # has this name, or the input stored under it. When filled, the step is answered with it and
    # goes to `filled` (a step to confirm it) or where that answer leads.
    slot: str | None = Field(default=None, pattern=STEP_ID)
    filled: str | None = None
    budget: int = Field(default=3, ge=1, le=10)
    evidence: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_way_out(self) -> Step:
        if self.choices is not None and self.input is not None:
            raise ValueError("a step waits for either choices or input, not both")
        if self.choices == "from_action" and not self.action:
            raise ValueError("choices: from_action needs an action")
        if self.slot is not None:
            by_choice = isinstance(self.choices, list) and all(self.slot in c.set for c in self.choices)
            by_input = self.input is not None and self.input.store == self.slot
            if not (by_choice or by_input):
                raise ValueError(f"slot {self.slot!r}: every choice must set it, or the input store it")
        if self.filled is not None and self.slot is None:
            raise ValueError("filled needs a slot")
        if self.fit is not None:
            texts = [self.say] if isinstance(self.say, str) else list((self.say or {}).values())
            if not texts or any(f"{{{self.fit}}}" not in said for said in texts):
                raise ValueError(f"fit {self.fit!r}: every text of the step must show {{{self.fit}}}")
        return self


class Flow(BaseModel):
    """A conversation: its id, the rubric indicators it serves, and its steps."""

    model_config = ConfigDict(extra="forbid")
    spec_version: Literal[1]
    id: str = Field(pattern=STEP_ID)
    evidence: list[str] = Field(default_factory=list)
    start: str
    entries: list[str] = Field(default_factory=list)  # steps an action's goto or the answerer may enter
    steps: dict[str, Step]


class SystemMessage(BaseModel):
    """A text the bot sends outside any flow (welcome, help, opt-out confirmation, errors)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    budget: int = Field(default=3, ge=1, le=10)
    note: str | None = None


class MessageSet(BaseModel):
    """A YAML file of messages keyed by id; their catalog context is `prefix.id`."""

    model_config = ConfigDict(extra="forbid")
    spec_version: Literal[1]
    prefix: str = Field(default="system", pattern=STEP_ID)
    messages: dict[str, SystemMessage]
