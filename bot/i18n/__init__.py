"""Per-recipient translation: gettext catalogs, locale formatting, keywords, SMS segments."""
