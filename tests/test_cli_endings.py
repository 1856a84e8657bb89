"""The CLI in real processes: a closed pipe ends quietly, binary formats refuse a terminal, progress is
redrawn on a terminal and logged elsewhere, and a crawl a budget cut short says so."""

from __future__ import annotations

import json
import os
import pty
import random
import re
import subprocess
import sys
import threading

import pytest
from typed_records import stored

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, queries

CLI = [sys.executable, "-m", "crawler.cli"]
PROGRESS = re.compile(
    r"crawling: \d+ pages \(\d+\.\d/s\), \d+ queued, \d+ reports, \d+ files, \d+ errors, \d+s elapsed"
)


def chinese(rng: random.Random, size: int) -> str:
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(size))


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """Output far over a pipe's buffer (64 KiB) from every command that reads it."""
    path = tmp_path_factory.mktemp("pipe") / "c.db"
    rng = random.Random(16)
    reports = [
        {
            "url": f"http://127.0.0.1/r{n}.html",
            "title": f"机关{n}政府信息公开工作年度报告",
            "text": f"政府信息公开{n}\n" + "\n".join(chinese(rng, 200) for _ in range(10)),
            "report_year": 2015 + n % 9,
            "body": f"机关{n}",
            "level": "县",
            "checks": [{"rule": "table3_balance", "where": "total", "status": "fail", "left": n, "right": 0}],
        }
        for n in range(300)
    ]
    reports[0]["text"] += "\n" + chinese(rng, 100_000)
    database = corpus.open_db(path)
    dedupe.store_reports(database, [stored(**report) for report in reports])
    run_id = corpus.start_run(database, ["http://127.0.0.1/"], {})
    corpus.finish_run(database, run_id, "finished", {"x": 1}, [f"error {n}" for n in range(5000)])
    database.close()
    return path


PIPED = [
    ["export"],
    ["export", "--format", "csv"],
    ["search", "政府信息公开", "--limit", "300"],
    ["search", "政府信息公开", "--limit", "300", "--format", "json"],
    ["coverage", "--format", "csv"],
    ["checks"],
    ["runs", "--format", "json"],
    ["show", "http://127.0.0.1/r0.html"],
    ["--help"],
]


@pytest.mark.parametrize("args", PIPED, ids=[" ".join(args[:3]) for args in PIPED])
def test_a_closed_pipe_ends_quietly(big_corpus, args):
    db = [] if args == ["--help"] else ["--db", str(big_corpus)]
    command = " ".join(map(_quote, [*CLI, *args, *db]))
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | head -1"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    # no "Broken pipe", no traceback (a count line, when all was written before the reader left)
    assert "pipe" not in done.stderr.lower() and "error" not in done.stderr.lower(), done.stderr
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr


def test_extract_into_a_closed_pipe_ends_quietly(tmp_path):
    page = tmp_path / "p.html"
    text = chinese(random.Random(7), 200_000)
    page.write_text(f"<html><head><title>年度报告</title></head><body><p>{text}</p></body></html>", "utf-8")
    command = " ".join(map(_quote, [*CLI, "extract", str(page), "--format", "text"]))
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -c 10"], capture_output=True)
    assert done.returncode == 0 and done.stderr == b""


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


