"""A school's texts in every language from the command line: refused when a 15% language lacks one,
drafted through the real LibreTranslate client, reviewed, and exported to a translator and back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from bot.store import Store
from bot.store.db import build_engine
from tests.fixtures.fake_translators import FakeTranslators
from tests.fixtures.processes import clean_env, run_outreach

LINCOLN = Path("tests/fixtures/schools/lincoln.yaml")  # en 55%, es 40%, ar 5%
SPANISH_TEXTS = ["parent_center.where", "principal.how", "teachers.how", "ucp_form"]


def without_spanish(tmp_path: Path) -> Path:
    """Lincoln's school file with every Spanish text taken out."""
    data = yaml.safe_load(LINCOLN.read_text(encoding="utf-8"))
    for part in (data["parent_center"]["where"], data["principal"]["how"], data["teachers"]["how"]):
        del part["es"]
    del data["ucp_form"]["es"]
    path = tmp_path / "lincoln-no-es.yaml"
    path.write_text(
        "# Lincoln without Spanish\n" + yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return path


def evidence(url: str) -> list[tuple[str, str, str | None, str | None]]:
    store = Store(build_engine(url, pool_size=1))
    try:
        with store.transaction() as tx:
            return tx.evidence("5A")
    finally:
        store.dispose()


def test_a_school_missing_spanish_for_40_percent_spanish_speakers_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    env = clean_env(DATABASE_URL=url)
    school = without_spanish(tmp_path)
    for command in (("school", "use"), ("load",)):
        refused = run_outreach(*command, str(school), env=env)
        assert refused.returncode == 1, refused.stdout
        errors = refused.stderr.splitlines()
        assert errors[0] == f"{school}: 4 error(s)"
        rule = "spoken by 15% or more of the families (Education Code 48985)"
        for path in SPANISH_TEXTS:
            assert f"  {path}: no text for es (40%), {rule}" in errors
        assert "--override-48985 WHY" in refused.stderr
    assert run_outreach("school", "list", env=env).stdout.startswith("no school loaded yet")

    overridden = run_outreach(
        "school", "use", str(school), "--override-48985", "Spanish texts due Friday", env=env
    )
    assert overridden.returncode == 0, overridden.stderr
    assert "on purpose: Spanish texts due Friday" in overridden.stderr
    assert "  parent_center.where: missing es, ar (45% of families)" in overridden.stdout.splitlines()
    assert ("5A", "school_texts_override", "lincoln-middle", None) in evidence(url)


def test_the_demo_school_loads_complete_in_all_ten_languages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    loaded = run_outreach("load", "schools/demo.yaml", env=clean_env(DATABASE_URL=url))
    assert loaded.returncode == 0, loaded.stderr
    assert "school texts: 10 of 10 in all 10 languages" in loaded.stdout
    assert "missing" not in loaded.stdout
    found = evidence(url)
    reviewed = {
        locale for _, kind, detail, locale in found if kind == "school_texts" and detail == "reviewed"
    }
    assert reviewed == {"es", "ko", "zh_Hans", "hy", "fil", "vi", "ru", "fa", "ar"}
    assert not [row for row in found if row[2] == "machine"]


def test_drafts_by_libretranslate_are_labelled_hidden_then_reviewed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    school = without_spanish(tmp_path)
    with FakeTranslators() as fake:
        env = clean_env(DATABASE_URL=url, TRANSLATION_PROVIDER="libretranslate", LIBRETRANSLATE_URL=fake.url)
        drafted = run_outreach("school", "translate", str(school), "--to", "es,ar", env=env)
        assert drafted.returncode == 0, drafted.stderr
        assert "8 machine-translated draft(s)" in drafted.stdout
        sent = [(r.json["source"], r.json["target"], r.json["q"]) for r in fake.requests]
    assert ("en", "es", "Room 104, by the gym") in sent
    assert school.read_text(encoding="utf-8").startswith("# Lincoln without Spanish\n")
    data = yaml.safe_load(school.read_text(encoding="utf-8"))
    assert data["parent_center"]["where"]["es"] == {
        "machine": "libretranslate",
        "text": "[es] Room 104, by the gym",
    }

    # Drafts are not texts parents read yet: the 40% language still lacks them.
    refused = run_outreach("school", "use", str(school), env=env)
    assert refused.returncode == 1
    assert "(only a machine draft for es: review it)" in refused.stderr

    # The reviewer keeps one, rewrites one, skips the rest.
    answers = "1\n2\nالغرفة 104، بجوار صالة الألعاب الرياضية\n3\n4\n"
    reviewed = run_outreach("school", "review", str(school), env=env, stdin=answers)
    assert reviewed.returncode == 0, reviewed.stderr
    assert "2 text(s) reviewed, 6 draft(s) left" in reviewed.stdout
    data = yaml.safe_load(school.read_text(encoding="utf-8"))
    assert data["parent_center"]["where"]["es"] == "[es] Room 104, by the gym"
    assert data["parent_center"]["where"]["ar"] == "الغرفة 104، بجوار صالة الألعاب الرياضية"
    assert data["principal"]["how"]["es"]["machine"] == "libretranslate"

    # A translator finishes the Spanish in a CSV; the Arabic drafts stay drafts.
    sheet = tmp_path / "texts.csv"
    exported = run_outreach("school", "export-texts", str(school), str(sheet), env=env)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    assert {(r["path"], r["locale"], r["status"]) for r in rows} >= {
        ("parent_center.where", "es", "human"),
        ("principal.how", "es", "machine"),
        ("principal.how", "ar", "machine"),
    }
    spanish = {
        "principal.how": "Llame a la oficina para hacer una cita.",
        "teachers.how": "Escriba al maestro o llame a la oficina.",
        "ucp_form": "Pida el formulario de Quejas Uniformes en la oficina.",
    }
    for row in rows:
        if row["locale"] == "es" and row["path"] in spanish:
            row.update(status="reviewed", text=spanish[row["path"]])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(out.getvalue(), encoding="utf-8")
    imported = run_outreach("school", "import-texts", str(school), str(sheet), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "3 text(s) written" in imported.stdout

    used = run_outreach("school", "use", str(school), env=env)
    assert used.returncode == 0, used.stderr
    assert "3 machine-translated text(s) await review" in used.stdout
    found = evidence(url)
    assert ("5A", "school_texts", "machine", "ar") in found
    assert ("5A", "school_texts", "reviewed", "es") in found


def test_translate_says_when_machine_translation_is_off(tmp_path: Path) -> None:
    school = without_spanish(tmp_path)
    before = school.read_text(encoding="utf-8")
    result = run_outreach(
        "school", "translate", str(school), "--to", "es", env=clean_env(TRANSLATION_PROVIDER="")
    )
    assert result.returncode == 1
    assert "machine translation is off" in result.stderr
    assert school.read_text(encoding="utf-8") == before
