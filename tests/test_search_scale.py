"""Issue #18: two-character terms through the pair index, one-character terms by a bounded scan, top-k
without ranking every match, and the same answers as the search before them on the demo corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from search_snapshot import CASES, answers, build_demo_corpus
from typed_records import stored

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, grams, search
from crawler.corpus.queries import ReportFilters
from crawler.corpus.search import pair_match_expression, plan_query, search_reports

GOLDEN = Path(__file__).parent / "golden" / "search" / "demo.json"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    database = build_demo_corpus(tmp_path_factory.mktemp("demo") / "demo.db")
    yield database
    database.close()


def test_every_query_class_answers_as_before_on_the_demo_corpus(demo):
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [(case["query"], case["filters"]) for case in expected] == [(q, f) for q, f in CASES]
    got = json.loads(json.dumps(answers(demo), ensure_ascii=False))
    for before, now in zip(expected, got, strict=True):
        assert now == before, (before["query"], before["filters"])


@pytest.mark.parametrize("few_kept", [0, 1, 3, search.FEW_KEPT])
def test_filters_answer_alike_by_the_rowids_they_keep_and_by_scanning_the_matches(
    demo, monkeypatch, few_kept
):
    """A filter that keeps few reports looks its matches up by rowid; one that keeps many reads the
    matches newest first and keeps its own: the answers are the same (on the demo corpus every filter
    keeps fewer than FEW_KEPT; 0 forces the scan, 1 and 3 mix the two)."""
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    monkeypatch.setattr(search, "FEW_KEPT", few_kept)
    got = json.loads(json.dumps(answers(demo), ensure_ascii=False))
    for before, now in zip(expected, got, strict=True):
        assert now == before, (before["query"], before["filters"])
    filters = [
        {"body": "青岚县教育局"},
        {"year": 2021},
        {"body": "无此机关"},
        {"level": "部门", "year": 2020},
    ]
    for query in ("政府信息", "复议", "公开", "县", "行政复议 诉讼", "不存在的词"):
        for kept in filters:
            hits = search.search(demo, query, ReportFilters(**kept)).hits
            monkeypatch.setattr(search, "FEW_KEPT", 0)
            assert search.search(demo, query, ReportFilters(**kept)).hits == hits, (query, kept)
            monkeypatch.setattr(search, "FEW_KEPT", few_kept)


def test_two_character_terms_use_the_pair_index_and_one_character_terms_scan(demo):
    assert search.search(demo, "复议").method == "pairs"
    assert search.search(demo, "複議 訴訟").method == "pairs"
    assert search.search(demo, "县 复议").method == "pairs"
    assert search.search(demo, "县").method == "scan"
    assert search.search(demo, "%").method == "scan"
    assert search.search(demo, "政府信息").method == "fts"


def test_the_pair_expression_quotes_every_pair():
    assert pair_match_expression(plan_query("复议")) == '("复议")'
    assert pair_match_expression(plan_query("政府信息 年")) == '("政府" "府信" "信息")'
    assert pair_match_expression(plan_query("複議")) == '("複議") OR ("复议")'
    assert pair_match_expression(plan_query("县")) is None
    assert pair_match_expression(plan_query("a-")) is None
    assert grams.indexable("Pd") and grams.indexable("。本") and not grams.indexable("1%")


def test_a_scan_past_the_candidate_cap_ranks_the_first_found_and_says_so(demo, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 5)
    result = search.search(demo, "县", limit=3)
    assert result.partial and len(result.hits) == 3
    assert not search.search(demo, "年报").partial
    indexed = search.search(demo, "信息", limit=3)
    assert indexed.partial and indexed.method == "pairs" and len(indexed.hits) == 3


def test_the_index_follows_inserts_updates_promotions_and_deletes(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    row = {"title": "年报", "report_year": 2023, "body": "甲县人民政府", "level": "县"}
    dedupe.store_reports(database, [stored(**row, url="http://a.example/1", text="行政复议 PDF 文件")])
    assert [hit["url"] for hit in search_reports(database, "复议")] == ["http://a.example/1"]
    assert [hit["url"] for hit in search_reports(database, "pd")] == ["http://a.example/1"]
    dedupe.store_reports(database, [stored(**row, url="http://a.example/1", text="行政诉讼")])
    assert search_reports(database, "复议") == []
    assert [hit["url"] for hit in search_reports(database, "诉讼")] == ["http://a.example/1"]
    # a report deleted (as a promotion deletes the copy it replaces): its pairs go with it
    database.execute(
        "delete from lsh where report_id = (select rowid from reports where url = 'http://a.example/1')"
    )
    for owned in ("fingerprints", "sources"):
        database.execute(f"delete from {owned} where report_url = 'http://a.example/1'")
    database.execute("delete from reports where url = 'http://a.example/1'")
    assert search_reports(database, "诉讼") == [] and search_reports(database, "年报") == []
    database.close()


def test_the_migration_indexes_reports_stored_before_it(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    dedupe.store_reports(database, [stored(url="http://a/1", title="t", text="收费减免", report_year=2020)])
    database.execute("drop table reports_grams")
    for suffix in ("ai", "ad", "au"):
        database.execute(f"drop trigger reports_grams_{suffix}")
    database.execute("delete from _migrations where name = '0012_pair_index'")
    database.conn.commit()
    database.close()
    database = corpus.open_db(tmp_path / "c.db")
    assert [hit["url"] for hit in search_reports(database, "减免")] == ["http://a/1"]
    database.close()


def test_optimize_writes_a_compact_copy_that_searches_alike(tmp_path):
    from click.testing import CliRunner

    from crawler.cli import main

    source = tmp_path / "demo.db"
    build_demo_corpus(source).close()
    result = CliRunner().invoke(main, ["optimize", "--db", str(source), "-o", str(tmp_path / "o.db")])
    assert result.exit_code == 0, result.output
    copy = corpus.open_db(tmp_path / "o.db", create=False)
    original = corpus.open_db(source, create=False)
    for query in ("复议", "政府信息", "县"):
        assert search_reports(copy, query) == search_reports(original, query)
    again = CliRunner().invoke(main, ["optimize", "--db", str(source), "-o", str(tmp_path / "o.db")])
    assert again.exit_code == 1 and "exists" in again.output
