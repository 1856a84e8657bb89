"""Numbers as portals write them: full-width digits and 〇/零 cells read as numbers, the raw text kept."""

from __future__ import annotations

import pytest

from crawler.extract.tables.cells import make_cell, parse_value


@pytest.mark.parametrize(
    ("raw", "value"), [("１２", 12), ("〇", 0), ("零", 0), ("○", 0), ("０", 0), ("1,234", 1234)]
)
def test_odd_digits_are_numbers(raw, value):
    assert parse_value(raw) == value


@pytest.mark.parametrize("raw", ["", "—", "/", "无", "零星"])
def test_placeholders_stay_unknown(raw):
    assert parse_value(raw) is None


def test_the_raw_text_is_kept_beside_the_number():
    assert make_cell("〇") == {"raw": "〇", "value": 0}
