"""The label a media item is listed under: the name the person gave the file, cleaned. A label
is only ever shown, never used as a path."""

from __future__ import annotations

import re
import unicodedata

MAX_LABEL = 80
"""Characters kept of a label (a file name of 255 bytes would not fit a table cell)."""
_SPACES = re.compile(r"\s+")


def clean_label(raw: str | None, *, fallback: str) -> str:
    """`raw` without folder parts (either slash), control and format characters (including
    bidirectional overrides that could disguise a name) and runs of spaces, cut to MAX_LABEL
    characters; `fallback` when nothing is left."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(
        " " if char.isspace() else char
        for char in name
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    kept = _SPACES.sub(" ", kept).strip()
    if len(kept) > MAX_LABEL:
        kept = kept[: MAX_LABEL - 1].rstrip() + "…"
    return kept or fallback
