"""What reading a shard directory costs against one file: the fan-out of ``--db-dir``.

Copies one corpus (``--db``, e.g. ``govreports demo --db /tmp/demo.db``) ``--shards`` times into a
directory, then times, in this process, opening the corpus, searching it (the three query classes),
counting hits and reading every report (what an export reads) for the one file and for the shard
directory. Prints a table and a summary line (read by tooling). The shards are copies, so the per-shard
cost it shows is the fixed cost of asking one more file, whatever its size.
Run: ``.venv/bin/python bench/shards.py --db /tmp/demo.db --shards 34``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.corpus import db as corpus
from crawler.corpus import shards
from crawler.corpus.queries import ReportFilters

QUERIES = {"3+ chars (fts)": "政府信息公开", "2 chars (pairs)": "复议", "several terms": "依申请 公开"}


def median_ms(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="A corpus to copy into the shards.")
    parser.add_argument("--shards", type=int, default=34)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        for number in range(args.shards):
            shutil.copyfile(args.db, directory / f"{number:02d}.db")
        one, many = corpus.open_db(args.db, create=False), shards.ShardSet.open(directory)
        rows: list[tuple[str, float, float]] = [
            (
                "open",
                median_ms(lambda: corpus.open_db(args.db, create=False).close(), args.runs),
                median_ms(lambda: shards.ShardSet.open(directory).close(), max(3, args.runs // 4)),
            )
        ]
        for label, query in QUERIES.items():
            timed = [
                median_ms(
                    lambda source=source, query=query: shards.search(source, query, ReportFilters(), 20),
                    args.runs,
                )
                for source in (one, many)
            ]
            rows.append((f"search {label}, 20 hits", *timed))
        counted = [
            median_ms(lambda source=source: shards.count_hits(source, "复议", ReportFilters()), args.runs)
            for source in (one, many)
        ]
        rows.append(("count hits", *counted))
        reports = sum(1 for _ in shards.filtered_reports(one))
        read = [
            median_ms(lambda source=source: sum(1 for _ in shards.filtered_reports(source)), 5)
            for source in (one, many)
        ]
        rows.append(("read every report", *read))
        one.close()
        many.close()
    print(f"{'ms (median)':<32} {'one file':>10} {f'{args.shards} shards':>10}")
    for label, single, sharded in rows:
        print(f"{label:<32} {single:>10.1f} {sharded:>10.1f}")
    searches = [(single, sharded) for label, single, sharded in rows if label.startswith("search")]
    per_shard = statistics.mean((sharded - single) / (args.shards - 1) for single, sharded in searches)
    one_rate, shards_rate = reports / read[0] * 1000, reports * args.shards / read[1] * 1000
    print(
        f"shards={args.shards} open_ms={rows[0][2]:.1f} search_ms={max(s for _, s in searches):.1f} "
        f"per_shard_query_ms={per_shard:.2f} read_per_s_one={one_rate:.0f} "
        f"read_per_s_shards={shards_rate:.0f}"
    )


if __name__ == "__main__":
    main()
