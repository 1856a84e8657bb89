"""Reports as a test writes them: the fields it cares about, by name."""

from __future__ import annotations

from typing import Any

from crawler.extract.record import Finding, Report, Stored


def stored(**fields: Any) -> Stored:
    """A report as :func:`crawler.corpus.dedupe.store_reports` takes it (no fetch, no run): ``fields`` are
    :class:`crawler.extract.record.Report`'s, spam findings given as ``kind``/``evidence``/``where`` dicts."""
    findings = tuple(Finding(**finding) for finding in fields.pop("spam", None) or [])
    return Stored(Report(**fields, spam=findings))
