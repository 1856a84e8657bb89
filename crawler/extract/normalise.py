"""A normalised copy of the report text for search and comparison, kept beside the original.

Mirrors and old Hong Kong-style portals publish reports in traditional characters, and many reports
write numbers with full-width digits (２０１９年). Searching or comparing those against the simplified,
ASCII-digit majority needs one form; the original text is never replaced, only copied. The 繁→简
conversion uses OpenCC's own tables (phrase-aware, well kept) rather than a hand-made character map.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import opencc

# Full-width ０-９ → 0-9; the rest of the text is left as written.
_FULL_WIDTH = "０１２３４５６７８９"
_FULL_WIDTH_DIGITS = str.maketrans(_FULL_WIDTH, "0123456789")


@cache
def _converter() -> Any:
    """OpenCC's traditional → simplified converter, built once (loading its tables takes a few ms)."""
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters → simplified (數據 → 数据); simplified text passes unchanged."""
    return str(_converter().convert(text)) if text else text


def ascii_digits(text: str) -> str:
    """Full-width digits → ASCII digits. ``str.translate`` looks up every character (~0.7 ms on a
    report's CJK text); ten substring scans first let the usual text without such digits pass."""
    if not any(digit in text for digit in _FULL_WIDTH):
        return text
    return text.translate(_FULL_WIDTH_DIGITS)


def normalise_text(text: str) -> str:
    """The searchable variant: simplified characters and ASCII digits, lines as in ``text``."""
    return ascii_digits(to_simplified(text))
