"""The wheel, installed into a fresh venv, runs from another directory: migrations, chat and serve.

The venv has no site packages of its own but the wheel; the locked dependencies come from the
project's venv through a path entry (so the test needs no network and takes seconds). The `bot`
package, its flows, catalogs, demo school and migrations all come from the installed wheel.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from tests.fixtures.processes import OutputReader, clean_env, wait_healthy

pytestmark = pytest.mark.slow

NOT_SHIPPED = shutil.ignore_patterns(
    ".git", ".venv", "tests", "bench", "__pycache__", "*.db*", "build", "dist", "*.egg-info", ".*cache"
)


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, stdin: str = "") -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `outreach` script of a fresh venv holding only the built wheel."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SHIPPED)
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        root,
        ".",
        cwd=source,
    )
    [wheel] = root.glob("parent_outreach_bot-*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "-q",
        wheel,
        cwd=root,
    )
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root).strip()
    )
    (site / "locked-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "outreach"


def test_the_wheel_runs_from_another_directory(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(DATABASE_URL=f"sqlite:///{elsewhere / 'school.db'}")
    env.pop("PYTHONPATH", None)
    env.pop("CONTENT_DIR", None)
    where = _run(
        installed.parent / "python", "-c", "import bot.content as c; print(c.content_dir())", cwd=elsewhere
    )
    assert "site-packages" in where and str(PROJECT_ROOT) not in where
    assert _run(installed, "db", "upgrade", cwd=elsewhere, env=env).strip() == "database is up to date"
    chat = _run(installed, "chat", "--phone", "+12135550123", cwd=elsewhere, env=env, stdin="hola\n2\n4\n")
    assert "¡Hola! Mensajes de Rosewood Elementary para familias." in chat
    assert "Oficina: lun-vie 7:30 - 16:00" in chat
    assert _run(installed, "flows", "validate", cwd=elsewhere, env=env).endswith(": ok\n")

    process = subprocess.Popen(
        [str(installed), "serve", "--port", "0", "--no-scheduler"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = OutputReader(process)
    try:
        output.wait_for("Parent outreach bot on http://127.0.0.1:")
        port = output.text().split("http://127.0.0.1:", 1)[1].split()[0]
        wait_healthy(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        process.wait(timeout=20)
