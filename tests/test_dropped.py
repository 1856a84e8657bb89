"""Dropped pages are kept per run, and a page whose extraction failed is tried again by ``reextract``
from its stored capture (issue #15)."""

from __future__ import annotations

from click.testing import CliRunner

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.reextract import reextract_corpus
from crawler.demo import hostile
from crawler.extract.dispatch import capture_of

URL = "http://127.0.0.1:9/good.html"


def _failed_page(path):
    database = corpus.open_db(path)
    run_id = corpus.start_run(database, [], {})
    capture = capture_of(hostile.GOOD_REPORT)
    page = {"url": URL, "status": 200, "headers": "{}", "body": capture.body_zlib, "compression": "zlib"}
    page |= {"size": len(hostile.GOOD_REPORT), "sha256": capture.sha256, "run_id": run_id}
    corpus.save_pages(database, [page | {"content_type": "text/html; charset=utf-8"}])
    with database.atomic():
        corpus.record_dropped(database, run_id, [{"url": URL, "reason": "unreadable_file", "detail": "time"}])
    corpus.finish_run(database, run_id, "finished", {"govreports/extract/unreadable_file": 1}, [])
    return database, run_id


def test_runs_show_lists_the_dropped_pages_and_counts_them_as_errors(tmp_path):
    database, run_id = _failed_page(tmp_path / "c.db")
    assert queries.dropped_counts(database, run_id) == {"unreadable_file": 1}
    assert queries.run_error_count(queries.list_runs(database)[0]) == 1
    database.close()
    result = CliRunner().invoke(main, ["runs", "--db", str(tmp_path / "c.db"), "--show", str(run_id)])
    assert result.exit_code == 0, result.output
    assert "dropped: 1 unreadable_file" in result.output
    assert f"  unreadable_file: time: {URL}" in result.output
    listing = CliRunner().invoke(main, ["runs", "--db", str(tmp_path / "c.db")])
    assert listing.output.splitlines()[1].endswith("  1")


def test_reextract_tries_a_failed_page_again_from_its_capture(tmp_path):
    database, _ = _failed_page(tmp_path / "c.db")
    result = reextract_corpus(database)
    assert (result.recovered, result.still_failing) == (1, 0)
    assert [row["url"] for row in queries.iter_reports(database)] == [URL]
    database.close()
