"""A Babel extractor for flow YAML, registered as `outreach_flows` under `babel.extractors`."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from bot.i18n.sources import texts_in_yaml


def extract_flow_yaml(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield each text as a pgettext call: msgctxt is the flow and step id, msgid the English text."""
    encoding = str(options.get("encoding", "utf-8"))
    content = fileobj.read().decode(encoding)
    for text in texts_in_yaml(content):
        comments = [f"budget: {text.budget} SMS segment(s)"]
        if text.comment:
            comments.append(text.comment)
        yield text.lineno, "pgettext", (text.context, text.msgid), comments
