"""Dedupe: which stored report a fetched page is a copy of, and storing it so. A report is one body's one
year; its copies — the page on the county and on the city portal, a spam mirror in traditional script, its
图片版/超链版/PDF versions — become one report with several sources. URLs are compared in one canonical
spelling; :func:`same_report` and :func:`find_match` decide over small records, and :func:`store_reports`
and :func:`write_batch` fetch the candidates and apply the decision in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlite_utils

from crawler.corpus import lsh
from crawler.corpus.db import Row, select_rows, storable_files, write_row
from crawler.corpus.rows import file_row, findings_json, report_row
from crawler.corpus.schema import utcnow
from crawler.extract import pagekind
from crawler.extract.fingerprint import NEAR_DUPLICATE, signature_similarity, title_key
from crawler.extract.normalise import normalise_text
from crawler.extract.patterns import GOV_HOST
from crawler.extract.record import Report, ReportFile, Stored

# --- one spelling per URL ------------------------------------------------------------------------------
# Query parameters that track visitors and never change the page.
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|spm|from|share_token|timestamp|_t|t|v|random)$", re.IGNORECASE)
_DIRECTORY_INDEX = re.compile(r"/index\.(s?html?|jsp|php|aspx?)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, fragment, tracking
    parameters or trailing ``index.html``; remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    path = _DIRECTORY_INDEX.sub("/", parts.path or "/")
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMETERS.match(k)
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> int:
    """A 64-bit key of the canonical URL, for run-long seen-sets: ~32 bytes a URL instead of the URL's
    100+ (a collision, about one in 10^9 at 10^5 URLs, would skip one page)."""
    digest = hashlib.blake2b(canonical_url(url).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


# --- identity: is a copy the same report? ---------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """What identity needs to know of one copy of a report (stored or just fetched)."""

    url: str
    report_year: int | None
    body: str | None
    title_key: str
    content_hash: str | None
    signature: bytes | None
    kind: str = "html"
    scanned: bool = False
    compromised: bool = False
    is_gov: bool = False

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    def rank(self) -> tuple[bool, bool, bool, bool]:
        """Which copy is the canonical one: official gov.cn first, then a web page over a file, text over
        a scan, a clean page over a compromised one. A non-gov copy never outranks a gov one."""
        return (self.is_gov, self.kind == "html", not self.scanned, not self.compromised)


@dataclass(frozen=True)
class Match:
    """``report_url`` is the stored report the copy belongs to; ``promote`` when the copy outranks it."""

    report_url: str
    reason: str
    promote: bool


def is_official_host(host: str, extra_hosts: frozenset[str] = frozenset()) -> bool:
    """A government host: under ``gov.cn`` (or its IPv6 proxies), or one the settings declare official
    (``GOVREPORTS_OFFICIAL_HOSTS``: how a test on 127.0.0.1 plays the official portal)."""
    host = host.lower()
    return bool(GOV_HOST.search(host)) or host in extra_hosts


def _same_body(first: str | None, second: str | None) -> bool:
    if not first or not second:
        return True
    return normalise_text(first) == normalise_text(second)


def same_report(new: Copy, stored: Copy) -> str | None:
    """Why ``new`` is a copy of ``stored`` (``exact``, ``near``, ``version``), or None.

    Different years are never one report, however alike the texts (the templates repeat every year).
    """
    if new.report_year is None or new.report_year != stored.report_year:
        return None
    if not _same_body(new.body, stored.body):
        return None
    if new.content_hash and new.content_hash == stored.content_hash:
        return "exact"
    comparable = new.signature and stored.signature and not (new.scanned or stored.scanned)
    if comparable and signature_similarity(new.signature or b"", stored.signature or b"") >= NEAR_DUPLICATE:
        return "near"
    same_site = new.host == stored.host or pagekind.same_body_host(new.url, stored.url)
    if new.title_key and new.title_key == stored.title_key and same_site:
        return "version"
    return None


def find_match(new: Copy, candidates: list[Copy]) -> Match | None:
    """The stored report ``new`` is a copy of, if any (exact before near before version)."""
    order = {"exact": 0, "near": 1, "version": 2}
    found = [(reason, stored) for stored in candidates if (reason := same_report(new, stored))]
    if not found:
        return None
    reason, stored = min(found, key=lambda pair: order[pair[0]])
    return Match(stored.url, reason, promote=new.rank() > stored.rank())


# --- storing reports: one report, several sources --------------------------------------------------------


def _stored_copy(row: Mapping[str, Any]) -> Copy:
    return Copy(
        url=row["url"],
        report_year=row["report_year"],
        body=row["body"],
        title_key=row["title_key"] or "",
        content_hash=row["content_hash"],
        signature=row["signature"],
        kind=row["kind"] or "html",
        scanned=bool(row["scanned"]),
        compromised=bool(row["compromised"]),
        is_gov=bool(row["is_gov"]),
    )


def _candidates(db: sqlite_utils.Database, new: Copy) -> list[Copy]:
    """Stored reports of the same year that share the exact text, a title key or an LSH band. Each of
    the three is an index lookup: one ``OR`` over them made SQLite scan every report of the year (their
    long rows included), a cost that grew with the corpus (~20 ms a report at 10,000 reports). A band
    gives at most :data:`crawler.corpus.lsh.BAND_CANDIDATES` reports, kept to the year and the body by
    the LSH index's own rows before any report row is read (:func:`crawler.corpus.lsh.candidates`):
    only a report of the same year and body can be a copy (:func:`same_report`)."""
    band_ids = (
        lsh.candidates(db, new.signature, new.report_year, new.body) if new.report_year is not None else []
    )
    sql = """
        with matches(url) as (
            select url from reports where content_hash = ?
            union select report_url from fingerprints where title_key = ?
            union select url from reports where rowid in (select value from json_each(?))
        )
        select r.url, r.report_year, r.body, f.title_key, r.content_hash, f.signature, r.kind, r.scanned,
               r.compromised, coalesce(s.is_gov, 0) as is_gov
        from matches m
        cross join reports r on r.url = m.url
        left join fingerprints f on f.report_url = r.url
        left join sources s on s.url = r.url
        where r.report_year = ? and r.url != ?
        order by r.rowid
    """
    params: list[Any] = [
        new.content_hash or "",
        new.title_key or "\x00",
        json.dumps(band_ids),
        new.report_year,
        new.url,
    ]
    return [_stored_copy(row) for row in select_rows(db, sql, params)]


def _save_fingerprint(db: sqlite_utils.Database, copy: Copy) -> None:
    """The report's fingerprint row and its LSH bands (its ``reports`` row is written)."""
    write_row(
        db,
        "fingerprints",
        {
            "report_url": copy.url,
            "signature": copy.signature,
            "title_key": copy.title_key,
            "report_year": copy.report_year,
            "body": copy.body,
        },
        pk="report_url",
    )
    (report_id,) = db.execute("select rowid from reports where url = ?", [copy.url]).fetchone()
    lsh.save(db, report_id, copy.signature, copy.report_year, copy.body)


