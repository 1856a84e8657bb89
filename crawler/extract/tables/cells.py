"""Cell strings → what the statistics parser reads in them: numbers, labels and match keys.

A statistics cell is kept twice, as shown (``raw``) and as the number it holds (``value``, ``None`` for
blank, ``/``, ``—``, ``无``…), so a reported 0 and "nothing reported" stay apart. Labels are matched
loosely: NFKC-folded and without whitespace (:func:`key_text`). The same template labels and small
numbers recur on every report, so these pure string functions are memoised (:func:`memo`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypedDict, TypeVar

from crawler.extract.tables import patterns as tp

T = TypeVar("T")
Number = int | float
# Label and number tests are memoised: cells up to CELL_CHARS long (template labels and small numbers,
# the same on every report) for good, longer text lines (each read two or three times while one page is
# parsed) only for a while; longer texts are not kept.
CELL_CHARS, CELL_CACHE_SIZE = 64, 8192
LINE_CHARS, LINE_CACHE_SIZE = 2048, 512


class Cell(TypedDict):
    raw: str | None
    value: Number | None


class IndicatorCell(TypedDict):
    raw: str | None
    value: Number | None
    unit: str | None


def memo(function: Callable[[str], T]) -> Callable[[str], T]:
    """Memoise a pure function of a cell's or a line's text (see CELL_CHARS): normalising the same
    strings again and again was most of the parser's time."""
    cells = lru_cache(maxsize=CELL_CACHE_SIZE)(function)
    lines = lru_cache(maxsize=LINE_CACHE_SIZE)(function)

    @wraps(function)
    def call(text: str) -> T:
        size = len(text)
        return cells(text) if size <= CELL_CHARS else lines(text) if size <= LINE_CHARS else function(text)

    return call


@memo
def fold(text: str) -> str:
    """NFKC: full-width digits, brackets and colons become ASCII, for matching only."""
    return unicodedata.normalize("NFKC", text).strip()


@memo
def key_text(label: str) -> str:
    """A label as patterns see it: folded, without any whitespace."""
    return "".join(fold(label).split())


def lines_key_text(text: str) -> str:
    """:func:`key_text` of a long text, line by line: the same string (a line break is a normalisation
    boundary, and whitespace goes anyway), but NFKC's quick check passes most lines untouched, where
    one full-width comma sends a whole page through the slow path."""
    return "".join(key_text(line) for line in text.splitlines())


# A cell holding only one of these means zero (〇 U+3007, ○ U+25CB typed for it, 零).
ZERO_CHARACTERS = frozenset({"〇", "○", "零"})


def parse_value(raw: str | None) -> Number | None:
    """``"217"`` → 217, ``"4.651万元"`` → 4.651, ``"-2"`` → -2, ``"〇"``/``"零"`` alone → 0;
    blank, ``—``, ``/``, ``无`` → None."""
    return None if raw is None else _number(raw)


@memo
def _number(raw: str) -> Number | None:
    folded = fold(raw)
    if folded in ZERO_CHARACTERS:
        return 0
    if not (match := tp.NUMBER.match(folded)):
        return None
    digits = match.group(1).replace(",", "")
    return float(digits) if "." in digits else int(digits)


def make_cell(raw: str | None) -> Cell:
    return {"raw": raw, "value": parse_value(raw)}


@memo
def is_label(text: str) -> bool:
    """Neither blank, a number (〇 and 零 too), a placeholder, a unit nor a quantity in words: a cell
    taken for a label in the numbers would end the row's labels there and shift its numbers."""
    if not text.strip():
        return False
    folded = fold(text)
    return not (
        folded in ZERO_CHARACTERS
        or tp.NUMBER.match(folded)
        or tp.PLACEHOLDER.match(folded)
        or tp.UNIT.match(folded)
        or tp.QUANTITY_WORDS.match(folded)
    )
