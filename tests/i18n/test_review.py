"""Review marks: a `reviewed-by:` translator comment per entry, and the reviewed share per locale."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.app import LOCALES_DIR
from bot.i18n.catalogs import Catalogs
from bot.i18n.check import read_catalog, review_lines
from bot.i18n.review import review_share, reviewer

WELCOME = "Hi! This is {school}'s text line for families."
ERROR = "Sorry, something went wrong on our side. Please try again, or call {phone}."
TRANSLATED = [code for code in Catalogs(LOCALES_DIR).available() if code != "en"]


def _spanish_copy(tmp_path: Path) -> tuple[Path, Catalog]:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    return po, read_catalog(po, "es")


def _save(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)


def test_no_shipped_entry_is_marked_reviewed_yet() -> None:
    for locale in TRANSLATED:
        share = review_share(read_catalog(Catalogs(LOCALES_DIR).po_path(locale), locale))
        assert share.reviewed == 0, locale
        assert share.total > 60, locale


def test_check_prints_the_reviewed_share_of_every_translated_locale(tmp_path: Path) -> None:
    po, catalog = _spanish_copy(tmp_path)
    total = review_share(catalog).total
    catalog.get(WELCOME, context="system.welcome").user_comments.append("reviewed-by: Rosa Díaz 2026-12-04")
    catalog.get(ERROR, context="system.error").user_comments.append("Reviewed-by: Rosa Díaz")
    _save(po, catalog)
    lines = review_lines(Catalogs(tmp_path / "locales"))
    assert [line.split(":")[0] for line in lines] == TRANSLATED
    assert f"es: 2 of {total} entries marked reviewed ({200 // total}%)" in lines
    assert any(line.startswith("ko: 0 of ") and line.endswith(" (0%)") for line in lines)


def test_the_mark_survives_a_round_trip_through_the_po_file(tmp_path: Path) -> None:
    po, catalog = _spanish_copy(tmp_path)
    catalog.get(WELCOME, context="system.welcome").user_comments.append("reviewed-by: Rosa Díaz")
    _save(po, catalog)
    assert "# reviewed-by: Rosa Díaz\n" in po.read_text(encoding="utf-8")
    assert reviewer(read_catalog(po, "es").get(WELCOME, context="system.welcome")) == "Rosa Díaz"


def test_a_mark_without_a_name_or_on_a_fuzzy_entry_does_not_count(tmp_path: Path) -> None:
    _, catalog = _spanish_copy(tmp_path)
    catalog.get(WELCOME, context="system.welcome").user_comments.append("reviewed-by:")
    error = catalog.get(ERROR, context="system.error")
    error.user_comments.append("reviewed-by: Rosa Díaz")
    error.flags.add("fuzzy")
    assert review_share(catalog).reviewed == 0


def test_make_catalogs_keeps_the_mark_and_a_changed_english_text_needs_a_new_review(tmp_path: Path) -> None:
    _, catalog = _spanish_copy(tmp_path)
    catalog.get(WELCOME, context="system.welcome").user_comments.append("reviewed-by: Rosa Díaz")
    catalog.get(ERROR, context="system.error").user_comments.append("reviewed-by: Rosa Díaz")
    template = read_catalog(LOCALES_DIR / "messages.pot", "en")
    changed = "Sorry, something went wrong. Please try again, or call {phone}."
    old = template.get(ERROR, context="system.error")
    template.delete(ERROR, context="system.error")
    template.add(changed, context="system.error", auto_comments=old.auto_comments, flags=old.flags)
    catalog.update(template)  # what `pybabel update` (make catalogs) does
    assert reviewer(catalog.get(WELCOME, context="system.welcome")) == "Rosa Díaz"
    updated = catalog.get(changed, context="system.error")
    assert updated.fuzzy and reviewer(updated) == "Rosa Díaz"
    assert review_share(catalog).reviewed == 1
