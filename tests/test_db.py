"""The corpus database: migrations, batched upserts, run records."""

import pytest

from crawler import db as corpus


def record(url: str, year: int = 2019, text: str = "正文") -> dict:
    return {"url": url, "title": f"{year}年报", "text": text, "report_year": year, "spam": [], "tables": []}


def test_migrations_apply_once(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    assert corpus.migrate(database) == []
    assert {"reports", "runs", "_migrations"} <= set(database.table_names())
    assert database.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_upsert_updates_and_keeps_first_seen(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    corpus.upsert_reports(database, [record("http://a/1", text="旧")])
    first = next(corpus.iter_reports(database))
    corpus.upsert_reports(database, [record("http://a/1", text="新"), record("http://a/2", 2020)])
    rows = {row["url"]: row for row in corpus.iter_reports(database)}
    assert rows["http://a/1"]["text"] == "新"
    assert rows["http://a/1"]["first_seen_at"] == first["first_seen_at"]
    assert corpus.reports_per_year(database) == [(2019, 1), (2020, 1)]


def test_json_columns_round_trip(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    corpus.upsert_reports(database, [record("http://a/1") | {"tables": [{"rows": [["规章", "3"]]}]}])
    assert next(corpus.iter_reports(database))["tables"] == [{"rows": [["规章", "3"]]}]


def test_runs_are_recorded(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    run_id = corpus.start_run(database, ["http://a/"], {"ROBOTSTXT_OBEY": True})
    corpus.finish_run(database, run_id, "finished", {"pages": 3}, ["seed x: HTTP 404"])
    (run,) = corpus.list_runs(database)
    assert run["status"] == "finished" and "HTTP 404" in run["errors"]


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "c.db"
    corpus.open_db(path).table("_migrations").insert({"name": "9999_future", "applied_at": "x"})
    with pytest.raises(corpus.CorpusError, match="newer govreports"):
        corpus.open_db(path)


def test_not_a_database_is_one_clear_error(tmp_path):
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(corpus.CorpusError, match="not a usable SQLite database"):
        corpus.open_db(path)


def test_missing_database_when_reading(tmp_path):
    with pytest.raises(corpus.CorpusError, match="no corpus"):
        corpus.open_db(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()
