"""Every export format reads back to what the corpus holds; filters; txt paths that cannot escape."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typed_records
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler.cli import main
from crawler.corpus import db as corpus
from crawler.corpus import dedupe, queries
from crawler.corpus.export import (
    MAX_NAME_BYTES,
    ORIGINAL_HEADER_PREFIX,
    TxtTree,
    safe_name,
    write_csv,
    write_jsonl,
    write_parquet,
    write_txt,
    write_warc,
)
from crawler.extract.record import RECORD_KEYS

HOSTILE_TITLES = [
    "../../etc/passwd",
    "/etc/shadow",
    "CON",
    "con.txt",
    "a/b\\c",
    "C:\\Windows\\win.ini",
    "x" * 300,
    "年" * 300,
    "nul\x00byte\x1b[31m",
    "..",
    " . ",
    'bad<>:"|?*name',
]


def report(n: int, **fields):
    return {
        "url": f"http://127.0.0.1/r{n}.html",
        "title": f"青岚县{2019 + n % 3}年政府信息公开工作年度报告",
        "text": f'第{n}份报告。\n主动公开政府信息{n}条。\r\n, "quoted"',
        "report_year": 2019 + n % 3,
        "body": "青岚县人民政府",
        "level": "县",
        "region": "某省某市青岚县",
        "template_version": "2021",
        "tables": {"table2": {"rows": [[{"raw": "—", "value": None}]]}},
        "checks": [{"rule": "r", "status": "pass"}],
        "sources": {"title": "meta"},
    } | fields


RECORDS = [
    report(0),
    report(1, body="青岚县教育局", level="部门", template_version="2019"),
    report(
        2, region="某省某市青岚县石门镇", spam=[{"kind": "hidden_element", "evidence": "x", "where": "y"}]
    ),
    report(3, title="同名", body=None, report_year=None),
    report(4, title="同名", body=None, report_year=None),
]


def page_row(url: str, body: bytes, headers: dict[str, str]):
    return {
        "url": url,
        "status": 200,
        "headers": json.dumps(headers),
        "body": zlib.compress(body),
        "compression": "zlib",
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "content_type": headers.get("Content-Type"),
        "fetched_at": "2024-03-20T08:00:00+00:00",
    }


RAW_PAGES = {
    RECORDS[0]["url"]: "<html><body>第0份报告</body></html>".encode("gbk"),
    RECORDS[1]["url"]: "<html><body>第1份 ✓</body></html>".encode(),
    RECORDS[2]["url"]: b"",
}


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "corpus.db"
    database = corpus.open_db(path)
    dedupe.store_reports(database, [typed_records.stored(**record) for record in RECORDS])
    headers = {"Content-Type": "text/html; charset=gbk", "Content-Encoding": "gzip", "Server": "TRS"}
    corpus.save_pages(database, [page_row(url, body, headers) for url, body in RAW_PAGES.items()])
    database.close()
    return path


@pytest.fixture
def database(db_path):
    database = corpus.open_db(db_path)
    yield database
    database.close()


def stored(database, **filters):
    """What the corpus says: (url, title, text, year) of each report, in export order."""
    rows = queries.filtered_reports(database, queries.ReportFilters(**filters))
    return [(row["url"], row["title"], row["text"], row["report_year"]) for row in rows]


def as_tuples(records):
    return [(r["url"], r["title"], r["text"], r["report_year"]) for r in records]


def test_unfiltered_reports_are_iter_reports(database):
    assert list(queries.filtered_reports(database)) == list(queries.iter_reports(database))


def test_jsonl_round_trip_keeps_the_contract_keys_first(database):
    out = io.StringIO()
    assert write_jsonl(database, out) == len(RECORDS)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert as_tuples(records) == stored(database)
    assert all(list(record)[: len(RECORD_KEYS)] == list(RECORD_KEYS) for record in records)


def test_csv_round_trip(database):
    out = io.StringIO(newline="")
    assert write_csv(database, out) == len(RECORDS)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    years = [int(row["report_year"]) if row["report_year"] else None for row in rows]
    got = [(row["url"], row["title"], row["text"], year) for row, year in zip(rows, years, strict=True)]
    assert got == stored(database)
    assert list(rows[0])[: len(RECORD_KEYS)] == list(RECORD_KEYS)


def test_csv_json_columns_are_json_strings(database):
    out = io.StringIO(newline="")
    write_csv(database, out)
    first = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert json.loads(first["tables"]) == RECORDS[0]["tables"]
    assert json.loads(first["checks"]) == RECORDS[0]["checks"]


def test_parquet_round_trip(database, tmp_path):
    path = tmp_path / "out.parquet"
    assert write_parquet(database, path) == len(RECORDS)
    table = pq.read_table(path)
    assert table.column_names[: len(RECORD_KEYS)] == list(RECORD_KEYS)
    assert as_tuples(table.to_pylist()) == stored(database)
    assert str(table.schema.field("report_year").type) == "int64"
    assert json.loads(table.column("sources")[0].as_py()) == {"title": "meta"}


def read_txt_tree(root: Path):
    """Every exported file as (header fields, text), by walking the tree."""
    files = []
    for path in sorted(root.rglob("*.txt")):
        with open(path, encoding="utf-8", newline="") as handle:
            content = handle.read()
        header, text = content.split("\n\n", 1)
        fields = dict(
            line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in header.split("\n")
        )
        files.append((path, fields, text))
    return files


def test_txt_round_trip(database, tmp_path):
    assert write_txt(database, tmp_path / "txt") == len(RECORDS)
    files = read_txt_tree(tmp_path / "txt")
    got = sorted(
        (f["url"], f["title"], text, int(f["report_year"]) if f["report_year"] else None)
        for _, f, text in files
    )
    assert got == sorted(stored(database))


def test_txt_tree_is_year_body_title(database, tmp_path):
    write_txt(database, tmp_path / "txt")
    paths = {path.relative_to(tmp_path / "txt").as_posix() for path, _, _ in read_txt_tree(tmp_path / "txt")}
    assert "2020/青岚县教育局/青岚县2020年政府信息公开工作年度报告.txt" in paths
    assert {"unknown-year/unknown-body/同名.txt", "unknown-year/unknown-body/同名 (2).txt"} <= paths


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_safe_name_is_one_harmless_component(title):
    name = safe_name(title, "untitled")
    assert name not in {"", ".", ".."} and not name.startswith(".")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(ord(char) < 32 for char in name)
    assert not set('<>:"|?*') & set(name)
    assert name.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES + 1


def test_hostile_titles_stay_inside_the_export_directory(tmp_path):
    db_path = tmp_path / "corpus.db"
    database = corpus.open_db(db_path)
    records = [
        {"url": f"http://127.0.0.1/h{n}", "title": title, "text": "t", "report_year": 2023, "body": title}
        for n, title in enumerate(HOSTILE_TITLES)
    ]
    dedupe.store_reports(database, [typed_records.stored(**record) for record in records])
    root = tmp_path / "out"
    assert write_txt(database, root) == len(HOSTILE_TITLES)
    written = [path for path in tmp_path.rglob("*") if path.is_file() and path.suffix == ".txt"]
    assert len(written) == len(HOSTILE_TITLES)
    assert all(path.resolve().is_relative_to(root.resolve()) for path in written)
    assert not (tmp_path / "etc").exists()


def test_names_that_differ_only_in_case_are_disambiguated(tmp_path):
    tree = TxtTree(tmp_path)
    first = tree.path_for({"title": "Report", "report_year": 2023, "body": "b"})
    second = tree.path_for({"title": "REPORT", "report_year": 2023, "body": "b"})
    assert first.name == "Report.txt" and second.name == "REPORT (2).txt"


def test_a_symlink_out_of_the_export_directory_is_refused(database, tmp_path):
    root, outside = tmp_path / "txt", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "2020").symlink_to(outside)
    with pytest.raises(Exception, match="outside"):
        write_txt(database, root)
    assert not any(outside.rglob("*.txt"))


def read_warc(data: bytes):
    """The response records as (record, body): a record's body is read while the iterator is on it."""
    return [
        (record, record.raw_stream.read())
        for record in ArchiveIterator(io.BytesIO(data))
        if record.rec_type == "response"
    ]


