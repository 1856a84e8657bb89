"""`govreports checks`: one line per failed consistency check of the stored reports, text or JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from typed_records import stored

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus import dedupe

FAIL = {"rule": "table3_balance", "where": "total", "status": "fail", "left": 57, "right": 56}
PASS = {"rule": "table4_group_sum", "where": "review", "status": "pass", "left": 2, "right": 2}
UNKNOWN = {
    "rule": "table4_group_sum",
    "where": "litigation_direct",
    "status": "unknown",
    "left": None,
    "right": 1,
}


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "c.db"
    reports = [
        {"url": "http://a.gov.cn/1.html", "title": "甲县2023年报", "text": "x", "checks": [PASS, FAIL]},
        {"url": "http://a.gov.cn/2.html", "title": "乙县2023年报", "text": "x", "checks": [PASS, UNKNOWN]},
    ]
    dedupe.store_reports(corpus.open_db(path), [stored(**report) for report in reports])
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_checks_lists_each_failure_on_one_line(db_path):
    result = run("checks", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "http://a.gov.cn/1.html\t甲县2023年报\ttable3_balance\ttotal\t57\t56"
    ]
    assert "1 failed checks in 1 reports" in result.stderr


def test_checks_as_json(db_path):
    result = run("checks", "--db", str(db_path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"url": "http://a.gov.cn/1.html", "title": "甲县2023年报", "rule": "table3_balance", "where": "total"}
        | {"left": 57, "right": 56}
    ]


def test_checks_without_a_corpus_is_one_line(tmp_path):
    result = run("checks", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[0].startswith("Error: no corpus at")
