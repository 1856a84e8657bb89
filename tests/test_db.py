"""The corpus database: migrations, batched writes, run records."""

import json

import pytest
import sqlite_utils
from typed_records import stored

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, grams, lsh, queries
from crawler.corpus.db import write_row
from crawler.corpus.rows import report_row
from crawler.corpus.schema import FTS_HASHSIZE, MIGRATIONS, CorpusError, migrate
from crawler.extract.fingerprint import content_hash, signature_bands, text_signature
from crawler.extract.record import Report, ReportFile, Stored


def record(url: str, year: int = 2019, text: str = "正文") -> dict:
    return {"url": url, "title": f"{year}年报", "text": text, "report_year": year, "spam": [], "tables": []}


def report(url: str, year: int = 2019, text: str = "正文", **fields) -> Stored:
    """:func:`record` as a stored report, with other ``fields``."""
    return stored(**record(url, year, text) | fields)


def test_migrations_apply_once(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    assert migrate(database) == []
    assert {"reports", "runs", "_migrations"} <= set(database.table_names())
    assert database.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_storing_again_updates_and_keeps_first_seen(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    dedupe.store_reports(database, [report("http://a/1", text="旧")])
    first = next(queries.iter_reports(database))
    dedupe.store_reports(database, [report("http://a/1", text="新"), report("http://a/2", 2020)])
    rows = {row["url"]: row for row in queries.iter_reports(database)}
    assert rows["http://a/1"]["text"] == "新"
    assert rows["http://a/1"]["first_seen_at"] == first["first_seen_at"]
    assert queries.reports_per_year(database) == [(2019, 1), (2020, 1)]


def test_json_columns_round_trip(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    dedupe.store_reports(database, [report("http://a/1", tables=[{"rows": [["规章", "3"]]}])])
    assert next(queries.iter_reports(database))["tables"] == [{"rows": [["规章", "3"]]}]


def test_runs_are_recorded(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    run_id = corpus.start_run(database, ["http://a/"], {"ROBOTSTXT_OBEY": True})
    corpus.finish_run(database, run_id, "finished", {"pages": 3}, ["seed x: HTTP 404"])
    (run,) = queries.list_runs(database)
    assert run["status"] == "finished" and "HTTP 404" in run["errors"]


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "c.db"
    corpus.open_db(path).table("_migrations").insert({"name": "9999_future", "applied_at": "x"})
    with pytest.raises(CorpusError, match="newer govreports"):
        corpus.open_db(path)


def test_not_a_database_is_one_clear_error(tmp_path):
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CorpusError, match="not a usable SQLite database"):
        corpus.open_db(path)


def test_missing_database_when_reading(tmp_path):
    with pytest.raises(CorpusError, match="no corpus"):
        corpus.open_db(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


# --- 0003: statistics, provenance and spam columns; compromised sites of a run ----------------------


def database_at_0002(path):
    """A corpus as govreports wrote it before migration 0003."""
    database = sqlite_utils.Database(path)
    database.table("_migrations").create({"name": str, "applied_at": str}, pk="name")
    for name, step in MIGRATIONS[:2]:
        step(database)
        database.table("_migrations").insert({"name": name, "applied_at": "2024-01-01T00:00:00+00:00"})
    return database


def test_a_0002_database_upgrades_and_keeps_its_rows(tmp_path):
    old = database_at_0002(tmp_path / "c.db")
    grids = [{"index": 0, "kind": None, "rows": [["规章", "3"]]}]
    findings = [{"kind": "spam_keywords", "evidence": "百家乐", "where": "div"}]
    old.table("reports").insert(
        record("http://a/1")
        | {"spam": json.dumps(findings), "tables": json.dumps(grids)}
        | {"first_seen_at": "2024-01-01", "updated_at": "2024-01-01"}
    )
    old.close()
    database = corpus.open_db(tmp_path / "c.db")
    new_columns = {"text_normalised", "compromised", "template_version", "checks", "raw_tables", "sources"}
    assert new_columns | {"spam_kinds", "topic", "disclosure"} <= set(database["reports"].columns_dict)
    assert "compromised_sites" in database["runs"].columns_dict
    (row,) = queries.iter_reports(database)
    assert (row["title"], row["spam"], row["raw_tables"], row["tables"]) == ("2019年报", findings, grids, {})
    assert (row["compromised"], row["spam_kinds"], row["checks"], row["sources"]) == (
        1,
        "spam_keywords",
        [],
        {},
    )


def test_new_json_columns_round_trip(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    stats = {"table4": {"review": {"total": {"raw": "—", "value": None}}}}
    checks = [{"rule": "table4_group_sum", "where": "review", "status": "fail", "left": 3, "right": 4}]
    extra = {
        "tables": stats,
        "checks": checks,
        "raw_tables": [{"rows": [["a"]]}],
        "sources": {"title": "meta"},
    }
    dedupe.store_reports(database, [report("http://a/1", **extra)])
    row = next(queries.iter_reports(database))
    assert {key: row[key] for key in extra} == extra


def test_absent_json_columns_read_back_empty(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    dedupe.store_reports(database, [Stored(Report(url="http://a/1", text="正文"))])
    row = next(queries.iter_reports(database))
    assert (row["spam"], row["tables"], row["checks"], row["raw_tables"], row["sources"]) == (
        [],
        {},
        [],
        [],
        {},
    )


def test_spam_findings_mark_the_report_compromised_with_its_kinds(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    findings = [{"kind": k, "evidence": "x", "where": "body"} for k in ("mirror", "hidden_element", "mirror")]
    other = report("http://a/2", title="另一机关2019年报")
    dedupe.store_reports(database, [report("http://a/1", spam=findings), other])
    rows = {row["url"]: (row["compromised"], row["spam_kinds"]) for row in queries.iter_reports(database)}
    assert rows == {"http://a/1": (1, "hidden_element,mirror"), "http://a/2": (0, "")}


def test_failing_checks_lists_only_failures(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    fail = {"rule": "table4_group_sum", "where": "review", "status": "fail", "left": 3, "right": 4}
    ok = fail | {"status": "pass", "right": 3}
    other = report("http://a/2", title="另一机关2019年报")
    dedupe.store_reports(database, [report("http://a/1", checks=[ok, fail]), other])
    assert list(queries.failing_checks(database)) == [
        {
            "url": "http://a/1",
            "title": "2019年报",
            "rule": "table4_group_sum",
            "where": "review",
            "left": 3,
            "right": 4,
        }
    ]


def test_a_run_keeps_its_compromised_sites_most_first(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    run_id = corpus.start_run(database, ["http://a/"], {})
    corpus.finish_run(database, run_id, "finished", {}, [], compromised={"b.gov.cn": 1, "a.gov.cn": 3})
    assert queries.compromised_sites(database, run_id) == [("a.gov.cn", 3), ("b.gov.cn", 1)]
    assert queries.compromised_sites(database, corpus.start_run(database, [], {})) == []


# --- 0005: signatures over numpy-hashed shingles ----------------------------------------------------


def test_0005_recomputes_old_signatures_and_their_bands(tmp_path):
    """A corpus signed with the old per-shingle SHA-1 MinHash is re-signed from its stored text, so a
    copy found by the new code still meets the report stored by the old one."""
    path = tmp_path / "c.db"
    old = sqlite_utils.Database(path)
    old.table("_migrations").create({"name": str, "applied_at": str}, pk="name")
    for name, step in MIGRATIONS[:4]:
        step(old)
        old.table("_migrations").insert({"name": name, "applied_at": "2024-01-01T00:00:00+00:00"})
    text = "本行政机关2020年主动公开政府信息一千二百条，收到政府信息公开申请三十件，全部按期答复。" * 8
    dates = {"first_seen_at": "2024-01-01", "updated_at": "2024-01-01"}
    old.table("reports").insert(record("http://a/1") | {"text": text, "report_year": 2020} | dates)
    stale = bytes(range(256)) * 4
    old.table("fingerprints").insert({"report_url": "http://a/1", "signature": stale, "report_year": 2020})
    for band in signature_bands(stale):
        old.table("lsh_bands").insert({"band_key": band, "report_url": "http://a/1"})
    old.close()

    database = corpus.open_db(path)
    (signature,) = database.execute("select signature from fingerprints").fetchone()
    assert signature == text_signature(text) != stale
    # 0014 moved the recomputed bands into the integer LSH index
    bands = {row[0] for row in database.execute("select band from lsh where report_id = 1")}
    assert bands == set(lsh.band_keys(signature)) and len(bands) == len(signature_bands(signature))


def table_counts(database) -> dict[str, int]:
    tables = ("reports", "sources", "fingerprints", "lsh", "attachments", "pages", "reports_fts")
    return {name: database.execute(f"select count(*) from [{name}]").fetchone()[0] for name in tables}


def test_a_batch_that_fails_midway_leaves_nothing_of_it(tmp_path):
    """write_batch is one transaction: its last row failing undoes the reports written before it."""
    database = corpus.open_db(tmp_path / "c.db")
    texts = [f"第{n}份报告的正文，与其他报告各不相同：{'甲乙丙丁戊己庚辛'[n] * 40}" for n in range(3)]
    reports = [
        report(f"http://a/{n}", text=text, signature=text_signature(text)) for n, text in enumerate(texts)
    ]
    good_page = {"url": "http://a/0", "status": 200, "body": b"x", "size": 1}
    dedupe.write_batch(database, [reports[0]], [], [good_page])
    before = table_counts(database)
    assert before["reports"] == 1 and before["lsh"] > 0
    bad_page = {"url": "http://a/2", "status": 200, "no_such_column": 1}
    with pytest.raises(Exception, match="no_such_column"):
        dedupe.write_batch(database, reports[1:], [], [good_page, bad_page])
    assert table_counts(database) == before


def test_a_batch_commits_once(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    statements: list[str] = []
    database.conn.set_trace_callback(statements.append)
    reports = [report(f"http://a/{n}", 2010 + n, text=f"报告{n}" * 30) for n in range(5)]
    dedupe.write_batch(database, reports, [], [{"url": "http://a/0", "status": 200, "body": b"", "size": 0}])
    database.conn.set_trace_callback(None)
    assert sum(statement.strip().upper() == "COMMIT" for statement in statements) == 1
    assert table_counts(database)["reports"] == 5


def test_near_duplicate_candidates_are_index_lookups_not_a_scan_of_the_year(tmp_path):
    """The candidate query (exact text, title key, LSH bands) must not read every report of the year:
    that made each stored report cost more as the corpus grew (~20 ms at 10,000 reports)."""
    database = corpus.open_db(tmp_path / "c.db")
    texts = [
        f"第{n}号报告：" + "".join(chr(0x4E00 + (n * 131 + i * 7) % 5000) for i in range(300))
        for n in range(40)
    ]
    reports = [
        report(f"http://a/{n}", 2020, text, title=f"报告{n}", signature=text_signature(text))
        for n, text in enumerate(texts)
    ]
    dedupe.write_batch(database, reports[:-1], [], [])
    statements: list[str] = []
    database.conn.set_trace_callback(statements.append)
    dedupe.write_batch(database, reports[-1:], [], [])
    database.conn.set_trace_callback(None)
    [lookup] = [sql for sql in statements if "with matches" in sql]
    plan = " | ".join(row[3] for row in database.execute("explain query plan " + lookup).fetchall())
    assert "idx_reports_report_year" not in plan and "SCAN r" not in plan, plan
    assert "idx_fingerprints_title_key" in plan, plan
    [bands] = [sql for sql in statements if "from lsh where band" in sql]
    plan = " | ".join(row[3] for row in database.execute("explain query plan " + bands).fetchall())
    assert "SEARCH lsh USING PRIMARY KEY (band=?)" in plan and "SCAN lsh" not in plan, plan


def pdf(url: str, report_url: str) -> ReportFile:
    """A PDF file of the report at ``report_url``."""
    return ReportFile(
        url=url,
        report_url=report_url,
        kind="pdf",
        title=None,
        text="",
        pages=1,
        scanned=False,
        size=1,
        sha256="x",
        content_type="application/pdf",
        fetched_at=None,
    )


def test_a_file_whose_report_is_not_stored_yet_is_held_back_with_its_capture(tmp_path):
    """A file's item may reach the store a batch before its report's: neither the file nor its capture
    is written then (a capture alone would get a 304 next run, and the file would never be stored)."""
    database = corpus.open_db(tmp_path / "c.db")
    file = pdf("http://a/1.pdf", "http://a/1")
    page = {"url": "http://a/1.pdf", "status": 200, "body": b"x", "size": 1}
    result, stored_files = dedupe.write_batch(database, [], [file], [dict(page)])
    assert (stored_files, result.files_held) == (0, ["http://a/1.pdf"])
    assert table_counts(database)["attachments"] == table_counts(database)["pages"] == 0
    text = "第一份报告的正文" * 10
    result, stored_files = dedupe.write_batch(
        database, [report("http://a/1", text=text)], [file], [dict(page)]
    )
    assert (stored_files, result.files_held) == (1, [])
    assert [(row["url"], row["report_url"]) for row in queries.attachments_of(database, "http://a/1")] == [
        ("http://a/1.pdf", "http://a/1")
    ]
    assert table_counts(database)["pages"] == 1


def test_a_file_of_a_copy_joined_in_an_earlier_batch_goes_to_that_report(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    text = "第一份报告的正文，各处转载的都是这一份。" * 10
    identity = {"signature": text_signature(text), "content_hash": content_hash(text)}
    dedupe.write_batch(database, [report("http://a/1", text=text, **identity)], [], [])
    result, _ = dedupe.write_batch(database, [report("http://b/copy", text=text, **identity)], [], [])
    assert result.report_of == {"http://b/copy": "http://a/1"}
    result, stored_files = dedupe.write_batch(database, [], [pdf("http://b/copy.pdf", "http://b/copy")], [])
    assert (stored_files, result.files_held) == (1, [])
    assert [row["url"] for row in queries.attachments_of(database, "http://a/1")] == ["http://b/copy.pdf"]


# --- the LSH index (migration 0014) ---------------------------------------------------------------------

NEAR_TEXT = "".join(chr(0x4E00 + (i * 37) % 3000) for i in range(400))


def near_copy(url: str, year: int = 2020, body: str | None = "甲县教育局", edit: int = 0) -> Stored:
    """A report whose text differs from :data:`NEAR_TEXT` in one character (at ``edit``)."""
    text = NEAR_TEXT[:edit] + "，" + NEAR_TEXT[edit + 1 :]
    fields = {"title": f"报告{url}", "body": body, "signature": text_signature(text)}
    return report(url, year, text, content_hash=content_hash(text), **fields)


def lsh_rows(database, url: str) -> list[tuple]:
    report_id = "(select rowid from reports where url = ?)"
    sql = f"select band, report_year, body_key from lsh where report_id = {report_id}"
    return database.execute(sql, [url]).fetchall()


def test_the_lsh_index_holds_each_band_with_the_year_and_body_key(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    dedupe.store_reports(database, [near_copy("http://a/1")])
    rows = lsh_rows(database, "http://a/1")
    signature = text_signature(NEAR_TEXT[:0] + "，" + NEAR_TEXT[1:])
    assert sorted(band for band, _, _ in rows) == sorted(lsh.band_keys(signature))
    assert {(year, key) for _, year, key in rows} == {(2020, lsh.body_key("甲县教育局"))}
    # the body key compares as identity does: script and digits normalised; no body, no key
    assert lsh.body_key("甲縣教育局") == lsh.body_key("甲县教育局") != lsh.body_key("乙县教育局")
    assert lsh.body_key(None) is None and lsh.body_key("") is None


def test_lsh_candidates_are_of_the_year_and_the_body(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    stored_copies = [
        near_copy("http://a/same", edit=5),
        near_copy("http://a/other-year", year=2021, edit=6),
        near_copy("http://a/other-body", body="乙县教育局", edit=7),
        near_copy("http://a/no-body", body=None, edit=8),
        near_copy("http://a/traditional", body="甲縣教育局", edit=9),
    ]
    for copy in stored_copies:  # written apart: stored, the first would take the others as its copies
        write_row(database, "reports", report_row(copy, "2024-01-01", None), pk="url")
        (report_id,) = database.execute(
            "select rowid from reports where url = ?", [copy.report.url]
        ).fetchone()
        lsh.save(database, report_id, copy.report.signature, copy.report.report_year, copy.report.body)
    ids = dict(database.execute("select url, rowid from reports").fetchall())
    signature = near_copy("http://b/new").report.signature
    found = set(lsh.candidates(database, signature, 2020, "甲县教育局"))
    assert found == {ids["http://a/same"], ids["http://a/no-body"], ids["http://a/traditional"]}
    anybody = set(lsh.candidates(database, signature, 2020, None))
    assert anybody == found | {ids["http://a/other-body"]}


def test_a_band_gives_its_newest_candidates_only(tmp_path, monkeypatch):
    monkeypatch.setattr(lsh, "BAND_CANDIDATES", 2)
    database = corpus.open_db(tmp_path / "c.db")
    for n in range(4):
        database.execute(
            "insert into lsh (band, report_id, report_year, body_key) values (7, ?, 2020, null)", [n]
        )
    signature = bytes(8 * 128)
    monkeypatch.setattr(lsh, "band_keys", lambda _: [7])
    assert sorted(lsh.candidates(database, signature, 2020, None)) == [2, 3]


def test_a_near_copy_joins_its_report_and_a_promotion_moves_the_bands(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    mirror = near_copy("http://mirror.example.com/1", edit=3)
    dedupe.store_reports(database, [mirror])
    official = near_copy("http://www.a.gov.cn/1", edit=4)
    result = dedupe.store_reports(database, [official])
    assert result.promoted == 1  # the gov.cn copy outranks the mirror and takes the report over
    assert lsh_rows(database, "http://mirror.example.com/1") == []
    assert len(lsh_rows(database, "http://www.a.gov.cn/1")) == len(signature_bands(official.report.signature))
    assert database.execute("select count(distinct report_id) from lsh").fetchone()[0] == 1
    result = dedupe.store_reports(database, [near_copy("http://www.city.gov.cn/9", edit=11)])
    assert result.merged == 1 and result.report_of["http://www.city.gov.cn/9"] == "http://www.a.gov.cn/1"


def test_0014_moves_the_bands_of_a_0013_corpus_into_the_lsh_index(tmp_path):
    path = tmp_path / "c.db"
    old = sqlite_utils.Database(path)
    old.table("_migrations").create({"name": str, "applied_at": str}, pk="name")
    migrate_to = [name for name, _ in MIGRATIONS].index("0014_lsh_index")
    grams.register(old)
    for name, step in MIGRATIONS[:migrate_to]:
        step(old)
        old.table("_migrations").insert({"name": name, "applied_at": "2024-01-01T00:00:00+00:00"})
    signature = near_copy("x").report.signature
    dates = {"first_seen_at": "2024-01-01", "updated_at": "2024-01-01"}
    old.table("reports").insert(record("http://a/1", 2020, "正文") | {"body": "甲县教育局"} | dates)
    old.table("fingerprints").insert(
        {"report_url": "http://a/1", "signature": signature, "report_year": 2020, "body": "甲县教育局"}
    )
    for band in signature_bands(signature):
        old.table("lsh_bands").insert({"band_key": band, "report_url": "http://a/1"})
    old.close()

    database = corpus.open_db(path)
    assert "lsh_bands" not in database.table_names()
    assert sorted(band for band, _, _ in lsh_rows(database, "http://a/1")) == sorted(lsh.band_keys(signature))
    result = dedupe.store_reports(database, [near_copy("http://a/2", edit=2)])
    assert result.merged == 1 and result.report_of["http://a/2"] == "http://a/1"


def test_both_full_text_indexes_buffer_a_whole_batch(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    for name in ("reports_fts", "reports_grams"):
        sql = f"select v from {name}_config where k = 'hashsize'"
        assert database.execute(sql).fetchone()[0] == FTS_HASHSIZE
