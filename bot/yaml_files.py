"""Reading YAML data files quickly: libyaml's safe loader when PyYAML was built with it."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text with the safe loader (no arbitrary objects), in C where available."""
    return yaml.load(text, Loader=SafeLoader)
