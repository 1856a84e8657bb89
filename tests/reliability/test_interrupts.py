"""SIGINT and SIGTERM stop ``crawl`` and ``demo`` cleanly (issue #15): the batch in hand committed, the
run ``interrupted``, a resume hint, exit 130 / 143; a second run completes the corpus. A run whose process
is gone is marked ``interrupted`` with the time it was last seen.

Synchronised on events, not sleeps: the crawl is stopped while the test server holds one report page
(its handler waits on an event after saying it was reached), and ``demo`` right after it names its
portal (before its crawl can have started).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading

import pytest

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.demo import DemoServer

WAIT = 120  # seconds any step may take at most


def _command(db, *urls):
    return [sys.executable, "-m", "crawler.cli", "crawl", *urls, "--db", str(db), "--render", "never"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_crawl_stopped_by_a_signal_is_interrupted_and_resumes(tmp_path, demo_site, signum):
    held = demo_site.column_path  # the report column: every crawl of the portal reads it
    reached, release = threading.Event(), threading.Event()
    server = DemoServer(demo_site).start()

    def hold(path):
        reached.set()
        release.wait(WAIT)
        page = demo_site.lookup(held)
        assert page is not None
        return page

    server.add_route(held, hold)
    db = tmp_path / "corpus.db"
    try:
        crawl = subprocess.Popen(
            _command(db, server.url("/")), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert reached.wait(WAIT), "the crawl never reached the held page"
            crawl.send_signal(signum)
            release.set()
            out, err = crawl.communicate(timeout=WAIT)
        finally:
            release.set()
            if crawl.poll() is None:
                crawl.kill()
        assert crawl.returncode == 128 + signum, err[-3000:]
        assert "Traceback" not in err + out
        assert f"crawl interrupted ({signal.Signals(signum).name})" in err
        assert "run the same command again" in err
        with sqlite3.connect(db) as conn:
            [(status, finished)] = conn.execute("select status, finished_at from runs").fetchall()
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert status == "interrupted" and finished

        del server.routes[held]
        done = subprocess.run(_command(db, server.url("/")), capture_output=True, text=True, timeout=WAIT * 3)
        assert done.returncode == 0, done.stderr[-3000:]
        whole = tmp_path / "whole.db"  # the same crawl never interrupted
        once = subprocess.run(
            _command(whole, server.url("/")), capture_output=True, text=True, timeout=WAIT * 3
        )
        assert once.returncode == 0, once.stderr[-3000:]
    finally:
        server.stop()
    resumed, uninterrupted = _stored(db), _stored(whole)
    assert resumed == uninterrupted and len(resumed) > 10
    database = corpus.open_db(db)
    statuses = [row["status"] for row in queries.list_runs(database)]
    database.close()
    assert statuses == ["interrupted", "finished"]


def _stored(db):
    database = corpus.open_db(db)
    try:
        return {row["url"] for row in queries.iter_reports(database)}
    finally:
        database.close()


def test_demo_stopped_early_says_so_and_skips_the_manifest(tmp_path):
    demo = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "demo", "--port", "0", "--db", str(tmp_path / "d.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stderr is not None
        first = demo.stderr.readline()  # "demo portal: URL → DB", printed before the crawl starts
        assert first.startswith("demo portal: ")
        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=WAIT)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 130, err[-3000:]
    assert "demo interrupted (SIGINT): not compared with its manifest" in err
    assert "does not match its manifest" not in err + out
    assert "failed:" not in err
    assert "Traceback" not in err + out
    with sqlite3.connect(tmp_path / "d.db") as conn:
        statuses = [status for (status,) in conn.execute("select status from runs")]
    assert "running" not in statuses


def test_a_run_whose_process_is_gone_is_marked_interrupted_when_last_seen(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    run_id = corpus.start_run(database, [], {})
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    database.execute(
        "update runs set pid = ?, last_seen = '2026-01-02T03:04:05+00:00' where id = ?",
        [int(gone.stdout), run_id],
    )
    assert corpus.mark_interrupted_runs(database) == 1
    row = database.execute("select status, finished_at from runs where id = ?", [run_id]).fetchone()
    database.close()
    assert row == ("interrupted", "2026-01-02T03:04:05+00:00")


def test_a_live_run_of_another_process_is_left_running(tmp_path):
    database = corpus.open_db(tmp_path / "c.db")
    run_id = corpus.start_run(database, [], {})
    waiting = [sys.executable, "-c", "import sys; sys.stdin.read()"]
    with subprocess.Popen(waiting, stdin=subprocess.PIPE) as other:
        database.execute("update runs set pid = ? where id = ?", [other.pid, run_id])
        assert corpus.mark_interrupted_runs(database) == 0
        other.stdin.close()
    database.close()
