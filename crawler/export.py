"""Writes the stored reports out: one JSON object per report with the contract's keys first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import sqlite_utils

from crawler import db as corpus
from crawler.extract import RECORD_KEYS


def export_records(database: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every report as a dict whose first keys are :data:`RECORD_KEYS`, then the stored extras."""
    for row in corpus.iter_reports(database):
        yield {key: row.get(key) for key in RECORD_KEYS} | {
            key: value for key, value in row.items() if key not in RECORD_KEYS
        }


def write_jsonl(database: sqlite_utils.Database, out: IO[str]) -> int:
    count = 0
    for record in export_records(database):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
