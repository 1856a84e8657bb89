"""Search answers on the demo corpus, as :func:`crawler.corpus.search.search_reports` gives them: the
corpus is the contract snapshot's export as it was when the answers were written
(``tests/golden/search/corpus.json``: the demo portal as crawled then, without the statistics columns
search never reads; the demo portal has grown since), stored through
:func:`crawler.corpus.dedupe.store_reports`, and every query class is asked: one-, two-, three- and
four-character terms, traditional script, several terms, filters and limits.
``python tests/search_snapshot.py tests/golden/search/demo.json`` wrote the expected answers with the
LIKE/trigram search before the bigram index (issue #18); ``tests/test_search_scale.py`` compares."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.corpus import db as corpus
from crawler.corpus import dedupe
from crawler.corpus.queries import ReportFilters
from crawler.corpus.rows import stored_of_row
from crawler.corpus.search import search_reports
from crawler.extract.record import Stored

CORPUS = Path(__file__).parent / "golden" / "search" / "corpus.json"
VOLATILE = "<volatile>"

# (query, filters): every class of query the corpus is searched with.
CASES: list[tuple[str, dict[str, Any]]] = [
    *((query, {}) for query in ("县", "局", "镇", "申", "复", "年", "%", "2", "〇", "（")),
    *(
        (query, {})
        for query in ("复议", "诉讼", "收费", "信息", "年报", "公开", "申请", "减免", "石门", "12")
    ),
    *((query, {}) for query in ("20", "0件", "（一", "。本", "GB", "gb", "a-", "一一", "无无")),
    *((query, {}) for query in ("依申请", "规范性", "教育局", "2023", "青岚县", "不存在的词")),
    *((query, {}) for query in ("政府信息", "行政复议", "公开条例", "主动公开", "年度报告", "信息公开工作")),
    *((query, {}) for query in ("複議", "訴訟", "縣", "公開條例", "政府資訊", "資訊", "申請", "收費")),
    *((query, {}) for query in ("政府信息 公开", "行政复议 行政诉讼", "信息 申请", "收费 减免", "县 复议")),
    *(
        (query, {})
        for query in ("主动公开 规范性文件", "復議 訴訟", "青岚县 石门镇", "年 报", "复议 公开条例")
    ),
    ("信息", {"year": 2022}),
    ("信息", {"year": 2021, "level": "县"}),
    ("复议", {"level": "部门"}),
    ("公开", {"body": "青岚县教育局"}),
    ("县", {"year": 2020}),
    ("政府信息", {"body": "青岚县教育局"}),
    ("政府信息", {"year": 2023}),
    ("行政复议 诉讼", {"level": "县"}),
    ("信息", {"limit": 5}),
    ("公开", {"limit": 50}),
    ("政府信息", {"limit": 3}),
    ("县", {"limit": 1}),
]


def demo_records() -> list[Stored]:
    """The demo corpus' reports as the contract snapshot exported them, ready to store again."""
    rows = json.loads(CORPUS.read_text(encoding="utf-8"))
    return [
        stored_of_row({key: (None if value == VOLATILE else value) for key, value in row.items()})
        for row in rows
    ]


def build_demo_corpus(path: Path) -> sqlite_utils.Database:
    database = corpus.open_db(path)
    dedupe.store_reports(database, demo_records())
    return database


def hits_of(database: sqlite_utils.Database, query: str, options: dict[str, Any]) -> list[dict[str, Any]]:
    """The hits of a case: its options are report filters and perhaps a ``limit``."""
    filters = {name: value for name, value in options.items() if name != "limit"}
    return search_reports(database, query, ReportFilters(**filters), limit=options.get("limit", 20))


def answers(database: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every case's hits, without their row ids (``govreports show`` takes them; they came after the
    expected answers were written, and depend only on the order the reports were stored in)."""
    return [
        {
            "query": query,
            "filters": filters,
            "hits": [
                {k: v for k, v in hit.items() if k != "id"} for hit in hits_of(database, query, filters)
            ],
        }
        for query, filters in CASES
    ]


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database = build_demo_corpus(Path(tmp) / "demo.db")
        result = answers(database)
        database.close()
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
