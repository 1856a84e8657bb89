"""Gate over the real portal pages (../shared/realpages, golden phrases in tests/golden/realpages.toml):
on every page our text keeps each must-have phrase, is never worse than plain trafilatura (the settings
of bench/quality.py's baseline) on phrase recall or precision, and the record says report or not as the
golden does. Skipped when ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from crawler.extract import quality
from crawler.extract.page import extract_page, parse_html
from crawler.extract.record import Report

GOLDEN = Path(__file__).parent / "golden" / "realpages.toml"
NAMES = list(quality.load_real_cases(GOLDEN, Path(".")))


@pytest.fixture
def real_cases(shared_dir: Path) -> dict[str, quality.RealCase]:
    pages = shared_dir / "realpages"
    if not pages.is_dir():
        pytest.skip(f"{pages} is absent")
    return {case.name: case for case in quality.load_real_cases(GOLDEN, pages)}


_EXTRACTIONS: dict[str, Report] = {}


def ours(case: quality.RealCase) -> Report:
    if case.name not in _EXTRACTIONS:
        _EXTRACTIONS[case.name] = extract_page(
            case.page.read_bytes(), f"http://real.example/{case.page.name}"
        )
    return _EXTRACTIONS[case.name]


def plain_trafilatura(case: quality.RealCase) -> str:
    return trafilatura.extract(case.page.read_bytes(), include_tables=True) or ""


def test_the_golden_names_every_real_page(real_cases):
    pages = next(iter(real_cases.values())).page.parent
    assert {case.page.name for case in real_cases.values()} == {page.name for page in pages.glob("*.html")}
    assert all(case.page.is_file() for case in real_cases.values())


def test_the_golden_phrases_are_the_pages_own(real_cases):
    """A must-have phrase is copied from its page (entities and markup aside), never our prose."""
    for case in real_cases.values():
        root, _ = parse_html(case.page.read_bytes())
        page_text = "".join("".join(root.xpath("//text()")).split())  # every text node of the document
        for phrase in case.must_have:
            assert "".join(phrase.replace("|", "").split()) in page_text.replace("|", ""), (case.name, phrase)


@pytest.mark.parametrize("case", NAMES, ids=lambda c: c.name)
def test_every_must_have_phrase_is_kept(real_cases, case):
    assert quality.phrase_score(ours(real_cases[case.name]).text, real_cases[case.name]).missing == []


@pytest.mark.parametrize("case", NAMES, ids=lambda c: c.name)
def test_never_worse_than_plain_trafilatura(real_cases, case):
    real = real_cases[case.name]
    mine = quality.phrase_score(ours(real).text, real)
    theirs = quality.phrase_score(plain_trafilatura(real), real)
    assert not quality.is_worse_on_phrases(mine, theirs), (mine.chrome_left, theirs.chrome_left)


@pytest.mark.parametrize("case", NAMES, ids=lambda c: c.name)
def test_report_or_not_as_the_golden_says(real_cases, case):
    assert ours(real_cases[case.name]).is_report == case.is_report


def test_phrase_scores():
    case = quality.RealCase("x", Path("x.html"), "detail", False, ("甲乙",), ("导航",), ("隐藏",))
    score = quality.phrase_score("甲乙丙 导航", case)
    assert (score.precision, score.recall, score.chrome_left, score.missing) == (0.5, 1.0, ["导航"], [])
    empty = quality.RealCase("y", Path("y.html"), "home", False)
    assert quality.phrase_score("", empty).f1 == 1.0
    assert quality.is_worse_on_phrases(quality.phrase_score("导航", case), quality.phrase_score("甲乙", case))