def test_warc_round_trip_gives_the_stored_raw_bytes(database):
    out = io.BytesIO()
    result = write_warc(database, out)
    assert (result.written, result.skipped) == (len(RAW_PAGES), len(RECORDS) - len(RAW_PAGES))
    responses = read_warc(out.getvalue())
    bodies = {record.rec_headers.get_header("WARC-Target-URI"): body for record, body in responses}
    assert bodies == RAW_PAGES
    assert list(bodies) == [url for url, *_ in stored(database) if url in RAW_PAGES]


def test_warc_keeps_status_headers_and_date(database):
    out = io.BytesIO()
    write_warc(database, out)
    first, _ = read_warc(out.getvalue())[0]
    assert first.http_headers.get_statuscode() == "200"
    assert first.http_headers.get_header("Content-Type") == "text/html; charset=gbk"
    assert first.http_headers.get_header("Server") == "TRS"
    assert first.http_headers.get_header("Content-Encoding") is None
    assert first.http_headers.get_header(f"{ORIGINAL_HEADER_PREFIX}Content-Encoding") == "gzip"
    assert first.rec_headers.get_header("WARC-Date") == "2024-03-20T08:00:00Z"


def test_filters_pick_reports(database):
    assert [row[0] for row in stored(database, year=2020)] == [RECORDS[1]["url"]]
    assert [row[0] for row in stored(database, body="青岚县教育局")] == [RECORDS[1]["url"]]
    assert [row[0] for row in stored(database, level="部门")] == [RECORDS[1]["url"]]
    assert [row[0] for row in stored(database, template="2019")] == [RECORDS[1]["url"]]
    assert [row[0] for row in stored(database, region="石门镇")] == [RECORDS[2]["url"]]
    assert RECORDS[2]["url"] not in [row[0] for row in stored(database, spam_free=True)]
    assert len(stored(database, spam_free=True)) == len(RECORDS) - 1


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_cli_csv_with_filters(db_path, tmp_path):
    out = tmp_path / "x" / "out.csv"
    result = run("export", "--format", "csv", "--year", 2019, "--spam-free", "-o", out, "--db", db_path)
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["url"] for row in rows] == [RECORDS[0]["url"]]
    assert "exported 1 reports" in result.stderr


