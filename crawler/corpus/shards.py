"""A corpus split into SQLite files, one per province (``govreports crawl --db-per-province DIR``), read
as one: every ``*.db`` file in DIR is a shard, and the readers here take either one database or a
:class:`ShardSet` (a :data:`Source`).

- Reports come out in one order, the single file's (:data:`crawler.corpus.queries.REPORT_ORDER`): each
  shard is read in that order and the streams merged (``heapq.merge``), so an export of the shards is the
  export of one file holding the same reports, row for row.
- A search runs in every shard with the same ``limit`` and the hits are merged by their rank: the best
  ``limit`` of all shards are among the per-shard best ``limit``; only those kept get their snippet
  (a snippet costs more than the ranking). ``LIKE`` ranks (occurrence counts) mean
  the same in every shard; bm25 is computed from each shard's own statistics (how many of *its* reports
  hold a term), so two FTS hits from different shards are ordered by comparable but not identical
  scales. Counts (``showing N of M``) are summed.
- A rowid is a shard's own: a hit from shards carries its ``shard`` (the file's stem), and
  ``SHARD:ID`` names a report across shards.

Nothing here writes; the crawl side routes reports into shards (:mod:`crawler.crawl.shards`).
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus import search as searching
from crawler.corpus.db import Row
from crawler.corpus.queries import ReportFilters
from crawler.corpus.schema import CorpusError

SUFFIX = ".db"
# The crawl's run ledger in a shard directory: the runs, and the pages fetched and not stored.
LEDGER = "runs.db"


def shard_paths(directory: str | Path) -> list[Path]:
    """The shards of ``directory`` (every ``*.db`` file, by name); one clear error when there are none."""
    path = Path(directory)
    if not path.exists():
        raise CorpusError(f"no shard directory {path} (`crawl --db-per-province {path}` makes one)")
    if not path.is_dir():
        raise CorpusError(f"{path} is a file, not a directory of shards (give a --db-dir DIR)")
    found = sorted(child for child in path.glob(f"*{SUFFIX}") if child.is_file())
    if not found:
        raise CorpusError(f"{path}: no shard (*{SUFFIX} file) in it")
    return found


def prepare_directory(directory: str | Path) -> Path:
    """``directory`` made ready for shards: created when absent, and shown to be a writable directory
    (a file is written and removed there), or one :class:`CorpusError` line saying why not."""
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise CorpusError(f"{path} is a file, not a directory for shards")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as error:
        raise CorpusError(f"{path}: cannot write shards there ({error.strerror or error})") from error
    return path


# --- a set of shards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shard:
    name: str  # the file's stem: what hits and `show SHARD:ID` call it
    db: sqlite_utils.Database


class ShardSet:
    """The open shards of a directory, read together; closed with :meth:`close` (or ``with``)."""

    def __init__(self, shards: list[Shard]) -> None:
        if not shards:
            raise CorpusError("no shard to read")
        self.shards = shards

    @classmethod
    def open(cls, directory: str | Path) -> ShardSet:
        opened: list[Shard] = []
        try:
            for path in shard_paths(directory):
                opened.append(Shard(path.stem, corpus.open_db(path, create=False)))
        except BaseException:
            for shard in opened:
                shard.db.close()
            raise
        return cls(opened)

    def close(self) -> None:
        for shard in self.shards:
            shard.db.close()

    def __enter__(self) -> ShardSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def first(self) -> sqlite_utils.Database:
        """One shard's connection, for what every shard has alike (the schema's columns)."""
        return self.shards[0].db

    def named(self, name: str) -> Shard | None:
        return next((shard for shard in self.shards if shard.name == name), None)

    def tagged_reports(self, filters: ReportFilters | None = None) -> Iterator[tuple[str, Row]]:
        """(shard name, report) of every report ``filters`` keep, in the single file's order."""
        streams = [
            ((shard.name, row) for row in queries.filtered_reports(shard.db, filters))
            for shard in self.shards
        ]
        yield from heapq.merge(*streams, key=lambda tagged: report_order_key(tagged[1]))


Source = sqlite_utils.Database | ShardSet


def _sqlite_value(value: Any) -> tuple[int, Any]:
    """A value as SQLite orders it: NULL, numbers, text (as UTF-8 bytes: code points), then blobs."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


def report_order_key(row: Row) -> tuple[tuple[int, Any], ...]:
    """A report's place in :data:`crawler.corpus.queries.REPORT_ORDER` (year, published date, URL)."""
    return tuple(_sqlite_value(row.get(column.strip())) for column in queries.REPORT_ORDER.split(","))


# --- what readers ask, of one file or of shards -----------------------------------------------------------


