"""Quality gate over the golden pages (tests/golden): fails when the clean text's scores drop.

The same scores ``bench/quality.py`` prints (crawler/extract/quality.py): bigram F1 against the expected
text, no spam or chrome phrase left, the must-have phrases kept, the expected spam findings made —
and none on the clean pages — and never worse than plain trafilatura.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from crawler.extract import quality
from crawler.extract.page import extract_page
from crawler.extract.record import Report

GOLDEN = Path(__file__).parent / "golden"
CASES = quality.load_cases(GOLDEN)


def extract(case: quality.GoldenCase) -> Report:
    return extract_page(case.page.read_bytes(), case.url)


@pytest.fixture(scope="module")
def ours() -> dict[str, quality.Score]:
    return quality.score_all(CASES, lambda case: extract(case).text)


@pytest.fixture(scope="module")
def theirs() -> dict[str, quality.Score]:
    return quality.score_all(
        CASES, lambda c: trafilatura.extract(c.page.read_bytes(), include_tables=True) or ""
    )


def test_golden_set_covers_the_forms():
    kinds = {kind for case in CASES for kind in case.spam_kinds}
    assert 12 <= len(CASES) <= 24
    assert {"hidden_element", "offsite_link_farm", "spam_keywords", "script_injection", "mirror"} <= kinds
    assert sum(not case.spam_kinds for case in CASES) >= 4


def test_mean_f1_meets_the_target(ours):
    assert sum(score.f1 for score in ours.values()) / len(ours) >= quality.TARGET_F1


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_no_spam_or_chrome_left_and_nothing_missing(ours, case):
    score = ours[case.name]
    assert (score.spam_left, score.chrome_left, score.missing) == ([], [], [])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_never_worse_than_plain_trafilatura(ours, theirs, case):
    assert not quality.is_worse(ours[case.name], theirs[case.name])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_spam_findings_are_the_expected_kinds(case):
    found = {finding.kind for finding in extract(case).spam}
    assert set(case.spam_kinds) <= found if case.spam_kinds else found == set()


def test_summary_line_reads_as_the_bench_prints_it(ours, theirs):
    line = quality.summary_line(ours, theirs)
    assert line.startswith("f1=") and line.endswith("spam_left=0 chrome_left=0 worse_than_trafilatura=0")


def test_bigram_scores_of_identical_and_disjoint_texts():
    assert quality.bigram_prf("一二三\n四", "一二 三四") == (1.0, 1.0, 1.0)
    assert quality.bigram_prf("甲乙", "丙丁") == (0.0, 0.0, 0.0)
