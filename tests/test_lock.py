"""The lock file pins every dependency pyproject.toml names, with hashes, so installs never drift."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot import PROJECT_ROOT

LOCK = PROJECT_ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, list[str]]:
    """Package name → every version pinned for it (one per environment marker)."""
    pins: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            pins.setdefault(_canonical(match.group(1)), []).append(match.group(2))
    return pins


def _declared() -> list[str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [_canonical(re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0]) for req in requirements]


def test_every_declared_dependency_is_pinned() -> None:
    pins = _pins(LOCK)
    missing = [name for name in _declared() if name not in pins]
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"


def test_every_pin_carries_hashes() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8"))
    unhashed = [block.split()[0] for block in blocks if PIN.match(block) and "--hash=sha256:" not in block]
    assert not unhashed, f"pinned without a hash: {unhashed}"


def test_pin_parser_reads_markers_and_versions() -> None:
    sample = "lingua-language-detector==2.1.1 ; python_full_version < '3.12' \\\n    --hash=sha256:ab\n"
    assert PIN.match(sample) is not None
    assert PIN.match(sample).group(2) == "2.1.1"  # type: ignore[union-attr]