def _save_source(
    db: sqlite_utils.Database, copy: Copy, report_url: str, report: Report, run_id: int | None
) -> None:
    now = utcnow()
    known = db.execute("select first_seen_at from sources where url = ?", [copy.url]).fetchone()
    write_row(
        db,
        "sources",
        {
            "url": copy.url,
            "report_url": report_url,
            "host": copy.host,
            "is_gov": copy.is_gov,
            "is_canonical": copy.url == report_url,
            "compromised": copy.compromised,
            "spam": findings_json(report.spam),
            "title": report.title,
            "first_seen_at": known[0] if known else now,
            "last_seen_at": now,
            "run_id": run_id,
        },
        pk="url",
    )


def _save_file_source(
    db: sqlite_utils.Database, copy: Copy, report_url: str, report: Report, run_id: int | None
) -> None:
    """A stub page's file, whose text the report took (``report_file``): a URL of the report too."""
    if report.report_file and report.sources.get("text") == "attachment":
        _save_source(db, replace(copy, url=report.report_file), report_url, report, run_id)


def _keep_version(db: sqlite_utils.Database, url: str, run_id: int | None) -> None:
    """The stored text of a report that changed, kept before it is overwritten."""
    row = db.execute("select content_hash, title, text, published_date from reports where url = ?", [url])
    content_hash, title, text, published = row.fetchone()
    write_row(
        db,
        "report_versions",
        {
            "report_url": url,
            "content_hash": content_hash,
            "title": title,
            "text": text,
            "published_date": published,
            "stored_at": utcnow(),
            "run_id": run_id,
        },
    )


def _promote(db: sqlite_utils.Database, old_url: str, new_url: str) -> None:
    """``new_url`` outranks the stored canonical copy: the report moves to it, with all it owns."""
    for owned in ("sources", "attachments", "report_versions"):
        db.execute(f"update {owned} set report_url = ? where report_url = ?", [new_url, old_url])
    db.execute("update sources set is_canonical = (url = ?) where report_url = ?", [new_url, new_url])
    (old_id,) = db.execute("select rowid from reports where url = ?", [old_url]).fetchone()
    lsh.delete(db, old_id)
    db.execute("delete from fingerprints where report_url = ?", [old_url])
    db.execute("delete from reports where url = ?", [old_url])


