"""One SQLite file per province (``govreports crawl --db-per-province DIR``): which shard a report goes to,
and the writer that keeps one connection and one run row per shard.

A shard is named by the first two digits of the division code (GB/T 2260, the registry's codes) and the
province's name from the shipped registry: ``33-浙江省.db``; State Council bodies go to ``central.db``,
reports of no known province to ``unknown.db``; the run ledger (every run, the pages fetched and not
stored, the captures ``reextract`` tries again) is ``runs.db``. A report's shard, in order:

1. the shard that already stores its URL (as a report or a source): a report never moves, whatever a
   later run knows of it;
2. its division code's province (the code a registry seed gave);
3. ``central`` for a State Council body (level 国务院部门, or a region under 国务院);
4. the province its region names first: a province, or a prefecture or county whose name only one
   province has (``杭州市西湖区`` → 33);
5. ``unknown``.

Identity is per body and year, and a body's reports come from one portal, so a report and its copies
land in one shard and each shard keeps a single crawl's dedupe rules. A file of a report goes where its
report is. A file of a shard whose name begins with two digits keeps its province (``33.db`` and
``33-浙江省.db`` are both 33): the name is a label, the digits the key.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, queries
from crawler.corpus.db import Row
from crawler.corpus.names import unify_township_bodies
from crawler.corpus.shards import LEDGER, SUFFIX
from crawler.crawl import registry
from crawler.extract.record import Report, ReportFile, Stored

CENTRAL = "central"
UNKNOWN = "unknown"
_PROVINCE_KEY = re.compile(r"^(\d{2})(?:-|$)")
# The store's counters a shard's own run row gives for the shard alone.
STORE_COUNTS = ("new", "updated", "versions", "merged", "promoted")


# --- routing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provinces:
    """What the registry says of provinces: code prefix → name, and place name → code prefix for the
    names only one province has (provinces, prefectures, counties)."""

    names: Mapping[str, str]
    places: Mapping[str, str]

    @classmethod
    def of(cls, portals: Iterable[registry.Portal]) -> Provinces:
        rows = [p for p in portals if p.level != registry.CENTRAL and registry.CODE.match(p.division_code)]
        names = {p.division_code[:2]: p.places[0] for p in rows if p.level == "省" and len(p.places) == 1}
        seen: dict[str, set[str]] = {}
        for portal in rows:
            for place in portal.places:
                seen.setdefault(place, set()).add(portal.division_code[:2])
        places = {place: next(iter(codes)) for place, codes in seen.items() if len(codes) == 1}
        return cls(names, places)

    def of_region(self, region: str) -> str | None:
        """The province a region (places run together, 浙江省杭州市西湖区) begins with: longest name first."""
        for length in range(min(len(region), 16), 1, -1):
            if (code := self.places.get(region[:length])) is not None:
                return code
        return None


@lru_cache(maxsize=1)
def shipped_provinces() -> Provinces:
    return Provinces.of(registry.load())


def shard_key(report: Report, provinces: Provinces | None = None) -> str:
    """The shard a report goes to by what it says of itself (steps 2–5 of the module's order)."""
    provinces = provinces or shipped_provinces()
    code = (report.division_code or "").strip()
    if registry.CODE.match(code):
        return code[:2]
    region = (report.region or "").replace(" ", "")
    if report.level == registry.CENTRAL or region.startswith("国务院"):
        return CENTRAL
    return provinces.of_region(region) or UNKNOWN


def key_of_file(path: Path) -> str:
    """The key a shard file stands for: its two leading digits, or its stem."""
    found = _PROVINCE_KEY.match(path.stem)
    return found.group(1) if found else path.stem


def file_name(key: str, provinces: Provinces | None = None) -> str:
    """``33-浙江省.db``, ``central.db``, ``unknown.db``; ``71.db`` for a code whose province is unknown."""
    name = (provinces or shipped_provinces()).names.get(key)
    return f"{key}-{name}{SUFFIX}" if name else f"{key}{SUFFIX}"


# --- writing ---------------------------------------------------------------------------------------------


@dataclass
class ShardFile:
    """An open shard: its connection, the run row this run has in it (once it wrote there), and what
    the store did there this run."""

    path: Path
    db: sqlite_utils.Database
    run_id: int | None = None
    counts: Counter[str] = field(default_factory=Counter)


class ShardedCorpus:
    """The store's writer over a shard directory. Every method runs on the store's writer thread, which
    owns the connections: one per shard (opened when the crawl starts, or when its first report comes),
    and the ledger's. Each shard writes its part of a batch in a transaction of its own."""

    def __init__(self, directory: Path, provinces: Provinces | None = None) -> None:
        self.directory = directory
        self.provinces = provinces or shipped_provinces()
        self.shards: dict[str, ShardFile] = {}
        self.ledger: sqlite_utils.Database | None = None
        self.run_id: int | None = None
        self.started_at = ""
        self.seeds: list[str] = []
        self.settings: dict[str, Any] = {}

    def open(self, seeds: list[str], settings: dict[str, Any]) -> int:
        """Open the ledger and every shard there is (closing the runs a killed crawl left ``running``)
        and start the run in the ledger; returns its id."""
        self.ledger = corpus.open_db(self.directory / LEDGER)
        corpus.mark_interrupted_runs(self.ledger)
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            if path.name != LEDGER and path.is_file() and key_of_file(path) not in self.shards:
                shard = ShardFile(path, corpus.open_db(path))
                corpus.mark_interrupted_runs(shard.db)
                self.shards[key_of_file(path)] = shard
        self.seeds, self.settings = seeds, settings
        self.run_id = corpus.start_run(self.ledger, seeds, settings)
        (self.started_at,) = self.ledger.execute(
            "select started_at from runs where id = ?", [self.run_id]
        ).fetchone()
        return self.run_id

    def _shard(self, key: str) -> ShardFile:
        """The open shard of ``key``, created when this is its first report; with this run's row."""
        shard = self.shards.get(key)
        if shard is None:
            path = self.directory / file_name(key, self.provinces)
            shard = self.shards[key] = ShardFile(path, corpus.open_db(path))
        if shard.run_id is None:
            settings = self.settings | {"ledger_run": self.run_id}
            shard.run_id = corpus.start_run(
                shard.db, self.seeds, settings, run_id=self.run_id, started_at=self.started_at
            )
        return shard

    def _stored_in(self, url: str, first: str | None = None) -> str | None:
        """The shard whose reports or sources hold ``url`` (``first`` is asked first)."""
        keys = sorted(self.shards, key=lambda key: key != first)
        sql = "select 1 from reports where url = ? union all select 1 from sources where url = ? limit 1"
        return next((key for key in keys if self.shards[key].db.execute(sql, [url, url]).fetchone()), None)

    def route(self, report: Report) -> str:
        key = shard_key(report, self.provinces)
        return self._stored_in(report.url, key) or key

    def write_batch(
        self,
        reports: list[Stored],
        files: list[ReportFile],
        pages: list[Row],
        dropped: list[dict[str, Any]],
        official_hosts: frozenset[str],
    ) -> tuple[dedupe.StoreResult, int]:
        """A batch split by shard: each shard's reports, their files and captures in one transaction there
        (:func:`crawler.corpus.dedupe.write_batch`); the pages fetched and not stored, and the captures of
        no report, in the ledger. A file whose report no shard stores yet is held (``files_held``), its
        capture with it, as one file's would be."""
        assert self.ledger is not None and self.run_id is not None
        key_of: dict[str, str] = {}
        parts: dict[str, tuple[list[Stored], list[ReportFile], list[Row]]] = {}
        for stored in reports:
            key = key_of[stored.report.url] = self.route(stored.report)
            parts.setdefault(key, ([], [], []))[0].append(stored)
        held: list[str] = []
        for file in files:
            key_found = key_of.get(file.report_url) or self._stored_in(file.report_url)
            if key_found is None:
                held.append(file.url)
                continue
            key_of[file.url] = key_found
            parts.setdefault(key_found, ([], [], []))[1].append(file)
        unheld = set(held)
        ledger_pages = []
        for page in pages:
            if (key_page := key_of.get(page["url"])) is not None:
                parts[key_page][2].append(page)
            elif page["url"] not in unheld:
                ledger_pages.append(page | {"run_id": self.run_id})
        total, stored_files = dedupe.StoreResult(files_held=held), 0
        for key, (shard_reports, shard_files, shard_pages) in parts.items():
            shard = self._shard(key)
            run_id = shard.run_id
            assert run_id is not None
            result, count = dedupe.write_batch(
                shard.db,
                [replace(stored, run_id=run_id) for stored in shard_reports],
                shard_files,
                [page | {"run_id": run_id} for page in shard_pages],
                run_id=run_id,
                official_hosts=official_hosts,
            )
            corpus.touch_run(shard.db, run_id)
            _add(total, result)
            shard.counts.update({name: getattr(result, name) for name in STORE_COUNTS})
            shard.counts["files"] += count
            stored_files += count
        with self.ledger.atomic():
            for page in ledger_pages:
                corpus.write_row(self.ledger, "pages", page, pk="url")
            corpus.record_dropped(self.ledger, self.run_id, dropped)
            corpus.touch_run(self.ledger, self.run_id)
        return total, stored_files

    def touch(self) -> None:
        """The run's heartbeat, in the ledger and every shard it wrote to."""
        assert self.ledger is not None and self.run_id is not None
        corpus.touch_run(self.ledger, self.run_id)
        for shard in self.shards.values():
            if shard.run_id is not None:
                corpus.touch_run(shard.db, shard.run_id)

    def finish(self, status: str, counts: dict[str, Any], unify: bool, **run: Any) -> None:
        """Close the run in the ledger (the whole run's counts, and each shard's stored reports) and in
        every shard it wrote to (the same, the store's counts being the shard's own)."""
        assert self.ledger is not None and self.run_id is not None
        ledger_counts = dict(counts)
        for shard in self.shards.values():
            if shard.run_id is None:
                continue
            if unify:
                unify_township_bodies(shard.db)
            own = _shard_counts(shard)
            ledger_counts[f"govreports/shard/{shard.path.stem}/stored"] = own["govreports/stored"]
            corpus.finish_run(shard.db, shard.run_id, status, counts | own, **run)
        corpus.finish_run(self.ledger, self.run_id, status, ledger_counts, **run)

    def close(self) -> None:
        for shard in self.shards.values():
            shard.db.close()
        self.shards.clear()
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None


def _shard_counts(shard: ShardFile) -> dict[str, int]:
    own = {f"govreports/store/{name}": shard.counts[name] for name in STORE_COUNTS}
    own["govreports/stored"] = shard.counts["new"] + shard.counts["updated"] + shard.counts["promoted"]
    own["govreports/stored_files"] = shard.counts["files"]
    return own


def _add(total: dedupe.StoreResult, result: dedupe.StoreResult) -> None:
    for name in STORE_COUNTS:
        setattr(total, name, getattr(total, name) + getattr(result, name))
    total.report_of.update(result.report_of)
    total.files_held += result.files_held


# --- what a run left ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShardTotal:
    """A shard after a run: its file's name, its reports, those the run stored, and reports per year."""

    name: str
    reports: int
    stored: int
    per_year: list[tuple[int | None, int]]


def shard_totals(directory: Path, run_id: int | None) -> list[ShardTotal]:
    """Every shard of ``directory`` (not the ledger) with what run ``run_id`` of its ledger stored there."""
    totals = []
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        if path.name == LEDGER or not path.is_file():
            continue
        database = corpus.open_db(path, create=False)
        try:
            sql = "select id from runs where json_extract(settings, '$.ledger_run') = ?"
            runs = [shard_run for (shard_run,) in database.execute(sql, [run_id]).fetchall()]
            stored = sum(queries.count_reports_of_run(database, shard_run) for shard_run in runs)
            reports, per_year = queries.count_reports(database), queries.reports_per_year(database)
            totals.append(ShardTotal(path.name, reports, stored, per_year))
        finally:
            database.close()
    return totals
