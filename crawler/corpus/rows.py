"""The records of :mod:`crawler.extract.record` as corpus rows (dicts for sqlite-utils), and back.

:func:`report_row` is the one place a ``reports`` row is made; :func:`file_row` and :func:`page_row` make
the ``attachments`` and ``pages`` rows. :func:`stored_of_row` (:func:`report_of_row`,
:func:`fetch_of_row`) reads a stored report back as the records it was made from, for ``export``,
``merge`` and ``reextract``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from crawler.corpus.db import Row
from crawler.corpus.schema import JSON_COLUMNS
from crawler.extract.provenance import SEED
from crawler.extract.record import (
    RECORD_KEYS,
    SEED_HINTS,
    Capture,
    Fetch,
    Finding,
    Report,
    ReportFile,
    Stored,
)

# The extras of a report and the fields of its fetch that ``reports`` keeps, beside the contract's keys.
REPORT_COLUMNS = (
    "encoding",
    "container",
    "kind",
    "scanned",
    "text_normalised",
    "compromised",
    "content_hash",
    "report_file",
    "division_code",
    "ocr_confidence",
)
FETCH_COLUMNS = ("content_type", "status", "seed", "referer", "anchor_text", "fetched_at", "rendered")


def spam_kinds(findings: Iterable[Finding]) -> str:
    """The kinds of a page's spam findings, sorted and comma-joined, for filtering with ``LIKE``."""
    return ",".join(sorted({finding.kind for finding in findings}))


def findings_json(findings: Iterable[Finding]) -> str:
    """Spam findings as the ``spam`` columns hold them."""
    return json.dumps([finding.as_dict() for finding in findings], ensure_ascii=False)


def report_row(stored: Stored, now: str, first_seen: str | None) -> Row:
    """The ``reports`` row of a report: the contract's fields (JSON columns encoded), the stored extras,
    the fetch's fields, its run, the spam flags derived from the findings, and when it was stored."""
    report, fetch = stored.report, stored.fetch
    row: Row = {key: getattr(report, key) for key in RECORD_KEYS}
    row |= {name: getattr(report, name) for name in REPORT_COLUMNS}
    row |= {name: getattr(fetch, name) if fetch is not None else None for name in FETCH_COLUMNS}
    row |= {
        "run_id": stored.run_id,
        "first_seen_at": first_seen or now,
        "updated_at": now,
        "compromised": bool(report.compromised or report.spam),
        "spam_kinds": spam_kinds(report.spam),
    }
    row["spam"] = [finding.as_dict() for finding in report.spam]
    for column, empty in JSON_COLUMNS.items():
        value = row[column]
        row[column] = json.dumps(empty() if value is None else value, ensure_ascii=False)
    return row


def file_row(file: ReportFile, run_id: int | None) -> Row:
    """The ``attachments`` row of a file of a report."""
    return {
        "url": file.url,
        "report_url": file.report_url,
        "kind": file.kind,
        "title": file.title,
        "text": file.text,
        "pages": file.pages,
        "scanned": file.scanned,
        "size": file.size,
        "sha256": file.sha256,
        "content_type": file.content_type,
        "fetched_at": file.fetched_at,
        "run_id": run_id,
    }


def page_row(url: str, fetch: Fetch, capture: Capture, run_id: int | None) -> Row:
    """The raw capture (``pages``) of what was fetched, under the report's URL ``url``: bytes compressed,
    headers kept, validators for the next run's requests."""
    lower = {name.lower(): value for name, value in fetch.headers.items()}
    return {
        "url": url,
        "status": fetch.status,
        "headers": json.dumps(fetch.headers, ensure_ascii=False),
        "body": capture.body_zlib,
        "compression": "zlib",
        "size": capture.size,
        "sha256": capture.sha256,
        "content_type": fetch.content_type,
        "etag": lower.get("etag"),
        "last_modified": lower.get("last-modified"),
        "fetched_at": fetch.fetched_at,
        "run_id": run_id,
    }


def stored_of_row(row: Mapping[str, Any]) -> Stored:
    """A stored report (a ``reports`` row, JSON columns decoded; its ``signature`` beside it when read
    with :func:`crawler.corpus.queries.iter_report_records`) as the records it was made from."""
    return Stored(report_of_row(row), fetch_of_row(row), row.get("run_id"))


def report_of_row(row: Mapping[str, Any]) -> Report:
    """What extraction made of a stored report: the contract's fields and the extras ``reports`` keeps."""
    contract: dict[str, Any] = {key: row.get(key) for key in RECORD_KEYS if key not in ("spam", "text")}
    return Report(
        **contract,
        text=row.get("text") or "",
        spam=tuple(_finding(finding) for finding in row.get("spam") or []),
        kind=row.get("kind"),
        scanned=_flag(row.get("scanned")),
        ocr_confidence=row.get("ocr_confidence"),
        encoding=row.get("encoding"),
        container=row.get("container"),
        text_normalised=row.get("text_normalised"),
        compromised=bool(row.get("compromised")),
        content_hash=row.get("content_hash"),
        report_file=row.get("report_file"),
        division_code=row.get("division_code"),
        signature=row.get("signature"),
    )


def fetch_of_row(row: Mapping[str, Any]) -> Fetch:
    """The fetch a stored report came from. Its seed hints are the fields the seed list gave (``sources``
    says ``seed``), so extracting the report again keeps them."""
    sources = row.get("sources") or {}
    hints = {name: row.get(name) if sources.get(name) == SEED else None for name in SEED_HINTS}
    return Fetch(
        url=row["url"],
        status=row.get("status"),
        content_type=row.get("content_type"),
        seed=row.get("seed"),
        referer=row.get("referer"),
        anchor_text=row.get("anchor_text"),
        fetched_at=row.get("fetched_at"),
        rendered=_flag(row.get("rendered")),
        seed_body=hints["body"],
        seed_region=hints["region"],
        seed_level=hints["level"],
        seed_division_code=hints["division_code"],
    )


def _finding(finding: Mapping[str, Any]) -> Finding:
    kind, evidence, where = (str(finding.get(name, "")) for name in ("kind", "evidence", "where"))
    return Finding(kind, evidence, where)


def _flag(value: Any) -> bool | None:
    """A stored 0/1 column as a bool, NULL as None."""
    return None if value is None else bool(value)