def _read_all(fd: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other end of the pty is closed
            return
        if not chunk:
            return
        into.extend(chunk)


def _run_on_pty(args: list[str], *, pty_for: str, timeout: float = 300) -> tuple[int, bytes, bytes]:
    """Run with stdout or stderr on a terminal; (status, what the terminal showed, the other stream)."""
    master, slave = pty.openpty()
    shown = bytearray()
    reader = threading.Thread(target=_read_all, args=(master, shown), daemon=True)
    reader.start()
    streams = {"stdout": slave, "stderr": subprocess.PIPE} if pty_for == "stdout" else {}
    streams = streams or {"stdout": subprocess.PIPE, "stderr": slave}
    process = subprocess.Popen([*CLI, *args], **streams)  # type: ignore[call-overload]
    os.close(slave)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        process.kill()
    reader.join(timeout=10)
    os.close(master)
    return process.returncode, bytes(shown), out if out is not None else err


@pytest.mark.parametrize("output_format", ["parquet", "warc"])
def test_binary_formats_refuse_a_terminal(big_corpus, output_format):
    status, shown, stderr = _run_on_pty(
        ["export", "--format", output_format, "--db", str(big_corpus)], pty_for="stdout", timeout=120
    )
    assert status == 1
    assert shown == b""
    assert stderr.decode().splitlines() == [
        f"error: --format {output_format} is binary: write it with -o FILE or redirect stdout (> FILE)"
    ]
    piped = subprocess.run(
        [*CLI, "export", "--format", "parquet", "--db", str(big_corpus)], capture_output=True
    )
    assert piped.returncode == 0 and piped.stdout.startswith(b"PAR1")


TINY_BUDGET = ["-s", "GOVREPORTS_MAX_PAGES_PER_SITE=6", "--render", "never"]
PLAIN_PROGRESS = ["-s", "GOVREPORTS_PROGRESS_INTERVAL=0.2"]


def test_a_budget_cut_crawl_on_a_terminal_redraws_its_progress(tmp_path, demo_server):
    db_path = tmp_path / "c.db"
    # at least 3 s of crawling (6 pages, 0.5 s apart): the line is redrawn every 0.5 s, and a crawl done
    # within a second on a fast machine drew it only twice
    slow = ["-s", "DOWNLOAD_DELAY=0.5", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False"]
    status, shown, stdout = _run_on_pty(
        ["crawl", demo_server.url("/"), "--db", str(db_path), *TINY_BUDGET, *slow], pty_for="stderr"
    )
    text = shown.decode().replace("\r\n", "\n")  # the terminal shows a newline as \r\n
    assert status == 0, text
    redraws = text.split("\r")
    assert len(redraws) >= 4, text  # drawn, redrawn in place, and the last count kept
    assert redraws[0] == ""
    assert all(PROGRESS.match(part) and part.endswith("\x1b[K") for part in redraws[1:-1]), redraws
    assert PROGRESS.match(redraws[-1]) and redraws[-1].endswith("\x1b[K\n")  # kept, on its own line
    assert "finish: budget_exhausted" in stdout.decode()


def test_a_budget_cut_crawl_says_which_budget_where_and_how_often(tmp_path, demo_server):
    db_path = tmp_path / "c.db"
    host = demo_server.url("/").split("/")[2]
    done = subprocess.run(
        [*CLI, "crawl", demo_server.url("/"), "--db", str(db_path), *TINY_BUDGET, *PLAIN_PROGRESS],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr  # cut short, but what it found is stored
    progress = [line for line in done.stderr.splitlines() if line.startswith("progress: ")]
    assert progress and all(PROGRESS.match("crawling: " + line[10:]) for line in progress)
    assert "\r" not in done.stderr  # plain lines in a log, never redrawn
    assert "finish: budget_exhausted" in done.stdout and "finish: finished" not in done.stdout
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("budget: pages per site")]
    hits = int(re.search(r"hit (\d+) times on (\S+):", line).group(1))  # type: ignore[union-attr]
    assert f"(GOVREPORTS_MAX_PAGES_PER_SITE) hit {hits} times on {host}:" in line and hits > 0
    database = corpus.open_db(db_path, create=False)
    (run,) = [queries.decode_run(row) for row in queries.list_runs(database)]
    database.close()
    assert run["status"] == "budget_exhausted"
    assert run["counts"][f"govreports/budget/pages_per_site/{host}"] == hits
    assert run["counts"]["govreports/budget/pages_per_site"] == hits
    runs = subprocess.run([*CLI, "runs", "--db", str(db_path)], capture_output=True, text=True)
    assert "budget_exhausted" in runs.stdout.splitlines()[1]
    as_json = json.loads(
        subprocess.run(
            [*CLI, "runs", "--format", "json", "--db", str(db_path)], capture_output=True, text=True
        ).stdout
    )
    assert as_json[0]["status"] == "budget_exhausted"


def test_crawl_help_says_how_a_cut_short_crawl_ends():
    done = subprocess.run([*CLI, "crawl", "--help"], capture_output=True, text=True)
    assert "budget_exhausted" in done.stdout and "exits 0" in done.stdout
