"""Quality gate on record fields: every field equals the expected value on every demo manifest report
and every golden page that states it (the scores `bench/quality.py` prints in its metadata table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.demo import build_site
from crawler.extract import quality
from crawler.extract.page import extract_page
from crawler.extract.record import contract

GOLDEN = Path(__file__).parent / "golden"
DEMO_CASES = quality.demo_field_cases(build_site())
GOLDEN_CASES = quality.golden_field_cases(quality.load_cases(GOLDEN))


def record(case: quality.FieldCase) -> dict[str, Any]:
    return contract(extract_page(case.body, case.url, case.content_type))


@pytest.fixture(scope="module")
def demo_scores() -> dict[str, quality.FieldScore]:
    return quality.field_accuracy(DEMO_CASES, record)


@pytest.fixture(scope="module")
def golden_scores() -> dict[str, quality.FieldScore]:
    return quality.field_accuracy(GOLDEN_CASES, record)


@pytest.mark.parametrize("name", quality.SCORED_FIELDS)
def test_every_field_is_right_on_every_demo_report(demo_scores, name):
    score = demo_scores[name]
    assert (score.accuracy, score.misses) == (1.0, [])


@pytest.mark.parametrize("name", quality.SCORED_FIELDS)
def test_every_stated_field_is_right_on_the_golden_pages(golden_scores, name):
    assert golden_scores[name].misses == []


def test_the_golden_pages_state_the_report_fields():
    stated = {name for case in GOLDEN_CASES for name in case.expected}
    assert len(GOLDEN_CASES) == 23
    assert {"title", "report_year", "body", "level", "template_version", "published_date"} <= stated


def test_field_accuracy_counts_a_made_up_value_as_a_miss():
    case = quality.FieldCase("p", b"", "http://a/", None, {"doc_no": None, "title": "T"})
    scores = quality.field_accuracy([case], lambda _: {"doc_no": "x号", "title": "T"}, ["doc_no", "title"])
    assert (scores["doc_no"].accuracy, scores["doc_no"].misses, scores["title"].accuracy) == (0.0, ["p"], 1.0)
