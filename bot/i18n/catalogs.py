"""Gettext catalogs per locale, compiled in memory from the .po files and cached."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SOURCE_LOCALE = "en"
DOMAIN = "messages"


class Catalogs:
    """One cached `Translations` per locale chain; never touches process-wide gettext state."""

    def __init__(self, locales_dir: Path) -> None:
        self.locales_dir = locales_dir
        self._lock = threading.Lock()
        self._chains: dict[tuple[str, ...], NullTranslations] = {}

    def available(self) -> list[str]:
        """English plus every locale that has a catalog, in a stable order."""
        found = sorted(p.parent.parent.name for p in self.locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        return [SOURCE_LOCALE, *[code for code in found if code != SOURCE_LOCALE]]

    def po_path(self, locale: str) -> Path:
        """Where the catalog of a locale lives."""
        return self.locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"

    def for_chain(self, *locales: str | None) -> NullTranslations:
        """Translations trying each locale in turn, then the English source."""
        chain = tuple(dict.fromkeys(code for code in locales if code and code != SOURCE_LOCALE))
        with self._lock:
            cached = self._chains.get(chain)
            if cached is None:
                # Each chain gets its own objects: add_fallback mutates the translations it links.
                cached = NullTranslations()
                for code in reversed(chain):
                    link = self._compile(code)
                    link.add_fallback(cached)
                    cached = link
                self._chains[chain] = cached
            return cached

    def _compile(self, locale: str) -> NullTranslations:
        path = self.po_path(locale)
        if not path.exists():
            return NullTranslations()
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=Locale.parse(locale))
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
