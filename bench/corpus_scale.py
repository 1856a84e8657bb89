"""A national corpus on one machine: store, size, search, export, re-extract and merge at N reports.

Generates ``--reports`` realistic reports and stores them through the real store path
(:func:`crawler.corpus.dedupe.write_batch`: identity and near-duplicate candidates, fingerprints and LSH
bands, the trigram and pair indexes, raw captures), then measures what a national corpus costs: store
time per report in the first and last tenth, bytes per report by structure (``dbstat``), search latency
by query class, export rates, and re-extraction and merge rates on samples. Prints one table and a
summary line (read by tooling). Run: ``.venv/bin/python bench/corpus_scale.py --reports 100000``.

The reports come from the demo portal's generator (:func:`crawler.demo.reports.build_report`: the real
section structure and statistics tables of the 2008, 2019 and 2021 templates), extracted once by the
real extractor into a pool; each stored report then mixes the pool's lines of its template (a line
kept or taken from another report of the pool), names its own county (3,000 synthetic counties under
31 provinces, division codes included), redraws its figures and takes one of the pool's captures. A
share are copies: the same report on its city's portal with a few characters changed (near
duplicates) and on a mirror host (exact copies). Its MinHash signature is the minimum of its lines'
signatures (the signature of the union of their shingles: shingles across line breaks and the redrawn
figures are left out), which keeps generation cheap; everything else is what a crawl stores.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics as stats
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, export, maintenance, merge, reextract, search
from crawler.corpus import statistics as corpus_statistics
from crawler.corpus.queries import ReportFilters
from crawler.demo import reports as demo_reports
from crawler.demo.catalog import BODIES, REPORTS
from crawler.extract.dispatch import extract_item
from crawler.extract.fingerprint import comparable_text, content_hash, minhash_values, shingle_hashes
from crawler.extract.record import Fetch, Report, Stored

PROVINCES = [
    ("11", "北京"), ("12", "天津"), ("13", "河北"), ("14", "山西"), ("15", "内蒙古"), ("21", "辽宁"),
    ("22", "吉林"), ("23", "黑龙江"), ("31", "上海"), ("32", "江苏"), ("33", "浙江"), ("34", "安徽"),
    ("35", "福建"), ("36", "江西"), ("37", "山东"), ("41", "河南"), ("42", "湖北"), ("43", "湖南"),
    ("44", "广东"), ("45", "广西"), ("46", "海南"), ("50", "重庆"), ("51", "四川"), ("52", "贵州"),
    ("53", "云南"), ("54", "西藏"), ("61", "陕西"), ("62", "甘肃"), ("63", "青海"), ("64", "宁夏"),
    ("65", "新疆"),
]  # fmt: skip
PLACE_CHARS = (
    "安宁平和泰丰永德兴华阳江河山川林溪石桥城新东南西北中长青云白金龙凤鹤松柏梅兰竹清明秀水源泉湖海岭峰"
)
TOWN_SUFFIX = ("镇", "乡", "街道")
POOL_CHUNKS = 4
DIGITS = re.compile(r"\d+")
CONTENT_TYPE = "text/html; charset=utf-8"
FETCHED_AT = "2025-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class County:
    code: str  # six-digit division code
    province: str
    name: str  # e.g. 安宁县
    host: str


@dataclass
class PoolReport:
    template: str
    body_key: str
    year: int
    lines: list[str]
    line_hashes: list[Any]  # MinHash values (uint32) of each line
    record: Report
    capture: bytes  # zlib
    size: int


def make_counties(rng: random.Random, count: int) -> list[County]:
    names: set[str] = set()
    counties = []
    while len(counties) < count:
        code, province = rng.choice(PROVINCES)
        stem = "".join(rng.sample(PLACE_CHARS, 2))
        name = stem + rng.choice(("县", "县", "区", "市"))
        if name in names:
            continue
        names.add(name)
        division = f"{code}{rng.randint(1, 20):02d}{rng.randint(1, 40):02d}"
        counties.append(County(division, province, name, f"www.d{division}x{len(counties)}.gov.cn"))
    return counties


def line_minhash(line: str) -> Any:
    return minhash_values(shingle_hashes(comparable_text(line) or " "))


def build_pool(rng: random.Random, size: int) -> list[PoolReport]:
    """Reports of every template, body and year the demo generator makes, extracted by the real
    extractor (text, statistics tables, checks, metadata) and compressed as the crawl stores them."""
    pool = []
    bodies = list(BODIES)
    for serial in range(size):
        year = 2009 + serial % 16
        key = bodies[serial % len(bodies)]
        body = BODIES[key]
        spec = replace(
            rng.choice(REPORTS),
            body=key,
            year=year,
            spam=None,
            title=f"{body.name}{year}年政府信息公开工作年度报告",
            indicator_table=rng.random() < 0.6,
            carry_break=0,
        )
        built = demo_reports.build_report(spec, rng, None, 37 + serial)
        page = demo_reports.render_page(built, serial)
        url = f"http://www.example.gov.cn/zwgk/xxgknb/{serial}.html"
        fetch = Fetch(url, content_type=page.content_type, anchor_text=spec.title)
        outcome = extract_item(page.body, fetch)
        if outcome.report is None or not outcome.report.text:
            continue
        record = outcome.report
        lines = [line for line in record.text.split("\n") if line.strip()]
        pool.append(
            PoolReport(
                spec.template,
                key,
                year,
                lines,
                [line_minhash(line) for line in lines],
                record,
                zlib.compress(page.body, 6),
                len(page.body),
            )
        )
    return pool


class Generator:
    """Reports mixed from the pool: each its own county, body, year, lines and figures."""

    def __init__(self, rng: random.Random, pool: list[PoolReport], counties: list[County]) -> None:
        self.rng = rng
        self.pool = pool
        self.counties = counties
        self.by_template: dict[str, list[PoolReport]] = {}
        for item in pool:
            self.by_template.setdefault(item.template, []).append(item)
        self.serial = 0
        self.recent: list[Report] = []

    def _localise(self, text: str, county: County, town: str) -> str:
        stem = county.name[:-1]
        return text.replace("青岚县", county.name).replace("青岚", stem).replace("石门镇", town)

    def report(self) -> tuple[Stored, dict[str, Any]]:
        """A new report (record, capture row), or now and then a copy of a recent one."""
        roll = self.rng.random()
        if self.recent and roll < 0.07:
            original = self.rng.choice(self.recent)
            return self._copy(original, near=roll < 0.04)
        self.serial += 1
        base = self.rng.choice(self.pool)
        donors = self.by_template[base.template]
        lines, hashes = [], []
        for index, line in enumerate(base.lines):
            donor = self.rng.choice(donors)
            if index < len(donor.lines) and self.rng.random() < 0.5:
                line, value = donor.lines[index], donor.line_hashes[index]
            else:
                value = base.line_hashes[index]
            lines.append(line)
            hashes.append(value)
        county = self.counties[self.serial % len(self.counties)]
        town = "".join(self.rng.sample(PLACE_CHARS, 2)) + self.rng.choice(TOWN_SUFFIX)
        year = base.year + self.rng.choice((0, 0, 1, -1)) if 2009 < base.year < 2024 else base.year
        text = self._localise("\n".join(lines), county, town)
        text = DIGITS.sub(lambda m: str(self.rng.randint(0, 10 ** len(m.group(0)) - 1)), text)
        text = text.replace(str(base.year), str(year))
        body = self._localise(BODIES[base.body_key].name, county, town)
        url = f"http://{county.host}/zwgk/xxgknb/{year}/t{self.serial}.html"
        signature = np.minimum.reduce(hashes).astype("<u8").tobytes()
        record = replace(
            base.record,
            url=url,
            title=f"{body}{year}年政府信息公开工作年度报告",
            text=text,
            text_normalised=text,
            report_year=year,
            body=body,
            region=f"{county.province}省{county.name}",
            division_code=county.code,
            published_date=f"{year + 1}-0{self.rng.randint(1, 3)}-{self.rng.randint(10, 28)}",
            content_hash=content_hash(text),
            signature=signature,
        )
        self.recent = [*self.recent, record][-500:]
        return self._stored(record), self._capture(url, base)

    def _stored(self, record: Report) -> Stored:
        fetch = Fetch(record.url, content_type=CONTENT_TYPE, fetched_at=FETCHED_AT)
        return Stored(record, fetch)

    def _copy(self, original: Report, near: bool) -> tuple[Stored, dict[str, Any]]:
        self.serial += 1
        text = original.text
        if near:  # the city's portal: re-typed, a few characters differ
            at = self.rng.randrange(len(text))
            text = text[:at] + "，" + text[at + 1 :]
            host = "www.city" + (original.division_code or "")[:4] + ".gov.cn"
        else:  # a mirror: the same text on a site that is not a government one
            host = f"mirror{self.serial % 97}.example.com"
        url = f"http://{host}/html/{self.serial}.html"
        record = replace(original, url=url, text=text, text_normalised=text, content_hash=content_hash(text))
        return self._stored(record), self._capture(url, self.pool[self.serial % len(self.pool)])

    def _capture(self, url: str, item: PoolReport) -> dict[str, Any]:
        return {
            "url": url,
            "status": 200,
            "headers": json.dumps({"Content-Type": CONTENT_TYPE}),
            "body": item.capture,
            "compression": "zlib",
            "size": item.size,
            "sha256": None,
            "content_type": CONTENT_TYPE,
            "etag": None,
            "last_modified": None,
            "fetched_at": FETCHED_AT,
            "run_id": None,
        }

    def batches(self, count: int, size: int) -> Iterator[tuple[list[Stored], list[dict[str, Any]]]]:
        made = 0
        while made < count:
            take = min(size, count - made)
            pairs = [self.report() for _ in range(take)]
            made += take
            yield [record for record, _ in pairs], [capture for _, capture in pairs]


# --- measuring ------------------------------------------------------------------------------------------


def written_bytes() -> int | None:
    """Bytes this process has sent to storage so far, counted when pages are dirtied (Linux
    ``/proc/self/io``); None where the kernel does not say."""
    try:
        with open("/proc/self/io", encoding="ascii") as io:
            return next(int(line.split()[1]) for line in io if line.startswith("write_bytes:"))
    except (OSError, StopIteration, ValueError):
        return None


@dataclass
class StoreRun:
    """Per batch: wall and CPU seconds per report and bytes written to disk per report (the WAL and
    the checkpoints into the file); reports stored; seconds spent generating. (CPU time and bytes
    written: this machine's two cores and its disk are shared, and wall time per batch varies
    several-fold with the load of other processes.)"""

    per_report: list[float]
    cpu_per_report: list[float]
    written_per_report: list[float]
    written_total: int
    stored: int
    generating: float


def store(db_path: Path, generator: Generator, count: int, batch: int) -> StoreRun:
    """Store ``count`` reports in batches of ``batch`` through :func:`dedupe.write_batch`."""
    database = corpus.open_db(db_path)
    per_report, cpu_per_report, written_per_report = [], [], []
    written_total = 0
    generating = 0.0
    started = time.perf_counter()
    for records, captures in generator.batches(count, batch):
        begun, cpu, written = time.perf_counter(), time.process_time(), written_bytes()
        dedupe.write_batch(database, records, [], captures)
        per_report.append((time.perf_counter() - begun) / len(records))
        cpu_per_report.append((time.process_time() - cpu) / len(records))
        if written is not None and (after := written_bytes()) is not None:
            written_per_report.append((after - written) / len(records))
            written_total += after - written
        generating += begun - started
        started = time.perf_counter()
        done = len(per_report) * batch
        if len(per_report) % max(1, count // batch // 20) == 0:
            wrote = f", {written_per_report[-1] / 1024:.0f} KB written/report" if written_per_report else ""
            print(
                f"  stored {min(done, count):>8,} ({per_report[-1] * 1000:.2f} ms/report{wrote})",
                file=sys.stderr,
                flush=True,
            )
    corpus.checkpoint(database)
    stored = int(database.execute("select count(*) from reports").fetchone()[0])
    database.close()
    return StoreRun(per_report, cpu_per_report, written_per_report, written_total, stored, generating)


STRUCTURES: list[tuple[str, Callable[[str], bool]]] = [
    ("text", lambda name: name == "reports" or name.startswith(("idx_reports", "sqlite_autoindex_reports"))),
    ("fts_trigram", lambda name: name.startswith("reports_fts")),
    ("fts_pairs", lambda name: name.startswith("reports_grams")),
    ("captures", lambda name: name == "pages" or "pages" in name),
    ("lsh", lambda name: name.startswith(("lsh", "idx_lsh")) or "fingerprints" in name),
]


def sizes(db_path: Path) -> tuple[dict[str, int], int, str]:
    database = corpus.open_db(db_path)
    try:
        rows = database.execute("select name, sum(pgsize) from dbstat group by name").fetchall()
        how = "dbstat"
    except Exception:  # dbstat not compiled in: count pages per b-tree instead
        rows = []
        how = "unavailable"
    by = {label: 0 for label, _ in STRUCTURES} | {"other": 0}
    for name, size in rows:
        label = next((label for label, test in STRUCTURES if test(name)), "other")
        by[label] += int(size)
    database.close()
    return by, db_path.stat().st_size, how


def query_set(counties: list[County]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    rare2 = [county.name[:2] for county in counties[1:4]]
    rare3 = [county.name for county in counties[5:7]]
    filters: list[dict[str, Any]] = [{}, {"year": 2021}, {"level": "部门"}, {"body": "安宁县教育局"}]
    classes = {
        "1-char": ["县", "复", "鹤"],
        "2-char": ["复议", "诉讼", "收费", "信息", "申请", *rare2],
        "3-char": ["依申请", "规范性", "教育局", *rare3],
        "4-char": ["政府信息", "行政复议", "主动公开", "减免收费", rare3[0] + "教"],
        "phrase": ["行政复议 行政诉讼", "政府信息 公开", "收费 减免", "複議 訴訟"],
    }
    return {name: [(query, f) for query in queries for f in filters] for name, queries in classes.items()}


def search_latency(db_path: Path, counties: list[County], repeat: int) -> dict[str, tuple[float, float, int]]:
    database = corpus.open_db(db_path)
    found: dict[str, tuple[float, float, int]] = {}
    for name, cases in query_set(counties).items():
        times = []
        partial = 0
        for query, filters in cases:
            for _ in range(repeat):
                begun = time.perf_counter()
                result = search.search(database, query, ReportFilters(**filters))
                times.append((time.perf_counter() - begun) * 1000)
            partial += result.partial
        found[name] = (stats.median(times), percentile(times, 95), partial)
    database.close()
    return found


def percentile(values: list[float], share: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share / 100 * (len(ordered) - 1)))]


def export_rates(db_path: Path, out_dir: Path, year: int) -> dict[str, float]:
    """Reports per second written by each export format, over one year's reports (``--year``: the
    filter the CLI offers, and a sixteenth of the corpus, which keeps the run short)."""
    database = corpus.open_db(db_path)
    filters = ReportFilters(year=year)
    rates = {}
    for name in ("jsonl", "parquet", "stats"):
        target = out_dir / f"export.{name}"
        begun = time.perf_counter()
        if name == "jsonl":
            with target.open("w", encoding="utf-8") as out:
                count = export.write_jsonl(database, out, filters)
        elif name == "parquet":
            count = export.write_parquet(database, target, filters)
        else:
            reports = int(
                database.execute("select count(*) from reports where report_year = ?", [year]).fetchone()[0]
            )
            with target.open("w", encoding="utf-8") as text_out:
                corpus_statistics.write_statistics(database, text_out, filters)
            count = reports
        rates[name] = count / (time.perf_counter() - begun)
        target.unlink()
    database.close()
    return rates


def sample_rates(generator: Generator, out_dir: Path, sample: int) -> tuple[float, float]:
    """Re-extraction and merge rates (reports/s) on shards of ``sample`` reports."""
    shards = []
    for index in range(2):
        path = out_dir / f"shard{index}.db"
        store(path, generator, sample, 100)
        shards.append(path)
    database = corpus.open_db(shards[0])
    begun = time.perf_counter()
    reextract.reextract_corpus(database)
    reextract_rate = sample / (time.perf_counter() - begun)
    database.close()
    begun = time.perf_counter()
    merged = merge.merge_shards(shards, out_dir / "merged.db")
    merge_rate = merged.reports_read / (time.perf_counter() - begun)
    return reextract_rate, merge_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500, help="reports per write_batch (the crawl's batch)")
    parser.add_argument("--pool", type=int, default=336, help="demo reports extracted for the pool")
    parser.add_argument("--sample", type=int, default=400, help="reports per shard for reextract and merge")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each search")
    parser.add_argument("--dir", default=None, help="where the databases go (a temporary directory)")
    parser.add_argument("--optimize", action="store_true", help="time `govreports optimize` too")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--keep", default=None, help="also copy the corpus here (to look at it after)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        out_dir = Path(tmp)
        begun = time.perf_counter()
        pool = build_pool(rng, args.pool)
        counties = make_counties(rng, 3000)
        generator = Generator(rng, pool, counties)
        pool_seconds = time.perf_counter() - begun
        db_path = out_dir / "corpus.db"
        begun = time.perf_counter()
        run = store(db_path, generator, args.reports, args.batch)
        per_report, cpu_per_report, written = run.per_report, run.cpu_per_report, run.written_per_report
        store_seconds = time.perf_counter() - begun - run.generating
        tenth = max(1, len(per_report) // 10)
        first, last = stats.mean(per_report[:tenth]) * 1000, stats.mean(per_report[-tenth:]) * 1000
        cpu_first = stats.mean(cpu_per_report[:tenth]) * 1000
        cpu_last = stats.mean(cpu_per_report[-tenth:]) * 1000
        by, file_bytes, how = sizes(db_path)
        latency = search_latency(db_path, counties, args.repeat)
        if args.keep:
            database = corpus.open_db(db_path)
            database.execute("vacuum into ?", [args.keep])
            database.close()
        rates = export_rates(db_path, out_dir, 2021)
        optimize_seconds = None
        if args.optimize:
            begun = time.perf_counter()
            maintenance.optimize(db_path, out_dir / "optimized.db")
            optimize_seconds = time.perf_counter() - begun
            (out_dir / "optimized.db").unlink()
        reextract_rate, merge_rate = sample_rates(Generator(rng, pool, counties), out_dir, args.sample)

    print(
        f"reports generated {args.reports:,} (stored as {run.stored:,} reports; the rest copies), "
        f"pool of {len(pool)}"
    )
    print(f"{'measure':<34} {'value':>14}")
    rows: list[tuple[str, str]] = [
        ("pool build (s)", f"{pool_seconds:.1f}"),
        ("generation (s)", f"{run.generating:.1f}"),
        ("store total (s)", f"{store_seconds:.1f}"),
        ("store ms/report, first tenth", f"{first:.2f}"),
        ("store ms/report, last tenth", f"{last:.2f}"),
        ("store wall growth (last/first)", f"{last / first:.2f}"),
        ("store CPU ms/report, first tenth", f"{cpu_first:.2f}"),
        ("store CPU ms/report, last tenth", f"{cpu_last:.2f}"),
        ("store CPU growth (last/first)", f"{cpu_last / cpu_first:.2f}"),
    ]
    if written:  # what the store sent to disk (WAL and checkpoints), against what the file keeps
        part = max(1, len(written) // 10)
        rows += [
            ("disk written KB/report, first tenth", f"{stats.mean(written[:part]) / 1024:,.0f}"),
            ("disk written KB/report, last tenth", f"{stats.mean(written[-part:]) / 1024:,.0f}"),
            ("disk written, store total (GB)", f"{run.written_total / 1e9:,.1f}"),
        ]
    rows += [
        ("file bytes/report", f"{file_bytes / args.reports:,.0f}"),
    ]
    rows += [(f"  {label} bytes/report ({how})", f"{size / args.reports:,.0f}") for label, size in by.items()]
    for name, (p50, p95, partial) in latency.items():
        rows.append((f"search {name} p50 / p95 ms", f"{p50:.1f} / {p95:.1f}"))
        rows.append((f"  {name} queries ranked partially", f"{partial}"))
    rows += [(f"export {name} reports/s (2021)", f"{rate:,.0f}") for name, rate in rates.items()]
    if optimize_seconds is not None:
        rows.append(("optimize (s)", f"{optimize_seconds:.1f}"))
    rows += [("reextract reports/s", f"{reextract_rate:.1f}"), ("merge reports/s", f"{merge_rate:.1f}")]
    for label, value in rows:
        print(f"{label:<34} {value:>14}")
    print(
        f"reports={args.reports} store_growth={cpu_last / cpu_first:.2f} "
        f"search2_p95_ms={latency['2-char'][1]:.1f} "
        f"search4_p95_ms={latency['4-char'][1]:.1f} bytes_per_report={file_bytes / args.reports:.0f} "
        f"reextract_per_s={reextract_rate:.1f}"
    )


if __name__ == "__main__":
    main()
