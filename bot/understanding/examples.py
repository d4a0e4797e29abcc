"""Per-locale example texts for each label (`locales/<lang>/examples.yaml`), kept as product data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.yaml_files import load_yaml

FILE_NAME = "examples.yaml"


@dataclass(frozen=True)
class Example:
    """One text a parent might write, what it means, and its language."""

    text: str
    label: str
    locale: str


@dataclass(frozen=True)
class ExampleSet:
    """Every locale's examples and how each language names the shipped languages."""

    examples: tuple[Example, ...]
    language_names: dict[str, dict[str, tuple[str, ...]]]  # locale -> language code -> names

    @property
    def locales(self) -> frozenset[str]:
        """The locales that have an examples file."""
        return frozenset(self.language_names)


def load_examples(locales_dir: Path) -> ExampleSet:
    """Read `<locale>/examples.yaml` for every locale under `locales_dir`."""
    examples: list[Example] = []
    names: dict[str, dict[str, tuple[str, ...]]] = {}
    for path in sorted(locales_dir.glob(f"*/{FILE_NAME}")):
        locale = path.parent.name
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        if data.get("locale") != locale:
            raise ValueError(f"{path}: locale is {data.get('locale')!r}, expected {locale!r}")
        names[locale] = {
            code: tuple(str(n) for n in listed) for code, listed in data["language_names"].items()
        }
        for label, texts in (data.get("examples") or {}).items():
            examples.extend(Example(str(text), str(label), locale) for text in texts or ())
    return ExampleSet(tuple(examples), names)
