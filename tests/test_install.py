"""`pip install .` (not editable) into a fresh venv gives an `outreach` that runs from any directory.

The venv is new, with its own pip; the project is installed into it exactly as the setup guide says
(`pip install --no-deps .`), offline (`--no-index`, and `--no-build-isolation` so setuptools comes
from the locked set). The locked dependencies are not downloaded again: the project's venv lends
them through a path entry, after the venv's own site-packages. The source copy it was installed
from is deleted before anything runs, so the flows, catalogs, demo school and migrations can only
come from the installed package.
"""

from __future__ import annotations

import json
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
    """The `outreach` script of a fresh venv into which `pip install .` installed the project."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SHIPPED)
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=root)  # with its own pip
    python = venv / "bin" / "python"
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root).strip()
    )
    (site / "locked-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    # Python 3.11's venv comes with an old setuptools of its own; the build uses the locked one.
    _run(*pip, "uninstall", "-q", "-y", "setuptools", cwd=root)
    _run(*pip, "install", "-q", "--no-index", "--no-deps", "--no-build-isolation", ".", cwd=source)
    shutil.rmtree(source)
    shown = _run(*pip, "show", "--files", "parent-outreach-bot", cwd=root)
    assert f"Location: {site}" in shown
    for shipped in ("bot/_content/flows/main.yaml", "bot/_content/schools/demo.volunteers.yaml"):
        assert shipped in shown, shipped
    # Every migration ships, the newest included (a fresh install upgrades its database to the head).
    newest = max((PROJECT_ROOT / "bot" / "store" / "migrations" / "versions").glob("0*.py")).name
    assert f"bot/store/migrations/versions/{newest}" in shown, newest
    [record] = site.glob("parent_outreach_bot-*.dist-info/direct_url.json")
    assert not json.loads(record.read_text()).get("dir_info", {}).get("editable"), "an editable install"
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
    assert where.startswith(str(installed.parent.parent)) and str(PROJECT_ROOT) not in where
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
