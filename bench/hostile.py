"""Hostile attachment files, one crawl each beside a good report (issue #15): the per-case table.

    python bench/hostile.py [CASE ...] [--all-in-one]

Each case is a real ``govreports crawl`` in its own process over a local server on 127.0.0.1 serving the
hostile file and one good report page (:mod:`crawler.demo.hostile`; bombs are built here, in memory).
The table gives the crawl's wall time, the largest extraction worker's peak resident size (the run's
``govreports/extract/worker_peak_rss_mb``), the message the run keeps for the file (``runs --show``) and
whether the good report was stored. ``--all-in-one`` adds one crawl of every file at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from crawler.demo import hostile

TIMEOUT = 20  # GOVREPORTS_EXTRACT_TIMEOUT for the bench crawls (DOWNLOAD_TIMEOUT scale)


def crawl(server: hostile.HostileServer, names: list[str], db: Path) -> tuple[float, str, int, float]:
    """Crawl the good report and ``names``; (seconds, stderr, exit code, the crawl process's peak resident
    MB — its extraction workers are measured by the pool)."""
    seeds = [server.url("/good.html"), *(server.file_url(name) for name in names)]
    command = [sys.executable, "-m", "crawler.cli", "crawl", *seeds, "--db", str(db), "--render", "never"]
    for setting in (
        "GOVREPORTS_OFFICIAL_HOSTS=127.0.0.1",
        f"GOVREPORTS_EXTRACT_TIMEOUT={TIMEOUT}",
        "GOVREPORTS_EXTRACT_MAX_MB=512",
        "GOVREPORTS_WORKERS=2",
        "DOWNLOAD_TIMEOUT=30",
        "RETRY_ENABLED=0",
    ):
        command += ["-s", setting]
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, text=True)
        hung = threading.Timer(600, process.kill)  # a crawl that never ends shows as exit -9
        hung.start()
        _, status, usage = os.wait4(process.pid, 0)
        hung.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read()
    return time.monotonic() - start, stderr, process.returncode, usage.ru_maxrss / 1024


def outcome(db: Path, url: str) -> tuple[str, float, bool, bool]:
    """(message kept for ``url``, worker peak RSS MB, good report stored, integrity ok)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute("select reason, detail from dropped where url = ?", [url]).fetchone()
        stored = conn.execute("select count(*) from reports where url like '%/good.html'").fetchone()[0]
        counts = json.loads(conn.execute("select counts from runs order by id desc").fetchone()[0])
        ok = conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        reported = conn.execute("select count(*) from reports where url = ?", [url]).fetchone()[0]
    message = f"{row[0]}: {row[1]}" if row else ("stored" if reported else "(nothing kept)")
    return message, float(counts.get("govreports/extract/worker_peak_rss_mb", 0)), bool(stored), ok


def main(argv: list[str]) -> int:
    wanted = [arg for arg in argv if not arg.startswith("--")] or [
        *(case.name for case in hostile.CASES),
        *hostile.STREAMED,
    ]
    bodies = {name: hostile.build(name) for name in wanted if name not in hostile.STREAMED}
    server = hostile.HostileServer(bodies).start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            runs = [[name] for name in wanted] + ([wanted] if "--all-in-one" in argv else [])
            for index, names in enumerate(runs):
                db = Path(folder) / f"c{index}.db"
                seconds, stderr, code, crawl_rss = crawl(server, names, db)
                for name in names:
                    message, rss, good, ok = outcome(db, server.file_url(name))
                    label = name if len(names) == 1 else f"(all) {name}"
                    clean = "Traceback" not in stderr
                    rows.append((label, seconds, rss, crawl_rss, code, clean, ok, good, message))
    finally:
        server.stop()
    print(
        f"{'case':<30} {'seconds':>7} {'worker MB':>9} {'crawl MB':>8} {'exit':>4}  "
        f"{'no traceback':<12} {'integrity':<9} {'good stored':<11} message"
    )
    for name, seconds, rss, crawl_rss, code, clean, ok, good, message in rows:
        print(
            f"{name:<30} {seconds:>7.1f} {rss:>9.0f} {crawl_rss:>8.0f} {code:>4}  "
            f"{_yes(clean):<12} {_yes(ok):<9} {_yes(good):<11} {message[:80]}"
        )
    passed = all(
        code == 0 and clean and ok and good and max(rss, crawl_rss) < 1024
        for _, _, rss, crawl_rss, code, clean, ok, good, _ in rows
    )
    print(f"cases={len(rows)} all_bounded_and_stored={'yes' if passed else 'no'}")
    return 0 if passed else 1


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