def test_cli_parquet_to_stdout(db_path):
    result = run("export", "--format", "parquet", "--year", 2021, "--db", db_path)
    assert result.exit_code == 0, result.output
    table = pq.read_table(io.BytesIO(result.stdout_bytes))
    assert table.column("url").to_pylist() == [RECORDS[2]["url"]]


def test_cli_txt_writes_a_tree(db_path, tmp_path):
    result = run("export", "--format", "txt", "--body", "青岚县教育局", "-o", tmp_path / "t", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert [path.name for path in (tmp_path / "t").rglob("*.txt")] == [
        "青岚县2020年政府信息公开工作年度报告.txt"
    ]


def test_cli_txt_needs_a_folder(db_path):
    result = run("export", "--format", "txt", "--db", db_path)
    assert result.exit_code == 2
    assert "give a folder with -o DIR" in result.output


def test_cli_warc_counts_reports_without_a_capture(db_path, tmp_path):
    out = tmp_path / "corpus.warc.gz"
    result = run("export", "--format", "warc", "-o", out, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "exported 3 reports (2 without a stored page, skipped)" in result.stderr
    assert len(read_warc(out.read_bytes())) == 3


def test_cli_jsonl_stays_the_default(db_path):
    result = run("export", "--template", "2019", "--db", db_path)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["url"] == RECORDS[1]["url"]
