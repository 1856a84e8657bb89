"""``govreports optimize``: after a big crawl, the corpus made compact and quick to read.

A crawl writes in batches, so its full-text indexes grow as many small segments, the planner has no
statistics, and deleted or rewritten rows leave free pages. :func:`optimize` merges each FTS5 index
into one segment (``'optimize'``), runs ``ANALYZE`` and writes a compacted copy with ``VACUUM INTO``
(the corpus in place is never rewritten: readers keep reading it while the copy is made).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from crawler.corpus import db as corpus
from crawler.corpus.grams import GRAMS_TABLE
from crawler.corpus.schema import CorpusError

# The FTS5 tables merged into one segment each.
FTS_TABLES = ("reports_fts", GRAMS_TABLE)


@dataclass
class OptimizeResult:
    bytes_before: int
    bytes_after: int
    seconds: float


def optimize(db_path: str | Path, output: str | Path) -> OptimizeResult:
    """Merge the FTS indexes and analyse ``db_path`` in place, then ``VACUUM INTO`` ``output`` (which
    must not exist)."""
    source, target = Path(db_path), Path(output)
    if target.exists():
        raise CorpusError(f"{target} exists: optimize writes a new file")
    if target.resolve() == source.resolve():
        raise CorpusError("the optimized copy needs a path of its own")
    begun = time.perf_counter()
    database = corpus.open_db(source, create=False)
    try:
        for name in FTS_TABLES:
            with database.atomic():
                database.execute(f"insert into {name} ({name}) values ('optimize')")
        with database.atomic():
            database.execute("analyze")
        corpus.checkpoint(database)
        before = source.stat().st_size
        database.execute("vacuum into ?", [str(target)])
    finally:
        database.close()
    return OptimizeResult(before, target.stat().st_size, time.perf_counter() - begun)
