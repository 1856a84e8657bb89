"""The command line: the JSON contract, --db everywhere, one-line errors, and a real crawl subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from typed_records import stored

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus import dedupe, queries
from crawler.corpus.dedupe import canonical_url
from crawler.extract.record import RECORD_KEYS


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def saved_page(tmp_path, demo_site, report):
    path = tmp_path / "page.html"
    path.write_bytes(demo_site.pages[report.path].body)
    return path


def test_extract_prints_the_contract_keys(tmp_path, demo_site):
    report = next(r for r in demo_site.reports if r.template_version == "2021")
    result = run("extract", str(saved_page(tmp_path, demo_site, report)), "--url", "http://127.0.0.1/x.html")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert list(record)[: len(RECORD_KEYS)] == list(RECORD_KEYS)
    assert record["url"] == "http://127.0.0.1/x.html"
    assert record["title"] == report.title
    assert record["report_year"] == report.report_year
    assert isinstance(record["spam"], list) and set(record["tables"]) == {"table2", "table3", "table4"}
    assert record["checks"] and {check["status"] for check in record["checks"]} == {"pass"}


def test_extract_text_format(tmp_path, demo_site):
    report = demo_site.reports[0]
    result = run("extract", str(saved_page(tmp_path, demo_site, report)), "--format", "text")
    assert result.exit_code == 0
    assert report.must_have[0] in result.output


def test_extract_a_url(demo_server, demo_site):
    report = next(r for r in demo_site.reports if not r.path.startswith(demo_site.challenge_prefixes))
    result = run("extract", demo_server.url(report.path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"] == report.title


def test_extract_missing_file_is_one_line(tmp_path):
    result = run("extract", str(tmp_path / "nope.html"))
    assert result.exit_code == 2
    assert "no such file" in result.output and "Traceback" not in result.output


def test_extract_binary_file_is_one_line(tmp_path):
    path = tmp_path / "x.html"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02" * 50)
    result = run("extract", str(path))
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: not a readable file or HTML page (truncated PDF")


def test_export_writes_one_object_per_report(tmp_path):
    db_path = tmp_path / "c.db"
    records = [
        {"url": f"http://127.0.0.1/{n}.html", "title": "t", "text": "正文", "report_year": 2019 + n}
        for n in (0, 1)
    ]
    dedupe.store_reports(corpus.open_db(db_path), [stored(**record) for record in records])
    out = tmp_path / "out.jsonl"
    result = run("export", "--format", "jsonl", "-o", str(out), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["report_year"] for line in lines] == [2019, 2020]
    assert all(list(line)[: len(RECORD_KEYS)] == list(RECORD_KEYS) for line in lines)


def test_export_to_stdout(tmp_path):
    db_path = tmp_path / "c.db"
    dedupe.store_reports(corpus.open_db(db_path), [stored(url="http://127.0.0.1/a", text="x")])
    result = run("export", "--db", str(db_path))
    assert json.loads(result.stdout.splitlines()[0])["url"] == "http://127.0.0.1/a"


def test_export_without_a_corpus_is_one_line(tmp_path):
    result = run("export", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no corpus at {tmp_path / 'none.db'} (run `govreports crawl` or `govreports demo` first)"
    ]


def test_crawl_with_only_bad_seeds_fails_cleanly(tmp_path):
    result = run("crawl", "not-a-url", "ftp://127.0.0.1/x", "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 2
    assert "error: seed 'not-a-url': not a URL" in result.output
    assert "error: seed 'ftp://127.0.0.1/x': unsupported scheme 'ftp'" in result.output
    assert "Traceback" not in result.output


def test_crawl_subprocess_stores_reports_and_names_bad_seeds(tmp_path, demo_server, demo_site):
    """The real command in its own process (the reactor starts once per process)."""
    db_path = tmp_path / "c.db"
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        demo_server.url("/"),
        "junk",
        "http://127.0.0.1:1/",
    ]
    done = subprocess.run([*command, "--db", str(db_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors[0] == "error: seed 'junk': not a URL (no http:// or https://)"
    assert errors[1].startswith("error: seed http://127.0.0.1:1/: unreachable (")
    assert "Traceback" not in done.stderr
    stored = {row["url"] for row in queries.iter_reports(corpus.open_db(db_path))}
    assert stored == {canonical_url(demo_server.url(path)) for path in demo_site.expected_report_paths()}
    assert f"corpus {db_path}: {len(stored)} reports" in done.stdout


def test_extract_a_challenged_url_is_one_line(demo_server, demo_site):
    report = next(r for r in demo_site.reports if r.path.startswith(demo_site.challenge_prefixes))
    result = run("extract", demo_server.url(report.path))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {demo_server.url(report.path)}: could not fetch (HTTP Error 412: Precondition Failed)"
    ]
