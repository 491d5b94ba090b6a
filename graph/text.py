"""Text folded to plain lowercase ASCII words: the one key that names match on and slugs are
made from, so "Besançon", "BESANCON" and "besançon " fold alike everywhere."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """``text`` lowercased, accents dropped, every run of other characters one space."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text.lower()).strip()