def filtered_reports(source: Source, filters: ReportFilters | None = None) -> Iterator[Row]:
    """:func:`crawler.corpus.queries.filtered_reports` of one file, or of every shard in its order."""
    if isinstance(source, ShardSet):
        return (row for _, row in source.tagged_reports(filters))
    return queries.filtered_reports(source, filters)


def report_columns(source: Source) -> dict[str, type]:
    return queries.report_columns(source.first if isinstance(source, ShardSet) else source)


def iter_pages(source: Source, urls: Iterable[str]) -> Iterator[Row]:
    """The stored captures of ``urls`` in the order asked (:func:`crawler.corpus.queries.iter_pages`),
    each from the first shard that has it."""
    if not isinstance(source, ShardSet):
        yield from queries.iter_pages(source, urls)
        return
    wanted = list(dict.fromkeys(urls))
    for start in range(0, len(wanted), queries.PAGE_BATCH):
        batch = wanted[start : start + queries.PAGE_BATCH]
        found: dict[str, Row] = {}
        for shard in source.shards:
            for row in queries.iter_pages(shard.db, [url for url in batch if url not in found]):
                found[row["url"]] = row
        yield from (found[url] for url in batch if url in found)


def has_body(source: Source, body: str) -> bool:
    if isinstance(source, ShardSet):
        return any(queries.has_body(shard.db, body) for shard in source.shards)
    return queries.has_body(source, body)


def stored_bodies(source: Source) -> list[str]:
    if isinstance(source, ShardSet):
        return sorted({body for shard in source.shards for body in queries.stored_bodies(shard.db)})
    return queries.stored_bodies(source)


def coverage_reports(
    source: Source, filters: ReportFilters | None = None
) -> list[tuple[str | None, int | None, str, str | None, str | None]]:
    if isinstance(source, ShardSet):
        return [row for shard in source.shards for row in queries.coverage_reports(shard.db, filters)]
    return queries.coverage_reports(source, filters)


def report_by_key(source: Source, key: str) -> Row | None:
    """One report by URL or id (:func:`crawler.corpus.queries.report_by_key`); across shards an id is
    ``SHARD:ID`` (as a sharded search prints it), or a bare id that only one shard has, and the row
    says its ``shard``. A bare id several shards have is an error naming them."""
    if not isinstance(source, ShardSet):
        return queries.report_by_key(source, key)
    name, _, rowid = key.rpartition(":")
    if rowid.isdigit() and (shard := source.named(name)) is not None:
        found = queries.report_by_key(shard.db, rowid)
        return None if found is None else found | {"shard": shard.name}
    hits = [(shard.name, row) for shard in source.shards if (row := queries.report_by_key(shard.db, key))]
    by_url = [(name, row) for name, row in hits if row["url"] == key]
    if by_url or len(hits) == 1:
        name, row = (by_url or hits)[0]
        return row | {"shard": name}
    if hits:
        named = ", ".join(f"{name}:{key}" for name, _ in hits)
        raise CorpusError(f"id {key} is in {len(hits)} shards ({named}): give SHARD:ID or the URL")
    return None


# --- search across shards ---------------------------------------------------------------------------------


def search(source: Source, query: str, filters: ReportFilters, limit: int) -> searching.SearchResult:
    """:func:`crawler.corpus.search.search` of one file, or of every shard, merged by rank (each hit
    with its ``shard``): the per-shard order's own keys (rank, then URL; ``LIKE`` hits newest year
    first between equal ranks)."""
    if not isinstance(source, ShardSet):
        return searching.search(source, query, filters=filters, limit=limit)
    results = [
        (shard, searching.search(shard.db, query, filters=filters, limit=limit, snippets=False))
        for shard in source.shards
    ]
    found = [(hit, shard) for shard, result in results for hit in result.hits]
    ranked = sorted(found, key=lambda pair: _hit_order(pair[0]))[:limit]
    for shard in source.shards:  # snippets for the hits kept only: they cost more than the ranking
        searching.add_snippets(shard.db, query, [hit for hit, owner in ranked if owner is shard])
    method = next((result.method for _, result in results if result.hits), results[0][1].method)
    return replace(
        results[0][1],
        hits=[hit | {"shard": shard.name} for hit, shard in ranked],
        partial=any(result.partial for _, result in results),
        method=method,
    )


def _hit_order(hit: Row) -> tuple[Any, ...]:
    rank = float(hit["rank"])
    if hit.get("match") == "like":
        year = hit.get("report_year")
        return (rank, year is None, -(year or 0), hit["url"])
    return (rank, hit["url"])


def count_hits(source: Source, query: str, filters: ReportFilters) -> int:
    if isinstance(source, ShardSet):
        return sum(searching.count_hits(shard.db, query, filters) for shard in source.shards)
    return searching.count_hits(source, query, filters)
