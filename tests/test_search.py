"""Full-text search: trigram FTS for long terms, LIKE for short ones, safe quoting, both scripts."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from typed_records import stored

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus import dedupe
from crawler.corpus.queries import ReportFilters, like_pattern
from crawler.corpus.search import (
    SearchError,
    centred_excerpt,
    fts_match_expression,
    fts_phrase,
    plan_query,
    search_reports,
)

COUNTY_TEXT = (
    "一、总体情况\n2023年，青岚县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "主动公开政府信息1234条。\n二、主动公开政府信息情况\n本年度新制发规范性文件3件。"
)
REPORTS = [
    {
        "url": "http://127.0.0.1/county-2023.html",
        "title": "青岚县2023年政府信息公开工作年度报告",
        "text": COUNTY_TEXT,
        "report_year": 2023,
        "body": "青岚县人民政府",
        "level": "县",
    },
    {
        "url": "http://127.0.0.1/edu-2022.html",
        "title": "青岚县教育局2022年年报",
        "text": '教育局全年受理依申请公开12件，办理行政复议0件。附：说明 "引号" -减号 *星号 冒号: 100%',
        "report_year": 2022,
        "body": "青岚县教育局",
        "level": "部门",
    },
    {
        "url": "http://127.0.0.1/town-2022.html",
        "title": "石门镇2022年度报告",
        "text": "石门镇在政府网站公开信息56条，政务新媒体发布信息。",
        "report_year": 2022,
        "body": "青岚县石门镇人民政府",
        "level": "乡",
    },
]


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "corpus.db"
    database = corpus.open_db(path)
    dedupe.store_reports(database, [stored(**report) for report in REPORTS])
    database.close()
    return path


@pytest.fixture
def database(db_path):
    database = corpus.open_db(db_path)
    yield database
    database.close()


def urls(hits):
    return [hit["url"] for hit in hits]


def test_terms_of_three_characters_use_the_index():
    assert plan_query("政府信息 公开").use_fts is False
    assert plan_query("政府信息 公开条例").use_fts is True


def test_a_traditional_query_is_also_searched_simplified():
    assert plan_query("公開條例").variants == (("公開條例",), ("公开条例",))
    assert plan_query("公开条例").variants == (("公开条例",),)


def test_an_empty_query_is_refused():
    with pytest.raises(SearchError):
        plan_query("   ")


def test_fts_syntax_is_quoted_as_text():
    assert fts_phrase('say "hi"') == '"say ""hi"""'
    assert fts_match_expression(plan_query("a-b c*d")) == '("a-b" "c*d")'


def test_like_wildcards_are_escaped():
    assert like_pattern("100%_a\\") == "%100\\%\\_a\\\\%"


def test_the_excerpt_is_centred_on_the_first_match_and_marked():
    text = "甲" * 100 + "年报" + "乙" * 100
    excerpt = centred_excerpt(text, ("年报",), context=5)
    assert excerpt == "…甲甲甲甲甲[年报]乙乙乙乙乙…"


def test_fts_hits_come_with_a_marked_snippet(database):
    (hit,) = search_reports(database, "公开条例")
    assert hit["url"] == REPORTS[0]["url"] and hit["match"] == "fts"
    assert "[公开条例]" in hit["snippet"] and "\n" not in hit["snippet"]


def test_hits_are_ranked_title_matches_first(database):
    hits = search_reports(database, "政府信息")
    assert urls(hits)[0] == REPORTS[0]["url"]


def test_every_term_must_match(database):
    assert urls(search_reports(database, "青岚县 石门镇")) == []
    assert urls(search_reports(database, "政府网站 石门镇")) == [REPORTS[2]["url"]]


def test_short_terms_fall_back_to_like(database):
    hits = search_reports(database, "年报")
    assert urls(hits) == [REPORTS[1]["url"]]
    assert hits[0]["match"] == "like" and "[年报]" in hits[0]["snippet"]


def test_like_hits_rank_by_how_often_terms_occur(database):
    assert urls(search_reports(database, "信息"))[0] == REPORTS[0]["url"]


def test_a_traditional_query_finds_simplified_text(database):
    assert urls(search_reports(database, "公開條例")) == [REPORTS[0]["url"]]
    assert urls(search_reports(database, "縣")) != []


@pytest.mark.parametrize(
    "query",
    ['"', '"引号', "-减号", "*", "*星号", "冒号:", "title:x", "a OR", "NEAR(", ")", "^", "%", "_", "'", "\\"],
)
def test_fts_syntax_characters_never_crash(database, query):
    assert isinstance(search_reports(database, query), list)


def test_syntax_characters_are_searched_as_text(database):
    assert urls(search_reports(database, "-减号")) == [REPORTS[1]["url"]]
    assert urls(search_reports(database, "100%")) == [REPORTS[1]["url"]]
    assert urls(search_reports(database, "%")) == [REPORTS[1]["url"]]


def test_filters_narrow_the_hits(database):
    assert urls(search_reports(database, "信息", ReportFilters(year=2022, level="乡"))) == [REPORTS[2]["url"]]
    assert urls(search_reports(database, "政府信息", ReportFilters(body="青岚县教育局"))) == []


def test_limit_caps_the_hits(database):
    assert len(search_reports(database, "信息", limit=1)) == 1


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_prints_ranked_hits_with_snippets(db_path):
    result = run("search", "公开条例", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"  1. [2023] {REPORTS[0]['title']}  (青岚县人民政府)  id 1"  # the id `show` takes
    assert lines[1].strip() == REPORTS[0]["url"]
    assert "[公开条例]" in lines[2]


def test_cli_json_format(db_path):
    result = run("search", "年报", "--format", "json", "--year", "2022", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.stdout)
    assert hit["url"] == REPORTS[1]["url"] and hit["match"] == "like"


def test_cli_query_starting_with_a_dash(db_path):
    result = run("search", "--db", str(db_path), "--", "-减号")
    assert result.exit_code == 0, result.output
    assert REPORTS[1]["url"] in result.stdout


def test_cli_blank_query_is_one_line(db_path):
    result = run("search", " ", "--db", str(db_path))
    assert result.exit_code == 2
    assert "empty query" in result.output and "Traceback" not in result.output


def test_cli_without_a_corpus_is_one_line(tmp_path):
    result = run("search", "年报", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: no corpus at")