@dataclass
class StoreResult:
    """What one batch did, and where each copy went (``report_of``: copy URL → report URL)."""

    new: int = 0
    updated: int = 0
    versions: int = 0
    merged: int = 0
    promoted: int = 0
    report_of: dict[str, str] = field(default_factory=dict)
    # Files of the batch whose report is not stored (yet): neither they nor their captures were written.
    files_held: list[str] = field(default_factory=list)


def store_reports(
    db: sqlite_utils.Database,
    records: Iterable[Stored],
    *,
    run_id: int | None = None,
    official_hosts: frozenset[str] = frozenset(),
) -> StoreResult:
    """Store fetched reports in one transaction, each as a new report, a new version of itself, or a
    source of a report already stored (exact copy, near duplicate, 图片版/超链版 version); a copy that
    outranks the stored canonical one (the official gov.cn page over a mirror) takes its place."""
    with db.atomic():
        return _store_reports(db, records, run_id, official_hosts)


def _store_reports(
    db: sqlite_utils.Database,
    records: Iterable[Stored],
    run_id: int | None,
    official_hosts: frozenset[str],
) -> StoreResult:
    result = StoreResult()
    for record in records:
        _store_one(db, record, result, run_id, official_hosts)
    return result


def write_batch(
    db: sqlite_utils.Database,
    reports: Iterable[Stored],
    files: Iterable[ReportFile],
    pages: list[Row],
    *,
    run_id: int | None = None,
    official_hosts: frozenset[str] = frozenset(),
) -> tuple[StoreResult, int]:
    """A crawl's batch in one transaction: reports (as :func:`store_reports`), their files re-targeted
    to the report each copy joined (in this batch or an earlier one) and the raw captures. A file whose
    report is not stored (its report's item may still be on its way, in a later batch) is not written,
    nor is its capture: a capture without its file would answer the next run's request with a 304 and
    the file would never be stored. Such files are listed in the result's ``files_held``, for the
    caller to offer again. All or nothing: a failed write (disk full) leaves the corpus as it was
    before the batch. Returns the reports' result and the number of files stored."""
    with db.atomic():
        result = _store_reports(db, reports, run_id, official_hosts)
        rows = [
            file_row(replace(file, report_url=result.report_of.get(file.report_url, file.report_url)), run_id)
            for file in files
        ]
        stored_files = storable_files(db, rows)
        for row in stored_files:
            write_row(db, "attachments", row, pk="url")
        stored = {row["url"] for row in stored_files}
        result.files_held = [row["url"] for row in rows if row["url"] not in stored]
        held = set(result.files_held)
        for row in pages:
            if row["url"] not in held:
                write_row(db, "pages", row, pk="url")
    return result, len(stored_files)


def _store_one(
    db: sqlite_utils.Database,
    record: Stored,
    result: StoreResult,
    run_id: int | None,
    official_hosts: frozenset[str],
) -> None:
    report = record.report
    signature = report.signature
    copy = Copy(
        url=report.url,
        report_year=report.report_year,
        body=report.body,
        title_key=title_key(report.title),
        content_hash=report.content_hash if (report.text or "").strip() else None,
        signature=signature,
        kind=report.kind or "html",
        scanned=bool(report.scanned),
        compromised=bool(report.compromised or report.spam),
        is_gov=is_official_host(urlsplit(report.url).hostname or "", official_hosts),
    )
    now = utcnow()
    stored = db.execute(
        "select content_hash, first_seen_at from reports where url = ?", [copy.url]
    ).fetchone()
    if stored is not None:
        if stored[0] != report.content_hash:
            _keep_version(db, copy.url, run_id)
            result.versions += 1
        write_row(db, "reports", report_row(record, now, stored[1]), pk="url")
        _save_fingerprint(db, copy)
        _save_source(db, copy, copy.url, report, run_id)
        _save_file_source(db, copy, copy.url, report, run_id)
        result.updated += 1
        result.report_of[copy.url] = copy.url
        return
    owner = db.execute("select report_url from sources where url = ?", [copy.url]).fetchone()
    match = Match(owner[0], "seen", promote=False) if owner else find_match(copy, _candidates(db, copy))
    if match is None or match.promote:
        write_row(db, "reports", report_row(record, now, None), pk="url")
        _save_fingerprint(db, copy)
        if match is not None:
            _promote(db, match.report_url, copy.url)
            result.promoted += 1
        else:
            result.new += 1
        _save_source(db, copy, copy.url, report, run_id)
        _save_file_source(db, copy, copy.url, report, run_id)
        result.report_of[copy.url] = copy.url
        return
    _save_source(db, copy, match.report_url, report, run_id)
    _save_file_source(db, copy, match.report_url, report, run_id)
    result.merged += 1
    result.report_of[copy.url] = match.report_url
